/* immunoviz slides: starts reveal.js with the deck's settings and draws its charts.
 *
 * The settings and the charts' figures come from <script type="application/json" id="iv-deck-data">.
 * A chart is drawn when its slide is first shown (at the size the slide gives it), every chart at once
 * in the print view. body[data-ready="1"] once reveal.js is ready and the charts it shows are drawn.
 * Text from the tables is only ever inserted with textContent. Nothing is stored or sent anywhere.
 */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("iv-deck-data").textContent);
  var printing = /print-pdf/.test(window.location.search);
  var drawn = {};
  var pending = 0;

  var laidOut = !printing;  // the print view lays the pages out after reveal.js is ready ("pdf-ready")
  function ready() { if (pending === 0 && laidOut) document.body.dataset.ready = "1"; }

  function drawCharts(slide) {
    var holders = slide ? slide.querySelectorAll(".iv-chart") : document.querySelectorAll(".iv-chart");
    Array.prototype.forEach.call(holders, function (div) {
      var id = div.id.replace(/^iv-chart-/, "");
      if (drawn[id] || !data.figures[id] || typeof Plotly === "undefined") {
        if (drawn[id] && !printing) Plotly.Plots.resize(div);
        return;
      }
      drawn[id] = true;
      var fig = JSON.parse(data.figures[id]);
      fig.layout.autosize = true;
      delete fig.layout.width;
      delete fig.layout.height;
      pending += 1;
      Plotly.newPlot(div, fig.data, fig.layout, { responsive: !printing, displaylogo: false, staticPlot: printing })
        .then(function () { return window.immunoviz.fitFlowLabels(div); })
        .then(function () { pending -= 1; ready(); }, function (error) {
          pending -= 1;
          div.textContent = "This chart could not be drawn (" + String((error && error.message) || error) + ").";
          ready();
        });
    });
  }

  var deck = new Reveal(document.querySelector(".reveal"), Object.assign({}, data.reveal, { plugins: [RevealNotes] }));
  deck.initialize().then(function () {
    drawCharts(printing ? null : deck.getCurrentSlide());
    ready();
  });
  deck.on("slidechanged", function (event) { drawCharts(event.currentSlide); });
  deck.on("pdf-ready", function () { laidOut = true; ready(); });
  window.immunovizDeck = deck;
})();
