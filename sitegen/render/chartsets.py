"""Which charts each page kind shows, built from the model, its findings and key figures."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from decimal import Decimal
from itertools import count

from ..model.documents import Evaluation
from ..model.tables import StandardTable
from ..model.portal import LoadedDocument, LoadedUnit
from . import charts
from .charts import Bar, Chart
from .formatting import money
from .keyfigures import key_figures
from ..plugins import kind_label
from .views import Marks

GROUPS = ("产出指标", "效益指标", "满意度指标", "预算执行率")


def points(value: Decimal) -> str:
    return format(value, "f")


def percent(value: Decimal) -> str:
    return f"{format(value, 'f')}%"


def _ids() -> Iterator[str]:
    return (f"chart-{n}" for n in count(1))


def document_charts(doc: LoadedDocument, marks: Marks) -> list[Chart]:
    model, unit, ids = doc.model, doc.model.money_unit, _ids()
    found: list[Chart | None] = list(_table_charts(getattr(model, "tables", []), ids, marks))
    roots = [(("figures", i), f) for key in ("revenue", "expenditure") for i, f in enumerate(model.figures) if f.key == key]
    found.append(charts.hierarchy(next(ids), f"收支结构（{unit}）", unit, roots, marks, money))
    for i, figure in enumerate(model.figures):
        if figure.key in ("functional", "general_public_expenditure") and figure.parts:
            bars = [Bar(p.label, (p.initial, p.amount), (("figures", i, "parts", j, "initial"), ("figures", i, "parts", j, "amount")),
                        f"完成年初预算 {p.completion.text}" if p.completion else "") for j, p in enumerate(figure.parts)]
            series = ("年初预算数", "决算数" if model.kind == "final_accounts" else "预算数")
            found.append(charts.bar_chart(next(ids), f"{figure.label}：按功能分类（{unit}）", unit, series, bars, marks, money))
        if figure.key == "three_public":
            parts = [(("figures", i), figure)] + [(("figures", i, "parts", j), p) for j, p in enumerate(figure.parts)]
            bars = [Bar(f.label, (f.adjusted, f.amount), ((*path, "adjusted"), (*path, "amount"))) for path, f in parts]
            found.append(charts.bar_chart(next(ids), f"“三公”经费预算与支出（{unit}）", unit, ("全年预算数", "实际支出"), bars, marks, money))
    projects: list[Evaluation] = list(getattr(model, "projects", []))
    summary = getattr(model, "project_summary", None)
    if summary is not None:
        bars = [Bar(r.name, (r.adjusted, r.executed), (("project_summary", "rows", i, "adjusted"), ("project_summary", "rows", i, "executed")),
                    _rate_note(r.adjusted, r.executed)) for i, r in enumerate(summary.rows)]
    else:
        bars = [_funding_bar(p, ("projects", i)) for i, p in enumerate(projects)]
    found.append(charts.bar_chart(next(ids), f"各项目预算与执行（{unit}）", unit, ("全年预算数", "全年执行数"), bars, marks, money))
    evaluations = ([("department_wide",)] if getattr(model, "department_wide", None) else []) + [("projects", i) for i in range(len(projects))]
    tables = [(path, model.department_wide if path == ("department_wide",) else projects[path[1]]) for path in evaluations]
    found.append(_group_chart(next(ids), "各类指标得分与分值（全部绩效表合计，分）", [e for _, e in tables]))
    scored = sorted(((i, p) for i, p in enumerate(projects) if p.total_score is not None), key=lambda ip: (-ip[1].total_score, ip[0]))
    found.append(charts.bar_chart(next(ids), "各项目自评得分排名（分）", "分", ("自评得分",),
                                  [Bar(p.name, (p.total_score,), (("projects", i, "total_score"),), p.grade or "",
                                       charts.GRADE_COLOURS.get((p.grade or "")[:1])) for i, p in scored], marks, points))
    department = getattr(model, "department_wide", None)
    if department is not None and not projects:
        found.append(_indicator_chart(next(ids), "部门整体绩效指标得分与分值（分）", department, ("department_wide",), marks))
    return [c for c in found if c is not None]


def _table_charts(tables: list[StandardTable], ids: Iterator[str], marks: Marks) -> Iterator[Chart | None]:
    """Charts read from the standard tables where the document has them: expenditure by
    功能分类 类 and 基本 vs 项目 per class (支出决算表, else 一般公共预算财政拨款支出决算表), and
    “三公”经费 budget vs actual (七). Blank cells are no bar, not zero."""
    by_id = {table.id: (i, table) for i, table in enumerate(tables)}
    for table_id in ("expenditure", "general_public_expenditure", "budget_expenditure", "budget_general_public_expenditure"):
        if table_id in by_id:
            i, table = by_id[table_id]
            classes = [(j, row) for j, row in enumerate(table.rows) if row.level == "类"]
            if not classes:
                continue
            unit = table.money_unit
            path = lambda j, key: ("tables", i, "rows", j, key)  # noqa: E731
            yield charts.bar_chart(next(ids), f"{table.title}：按功能分类（类，{unit}）", unit, ("合计",),
                                   [Bar(row.name, (row.cells.get("total"),), (path(j, "total"),), row.code or "") for j, row in classes],
                                   marks, money)
            if table.column("basic") and table.column("project"):
                yield charts.bar_chart(next(ids), f"基本支出与项目支出：按功能分类（类，{unit}）", unit, ("基本支出", "项目支出"),
                                       [Bar(row.name, (row.cells.get("basic"), row.cells.get("project")),
                                            (path(j, "basic"), path(j, "project")), row.code or "") for j, row in classes],
                                       marks, money)
            break
    for table_id in ("three_public", "budget_three_public"):
        if table_id in by_id:
            i, table = by_id[table_id]
            keys = [column.key for column in table.columns if column.key in ("budget", "actual")]
            if not keys or table.empty:
                continue
            names = {"budget": "预算数", "actual": "决算数"}
            bars = [Bar(f"{row.group}：{row.name}" if row.group and row.name in ("小计", "合计") else row.name,
                        tuple(row.cells.get(key) for key in keys), tuple(("tables", i, "rows", j, key) for key in keys))
                    for j, row in enumerate(table.rows)]
            yield charts.bar_chart(next(ids), f"“三公”经费预算与决算（{table.money_unit}）", table.money_unit,
                                   tuple(names[key] for key in keys), bars, marks, money)


def _rate_note(budget: Decimal | None, executed: Decimal | None) -> str:
    if budget and executed is not None:
        return f"执行率 {format((executed / budget * 100).quantize(Decimal('0.01')), 'f')}%（计算）"
    return ""


def _funding_bar(project: Evaluation, path: tuple) -> Bar:
    for i, row in enumerate(project.funding):
        if row.key == "total":
            budget = row.adjusted if row.adjusted is not None else row.initial
            note = f"执行率 {row.execution_rate.text}" if row.execution_rate else _rate_note(budget, row.executed)
            return Bar(project.name, (budget, row.executed), ((*path, "funding", i, "adjusted"), (*path, "funding", i, "executed")), note)
    return Bar(project.name, (None, None))


def _group_chart(chart_id: str, title: str, evaluations: list[Evaluation]) -> Chart | None:
    """Weight and score totals per level-1 group across performance tables (computed sums)."""
    weights: dict[str, Decimal] = defaultdict(Decimal)
    scores: dict[str, Decimal] = defaultdict(Decimal)
    for evaluation in evaluations:
        for ind in evaluation.indicators:
            group = next((g for g in GROUPS if g[:2] in (ind.level1 or "")), ind.level1 or "其他")
            weights[group] += ind.weight or 0
            scores[group] += ind.score or 0
        for row in evaluation.funding:
            if row.key == "total" and row.weight is not None:
                weights["预算执行率"] += row.weight
                scores["预算执行率"] += row.score or 0
    bars = [Bar(group, (weights[group], scores[group]), (), "合计（计算）") for group in sorted(weights, key=lambda g: (g not in GROUPS, GROUPS.index(g) if g in GROUPS else 0, g))
            if weights[group] or scores[group]]
    return charts.bar_chart(chart_id, title, "分", ("分值", "得分"), bars, Marks([]), points)


def _indicator_chart(chart_id: str, title: str, evaluation: Evaluation, path: tuple, marks: Marks) -> Chart | None:
    bars = [Bar(ind.name or ind.level2 or "", (ind.weight, ind.score), ((*path, "indicators", i, "weight"), (*path, "indicators", i, "score")),
                ind.level1 or "") for i, ind in enumerate(evaluation.indicators)]
    return charts.bar_chart(chart_id, title, "分", ("分值", "得分"), bars, marks, points)


def project_charts(doc: LoadedDocument, index: int, project: Evaluation, marks: Marks) -> list[Chart]:
    unit, ids, path = doc.model.money_unit, _ids(), ("projects", index)
    bars = [Bar(r.label, (r.initial, r.adjusted if r.adjusted is not None else r.received, r.executed),
                tuple((*path, "funding", i, c) for c in ("initial", "adjusted", "executed")),
                f"执行率 {r.execution_rate.text}" if r.execution_rate else "") for i, r in enumerate(project.funding)]
    found = [charts.bar_chart(next(ids), f"预算与执行（{unit}）", unit, ("年初预算数", "全年预算数", "全年执行数"), bars, marks, money),
             _group_chart(next(ids), "各类指标得分与分值（分）", [project]),
             _indicator_chart(next(ids), "各指标得分与分值（分）", project, path, marks)]
    return [c for c in found if c is not None]


def unit_charts(unit: LoadedUnit) -> list[Chart]:
    """Key figures across the unit's years, oldest first."""
    ids = _ids()
    money_bars, rate_bars, score_bars = [], [], []
    for doc in sorted(unit.documents, key=lambda d: (d.year, d.kind)):
        figures = key_figures(doc)
        label = f"{doc.year}年{kind_label(doc.kind)}"
        if figures.revenue or figures.expenditure:
            money_bars.append(Bar(label, (figures.revenue and figures.revenue.value, figures.expenditure and figures.expenditure.value)))
        if figures.execution_rate:
            rate_bars.append(Bar(label, (figures.execution_rate.value,), (), "文件所列" if figures.execution_rate.stated else "计算值"))
        if figures.average_score:
            score_bars.append(Bar(label, (figures.average_score.value,), (), "项目平均分（计算值）"))
    none = Marks([])
    found = [charts.bar_chart(next(ids), "历年收入与支出（万元）", "万元", ("收入合计", "支出合计"), money_bars, none, money),
             charts.bar_chart(next(ids), "历年预算执行率（%）", "%", ("预算执行率",), rate_bars, none, percent),
             charts.bar_chart(next(ids), "历年项目平均自评得分（分）", "分", ("平均得分",), score_bars, none, points)]
    return [c for c in found if c is not None]


