"""XREF family: the same quantity stated in two places of one document.

Summary table against the project tables it summarises, stated figures against summary rows of
the same name, and the narrative (情况说明) against the structured data: amounts, total scores
and the count of projects per grade. Source: plain consistency — one quantity, one value.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from decimal import Decimal

from ..model.documents import Evaluation, Figure, FundingRow, ProjectSummary, SummaryRow
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import Approx, Verdict, compare_amounts, fmt, places, round_to
from .context import COLUMN_NAMES, Reporter, evaluations, funding_total, signed
from .prose import Passage, amounts, narratives
from .scores import grade_for, normal_grade

FIGURE_MONEY = ("amount", "initial", "adjusted", "previous", "change")
FUNDING_MONEY = ("initial", "adjusted", "received", "executed")
SUMMARY_MONEY = ("initial", "supplementary", "adjusted", "executed")
CHINESE_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
GRADE_COUNT = re.compile(r"(\d+|[一两二三四五六七八九十]{1,3})\s*个\s*[“\"]?(优秀|良好|中等|较差|优|良|中|差)(?![好秀等])")
TOTAL_SCORE = re.compile(r"自评(?:总分|得分|分数)?(?:为|是|：|:)?\s*(\d+(?:\.\d+)?)\s*分")


def check(doc: LoadedDocument, report: Reporter) -> None:
    summary = getattr(doc.model, "project_summary", None)
    projects: list[Evaluation] = list(getattr(doc.model, "projects", []))
    if summary is not None:
        _summary_vs_projects(summary, projects, report)
        _figures_vs_summary(doc, summary.rows, report)
    values = stated_amounts(doc)
    # A narrative beside standard tables is read sentence by sentence against the cells it
    # describes (TABLE-006/007); the amounts no table prints by design (an item's 年初预算,
    # procurement) are no finding there, so the looser search for any stated amount stays off.
    loose_amounts = not getattr(doc.model, "tables", None)
    for passage in narratives(doc):
        if loose_amounts:
            _narrative_amounts(passage, values, report)
        _narrative_scores(doc, passage, report)
        if passage.path == ("narrative",) and projects:
            _grade_counts(passage, projects, report)


def stated_amounts(doc: LoadedDocument) -> list[tuple[Decimal, DataPath, str]]:
    """Every money value of the document's structured data: (value, data path, label)."""
    found: list[tuple[Decimal, DataPath, str]] = []
    for path, item in _flat_figures(doc.model.figures, ("figures",)):
        for column in FIGURE_MONEY:
            if (value := getattr(item, column)) is not None:
                found.append((value, (*path, column), item.label))
    for path, evaluation in evaluations(doc):
        for j, row in enumerate(evaluation.funding):
            for column in FUNDING_MONEY:
                if (value := getattr(row, column)) is not None:
                    found.append((value, (*path, "funding", j, column), f"{evaluation.name}·{row.label}"))
    summary = getattr(doc.model, "project_summary", None)
    if summary is not None:
        for j, row in enumerate(summary.rows):
            for column in SUMMARY_MONEY:
                if (value := getattr(row, column)) is not None:
                    found.append((value, ("project_summary", "rows", j, column), row.name))
        for column in ("initial", "adjusted", "executed"):
            if summary.total is not None and (value := getattr(summary.total, column)) is not None:
                found.append((value, ("project_summary", "total", column), summary.total.label))
    for i, table in enumerate(getattr(doc.model, "tables", [])):  # the standard tables are structured data too
        for j, row in enumerate(table.rows):
            found += [(value, ("tables", i, "rows", j, key), f"{table.title}·{row.name}") for key, value in row.cells.items()]
    return found


