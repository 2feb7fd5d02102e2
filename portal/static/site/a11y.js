// «Версия для слабовидящих»: large fonts, high-contrast colours, images off, wider spacing. The choice is kept
// in localStorage, so it follows the visitor across pages; this file runs in <head> to apply it before paint.
(function () {
  "use strict";
  var KEY = "portal-a11y";
  var DEFAULTS = { size: "large", scheme: "bw", images: "on", spacing: "normal" };
  var root = document.documentElement;

  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "null");
      return saved && saved.on ? saved : null;
    } catch (error) {
      return null;  // storage refused (private mode): the switch still works on this page
    }
  }

  function save(state) {
    try {
      if (state) { window.localStorage.setItem(KEY, JSON.stringify(state)); }
      else { window.localStorage.removeItem(KEY); }
    } catch (error) { /* nothing to keep it in */ }
  }

  function apply(state) {
    ["size", "scheme", "images", "spacing"].forEach(function (name) {
      if (state) { root.setAttribute("data-a11y-" + name, state[name]); }
      else { root.removeAttribute("data-a11y-" + name); }
    });
    root.classList.toggle("a11y", Boolean(state));
  }

  var state = load();
  apply(state);

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.getElementById("a11y-toggle");
    var panel = document.getElementById("a11y-panel");
    if (!toggle || !panel) { return; }
    toggle.hidden = false;  // without JavaScript there is nothing it could switch

    function refresh() {
      toggle.setAttribute("aria-expanded", String(Boolean(state)));
      panel.hidden = !state;
      panel.querySelectorAll("button[data-a11y]").forEach(function (button) {
        var on = Boolean(state) && state[button.dataset.a11y] === button.dataset.value;
        button.setAttribute("aria-pressed", String(on));
      });
    }

    toggle.addEventListener("click", function () {
      state = state ? null : Object.assign({ on: true }, DEFAULTS);
      apply(state);
      save(state);
      refresh();
      if (state) { panel.querySelector("button[aria-pressed=true]").focus(); }
    });
    panel.addEventListener("click", function (event) {
      var button = event.target.closest("button[data-a11y]");
      if (!button || !state) { return; }
      state[button.dataset.a11y] = button.dataset.value;
      apply(state);
      save(state);
      refresh();
    });
    refresh();
  });
}());

// Case filters are folded in the page (a phone shows the practices first); on a wide screen they open at once.
document.addEventListener("DOMContentLoaded", function () {
  if (window.matchMedia("(min-width: 60rem)").matches) {
    document.querySelectorAll("details[data-open-wide]").forEach(function (panel) { panel.open = true; });
  }
});
