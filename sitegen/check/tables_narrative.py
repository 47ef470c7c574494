"""TABLE family, narrative: the 情况说明's sentences against the standard tables they restate.

The 情况说明 is a fill-in text (部门决算 template pp.15–21); each figure in it is a table cell, a
ratio of cells, or a figure of the previous year or the budget. ``shared/reference/
narrative-vs-tables.md`` §1 maps each sentence to its cell. This module reads the sentences in
their sections (一、收入支出决算总体情况说明 … 七、财政拨款“三公”经费支出决算情况说明) and checks:

* TABLE-006: each amount against its cell (a difference of 0.01 is a 尾差 notice);
* TABLE-007: each 占 / 完成预算 / 增长 percentage against the ratio of its cells (or, for growth,
  of the sentence's own amounts), at its printed precision; one unit of the last place is a
  notice (truncation, shares forced to 100%);
* TABLE-008: 增加/减少/持平 and 大于/小于/等于 against the two numbers they compare
  (``statements.judge``);
* TABLE-009: a percentage of a zero base (完成预算的 0% of no budget, 增长 100% from nothing);
* TABLE-015: the 类/款/项 names of a 五(三) item against the table's names of its code.

The text is read with spaces, line breaks, Markdown marks and quotes removed (a PDF breaks
lines inside words, and prints “三公” with loose quotes); every finding points at the line and
column of the original Markdown.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from decimal import Decimal

from ..model.documents import Figure
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import Approx, Verdict, compare_amounts, compare_percent, fmt, half_unit, places, ratio_percent, round_to
from .context import Reporter, signed
from .prose import Passage, narratives
from .statements import Direction, describe, direction_of, judge_word
from .tables import TOTAL_ROW, _only, _segments, three_public_rows
from .tables_view import Cell, Table, norm, tables

_KEEP = re.compile(r"[^\s#*>“”\"‘’「」]+")
_WIDTH = str.maketrans("（）０１２３４５６７８９．％", "()0123456789.%")
N = r"(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
PCT = N + r"(%?)"
SEP = r"[，,；;]?"

SECTION_TITLES = {
    "财政拨款收入支出决算总体情况说明": "fiscal_total",
    "收入支出决算总体情况说明": "total",
    "收入决算情况说明": "income",
    "支出决算情况说明": "expenditure",
    "一般公共预算财政拨款支出决算总体情况": "gpb_total",
    "一般公共预算财政拨款支出决算结构情况": "gpb_structure",
    "一般公共预算财政拨款支出决算具体情况": "gpb_detail",
    "一般公共预算财政拨款支出决算情况说明": "gpb",
    "一般公共预算财政拨款基本支出决算情况说明": "basic",
    "财政拨款三公经费支出决算情况说明": "three_public",
    "政府性基金预算财政拨款收入支出决算情况说明": "fund",
    "国有资本经营预算财政拨款收入支出决算情况说明": "capital",
    "预算绩效管理情况": "performance",
    "其他重要事项的情况说明": "other",
    "其他重要事项说明": "other",
}
HEADING = re.compile(r"(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))("
                     + "|".join(sorted(SECTION_TITLES, key=len, reverse=True)) + ")")


@dataclass
class Flat:
    """A narrative with spaces, line breaks, Markdown marks and quotes removed; ``origin[i]`` is
    the offset in the passage of the flat text's character ``i``."""

    text: str
    origin: list[int]
    passage: Passage
    newlines: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, passage: Passage) -> Flat:
        return _flat(passage)

    def at(self, i: int) -> tuple:
        """(file, line, column) of the flat text's character ``i`` in the original."""
        offset = self.origin[min(i, len(self.origin) - 1)] if self.origin else 0
        if not self.passage.narrative:
            return self.passage.locate(offset)
        before = bisect_left(self.newlines, offset)  # newlines before the offset
        start = self.newlines[before - 1] + 1 if before else 0
        return self.passage.file, self.passage.line + before, offset - start + 1

    def excerpt(self, start: int, end: int) -> str:
        left = max(0, start - 10)
        return ("…" if left else "") + self.text[left:end + 6] + ("…" if end + 6 < len(self.text) else "")


@lru_cache(maxsize=16)
def _flat(passage: Passage) -> Flat:
    """Flattened once per passage (the readers of several rule modules share it)."""
    chars: list[str] = []
    origin: list[int] = []
    for run in _KEEP.finditer(passage.text):
        chars.append(run.group().translate(_WIDTH))
        origin.extend(range(run.start(), run.end()))
    newlines = [m.start() for m in re.finditer("\n", passage.text)]
    return Flat("".join(chars), origin, passage, newlines)


