// The call console: "insert into reply" puts a suggested answer into the reply box (the
// suggestions come as an HTMX fragment, so the clicks are caught on the document).
(function () {
  "use strict";

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-insert-into]");
    if (!button) return;
    var box = document.getElementById(button.dataset.insertInto);
    if (!box) return;
    var text = button.dataset.insertText || "";
    var before = box.value.replace(/\s+$/, "");
    box.value = before ? before + "\n\n" + text : text;
    box.dispatchEvent(new Event("input", { bubbles: true }));
    box.focus();
    box.setSelectionRange(box.value.length, box.value.length);
  });
})();
