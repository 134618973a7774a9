// Behaviour shared by every page (no inline handlers or style attributes: the Content-Security-Policy
// forbids them; styles set through the CSSOM, as here, are allowed).
document.querySelectorAll("select[data-autosubmit]").forEach((select) =>
  select.addEventListener("change", () => select.form.submit())
);
function applyPercent(root) {
  root.querySelectorAll("[data-percent]").forEach((bar) => { bar.style.width = bar.dataset.percent + "%"; });
}
if (window.htmx) { htmx.onLoad(applyPercent); } else { applyPercent(document); }
