"""A document's key figures for charts and comparisons: stated where the document states
them, computed (and said to be computed) where it only implies them."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..check.scores import GRADE_BANDS, grade_for, normal_grade
from ..model.documents import Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath

HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)  # slots: a build parent keeps every document's (``render.slim``)
class Value:
    """A key figure: its value, where it comes from, and whether the document states it."""

    value: Decimal
    path: DataPath | None
    stated: bool


@dataclass(frozen=True, slots=True)
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
    """The document's key figures; a slim document carries them (``render.slim``: the charts
    comparing units read those of every document, and its model is rebuilt from bytes on reading)."""
    carried = getattr(doc, "key_figures", None)
    if carried is not None:
        return carried
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


@dataclass(frozen=True)
class Headline:
    """A figure shown first on a document's page: label, value as text, its unit, whether
    the document states it (else computed, and said to be), a note, and the data path a
    finding would name (to flag it)."""

    label: str
    text: str
    unit: str
    stated: bool
    note: str = ""
    path: DataPath | None = None


def _money(model, value: Value | None, label: str) -> Headline | None:
    """A stated amount under the document's own label (收入合计, 全年实际支出 …) when it is one of
    its figures, under ``label`` when it is a cell of a standard table (a 合计 row), in the
    money unit of where it is printed."""
    if value is None:
        return None
    where, index = value.path[0], value.path[1]
    if where == "figures":
        label, unit = model.figures[index].label, model.money_unit
    else:
        unit = model.tables[index].money_unit
    return Headline(label, format(value.value, ","), unit, value.stated, path=value.path)


def _grades(projects) -> str:
    """``优 4、良 2``: the projects' grades as stated, else by the score bands of 财预〔2020〕10号."""
    counts: dict[str, int] = {}
    for project in projects:
        grade = (normal_grade(project.grade) if project.grade else None) or \
            (grade_for(project.total_score) if project.total_score is not None else None)
        if grade:
            counts[grade] = counts.get(grade, 0) + 1
    return "、".join(f"{grade} {counts[grade]}" for _, grade in GRADE_BANDS if grade in counts)


def headline(doc: LoadedDocument) -> list[Headline]:
    """What a reader asks first, in this order: revenue, expenditure, 三公经费 (budgets and
    final accounts); budget execution rate, the department-wide score and grade, the
    projects' average score and grades (self-evaluations). Only what the document states or
    implies; an empty list when it has none of them."""
    model = doc.model
    figures = key_figures(doc)
    found = [_money(model, figures.revenue, "本年收入合计"), _money(model, figures.expenditure, "本年支出合计"),
             _money(model, figures.three_public, "“三公”经费支出合计")]
    if model.kind == "self_evaluation":
        rate = figures.execution_rate
        if rate is not None:
            path = rate.path if rate.stated else None
            text = model.figures[path[1]].execution_rate.text.rstrip("%％") if path else format(rate.value, "f")
            found.append(Headline("预算执行率", text, "%", rate.stated, path=path))
        department = getattr(model, "department_wide", None)
        if department is not None and department.total_score is not None:
            grade = department.grade or f"{grade_for(department.total_score)}（按分数）"
            found.append(Headline("部门整体自评得分", format(department.total_score, "f"), "分", True, f"等级 {grade}",
                                  ("department_wide", "total_score")))
        projects = [p for p in getattr(model, "projects", []) if p.total_score is not None]
        if figures.average_score is not None:
            found.append(Headline("项目平均得分", format(figures.average_score.value, "f"), "分", False,
                                  f"{len(projects)} 个项目：{_grades(projects)}"))
    return [h for h in found if h is not None]
