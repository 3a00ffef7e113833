// tarjuman side-by-side page: hovering or focusing a name (or a quote) lights its partner on
// the other side, and Enter jumps to it. Everything that shares a data-link value is one group;
// the groups are indexed once on load, so a hover costs the size of its group, not of the
// page (a 1,000-sentence article stays instant).
(function () {
  "use strict";
  var groups = new Map();
  var linked = document.querySelectorAll("[data-link]");
  for (var i = 0; i < linked.length; i++) {
    var key = linked[i].getAttribute("data-link");
    var group = groups.get(key);
    if (!group) {
      group = [];
      groups.set(key, group);
    }
    group.push(linked[i]);
  }

  var current = null;

  function light(el, on) {
    var group = groups.get(el.getAttribute("data-link")) || [];
    for (var j = 0; j < group.length; j++) {
      if (group[j] !== el) group[j].classList.toggle("partner", on);
    }
    el.classList.toggle("active", on);
  }

  function linkOf(ev) {
    var t = ev.target;
    return t && t.closest ? t.closest("[data-link]") : null;
  }

  function enter(ev) {
    var el = linkOf(ev);
    if (!el || el === current) return;
    if (current) light(current, false);
    current = el;
    light(el, true);
  }

  function leave(ev) {
    var el = linkOf(ev);
    if (!el || el !== current) return;
    if (ev.relatedTarget && el.contains(ev.relatedTarget)) return;
    light(el, false);
    current = null;
  }

  // The first member of the group in the other column, after el in page order.
  function partnerOf(el) {
    var group = groups.get(el.getAttribute("data-link")) || [];
    var side = el.closest("[data-side]");
    var at = group.indexOf(el);
    for (var k = 1; k < group.length; k++) {
      var other = group[(at + k) % group.length];
      if (other.closest("[data-side]") !== side) return other;
    }
    return null;
  }

  document.addEventListener("mouseover", enter);
  document.addEventListener("mouseout", leave);
  document.addEventListener("focusin", enter);
  document.addEventListener("focusout", leave);
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var el = linkOf(ev);
    var other = el && partnerOf(el);
    if (!other) return;
    ev.preventDefault();
    other.focus();
    other.scrollIntoView({ block: "nearest" });
  });
})();
