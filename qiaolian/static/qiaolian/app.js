// Qiaolian page behaviour: no inline scripts (CSP with nonces), everything wired here.
(function () {
  "use strict";

  function wire(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
    if (window.TomSelect) {
      root.querySelectorAll("select[data-tom-select]").forEach(function (select) {
        if (select.tomselect) return;
        new TomSelect(select, { maxOptions: 500, allowEmptyOption: true });
      });
    }
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.wired) return;
      form.dataset.wired = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
    root.querySelectorAll("[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copy);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
  // CSRF token for every HTMX request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
})();
