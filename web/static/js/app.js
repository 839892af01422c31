// The console's only script: copy buttons. Pages work without it.
document.addEventListener("click", function (ev) {
  var btn = ev.target.closest("[data-copy]");
  if (!btn || !navigator.clipboard) return;
  var el = document.querySelector(btn.getAttribute("data-copy"));
  if (!el) return;
  var text = el.tagName === "OL" || el.tagName === "UL"
    ? Array.prototype.map.call(el.querySelectorAll("li"), function (li) { return li.textContent; }).join("\n")
    : el.textContent;
  navigator.clipboard.writeText(text.trim()).then(function () {
    var old = btn.textContent;
    btn.textContent = "Copied";
    setTimeout(function () { btn.textContent = old; }, 1500);
  });
});

// Pan and zoom for the access graph: the SVG's viewBox moves with the wheel
// and with dragging. No library: a few lines suffice.
(function () {
  var box = document.getElementById("graph-view");
  if (!box) return;
  var svg = box.querySelector("svg");
  if (!svg || !svg.viewBox || !svg.viewBox.baseVal) return;
  svg.removeAttribute("width");
  svg.removeAttribute("height");
  var vb = svg.viewBox.baseVal;
  var view = { x: vb.x, y: vb.y, w: vb.width, h: vb.height };
  function apply() { svg.setAttribute("viewBox", view.x + " " + view.y + " " + view.w + " " + view.h); }
  box.addEventListener("wheel", function (ev) {
    ev.preventDefault();
    var r = svg.getBoundingClientRect();
    var fx = (ev.clientX - r.left) / r.width, fy = (ev.clientY - r.top) / r.height;
    var k = ev.deltaY < 0 ? 0.85 : 1 / 0.85;
    var nw = view.w * k, nh = view.h * k;
    view.x += (view.w - nw) * fx; view.y += (view.h - nh) * fy; view.w = nw; view.h = nh;
    apply();
  }, { passive: false });
  var drag = null;
  box.addEventListener("mousedown", function (ev) {
    if (ev.target.closest("a")) return;
    drag = { x: ev.clientX, y: ev.clientY, vx: view.x, vy: view.y };
    box.classList.add("dragging");
  });
  window.addEventListener("mousemove", function (ev) {
    if (!drag) return;
    var r = svg.getBoundingClientRect();
    view.x = drag.vx - (ev.clientX - drag.x) * view.w / r.width;
    view.y = drag.vy - (ev.clientY - drag.y) * view.h / r.height;
    apply();
  });
  window.addEventListener("mouseup", function () { drag = null; box.classList.remove("dragging"); });
})();
