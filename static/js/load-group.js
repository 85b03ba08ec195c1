// A load group's page: the plot of its load against the cap over its allocation history, and
// the live table of limits and measured draw, updated on `load.allocation` events.
(function () {
  "use strict";
  var history = JSON.parse(document.getElementById("load-history").textContent);
  var target = document.getElementById("load-plot");
  var box = document.getElementById("load-connectors");
  var groupId = box ? Number(box.dataset.group) : null;
  var phases = history.length ? history[history.length - 1].plot.allocated.length : 3;
  var colours = ["#8250df", "#1a7f37", "#0969da"];

  function columns(events) {
    var data = [[], [], []];
    for (var p = 0; p < phases; p++) { data.push([]); }
    events.forEach(function (e) {
      data[0].push(e.t);
      data[1].push(e.plot.cap);
      data[2].push(e.plot.measured);
      for (var p = 0; p < phases; p++) { data[3 + p].push(e.plot.allocated[p]); }
    });
    return data;
  }

  var plot = null;
  function width() { return Math.max(280, target.clientWidth || 600); }
  if (target && window.uPlot) {
    var stepped = uPlot.paths && uPlot.paths.stepped ? uPlot.paths.stepped({ align: 1 }) : undefined;
    var series = [{},
      { label: "Cap (A)", stroke: "#cf222e", width: 2, dash: [6, 4], paths: stepped },
      { label: "Measured (A)", stroke: "#b35900", width: 2 }];
    for (var p = 0; p < phases; p++) {
      series.push({ label: "Allocated L" + (p + 1) + " (A)", stroke: colours[p], width: 1.5, paths: stepped });
    }
    plot = new uPlot({ width: width(), height: 300, series: series,
                       scales: { y: { range: function (u, min, max) { return [0, Math.max(max, 1) * 1.1]; } } },
                       axes: [{}, { label: "A per phase" }] }, columns(history), target);
    window.addEventListener("resize", function () { plot.setSize({ width: width(), height: 300 }); });
    target.dataset.ready = "1";
  }

  function text(value) { return value === null || value === undefined ? "—" : String(value); }

  function update(event) {
    box = document.getElementById("load-connectors");
    if (!box || event.group !== groupId) { return; }
    ["max_current", "available_current", "allocated_current", "measured_current", "reason"].forEach(function (name) {
      var cell = box.querySelector('.summary [data-field="' + name + '"]');
      if (cell) { cell.textContent = text(event[name]); }
    });
    var at = box.querySelector('.summary [data-field="at"]');
    if (at && event.at) { at.setAttribute("datetime", event.at); at.textContent = new Date(event.at).toLocaleString(); }
    event.connectors.forEach(function (c) {
      var row = box.querySelector('tr[data-key="' + CSS.escape(c.station + "/" + c.connector_id) + '"]');
      if (!row) { return; }
      ["status", "limit", "measured_current"].forEach(function (name) {
        var cell = row.querySelector('[data-field="' + name + '"]');
        if (cell) { cell.textContent = text(c[name]); }
      });
      // 1.6: the id we assigned; 2.0.1: the station's own (its integer one is null)
      var tx = row.querySelector('[data-field="transaction_id"]');
      if (tx) { tx.textContent = text(c.transaction_id !== null && c.transaction_id !== undefined ? c.transaction_id : (c.station_transaction_id || null)); }
      var steered = row.querySelector('[data-field="steered"]');
      if (steered) { steered.textContent = c.steered ? "yes" : (c.connected ? "no (refuses profiles)" : "no (offline)"); }
    });
    if (plot && event.t) {
      history.push(event);
      plot.setData(columns(history.slice(-500)));
    }
  }

  if (window.cpmsLive && window.cpmsLive.on) { window.cpmsLive.on("load.allocation", update); }
}());
