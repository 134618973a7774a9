// The commitment form: "Thêm việc làm" adds an empty action row from the server-rendered <template>
// (formset.empty_form) without saving a draft first. No inline handlers: the CSP forbids them.
document.querySelectorAll("[data-add-action]").forEach((button) => {
  const prefix = button.dataset.prefix;
  const template = document.getElementById("action-row-template");
  const rows = document.querySelector("[data-action-rows]");
  const total = document.querySelector(`input[name="${prefix}-TOTAL_FORMS"]`);
  if (!template || !rows || !total) return;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
    const row = rows.lastElementChild;
    row.querySelector(".row-no").textContent = String(rows.children.length);
    row.querySelector("textarea, input:not([type=hidden])").focus();
  });
});