def sections(flat: Flat) -> list[tuple[str, int, int]]:
    """(kind, start, end) of each titled section, in order; the 目录 lists the same titles, but
    its sections hold no sentences, so they match nothing."""
    marks = [(SECTION_TITLES[m.group(1)], m.end()) for m in HEADING.finditer(flat.text)]
    return [(kind, start, marks[n + 1][1] if n + 1 < len(marks) else len(flat.text)) for n, (kind, start) in enumerate(marks)]


def number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


@dataclass(frozen=True)
class Stated:
    """A figure as the sentence prints it, with its position in the flat text."""

    value: Decimal
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Rate:
    value: Decimal
    places: int
    text: str
    start: int
    end: int


def stated(match: re.Match, group: int) -> Stated | None:
    if match.group(group) is None:
        return None
    return Stated(number(match.group(group)), match.group(group), match.start(group), match.end(group))


def rate(match: re.Match, group: int) -> Rate | None:
    if match.group(group) is None:
        return None
    digits = match.group(group).replace(",", "")
    value = Decimal(digits)
    return Rate(value, places(value), digits + "%", match.start(group), match.end(group))


class Claims:
    """Checks of one narrative against the tables; ``report`` receives the findings."""

    def __init__(self, doc: LoadedDocument, flat: Flat | None, report: Reporter):
        self.flat, self.report = flat, report
        self.reported: set[tuple[DataPath, Decimal]] = set()
        self.found = tables(doc)
        self.all_cells = [(c, t) for t in self.found.values() for c in _cells(t)]

    # ---------------------------------------------------------------- cells

    def table(self, table_id: str) -> Table | None:
        return self.found.get(table_id)

    def summary_row(self, table_id: str, side: str, name: str) -> Cell | None:
        table = self.table(table_id)
        if table is None:
            return None
        stops = ("本年收入合计", "使用非财政拨款结余", "年初结转和结余", "年初财政拨款结转和结余", "总计") if side == "income" \
            else ("本年支出合计", "结余分配", "年末结转和结余", "年末财政拨款结转和结余", "总计")
        j = _only(_segments(table, side, stops).get("@" + name))
        if j is None:
            return None
        if table.id == "fiscal_income_expenditure_summary" and side == "expenditure":
            return table.cell(j, table.column("合计", side="expenditure"))
        return table.amount(j)

    def total_row(self, table_id: str, *column: str) -> Cell | None:
        table = self.table(table_id)
        if table is None:
            return None
        return table.cell(table.row(*TOTAL_ROW), table.column(*column))

    def class_row(self, name: str) -> Cell | None:
        table = self.table("general_public_expenditure")
        if table is None:
            return None
        j = next((j for j, row in table.coded() if len(row.code) == 3 and norm(row.name) == norm(name)), None)
        return table.cell(j, table.column("合计")) if j is not None else None

    def three_public(self, item: str, measure: str) -> Cell | None:
        table = self.table("three_public")
        if table is None:
            return None
        return table.cell(three_public_rows(table).get(item), table.column(measure))

    # ---------------------------------------------------------------- comparisons

    def amount(self, figure: Stated | None, *cells: Cell | None, path: DataPath | None = None, quote: str | None = None) -> None:
        """TABLE-006: a stated amount equals its cell (any of ``cells``: the same quantity
        printed in several tables), compared at the statement's precision. A sentence of the
        narrative by default; a ``figures`` entry when ``path`` (and ``quote``) are given."""
        cells = tuple(c for c in cells if c is not None)
        if figure is None or not cells:
            return
        n = places(figure.value)
        if any(round_to(c.number, n) == figure.value for c in cells):
            return
        cell = cells[0]
        if (cell.path, figure.value) in self.reported:
            return  # the narrative sentence and the figure transcribed from it are one statement
        self.reported.add((cell.path, figure.value))
        difference = figure.value - cell.number
        severity = "notice" if abs(difference) <= Decimal("0.01") else None
        hint = ""
        if severity is None:
            same = sorted((c for c, _ in self.all_cells if c.printed and c.number == figure.value and c not in cells),
                          key=lambda c: c.key != cell.key)  # the same column of another table explains it best
            if same:
                hint = f"；这个数与{same[0].label}相同"
        tail = "，差额在取整误差之内（尾差）" if severity else ""
        if path is None:
            where, quote = dict(at=self.flat.at(figure.start)), f"说明中“{self.flat.excerpt(figure.start, figure.end)}”"
        else:
            where = {}
        self.report.add("TABLE-006", path or ("narrative",), **where, severity=severity,
                        declared=self.report.money(figure.value), computed=self.report.money(cell.number),
                        difference=signed(difference),
                        message=f"{quote}，而{cell.label}为 {fmt(cell.number) if cell.printed else '空白'}{hint}{tail}。")

    def ratio(self, stated_rate: Rate | None, numerator: Approx | None, denominator: Approx | None, what: str,
              terms: str, budget: bool = False) -> None:
        """TABLE-007 (or TABLE-009 when the base is zero): a stated percentage against
        numerator ÷ denominator."""
        if stated_rate is None or numerator is None or denominator is None:
            return
        if denominator.value == 0:
            base = "所对的预算数为零或空白" if budget else "上年数为零（增减额等于本年数）"
            self.report.add("TABLE-009", ("narrative",), at=self.flat.at(stated_rate.start),
                            declared=stated_rate.text, computed="无意义", difference="",
                            message=f"说明中“{self.flat.excerpt(stated_rate.start, stated_rate.end)}”：{base}，"
                                    f"这一比率没有意义（{terms}）。")
            return
        computed = ratio_percent(numerator, denominator)
        verdict = compare_percent(stated_rate.value, stated_rate.places, computed)
        if verdict is Verdict.CONSISTENT:
            return
        shown = round_to(computed[0], max(2, stated_rate.places))
        difference = stated_rate.value - round_to(computed[0], stated_rate.places)
        near = abs(difference) <= 2 * half_unit(stated_rate.places)
        severity = "notice" if verdict is Verdict.ROUNDING or near else None
        tail = "，只差末位（截尾或凑整）" if severity else ""
        self.report.add("TABLE-007", ("narrative",), at=self.flat.at(stated_rate.start), severity=severity,
                        declared=stated_rate.text, computed=f"{shown}%", difference=f"{signed(difference)} 个百分点",
                        message=f"说明中{what}为 {stated_rate.text}，按 {terms} 计算为 {shown}%{tail}。")

    def change(self, match: re.Match, amount: Stated | None, more_or_less: str, change: Stated | None,
               growth_word: str | None, growth: Rate | None, what: str) -> None:
        """增加（减少）Y万元，增长（下降）Z%: the two words agree, Z = Y ÷ last year's amount
        (this year's ∓ Y), and a 增长 from a zero last year is TABLE-009."""
        said = direction_of(more_or_less)
        if growth_word is not None and direction_of(growth_word) not in (said, None):
            self.report.add("TABLE-008", ("narrative",), at=self.flat.at(match.start()),
                            declared=f"{more_or_less}…{growth_word}", computed="前后一致的说法", difference="",
                            message=f"说明中“{self.flat.excerpt(match.start(), match.end())}”：同一变动既说{more_or_less}又说{growth_word}。")
            return
        if amount is None or change is None:
            return
        sign = 1 if said is Direction.MORE else -1
        previous = Approx.money(amount.value) - Approx(sign * change.value, half_unit(max(2, places(change.value))))
        self.ratio(growth, Approx.money(change.value), previous, f"{what}的增减率",
                   f"{fmt(change.value)} ÷ 上年数 {fmt(previous.value)}（{fmt(amount.value)} {'−' if sign > 0 else '+'} {fmt(change.value)}）")

    def compare(self, match: re.Match, word: str, subject: Cell | Stated | None, reference: Cell | Stated | None,
                what: str) -> None:
        """TABLE-008: “决算数小于预算数” etc. against the two numbers."""
        if subject is None or reference is None:
            return
        a, b = _approx(subject), _approx(reference)
        if judge_word(word, a, b) is not Verdict.INCONSISTENT:
            return
        self.report.add("TABLE-008", ("narrative",), at=self.flat.at(match.start()),
                        declared=word, computed=f"{fmt(a.value)} {describe(_actual(a, b))} {fmt(b.value)}",
                        difference=signed(a.value - b.value),
                        message=f"说明中“{self.flat.excerpt(match.start(), match.end())}”，而{what}是 "
                                f"{fmt(a.value)} 与 {fmt(b.value)}。")


