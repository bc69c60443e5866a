(function () {
  "use strict";
  var doc = document.documentElement;
  doc.className += " js";
  // Exact comparison of two decimal strings ("-12.5", "1500"): no floats.
  function parts(s) {
    s = String(s).trim();
    var neg = s.charAt(0) === "-";
    if (neg || s.charAt(0) === "+") s = s.slice(1);
    var dot = s.indexOf(".");
    var i = (dot < 0 ? s : s.slice(0, dot)).replace(/^0+/, "");
    var f = (dot < 0 ? "" : s.slice(dot + 1)).replace(/0+$/, "");
    if (i === "" && f === "") neg = false;
    return { neg: neg, i: i, f: f };
  }
  function cmpAbs(a, b) {
    if (a.i.length !== b.i.length) return a.i.length < b.i.length ? -1 : 1;
    if (a.i !== b.i) return a.i < b.i ? -1 : 1;
    if (a.f !== b.f) return a.f < b.f ? -1 : 1;
    return 0;
  }
  function cmpDecimal(x, y) {
    if (x === "" || y === "") return x === y ? 0 : (x === "" ? 1 : -1);
    var a = parts(x), b = parts(y);
    if (a.neg !== b.neg) return a.neg ? -1 : 1;
    var c = cmpAbs(a, b);
    return a.neg ? -c : c;
  }
  var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });
  function key(cell) {
    var k = cell.getAttribute("data-sort");
    return k === null ? cell.textContent.trim() : k;
  }
  function sortBy(table, col) {
    var heads = table.tHead.rows[0].cells;
    var th = heads[col];
    var asc = th.getAttribute("aria-sort") !== "ascending";
    for (var h = 0; h < heads.length; h++) heads[h].removeAttribute("aria-sort");
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var num = th.getAttribute("data-type") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var keyed = rows.map(function (r, i) { return { r: r, i: i, k: key(r.cells[col]) }; });
    keyed.sort(function (x, y) {
      var d = num ? cmpDecimal(x.k, y.k) : collator.compare(x.k, y.k);
      if (!asc) d = -d;
      return d || x.i - y.i;
    });
    var frag = document.createDocumentFragment();
    keyed.forEach(function (e) { frag.appendChild(e.r); });
    body.appendChild(frag);
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
      var b = th.querySelector("button");
      if (b) b.addEventListener("click", function () { sortBy(table, col); });
    });
  });
})();
