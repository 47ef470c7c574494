// Each chart is drawn when it is in view and the reader has scrolled, touched or pressed a key:
// plotly.js (the largest file of the portal) is fetched then, once, and never competes with
// first paint or the page's first interaction (a chart in the first screen waits for the first
// touch; its box says so, and its data table is one tap away). A chart's spec is inert JSON (no
// inline script: CSP-safe); its table is in the page, so nothing is lost while the chart loads,
// where it fails, or without JavaScript.
(function () {
  var source = document.currentScript && document.currentScript.dataset.plotly;
  var loading = null;
  var engaged = false;
  var waiting = [];

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

  function engage() {
    if (engaged) return;
    engaged = true;
    waiting.splice(0).forEach(draw);
  }

  var figures = document.querySelectorAll("figure.chart");
  if (!("IntersectionObserver" in window)) {
    figures.forEach(draw);
    return;
  }
  ["scroll", "wheel", "touchstart", "pointerdown", "keydown"].forEach(function (type) {
    window.addEventListener(type, engage, { once: true, passive: true });
  });
  var observer = new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      if (engaged) draw(entry.target);
      else waiting.push(entry.target);
    });
  });
  figures.forEach(function (figure) { observer.observe(figure); });
})();