def _key(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _normal_name(name: str) -> str:
    return re.sub(r"[\s“”\"'‘’（）()《》、，,。]", "", name)


def _summary_vs_projects(summary: ProjectSummary, projects: list[Evaluation], report: Reporter) -> None:
    by_slug = {p.slug: (i, p) for i, p in enumerate(projects)}
    by_name = {_normal_name(p.name): (i, p) for i, p in enumerate(projects)}
    for r, row in enumerate(summary.rows):
        match = by_slug.get(row.project or "") or by_name.get(_normal_name(row.name))
        if match is None:
            continue
        _, project = match
        total = funding_total(project)
        for column in ("adjusted", "executed"):
            stated, detail = getattr(row, column), getattr(total, column, None) if total else None
            if stated is None or detail is None:
                continue
            if compare_amounts(Approx.money(stated), Approx.money(detail)) is Verdict.INCONSISTENT:
                report.add("XREF-001", ("project_summary", "rows", r, column),
                           declared=report.money(stated), computed=report.money(detail),
                           difference=signed(stated - detail),
                           message=f"汇总表“{row.name}”的{COLUMN_NAMES[column]}为 {stated}，"
                                   f"该项目自评表为 {detail}。")
        _summary_score(summary.score_column, r, row, project, total, report)
        if row.grade and project.grade and normal_grade(row.grade) != normal_grade(project.grade):
            report.add("XREF-001", ("project_summary", "rows", r, "grade"),
                       declared=row.grade, computed=project.grade, difference="",
                       message=f"汇总表“{row.name}”的自评等级为“{row.grade}”，该项目自评表为“{project.grade}”。")


def _summary_score(column: str, r: int, row: SummaryRow, project: Evaluation, total: FundingRow | None,
                   report: Reporter) -> None:
    """The row's 得分 against the project's total, or its execution score (``score_column``)."""
    if row.score is None:
        return
    if column == "total":
        detail, what = project.total_score, "自评总分"
    else:
        detail, what = (total.score if total else None), "预算执行率得分"
    if detail is None or row.score == detail:
        return
    report.add("XREF-001", ("project_summary", "rows", r, "score"),
               declared=f"{fmt(row.score)} 分", computed=f"{fmt(detail)} 分", difference=signed(row.score - detail),
               message=f"汇总表“{row.name}”的得分为 {fmt(row.score)}，该项目自评表的{what}为 {fmt(detail)}。")


def _flat_figures(figures: list[Figure], path: DataPath) -> Iterator[tuple[DataPath, Figure]]:
    for i, item in enumerate(figures):
        yield (*path, i), item
        yield from _flat_figures(item.parts, (*path, i, "parts"))


def _figures_vs_summary(doc: LoadedDocument, rows: list, report: Reporter) -> None:
    """A figure named like a summary row states the same project's amount: they must agree."""
    by_name = {_normal_name(row.name): row for row in rows}
    for path, item in _flat_figures(doc.model.figures, ("figures",)):
        row = by_name.get(_normal_name(item.label))
        if row is None:
            continue
        for column in ("initial", "adjusted"):
            stated, other = getattr(item, column), getattr(row, column)
            if stated is None or other is None:
                continue
            if compare_amounts(Approx.money(stated), Approx.money(other)) is Verdict.INCONSISTENT:
                report.add("XREF-002", (*path, column), declared=report.money(stated),
                           computed=report.money(other), difference=signed(stated - other),
                           message=f"“{item.label}”的{COLUMN_NAMES[column]}在此为 {stated}，"
                                   f"项目汇总表中为 {other}。")


def _narrative_amounts(passage: Passage, values: list[tuple[Decimal, DataPath, str]], report: Reporter) -> None:
    if not values:
        return
    exact = {_key(v) for v, _, _ in values}
    for amount in amounts(passage.text):
        if amount.unit != report.unit or amount.value == 0:
            continue
        if _derivable(amount.value, values, exact):
            continue
        nearest, _, label = min(values, key=lambda item: (abs(item[0] - amount.value), item[1]))
        report.add("XREF-003", passage.path, at=passage.locate(amount.start),
                   declared=report.money(amount.value), computed=report.money(nearest),
                   difference=signed(amount.value - nearest),
                   message=f"叙述中的“{passage.excerpt(amount.start, amount.end)}”在表格数据中找不到，"
                           f"也不是其中两数之和或差；最接近的是“{label}” {nearest}。")


def _derivable(value: Decimal, values: list[tuple[Decimal, DataPath, str]], exact: set[Decimal]) -> bool:
    """Stated (at the narrative's precision), or the sum or difference of two stated values."""
    n = places(value)
    if n < 2 and any(round_to(v, n) == value for v, _, _ in values):
        return True
    key = _key(value)
    if key in exact:
        return True
    return any(_key(key - v) in exact or _key(v - key) in exact for v, _, _ in values)


def _narrative_scores(doc: LoadedDocument, passage: Passage, report: Reporter) -> None:
    """“自评得分89.2分” against the total scores the narrative can mean: the department-wide
    table's and the summary table's (its 合计 or average) for the document's narrative, the
    project's own table for a project narrative."""
    if passage.path == ("narrative",):
        department = getattr(doc.model, "department_wide", None)
        summary = getattr(doc.model, "project_summary", None)
        candidates = [(department.total_score, f"“{department.name}”自评表的总分")] if department else []
        if summary is not None and summary.total is not None:
            candidates += [(summary.total.score, "项目汇总表的合计得分"), (summary.total.average_score, "项目汇总表的平均分")]
    else:
        project = doc.model.projects[passage.path[1]]  # type: ignore[union-attr]
        candidates = [(project.total_score, f"“{project.name}”自评表的总分")]
    stated = [(score, where) for score, where in candidates if score is not None]
    if not stated:
        return
    for match in TOTAL_SCORE.finditer(passage.text):
        written = Decimal(match.group(1))
        if any(written == round_to(score, places(written)) or round_to(written, places(score)) == score
               for score, _ in stated):
            continue
        score, where = stated[0]
        report.add("XREF-004", passage.path, at=passage.locate(match.start(1)),
                   declared=f"{fmt(written)} 分", computed=f"{fmt(score)} 分", difference=signed(written - score),
                   message=f"叙述中写“{passage.excerpt(match.start(), match.end())}”，"
                           + "，".join(f"{w}为 {fmt(v)}" for v, w in stated) + "。")


def _grade_counts(passage: Passage, projects: list[Evaluation], report: Reporter) -> None:
    """“9个优，1个中，1个差” against the grades of the project tables."""
    matches = list(GRADE_COUNT.finditer(passage.text))
    if not matches:
        return
    table: Counter[str] = Counter()
    for project in projects:
        grade = normal_grade(project.grade or "") or (grade_for(project.total_score) if project.total_score is not None else None)
        if grade:
            table[grade] += 1
    written: Counter[str] = Counter()
    for match in matches:
        number = match.group(1)
        written[normal_grade(match.group(2)) or match.group(2)] += int(number) if number.isdigit() else _chinese_number(number)
    if written == table:
        return
    def say(counts: Counter[str]) -> str:
        return "，".join(f"{counts[g]}个{g}" for g in "优良中差" if counts[g]) or "无"
    report.add("XREF-005", passage.path, at=passage.locate(matches[0].start()),
               declared=say(written), computed=say(table), difference="",
               message=f"叙述中写“{say(written)}”，{len(projects)} 张项目自评表的等级为“{say(table)}”。")


def _chinese_number(text: str) -> int:
    if text == "十":
        return 10
    if text.startswith("十"):
        return 10 + CHINESE_DIGITS[text[1]]
    if len(text) == 3 or text.endswith("十"):
        return CHINESE_DIGITS[text[0]] * 10 + (CHINESE_DIGITS[text[2]] if len(text) == 3 else 0)
    return CHINESE_DIGITS[text[0]]
