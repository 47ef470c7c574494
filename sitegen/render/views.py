"""View models: the model and its findings turned into rows and cells ready to print.

Templates only loop and print; every decision about which columns exist, what a cell
shows and which finding marks it is made here.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from ..check import Finding
from ..check.rules import SEVERITY_ORDER
from ..content.files import relative_file
from ..model import labels
from ..model.documents import Evaluation, Figure, FundingRow, Indicator, ProjectSummary, SummaryRow, SummaryTotal
from ..model.source import DataPath
from ..model.tables import StandardTable
from .formatting import display


@dataclass
class Cell:
    """A printed cell: its text, whether it is a figure (right-aligned), the findings it is
    involved in, and the page it links to (output-relative, or ``None``)."""

    text: str
    numeric: bool = False
    marks: list[Finding] = field(default_factory=list)
    link: str | None = None

    @property
    def severity(self) -> str | None:
        return min((f.severity for f in self.marks), key=SEVERITY_ORDER.__getitem__) if self.marks else None

    @property
    def classes(self) -> str:
        """Its HTML class attribute: ``num`` for a figure, ``flagged <severity>`` when a finding marks it."""
        severity = self.severity
        flagged = f" flagged {severity}" if severity else ""
        return "num" + flagged if self.numeric else flagged


@dataclass
class Row:
    """A table row; in a ``Table`` its first cell is the row's header (``head``), the others ``rest``."""

    cells: list[Cell]
    depth: int = 0

    @property
    def head(self) -> Cell | None:
        return self.cells[0] if self.cells else None

    @property
    def rest(self) -> list[Cell]:
        return self.cells[1:]

    @property
    def indent(self) -> int:
        """Its indentation as printed: its depth, 0 to 4 (deeper parts print at 4)."""
        return min(self.depth, 4)


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[Row]
    numeric: list[bool] = field(default_factory=list)


class Marks:
    """Findings by the data path of the value they concern."""

    def __init__(self, findings: list[Finding]):
        self._by_path: dict[DataPath, list[Finding]] = defaultdict(list)
        for finding in findings:
            if finding.counts:  # an explained (suppressed) finding marks no cell
                self._by_path[finding.path].append(finding)

    def at(self, path: DataPath) -> list[Finding]:
        return self._by_path.get(path, [])


def cell(value: object, path: DataPath, marks: Marks, *, numeric: bool = False) -> Cell:
    return Cell(display(value), numeric=numeric, marks=marks.at(path))


def field_columns(model: type, names: tuple[str, ...]) -> tuple[tuple[str, str, bool], ...]:
    """(field, title, numeric) for ``names`` of ``model``, titles and kinds read from the model."""
    return tuple((name, labels.title(model, name), labels.is_numeric(model, name)) for name in names)


FIGURE_COLUMNS = field_columns(Figure, ("amount", "initial", "adjusted", "previous", "change", "growth", "share", "completion",
                                  "execution_rate", "quantity", "text"))


def figure_tables(figures: list[Figure], marks: Marks, unit: str) -> list[Table]:
    """One table per section of stated figures, with only the columns that section uses."""
    sections: dict[str, list[tuple[int, Figure]]] = {}
    for i, figure in enumerate(figures):
        sections.setdefault(figure.section or "文件所列数字", []).append((i, figure))
    tables = []
    for section, items in sections.items():
        flat: list[tuple[DataPath, int, Figure]] = []
        for i, figure in items:
            _flatten(figure, ("figures", i), 0, flat)
        used = [c for c in FIGURE_COLUMNS if any(getattr(f, c[0]) is not None for _, _, f in flat)]
        columns = [labels.title(Figure, "label")] + [f"{title}（{unit}）" if labels.is_money(Figure, c) else title
                                                     for c, title, _ in used]
        rows = [Row([Cell(f.label)] + [cell(getattr(f, c), (*path, c), marks, numeric=num) for c, _, num in used], depth=depth)
                for path, depth, f in flat]
        # A finding on the figure as a whole (SUM on amount) sits on the amount cell already.
        tables.append(Table(section, columns, rows, [False] + [num for _, _, num in used]))
    return tables


