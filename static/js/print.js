// Print buttons on the printable pages (no inline handlers: the Content-Security-Policy forbids them).
document.querySelectorAll("[data-print]").forEach((button) => button.addEventListener("click", () => window.print()));
