(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  var red = "#b42318";
  var line = echarts.init(document.getElementById("chart-audit"));
  line.setOption({
    grid: { left: 40, right: 16, top: 16, bottom: 32 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: data.days.map(function (d) { return d.slice(5); }) },
    yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "line", data: data.series, smooth: true, areaStyle: { opacity: 0.15 }, color: red }]
  });
  var pie = echarts.init(document.getElementById("chart-kinds"));
  pie.setOption({
    tooltip: { trigger: "item" },
    // Kind names go in the legend: as outside labels they were cut to "…" in a narrow card.
    legend: { type: "scroll", bottom: 0 },
    series: [{
      type: "pie", radius: ["40%", "65%"], center: ["50%", "44%"], data: data.kinds,
      label: { formatter: "{c}" }
    }]
  });
  window.addEventListener("resize", function () { line.resize(); pie.resize(); });
})();
