// Small enhancements of the staff workspace. Every page works without them.
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn();
    else document.addEventListener("DOMContentLoaded", fn);
  }

  ready(function () {
    document.documentElement.classList.add("js");

    // What was typed in the page's forms survives a change of language: kept for this tab
    // just before the switch is sent, put back into the same fields when the page comes back.
    var KEPT = "kenesh-typed:" + location.pathname;
    function typedFields() {
      return document.querySelectorAll(
        "main form:not([data-autosubmit]) input[name]:not([type=hidden]):not([type=file])" +
        ":not([type=checkbox]):not([type=radio]):not([type=password])," +
        "main form:not([data-autosubmit]) textarea[name]"
      );
    }
    try {
      var kept = JSON.parse(sessionStorage.getItem(KEPT) || "null");
      sessionStorage.removeItem(KEPT);
      if (kept) {
        typedFields().forEach(function (field) {
          var key = (field.form.getAttribute("action") || "") + "#" + field.name;
          if (kept[key] !== undefined && field.value === "") field.value = kept[key];
        });
      }
    } catch (e) { /* storage off: nothing to put back */ }
    function keepTyped() {
      var typed = {};
      typedFields().forEach(function (field) {
        if (field.value !== "") {
          typed[(field.form.getAttribute("action") || "") + "#" + field.name] = field.value;
        }
      });
      try { sessionStorage.setItem(KEPT, JSON.stringify(typed)); } catch (e) { /* full or off */ }
    }

    // A select in a form marked data-autosubmit sends the form when it changes (language).
    document.querySelectorAll("form[data-autosubmit] select").forEach(function (select) {
      select.addEventListener("change", function () { keepTyped(); select.form.submit(); });
    });

    // A checkbox marked data-select-all="NAME" ticks or clears every checkbox named NAME.
    document.querySelectorAll("input[data-select-all]").forEach(function (all) {
      var name = all.getAttribute("data-select-all");
      var boxes = function () {
        return document.querySelectorAll('input[type="checkbox"][name="' + name + '"]');
      };
      all.addEventListener("change", function () {
        boxes().forEach(function (box) { box.checked = all.checked; });
        count();
      });
      var counter = document.querySelector("[data-selected-count]");
      function count() {
        if (!counter) return;
        var n = 0;
        boxes().forEach(function (box) { if (box.checked) n++; });
        counter.textContent = String(n);
      }
      boxes().forEach(function (box) { box.addEventListener("change", count); });
      count();
    });

    // A button marked data-confirm asks first.
    document.querySelectorAll("[data-confirm]").forEach(function (button) {
      button.addEventListener("click", function (event) {
        if (!window.confirm(button.getAttribute("data-confirm"))) event.preventDefault();
      });
    });
  });
})();
