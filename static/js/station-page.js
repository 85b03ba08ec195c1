/* The station page follows its station live (docs/dashboard.md, "Live updates"): on a session
   event the latest sessions, the remote stop's transactions and the current limit are read again;
   on a load allocation of its group, and on the station's answer to a limit (`load.limit`,
   loadmgmt/allocation_feed.py), the current-limit card; MeterValues (at most one event per station every
   2 s, stations/dashboard/live_events.py) update the power per connector and the running
   session's energy in place; the message log's first page is read again after a quiet second.
   A burst of events costs one read of each part concerned. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  var holder = document.querySelector("[data-station-link]");
  if (!live || !holder) return;
  var identity = holder.dataset.stationLink;
  var DELAY = {parts: 300, log: 3000};
  var wanted = {};
  var timer = null;

  function mine(event) { return event.station === identity; }

  function watts(value) {  // as stations/templatetags/live_format.py's `watts`
    if (value === null || value === undefined) return "–";
    return Math.abs(value) < 1000 ? Math.round(value) + " W" : (value / 1000).toFixed(1) + " kW";
  }

  function logOnFirstPage() {
    var page = new URLSearchParams(location.search).get("page");
    return !page || page === "1";
  }

  // Each part is answered alone by the station page's view (stations/views.py, LIVE_PARTS and
  // the message log, chosen by the HX-Target header): a few small reads, not the whole page.
  function readPart(selector) {
    var now = document.querySelector(selector);
    if (!now) return;
    fetch(location.href, {credentials: "same-origin",
                          headers: {"HX-Request": "true", "HX-Target": now.id}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var current = document.querySelector(selector);
        if (!html || !current) return;
        if (current.contains(document.activeElement) && document.activeElement !== document.body) return;  // not under the user's hands
        var holder = document.createElement("template");
        holder.innerHTML = html.trim();
        var node = holder.content.querySelector(selector);
        if (!node) return;
        current.replaceWith(node);
        if (window.cpmsDates) window.cpmsDates.apply(node);  // the tenant's format, as on load
        if (window.htmx) window.htmx.process(node);  // its forms post through htmx again
      })
      .catch(function () {});  // the next event reads again
  }

  function read() {
    timer = null;
    var selectors = Object.keys(wanted);
    wanted = {};
    selectors.forEach(readPart);
  }

  var dueAt = 0;
  function want(selector, delay) {  // one read for a burst; a sooner read wins over a later one
    if (!document.querySelector(selector)) return;
    wanted[selector] = true;
    var due = Date.now() + delay;
    if (timer !== null && dueAt <= due) return;
    clearTimeout(timer);
    dueAt = due;
    timer = setTimeout(read, delay);
  }

  function sessionChanged(event) {
    if (!mine(event)) return;
    want("#station-sessions", DELAY.parts);
    want("#remote-stop-slot", DELAY.parts);
    want("#station-limit", DELAY.parts);
    if (event.type === "session.stopped") clearPower();
  }
  live.on("session.started", sessionChanged);
  live.on("session.stopped", sessionChanged);

  function clearPower() {
    document.querySelectorAll("[data-power]").forEach(function (cell) { cell.textContent = "–"; });
  }

  live.on("station.meter", function (event) {
    if (!mine(event)) return;
    (event.connectors || []).forEach(function (reading) {
      var cell = document.querySelector('[data-power="' + reading.connector_id + '"]');
      if (cell && reading.power_w !== null) cell.textContent = watts(reading.power_w);
      var row = document.querySelector('#station-sessions [data-running="' + reading.connector_id + '"]');
      if (!row || reading.meter_wh === null || row.dataset.meterStart === "") return;
      var energy = Math.max(reading.meter_wh - parseInt(row.dataset.meterStart, 10), 0);
      var target = row.querySelector("[data-energy]");
      if (target) target.textContent = energy + " Wh";
    });
  });

  live.on("load.allocation", function (event) {  // the group's share and cap, at once
    var card = document.getElementById("station-limit");
    if (card && card.dataset.group && String(event.group) === card.dataset.group) {
      want("#station-limit", DELAY.parts);
    }
  });
  live.on("load.limit", function (event) {  // the station answered a limit: its outcome
    if (mine(event)) want("#station-limit", DELAY.parts);
  });

  // Every frame of the station lands in its log: the first page is read again after a pause.
  ["station.status", "station.connected", "station.disconnected", "station.booted", "station.meter",
   "session.started", "session.stopped"].forEach(function (type) {
    live.on(type, function (event) {
      if (mine(event) && logOnFirstPage()) want("#message-log", DELAY.log);
    });
  });

  live.on("live.reopened", function () {  // events may have been missed while away
    ["#station-sessions", "#remote-stop-slot", "#station-limit", "#message-log"].forEach(function (s) {
      want(s, DELAY.parts);
    });
  });
})();