# A bar per unit stays readable up to about this many; a place with more compares its parts' pages.
MAX_COMPARED_UNITS = 50


def comparison_charts(units: list[LoadedUnit]) -> list[Chart]:
    """Units of the same year and level side by side, for every (year, level) with two to
    ``MAX_COMPARED_UNITS`` of them (home page and place pages)."""
    ids = _ids()
    # The groups compared are found from the units' names and years first: a province's home
    # page holds thousands of units in every group and compares none, and a rebuild makes it again.
    placed, names = [], defaultdict(set)
    for unit in units:
        level, name, years = unit.model.level, unit.model.short_name or unit.model.name, {doc.year for doc in unit.documents}
        placed.append((unit, level, name, years))
        for year in years:
            names[(year, level)].add(name)
    compared = {group for group, found in names.items() if 2 <= len(found) <= MAX_COMPARED_UNITS}
    groups: dict[tuple[int, str], list[tuple[str, LoadedDocument]]] = defaultdict(list)
    for unit, level, name, years in placed:
        if any((year, level) in compared for year in years):
            for doc in unit.documents:
                if (doc.year, level) in compared:
                    groups[(doc.year, level)].append((name, doc))
    found = []
    for (year, level), entries in sorted(groups.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        rates, scores, three = [], [], []
        for name, doc in sorted(entries, key=lambda e: e[0]):
            figures = key_figures(doc)
            if figures.execution_rate:
                rates.append(Bar(name, (figures.execution_rate.value,), (), "文件所列" if figures.execution_rate.stated else "计算值"))
            if figures.average_score:
                scores.append(Bar(name, (figures.average_score.value,), (), "项目平均分（计算值）"))
            if figures.three_public:
                three.append(Bar(name, (figures.three_public.value,)))
        none = Marks([])
        for title, axis, series, bars, show in (
                (f"{year}年{level}级单位预算执行率（%）", "%", "预算执行率", rates, percent),
                (f"{year}年{level}级单位项目平均自评得分（分）", "分", "平均得分", scores, points),
                (f"{year}年{level}级单位“三公”经费（万元）", "万元", "“三公”经费", three, money)):
            if len(bars) >= 2:  # a comparison needs two units
                found.append(charts.bar_chart(next(ids), title, axis, (series,), bars, none, show))
    return [c for c in found if c is not None]
