"""A document's key figures for charts and comparisons: stated where the document states
them, computed (and said to be computed) where it only implies them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..model.documents import Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Value:
    """A key figure: its value, where it comes from, and whether the document states it."""

    value: Decimal
    path: DataPath | None
    stated: bool


@dataclass(frozen=True)
class KeyFigures:
    revenue: Value | None = None
    expenditure: Value | None = None
    execution_rate: Value | None = None  # percent
    average_score: Value | None = None   # points, always computed
    three_public: Value | None = None


def _keyed(figures: list[Figure], key: str) -> Value | None:
    for i, figure in enumerate(figures):
        if figure.key == key and figure.amount is not None:
            return Value(figure.amount, ("figures", i, "amount"), True)
    return None


def _printed(doc: LoadedDocument, table_id: str, name: str, side: str | None, key: str) -> Value | None:
    """A cell of a standard table (收入支出决算总表's 本年收入合计, 七's 合计 决算数), when printed."""
    for i, table in enumerate(getattr(doc.model, "tables", [])):
        if table.id == table_id:
            for j, row in enumerate(table.rows):
                if row.name == name and row.side == side and key in row.cells:
                    return Value(row.cells[key], ("tables", i, "rows", j, key), True)
    return None


def _rate(executed: Decimal, budget: Decimal) -> Decimal | None:
    if not budget:
        return None
    return (executed / budget * HUNDRED).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _execution_rate(doc: LoadedDocument) -> Value | None:
    model = doc.model
    for i, figure in enumerate(model.figures):
        if figure.key == "department_budget" and figure.execution_rate is not None:
            return Value(figure.execution_rate.value, ("figures", i, "execution_rate"), True)
    summary = getattr(model, "project_summary", None)
    if summary is not None and summary.rows:
        total = summary.total
        if total is not None and total.adjusted is not None and total.executed is not None:
            rate = _rate(total.executed, total.adjusted)
            return None if rate is None else Value(rate, ("project_summary", "total", "executed"), False)
        if all(r.adjusted is not None and r.executed is not None for r in summary.rows):
            rate = _rate(sum((r.executed for r in summary.rows), Decimal(0)), sum((r.adjusted for r in summary.rows), Decimal(0)))
            return None if rate is None else Value(rate, None, False)
    department = getattr(model, "department_wide", None)
    for row in department.funding if department is not None else []:
        spent = row.executed if row.executed is not None else row.received
        if row.key == "total" and spent is not None and row.adjusted:
            return Value(_rate(spent, row.adjusted), None, False)
    return None


def key_figures(doc: LoadedDocument) -> KeyFigures:
    model = doc.model
    scores = [p.total_score for p in getattr(model, "projects", []) if p.total_score is not None]
    average = Value((sum(scores, Decimal(0)) / len(scores)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), None, False) \
        if scores else None
    return KeyFigures(
        revenue=_keyed(model.figures, "revenue") or _printed(doc, "income_expenditure_summary", "本年收入合计", "income", "income"),
        expenditure=(_keyed(model.figures, "expenditure")
                     or _printed(doc, "income_expenditure_summary", "本年支出合计", "expenditure", "expenditure")),
        execution_rate=_execution_rate(doc) if model.kind == "self_evaluation" else None,
        average_score=average,
        three_public=_keyed(model.figures, "three_public") or _printed(doc, "three_public", "合计", None, "actual"),
    )
