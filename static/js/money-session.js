// A session's power (kW) and energy charged (kWh) over time, from its meter values (uPlot). The
// energy line runs from the start reading to the stop reading (billing/sessions/selectors.py);
// both axes start at 0 so that a steady 6.9 kW never looks like nothing; times are in the
// tenant's zone and read as every date on the dashboard (static/js/dates.js).
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("session-series").textContent);
  var target = document.getElementById("session-plot");
  if (!target || !window.uPlot) { return; }
  // dates.js is deferred: it may run after this script, so its zone is read from its <meta>.
  var zone = (document.querySelector('meta[name="cpms-timezone"]') || {}).content || "UTC";
  function width() { return Math.max(280, target.clientWidth || 600); }
  function fromZero(u, min, max) { return [0, Math.max(max == null ? 0 : max * 1.1, 0.1)]; }
  function when(u, v) { return v == null || !window.cpmsDates ? "" : window.cpmsDates.text(new Date(v * 1000).toISOString(), "seconds"); }
  var plot = new uPlot({
    width: width(),
    height: 300,
    tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), zone); },
    scales: { kW: { range: fromZero }, kWh: { range: fromZero } },
    series: [
      { value: when },
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
