// The console's only script: copy buttons, the access graph's pan and zoom,
// and its wait for an overview. Pages work without it.
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

// Copy buttons beside ARNs: shown only where a script can copy, so a page
// without scripts shows no dead button (the ARN is in the name's title).
(function () {
  if (!navigator.clipboard) return;
  document.querySelectorAll("button[data-copy-text]").forEach(function (b) { b.hidden = false; });
  document.addEventListener("click", function (ev) {
    var btn = ev.target.closest("button[data-copy-text]");
    if (!btn) return;
    navigator.clipboard.writeText(btn.getAttribute("data-copy-text")).then(function () {
      btn.classList.add("copied");
      btn.setAttribute("data-copied", "Copied");
      setTimeout(function () { btn.classList.remove("copied"); btn.removeAttribute("data-copied"); }, 1500);
    });
  });
})();

// A form shown again with its errors (422) answers a POST: a reload would
// post it again. Its page names the form's own address; putting that in
// the history makes a reload fetch the form afresh instead.
(function () {
  var m = document.querySelector('meta[name="reload-as"]');
  if (m && window.history && history.replaceState) history.replaceState(null, "", m.getAttribute("content"));
})();

// Pan and zoom for the access graph: the SVG's viewBox moves with the wheel
// and with dragging. No library: a few lines suffice. A drawing too large to
// sit in the page (data-svg-src) is fetched into it first.
(function () {
  var box = document.getElementById("graph-view");
  if (!box) return;
  var src = box.getAttribute("data-svg-src");
  if (!src) { panZoom(box); return; }
  if (!window.fetch || !window.DOMParser) return;
  fetch(src, { credentials: "same-origin" })
    .then(function (res) { if (!res.ok) throw new Error(res.status); return res.text(); })
    .then(function (text) {
      // Graphviz's output, drawn from escaped labels, as the inline drawing.
      var doc = new DOMParser().parseFromString(text, "image/svg+xml");
      var svg = doc.documentElement;
      if (!svg || svg.nodeName !== "svg") throw new Error("not an SVG");
      box.replaceChildren(document.importNode(svg, true));
      box.setAttribute("data-loaded", "true");
      panZoom(box);
    })
    .catch(function () {
      var p = document.getElementById("graph-loading");
      if (p) p.firstChild.textContent = "The drawing could not be loaded here. ";
    });
})();

function panZoom(box) {
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
}

// An access graph overview laid out in the background: ask whether it is
// ready (by its key: cheap, the graph is not built again), slower and slower,
// and reload the page once it is no longer pending.
(function () {
  var el = document.querySelector("[data-overview-poll]");
  if (!el || !window.fetch) return;
  var url = el.getAttribute("data-overview-poll");
  var delay = parseInt(el.getAttribute("data-poll-ms"), 10) || 1000;
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
      .then(function (s) {
        if (s.State === "pending") { delay = Math.min(delay * 1.5, 10000); setTimeout(poll, delay); }
        else window.location.reload();
      })
      .catch(function () { setTimeout(poll, 10000); });
  }
  setTimeout(poll, delay);
})();

// Policy ARN pickers: AWS's 1,594 managed policies and the account's own
// (up to a thousand) are fetched the first time the input is used, rather
// than sent with every page that has a picker (100 KB each).
(function () {
  if (!window.fetch) return;
  document.querySelectorAll("datalist[data-src]").forEach(function (list) {
    var inputs = document.querySelectorAll('input[list="' + list.id + '"]');
    var loaded = false;
    function load() {
      if (loaded) return;
      loaded = true;
      fetch(list.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
        .then(function (arns) {
          var have = {};
          list.querySelectorAll("option").forEach(function (o) { have[o.value] = true; });
          arns.forEach(function (arn) {
            if (have[arn]) return;
            var o = document.createElement("option");
            o.value = arn;
            list.appendChild(o);
          });
          list.setAttribute("data-loaded", "true");
        })
        .catch(function () { loaded = false; });
    }
    inputs.forEach(function (input) {
      input.addEventListener("focus", load);
      input.addEventListener("input", load);
    });
  });
})();

// Policy editors: line numbers beside the textarea, kept in step as the
// text changes and scrolls; the caret put at the line and column of the
// error the server reported; and the action lookup, whose suggestions come
// from AWS's list of actions as the author types. The page works without it:
// the server numbers the lines and sizes the textarea to its text.
(function () {
  document.querySelectorAll("[data-editor]").forEach(function (wrap) {
    var ta = wrap.querySelector("textarea");
    var gutter = wrap.querySelector(".editor-gutter");
    if (!ta || !gutter) return;
    var errLine = parseInt(ta.getAttribute("data-error-line"), 10) || 0;
    var warnLines = (ta.getAttribute("data-warning-lines") || "").split(",").map(Number);
    var shown = -1;
    function number() {
      var n = Math.max(ta.value.split("\n").length, 16);
      ta.rows = n + 2;
      if (n === shown) return;
      shown = n;
      var frag = document.createDocumentFragment();
      for (var i = 1; i <= n; i++) {
        var span = document.createElement("span");
        span.textContent = i + "\n";
        if (i === errLine) span.className = "editor-error-line";
        else if (warnLines.indexOf(i) >= 0) span.className = "editor-warning-line";
        frag.appendChild(span);
      }
      gutter.replaceChildren(frag);
    }
    // Once the text changes, the server's line numbers no longer hold.
    ta.addEventListener("input", function () { errLine = 0; warnLines = []; shown = -1; number(); });
    ta.addEventListener("scroll", function () { gutter.scrollTop = ta.scrollTop; });
    number();
    if (errLine > 0) {
      var lines = ta.value.split("\n");
      var col = parseInt(ta.getAttribute("data-error-col"), 10) || 1;
      var off = 0;
      for (var i = 0; i < errLine - 1 && i < lines.length; i++) off += lines[i].length + 1;
      off += Math.min(col - 1, (lines[errLine - 1] || "").length);
      ta.focus({ preventScroll: true });
      ta.setSelectionRange(off, off);
      wrap.scrollIntoView({ block: "nearest" });
    }
  });

  if (!window.fetch) return;
  document.querySelectorAll("input[data-insert-into]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var ta = document.getElementById(input.getAttribute("data-insert-into"));
    if (!list || !ta) return;
    var timer = null, asked = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var q = input.value.trim();
        if (!q || q === asked) return;
        asked = q;
        fetch(list.getAttribute("data-actions-src") + "?q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
          .then(function (names) {
            var frag = document.createDocumentFragment();
            names.forEach(function (n) { var o = document.createElement("option"); o.value = n; frag.appendChild(o); });
            list.replaceChildren(frag);
            list.setAttribute("data-loaded", q);
          })
          .catch(function () { asked = ""; });
      }, 150);
    });
    input.addEventListener("keydown", function (ev) {
      if (ev.key !== "Enter") return;
      ev.preventDefault(); // the lookup never submits the policy form
      var v = input.value.trim();
      if (!/^[\w-]+:[\w*?-]+$/.test(v)) return;
      var start = ta.selectionStart, end = ta.selectionEnd;
      var text = JSON.stringify(v);
      ta.setRangeText(text, start, end, "end");
      ta.dispatchEvent(new Event("input"));
      ta.focus();
      input.value = "";
    });
  });
})();

