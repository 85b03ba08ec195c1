/* Stations list and station page: connector status, link state and boot data follow the live
   feed in place. */
(function () {
  "use strict";
  var live = window.cpmsLive;
  if (!live) return;

  function each(selector, fn) { document.querySelectorAll(selector).forEach(fn); }
  function esc(value) { return window.CSS && CSS.escape ? CSS.escape(value) : value; }

  function paint(el, event) {
    el.className = "connector status-" + String(event.status).toLowerCase();
    el.querySelector(".cstatus").textContent = event.status;
    el.querySelector(".cerror").textContent =
      event.error_code && event.error_code !== "NoError" ? " (" + event.error_code + ")" : "";
  }

  function newConnector(event) {
    var span = document.createElement("span");
    span.dataset.station = event.station;
    span.dataset.connector = event.connector_id;
    span.innerHTML = '<span class="cid"></span>: <span class="cstatus"></span><span class="cerror"></span>';
    span.querySelector(".cid").textContent = event.connector_id;
    paint(span, event);
    return span;
  }

  live.on("station.status", function (event) {
    var id = esc(event.station);
    var found = document.querySelectorAll('[data-station="' + id + '"][data-connector="' + event.connector_id + '"]');
    found.forEach(function (el) { paint(el, event); });
    if (found.length) return;
    each('[data-connectors="' + id + '"]', function (holder) {
      var span = newConnector(event);
      if (holder.dataset.layout === "rows") {
        if (!holder.querySelector("[data-connector]")) holder.innerHTML = "";
        var row = holder.insertRow(-1);
        row.insertCell().textContent = event.connector_id;
        row.insertCell().appendChild(span);
        row.insertCell().textContent = event.error_code + " " + (event.info || "");
        row.insertCell().textContent = "just now";
      } else if (event.connector_id !== 0) {
        holder.appendChild(span);
        holder.appendChild(document.createTextNode(" "));
      }
    });
  });

  function link(identity, online) {
    each('[data-link="' + esc(identity) + '"]', function (badge) {
      badge.className = "badge " + (online ? "ok" : "off");
      badge.textContent = online ? "online" : "offline";
    });
    var since = document.getElementById("link-since");
    if (since && document.querySelector('[data-station-link="' + esc(identity) + '"]')) {
      since.textContent = online ? "since just now" : "disconnected just now";
    }
  }
  live.on("station.connected", function (event) { link(event.station, true); });
  live.on("station.disconnected", function (event) { link(event.station, false); });

  live.on("station.booted", function (event) {
    var id = esc(event.station);
    each('[data-boot="' + id + '"]', function (cell) { cell.textContent = event.vendor + " " + event.model; });
    if (document.querySelector('[data-station-link="' + id + '"]')) {
      each('[data-field="vendor"]', function (el) { el.textContent = event.vendor; });
      each('[data-field="model"]', function (el) { el.textContent = event.model; });
      each('[data-field="firmware"]', function (el) { el.textContent = event.firmware_version || "–"; });
    }
  });

  live.on("live.reopened", function () {  // events may have been missed while away
    if (document.getElementById("stations-table") && window.htmx) {
      htmx.ajax("GET", location.href, {target: "#stations-table", select: "#stations-table", swap: "outerHTML"});
    }
  });
})();