def _actual(a: Approx, b: Approx) -> Direction:
    return Direction.MORE if a.value > b.value else Direction.LESS if a.value < b.value else Direction.SAME


def _approx(value: Cell | Stated) -> Approx:
    return value.approx if isinstance(value, Cell) else Approx.money(value.value)


def _cells(table: Table) -> Iterator[Cell]:
    for j, row in table.rows():
        for key in row.cells:
            yield table.cell(j, key)


# ---------------------------------------------------------------- the sentences, by section

GROWTH = r"(?:(增长|下降)(?:\((?:增长|下降)\))?" + PCT + ")?"
CHANGE = r"(增加|减少)(?:\((?:增加|减少)\))?" + N + r"万元" + SEP + GROWTH


def check(doc: LoadedDocument, report: Reporter) -> None:
    if not tables(doc):
        return
    claims = Claims(doc, None, report)
    for passage in narratives(doc):
        if passage.path != ("narrative",):
            continue
        claims.flat = Flat.of(passage)
        for kind, start, end in sections(claims.flat):
            reader = READERS.get(kind)
            if reader is not None:
                reader(claims, claims.flat.text, start, end)
    for i, figure in enumerate(doc.model.figures):
        _figure(claims, figure, None, ("figures", i))


def _find(pattern: str, text: str, start: int, end: int) -> Iterator[re.Match]:
    return re.compile(pattern).finditer(text, start, end)


