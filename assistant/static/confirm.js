// Ordering needs a deliberate second tap.
//
// The first tap arms the button ("Tryck igen för att beställa"). A tap that comes less than
// PAUSE_MS after the previous tap is ignored, so a double tap or a trembling hand never orders;
// the order goes only when the client taps again after a pause. The armed state ends by itself
// after EXPIRE_MS. Without JavaScript the server does the arming (the first post comes back
// armed), and the idempotency key makes any repeat the same order.
(() => {
  const PAUSE_MS = 600;
  const EXPIRE_MS = 10000;

  function parts(form) {
    return {
      armed: form.querySelector("input[name=armed]"),
      button: form.querySelector("button[type=submit]"),
      hint: form.querySelector("[data-confirm-hint]"),
    };
  }

  function disarm(form) {
    const { armed, button, hint } = parts(form);
    armed.value = "0";
    button.textContent = button.dataset.idleText;
    button.classList.remove("armed");
    hint.textContent = "";
    delete form.dataset.armedUntil;
  }

  function arm(form, now) {
    const { armed, button, hint } = parts(form);
    armed.value = "1";
    button.textContent = button.dataset.armedText;
    button.classList.add("armed");
    hint.textContent = button.dataset.armedHint;
    const until = now + EXPIRE_MS;
    form.dataset.armedUntil = String(until);
    setTimeout(() => {
      if (form.dataset.armedUntil === String(until) && form.dataset.sent !== "1") disarm(form);
    }, EXPIRE_MS);
  }

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-confirm]")) return;
    const now = performance.now();
    const last = Number(form.dataset.lastTap || -Infinity);
    form.dataset.lastTap = String(now);
    if (form.dataset.sent === "1") {
      event.preventDefault();
      return;
    }
    if (parts(form).armed.value !== "1") {
      event.preventDefault();
      arm(form, now);
      return;
    }
    if (now - last < PAUSE_MS) {
      event.preventDefault(); // the second tap of a double tap, or a tremor
      return;
    }
    form.dataset.sent = "1";
  });

  // A page the server sent already armed (the first tap without JavaScript) expires too.
  for (const form of document.querySelectorAll("form[data-confirm]")) {
    if (parts(form).armed.value === "1") {
      form.dataset.lastTap = String(performance.now());
      arm(form, performance.now());
    }
  }
})();
