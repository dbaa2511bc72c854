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
  function failed(error) {
    var reason = String((error && error.message) || error || "unknown error");
    div.textContent = "This chart could not be drawn (" + reason + ").";
    div.classList.add("chart-error");
    document.body.dataset.chartError = reason;
    document.body.dataset.ready = "1";
  }
  // a figure that sets its own height (the resistance flows, the timeline's rows) gets a box that tall: in the
  // box the page gives a chart (the window's height, less the heading) it ran over the text below it
  if (fig.layout && fig.layout.height) div.style.height = fig.layout.height + "px";
  try {
    Plotly.newPlot(div, fig.data, fig.layout, config).then(function () {
      return window.immunoviz.fitFlowLabels(div);
    }).then(function () {
      accessible();
      div.on("plotly_afterplot", accessible);
      document.body.dataset.ready = "1";
    }, failed);
  } catch (error) {
    failed(error);
  }
})();