def _flatten(figure: Figure, path: DataPath, depth: int, out: list) -> None:
    out.append((path, depth, figure))
    for i, part in enumerate(figure.parts):
        _flatten(part, (*path, "parts", i), depth + 1, out)


FUNDING_COLUMNS = field_columns(FundingRow, ("initial", "adjusted", "received", "executed", "weight", "execution_rate", "score"))
INDICATOR_COLUMNS = field_columns(Indicator, ("level1", "level2", "name", "description", "target", "actual", "completion",
                                        "item_score", "weight", "score", "basis", "deviation"))


def funding_table(evaluation: Evaluation, path: DataPath, marks: Marks, unit: str) -> Table | None:
    if not evaluation.funding:
        return None
    used = [c for c in FUNDING_COLUMNS if any(getattr(r, c[0]) is not None for r in evaluation.funding)]
    rows = [Row([Cell(r.label)] + [cell(getattr(r, c), (*path, "funding", i, c), marks, numeric=True) for c, _, _ in used])
            for i, r in enumerate(evaluation.funding)]
    return Table(f"{labels.title(Evaluation, 'funding')}（{unit}）", [labels.title(FundingRow, "label")] + [t for _, t, _ in used],
                 rows, [False] + [True] * len(used))


def indicator_table(evaluation: Evaluation, path: DataPath, marks: Marks) -> Table | None:
    if not evaluation.indicators:
        return None
    used = [c for c in INDICATOR_COLUMNS if any(getattr(i, c[0]) is not None for i in evaluation.indicators)]
    rows = [Row([cell(getattr(ind, c), (*path, "indicators", i, c), marks, numeric=num) for c, _, num in used])
            for i, ind in enumerate(evaluation.indicators)]
    stated = [(key, labels.title(Evaluation, key)) for key in ("total_weight", "total_score", "grade")
              if getattr(evaluation, key) is not None]
    for key, title in stated:
        rows.append(Row([Cell(title)] + [Cell("")] * (len(used) - 2) + [cell(getattr(evaluation, key), (*path, key), marks, numeric=True)]))
    indicator_marks = marks.at((*path, "indicators"))
    if indicator_marks and rows:
        rows[-1].cells[0].marks = indicator_marks
    return Table(labels.title(Evaluation, "indicators"), [t for _, t, _ in used], rows, [num for _, _, num in used])


SUMMARY_COLUMNS = field_columns(SummaryRow, ("no", "unit", "name", "initial", "supplementary", "adjusted", "executed", "fund_type",
                                       "score", "grade", "rate"))


def summary_table(summary: ProjectSummary, marks: Marks, unit: str, project_links: dict[str, str]) -> Table:
    used = [c for c in SUMMARY_COLUMNS if any(getattr(r, c[0]) is not None for r in summary.rows)]
    rows = []
    link_at = _index_of(used, "name")
    for i, r in enumerate(summary.rows):
        cells = [cell(getattr(r, c), ("project_summary", "rows", i, c), marks, numeric=num) for c, _, num in used]
        if cells:
            cells[link_at].link = project_links.get(r.project or "")
        rows.append(Row(cells))
    total = summary.total
    if total is not None:
        cells = []
        for c, _, num in used:
            value = getattr(total, c, None) if c not in ("no", "unit", "name") else None
            cells.append(cell(value, ("project_summary", "total", c), marks, numeric=num))
        cells[0] = Cell(total.label)
        rows.append(Row(cells))
        for key in ("evaluated_count", "project_count", "average_score", "coverage"):
            if getattr(total, key) is not None:
                title = labels.title(SummaryTotal, key)
                label = title + (f"（{total.coverage_definition}）" if key == "coverage" and total.coverage_definition else "")
                rows.append(Row([Cell(label)] + [Cell("")] * (len(used) - 2) + [cell(getattr(total, key), ("project_summary", "total", key), marks, numeric=True)]))
    headers = [t + (f"（{unit}）" if labels.is_money(SummaryRow, c) else "") for c, t, _ in used]
    return Table(summary.title, headers, rows, [num for _, _, num in used])


