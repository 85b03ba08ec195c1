/* The overview's plot: energy per day over the last 30 days (data embedded by the page). */
(function () {
  "use strict";
  var holder = document.getElementById("energy-plot");
  var data = JSON.parse(document.getElementById("energy-data").textContent);
  if (!holder || !window.uPlot) return;
  var days = data.map(function (d) { return Date.parse(d.day + "T12:00:00Z") / 1000; });
  var kwh = data.map(function (d) { return d.kwh; });
  function size() { return {width: Math.max(holder.clientWidth, 280), height: 240}; }
  var plot = new uPlot(Object.assign(size(), {
    series: [
      {value: function (u, v) { return v == null ? "" : new Date(v * 1000).toISOString().slice(0, 10); }},
      {label: "kWh", stroke: "#1d5fbf", fill: "rgba(29,95,191,0.35)", width: 1,
       paths: uPlot.paths.bars({size: [0.7, 40]}), points: {show: false}},
    ],
    scales: {x: {time: true}, y: {range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; }}},
    axes: [{}, {label: "kWh"}],
    legend: {show: true},
  }), [days, kwh], holder);
  window.addEventListener("resize", function () { plot.setSize(size()); });
})();

/* The overview's figures follow the live feed: when a station connects, disconnects or changes
   status (or the feed reconnects), the tiles (online, offline, faulted, ...) and the latest
   faults are read again from the server, once for a burst of events. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  var tiles = document.querySelector("ul.tiles");
  if (!live || !tiles) return;
  var DELAY = 1000;  // ms: a fleet's burst of events costs one read of the page
  var PARTS = ["ul.tiles", 'section[aria-labelledby="h-faults"]'];
  var waiting = null;

  function refresh() {
    waiting = null;
    fetch(location.pathname, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        PARTS.forEach(function (selector) {
          var now = document.querySelector(selector), then = fresh.querySelector(selector);
          if (now && then) now.replaceWith(document.importNode(then, true));
        });
      })
      .catch(function () {});  // the next event tries again
  }

  function soon() { if (!waiting) waiting = setTimeout(refresh, DELAY); }
  ["station.connected", "station.disconnected", "station.status", "live.reopened"].forEach(function (type) {
    live.on(type, soon);
  });
})();
