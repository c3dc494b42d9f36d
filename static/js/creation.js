// Creation pages: fill a score with the suggestion computed from records (<button data-use-suggestion="input id"
// data-value="points">); print the gap list (<button data-print>).
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) return;
    var use = target.closest("[data-use-suggestion]");
    if (use) {
      var input = document.getElementById(use.getAttribute("data-use-suggestion"));
      if (input) {
        input.value = use.getAttribute("data-value");
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
      }
      return;
    }
    if (target.closest("[data-print]")) {
      window.print();
    }
  });
})();