def _totals(c: Claims, text: str, start: int, end: int, subject: str, cell: Cell | None, what: str) -> None:
    for m in _find(subject + r"(?:为|是|共计)?" + N + r"万元", text, start, end):
        c.amount(stated(m, 1), cell)
        after = re.compile(subject + CHANGE).search(text, m.end(), end)
        if after:
            c.change(after, stated(m, 1), after.group(1), stated(after, 2), after.group(3), rate(after, 4), what)


def read_total(c: Claims, text: str, start: int, end: int) -> None:
    _totals(c, text, start, end, r"(?<!财政拨款)收入支出总计", c.summary_row("income_expenditure_summary", "income", "总计"),
            "收入支出总计")


def read_fiscal_total(c: Claims, text: str, start: int, end: int) -> None:
    _totals(c, text, start, end, r"财政拨款收入支出总计", c.summary_row("fiscal_income_expenditure_summary", "income", "总计"),
            "财政拨款收入支出总计")


INCOME_PARTS = ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")
SPENDING_PARTS = ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")


def _parts(c: Claims, text: str, start: int, end: int, total_name: str, total_cell: Cell | None,
           parts: tuple[str, ...], table_id: str) -> None:
    for m in _find(total_name + N + r"万元", text, start, end):
        c.amount(stated(m, 1), total_cell)
    base = total_cell.approx if total_cell is not None else None
    for m in _find("(" + "|".join(parts) + ")" + N + r"万元" + SEP + r"(?:占(?:" + total_name + r"的)?" + PCT + ")?",
                   text, start, end):
        cell = c.total_row(table_id, m.group(1))
        c.amount(stated(m, 2), cell)
        if cell is not None and total_cell is not None:
            c.ratio(rate(m, 3), cell.approx, base, f"{m.group(1)}占{total_name}的比例",
                    f"{fmt(cell.number)} ÷ {fmt(total_cell.number)}")


def read_income(c: Claims, text: str, start: int, end: int) -> None:
    _parts(c, text, start, end, "本年收入合计", c.summary_row("income_expenditure_summary", "income", "本年收入合计"),
           INCOME_PARTS, "income")


def read_expenditure(c: Claims, text: str, start: int, end: int) -> None:
    _parts(c, text, start, end, "本年支出合计", c.summary_row("income_expenditure_summary", "expenditure", "本年支出合计"),
           SPENDING_PARTS, "expenditure")


def read_gpb_total(c: Claims, text: str, start: int, end: int) -> None:
    cell = c.total_row("general_public_expenditure", "合计")
    spend = c.summary_row("income_expenditure_summary", "expenditure", "本年支出合计")
    for m in _find(r"一般公共预算财政拨款支出" + N + r"万元" + SEP + r"(?:占本年支出合计的" + PCT + ")?", text, start, end):
        c.amount(stated(m, 1), cell)
        if cell is not None and spend is not None:
            c.ratio(rate(m, 2), cell.approx, spend.approx, "一般公共预算财政拨款支出占本年支出合计的比例",
                    f"{fmt(cell.number)} ÷ {fmt(spend.number)}")
        after = re.compile(r"一般公共预算财政拨款支出" + CHANGE).search(text, m.end(), end)
        if after:
            c.change(after, stated(m, 1), after.group(1), stated(after, 2), after.group(3), rate(after, 4),
                     "一般公共预算财政拨款支出")


