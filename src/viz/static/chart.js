/* immunoviz chart page: draws the plotly figure stored as JSON in the page. */
(function () {
  "use strict";
  var node = document.getElementById("immunoviz-figure");
  var fig = JSON.parse(node.textContent);
  var div = document.querySelector(".chart");
  var config = { responsive: true, displaylogo: false, scrollZoom: false,
                 modeBarButtonsToRemove: ["lasso2d", "select2d"],
                 toImageButtonOptions: { format: "png", scale: 2, filename: div.id } };

  // Accessibility of plotly's DOM, fixed on our side after every draw. plotly.js names none of its
  // SVGs (plotly/plotly.js#6920, open), so a screen reader would read every tick label; the chart's
  // text alternative is the "In words" list and the data table after it, so the pictures are hidden
  // from assistive technology. Since plotly.js 3.1 the tool buttons are real <button>s
  // (plotly/plotly.js#7492, for #6940): they stay reachable, grouped and named, and the chart is
  // therefore a <figure>, not a role="img" (whose children would be presentational; axe-core's
  // nested-interactive rule).
  function accessible() {
    Array.prototype.forEach.call(div.querySelectorAll("svg.main-svg"), function (svg) {
      svg.setAttribute("aria-hidden", "true");
      svg.setAttribute("focusable", "false");
    });
    var bar = div.querySelector(".modebar");
    if (bar) { bar.setAttribute("role", "group"); bar.setAttribute("aria-label", "Chart tools"); }
  }
  Plotly.newPlot(div, fig.data, fig.layout, config).then(function () {
    accessible();
    div.on("plotly_afterplot", accessible);
    document.body.dataset.ready = "1";
  });
})();
