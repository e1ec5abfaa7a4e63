// The period picker shows the custom dates only when "custom range" is chosen. Without
// JavaScript both stay visible and the form still works.
(function () {
  "use strict";
  document.querySelectorAll("select.js-period-preset").forEach(function (select) {
    var range = select.form.querySelector(".custom-range");
    if (!range) { return; }
    function sync() { range.classList.toggle("is-hidden", select.value !== "custom"); }
    select.addEventListener("change", sync);
    sync();
  });
})();
