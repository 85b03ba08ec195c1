/* The overview's plot: energy per day over the last 30 days (data embedded by the page). The
   x range is padded by half a day on each side so that the first and today's bars are whole;
   days are the tenant's (static/js/dates.js). */
(function () {
  "use strict";
  var holder = document.getElementById("energy-plot");
  var source = document.getElementById("energy-data");
  if (!holder || !source || !window.uPlot) return;
  var HALF_DAY = 43200;
  function columns(data) {
    return [data.map(function (d) { return Date.parse(d.day + "T12:00:00Z") / 1000; }),
            data.map(function (d) { return d.kwh; })];
  }
  function size() { return {width: Math.max(holder.clientWidth, 280), height: 240}; }
  var plot = new uPlot(Object.assign(size(), {
    series: [
      {value: function (u, v) { return v == null || !window.cpmsDates ? "" : window.cpmsDates.text(new Date(v * 1000).toISOString().slice(0, 10), "date"); }},
      {label: "kWh", stroke: "#1d5fbf", fill: "rgba(29,95,191,0.35)", width: 1,
       paths: uPlot.paths.bars({size: [0.7, 40]}), points: {show: false}},
    ],
    scales: {
      x: {time: true, range: function (u, min, max) { return [min - HALF_DAY, max + HALF_DAY]; }},
      y: {range: function (u, min, max) { return [0, Math.max(1, max * 1.1)]; }},
    },
    axes: [{}, {label: "kWh"}],
    legend: {show: true},
  }), columns(JSON.parse(source.textContent)), holder);
  window.addEventListener("resize", function () { plot.setSize(size()); });
  holder.dataset.ready = "1";
  window.cpmsOverviewPlot = {update: function (data) { plot.setData(columns(data)); }};
})();

/* The overview's figures follow the live feed: when a station connects, disconnects or changes
   status, a session starts or stops (or the feed reconnects), the tiles (online, offline,
   faulted, sessions, energy, ...), the latest faults and the plot are read again from the
   server, once for a burst of events (within DELAY, so a fault or a disconnect shows within 2 s).
   Meter values move the energy too, but they never stop in a busy fleet: they read the page at
   most every METER_DELAY. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  var tiles = document.querySelector("ul.tiles");
  if (!live || !tiles) return;
  var DELAY = 1000;  // ms: a fleet's burst of events costs one read of the page
  var METER_DELAY = 10000;
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
          if (!now || !then) return;
          var node = document.importNode(then, true);
          now.replaceWith(node);
          if (window.cpmsDates) window.cpmsDates.apply(node);
        });
        var data = fresh.getElementById("energy-data");
        if (data && window.cpmsOverviewPlot) window.cpmsOverviewPlot.update(JSON.parse(data.textContent));
      })
      .catch(function () {});  // the next event tries again
  }

  var dueAt = 0;
  function soon(delay) {  // a sooner read wins over a later one already planned
    return function () {
      var due = Date.now() + delay;
      if (waiting && dueAt <= due) return;
      clearTimeout(waiting);
      dueAt = due;
      waiting = setTimeout(refresh, delay);
    };
  }
  ["station.connected", "station.disconnected", "station.status", "session.started", "session.stopped",
   "live.reopened"].forEach(function (type) { live.on(type, soon(DELAY)); });
  live.on("station.meter", soon(METER_DELAY));
})();
