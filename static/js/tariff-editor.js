// The tariff editor's bands (templates/billing/tariff_form.html): without JavaScript every row
// is shown and empty ones are ignored by the server; with it, empty rows beyond the first are
// hidden, "Add a band" shows the next one and "Remove band" empties and hides a row.
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("[data-band]"));
  var add = document.querySelector("[data-band-add]");
  if (!rows.length || !add) { return; }

  function filled(row) {
    return Array.prototype.some.call(row.querySelectorAll("input"), function (input) {
      return input.type === "checkbox" ? input.checked : input.value !== "";
    }) || row.querySelector(".invalid") !== null;
  }
  function empty(row) {
    row.querySelectorAll("input").forEach(function (input) {
      if (input.type === "checkbox") { input.checked = false; } else { input.value = ""; }
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }
  function refresh() {
    add.hidden = !rows.some(function (row) { return row.hidden; });
  }
  var shownEmpty = false;
  rows.forEach(function (row) {
    var remove = row.querySelector("[data-band-remove]");
    remove.hidden = false;
    remove.addEventListener("click", function () { empty(row); row.hidden = true; refresh(); });
    if (!filled(row)) {
      row.hidden = shownEmpty;
      shownEmpty = true;
    }
  });
  add.addEventListener("click", function () {
    var next = rows.find(function (row) { return row.hidden; });
    if (next) {
      next.hidden = false;
      var first = next.querySelector("input");
      if (first) { first.focus(); }
    }
    refresh();
  });
  refresh();
}());
