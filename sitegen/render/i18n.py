"""The one translation table: every UI string of the default theme, by key.

Templates call ``t("key")``; a site may add a language by extending ``STRINGS``.
"""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "zh-CN": {
        "home": "首页", "search": "搜索", "rules": "核对规则", "data_quality": "数据质量",
        "search_placeholder": "搜索单位、项目、指标、金额……", "skip": "跳到正文",
        "units_by_region": "按地区浏览单位", "region_index": "地区导航", "unit_count": "个单位", "latest_year": "最新年度", "documents": "公开文件",
        "department_wide": "部门整体支出绩效", "project": "项目支出绩效", "projects": "项目",
        "findings": "一致性核对", "no_findings": "未发现数字不一致。", "error": "错误", "warning": "警告",
        "notice": "提示", "suppressed": "已说明（不计入）", "suppressed_reason": "说明", "rule": "规则", "declared": "文件所列", "computed": "计算值", "difference": "差额",
        "source": "来源", "money_unit": "金额单位", "narrative": "情况说明", "figures": "文件所列数字",
        "funding": "项目资金", "goals": "年度总体目标", "indicators": "绩效指标", "charts": "图表",
        "chart_data": "图表数据", "total_score": "自评得分", "grade": "自评等级", "total_weight": "总分值",
        "target": "年度指标值", "actual": "实际完成值", "weight": "分值", "score": "得分",
        "level1": "一级指标", "level2": "二级指标", "indicator": "三级指标", "description": "指标说明",
        "completion": "完成情况", "item_score": "单项得分", "basis": "指标值确定依据", "deviation": "偏差原因及改进措施",
        "initial": "年初预算数", "adjusted": "全年预算数", "received": "到位数", "executed": "全年执行数",
        "execution_rate": "执行率", "previous": "上年数", "change": "增减额", "growth": "增减率", "share": "占比",
        "amount": "金额", "label": "项目", "note": "说明", "expected_goal": "预期目标", "result": "实际完成情况",
        "summary_table": "项目自评汇总表", "name": "项目名称", "fund_type": "资金类型", "no": "序号",
        "supplementary": "年中追加/追减", "rate": "比例", "total": "合计", "department_goals": "部门整体绩效目标",
        "project_targets": "项目绩效目标表", "level": "级次", "region": "地区", "unit": "单位",
        "all_units": "全部单位", "years": "年度", "rules_intro": "每条规则核对文件内部数字之间的一种关系。发现不一致时，页面上会列出所在位置、文件所列数值、计算值和差额。",
        "data_quality_intro": "门户全部文件的一致性核对结果。", "severity": "级别", "count": "数量",
        "example": "示例", "rule_source": "依据", "findings_of_rule": "本规则的发现", "see_rule": "规则说明",
        "published": "发布日期", "by_year": "按年度浏览", "chart_alt": "图表数据见下方表格", "has_errors": "有数字不一致", "has_no_errors": "未发现错误", "not_found": "页面不存在", "not_found_hint": "您访问的页面不存在或已移动。可以从首页浏览，或使用搜索。",
        "other_years": "其他年度", "revisions": "修订记录", "feed": "更新订阅（Atom）", "sitemap": "网站地图", "downloads": "下载数据", "open_data": "开放数据",
        "open_data_intro": "每份文件的表格均可下载为 CSV（UTF-8，Excel 可直接打开）、Excel 与 JSON；每个地区本级单位的数据另有打包下载（ZIP，内附 Frictionless 数据包说明），见地区索引中各地区后的「数据包」，下辖地区各有其包。",
        "archives": "按地区打包下载（ZIP）", "archive": "本级单位数据打包下载（ZIP，内附 Frictionless 数据包说明 datapackage.json）", "archive_short": "数据包", "archive_label": "本级单位数据包（ZIP）", "document_count": "份文件", "datapackage": "各地区数据包目录（datapackage.json）", "published_title": "原标题", "original": "原始文件", "computed_note": "（计算值）", "projects_count": "项目数",
        "back_to_document": "返回文件", "footer": "本站由 sitegen 生成；数字按原文照录，不一致之处由程序自动核对标出。",
        "search_title": "全文搜索", "search_hint": "输入关键词，如：雪亮工程、三公经费、138.29", "noscript_search": "搜索需要启用 JavaScript。",
        "search_filters": "按单位、地区、年度等筛选",
        "composition": "构成", "budget_vs_executed": "预算与执行", "score_vs_weight": "得分与分值",
        "location": "位置", "content_errors": "内容错误", "details": "详情",
        "content_errors_intro": "以下内容文件有误，未能生成此页面。请按位置修改后重新生成；门户其余部分不受影响。", "document": "文件", "year": "年度", "summary": "概况", "total_findings": "核对发现",
        "filter_findings": "筛选核对发现", "all": "全部", "clear_filters": "清除筛选", "showing": "当前显示",
        "items": "条", "of_total": "共", "no_matching_findings": "没有符合筛选条件的核对发现。", "message": "说明",
        "pages": "分页", "items_from": "第", "previous_page": "上一页", "next_page": "下一页",
        "places_below": "下辖地区", "units_here": "本级单位", "findings_by_place": "按地区统计",
        "findings_by_rule": "按规则统计", "all_findings": "全部核对发现",
        "findings_listed_by_place": "核对发现较多，逐条列在各地区的数据质量页：请从上面的地区进入。",
        "rule_findings_by_place": "本规则的发现较多，按单位所在地区统计；点击地区查看其逐条发现（已按本规则筛选）。",
        "place_findings_intro": "本地区各单位文件的一致性核对结果。", "key_figures": "主要数字", "latest_documents": "最新公开文件", "chart_hint": "滑动或轻触页面即绘制图表；数据见下方表格。", "findings_where": "各地区的单位数与核对发现（错误、警告）数；点击地区查看其单位与发现。",
    },
}


def translator(language: str):
    """``t(key)`` for ``language``, falling back to zh-CN, then to a document kind's label
    (``t("budget")`` → 部门预算, from the kind registry), then to the key itself."""
    from ..plugins import kinds
    table = STRINGS.get(language, {})
    fallback = STRINGS["zh-CN"]

    def t(key: str) -> str:
        return table.get(key) or fallback.get(key) or (kinds()[key].label if key in kinds() else key)

    return t