def read_gpb_structure(c: Claims, text: str, start: int, end: int) -> None:
    whole = c.total_row("general_public_expenditure", "合计")
    for m in _find(r"一般公共预算财政拨款支出" + N + r"万元", text, start, end):
        c.amount(stated(m, 1), whole)
    listed: list[tuple[re.Match, str]] = []
    for m in _find(r"([\u4e00-\u9fff、]+?)\(类\)" + N + r"万元" + SEP + r"(?:占" + PCT + ")?", text, start, end):
        name = re.sub(r"^.*?(?:方面|：|:|；|;|，|,)", "", m.group(1))
        cell = c.class_row(name)
        same = None
        t4 = c.table("fiscal_income_expenditure_summary")
        if t4 is not None:
            j = next((j for j, row in t4.rows("expenditure") if norm(row.name) == norm(name)), None)
            same = t4.cell(j, t4.column("一般公共预算财政拨款", side="expenditure")) if j is not None else None
        c.amount(stated(m, 2), cell, same)
        if cell is not None and whole is not None:
            c.ratio(rate(m, 3), cell.approx, whole.approx, f"{name}占一般公共预算财政拨款支出的比例",
                    f"{fmt(cell.number)} ÷ {fmt(whole.number)}")
        listed.append((m, norm(name)))
    t5 = c.table("general_public_expenditure")
    if t5 is None or not listed:
        return
    names = {n for _, n in listed}
    omitted = [(row.code, row.name, row.cells.get(t5.column("合计"))) for _, row in t5.coded() if len(row.code) == 3
               and norm(row.name) not in names and row.cells.get(t5.column("合计"))]
    if omitted:
        c.report.add("TABLE-018", ("narrative",), at=c.flat.at(listed[0][0].start()), declared="—",
                     computed="、".join(f"{code} {name}" for code, name, _ in omitted), difference="",
                     message="说明列举一般公共预算财政拨款支出“主要用于”的类级科目，未列出表中有数的"
                             + "、".join(f"{name}（{fmt(amount)}）" for _, name, amount in omitted) + "（模板：不涉及的不列，涉及的应列）。")


ITEM = re.compile(r"(\d+)、([^()、。；]+?)\(类\)([^()、。；]+?)\(款\)([^()、。；]+?)\(项\)")
BUDGET_ACTUAL = (r"年初预算(?:数)?为" + N + r"万元" + SEP + r"(?:全年预算(?:数)?为" + N + r"万元" + SEP + r")?"
                 r"支出决算(?:数)?为" + N + r"万元" + r"[，,；;。]?(?:完成(年初|全年)?预算的" + PCT + ")?")
VERSUS = re.compile(r"决算数(?:(大于|小于|高于|低于|超过|等于)预算数|(?:与|同|和)预算数(基本持平|持平|基本一致|一致|相同|相等))")


def read_gpb_detail(c: Claims, text: str, start: int, end: int) -> None:
    whole = c.total_row("general_public_expenditure", "合计")
    items = list(ITEM.finditer(text, start, end))
    head_end = items[0].start() if items else end
    head = next(_find(BUDGET_ACTUAL, text, start, head_end), None)
    if head:
        _budget_actual(c, head, text, head_end, whole, "一般公共预算财政拨款支出")
    table = c.table("general_public_expenditure")
    budgets: list[Stated | None] = []
    for n, item in enumerate(items):
        item_end = items[n + 1].start() if n + 1 < len(items) else end
        m = re.compile(BUDGET_ACTUAL).search(text, item.end(), item_end)
        cell = _item_row(c, table, item, m) if table is not None else None
        budgets.append(stated(m, 1) if m else None)
        if m:
            _budget_actual(c, m, text, item_end, cell, f"{item.group(4)}（项）")
    if head and budgets and all(budgets):
        _item_budgets(c, stated(head, 1), budgets)


def _item_budgets(c: Claims, stated_total: Stated, budgets: list[Stated]) -> None:
    """SUM-001 on 五(三): the items, one per 项 (“依次说明到各项级科目”), share out the 年初预算
    the section opens with, so their 年初预算 add up to it (narrative-vs-tables.md §1)."""
    computed = Approx.exact(Decimal(0))
    for b in budgets:
        computed = computed + Approx.money(b.value)
    verdict = compare_amounts(Approx.money(stated_total.value), computed)
    if verdict is Verdict.CONSISTENT:
        return
    difference = stated_total.value - computed.value
    severity = "notice" if verdict is Verdict.ROUNDING else "warning" if difference > 0 else None
    tail = "，差额在各数取整误差之内（尾差）" if verdict is Verdict.ROUNDING else ""
    c.report.add("SUM-001", ("narrative",), at=c.flat.at(stated_total.start), severity=severity,
                 declared=c.report.money(stated_total.value), computed=c.report.money(computed.value),
                 difference=signed(difference),
                 message=f"说明中一般公共预算财政拨款支出年初预算为 {stated_total.text}，而其后逐项列出的 {len(budgets)} "
                         f"个项级科目年初预算之和为 {fmt(computed.value)}{tail}。")


