// Preview only (sitegen serve adds this script to the pages it serves; no built page has it):
// the banner with build time and findings, and the overlay that shows content errors with
// file, line and column until the file is fixed.
(function () {
  var banner = document.createElement("div");
  banner.id = "preview-banner";
  banner.setAttribute("role", "status");
  banner.textContent = "预览";
  banner.style.cssText = "background:#1d2430;color:#ffd479;font-size:13px;padding:4px 16px;text-align:center";
  document.body.insertBefore(banner, document.body.firstChild);
  function text(tag, value, css) {
    var el = document.createElement(tag);
    el.textContent = value;
    if (css) el.style.cssText = css;
    return el;
  }
  fetch("/__preview__/status.json", { cache: "no-store" }).then(function (r) { return r.json(); }).then(function (status) {
    var f = status.findings || {};
    banner.textContent = "预览 · 生成于 " + status.built_at + "（" + status.seconds + " 秒，" + status.pages_written +
      " 页）· 一致性核对：错误 " + (f.error || 0) + "，警告 " + (f.warning || 0) + "，提示 " + (f.notice || 0);
    if (!status.errors || !status.errors.length) return;
    var overlay = document.createElement("div");
    overlay.id = "preview-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.style.cssText = "position:fixed;inset:0;z-index:1000;background:rgba(20,24,32,.92);color:#fff;overflow:auto;padding:32px;font:15px/1.6 monospace";
    overlay.appendChild(text("h2", "内容有误（" + status.errors.length + "）：修改保存后自动刷新；页面仍显示上次成功生成的内容。", "color:#ffb4ab;font-family:sans-serif"));
    var list = document.createElement("ol");
    status.errors.forEach(function (e) {
      var item = text("li", "", "margin:8px 0");
      item.appendChild(text("strong", e.location, "color:#ffd479"));
      item.appendChild(text("span", "  " + (e.path ? e.path + "  " : "") + e.message));
      list.appendChild(item);
    });
    overlay.appendChild(list);
    document.body.appendChild(overlay);
  });
})();
