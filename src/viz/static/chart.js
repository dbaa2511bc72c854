/* immunoviz chart page: draws the plotly figure stored as JSON in the page.
   body[data-ready="1"] once the chart is drawn, or once drawing failed: then the page says so in place of
   the chart and body[data-chart-error] holds the reason, so nothing waits for a chart that will never come. */
(function () {
  "use strict";
  var node = document.getElementById("immunoviz-figure");
  var fig = JSON.parse(node.textContent);
  var div = document.querySelector(".chart");
  var config = { responsive: true, displaylogo: false, scrollZoom: false,
                 modeBarButtonsToRemove: ["lasso2d", "select2d"],
                 toImageButtonOptions: { format: "png", scale: 2, filename: div.id } };
  function failed(error) {
    var reason = String((error && error.message) || error || "unknown error");
    div.textContent = "This chart could not be drawn (" + reason + ").";
    div.classList.add("chart-error");
    document.body.dataset.chartError = reason;
    document.body.dataset.ready = "1";
  }
  try {
    Plotly.newPlot(div, fig.data, fig.layout, config).then(function () {
      document.body.dataset.ready = "1";
    }, failed);
  } catch (error) {
    failed(error);
  }
})();
