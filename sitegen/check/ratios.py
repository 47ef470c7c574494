"""RATIO family: stated percentages against the ratio of their stated terms.

Percentages compare at the precision they were published with; the inputs' own rounding
widens the tolerance (see ``arith.compare_percent``).
"""
from __future__ import annotations

from decimal import Decimal

from ..model.documents import Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from ..model.values import Percent
from .arith import Approx, Verdict, compare_percent, ratio_percent, round_to
from .context import Reporter, evaluations, signed


def check(doc: LoadedDocument, report: Reporter) -> None:
    for i, figure in enumerate(doc.model.figures):
        _figure(figure, None, ("figures", i), report)
    for path, evaluation in evaluations(doc):
        for i, row in enumerate(evaluation.funding):
            budget = row.adjusted if row.adjusted is not None else row.initial
            if row.execution_rate is not None and row.executed is not None and budget is not None:
                _compare(report, "RATIO-001", (*path, "funding", i, "execution_rate"), row.execution_rate,
                         Approx.money(row.executed), Approx.money(budget),
                         f"“{evaluation.name}”{row.label}的执行率", f"{row.executed} ÷ {budget}")
    summary = getattr(doc.model, "project_summary", None)
    if summary is None:
        return
    for i, row in enumerate([*summary.rows, summary.total]):
        if row is not None and row.rate is not None and row.executed is not None and row.adjusted is not None:
            path = ("project_summary", "total") if row is summary.total else ("project_summary", "rows", i)
            name = f"汇总表“{getattr(row, 'name', None) or row.label}”的执行率"  # type: ignore[union-attr]
            _compare(report, "RATIO-001", (*path, "rate"), row.rate, Approx.money(row.executed),
                     Approx.money(row.adjusted), name, f"{row.executed} ÷ {row.adjusted}")
    if summary.total is not None and summary.total.coverage is not None:
        _coverage(summary, report)


def _figure(figure: Figure, parent: Figure | None, path: DataPath, report: Reporter) -> None:
    label = f"“{figure.label}”"
    if figure.share is not None and parent is not None and figure.amount is not None and parent.amount is not None:
        _compare(report, "RATIO-002", (*path, "share"), figure.share, Approx.money(figure.amount),
                 Approx.money(parent.amount), f"{label}占“{parent.label}”的比例", f"{figure.amount} ÷ {parent.amount}")
    if figure.growth is not None and figure.amount is not None:
        if figure.previous is not None:
            change = Approx.money(figure.amount) - Approx.money(figure.previous)
            previous = Approx.money(figure.previous)
            terms = f"({figure.amount} − {figure.previous}) ÷ {figure.previous}"
        elif figure.change is not None:
            change = Approx.money(figure.change)
            previous = Approx.money(figure.amount) - change
            terms = f"{figure.change} ÷ ({figure.amount} − {figure.change})"
        else:
            change = previous = None
        if change is not None and previous is not None:
            _compare(report, "RATIO-003", (*path, "growth"), figure.growth, change, previous, f"{label}的增长率", terms)
    if figure.completion is not None and figure.amount is not None and figure.initial is not None:
        _compare(report, "RATIO-004", (*path, "completion"), figure.completion, Approx.money(figure.amount),
                 Approx.money(figure.initial), f"{label}完成年初预算的比例", f"{figure.amount} ÷ {figure.initial}")
    if figure.execution_rate is not None and figure.amount is not None and figure.adjusted is not None:
        _compare(report, "RATIO-001", (*path, "execution_rate"), figure.execution_rate, Approx.money(figure.amount),
                 Approx.money(figure.adjusted), f"{label}的预算执行率", f"{figure.amount} ÷ {figure.adjusted}")
    for i, part in enumerate(figure.parts):
        _figure(part, figure, (*path, "parts", i), report)


def _coverage(summary, report: Reporter) -> None:
    """全南's 比例 = evaluated projects' budget ÷ the department's project budget (its printed
    formula). When every project was evaluated (evaluated count = project count) the two are
    the same sum and the ratio must be 100%; otherwise the stated total is the denominator."""
    adjusted = [row.adjusted for row in summary.rows]
    if any(v is None for v in adjusted):
        return
    evaluated = Approx.exact(Decimal(0))
    for value in adjusted:
        evaluated = evaluated + Approx.money(value)
    total = summary.total
    if total.evaluated_count is not None and total.evaluated_count == total.project_count:
        denominator, terms = evaluated, f"全部 {total.project_count} 个项目均已自评：{evaluated.value} ÷ {evaluated.value}"
    elif total.adjusted is not None:
        denominator, terms = Approx.money(total.adjusted), f"{evaluated.value} ÷ {total.adjusted}"
    else:
        return
    _compare(report, "RATIO-005", ("project_summary", "total", "coverage"), total.coverage, evaluated,
             denominator, "汇总表所列自评项目预算占比", terms)


def _compare(report: Reporter, rule_id: str, path: DataPath, stated: Percent, numerator: Approx,
             denominator: Approx, what: str, terms: str) -> None:
    computed = ratio_percent(numerator, denominator)
    if computed is None:
        return
    verdict = compare_percent(stated.value, stated.places, computed)
    if verdict is Verdict.CONSISTENT:
        return
    shown = round_to(computed[0], max(2, stated.places))
    difference = stated.value - round_to(computed[0], stated.places)
    if verdict is Verdict.ROUNDING:
        message = f"{what}为 {stated.text}，按 {terms} 计算为 {shown}%，差异在所用数字的取整误差之内。"
        severity = "notice"
    elif rule_id == "RATIO-001" and stated.value == 100 and computed[0] > 100:
        # Scoring caps execution at 100% (财预〔2020〕10号), and some tables print the cap.
        message = f"{what}为 {stated.text}，但 {terms} = {shown}%（超过 100%，表中可能按计分上限填列）。"
        severity = "warning"
    else:
        message = f"{what}为 {stated.text}，但 {terms} = {shown}%。"
        severity = None
    report.add(rule_id, path, declared=stated.text, computed=f"{shown}%", difference=f"{signed(difference)} 个百分点",
               message=message, severity=severity)