def _index_of(columns: list[tuple], name: str) -> int:
    return next((i for i, column in enumerate(columns) if column[0] == name), 0)


@dataclass
class FindingGroup:
    severity: str
    findings: list[Finding]


def group_findings(findings: list[Finding]) -> list[FindingGroup]:
    """Findings by severity, most severe first; suppressed ones last, in their own group."""
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        groups[finding.severity if finding.counts else "suppressed"].append(finding)
    order = {**SEVERITY_ORDER, "suppressed": len(SEVERITY_ORDER)}
    return [FindingGroup(s, groups[s]) for s in sorted(groups, key=order.__getitem__)]


def source_label(finding: Finding, root: Path) -> str:
    return f"{relative_file(finding.file, root)}:{finding.line}"


@dataclass
class ErrorView:
    location: str
    message: str
    path: str


def error_views(errors: list, root: Path) -> list[ErrorView]:
    """Content errors as printed on error pages: ``file:line:col``, message, data path."""
    return [ErrorView(f"{relative_file(e.file, root)}:{e.line}:{e.column}", e.message, e.path) for e in errors]


# ---------------------------------------------------------------- standard tables (部门决算/预算 一..九)


@dataclass
class HeaderCell:
    text: str
    colspan: int = 1
    rowspan: int = 1
    numeric: bool = False


@dataclass
class StandardTableView:
    """A standard table laid out as printed: its multi-level header, its rows (codes, names
    indented by level, amounts right-aligned, blank cells blank) and its notes. ``anchor`` is
    the HTML id the table's findings link to."""

    anchor: str
    caption: str
    header: list[list[HeaderCell]]
    rows: list[Row]
    numeric: list[bool]
    notes: list[str]
    empty: bool


_LEVEL_DEPTH = {"类": 0, "款": 1, "项": 2}
_PAIRED = {"income_expenditure_summary": ("income", "expenditure"), "budget_income_expenditure_summary": ("income", "expenditure"),
           "fiscal_income_expenditure_summary": ("income", "expenditure"),
           "budget_fiscal_income_expenditure_summary": ("income", "expenditure"),
           "general_public_basic_expenditure": ("personnel", "public"),
           "budget_general_public_basic_expenditure": ("personnel", "public")}


def header_rows(paths: list[list[str]], numeric: list[bool]) -> list[list[HeaderCell]]:
    """Header cells with spans from each column's printed header path, as the official tables
    print them: a group shared by neighbouring columns spans them; the last word of every path
    sits on the bottom row (预算数 under each item), and a short path's group spans down to it."""
    depth = max((len(p) for p in paths), default=1)
    # each column's path stretched to ``depth``: None marks a row its word above spans into
    grid = [(p[:-1] + [None] * (depth - len(p)) + p[-1:]) if len(p) > 1 else (p + [None] * (depth - 1)) for p in paths]
    rows: list[list[HeaderCell]] = []
    for level in range(depth):
        row, c = [], 0
        while c < len(grid):
            text = grid[c][level]
            if text is None:
                c += 1
                continue
            down = 1
            while level + down < depth and grid[c][level + down] is None:
                down += 1
            bottom = level + down == depth
            span = 1
            while not bottom and c + span < len(grid) and grid[c + span][:level + down] == grid[c][:level + down]:
                span += 1
            row.append(HeaderCell(text, colspan=span, rowspan=down, numeric=bottom and numeric[c]))
            c += span
        rows.append(row)
    return rows


