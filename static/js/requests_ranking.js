/* The department ranking chart: data from a json_script element, drawn with the vendored ECharts. */
(function () {
  "use strict";

  function draw() {
    var holder = document.getElementById("ranking-chart");
    var source = document.getElementById("ranking-data");
    if (!holder || !source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    if (!data.departments.length) return;
    var chart = window.echarts.init(holder, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0 },
      grid: { left: 8, right: 16, bottom: 8, top: 40, containLabel: true },
      xAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
      yAxis: { type: "category", data: data.departments, inverse: true },
      series: data.series.map(function (s) {
        return { name: s.name, type: "bar", data: s.values };
      })
    });
    chart.on("click", function (params) {
      var links = data.links[params.seriesIndex];
      var url = links && links[params.dataIndex];
      if (url) window.location.href = url;
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
