/* Every moment on a page in one format: the tenant's locale and time zone (the <meta> tags of
   base.html). Server pages render <time datetime="…" data-when="datetime|seconds|date|time">
   (cpms/templatetags/when.py); this writes them on load, after every htmx swap, and for live
   updates through window.cpmsDates.html(iso, kind) / .text(iso, kind). */
(function () {
  "use strict";
  function meta(name, fallback) {
    var element = document.querySelector('meta[name="' + name + '"]');
    return (element && element.content) || fallback;
  }
  var locale = meta("cpms-locale", "en-GB");
  var timeZone = meta("cpms-timezone", "UTC");
  var OPTIONS = {
    datetime: {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"},
    seconds: {year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit",
              second: "2-digit"},
    date: {year: "numeric", month: "short", day: "numeric"},
    time: {hour: "2-digit", minute: "2-digit", second: "2-digit"},
  };
  var formats = {};

  function formatter(kind) {
    if (!formats[kind]) {
      var options = Object.assign({}, OPTIONS[kind] || OPTIONS.datetime);
      if (kind !== "date") options.timeZone = timeZone;
      try { formats[kind] = new Intl.DateTimeFormat(locale, options); }
      catch (error) { formats[kind] = new Intl.DateTimeFormat("en-GB", options); }
    }
    return formats[kind];
  }

  function text(value, kind) {
    if (value === null || value === undefined || value === "") return "—";
    var moment = kind === "date" && /^\d{4}-\d{2}-\d{2}$/.test(value)
      ? new Date(value + "T12:00:00Z") : new Date(value);
    if (isNaN(moment.getTime())) return String(value);
    return formatter(kind || "datetime").format(moment);
  }

  function html(value, kind) {
    if (value === null || value === undefined || value === "") return "—";
    var element = document.createElement("time");
    element.setAttribute("datetime", value);
    element.dataset.when = kind || "datetime";
    element.textContent = text(value, kind);
    return element.outerHTML;
  }

  function apply(root) {
    (root || document).querySelectorAll("time[data-when]").forEach(function (element) {
      element.textContent = text(element.getAttribute("datetime"), element.dataset.when);
    });
  }

  window.cpmsDates = {text: text, html: html, apply: apply, locale: locale, timeZone: timeZone};
  function start() { apply(document); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", function (event) { apply(event.target); });
})();
