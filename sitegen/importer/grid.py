"""A ruled grid as read from a PDF page or a spreadsheet, and its mapping to a ``StandardTable``.

The reader (``pdf.py``, ``xlsx.py``) gives each grid position the text of the cell covering it
and that cell's identity, so a merged cell (合计 spanning the code and name columns, a header
spanning three columns) is known as one cell. Mapping follows
``shared/reference/pdf-extraction.md`` §4: header rows end at the first row holding a code, an
amount or a fixed row label; header words printed inside the first data row (czj 类 款 项,
the 合计/基本支出/项目支出 sub-headers of 八/九) join their column's header path; each column's
header path is mapped to a key by the table's keyword rules (``standard-tables.md`` §1–9);
split 类 | 款 | 项 codes are joined. Anything that does not map is an ``ImportProblem`` naming
the page and the table — never a guess.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ..model.tables import StandardTable, TableColumn, TableRow

TITLES: dict[str, tuple[str, str]] = {
    # standard title (quotes removed for matching) → (id, 目录 number); matched longest first
    "收入支出决算总表": ("income_expenditure_summary", "一"),
    "收入决算表": ("income", "二"),
    "支出决算表": ("expenditure", "三"),
    "财政拨款收入支出决算总表": ("fiscal_income_expenditure_summary", "四"),
    "一般公共预算财政拨款支出决算表": ("general_public_expenditure", "五"),
    "一般公共预算财政拨款基本支出决算表": ("general_public_basic_expenditure", "六"),
    "财政拨款“三公”经费支出决算表": ("three_public", "七"),
    "政府性基金预算财政拨款收入支出决算表": ("government_fund", "八"),
    "国有资本经营预算财政拨款收入支出决算表": ("state_capital", "九"),
}
_QUOTES = str.maketrans("", "", "“”\"'‘’「」")


def unquoted(text: str) -> str:
    return re.sub(r"\s+", "", text).translate(_QUOTES)


_BY_UNQUOTED = sorted(((unquoted(title), title) for title in TITLES), key=lambda item: -len(item[0]))


def match_title(text: str) -> str | None:
    """The standard title ``text`` is (quotes and spaces ignored), or ``None``.

    A line that merely mentions a title inside a sentence or a 目录 entry (``一、收入支出决算总表``)
    is not a title: the line must be the title alone, optionally numbered."""
    bare = re.sub(r"^(表?[一二三四五六七八九十]+[、.．]|附表\d*[:：]?)", "", unquoted(text))
    for key, title in _BY_UNQUOTED:
        if bare == key:
            return title
    return None


class ImportProblem(Exception):
    """Something the importer could not map; ``where`` names the page and the table."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True)
class Cell:
    """The text at one grid position and the identity of the (possibly merged) cell holding it."""

    text: str
    span: object


@dataclass
class Grid:
    """One standard table's grid: its rows of cells (continuation pages appended), the lines
    printed above it (title, 单位) and below it (notes), and the pages it came from."""

    title: str
    pages: list[int]
    rows: list[list[Cell]]
    notes: list[str] = field(default_factory=list)
    money_unit: str = "万元"
    where: str = ""


