// Qiaolian page behaviour: no inline scripts (CSP with nonces), everything wired here.
(function () {
  "use strict";

  // The few words the pickers show, in the page's language.
  var PICKER_TEXT = {
    zh: { search: "输入以搜索…", clear: "清除" },
    en: { search: "Type to search…", clear: "Clear" }
  };
  function pickerText(key) {
    var lang = (document.documentElement.lang || "zh").slice(0, 2);
    return (PICKER_TEXT[lang] || PICKER_TEXT.zh)[key];
  }

  // While the user types, the chosen item is hidden, so the query does not run on after it.
  function typing(picker) {
    picker.on("type", function (query) {
      picker.wrapper.classList.toggle("ts-typing", !!query);
    });
    ["blur", "change", "dropdown_close"].forEach(function (name) {
      picker.on(name, function () { picker.wrapper.classList.remove("ts-typing"); });
    });
    return picker;
  }

  function wire(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      if (select.dataset.wired) return;
      select.dataset.wired = "1";
      select.addEventListener("change", function () { select.form.submit(); });
    });
    if (window.TomSelect) {
      root.querySelectorAll("select[data-tom-select]").forEach(function (select) {
        if (select.tomselect) return;
        // Django's "---------" (or "- Select an option -") is no choice: it becomes the
        // placeholder, and an optional field gets a clear button instead. An empty option with
        // words of its own ("All operations") stays a choice.
        var empty = select.querySelector('option[value=""]');
        var dashes = !empty || /^-*$|^-.*-$/.test(empty.textContent.trim());
        var settings = { maxOptions: 500, allowEmptyOption: !dashes };
        if (dashes && !select.multiple) {
          settings.placeholder = pickerText("search");
          if (!select.required) {
            settings.plugins = { clear_button: { title: pickerText("clear") } };
          }
        }
        typing(new TomSelect(select, settings));
      });
      // Pickers over large scoped lists (people): options come from a small JSON endpoint
      // answering {"results": [{"value", "text"}]}; the server filters, so no local scoring.
      root.querySelectorAll("select[data-tom-remote]").forEach(function (select) {
        if (select.tomselect) return;
        var url = select.dataset.tomRemote;
        typing(new TomSelect(select, {
          valueField: "value",
          labelField: "text",
          searchField: ["text"],
          maxOptions: 20,
          preload: "focus",
          score: function () { return function () { return 1; }; },
          load: function (query, callback) {
            var self = this;
            var sep = url.indexOf("?") === -1 ? "?" : "&";
            fetch(url + sep + "q=" + encodeURIComponent(query), {
              credentials: "same-origin", headers: { "Accept": "application/json" }
            })
              .then(function (response) { return response.json(); })
              .then(function (data) {
                // Show only this query's answer (the selected option is kept), and ask the
                // server again next time rather than reuse an earlier query's options.
                self.clearOptions();
                self.loadedSearches = {};
                callback(data.results);
              })
              .catch(function () { callback(); });
          }
        }));
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

  document.addEventListener("DOMContentLoaded", function () {
    wire(document);
    // A long form's error summary (includes/error_summary.html) takes the focus.
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
  });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
  // CSRF token for every HTMX request.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
})();
