// The main navigation on a phone (docs/dashboard.md, "On a phone"): at 700 px and less the links
// fold behind a "Menu" button that opens them as a vertical list. Without this script the links
// stay a wrapped list, so nothing needs it to be reachable; the Content-Security-Policy runs no
// inline handler, hence a file.
(function () {
  function setUp() {
    const nav = document.querySelector("nav.site");
    const toggle = nav && nav.querySelector(".nav-toggle");
    if (!toggle) return;
    nav.classList.add("collapsible");
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      const open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        toggle.focus();
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
  else setUp();
})();