_AMOUNT = re.compile(r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$")
_CODE_PART = re.compile(r"^\d{2,7}$")
_PLACEHOLDER = {"-", "—", "——", "－", "/", "…"}
_FIXED_LABEL = re.compile(r"^(合计|总计|小计|本年收入合计|本年支出合计|[一二三四五六七八九十]+、)")
_CODE_HEADER_WORDS = {"类", "款", "项"}
_VALUE_HEADER_WORDS = {"合计", "小计", "基本支出", "项目支出"}
_LABEL_HEADER = re.compile(r"(项目|科目名称|科目编码|编码|^类$|^款$|^项$)")


def clean(text: str | None) -> str:
    """Cell text with every whitespace removed (wrapped labels, justified spacing)."""
    return re.sub(r"\s+", "", text or "")


def amount_text(text: str) -> str | None:
    """The digits of a printed amount without thousands separators, or ``None``."""
    return text.replace(",", "") if _AMOUNT.match(text) else None


def _is_data_row(row: list[Cell], table_id: str) -> bool:
    """A row of figures: it holds an amount or a code, or (except in 七, whose item headers
    include 合计) one of its first two cells (code, name) is a fixed row label (合计, 一、…)."""
    return (any(amount_text(c.text) or (_CODE_PART.match(c.text) and len(c.text) >= 3) for c in row)
            or (table_id != "three_public" and any(_FIXED_LABEL.match(c.text) for c in row[:2])))


def _header_paths(rows: list[list[Cell]], table_id: str) -> tuple[list[list[str]], int]:
    """Each column's header path and the index of the first data row."""
    first = next((i for i, row in enumerate(rows) if _is_data_row(row, table_id)), len(rows))
    width = len(rows[0]) if rows else 0
    paths: list[list[str]] = [[] for _ in range(width)]
    for row in rows[:first]:
        for j, cell in enumerate(row):
            if cell.text and (not paths[j] or paths[j][-1] != cell.text):
                paths[j].append(cell.text)
    if first < len(rows):
        row = rows[first]
        for j, cell in enumerate(row):
            shared = sum(1 for other in row if other.span == cell.span) > 1
            label_column = any(_LABEL_HEADER.search(part) for part in paths[j][-1:])
            if (cell.text in _CODE_HEADER_WORDS) or (cell.text in _VALUE_HEADER_WORDS and not shared and not label_column):
                paths[j].append(cell.text)
                row[j] = Cell("", ("header-word", j))
    return paths, first


# ------------------------------------------------------------------ column roles per table

@dataclass(frozen=True)
class Role:
    """What a column holds: a code part, the row label, or the cells of key ``key``."""

    kind: str          # "code" | "name" | "value"
    side: str | None = None
    key: str | None = None


_CODED_KEYS: dict[str, list[tuple[str, Callable[[str], bool]]]] = {
    "income": [
        ("total", lambda h: "本年收入合计" in h), ("fiscal", lambda h: "财政拨款" in h),
        ("superior", lambda h: "上级补助" in h), ("service", lambda h: "事业收入" in h),
        ("affiliated", lambda h: "附属单位" in h), ("operating", lambda h: "经营收入" in h),
        ("other", lambda h: "其他收入" in h),
    ],
    "expenditure": [
        ("total", lambda h: "本年支出合计" in h), ("basic", lambda h: "基本支出" in h),
        ("project", lambda h: "项目支出" in h), ("remit_superior", lambda h: "上缴上级" in h),
        ("subsidy_affiliated", lambda h: "对附属单位" in h), ("operating", lambda h: "经营支出" in h),
    ],
    "general_public_expenditure": [
        ("total", lambda h: h.endswith("合计")), ("basic", lambda h: "基本支出" in h), ("project", lambda h: "项目支出" in h),
    ],
    "government_fund": [
        ("carry_start", lambda h: "年初结转" in h), ("carry_end", lambda h: "年末结转" in h),
        ("exp_total", lambda h: "本年支出" in h and (h.endswith("合计") or h.endswith("小计"))),
        ("exp_basic", lambda h: "本年支出" in h and "基本支出" in h),
        ("exp_project", lambda h: "本年支出" in h and "项目支出" in h),
        ("revenue", lambda h: "本年收入" in h),
    ],
}
_CODED_KEYS["state_capital"] = _CODED_KEYS["government_fund"]
_CODED_KEYS["budget_income"] = _CODED_KEYS["income"]
_CODED_KEYS["budget_expenditure"] = _CODED_KEYS["expenditure"]
_CODED_KEYS["budget_general_public_expenditure"] = _CODED_KEYS["general_public_expenditure"]

_SUMMARY_KEYS: list[tuple[str, Callable[[str], bool]]] = [
    ("general_public", lambda h: "一般公共预算" in h), ("government_fund", lambda h: "政府性基金" in h),
    ("state_capital", lambda h: "国有资本经营" in h), ("total", lambda h: h.endswith("合计")),
]


def _is_code_header(path: list[str]) -> bool:
    joined = "".join(path)
    return "编码" in joined or (bool(path) and path[-1] in _CODE_HEADER_WORDS)


def _roles(table_id: str, paths: list[list[str]], where: str) -> list[Role]:
    roles: list[Role] = []
    if table_id in ("income_expenditure_summary", "fiscal_income_expenditure_summary"):
        for path in paths:
            joined = "".join(path)
            side = "income" if joined.startswith("收入") else "expenditure" if joined.startswith("支出") else None
            if side is None:
                raise ImportProblem(where, f"column headed {'›'.join(path) or '(nothing)'} is under neither 收入 nor 支出")
            if path[-1] == "项目":
                roles.append(Role("name", side))
            elif side == "income" or table_id == "income_expenditure_summary":
                roles.append(Role("value", side, side) if "决算数" in joined or "预算数" in joined else Role("?", side))
            else:
                key = next((k for k, test in _SUMMARY_KEYS if test(joined)), None)
                roles.append(Role("value", side, key) if key else Role("?", side))
    elif table_id == "general_public_basic_expenditure":
        side_index = -1
        for path in paths:
            joined = "".join(path)
            if _is_code_header(path) and not (roles and roles[-1].kind == "code"):
                side_index += 1
            side = ("personnel", "public")[min(max(side_index, 0), 1)]
            if _is_code_header(path):
                roles.append(Role("code", side))
            elif "科目名称" in joined:
                roles.append(Role("name", side))
            elif "决算数" in joined or "预算数" in joined:
                roles.append(Role("value", side, side))
            else:
                roles.append(Role("?", side))
    elif table_id in _CODED_KEYS:
        for path in paths:
            joined = "".join(path)
            if _is_code_header(path):
                roles.append(Role("code"))
            elif "科目名称" in joined:
                roles.append(Role("name"))
            else:
                key = next((k for k, test in _CODED_KEYS[table_id] if test(joined)), None)
                roles.append(Role("value", None, key) if key else Role("?"))
    else:
        raise ImportProblem(where, f"no column rules for table '{table_id}'")
    unmapped = [f"{'›'.join(p) or '(blank header)'}" for p, r in zip(paths, roles) if r.kind == "?"]
    if unmapped:
        raise ImportProblem(where, f"column(s) {', '.join(unmapped)} match no column of this standard table")
    keys = [r.key for r in roles if r.kind == "value"]
    doubled = sorted({key for key in keys if keys.count(key) > 1})  # type: ignore[type-var]
    if doubled:
        raise ImportProblem(where, f"two columns map to the same key {', '.join(doubled)}")
    return roles


# ------------------------------------------------------------------ grid → StandardTable

def to_table(grid: Grid) -> StandardTable:
    """Map ``grid`` to its standard table; raises ``ImportProblem`` for what does not map."""
    table_id, number = TITLES[grid.title]
    where = grid.where or f"{grid.title} (page {', '.join(map(str, grid.pages))})"
    rows = [list(row) for row in grid.rows]
    paths, first = _header_paths(rows, table_id)
    if table_id == "three_public":
        return _three_public(grid, paths, rows[first:], number, where)
    if not paths:
        raise ImportProblem(where, "the grid has no columns")
    roles = _roles(table_id, paths, where)
    paired = table_id not in _CODED_KEYS   # 一, 四, 六: two sides paired by printed line
    columns = [TableColumn(key=role.key, header=path or [role.key], side=role.side if paired else None)  # type: ignore[arg-type]
               for path, role in zip(paths, roles) if role.kind == "value"]
    sides = list(dict.fromkeys(r.side for r in roles))
    out: list[TableRow] = []
    line = 0
    for r, row in enumerate(rows[first:], start=first):
        if not any(cell.text for cell in row):
            continue  # blank padding row, or an empty grid printed on a page of its own
        line += 1
        for side in sides:
            made = _row(row, roles, side, line if paired else None, where, r)
            if made is not None:
                out.append(made)
    out = _groups(table_id, out)
    return StandardTable(id=table_id, title=grid.title, number=number, pages=grid.pages, money_unit=grid.money_unit,
                         columns=columns, rows=out, notes=grid.notes)


def _row(row: list[Cell], roles: list[Role], side: str | None, line: int | None, where: str, r: int) -> TableRow | None:
    code_parts: list[str] = []
    name = ""
    cells: dict[str, str] = {}
    name_cell = next((row[j] for j, role in enumerate(roles) if role.kind == "name" and role.side == side), None)
    label_from_code = ""
    for j, role in enumerate(roles):
        if role.side != side:
            continue
        cell = row[j]
        if role.kind == "code":
            if _CODE_PART.match(cell.text):
                code_parts.append(cell.text)
            elif cell.text and (name_cell is None or cell.span == name_cell.span or not name_cell.text):
                label_from_code = cell.text   # a label spanning the code and name columns (合计, 人员经费合计)
            elif cell.text:
                raise ImportProblem(where, f"row {r + 1}: '{cell.text}' in a code column is not a code")
        elif role.kind == "name":
            name = cell.text
        elif role.kind == "value" and cell.text and cell.text not in _PLACEHOLDER:
            value = amount_text(cell.text)
            if value is None:
                raise ImportProblem(where, f"row {r + 1}: '{cell.text}' under {role.key} is not an amount")
            cells[role.key] = value  # type: ignore[index]
    name = name or label_from_code
    code = "".join(code_parts) or None
    if not name and not code and not cells:
        return None
    if not name:
        raise ImportProblem(where, f"row {r + 1}: figures without a row label")
    if code is not None and not re.fullmatch(r"\d{3}(\d{2}){0,2}", code):
        raise ImportProblem(where, f"row {r + 1} ({name}): code parts {'|'.join(code_parts)} do not join into a 3, 5 or 7 digit code")
    return TableRow(name=name, code=code, side=side, line=line, cells=cells)


def _groups(table_id: str, rows: list[TableRow]) -> list[TableRow]:
    """四's fund rows printed under 年初财政拨款结转和结余 belong to it (``group``)."""
    if table_id != "fiscal_income_expenditure_summary":
        return rows
    out, parent = [], None
    for row in rows:
        if row.side == "income" and row.name.startswith("年初财政拨款结转和结余"):
            parent = row.name
        elif row.side == "income" and parent and re.match(r"^[一二三]、", row.name):
            row = row.model_copy(update={"group": parent})
        elif row.side == "income":
            parent = None
        out.append(row)
    return out


_THREE_PUBLIC_ITEMS = ("合计", "因公出国", "小计", "购置费", "运行", "公务接待")


def _three_public(grid: Grid, paths: list[list[str]], data: list[list[Cell]], number: str, where: str) -> StandardTable:
    """七 is printed as one row of 12 cells under a three-level header; it is held as one row
    per item with ``budget`` (预算数) and ``actual`` (决算数)."""
    data = [row for row in data if any(cell.text for cell in row)]
    if len(data) > 1:
        raise ImportProblem(where, f"expected one row of figures, found {len(data)}")
    items: dict[tuple[str, ...], dict[str, str]] = {}
    for j, path in enumerate(paths):
        measure = {"预算数": "budget", "决算数": "actual"}.get(path[-1] if path else "")
        item = tuple(part for part in path[:-1] if unquoted(part) != unquoted("财政拨款“三公”经费"))
        if measure is None or not item or not any(word in item[-1] for word in _THREE_PUBLIC_ITEMS):
            raise ImportProblem(where, f"column headed {'›'.join(path) or '(blank header)'} is not an item's 预算数 or 决算数")
        cells = items.setdefault(item, {})
        if measure in cells:
            raise ImportProblem(where, f"two {path[-1]} columns under {'›'.join(item)}")
        if data and data[0][j].text and data[0][j].text not in _PLACEHOLDER:
            value = amount_text(data[0][j].text)
            if value is None:
                raise ImportProblem(where, f"'{data[0][j].text}' under {'›'.join(path)} is not an amount")
            cells[measure] = value
    rows = [TableRow(name=item[-1], group=item[-2] if len(item) > 1 else None, cells=cells) for item, cells in items.items()]
    columns = [TableColumn(key="budget", header=["预算数"]), TableColumn(key="actual", header=["决算数"])]
    return StandardTable(id="three_public", title=grid.title, number=number, pages=grid.pages, money_unit=grid.money_unit,
                         columns=columns, rows=rows, notes=grid.notes)
