// The share box's "copy link" button: shown only where the browser can copy.
(function () {
  var button = document.getElementById("share-copy");
  if (!button || !navigator.clipboard) return;
  button.hidden = false;
  button.addEventListener("click", function () {
    navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
      button.classList.add("done");
    });
  });
})();
