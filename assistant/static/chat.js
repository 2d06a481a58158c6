// The assistant chat on the client page.
//
// Public interface (used by voice.js):
//   window.handlaChat.send(text)      sends text into the dialogue, as if typed; returns a Promise
//   window.handlaChat.onReply(fn)     fn(replies) after every answer; replies = [{text, custom, buttons}]
//
// Replies carrying {"cards": [...]} are drawn as picture cards; tapping one sends the choice
// ("den första", ...). After each answer the basket part of the page is reloaded, because the
// assistant's actions may have changed it. While Rasa loads, the panel says
// "Assistenten startar…" and the picture flow on the page works as before.
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
  const ORDINALS = ["den första", "den andra", "den tredje", "den fjärde", "den femte"];
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

  function addEntry(who, text) {
    const item = document.createElement("li");
    item.className = who === "client" ? "from-client" : "from-assistant";
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who === "client" ? "Du: " : "Assistenten: ";
    item.append(label, document.createTextNode(text));
    log.append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  function price(value) {
    return `${Number(value).toFixed(2).replace(".", ",")} kr`;
  }

  function addCards(entry, cards) {
    const list = document.createElement("ul");
    list.className = "product-cards";
    cards.forEach((card, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "product-card";
      const picture = document.createElement("img");
      picture.src = card.image_url || "";
      picture.alt = "";
      picture.width = 160;
      picture.height = 160;
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = card.name;
      const details = document.createElement("span");
      details.textContent = [card.brand, card.size].filter(Boolean).join(", ");
      const cost = document.createElement("span");
      cost.className = "price";
      cost.textContent = price(card.price);
      const pick = document.createElement("span");
      pick.className = "pick";
      pick.textContent = `Välj ${index + 1}`;
      button.append(picture, name, details, cost, pick);
      const choice = ORDINALS[index] ?? card.brand ?? card.name;
      button.addEventListener("click", () => send(choice));
      item.append(button);
      list.append(item);
    });
    entry.append(list);
  }

  async function refreshBasket() {
    const area = document.getElementById("basket-area");
    if (!area) return;
    const response = await fetch(window.location.pathname, { credentials: "same-origin" });
    if (!response.ok) return;
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const fresh = page.getElementById("basket-area");
    if (fresh) area.innerHTML = fresh.innerHTML;
  }

  async function send(text) {
    const message = (text ?? "").trim();
    if (!message || busy) return [];
    busy = true;
    sendButton.disabled = true;
    addEntry("client", message);
    let replies;
    try {
      const response = await fetch(`/clients/${clientId}/chat`, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        body: JSON.stringify({ text: message }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const answer = await response.json();
      setStatus(answer.status);
      replies = answer.replies;
    } catch {
      replies = [{ text: "Det gick inte att nå assistenten. Försök igen om en stund.", custom: {} }];
    } finally {
      busy = false;
      setStatus(status);
    }
    for (const reply of replies) {
      const entry = addEntry("assistant", reply.text || "");
      if (reply.custom && Array.isArray(reply.custom.cards) && reply.custom.cards.length) {
        addCards(entry, reply.custom.cards);
      }
    }
    listeners.forEach((listener) => listener(replies));
    refreshBasket().catch(() => {});
    return replies;
  }

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
})();
