// Push-to-talk on the client page.
//
// Tap "Tryck och prata", speak, tap again (or pause: the server notices the end of speech).
// The microphone is captured by an AudioWorklet as 16 kHz mono PCM and streamed over the
// WebSocket /voice/ws; partial text shows live. The final text lands in an editable field so
// staff can correct it, and "Skicka" sends it into the dialogue through window.handlaChat
// (chat.js). Every answer of the assistant is then spoken: the server synthesises it sentence by
// sentence and the WAV chunks are played in order as they arrive.
(() => {
  const root = document.getElementById("voice");
  if (!root) return;
  const talk = document.getElementById("voice-talk");
  const state = document.getElementById("voice-state");
  const partial = document.getElementById("voice-partial");
  const confirmForm = document.getElementById("voice-confirm");
  const confirmText = document.getElementById("voice-text");
  const speakReplies = document.getElementById("voice-speak");
  const lengthScale = Number(root.dataset.lengthScale) || 1.0;
  const IDLE_LABEL = "Tryck och prata";
  const LISTENING_LABEL = "Tryck när du pratat klart";

  let socket = null;
  let socketReady = null;
  let capture = null; // {context, stream, node}
  let playback = null; // AudioContext for replies
  let playAt = 0;
  let available = false;

  function say(text) {
    state.textContent = text;
  }

  async function checkStatus() {
    try {
      const response = await fetch("/voice/status", { credentials: "same-origin" });
      const status = await response.json();
      available = Boolean(status.available);
      talk.disabled = !available;
      say(available ? "Tryck på knappen och säg vad du vill handla." : status.reason);
      root.dataset.mode = status.mode;
    } catch {
      say("Rösten går inte att nå just nu. Skriv i stället.");
    }
  }

  function connect() {
    if (socket && socket.readyState <= WebSocket.OPEN) return socketReady;
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    socket = new WebSocket(`${scheme}://${location.host}/voice/ws`);
    socket.binaryType = "arraybuffer";
    socketReady = new Promise((resolve, reject) => {
      socket.addEventListener("message", function first(event) {
        if (typeof event.data !== "string") return;
        const message = JSON.parse(event.data);
        if (message.type === "ready") {
          socket.removeEventListener("message", first);
          resolve(socket);
        } else if (message.type === "error") {
          reject(new Error(message.message));
        }
      });
      socket.addEventListener("close", () => reject(new Error("Rösten kopplades ifrån.")));
    });
    socket.addEventListener("message", onMessage);
    socket.addEventListener("close", () => {
      socket = null;
      stopCapture();
    });
    return socketReady;
  }

  function onMessage(event) {
    if (typeof event.data !== "string") {
      play(event.data);
      return;
    }
    const message = JSON.parse(event.data);
    if (message.type === "partial") {
      partial.textContent = message.text;
    } else if (message.type === "final") {
      stopCapture();
      partial.textContent = "";
      if (message.text) {
        confirmText.value = message.text;
        confirmForm.hidden = false;
        confirmText.focus();
        say("Stämmer det? Tryck på Skicka.");
      } else {
        say("Jag hörde inget. Tryck på knappen och försök igen.");
      }
    } else if (message.type === "error") {
      stopCapture();
      say(message.message);
    }
  }

  async function startCapture() {
    const ws = await connect();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    const context = new AudioContext();
    await context.audioWorklet.addModule("/static/pcm-worklet.js");
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, "pcm-worklet");
    ws.send(JSON.stringify({ type: "start", sample_rate: 16000, channels: 1,
                             length_scale: lengthScale, confirm: true,
                             client_id: Number(root.dataset.clientId) }));
    node.port.onmessage = (event) => {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(event.data);
    };
    source.connect(node);
    capture = { context, stream, node };
    talk.textContent = LISTENING_LABEL;
    talk.classList.add("listening");
    talk.setAttribute("aria-pressed", "true");
    confirmForm.hidden = true;
    say("Jag lyssnar…");
  }

  function stopCapture() {
    if (!capture) return;
    capture.node.port.onmessage = null;
    capture.stream.getTracks().forEach((track) => track.stop());
    capture.context.close();
    capture = null;
    talk.textContent = IDLE_LABEL;
    talk.classList.remove("listening");
    talk.setAttribute("aria-pressed", "false");
  }

  talk.addEventListener("click", async () => {
    if (capture) {
      stopCapture();
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "stop" }));
      }
      say("Ett ögonblick…");
      return;
    }
    try {
      await startCapture();
    } catch (error) {
      stopCapture();
      say(error && error.name === "NotAllowedError"
        ? "Mikrofonen är inte tillåten. Tillåt mikrofonen i webbläsaren och försök igen."
        : `Det gick inte att starta mikrofonen: ${error.message || error}`);
    }
  });

  confirmForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = confirmText.value.trim();
    confirmForm.hidden = true;
    if (text && window.handlaChat) window.handlaChat.send(text);
  });

  async function play(wav) {
    playback = playback || new AudioContext();
    const buffer = await playback.decodeAudioData(wav.slice(0));
    const source = playback.createBufferSource();
    source.buffer = buffer;
    source.connect(playback.destination);
    playAt = Math.max(playAt, playback.currentTime);
    source.start(playAt); // chunks play back to back in the order they arrived
    playAt += buffer.duration;
  }

  async function speak(replies) {
    const text = replies.map((reply) => reply.text).filter(Boolean).join(" ");
    if (!available || !speakReplies.checked || !text) return;
    try {
      const ws = await connect();
      ws.send(JSON.stringify({ type: "say", text }));
    } catch (error) {
      say(error.message);
    }
  }

  function hookChat() {
    if (window.handlaChat) window.handlaChat.onReply(speak);
    else setTimeout(hookChat, 200);
  }

  talk.setAttribute("aria-pressed", "false");
  hookChat();
  checkStatus();
})();