// The access graph's details panel: a click on an edge or a node shows its
// meaning in words (the tooltip Graphviz drew from the edge's statements)
// beside the drawing, with a node's links. Without script the same text is
// the hover tooltip, and a node's click opens its page.
(function () {
  var box = document.getElementById("graph-view");
  var panel = document.getElementById("graph-details");
  var text = document.getElementById("graph-details-text");
  if (!box || !panel || !text) return;
  var XLINK = "http://www.w3.org/1999/xlink";
  var selected = null;
  box.addEventListener("click", function (ev) {
    var g = ev.target.closest && ev.target.closest("g.edge, g.node");
    if (!g) return;
    var a = g.querySelector("a");
    if (!a) return;
    var title = a.getAttributeNS(XLINK, "title") || a.getAttribute("title") || "";
    var href = a.getAttributeNS(XLINK, "href") || a.getAttribute("href") || "";
    ev.preventDefault();
    if (selected) selected.classList.remove("selected");
    selected = g;
    g.classList.add("selected");
    var frag = document.createDocumentFragment();
    var p = document.createElement("p");
    p.textContent = title;
    frag.appendChild(p);
    if (href && g.classList.contains("node")) {
      var open = document.createElement("a");
      open.href = href;
      open.textContent = "Open";
      frag.appendChild(open);
    }
    // A principal's tooltip starts with its ARN: offer the graph on it.
    var arn = title.split("\n")[0];
    var acct = document.getElementById("account");
    if (g.classList.contains("node") && /^arn:aws[\w-]*:iam::[^:]*:(user|group|role)\//.test(arn) && acct) {
      var focus = document.createElement("a");
      focus.href = "/graph?" + new URLSearchParams({ account: acct.value, focus: arn, depth: "1" }).toString();
      focus.textContent = "Focus the graph here";
      if (frag.childNodes.length > 1) frag.appendChild(document.createTextNode(" · "));
      frag.appendChild(focus);
    }
    text.replaceChildren(frag);
    panel.hidden = false;
  });
})();

// The graph's focus field: as one types, up to 20 users, groups and roles
// whose name or ARN contains the text, from the server's index, offered
// in the field's list. Without script the field takes a name or an ARN.
(function () {
  if (!window.fetch) return;
  var input = document.querySelector("input[data-focus-search]");
  if (!input) return;
  var list = document.getElementById(input.getAttribute("list"));
  if (!list) return;
  var timer = null, asked = "";
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var q = input.value.trim();
      if (!q || q === asked) return;
      if (window.CSS && CSS.escape && list.querySelector('option[value="' + CSS.escape(q) + '"]')) return; // one was picked
      asked = q;
      fetch(input.getAttribute("data-focus-search") + "&q=" + encodeURIComponent(q), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (res) { if (!res.ok) throw new Error(res.status); return res.json(); })
        .then(function (found) {
          var frag = document.createDocumentFragment();
          found.forEach(function (n) {
            var o = document.createElement("option");
            o.value = n.ID;
            o.label = n.Kind + ": " + n.Name;
            o.textContent = n.Kind + ": " + n.Name;
            frag.appendChild(o);
          });
          list.replaceChildren(frag);
          list.setAttribute("data-loaded", q);
        })
        .catch(function () { asked = ""; });
    }, 150);
  });
})();
