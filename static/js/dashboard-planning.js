// The planning dashboard's pipeline chart (Chart.js): plans per state, from the json_script
// data. The table beside the canvas carries the same numbers for those who cannot see it.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("pipeline-chart-data");
    var canvas = document.getElementById("pipeline-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [{ label: data.title, data: data.counts, backgroundColor: "#1f4e79" }]
      },
      options: {
        animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
