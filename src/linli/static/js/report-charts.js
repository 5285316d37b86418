// The charts of a report page (core.reports.chart_data, in the "report-data" script): a bar,
// stacked bar, line or pie chart per section; a click on a bar, a slice or a point opens the
// rows it counts.
(function () {
  const data = document.getElementById("report-data");
  if (!data || typeof echarts === "undefined") { return; }
  JSON.parse(data.textContent).forEach(function (chart) {
    const node = document.getElementById("chart-" + chart.key);
    if (!node) { return; }
    const instance = echarts.init(node);
    if (chart.type === "pie") {
      const series = chart.series[0];
      instance.setOption({
        tooltip: {trigger: "item"},
        legend: {bottom: 0, type: "scroll"},
        series: [{type: "pie", radius: ["35%", "65%"], top: -24,
                  data: chart.labels.map((name, i) => ({name: name, value: series.values[i], link: series.links[i]}))}],
      });
    } else {
      instance.setOption({
        grid: {left: 8, right: 16, top: chart.series.length > 1 ? 32 : 16, bottom: 8, containLabel: true},
        tooltip: {trigger: "axis"},
        legend: chart.series.length > 1 ? {top: 0} : undefined,
        xAxis: {type: "category", data: chart.labels, axisLabel: {rotate: chart.labels.length > 6 ? 30 : 0}},
        yAxis: {type: "value", minInterval: 1},
        series: chart.series.map((s) => ({
          name: s.name, type: chart.type === "line" ? "line" : "bar",
          stack: chart.type === "stack" ? "all" : undefined,
          data: s.values.map((value, i) => ({value: value, link: s.links[i]})),
        })),
      });
    }
    instance.on("click", function (params) {
      if (params.data && params.data.link) { window.location.href = params.data.link; }
    });
    window.addEventListener("resize", () => instance.resize());
  });
})();
