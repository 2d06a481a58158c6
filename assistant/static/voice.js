// Talking with the assistant on the client page.
//
// The microphone is captured by an AudioWorklet as 16 kHz mono PCM and streamed over the
// WebSocket /voice/ws; partial text shows live, and the server notices the end of speech.
//
// Hands-free (the client's setting, on unless an admin turned it off): one tap opens the
// microphone and it stays open. After each pause the text shows with "Ångra" and a short
// countdown, then goes into the dialogue by itself (window.handlaChat.send, as if typed).
// "Ångra" drops it before anything is sent; tapping the text stops the countdown so staff can
// correct it and press "Skicka"; when the client goes on talking the countdown waits and the new
// words are added. Without hands-free the microphone closes after each utterance and the text
// waits for "Skicka".
//
// Every answer of the assistant is spoken: the server synthesises it sentence by sentence and
// the WAV chunks play back to back as they arrive. When the client starts talking (a quarter
// of a second of loud sound, or the recogniser hears words) or taps the button, the answer
// stops at once (barge-in).
(() => {
  const root = document.getElementById("voice");
  if (!root) return;
  const talk = document.getElementById("voice-talk");
  const state = document.getElementById("voice-state");
  const detail = document.getElementById("voice-detail");
  const partial = document.getElementById("voice-partial");
  const confirmForm = document.getElementById("voice-confirm");
  const confirmText = document.getElementById("voice-text");
  const undo = document.getElementById("voice-undo");
  const countdown = document.getElementById("voice-countdown");
  const speakReplies = document.getElementById("voice-speak");
  const lengthScale = Number(root.dataset.lengthScale) || 1.0;
  const handsFree = root.dataset.handsFree === "on";
  const GRACE_MS = Number(root.dataset.graceMs) || 2000;
  const IDLE_STOP_MS = 120000; // hands-free: the microphone closes after two quiet minutes
  // quiet that ends an utterance: shorter hands-free, where more words join the waiting text
  const END_SILENCE_MS = handsFree ? 300 : 700;
  // barge-in at once: this loud (16-bit RMS) for this long while an answer plays stops it; the
  // browser's echo cancellation keeps the answer itself out of the microphone
  const BARGE_IN_RMS = 800;
  const BARGE_IN_MS = 250;
  const IDLE_LABEL = "Tryck och prata";
  const LISTENING_LABEL = handsFree ? "Sluta lyssna" : "Tryck när du pratat klart";

  let socket = null;
  let socketReady = null;
  let capture = null; // {context, stream, node}
  let available = false;
  let talking = false; // the recogniser hears words of an utterance not yet final
  let idleTimer = null;
  // the text in the field waits to be sent: {timer, tick, heldByTalk, heldByStaff}
  let pending = null;
  let sending = Promise.resolve(); // voice turns go to the chat one after the other
  // playback of spoken answers
  let playback = null; // AudioContext
  let playAt = 0;
  let sources = [];
  let accepting = false; // audio chunks of the current answer are welcome
  let generation = 0; // bumped when an answer stops: late chunks of it are dropped

  function say(text) {
    state.textContent = text;
  }

  async function checkStatus() {
    try {
      const response = await fetch("/voice/status", { credentials: "same-origin" });
      const status = await response.json();
      available = Boolean(status.available);
      talk.disabled = !available;
      root.dataset.mode = status.mode;
      if (available) {
        say(idleHint());
      } else {
        say(status.reason);
        if (detail && status.detail) {
          detail.textContent = status.detail;
          detail.hidden = false;
        }
      }
    } catch {
      say("Rösten går inte att nå just nu. Skriv i stället.");
    }
  }

  // --- the socket -------------------------------------------------------------------------

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
      if (capture) {
        stopCapture();
        say("Rösten kopplades ifrån. Tryck på knappen igen.");
      }
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
      onPartial(message.text);
    } else if (message.type === "final") {
      onFinal(message.text);
    } else if (message.type === "speaking") {
      stopPlayback();
      accepting = true;
    } else if (message.type === "audio_end") {
      accepting = false;
    } else if (message.type === "error") {
      if (!handsFree) stopCapture();
      say(message.message);
    }
  }

  // --- listening --------------------------------------------------------------------------

  function onPartial(text) {
    partial.textContent = text;
    if (!text) return;
    talking = true;
    stopPlayback(); // barge-in: the client talks, the answer stops
    restartIdle();
    if (pending && pending.timer) {
      holdPending(); // the client goes on talking: the new words join the waiting text
      say("Jag lyssnar…");
    }
  }

  function onFinal(text) {
    talking = false;
    partial.textContent = "";
    if (!handsFree) {
      stopCapture();
      if (text) {
        showText(text);
        confirmText.focus();
        say("Stämmer det? Tryck på Skicka.");
      } else {
        say("Jag hörde inget. Tryck på knappen och försök igen.");
      }
      return;
    }
    if (!text) {
      if (pending && pending.heldByTalk) countDown(); // it was nothing after all
      return;
    }
    if (pending && pending.heldByStaff) {
      confirmText.value = `${confirmText.value.trim()} ${text}`.trim();
      return; // staff are correcting: the new words wait with the rest for "Skicka"
    }
    showText(pending ? `${confirmText.value.trim()} ${text}`.trim() : text);
    countDown();
  }

  function showText(text) {
    clearTimers();
    pending = { timer: null, tick: null, heldByTalk: false, heldByStaff: false };
    confirmText.value = text;
    confirmForm.hidden = false;
    undo.hidden = !handsFree;
  }

  function countDown() {
    clearTimers();
    pending.heldByTalk = false;
    const deadline = performance.now() + GRACE_MS;
    const show = () => {
      const seconds = Math.max(1, Math.ceil((deadline - performance.now()) / 1000));
      countdown.textContent = `Skickas om ${seconds} s. Tryck på Ångra om det blev fel.`;
    };
    show();
    countdown.hidden = false;
    pending.tick = setInterval(show, 250);
    pending.timer = setTimeout(() => send(confirmText.value), GRACE_MS);
    say("Jag skickar det här strax.");
  }

  function clearTimers() {
    if (!pending) return;
    clearTimeout(pending.timer);
    clearInterval(pending.tick);
    pending.timer = null;
    pending.tick = null;
  }

  function holdPending() {
    clearTimers();
    pending.heldByTalk = true;
    countdown.textContent = "Väntar tills du pratat klart…";
  }

  function holdForStaff() {
    if (!pending || pending.heldByStaff) return;
    clearTimers();
    pending.heldByStaff = true;
    countdown.textContent = "Rätta texten och tryck på Skicka.";
    say("Skickas när du trycker på Skicka.");
  }

  function dropPending() {
    clearTimers();
    pending = null;
    confirmForm.hidden = true;
    countdown.hidden = true;
    countdown.textContent = "";
  }

  function send(raw) {
    const text = (raw || "").trim();
    dropPending();
    if (!text || !window.handlaChat) return;
    say("Skickat. Ett ögonblick…");
    sending = sending.then(async () => {
      const replies = await window.handlaChat.send(text);
      if (!replies.length) {
        // the chat was busy with another message: nothing was sent, the text waits for staff
        showText(text);
        pending.heldByStaff = true;
        say("Det gick inte att skicka just nu. Tryck på Skicka.");
      } else if (capture && handsFree) {
        say("Jag lyssnar. Prata när du vill.");
      } else {
        say(idleHint());
      }
    });
  }

  function idleHint() {
    return handsFree
      ? "Tryck på knappen en gång. Sedan kan du prata när du vill."
      : "Tryck på knappen och säg vad du vill handla.";
  }

  function restartIdle() {
    clearTimeout(idleTimer);
    if (!handsFree || !capture) return;
    idleTimer = setTimeout(() => {
      stopCapture();
      say("Jag slutar lyssna nu. Tryck på knappen när du vill prata igen.");
    }, IDLE_STOP_MS);
  }

  async function startCapture() {
    stopPlayback();
    const ws = await connect();
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { channelCount: 1, echoCancellation: true, noiseSuppression: true },
    });
    const context = new AudioContext();
    await context.audioWorklet.addModule("/static/pcm-worklet.js");
    const source = context.createMediaStreamSource(stream);
    const node = new AudioWorkletNode(context, "pcm-worklet");
    ws.send(JSON.stringify({ type: "start", sample_rate: 16000, channels: 1,
                             length_scale: lengthScale, end_silence_ms: END_SILENCE_MS,
                             client_id: Number(root.dataset.clientId) }));
    let loudMs = 0;
    node.port.onmessage = (event) => {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(event.data);
      if (!sources.length) return;
      const step = blockMs(event.data); // a dip between words takes back, not all
      loudMs = Math.max(0, loudMs + (loudness(event.data) >= BARGE_IN_RMS ? step : -step));
      if (loudMs >= BARGE_IN_MS) stopPlayback(); // the client talks over the answer
    };
    source.connect(node);
    capture = { context, stream, node };
    talk.textContent = LISTENING_LABEL;
    talk.classList.add("listening");
    talk.setAttribute("aria-pressed", "true");
    if (!handsFree) dropPending();
    restartIdle();
    say(handsFree ? "Jag lyssnar. Prata när du vill." : "Jag lyssnar…");
  }

  function loudness(block) {
    const samples = new Int16Array(block);
    let sum = 0;
    for (const sample of samples) sum += sample * sample;
    return Math.sqrt(sum / Math.max(1, samples.length));
  }

  function blockMs(block) {
    return block.byteLength / 32; // 16 kHz, 2 bytes a sample
  }

  function stopCapture() {
    clearTimeout(idleTimer);
    talking = false;
    if (!capture) return;
    capture.node.port.onmessage = null;
    capture.stream.getTracks().forEach((track) => track.stop());
    capture.context.close();
    capture = null;
    partial.textContent = "";
    talk.textContent = IDLE_LABEL;
    talk.classList.remove("listening");
    talk.setAttribute("aria-pressed", "false");
  }

  talk.addEventListener("click", async () => {
    stopPlayback();
    if (capture) {
      stopCapture();
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify({ type: "stop" }));
      }
      say(handsFree ? "Jag lyssnar inte nu. Tryck på knappen när du vill prata." : "Ett ögonblick…");
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
    send(confirmText.value);
  });
  undo.addEventListener("click", () => {
    dropPending();
    say("Ångrat. Inget skickades. Säg det igen när du vill.");
  });
  // staff touching the text: the countdown stops and the text waits for "Skicka"
  confirmText.addEventListener("pointerdown", holdForStaff);
  confirmText.addEventListener("keydown", holdForStaff);
  document.addEventListener("visibilitychange", () => {
    if (document.hidden && capture && handsFree) {
      stopCapture();
      say("Jag slutar lyssna när sidan inte syns. Tryck på knappen för att prata igen.");
    }
  });

  // --- speaking ---------------------------------------------------------------------------

  async function play(wav) {
    if (!accepting) return; // the rest of an answer that was stopped
    const mine = generation;
    playback = playback || new AudioContext();
    const buffer = await playback.decodeAudioData(wav.slice(0));
    if (mine !== generation) return;
    const source = playback.createBufferSource();
    source.buffer = buffer;
    source.connect(playback.destination);
    playAt = Math.max(playAt, playback.currentTime);
    source.start(playAt); // chunks play back to back in the order they arrived
    playAt += buffer.duration;
    sources.push(source);
    root.dataset.speaking = "yes";
    source.addEventListener("ended", () => {
      sources = sources.filter((s) => s !== source);
      if (!sources.length && mine === generation) root.dataset.speaking = "no";
    });
  }

  function stopPlayback() {
    generation += 1;
    accepting = false;
    const playing = sources;
    sources = [];
    playing.forEach((source) => source.stop());
    if (playback) playAt = playback.currentTime;
    root.dataset.speaking = "no";
  }

  async function speak(replies) {
    const text = replies.map((reply) => reply.text).filter(Boolean).join(" ");
    if (!available || !speakReplies.checked || !text || talking) return;
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
  root.dataset.speaking = "no";
  hookChat();
  checkStatus();
})();
