// Catalog import page: asks for the import's progress every second and moves the bar; when the
// import has ended, the page reloads to show the report. Without JavaScript the page has a link.
(() => {
  const box = document.querySelector("[data-import-status]");
  if (!box) return;
  const bar = box.querySelector("progress");
  const text = box.querySelector("[data-import-text]");

  async function poll() {
    try {
      const response = await fetch(box.dataset.importStatus, {
        credentials: "same-origin",
        cache: "no-store",
      });
      if (response.ok) {
        const status = await response.json();
        if (status.state !== "running") {
          window.location.reload();
          return;
        }
        bar.value = status.fraction;
        bar.textContent = `${Math.floor(status.fraction * 100)} %`;
        text.textContent = status.text;
      }
    } catch (error) {
      // a failed poll is tried again at the next tick
    }
    window.setTimeout(poll, 1000);
  }

  window.setTimeout(poll, 1000);
})();
