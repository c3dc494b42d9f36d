/* Service requests: the routing suggestion on the intake form (CSP: no inline scripts, so it lives here). */
(function () {
  "use strict";

  var latest = 0;

  function refresh(form) {
    var category = form.querySelector("[name=category]");
    var area = form.querySelector("[name=area]");
    if (!category || !area || !form.querySelector("#routing-suggestion")) return;
    // Answers can arrive out of order (the page-load request may finish after a change's request):
    // only the newest one is shown, and it replaces whatever suggestion is on the page at that moment.
    var ticket = ++latest;
    var url = form.dataset.routingUrl + "?category=" + encodeURIComponent(category.value || "") +
      "&area=" + encodeURIComponent(area.value || "");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (html === null || ticket !== latest) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("#routing-suggestion");
        var target = form.querySelector("#routing-suggestion");
        if (fresh && target) target.replaceWith(fresh);
      })
      .catch(function () { /* the suggestion is a hint; the office still chooses */ });
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest("[data-intake-form]");
    if (form && (event.target.name === "category" || event.target.name === "area")) refresh(form);
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-intake-form]").forEach(refresh);
  });
})();
