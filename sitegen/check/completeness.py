"""COMPLETE family: a required section or table is missing.

Source: 财政部《地方预决算公开操作规程》（财预〔2016〕143号）: department budgets and final
accounts explain 三公经费, 机关运行经费, 政府采购, 国有资产占用 and 预算绩效; a self-evaluation
publishes, for each evaluated project, its funding and its indicator table (财预〔2020〕10号 附件),
and every self-evaluation table scores budget execution (预算执行率, 10 points) as a row of its own.
"""
from __future__ import annotations

from decimal import Decimal

from ..model.documents import Evaluation, Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import HUNDRED, fmt, places
from .context import Reporter, evaluations, funding_total
from .scores import STANDARD_EXECUTION_WEIGHT, is_execution_indicator

REQUIRED_TOPICS: dict[str, tuple[str, ...]] = {
    "“三公”经费": ("三公",),
    "机关运行经费": ("机关运行经费", "运行经费"),
    "政府采购": ("政府采购",),
    "国有资产占用": ("国有资产", "固定资产", "资产占用"),
    "预算绩效": ("绩效",),
}


def check(doc: LoadedDocument, report: Reporter) -> None:
    if doc.kind in ("budget", "final_accounts"):
        _topics(doc, report)
    for i, project in enumerate(getattr(doc.model, "projects", [])):
        missing = [name for name, present in (("资金情况", project.funding), ("绩效指标", project.indicators)) if not present]
        if doc.kind == "self_evaluation" and missing:
            report.add("COMPLETE-002", ("projects", i), declared="缺" + "、".join(missing), computed="", difference="",
                       message=f"“{project.name}”的自评表没有{'和'.join(missing)}。")
    if doc.kind == "self_evaluation":
        for path, evaluation in evaluations(doc):
            _execution_row(evaluation, path, report)


def _execution_row(evaluation: Evaluation, path: DataPath, report: Reporter) -> None:
    """A scored table without its 预算执行率 row, and what its total implies for it.

    Left to SCORE-008 when the weights total 90 without a stated execution weight: that
    notice already says the row is inferred."""
    scored = [ind for ind in evaluation.indicators if ind.score is not None or ind.item_score is not None]
    total = funding_total(evaluation)
    if not scored or any(is_execution_indicator(ind) for ind in evaluation.indicators):
        return
    if total is not None and (total.weight is not None or total.score is not None):
        return
    weights = sum((ind.weight for ind in evaluation.indicators if ind.weight is not None), Decimal(0))
    expected = evaluation.total_weight if evaluation.total_weight is not None else HUNDRED
    if evaluation.execution_weight is None and weights + STANDARD_EXECUTION_WEIGHT == expected:
        return
    points = sum((ind.score if ind.score is not None else ind.item_score * ind.weight / HUNDRED  # type: ignore[operator]
                  for ind in scored if ind.score is not None or ind.weight is not None), Decimal(0))
    implied = ""
    if evaluation.total_score is not None:
        rest = evaluation.total_score - points
        weight = evaluation.execution_weight or STANDARD_EXECUTION_WEIGHT
        n = places(evaluation.total_score)  # the total's precision: 95.6 − 90.0 = 5.6
        implied = (f"；总分 {fmt(evaluation.total_score)} − 各指标得分 {fmt(points, n)} = {fmt(rest, n)} 分，"
                   f"即预算执行率指标 {fmt(weight)} 分中得 {fmt(rest, n)} 分（执行率约 {fmt(rest / weight * HUNDRED, 2)}%）")
        if total is not None and total.execution_rate is None and total.adjusted and (total.executed or total.received):
            spent = total.executed if total.executed is not None else total.received
            implied += f"，资金表执行率为 {fmt(spent / total.adjusted * HUNDRED, 2)}%"  # type: ignore[operator]
        elif total is not None and total.execution_rate is not None:
            implied += f"，资金表执行率为 {total.execution_rate.text}"
    report.add("COMPLETE-003", (*path, "indicators"), declared="无预算执行率指标",
               computed=f"{fmt(evaluation.total_score - points, places(evaluation.total_score))} 分" if evaluation.total_score is not None else "",
               difference="", message=f"“{evaluation.name}”表中没有预算执行率指标{implied}。")


def _labels(figures: list[Figure]) -> list[str]:
    out: list[str] = []
    for item in figures:
        out += [item.label, item.section or "", item.text or ""]
        out += _labels(item.parts)
    return out


def _topics(doc: LoadedDocument, report: Reporter) -> None:
    corpus = "\n".join([doc.narrative or "", *_labels(doc.model.figures)])
    missing = [topic for topic, words in REQUIRED_TOPICS.items() if not any(word in corpus for word in words)]
    if missing:
        report.add("COMPLETE-001", ("title",), declared="缺" + "、".join(missing), computed="", difference="",
                   message=f"文件没有说明{'、'.join(missing)}（《地方预决算公开操作规程》要求公开）。")
