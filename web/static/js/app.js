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
