/* Onboarding: copy buttons, and the new station's first connection, live. */
(function () {
  "use strict";
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var text = document.getElementById(button.dataset.copy).textContent;
      function done() { button.textContent = "Copied"; setTimeout(function () { button.textContent = "Copy"; }, 1500); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done);
        return;
      }
      var range = document.createRange();  // plain http on a local network: no clipboard API
      range.selectNodeContents(document.getElementById(button.dataset.copy));
      var selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      if (document.execCommand("copy")) done();
    });
  });
  var state = document.getElementById("connection-state");
  if (!state || !window.cpmsLive) return;
  var identity = state.dataset.identity;
  function say(text, kind) {
    state.innerHTML = "";
    var badge = document.createElement("span");
    badge.className = "badge " + kind;
    badge.textContent = text;
    state.appendChild(badge);
  }
  cpmsLive.on("station.connected", function (event) {
    if (event.station === identity) say("connected, waiting for its BootNotification", "ok");
  });
  cpmsLive.on("station.booted", function (event) {
    if (event.station === identity) say("connected: " + event.vendor + " " + event.model, "ok");
  });
  cpmsLive.on("station.disconnected", function (event) {
    if (event.station === identity) say("disconnected: waiting for it to connect again", "off");
  });
})();
