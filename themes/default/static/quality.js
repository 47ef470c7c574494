// The data-quality page's filters. Without this script the page lists every finding; with it,
// the <select>s narrow the rows by their data-* attributes and the counts follow.
// Each row's facets are read once; a change then walks plain arrays and writes to the DOM only
// for rows whose visibility changes, so portals with thousands of findings filter at once.
(function () {
  "use strict";
  var FACETS = ["unit", "year", "rule", "severity"];
  var SEVERITY = FACETS.indexOf("severity");

  function start() {
    var form = document.getElementById("quality-filters");
    var table = document.getElementById("quality-table");
    if (!form || !table || !table.tBodies.length) return;
    var selects = FACETS.map(function (name) { return form.elements[name]; });
    var rows = Array.prototype.map.call(table.tBodies[0].rows, function (tr) {
      return { tr: tr, shown: !tr.hidden, counts: !tr.hasAttribute("data-suppressed"),
               values: FACETS.map(function (name) { return tr.getAttribute("data-" + name); }) };
    });
    var options = selects.map(function (select) {
      var byValue = {};
      Array.prototype.forEach.call(select.options, function (option) { byValue[option.value] = option; });
      return byValue;
    });
    var counters = {};
    Array.prototype.forEach.call(document.querySelectorAll("#quality-status [data-count]"), function (element) {
      counters[element.getAttribute("data-count")] = element;
    });
    var empty = document.getElementById("quality-empty");

    function apply() {
      var chosen = selects.map(function (select) { return select.value; });
      // counts[f][value]: rows that pass every filter but facet f's, i.e. what choosing
      // that value of f would show; counts[f][""] is the same for "all".
      var counts = FACETS.map(function () { return { "": 0 }; });
      // Suppressed findings are listed but, as on every page, not counted.
      var severities = { error: 0, warning: 0, notice: 0, suppressed: 0 };
      var shown = 0;
      for (var r = 0; r < rows.length; r++) {
        var row = rows[r], values = row.values, misses = 0, missed = -1;
        for (var f = 0; f < FACETS.length; f++) {
          if (chosen[f] && values[f] !== chosen[f]) { misses++; missed = f; }
        }
        if (misses === 0) {
          for (f = 0; f < FACETS.length; f++) {
            counts[f][values[f]] = (counts[f][values[f]] || 0) + 1;
            counts[f][""]++;
          }
          shown++;
          severities[row.counts ? values[SEVERITY] : "suppressed"]++;
        } else if (misses === 1) {
          counts[missed][values[missed]] = (counts[missed][values[missed]] || 0) + 1;
          counts[missed][""]++;
        }
        var visible = misses === 0;
        if (visible !== row.shown) { row.tr.hidden = !visible; row.shown = visible; }
      }
      for (f = 0; f < FACETS.length; f++) {
        for (var value in options[f]) {
          var option = options[f][value];
          option.textContent = option.getAttribute("data-label") + "（" + (counts[f][value] || 0) + "）";
        }
      }
      if (counters.shown) counters.shown.textContent = shown;
      for (var severity in severities) if (counters[severity]) counters[severity].textContent = severities[severity];
      if (empty) empty.hidden = shown > 0 || rows.length === 0;
      remember(chosen);
    }

    // The filters live in the query string, so a filtered view can be bookmarked or linked.
    function remember(chosen) {
      var params = new URLSearchParams(window.location.search);
      FACETS.forEach(function (name, f) { if (chosen[f]) params.set(name, chosen[f]); else params.delete(name); });
      var query = params.toString();
      try {
        window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
      } catch (e) { /* file:// pages may refuse; the filters still work */ }
    }

    var initial = new URLSearchParams(window.location.search);
    FACETS.forEach(function (name, f) {
      var value = initial.get(name);
      if (value && Object.prototype.hasOwnProperty.call(options[f], value)) selects[f].value = value;
    });
    form.addEventListener("change", apply);
    // "reset" fires before the form resets its controls: filter once they hold their defaults.
    form.addEventListener("reset", function () { window.setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