def _budget_actual(c: Claims, m: re.Match, text: str, end: int, cell: Cell | None, what: str) -> None:
    initial, adjusted, actual = stated(m, 1), stated(m, 2), stated(m, 3)
    c.amount(actual, cell)
    base = adjusted if m.group(4) == "全年" and adjusted is not None else initial
    if initial is not None and actual is not None:
        c.ratio(rate(m, 5), Approx.money(actual.value), Approx.money(base.value), f"{what}完成{m.group(4) or ''}预算的比例",
                f"{fmt(actual.value)} ÷ {fmt(base.value)}", budget=True)
        versus = VERSUS.search(text, m.end(), end)
        if versus:
            c.compare(versus, versus.group(1) or versus.group(2), actual, base, "决算数与预算数")


def _item_row(c: Claims, table: Table, item: re.Match, m: re.Match | None) -> Cell | None:
    """The 项 row a 五(三) item describes: by its three names, else by its amount (then
    TABLE-015 when the names differ from the table's)."""
    names = [norm(item.group(k)) for k in (2, 3, 4)]
    rows = {row.code: row for _, row in table.coded()}

    def printed(code: str) -> list[str]:
        return [norm(rows[p].name) if p in rows else "" for p in (code[:3], code[:5], code)]

    candidates = [(j, row) for j, row in table.coded() if len(row.code) == 7]
    exact = [(j, row) for j, row in candidates if printed(row.code) == names]
    if exact:
        return table.cell(exact[0][0], table.column("合计"))
    actual = stated(m, 3) if m else None
    by_amount = [(j, row) for j, row in candidates
                 if actual is not None and row.cells.get(table.column("合计")) == actual.value]
    by_name = [(j, row) for j, row in candidates if norm(row.name) == names[2]]
    match = by_amount if len(by_amount) == 1 else by_name if len(by_name) == 1 else []
    if not match:
        return None
    j, row = match[0]
    table_names = [rows[p].name if p in rows else "？" for p in (row.code[:3], row.code[:5], row.code)]
    c.report.add("TABLE-015", ("narrative",), at=c.flat.at(item.start(2)),
                 declared=f"{item.group(2)}（类）{item.group(3)}（款）{item.group(4)}（项）",
                 computed=f"{table_names[0]}（类）{table_names[1]}（款）{table_names[2]}（项）", difference="",
                 message=f"说明第 {item.group(1)} 项写“{item.group(2)}（类）{item.group(3)}（款）{item.group(4)}（项）”，"
                         f"{table.title}中 {row.code} 为“{table_names[0]}（类）{table_names[1]}（款）{table_names[2]}（项）”。")
    return table.cell(j, table.column("合计"))


def read_basic(c: Claims, text: str, start: int, end: int) -> None:
    basic = c.total_row("general_public_expenditure", "基本支出")
    t6 = c.table("general_public_basic_expenditure")
    personnel = t6.amount(t6.row("人员经费合计")) if t6 is not None else None
    public = t6.amount(t6.row("公用经费合计")) if t6 is not None else None
    for m in _find(r"基本支出" + N + r"万元", text, start, end):
        c.amount(stated(m, 1), basic)
        break
    for m in _find(r"人员经费" + N + r"万元", text, start, end):
        c.amount(stated(m, 1), personnel)
    for m in _find(r"公用经费" + N + r"万元", text, start, end):
        c.amount(stated(m, 1), public)
    if t6 is not None:
        for m in _find(r"(人员经费|公用经费)" + N + r"万元" + SEP + r"主要包括[：:]([^；;。]+)", text, start, end):
            _listed_items(c, t6, m, "personnel" if m.group(1) == "人员经费" else "public")


def _listed_items(c: Claims, t6: Table, m: re.Match, side: str) -> None:
    """TABLE-018: the 经济分类 items a 六 sentence lists (“主要包括：基本工资、津贴补贴…”)
    against that block of 基本支出决算表: each listed item non-zero, each non-zero item listed
    (narrative-vs-tables.md §1, 六: a soft check, so a notice)."""
    items = {norm(row.name): t6.amount(j) for j, row in t6.rows() if row.code and len(row.code) == 5
             and (row.side == side or row.side is None)}
    listed = [name for name in re.split(r"[、，,]", m.group(3)) if name]
    named: list[str] = []  # in the order listed, so messages are deterministic
    for name in listed:
        key = norm(name)
        key = key if key in items else key.removesuffix("支出") if key.removesuffix("支出") in items else None
        if key is not None and key not in named:
            named.append(key)
    zero = [n for n in named if items[n] is None or items[n].number == 0]
    omitted = [n for n, cell in items.items() if n not in named and cell is not None and cell.number != 0]
    if not named or not (zero or omitted):
        return
    said = []
    if zero:
        said.append("列出了表中为零或空白的" + "、".join(zero))
    if omitted:
        said.append("未列出表中有数的" + "、".join(f"{n}（{fmt(items[n].number)}）" for n in omitted))
    c.report.add("TABLE-018", ("narrative",), at=c.flat.at(m.start(3)), declared="、".join(zero) or "—",
                 computed="、".join(omitted) or "—", difference="",
                 message=f"{m.group(1)}“主要包括”的科目与{t6.title}不一致：{'；'.join(said)}。")


