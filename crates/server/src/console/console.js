// The console's one script: pan and zoom on the map's SVG viewBox, and the incident
// panel. Every page works without it (incidents are links to their findings).
(function () {
  "use strict";
  var svg = document.getElementById("map");
  if (!svg) return;
  function box() { return svg.getAttribute("viewBox").split(/\s+/).map(Number); }
  function setBox(b) { svg.setAttribute("viewBox", b.map(function (v) { return v.toFixed(1); }).join(" ")); }
  function zoom(factor, cx, cy) {
    var b = box();
    if (cx === undefined) { cx = b[0] + b[2] / 2; cy = b[1] + b[3] / 2; }
    setBox([cx - (cx - b[0]) * factor, cy - (cy - b[1]) * factor, b[2] * factor, b[3] * factor]);
  }
  function toMap(evt) {
    var r = svg.getBoundingClientRect(), b = box();
    var s = Math.max(b[2] / r.width, b[3] / r.height);
    return [b[0] + b[2] / 2 + (evt.clientX - r.left - r.width / 2) * s, b[1] + b[3] / 2 + (evt.clientY - r.top - r.height / 2) * s, s];
  }
  svg.addEventListener("wheel", function (evt) {
    evt.preventDefault();
    var p = toMap(evt);
    zoom(evt.deltaY > 0 ? 1.25 : 0.8, p[0], p[1]);
  }, { passive: false });
  var drag = null;
  svg.addEventListener("pointerdown", function (evt) {
    if (evt.target.closest(".incident")) return;
    drag = { x: evt.clientX, y: evt.clientY, b: box(), s: toMap(evt)[2] };
    svg.setPointerCapture(evt.pointerId);
  });
  svg.addEventListener("pointermove", function (evt) {
    if (!drag) return;
    setBox([drag.b[0] - (evt.clientX - drag.x) * drag.s, drag.b[1] - (evt.clientY - drag.y) * drag.s, drag.b[2], drag.b[3]]);
  });
  svg.addEventListener("pointerup", function () { drag = null; });
  document.querySelectorAll("[data-zoom]").forEach(function (button) {
    button.addEventListener("click", function () {
      var how = button.getAttribute("data-zoom");
      if (how === "in") zoom(0.67);
      else if (how === "out") zoom(1.5);
      else svg.setAttribute("viewBox", svg.getAttribute("data-home"));
    });
  });
  function show(id) {
    document.querySelectorAll(".panel-item").forEach(function (p) { p.hidden = true; });
    document.querySelectorAll(".incident.selected").forEach(function (a) { a.classList.remove("selected"); });
    var panel = document.getElementById("panel-" + id);
    if (!panel) return;
    panel.hidden = false;
    document.getElementById("panel-hint").hidden = true;
    var link = document.querySelector('.incident[data-finding="' + id + '"]');
    if (link) link.classList.add("selected");
  }
  document.querySelectorAll(".incident").forEach(function (a) {
    a.addEventListener("click", function (evt) {
      evt.preventDefault();
      show(a.getAttribute("data-finding"));
    });
  });
  var focus = new URLSearchParams(window.location.search).get("focus");
  if (focus) show(focus);
})();
