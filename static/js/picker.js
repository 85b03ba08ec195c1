// The search picker (cpms/pickers.py): as one types in <div data-picker="/pick/…/"> <input>,
// the matches of the tenant come in a listbox (ARIA 1.2 combobox: arrows move, Enter or a click
// picks, Escape closes). With data-multiple the field holds a comma-separated list and the
// last entry is the one searched and replaced. Without this script the field is a text field
// the server checks. Loaded by every picker; the second load does nothing.
(() => {
  if (window.cpmsPicker) return;
  const WAIT = 200; // ms after the last key
  const timers = new WeakMap();

  const parts = (input) => {
    const value = input.value;
    const cut = Math.max(value.lastIndexOf(","), value.lastIndexOf(";"), value.lastIndexOf(" "));
    return input.closest(".picker").hasAttribute("data-multiple")
      ? { head: value.slice(0, cut + 1), last: value.slice(cut + 1).trim() }
      : { head: "", last: value.trim() };
  };
  const listOf = (input) => document.getElementById(input.getAttribute("aria-controls"));
  const options = (input) => [...listOf(input).querySelectorAll("li[role=option]")];

  function close(input) {
    const list = listOf(input);
    list.hidden = true;
    list.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show(input, results) {
    const list = listOf(input);
    list.replaceChildren(...results.map((row, index) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${index}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      li.dataset.value = row.value;
      li.textContent = row.label;
      if (row.detail) {
        const detail = document.createElement("small");
        detail.textContent = row.detail;
        li.append(detail);
      }
      return li;
    }));
    if (!results.length) {
      const none = document.createElement("li");
      none.className = "none";
      none.textContent = "No match";
      list.append(none);
    }
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  async function search(input) {
    const url = new URL(input.closest(".picker").dataset.picker, window.location.href);
    const asked = parts(input).last;
    url.searchParams.set("q", asked);
    const response = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const results = response.ok ? (await response.json()).results : null;
    // A late answer to an older text (typed on, or a match picked meanwhile) is dropped.
    if (!results || document.activeElement !== input || parts(input).last !== asked) return;
    show(input, results);
  }

  function activate(input, index) {
    const all = options(input);
    if (!all.length) return;
    const next = (index + all.length) % all.length;
    all.forEach((li, i) => li.setAttribute("aria-selected", String(i === next)));
    input.setAttribute("aria-activedescendant", all[next].id);
    all[next].scrollIntoView({ block: "nearest" });
  }

  function pick(input, li) {
    const multiple = input.closest(".picker").hasAttribute("data-multiple");
    input.value = multiple ? `${parts(input).head}${li.dataset.value}, ` : li.dataset.value;
    close(input);
    input.dispatchEvent(new Event("change", { bubbles: true }));
    input.focus();
  }

  const pickerInput = (target) => target instanceof HTMLInputElement && target.closest("[data-picker]") ? target : null;

  document.addEventListener("input", (event) => {
    const input = pickerInput(event.target);
    if (!input) return;
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(() => search(input).catch(() => close(input)), WAIT));
  });
  document.addEventListener("focusin", (event) => {
    const input = pickerInput(event.target);
    if (input && !input.value) search(input).catch(() => close(input));
  });
  document.addEventListener("keydown", (event) => {
    const input = pickerInput(event.target);
    if (!input) return;
    const all = options(input);
    const current = all.findIndex((li) => li.getAttribute("aria-selected") === "true");
    const open = input.getAttribute("aria-expanded") === "true";
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!open) { search(input).catch(() => close(input)); return; }
      activate(input, event.key === "ArrowDown" ? current + 1 : (current < 0 ? -1 : current - 1));
    } else if (event.key === "Enter" && open && current >= 0) {
      event.preventDefault();
      pick(input, all[current]);
    } else if (event.key === "Escape" && open) {
      event.preventDefault();
      close(input);
    }
  });
  document.addEventListener("mousedown", (event) => {
    const li = event.target.closest && event.target.closest(".picker-options li[role=option]");
    if (!li) {  // a click elsewhere (a submit button) closes every open list first
      document.querySelectorAll(".picker input[aria-expanded=true]").forEach(close);
      return;
    }
    event.preventDefault(); // keep the focus in the field
    pick(li.closest(".picker").querySelector("input"), li);
  });
  document.addEventListener("focusout", (event) => {
    const input = pickerInput(event.target);
    if (input) setTimeout(() => { if (document.activeElement !== input) close(input); }, 100);
  });
  window.cpmsPicker = { close };
})();
