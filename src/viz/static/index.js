/* immunoviz site index: find a concept and the maps that show it. */
(function () {
  "use strict";
  var entries = JSON.parse(document.getElementById("immunoviz-search").textContent);
  var input = document.getElementById("site-search");
  var out = document.getElementById("site-search-results");
  function fold(s) { return String(s || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase(); }
  input.addEventListener("input", function () {
    var q = fold(input.value).trim();
    out.textContent = "";
    if (!q) return;
    var hits = entries.filter(function (e) { return fold(e.label).indexOf(q) >= 0; }).slice(0, 30);
    if (!hits.length) { var none = document.createElement("li"); none.textContent = "No concept matches."; out.appendChild(none); return; }
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = e.href + "#find=" + encodeURIComponent(e.label);
      a.textContent = e.label;
      li.appendChild(a);
      li.appendChild(document.createTextNode(" — in " + e.map));
      out.appendChild(li);
    });
  });
  document.body.dataset.ready = "1";
})();
