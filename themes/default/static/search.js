// Pagefind's UI on the search page; a ?q= from any page's search box starts the search.
// The UI loads its search API from data-bundle: Pagefind's own, behind a query segmenter
// (assets/pagefind-zh/) that cuts Chinese the way the index did. The filters come when asked for.
(function () {
  function start() {
    var element = document.getElementById("search");
    if (!element || !window.PagefindUI) return;
    var ui = new window.PagefindUI({
      element: "#search", bundlePath: new URL(element.dataset.bundle, document.baseURI).href,
      showSubResults: true, showImages: false,
      translations: { placeholder: "搜索单位、项目、指标、金额……", zero_results: "没有找到与 [SEARCH_TERM] 相关的结果" }
    });
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) ui.triggerSearch(q);
    // The filters are loaded on demand (pagefind-zh/pagefind.js), then the search is run again to count them.
    var button = document.getElementById("search-filters");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      import(new URL("pagefind.js", new URL(element.dataset.bundle, document.baseURI)).href)
        .then(function (api) { return api.openFilters(); })
        .then(function () { button.hidden = true; ui.triggerFilters({}); }, function () { button.disabled = false; });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