THREE_PUBLIC_ITEMS = {"因公出国(境)费": "abroad", "公务用车购置及运行维护费": "car", "公务接待费": "reception"}


def read_three_public(c: Claims, text: str, start: int, end: int) -> None:
    if c.table("three_public") is None:
        return
    total_b, total_a = c.three_public("total", "预算数"), c.three_public("total", "决算数")
    for m in _find(r"三公经费财政拨款支出年初预算为" + N + r"万元" + SEP + r"支出决算为" + N + r"万元" + SEP
                   + r"(?:完成(?:年初)?预算的" + PCT + ")?", text, start, end):
        c.amount(stated(m, 1), total_b)
        c.amount(stated(m, 2), total_a)
        if total_a is not None and total_b is not None:
            c.ratio(rate(m, 3), total_a.approx, total_b.approx, "“三公”经费完成预算的比例",
                    f"{fmt(total_a.number)} ÷ {fmt(total_b.number)}", budget=True)
    items = "(" + "|".join(re.escape(k) for k in THREE_PUBLIC_ITEMS) + ")"
    for m in _find(items + r"(?:支出)?决算为" + N + r"万元" + SEP + r"(?:完成(?:年初)?预算的" + PCT + ")?", text, start, end):
        item = THREE_PUBLIC_ITEMS[m.group(1)]
        actual, budget = c.three_public(item, "决算数"), c.three_public(item, "预算数")
        c.amount(stated(m, 2), actual)
        if actual is not None and budget is not None:
            c.ratio(rate(m, 3), actual.approx, budget.approx, f"{m.group(1)}完成预算的比例",
                    f"{fmt(actual.number)} ÷ {'空白' if not budget.printed else fmt(budget.number)}", budget=True)
    for m in _find(items + r"支出决算" + N + r"万元" + SEP + r"(?:占" + PCT + ")?", text, start, end):
        actual = c.three_public(THREE_PUBLIC_ITEMS[m.group(1)], "决算数")
        c.amount(stated(m, 2), actual)
        if actual is not None and total_a is not None:
            c.ratio(rate(m, 3), actual.approx, total_a.approx, f"{m.group(1)}占“三公”经费的比例",
                    f"{fmt(actual.number)} ÷ {fmt(total_a.number)}")
    for pattern, item in ((r"公务用车购置支出(?:为)?" + N + r"万元", "carbuy"), (r"公务用车运行维护支出(?:为)?" + N + r"万元", "carrun")):
        for m in _find(pattern, text, start, end):
            c.amount(stated(m, 1), c.three_public(item, "决算数"))
    for m in _find(r"三公经费(?:财政拨款)?支出决算数(?:(大于|小于|高于|低于|超过|等于)预算数|(?:与|同|和)预算数(基本持平|持平|一致|相同|相等))",
                   text, start, end):
        c.compare(m, m.group(1) or m.group(2), total_a, total_b, "“三公”经费决算数与预算数")
    # 七(一): “决算数比2023年度减少0.15万元，下降27.78%” of the total and of each item, from this year's cells
    for m in _find(r"(三公经费财政拨款支出决算数比\d{4}年度|" + items + r"支出(?:决算)?)" + CHANGE, text, start, end):
        item = "total" if m.group(1).startswith("三公") else THREE_PUBLIC_ITEMS[m.group(2)]
        actual = c.three_public(item, "决算数")
        if actual is not None:
            c.change(m, Stated(actual.number, fmt(actual.number), m.start(), m.start()), m.group(3), stated(m, 4),
                     m.group(5), rate(m, 6), "“三公”经费" if item == "total" else m.group(2))
    for m in _find(r"无三公经费财政拨款支出", text, start, end):
        spent = [cell for item in ("abroad", "car", "carbuy", "carrun", "reception", "total")
                 if (cell := c.three_public(item, "决算数")) is not None and cell.number != 0]
        if spent:
            c.report.add("TABLE-006", ("narrative",), at=c.flat.at(m.start()), declared=c.report.money(Decimal(0)),
                         computed=c.report.money(spent[0].number), difference=signed(-spent[0].number),
                         message=f"说明中写“无“三公”经费财政拨款支出”，而{spent[0].label}为 {fmt(spent[0].number)}。")


