/* immunoviz chart page: draws the plotly figure stored as JSON in the page. */
(function () {
  "use strict";
  var node = document.getElementById("immunoviz-figure");
  var fig = JSON.parse(node.textContent);
  var div = document.querySelector(".chart");
  var config = { responsive: true, displaylogo: false, scrollZoom: false,
                 modeBarButtonsToRemove: ["lasso2d", "select2d"],
                 toImageButtonOptions: { format: "png", scale: 2, filename: div.id } };
  Plotly.newPlot(div, fig.data, fig.layout, config).then(function () {
    document.body.dataset.ready = "1";
  });
})();
