/* Alerts, live on every page (loaded by the header's badge, templates/alerts/_badge.html): the
   badge shows the open_count the alert events carry; the alert cards on the page (the
   overview's, a station's, the alerts page's open list: [data-alerts-card]) are read again from
   the server when an alert of theirs opens, resolves or is acknowledged. Redraws are gathered
   (a burst of alerts costs one request per card) and done again after a reconnect, since
   events may have been missed. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  if (!live) return;
  var DELAY = 300;  // ms: a burst's events are gathered into one redraw
  var pending = {};

  function setCount(count) {
    if (count == null) return;
    var badge = document.getElementById("alerts-badge");
    if (!badge) return;
    badge.dataset.openCount = count;
    badge.classList.toggle("has-open", count > 0);
    badge.setAttribute("aria-label", "Alerts: " + count + " open, not acknowledged");
    var shown = badge.querySelector("[data-alert-count]");
    if (shown) shown.textContent = count;
  }

  function urlOf(card) {
    if (card.dataset.url) return card.dataset.url;
    return location.pathname + location.search;  // the alerts page itself
  }

  function redraw(card) {
    var name = card.dataset.alertsCard;
    if (pending[name] || !window.htmx) return;
    pending[name] = setTimeout(function () {
      delete pending[name];
      var current = document.querySelector('[data-alerts-card="' + cssEscape(name) + '"]');
      if (!current) return;
      if (current.querySelector("form :focus")) { redraw(current); return; }  // someone types
      htmx.ajax("GET", urlOf(current), {target: current, select: "#" + current.id, swap: "outerHTML"});
    }, DELAY);
  }

  function cssEscape(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value; }

  function concerns(card, event) {
    var name = card.dataset.alertsCard;
    if (name === "overview" || name === "page") return true;
    return !event.station || event.station === name;  // a station's card: its own alerts
  }

  function changed(event) {
    setCount(event.open_count);
    document.querySelectorAll("[data-alerts-card]").forEach(function (card) {
      if (concerns(card, event)) redraw(card);
    });
  }

  ["alert.opened", "alert.resolved", "alert.acknowledged", "alerts.changed"].forEach(function (type) {
    live.on(type, changed);
  });
  live.on("live.reopened", function () {  // the count may have changed while away
    changed({});
    var badge = document.getElementById("alerts-badge");
    if (badge && badge.dataset.url && window.htmx) {
      htmx.ajax("GET", badge.dataset.url, {target: badge, swap: "outerHTML"});
    }
  });
})();