def standard_table_view(table: StandardTable, index: int, marks: Marks) -> StandardTableView:
    """``table`` (a ``StandardTable``, the ``index``-th of its document) as printed; cells carry
    the findings whose path is ``tables[index].rows[j].<key>``, a row's label those on the row."""
    layout = _Layout(table, ("tables", index), marks)
    if table.id in _PAIRED:
        layout.paired(_PAIRED[table.id])
    elif table.id in ("three_public", "budget_three_public"):
        layout.one_row()
    else:
        layout.by_code()
    caption = (f"{table.number}、{table.title}" if table.number else table.title) + f"（单位：{table.money_unit}）"
    return StandardTableView(f"table-{table.id}", caption, header_rows(layout.paths, layout.numeric), layout.rows,
                             layout.numeric, list(table.notes), table.empty)


class _Layout:
    """The printed layout of one standard table: column header paths and rows of cells."""

    def __init__(self, table: StandardTable, base: DataPath, marks: Marks):
        self.table, self.base, self.marks = table, base, marks
        self.coded = any(row.code for row in table.rows)
        self.paths: list[list[str]] = []
        self.numeric: list[bool] = []
        self.rows: list[Row] = []

    def column(self, path: list[str], numeric: bool) -> None:
        self.paths.append(path)
        self.numeric.append(numeric)

    def label_columns(self, heading: list[str]) -> None:
        if self.coded:
            self.column(heading + ["科目编码"], False)
        self.column(heading + (["科目名称"] if self.coded else ["项目"]), False)

    def value(self, j: int | None, key: str) -> Cell:
        if j is None:
            return Cell("", numeric=True)
        return cell(self.table.rows[j].cells.get(key), (*self.base, "rows", j, key), self.marks, numeric=True)

    def labels(self, j: int | None) -> list[Cell]:
        """The code cell (coded tables) and the name cell, which carries the row's findings."""
        if j is None:
            return [Cell("") for _ in range(2 if self.coded else 1)]
        row = self.table.rows[j]
        found = self.marks.at((*self.base, "rows", j)) + self.marks.at((*self.base, "rows", j, "name"))
        name = Cell(("\u3000" if row.group else "") + row.name, marks=found)  # a group's rows print indented under it
        return ([Cell(row.code or "")] if self.coded else []) + [name]

    def paired(self, sides: tuple[str, str]) -> None:
        """一, 四, 六: two sides printed next to each other, their rows paired by printed line."""
        columns = {side: [c for c in self.table.columns if c.side == side] for side in sides}
        for side in sides:
            heading = columns[side][0].header[:1] if columns[side] and len(columns[side][0].header) > 1 else []
            self.label_columns(heading)
            for column in columns[side]:
                self.column(column.header if column.header[:1] == heading else heading + column.header, True)
        lines: dict[int, dict[str, list[int]]] = {}
        for j, row in enumerate(self.table.rows):
            lines.setdefault(row.line or j + 1, {}).setdefault(row.side or sides[0], []).append(j)
        for line in sorted(lines):
            for k in range(max(len(found) for found in lines[line].values())):
                cells: list[Cell] = []
                for side in sides:
                    found = lines[line].get(side, [])
                    j = found[k] if k < len(found) else None
                    cells += self.labels(j) + [self.value(j, c.key) for c in columns[side]]
                self.rows.append(Row(cells))

    def one_row(self) -> None:
        """七: one printed row of cells under item › 预算数/决算数 headers."""
        cells = []
        for j, row in enumerate(self.table.rows):
            item = ([row.group] if row.group else []) + [row.name]
            for column in self.table.columns:
                self.column(item + column.header, True)
                cells.append(self.value(j, column.key))
        self.rows.append(Row(cells))

    def by_code(self) -> None:
        """二, 三, 五, 八, 九: rows by classification code, names indented by level."""
        self.label_columns([])
        for column in self.table.columns:
            self.column(column.header, True)
        for j, row in enumerate(self.table.rows):
            cells = self.labels(j) + [self.value(j, c.key) for c in self.table.columns]
            self.rows.append(Row(cells, depth=_LEVEL_DEPTH.get(row.level or "", 0)))
