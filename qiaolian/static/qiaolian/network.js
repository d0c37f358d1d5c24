// Person pickers of the liaison grid: options are fetched as the user types (the register is
// too large to send whole). The server filters by name, pinyin, initials and phone digits.
(function () {
  "use strict";

  function wire(root) {
    if (!window.TomSelect) return;
    root.querySelectorAll("select[data-remote]").forEach(function (select) {
      if (select.tomselect) return;
      new TomSelect(select, {
        valueField: "value",
        labelField: "text",
        searchField: ["text"],
        loadThrottle: 250,
        maxOptions: 50,
        // The server already ranked and filtered ("zw" finds 张伟): keep every option it sent.
        score: function () { return function () { return 1; }; },
        load: function (query, callback) {
          var url = select.dataset.remote + "?q=" + encodeURIComponent(query);
          fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
            .then(function (response) { return response.json(); })
            .then(function (body) { callback(body.results); })
            .catch(function () { callback(); });
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSwap", function (event) { wire(event.target); });
})();
