// The jworkers dashboard's only script of its own: draws the uPlot charts whose data the
// server put in data-chart attributes, on load and after every htmx swap. No inline scripts,
// so the pages' Content-Security-Policy allows scripts from the host only.
(function () {
  "use strict";
  var colors = ["#f6821f", "#1d4ed8", "#15803d", "#9333ea"];

  function draw(root) {
    var charts = (root || document).querySelectorAll(".chart[data-chart]");
    for (var i = 0; i < charts.length; i++) {
      var el = charts[i];
      if (el.dataset.drawn) continue;
      el.dataset.drawn = "1";
      var chart = JSON.parse(el.dataset.chart);
      var series = [{}];
      for (var s = 0; s < chart.labels.length; s++) {
        series.push({ label: chart.labels[s], stroke: colors[s % colors.length], width: 2, spanGaps: true,
                      value: (function (unit) { return function (u, v) { return v == null ? "-" : v.toFixed(1) + " " + unit; }; })(chart.unit) });
      }
      // The x axis always spans the window the host keeps (chart.from..chart.to), so a few points
      // do not stretch it over years.
      new uPlot({ title: chart.title, width: Math.max(280, el.clientWidth || 520), height: 180, series: series,
                  scales: { x: { time: true, range: function () { return [chart.from, chart.to]; } } },
                  axes: [{}, { label: chart.unit }] }, chart.data, el);
    }
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
