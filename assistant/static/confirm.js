// Confirm needs a deliberate second tap: the first tap arms the button and changes its text.
// Without JavaScript the server does the same (the first post comes back armed).
// A submitted form is locked so that a double tap cannot post twice (the server's
// idempotency key makes one order of it anyway).
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.matches("form[data-confirm]")) return;
  const armed = form.querySelector("input[name=armed]");
  const button = form.querySelector("button[type=submit]");
  if (form.dataset.sent === "1") {
    event.preventDefault();
    return;
  }
  if (armed.value !== "1") {
    event.preventDefault();
    armed.value = "1";
    button.textContent = button.dataset.armedText;
    button.classList.add("armed");
    form.querySelector("[data-confirm-hint]").textContent = button.dataset.armedHint;
    return;
  }
  form.dataset.sent = "1";
});
