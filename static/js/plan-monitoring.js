// The plan page's monitoring charts (Chart.js), drawn from the json_script data.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("plan-chart-data");
    if (!source || typeof Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var burnup = document.getElementById("burnup-chart");
    if (burnup && data.burnup) {
      new Chart(burnup, {
        type: "line",
        data: {
          labels: data.burnup.labels,
          datasets: [
            { label: data.burnup.titles.planned, data: data.burnup.planned, borderColor: "#8a94a3", stepped: true, fill: false },
            { label: data.burnup.titles.done, data: data.burnup.done, borderColor: "#1f7a4d", stepped: true, fill: false, spanGaps: false }
          ]
        },
        options: { animation: false, scales: { y: { beginAtZero: true, suggestedMax: data.burnup.total, ticks: { precision: 0 } } } }
      });
    }
    var holder = document.getElementById("goal-charts");
    (data.goals || []).forEach(function (goal, index) {
      if (!holder) { return; }
      var figure = document.createElement("figure");
      figure.className = "chart";
      var caption = document.createElement("figcaption");
      caption.textContent = goal.title;
      var canvas = document.createElement("canvas");
      canvas.id = "goal-chart-" + index;
      canvas.height = 100;
      canvas.setAttribute("role", "img");
      canvas.setAttribute("aria-label", goal.title);
      figure.appendChild(caption);
      figure.appendChild(canvas);
      holder.appendChild(figure);
      var flat = function (value) { return goal.labels.map(function () { return value; }); };
      new Chart(canvas, {
        type: "line",
        data: {
          labels: goal.labels,
          datasets: [
            { label: data.labels.actual, data: goal.values, borderColor: "#1d4e89" },
            { label: data.labels.target, data: flat(goal.target), borderColor: "#1f7a4d", borderDash: [6, 4], pointRadius: 0 },
            { label: data.labels.baseline, data: flat(goal.baseline), borderColor: "#b3261e", borderDash: [2, 4], pointRadius: 0 }
          ]
        },
        options: { animation: false }
      });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
