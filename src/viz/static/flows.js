/* immunoviz: a flow chart's node labels fitted to the width the chart is drawn at (chart pages, lesson pages,
 * the slides).
 *
 * plotly.js writes a Sankey node's label beside it: to the right of the first and middle columns' nodes, to the
 * left of the last column's. On a narrow screen the middle column's long names met the last column's (at
 * 1024 x 768 a slide gives a chart 968 px, and "Suppressive tumour microenvironment" ran into "Checkpoint
 * inhibitors"). immunoviz.fitFlowLabels(div) makes the chart's text a pixel smaller at a time while two labels
 * still cover each other, down to MIN_PX: as large as the width allows. It returns a promise that never fails:
 * if plotly.js cannot redraw, the chart stays as it was drawn.
 */
(function () {
  "use strict";
  var ns = window.immunoviz = window.immunoviz || {};
  var MIN_PX = 11;

  function clash(div) {
    var boxes = Array.prototype.map.call(div.querySelectorAll(".sankey .node-label"), function (t) {
      return t.getBoundingClientRect();
    });
    return boxes.some(function (a, i) {
      return boxes.slice(i + 1).some(function (b) {
        return Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
          Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 2;
      });
    });
  }

  ns.fitFlowLabels = function (div) {
    var size = div._fullLayout && div._fullLayout.font ? div._fullLayout.font.size : 12;
    function smaller() {
      if (size <= MIN_PX || !clash(div)) return Promise.resolve();
      size -= 1;
      return Plotly.relayout(div, { "font.size": size }).then(smaller, function () {});
    }
    return smaller();
  };
})();
