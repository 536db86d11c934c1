// The committee dashboard's cost chart (Chart.js): budget against actual per category,
// drawn from the panel's json_script data.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("committee-cost-chart-data");
    var canvas = document.getElementById("committee-cost-chart");
    if (!source || !canvas || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var numbers = function (values) { return values.map(function (v) { return parseFloat(v); }); };
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          { label: data.titles.budget, data: numbers(data.budget), backgroundColor: "#9fb7cf" },
          { label: data.titles.actual, data: numbers(data.actual), backgroundColor: "#1f4e79" }
        ]
      },
      options: { animation: false, scales: { y: { beginAtZero: true } } }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
