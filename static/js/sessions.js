/* The sessions list follows the live feed on its first page in the default sort (newest
   first; the server marks it data-live-sessions): a started or stopped session reads the list
   again (once for a burst), and meter values move a running session's energy in place
   (docs/dashboard.md, "Live updates"). */
(function () {
  "use strict";
  var live = window.cpmsLive;
  if (!live || !document.querySelector("[data-live-sessions]")) return;
  var DELAY = 300;
  var waiting = null;

  function esc(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value; }

  function read() {
    waiting = null;
    fetch(location.href, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("sessions-list");
        var now = document.getElementById("sessions-list");
        if (!fresh || !now) return;
        var node = document.importNode(fresh, true);
        now.replaceWith(node);
        if (window.cpmsDates) window.cpmsDates.apply(node);
      })
      .catch(function () {});
  }

  function soon() { if (!waiting) waiting = setTimeout(read, DELAY); }
  live.on("session.started", soon);
  live.on("session.stopped", soon);
  live.on("live.reopened", soon);

  live.on("station.meter", function (event) {
    (event.connectors || []).forEach(function (reading) {
      if (reading.meter_wh === null) return;
      var row = document.querySelector('#sessions-list tr[data-station="' + esc(event.station) +
                                        '"][data-running="' + reading.connector_id + '"]');
      if (!row || row.dataset.meterStart === "") return;
      var cell = row.querySelector("[data-energy-kwh]");
      var wh = Math.max(reading.meter_wh - parseInt(row.dataset.meterStart, 10), 0);
      if (cell) cell.textContent = (wh / 1000).toFixed(3);
    });
  });
})();
