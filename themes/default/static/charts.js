// Draw every chart whose spec the page carries as inert JSON (no inline script: CSP-safe).
(function () {
  function draw() {
    if (!window.Plotly) return;
    document.querySelectorAll("script.chart-spec").forEach(function (node) {
      var target = document.getElementById(node.dataset.target);
      if (!target) return;
      var spec = JSON.parse(node.textContent);
      window.Plotly.newPlot(target, spec.data, spec.layout, { displaylogo: false, displayModeBar: false, responsive: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
