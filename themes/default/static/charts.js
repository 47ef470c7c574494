// Each chart is drawn when it comes near the viewport. plotly.js (the largest file of the
// portal) is fetched then, after first paint, and once: the page never waits for it. A chart's
// spec is inert JSON (no inline script: CSP-safe); its data table is in the page, so nothing is
// lost while the chart loads, where it fails, or without JavaScript.
(function () {
  var source = document.currentScript && document.currentScript.dataset.plotly;
  var loading = null;

  function plotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = source;
        tag.async = true;
        tag.onload = function () { resolve(window.Plotly); };
        tag.onerror = reject;
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(figure) {
    var node = figure.querySelector("script.chart-spec");
    var target = node && document.getElementById(node.dataset.target);
    if (!target) return;
    plotly().then(function (Plotly) {
      var spec = JSON.parse(node.textContent);
      return Plotly.newPlot(target, spec.data, spec.layout, { displaylogo: false, displayModeBar: false, responsive: true });
    }).then(function () { figure.classList.add("drawn"); }, function () { figure.classList.add("failed"); });
  }

  var figures = document.querySelectorAll("figure.chart");
  if (!("IntersectionObserver" in window)) {
    figures.forEach(draw);
    return;
  }
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        draw(entry.target);
      }
    });
  });
  figures.forEach(function (figure) { observer.observe(figure); });
})();
