// The hotline figures page: cases by month (bars), by category and by channel (pies).
// No inline script (CSP with nonces): the data comes from the json_script element
// "stats-chart-data" that hotline/stats/stats.html renders.
(function () {
  "use strict";
  var source = document.getElementById("stats-chart-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var charts = [];

  function draw(id, option) {
    var element = document.getElementById(id);
    if (!element) return;
    var chart = echarts.init(element);
    chart.setOption(option);
    charts.push(chart);
  }

  draw("stats-month-chart", {
    tooltip: { trigger: "axis" },
    grid: { left: 48, right: 16, top: 16, bottom: 32 },
    xAxis: { type: "category", data: data.months },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ name: data.labels.cases, type: "bar", data: data.monthCases,
               itemStyle: { color: "#c0392b" } }]
  });

  function pie(id, rows) {
    draw(id, {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { type: "scroll", bottom: 0 },
      series: [{ type: "pie", radius: ["35%", "65%"], top: 0, bottom: 32,
                 label: { formatter: "{b}\n{c}" }, data: rows }]
    });
  }
  pie("stats-category-chart", data.categories);
  pie("stats-channel-chart", data.channels);

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) { chart.resize(); });
  });
})();
