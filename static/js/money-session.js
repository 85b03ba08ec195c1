// A session's power (kW) and energy charged (kWh) over time, from its meter values (uPlot).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("session-series").textContent);
  var target = document.getElementById("session-plot");
  if (!target || !window.uPlot) { return; }
  function width() { return Math.max(280, target.clientWidth || 600); }
  var plot = new uPlot({
    width: width(),
    height: 300,
    series: [
      {},
      { label: "Power (kW)", stroke: "#1f6feb", width: 2, scale: "kW", spanGaps: true },
      { label: "Energy (kWh)", stroke: "#b35900", width: 2, scale: "kWh", spanGaps: true }
    ],
    axes: [
      {},
      { scale: "kW", label: "kW" },
      { scale: "kWh", label: "kWh", side: 1, grid: { show: false } }
    ]
  }, [data.t, data.power_kw, data.energy_kwh], target);
  window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 300 }); });
  target.dataset.ready = "1";
}());
