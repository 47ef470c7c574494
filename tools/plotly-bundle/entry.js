// plotly.js core with only the trace types sitegen/render/charts.py draws (scatter is always
// part of core). The way plotly.js documents for a smaller bundle: lib/core + Plotly.register.
var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/sunburst'),
]);

module.exports = Plotly;
