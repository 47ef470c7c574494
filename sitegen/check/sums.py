"""SUM family: stated totals against the sum of their stated parts (plain arithmetic)."""
from __future__ import annotations

from decimal import Decimal

from ..model.documents import Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import Approx, Verdict, compare_amounts
from .context import COLUMN_NAMES, Reporter, evaluations, signed

FIGURE_COLUMNS = ("amount", "initial", "adjusted", "previous", "change")
FUNDING_COLUMNS = ("initial", "adjusted", "received", "executed")
SUMMARY_COLUMNS = ("initial", "adjusted", "executed", "score")


def check(doc: LoadedDocument, report: Reporter) -> None:
    for i, figure in enumerate(doc.model.figures):
        _figure(figure, ("figures", i), report)
    for path, evaluation in evaluations(doc):
        _funding(evaluation.funding, (*path, "funding"), report)
    summary = getattr(doc.model, "project_summary", None)
    if summary is not None and summary.total is not None:
        for column in SUMMARY_COLUMNS:
            stated = getattr(summary.total, column)
            values = [getattr(row, column) for row in summary.rows]
            if stated is None or any(v is None for v in values):
                continue
            _compare_sum("SUM-002", ("project_summary", "total", column), stated, values,
                         f"汇总表“{COLUMN_NAMES[column]}”列", report, under_is_warning=False)


def _figure(figure: Figure, path: DataPath, report: Reporter) -> None:
    if figure.parts:
        for column in FIGURE_COLUMNS:
            stated = getattr(figure, column)
            values = [getattr(part, column) for part in figure.parts]
            if stated is None or any(v is None for v in values):
                continue
            name = f"“{figure.label}”" + (f"的{COLUMN_NAMES[column]}" if COLUMN_NAMES[column] else "")
            _compare_sum("SUM-001", (*path, column), stated, values, name, report, under_is_warning=True)
    if figure.amount is not None and figure.previous is not None and figure.change is not None:
        computed = Approx.money(figure.amount) - Approx.money(figure.previous)
        verdict = compare_amounts(Approx.money(figure.change), computed)
        if verdict is not Verdict.CONSISTENT:
            report.add("SUM-004", (*path, "change"), declared=report.money(figure.change),
                       computed=report.money(computed.value), difference=signed(figure.change - computed.value),
                       severity="notice" if verdict is Verdict.ROUNDING else None,
                       message=f"“{figure.label}”本年 {figure.amount} 减上年 {figure.previous} 为 "
                               f"{computed.value}，文件所列增减额为 {figure.change}。")
    for i, part in enumerate(figure.parts):
        _figure(part, (*path, "parts", i), report)


def _funding(rows: list, path: DataPath, report: Reporter) -> None:
    totals = [(i, row) for i, row in enumerate(rows) if row.key == "total"]
    if not totals:
        return
    index, total = totals[0]
    for part_keys in (("fiscal", "carryover", "other"), ("basic", "project")):
        parts = [row for row in rows if row.key in part_keys]
        if not parts:
            continue
        for column in FUNDING_COLUMNS:
            stated = getattr(total, column)
            values = [getattr(row, column) for row in parts]
            present = [v for v in values if v is not None]
            # Blank 其他/上年结转 cells mean zero; a table with no part stated says nothing.
            if stated is None or not present:
                continue
            _compare_sum("SUM-003", (*path, index, column), stated, present,
                         f"“{total.label}”的{COLUMN_NAMES[column]}", report, under_is_warning=False)


def _compare_sum(rule_id: str, path: DataPath, stated: Decimal, values: list[Decimal], name: str,
                 report: Reporter, *, under_is_warning: bool) -> None:
    computed = Approx.exact(Decimal(0))
    for value in values:
        computed = computed + Approx.money(value)
    verdict = compare_amounts(Approx.money(stated), computed)
    if verdict is Verdict.CONSISTENT:
        return
    difference = stated - computed.value
    if len(values) == 1 and under_is_warning and difference >= 0:
        return  # one 其中 item is a part, not a breakdown: it need only not exceed its total
    if verdict is Verdict.ROUNDING:
        severity = "notice"
        message = f"{name}为 {stated}，{len(values)} 个分项之和为 {computed.value}，差额 {signed(difference)} 在取整误差范围内（尾差）。"
    else:
        severity = "warning" if under_is_warning and difference > 0 else None
        message = f"{name}为 {stated}，但 {len(values)} 个分项之和为 {computed.value}，相差 {signed(difference)}。"
    report.add(rule_id, path, declared=report.money(stated), computed=report.money(computed.value),
               difference=signed(difference), message=message, severity=severity)
