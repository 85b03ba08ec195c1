/* The report pages' plots (templates/reports/_figures.html): uptime, occupied and charging in %
   per day or month, and the energy per day or month with the sessions. The data is embedded by
   the page ("report-series"); the x axis is the bucket's local date, shown as written. */
(function () {
  "use strict";
  var source = document.getElementById("report-series");
  var shares = document.getElementById("plot-shares");
  var usage = document.getElementById("plot-usage");
  if (!source || !shares || !usage || !window.uPlot) return;
  var data = JSON.parse(source.textContent);
  var monthly = data.length > 0 && /-01$/.test(data[0].bucket) && data.every(function (d) { return /-01$/.test(d.bucket); });
  var xs = data.map(function (d) { return Date.parse(d.bucket + "T12:00:00Z") / 1000; });
  function column(key) { return data.map(function (d) { return d[key] == null ? null : Number(d[key]); }); }
  function label(u, v) { return v == null ? "" : new Date(v * 1000).toISOString().slice(0, monthly ? 7 : 10); }
  function axisDates(u, values) { return values.map(function (v) { return label(u, v); }); }
  function size(holder) { return {width: Math.max(holder.clientWidth, 260), height: 240}; }
  var percent = {range: function () { return [0, 100]; }};

  var sharesPlot = new uPlot(Object.assign(size(shares), {
    series: [
      {value: label},
      {label: "Uptime %", stroke: "#116329", width: 2},
      {label: "Occupied %", stroke: "#0b57d0", width: 2},
      {label: "Charging %", stroke: "#a40e26", width: 2, dash: [6, 4]},
    ],
    scales: {x: {time: false}, y: percent},
    axes: [{values: axisDates, space: 70}, {label: "%"}],
  }), [xs, column("uptime_pct"), column("occupied_pct"), column("charging_pct")], shares);

  var usagePlot = new uPlot(Object.assign(size(usage), {
    series: [
      {value: label},
      {label: "kWh", stroke: "#1d5fbf", fill: "rgba(29,95,191,0.35)", width: 1, scale: "kwh",
       paths: uPlot.paths.bars({size: [0.7, 40]}), points: {show: false}},
      {label: "Sessions", stroke: "#6e4b00", width: 2, scale: "n"},
    ],
    scales: {x: {time: false}, kwh: {range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; }},
             n: {range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; }}},
    axes: [{values: axisDates, space: 70}, {scale: "kwh", label: "kWh"},
           {scale: "n", side: 1, label: "sessions", grid: {show: false}}],
  }), [xs, column("energy_kwh"), column("total_sessions")], usage);

  window.addEventListener("resize", function () {
    sharesPlot.setSize(size(shares));
    usagePlot.setSize(size(usage));
  });
})();
