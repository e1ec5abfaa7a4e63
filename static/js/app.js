// Small progressive enhancements; every page works without JavaScript.
(function () {
  "use strict";

  // The language selector submits itself.
  document.querySelectorAll("select.js-autosubmit").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });

  // "Add another" for Django formsets: clone the <template>, renumber __prefix__.
  document.querySelectorAll(".formset").forEach(function (formset) {
    var prefix = formset.dataset.prefix;
    var total = document.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = formset.querySelector("template");
    var button = formset.querySelector(".js-add-row");
    if (!total || !template || !button) { return; }
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML
        .replace(/__prefix__/g, String(index))
        .replace(/__num__/g, String(index + 1));
      button.insertAdjacentHTML("beforebegin", html);
      total.value = String(index + 1);
      var first = button.previousElementSibling.querySelector("input, select, textarea");
      if (first) { first.focus(); }
    });
  });

  // Ask before a form that says so is submitted (irreversible steps).
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
