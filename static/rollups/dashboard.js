// Draws the dashboard charts from the JSON rendered by json_script; the tables hold the same numbers.
(function () {
  "use strict";
  const source = document.getElementById("rollup-charts");
  if (!source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  // Axis numbers in the page's language (1.400 in Vietnamese), not the browser's default locale.
  const locale = document.documentElement.lang || undefined;
  const colours = ["#198754", "#0d6efd", "#ffc107", "#dc3545"];
  function draw(id, chart, options) {
    const canvas = document.getElementById(id);
    if (!canvas || !chart || chart.labels.length === 0) return;
    chart.datasets.forEach(function (ds, i) { ds.backgroundColor = colours[i % colours.length]; });
    new Chart(canvas, { type: "bar", data: chart, options: Object.assign({ animation: false, responsive: true, locale: locale }, options) });
  }
  draw("chart-grades-by-child", data.grades_by_child, { scales: { x: { stacked: true }, y: { stacked: true } } });
  draw("chart-year-over-year", data.year_over_year, {});
})();
