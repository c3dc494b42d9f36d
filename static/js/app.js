/* Shiliu page behaviour. CSP allows only scripts from 'self': no inline handlers, everything is delegated here. */
(function () {
  "use strict";

  function pickerOf(element) {
    return element.closest("[data-area-picker]");
  }

  function setArea(picker, value, label) {
    var input = picker.querySelector("[data-area-input]");
    var labelEl = picker.querySelector("[data-area-label]");
    input.value = value;
    labelEl.textContent = label || labelEl.dataset.placeholder || "";
    labelEl.classList.toggle("text-secondary", !value);
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function setPanel(picker, open) {
    var panel = picker.querySelector(".area-picker-panel");
    var toggle = picker.querySelector("[data-area-toggle]");
    if (panel) panel.hidden = !open;
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    var pick = target.closest("[data-area-pick]");
    if (pick) {
      var picker = pickerOf(pick);
      if (picker) {
        setArea(picker, pick.dataset.value, pick.dataset.label);
        setPanel(picker, false);
      }
      return;
    }
    var clear = target.closest("[data-area-clear]");
    if (clear) {
      setArea(pickerOf(clear), "", "");
      return;
    }
    var toggle = target.closest("[data-area-toggle]");
    if (toggle) {
      var owner = pickerOf(toggle);
      var panel = owner.querySelector(".area-picker-panel");
      setPanel(owner, panel.hidden);
      return;
    }
    var expand = target.closest("[data-area-expand]");
    if (expand) {
      var children = expand.parentElement.nextElementSibling;
      var open = expand.getAttribute("aria-expanded") !== "true";
      expand.setAttribute("aria-expanded", open ? "true" : "false");
      expand.textContent = open ? "−" : "+";
      if (children && expand.dataset.loaded) children.hidden = !open;
      expand.dataset.loaded = "1";
    }
  });

  // Close an open picker with Escape.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    document.querySelectorAll("[data-area-picker]").forEach(function (picker) {
      setPanel(picker, false);
    });
  });

  // Buttons that ask before submitting: <button data-confirm="question">.
  document.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    var question = submitter && submitter.dataset.confirm;
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
