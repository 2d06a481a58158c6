// The assistant chat on the client page.
//
// Public interface (used by voice.js):
//   window.handlaChat.send(text)      sends text into the dialogue, as if typed; returns a Promise
//   window.handlaChat.onReply(fn)     fn(replies) after every answer; replies = [{text, custom, buttons}]
//
// The server renders every message (the day's history on the page, new ones in the answer's
// "html"), so cards look the same before and after a reload. Tapping a card picks it for its
// open choice; tapping a button says its words. After each answer the open choices and the
// basket are fetched again (the assistant may have changed them).
(() => {
  const panel = document.getElementById("chat-panel");
  if (!panel) return;
  const clientId = panel.dataset.clientId;
  const csrf = panel.dataset.csrf;
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-text");
  const sendButton = document.getElementById("chat-send");
  const statusLine = document.getElementById("chat-status");
  const listeners = [];
  const STATUS_TEXT = {
    starting: "Assistenten startar… Du kan redan välja varor med sökrutan och bilderna.",
    unavailable: "Assistenten är inte igång just nu. Använd sökrutan och bilderna.",
    ready: "",
  };
  let status = "starting";
  let busy = false;

  function setStatus(next) {
    status = next;
    statusLine.textContent = STATUS_TEXT[next] ?? STATUS_TEXT.unavailable;
    sendButton.disabled = busy || next !== "ready";
  }

  async function pollStatus() {
    try {
      const response = await fetch("/api/assistant/status", { credentials: "same-origin" });
      setStatus(response.ok ? (await response.json()).status : "unavailable");
    } catch {
      setStatus("unavailable");
    }
    setTimeout(pollStatus, status === "ready" ? 30000 : 3000);
  }

  function appendHtml(html) {
    const template = document.createElement("template");
    template.innerHTML = html;
    const added = [...template.content.children];
    log.append(...added);
    return added;
  }

  function showNewest(added) {
    // the first answer at the top of the view, so its cards and buttons are on screen
    const answer = added.find((item) => item.classList.contains("from-assistant")) ?? added.at(-1);
    if (answer) answer.scrollIntoView({ block: "start", behavior: "instant" });
  }

  async function refreshParts() {
    const response = await fetch(`/clients/${clientId}/parts`, { credentials: "same-origin" });
    if (!response.ok) return;
    const parts = await response.json();
    for (const [id, html] of Object.entries(parts)) {
      const element = document.getElementById(id);
      if (element) element.innerHTML = html;
    }
  }

  async function post(body, shown) {
    if (busy) return [];
    busy = true;
    sendButton.disabled = true;
    let replies;
    try {
      const response = await fetch(`/clients/${clientId}/chat`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify(body),
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      setStatus(answer.status);
      replies = answer.replies;
      showNewest(appendHtml(answer.html));
    } catch {
      replies = [{ text: "Det gick inte att nå assistenten. Försök igen om en stund.", custom: {} }];
      const item = document.createElement("li");
      item.className = "from-assistant";
      item.textContent = `Du: ${shown} – ${replies[0].text}`;
      log.append(item);
    } finally {
      busy = false;
      setStatus(status);
    }
    listeners.forEach((listener) => listener(replies));
    refreshParts().catch(() => {});
    return replies;
  }

  function send(text) {
    const message = (text ?? "").trim();
    if (!message) return Promise.resolve([]);
    return post({ text: message }, message);
  }

  log.addEventListener("click", (event) => {
    const card = event.target.closest("button[data-product]");
    if (card) {
      post(
        { pick: { line_id: Number(card.dataset.line), product_id: Number(card.dataset.product) } },
        card.dataset.label,
      );
      return;
    }
    const button = event.target.closest("button[data-say]");
    if (button) send(button.dataset.say);
  });

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    send(text);
  });

  window.handlaChat = {
    send,
    onReply(listener) {
      listeners.push(listener);
    },
  };
  setStatus("starting");
  pollStatus();
  // the newest message in view inside the log only: the page itself stays where it landed
  log.scrollTop = log.scrollHeight;
})();
