/* The public request form's area picker: one select per level, loaded from public_areas as the resident
   goes down the tree; the hidden "area" input takes the deepest village, community or grid chosen.
   CSP: no inline scripts, so it lives here and reads its settings from data-* attributes. */
(function () {
  "use strict";

  function build(container) {
    var input = document.getElementById(container.dataset.input);
    var url = container.dataset.url;
    var prompt = container.dataset.prompt || "";
    var chain = (container.dataset.chain || "").split(",").filter(Boolean);
    var pending = 0;

    function selects() {
      return Array.prototype.slice.call(container.querySelectorAll("select"));
    }

    function dropBelow(depth) {
      selects().forEach(function (select) {
        if (Number(select.dataset.depth) > depth) select.remove();
      });
    }

    function update() {
      var value = "";
      selects().forEach(function (select) {
        var option = select.selectedOptions[0];
        if (option && option.value && option.dataset.selectable === "1") value = option.value;
      });
      input.value = value;
    }

    function load(parentId, depth, rest) {
      var ticket = ++pending;
      fetch(url + (parentId ? "?parent=" + encodeURIComponent(parentId) : ""), { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.json() : { areas: [] }; })
        .then(function (data) {
          if (ticket !== pending || !data.areas.length) return;
          dropBelow(depth - 1);
          var select = document.createElement("select");
          select.className = "form-select mb-2";
          select.dataset.depth = String(depth);
          select.setAttribute("aria-label", prompt);
          select.add(new Option(prompt, ""));
          data.areas.forEach(function (area) {
            var option = new Option(area.name, String(area.id));
            option.dataset.selectable = area.selectable ? "1" : "";
            option.dataset.children = area.has_children ? "1" : "";
            select.add(option);
          });
          container.appendChild(select);
          // A single way down above the villages (one province, one city) is taken for the resident.
          if (data.areas.length === 1 && !data.areas[0].selectable && !rest.length) rest = [String(data.areas[0].id)];
          if (rest.length) {
            select.value = rest[0];
            choose(select, rest.slice(1));
          }
        })
        .catch(function () { /* the form says where to call when nothing can be chosen */ });
    }

    function choose(select, rest) {
      var depth = Number(select.dataset.depth);
      dropBelow(depth);
      update();
      var option = select.selectedOptions[0];
      if (option && option.value && option.dataset.children === "1") load(option.value, depth + 1, rest || []);
    }

    container.addEventListener("change", function (event) {
      if (event.target.tagName === "SELECT") choose(event.target, []);
    });
    load("", 0, chain);
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-area-picker]").forEach(build);
  });
})();
