/* The dashboard's live feed: one WebSocket to /ws/dashboard/ per page, reconnecting with
   backoff. Pages subscribe with window.cpmsLive.on(type, handler); "*" receives every event,
   "live.reopened" fires after a reconnect (events may have been missed: resync). The root
   element's data-live attribute says "open" or "closed". */
(function () {
  "use strict";
  var handlers = {};
  var attempts = 0;
  var opened = false;

  function emit(type, event) {
    (handlers[type] || []).forEach(function (handler) {
      try { handler(event); } catch (error) { console.error(error); }
    });
  }

  function show(state) {
    document.documentElement.dataset.live = state;
    var badge = document.getElementById("live-state");
    if (!badge) return;
    badge.hidden = state === "open" || !opened;
    badge.textContent = state === "open" ? "" : "Live updates paused, reconnecting…";
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss:" : "ws:";
    var socket = new WebSocket(scheme + "//" + location.host + "/ws/dashboard/");
    socket.onopen = function () {
      var again = opened;
      opened = true;
      attempts = 0;
      show("open");
      if (again) emit("live.reopened", {type: "live.reopened"});
    };
    socket.onmessage = function (message) {
      var event;
      try { event = JSON.parse(message.data); } catch (error) { return; }
      emit(event.type, event);
      emit("*", event);
    };
    socket.onclose = function () {
      show("closed");
      attempts += 1;
      var delay = Math.min(30000, 500 * Math.pow(2, Math.min(attempts, 6)));
      setTimeout(connect, delay * (0.5 + Math.random() / 2));  // jitter: no reconnect storms
    };
  }

  window.cpmsLive = {
    on: function (type, handler) { (handlers[type] = handlers[type] || []).push(handler); },
  };

  function start() {
    if (document.querySelector('meta[name="cpms-live"]')) connect();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
