/* A site's page (docs/locations.md): its "Now" counts (online, charging, faulted) follow the
   dashboard feed. When one of the site's stations connects, disconnects or changes a connector's
   status, the page's summary is read again (once a second at most) and put in place; the
   stations' rows themselves follow the feed through static/js/stations.js. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  var summary = document.querySelector("[data-site-summary]");
  if (!live || !summary) return;
  var timer = null;

  function refresh() {
    timer = null;
    fetch(window.location.href, {credentials: "same-origin", headers: {"X-Requested-With": "fetch"}})
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-site-summary]");
        if (fresh) summary.replaceChildren.apply(summary, Array.from(fresh.childNodes));
      })
      .catch(function () { /* the next event tries again */ });
  }

  function ours(event) {
    var id = window.CSS && CSS.escape ? CSS.escape(event.station) : event.station;
    return document.querySelector('[data-station-row="' + id + '"]') !== null;
  }

  ["station.status", "station.connected", "station.disconnected"].forEach(function (type) {
    live.on(type, function (event) {
      if (ours(event) && timer === null) timer = setTimeout(refresh, 1000);
    });
  });
  live.on("live.reopened", function () { if (timer === null) timer = setTimeout(refresh, 1000); });
})();