def _read_fund(table_id: str, fund: str, wording: str):
    def read(c: Claims, text: str, start: int, end: int) -> None:
        for m in _find(r"无" + wording + r"(?:收入和支出|收入支出|支出)", text, start, end):
            table = c.table(table_id)
            t4 = c.table("fiscal_income_expenditure_summary")
            cells = [cell for cell in _cells(table) if cell.number != 0] if table is not None else []
            if not cells and t4 is not None:
                key = t4.column(fund, side="expenditure")
                cells = [t4.cell(j, key) for j, _ in t4.rows("expenditure") if key is not None]
                cells = [cell for cell in cells if cell.number != 0]
            if cells:
                c.report.add("TABLE-006", ("narrative",), at=c.flat.at(m.start()), declared=c.report.money(Decimal(0)),
                             computed=c.report.money(cells[0].number), difference=signed(-cells[0].number),
                             message=f"说明中写“{c.flat.excerpt(m.start(), m.end())}”，而{cells[0].label}为 {fmt(cells[0].number)}。")
    return read


def _figure_cell(c: Claims, figure: Figure, parent: Figure | None) -> tuple[Cell | None, Cell | None]:
    """The cells a keyed figure states (its amount's, its initial budget's), by content-format's
    standard keys; the parent's key decides between the all-funds and the fiscal tables."""
    key, above = figure.key, parent.key if parent is not None else None
    t7 = {"three_public": "total", "overseas_travel": "abroad", "official_vehicles": "car",
          "vehicle_purchase": "carbuy", "vehicle_operation": "carrun", "official_reception": "reception"}
    if key in t7:
        return c.three_public(t7[key], "决算数"), c.three_public(t7[key], "预算数")
    if key == "total_revenue_expenditure":
        return c.summary_row("income_expenditure_summary", "income", "总计"), None
    if key == "fiscal_total":
        return c.summary_row("fiscal_income_expenditure_summary", "income", "总计"), None
    if key == "revenue":
        return c.summary_row("income_expenditure_summary", "income", "本年收入合计"), None
    if key == "expenditure":
        return c.summary_row("income_expenditure_summary", "expenditure", "本年支出合计"), None
    if key == "general_public_expenditure":
        return c.total_row("general_public_expenditure", "合计"), None
    columns = {"fiscal_appropriation": "财政拨款收入", "service_revenue": "事业收入", "business_revenue": "经营收入",
               "other_revenue": "其他收入"}
    if key in columns and above == "revenue":
        return c.total_row("income", columns[key]), None
    if key in ("basic", "project") and above == "expenditure":
        return c.total_row("expenditure", "基本支出" if key == "basic" else "项目支出"), None
    if key == "basic" and above in (None, "general_public_expenditure"):
        return c.total_row("general_public_expenditure", "基本支出"), None
    t6 = c.table("general_public_basic_expenditure")
    if key in ("personnel", "office") and above == "basic" and t6 is not None:
        return t6.amount(t6.row("人员经费合计" if key == "personnel" else "公用经费合计")), None
    if key == "functional" and above == "general_public_expenditure":
        t5 = c.table("general_public_expenditure")
        if t5 is not None and figure.code:
            j = next((j for j, row in t5.rows() if row.code == figure.code), None)
            return (t5.cell(j, t5.column("合计")) if j is not None else None), None
        return c.class_row(figure.label), None
    return None, None


def _figure(c: Claims, figure: Figure, parent: Figure | None, path: DataPath) -> None:
    """TABLE-006 for a ``figures`` entry with a standard key: its amount (and initial budget,
    for 三公) against the cell it transcribes."""
    amount, initial = _figure_cell(c, figure, parent)
    for column, cell in (("amount", amount), ("initial", initial)):
        value = getattr(figure, column)
        if value is not None and cell is not None:
            c.amount(Stated(value, str(value), 0, 0), cell, path=(*path, column), quote=f"“{figure.label}”为 {fmt(value)}")
    for i, part in enumerate(figure.parts):
        _figure(c, part, figure, (*path, "parts", i))


READERS = {
    "total": read_total,
    "fiscal_total": read_fiscal_total,
    "income": read_income,
    "expenditure": read_expenditure,
    "gpb_total": read_gpb_total,
    "gpb_structure": read_gpb_structure,
    "gpb_detail": read_gpb_detail,
    "gpb": lambda c, text, start, end: [read(c, text, start, end) for read in (read_gpb_total, read_gpb_structure, read_gpb_detail)],
    "basic": read_basic,
    "three_public": read_three_public,
    "fund": _read_fund("government_fund", "政府性基金预算财政拨款", "政府性基金预算财政拨款"),
    "capital": _read_fund("state_capital", "国有资本经营预算财政拨款", "国有资本经营预算财政拨款"),
}

