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
    el.dataset.status = event.status;
    el.querySelector(".cstatus").textContent = event.status;
    el.querySelector(".cerror").textContent =
      event.error_code && event.error_code !== "NoError" ? " (" + event.error_code + ")" : "";
  }

  // A 2.0.1 station's connector is named by its EVSE and its number there (the event carries
  // the EVSE; the number follows the station-wide numbering of stations/services/evses.py).
  function evseConnector(event) {
    if (event.evse_connector_id != null) return event.evse_connector_id;
    if (event.connector_id === 0) return 0;
    if (event.connector_id === event.evse_id) return 1;
    return Math.floor((event.connector_id - event.evse_id) / 1000) + 1;
  }

  function label(event, byEvse) {
    return byEvse && event.evse_id != null ? event.evse_id + "/" + evseConnector(event) : String(event.connector_id);
  }

  function newConnector(event, byEvse) {
    var span = document.createElement("span");
    span.dataset.station = event.station;
    span.dataset.connector = event.connector_id;
    span.innerHTML = '<span class="cid"></span>: <span class="cstatus"></span><span class="cerror"></span>';
    span.querySelector(".cid").textContent = label(event, byEvse);
    paint(span, event);
    return span;
  }

  live.on("station.status", function (event) {
    var id = esc(event.station);
    var found = document.querySelectorAll('[data-station="' + id + '"][data-connector="' + event.connector_id + '"]');
    found.forEach(function (el) { paint(el, event); });
    if (found.length) return;
    each('[data-connectors="' + id + '"]', function (holder) {
      var byEvse = holder.dataset.evses === "1";
      var span = newConnector(event, byEvse);
      if (holder.dataset.layout === "rows") {
        if (!holder.querySelector("[data-connector]")) holder.innerHTML = "";
        var row = holder.insertRow(-1);
        if (byEvse) {
          var evse = document.createElement("th");
          evse.scope = "row";
          evse.textContent = event.connector_id === 0 ? "station" : "EVSE " + event.evse_id;
          row.appendChild(evse);
          row.insertCell().textContent = event.connector_id === 0 ? "–" : label(event, true);
        } else {
          row.insertCell().textContent = event.connector_id;
        }
        row.insertCell().appendChild(span);
        row.insertCell().textContent = event.error_code + " " + (event.info || "");
        row.insertCell().className = "live-power";
        row.lastChild.dataset.power = event.connector_id;
        row.lastChild.textContent = "–";
        row.insertCell().innerHTML = window.cpmsDates.html(new Date().toISOString(), "seconds");
      } else if (event.connector_id !== 0) {
        holder.appendChild(span);
        holder.appendChild(document.createTextNode(" "));
      }
    });
  });

  // An offline station's connectors show their last known status greyed, never a green
  // "Available" (templates/stations/_connector.html does the same on the server).
  function connectorsOnline(identity, online) {
    each('.connector[data-station="' + esc(identity) + '"]', function (el) {
      var status = el.dataset.status || "";
      el.className = "connector " + (online ? "status-" + status.toLowerCase() : "offline");
      el.querySelector(".cstatus").textContent = online ? status : "offline (last known: " + status + ")";
    });
  }

  function link(identity, online) {
    var now = window.cpmsDates.html(new Date().toISOString(), "seconds");
    each('[data-link="' + esc(identity) + '"]', function (badge) {
      badge.className = "badge " + (online ? "ok" : "off");
      badge.textContent = online ? "online" : "offline";
    });
    connectorsOnline(identity, online);
    each('[data-since="' + esc(identity) + '"]', function (since) {
      since.innerHTML = (online ? "since " : "last seen ") + now;
    });
    each('[data-last-seen="' + esc(identity) + '"]', function (cell) { cell.innerHTML = now; });
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

  // A 2.0.1 station's report came complete: its device model, where shown, is read again.
  live.on("station.device_model", function (event) {
    if (!window.htmx) return;
    each('[data-device-model="' + esc(event.station) + '"]', function (el) {
      htmx.ajax("GET", el.dataset.url, {target: el});
    });
  });

  // A 2.0.1 station sent events (NotifyEvent): its latest events, where shown, are read again.
  live.on("station.events", function (event) {
    if (!window.htmx) return;
    each('[data-station-events="' + esc(event.station) + '"]', function (el) {
      htmx.ajax("GET", el.dataset.url, {target: el});
    });
  });

  live.on("live.reopened", function () {  // events may have been missed while away
    if (document.getElementById("stations-table") && window.htmx) {
      htmx.ajax("GET", location.href, {target: "#stations-table", select: "#stations-table", swap: "outerHTML"});
    }
  });
})();
