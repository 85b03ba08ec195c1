// The tariff form: show the fields of the chosen way of giving prices (simple or OCPI
// elements); without JavaScript both are shown and the choice still decides on the server.
(function () {
  "use strict";
  var radios = document.querySelectorAll('input[name="mode"]');
  function show() {
    var mode = document.querySelector('input[name="mode"]:checked');
    var chosen = mode ? mode.value : "simple";
    document.querySelectorAll(".mode-simple").forEach(function (el) { el.classList.toggle("hidden-mode", chosen !== "simple"); });
    document.querySelectorAll(".mode-elements").forEach(function (el) { el.classList.toggle("hidden-mode", chosen !== "elements"); });
  }
  radios.forEach(function (radio) { radio.addEventListener("change", show); });
  show();
}());
