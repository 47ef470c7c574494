"""TABLE family, arithmetic: the identities inside and between the standard tables.

Source: ``shared/reference/standard-tables.md`` §1–10, which derives each identity from the
部门决算 template (Shanghai 普陀区 2024, pp.5–14) and confirms it on three real documents:

* TABLE-001, across a row: 本年收入合计 = Σ sources (二), 本年支出合计 = Σ kinds (三), 合计 =
  基本 + 项目 (五, 八, 九), 合计 = Σ funds (四's expenditure rows), 年末 = 年初 + 收入 − 支出 (八, 九).
* TABLE-002, down a column: 类 = Σ 款, 款 = Σ 项, 合计 = Σ 类 (二, 三, 五, 八, 九, 六 by 经济分类),
  人员经费合计 = 301 + 303 and 公用经费合计 = 302 + 310 (六), 三公 合计 and 公务用车 小计 (七).
* TABLE-003, the two-sided summaries (一, 四): 本年合计 = Σ items, 总计 = 本年合计 + carry-over,
  收入总计 = 支出总计, each fund's income + year-start balance = its 支出总计.
* TABLE-004, between tables (X1–X9): the same quantity printed in two tables.
* TABLE-005, between tables (I1–I3): fiscal money is part of all money, so a fiscal figure
  cannot exceed the all-funds figure it belongs to.

Every finding's path is the printed cell that disagrees (``tables[i].rows[j].<key>``). A
difference inside the printed figures' rounding bound (0.005 per printed addend and total)
is a 尾差 notice, as the reference found all 23 breaks in the real documents to be.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model.portal import LoadedDocument
from .arith import Approx, Verdict, compare_amounts, fmt
from .context import Reporter, signed
from .tables_view import ORDINAL, Cell, Table, norm, tables, total

ROW_SUMS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # table id → (names of the total column, names of its part columns), by printed header
    "income": (("本年收入合计",), ("财政拨款收入", "上级补助收入", "事业收入", "经营收入", "附属单位上缴收入", "其他收入")),
    "expenditure": (("本年支出合计",), ("基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出")),
    "general_public_expenditure": (("合计",), ("基本支出", "项目支出")),
    "government_fund": (("合计", "小计"), ("基本支出", "项目支出")),
    "state_capital": (("合计", "小计"), ("基本支出", "项目支出")),
    "budget_expenditure": (("合计",), ("基本支出", "项目支出", "上缴上级支出", "事业单位经营支出", "对下级单位补助支出")),
    "budget_general_public_expenditure": (("合计",), ("基本支出", "项目支出")),
    "budget_government_fund_expenditure": (("合计",), ("基本支出", "项目支出")),
    "budget_state_capital_expenditure": (("合计",), ("基本支出", "项目支出")),
}
HIERARCHY = ("income", "expenditure", "general_public_expenditure", "government_fund", "state_capital",
             "budget_income", "budget_expenditure", "budget_general_public_expenditure",
             "budget_government_fund_expenditure", "budget_state_capital_expenditure")
TOTAL_ROW = ("合计", "总计")
FUNDS = ("一般公共预算财政拨款", "政府性基金预算财政拨款", "国有资本经营预算财政拨款")
INCOME_SOURCES = {  # 收入支出决算总表 income item (without ordinal) → 收入决算表 column
    "上级补助收入": "上级补助收入", "事业收入": "事业收入", "经营收入": "经营收入",
    "附属单位上缴收入": "附属单位上缴收入", "其他收入": "其他收入",
}
THREE_PUBLIC_ROWS = {
    "total": ("合计",),
    "abroad": ("因公出国（境）费", "因公出国（境）费用"),
    "car": ("小计", "公务用车购置及运行维护费", "公务用车购置及运行费"),
    "carbuy": ("公务用车购置费",),
    "carrun": ("公务用车运行维护费", "公务用车运行费"),
    "reception": ("公务接待费",),
}


def check(doc: LoadedDocument, report: Reporter) -> None:
    found = tables(doc)
    for table in found.values():
        if table.id in ROW_SUMS:
            _row_sums(table, report)
        if table.id in HIERARCHY:
            _hierarchy(table, report)
        if table.id in ("government_fund", "state_capital"):
            _carry_forward(table, report)
    if (t6 := found.get("general_public_basic_expenditure")) is not None:
        _basic_by_economic(t6, report)
    if (t7 := found.get("three_public")) is not None:
        _three_public(t7, report)
    for table_id in ("income_expenditure_summary", "budget_income_expenditure_summary"):
        if (t1 := found.get(table_id)) is not None:
            _summary(t1, report)
    for table_id in ("fiscal_income_expenditure_summary", "budget_fiscal_income_expenditure_summary"):
        if (t4 := found.get(table_id)) is not None:
            _fiscal_summary(t4, report)
    _between(found, report)


# ---------------------------------------------------------------- reporting


def equal(report: Reporter, rule_id: str, declared: Cell | None, computed: Approx, terms: str,
          other: Cell | None = None) -> None:
    """``declared`` must equal ``computed`` (``terms`` says how it was computed). When
    ``declared`` is blank and ``other`` is printed, the finding sits on ``other``."""
    if declared is None:
        return
    verdict = compare_amounts(declared.approx, computed)
    if verdict is Verdict.CONSISTENT:
        return
    at = other if (not declared.printed and other is not None and other.printed) else declared
    shown = "空白" if not declared.printed else fmt(declared.number)
    if verdict is Verdict.ROUNDING:
        tail, severity = "，差额在各数取整误差之内（尾差）。", "notice"
    else:
        tail, severity = "。", None
    report.add(rule_id, at.path, declared=report.money(declared.number), computed=report.money(computed.value),
               difference=signed(declared.number - computed.value),
               message=f"{declared.label}为 {shown}，而{terms} = {fmt(computed.value)}{tail}", severity=severity)


def _sum_terms(cells: Sequence[Cell], short: Callable[[Cell], str]) -> str:
    printed = [c for c in cells if c.printed]
    return " + ".join(f"{short(c)} {fmt(c.number)}" for c in printed) if printed else "各项（均为空白）"


# ---------------------------------------------------------------- inside one table


def _row_sums(table: Table, report: Reporter) -> None:
    """TABLE-001: a row's total column against the sum of its part columns."""
    total_names, part_names = ROW_SUMS[table.id]
    total_key = table.column(*total_names)
    part_keys = [k for k in (table.column(n) for n in part_names) if k is not None]
    if total_key is None or not part_keys:
        return
    headers = {c.key: c.header[-1] for c in table.model.columns}
    for j, row in table.rows():
        parts = [table.cell(j, k) for k in part_keys]
        if not row.cells:
            continue
        equal(report, "TABLE-001", table.cell(j, total_key), total(parts),
              _sum_terms(parts, lambda c: headers[c.key]))


def _fiscal_row_sums(table: Table, report: Reporter) -> None:
    """TABLE-001 on 财政拨款收入支出决算总表: an expenditure row's 合计 = Σ its fund columns."""
    total_key = table.column("合计", side="expenditure")
    fund_keys = [k for k in (table.column(n, side="expenditure") for n in FUNDS) if k is not None]
    if total_key is None or not fund_keys:
        return
    for j, row in table.rows():
        if total_key not in row.cells and not any(k in row.cells for k in fund_keys):
            continue
        parts = [table.cell(j, k) for k in fund_keys]
        equal(report, "TABLE-001", table.cell(j, total_key), total(parts),
              _sum_terms(parts, lambda c: next(h for h in FUNDS if table.column(h, side="expenditure") == c.key)))


def _carry_forward(table: Table, report: Reporter) -> None:
    """TABLE-001 on 八/九: 年末结转和结余 = 年初结转和结余 + 本年收入 − 本年支出合计."""
    start, income = table.column("年初结转和结余"), table.column("本年收入")
    spent, end = table.column("合计", "小计", under="本年支出"), table.column("年末结转和结余")
    if None in (start, income, spent, end):
        return
    for j, row in table.rows():
        if not row.cells:
            continue
        a, b, c = table.cell(j, start), table.cell(j, income), table.cell(j, spent)
        equal(report, "TABLE-001", table.cell(j, end), a.approx + b.approx - c.approx,
              f"年初 {fmt(a.number)} + 本年收入 {fmt(b.number)} − 本年支出 {fmt(c.number)}")


def _hierarchy(table: Table, report: Reporter) -> None:
    """TABLE-002: 类 = Σ 款, 款 = Σ 项 and 合计 = Σ 类, column by column."""
    coded = table.coded()
    keys = [c.key for c in table.model.columns]
    for j, row in coded:
        if len(row.code) not in (3, 5):
            continue
        children = [k for k, r in coded if len(r.code) == len(row.code) + 2 and r.code.startswith(row.code)]
        if children:
            _column_sums(table, j, children, keys, report)
    classes = [k for k, r in coded if len(r.code) == 3]
    for j, row in table.rows():
        if not row.code and norm(row.name) in TOTAL_ROW and classes:
            _column_sums(table, j, classes, keys, report)


def _column_sums(table: Table, parent: int, children: list[int], keys: list[str], report: Reporter) -> None:
    for key in keys:
        cells = [table.cell(k, key) for k in children]
        declared = table.cell(parent, key)
        if not declared.printed and not any(c.printed for c in cells):
            continue
        level = "类级科目" if len(table.model.rows[children[0]].code or "") == 3 else "下级科目"
        equal(report, "TABLE-002", declared, total(cells), f"{level}之和（{_sum_terms(cells, lambda c: table.model.rows[c.row].code or '')}）")


def _basic_by_economic(table: Table, report: Reporter) -> None:
    """TABLE-002 on 一般公共预算财政拨款基本支出决算表: 类 = Σ 款 (经济分类), 人员经费合计 =
    301 + 303, 公用经费合计 = 302 + 310 (template p.11: the left block is 人员经费, the right 公用经费)."""
    coded = table.coded()
    for j, row in coded:
        if len(row.code) != 3:
            continue
        children = [k for k, r in coded if len(r.code) == 5 and r.code.startswith(row.code)]
        cells = [table.amount(k) for k in children]
        if children and all(cells):
            equal(report, "TABLE-002", table.amount(j), total(cells),
                  f"所列款级科目之和（{_sum_terms(cells, lambda c: table.model.rows[c.row].code or '')}）")
    for name, codes in (("人员经费合计", ("301", "303")), ("公用经费合计", ("302", "310"))):
        j = table.row(name)
        parts = [table.amount(k) for k in (table.by_code(code) for code in codes) if k is not None]
        if j is not None and parts and all(parts):
            equal(report, "TABLE-002", table.amount(j), total(parts),
                  " + ".join(f"{table.model.rows[c.row].code} {fmt(c.number)}" for c in parts))


def _three_public(table: Table, report: Reporter) -> None:
    """TABLE-002 on 财政拨款“三公”经费支出决算表: 合计 = 因公出国 + 公务用车小计 + 公务接待,
    小计 = 购置费 + 运行维护费, for 预算数 and 决算数 alike."""
    rows = three_public_rows(table)
    for key in (table.column("预算数"), table.column("决算数")):
        if key is None:
            continue
        for parent, parts in (("total", ("abroad", "car", "reception")), ("car", ("carbuy", "carrun"))):
            if rows.get(parent) is None or any(rows.get(p) is None for p in parts):
                continue
            cells = [table.cell(rows[p], key) for p in parts]
            declared = table.cell(rows[parent], key)
            if declared.printed or any(c.printed for c in cells):
                equal(report, "TABLE-002", declared, total(cells),
                      _sum_terms(cells, lambda c: table.model.rows[c.row].name))


def three_public_rows(table: Table) -> dict[str, int | None]:
    """Row index of each 三公 item (合计, abroad, car 小计, carbuy, carrun, reception)."""
    return {item: table.row(*names) for item, names in THREE_PUBLIC_ROWS.items()}


# ---------------------------------------------------------------- the two-sided summaries


def _segments(table: Table, side: str, stops: Sequence[str]) -> dict[str, list[int]]:
    """Rows of one side cut at the named rows, in printed order: ``{"": rows before the first
    stop, stop: rows after it up to the next stop}``; each stop row itself under ``"@"+stop``."""
    out: dict[str, list[int]] = {"": []}
    current = ""
    wanted = {norm(s): s for s in stops}
    for j, row in table.rows(side):
        name = norm(row.name)
        hit = next((s for n, s in wanted.items() if name == n or name.startswith(n)), None)
        if hit is not None:
            out["@" + hit] = [j]
            current = hit
            out.setdefault(current, [])
        else:
            out.setdefault(current, []).append(j)
    return out


def _items(table: Table, rows: list[int]) -> list[int]:
    return [j for j in rows if ORDINAL.match(table.model.rows[j].name.strip())]


def _summary(table: Table, report: Reporter) -> None:
    """TABLE-003 on 收入支出决算总表 (template p.5; standard-tables.md §1 identities 1–5)."""
    income = _segments(table, "income", ("本年收入合计", "使用非财政拨款结余", "年初结转和结余", "上年结转", "总计"))
    spend = _segments(table, "expenditure", ("本年支出合计", "结余分配", "年末结转和结余", "总计"))
    name = lambda c: table.model.rows[c.row].name  # noqa: E731
    amount = table.amount
    for segs, year_total, extra in ((income, "本年收入合计", ("使用非财政拨款结余", "年初结转和结余", "上年结转")),
                                    (spend, "本年支出合计", ("结余分配", "年末结转和结余"))):
        year = amount(_only(segs.get("@" + year_total)))
        items = [amount(j) for j in _items(table, segs[""])]
        if year is not None and items:
            equal(report, "TABLE-003", year, total(items), f"各项之和（{_sum_terms(items, name)}）")
        grand = amount(_only(segs.get("@总计")))
        parts = [amount(_only(segs.get("@" + s))) for s in (year_total, *extra)]
        parts = [p for p in parts if p is not None]
        if grand is not None and year is not None:
            equal(report, "TABLE-003", grand, total(parts), _sum_terms(parts, name))
    grand_in, grand_out = amount(_only(income.get("@总计"))), amount(_only(spend.get("@总计")))
    if grand_in is not None and grand_out is not None:
        equal(report, "TABLE-003", grand_out, grand_in.approx, f"收入总计 {fmt(grand_in.number)}（收入总计应等于支出总计）")


def _fiscal_summary(table: Table, report: Reporter) -> None:
    """TABLE-001/TABLE-003 on 财政拨款收入支出决算总表 (template pp.8–9; standard-tables.md §4)."""
    _fiscal_row_sums(table, report)
    income = _segments(table, "income", ("本年收入合计", "年初财政拨款结转和结余", "上年结转", "总计"))
    spend = _segments(table, "expenditure", ("本年支出合计", "年末财政拨款结转和结余", "总计"))
    name = lambda c: table.model.rows[c.row].name  # noqa: E731
    amount = table.amount
    year_in = amount(_only(income.get("@本年收入合计")))
    funds_in = [amount(j) for j in _items(table, income[""])]
    if year_in is not None and funds_in:
        equal(report, "TABLE-003", year_in, total(funds_in), f"各项之和（{_sum_terms(funds_in, name)}）")
    start_key = "年初财政拨款结转和结余" if "@年初财政拨款结转和结余" in income else "上年结转"
    start = amount(_only(income.get("@" + start_key)))
    start_funds = [amount(j) for j in _items(table, income.get(start_key, []))]
    if start is not None and start_funds:
        equal(report, "TABLE-003", start, total(start_funds), f"分预算之和（{_sum_terms(start_funds, name)}）")
    grand_in = amount(_only(income.get("@总计")))
    if grand_in is not None and year_in is not None:
        parts = [c for c in (year_in, start) if c is not None]
        equal(report, "TABLE-003", grand_in, total(parts), _sum_terms(parts, name))
    total_key = table.column("合计", side="expenditure")
    keys = [k for k in (total_key, *(table.column(f, side="expenditure") for f in FUNDS)) if k is not None]
    year_out, end, grand_out = (_only(spend.get("@" + s)) for s in ("本年支出合计", "年末财政拨款结转和结余", "总计"))
    classes = _items(table, spend[""])
    for key in keys:
        header = "·".join(table.model.columns[[c.key for c in table.model.columns].index(key)].header)
        if year_out is not None and classes:
            cells = [table.cell(j, key) for j in classes]
            declared = table.cell(year_out, key)
            if declared.printed or any(c.printed for c in cells):
                equal(report, "TABLE-003", declared, total(cells), f"{header}各类之和（{_sum_terms(cells, name)}）")
        if grand_out is not None and year_out is not None:
            parts = [table.cell(j, key) for j in (year_out, end) if j is not None]
            declared = table.cell(grand_out, key)
            if declared.printed or any(c.printed for c in parts):
                equal(report, "TABLE-003", declared, total(parts), _sum_terms(parts, name))
    if grand_in is not None and grand_out is not None and total_key is not None:
        equal(report, "TABLE-003", table.cell(grand_out, total_key), grand_in.approx,
              f"收入总计 {fmt(grand_in.number)}（收入总计应等于支出总计）")
    # Per fund: that fund's income + its year-start balance = 支出总计 in its column (§4 identity 8).
    fund_rows = _items(table, income[""])
    for n, fund in enumerate(FUNDS):
        key = table.column(fund, side="expenditure")
        if key is None or grand_out is None or n >= len(fund_rows):
            continue
        parts = [amount(fund_rows[n])]
        if n < len(start_funds):
            parts.append(start_funds[n])
        declared = table.cell(grand_out, key)
        if declared.printed or any(p.printed for p in parts):
            equal(report, "TABLE-003", declared, total(parts), _sum_terms(parts, name))


def _only(rows: list[int] | None) -> int | None:
    return rows[0] if rows else None


# ---------------------------------------------------------------- between tables


def _between(found: dict[str, Table], report: Reporter) -> None:
    """TABLE-004 (X1–X9) and TABLE-005 (I1–I3) of standard-tables.md §10."""
    t1, t2, t3 = found.get("income_expenditure_summary"), found.get("income"), found.get("expenditure")
    t4, t5, t6 = found.get("fiscal_income_expenditure_summary"), found.get("general_public_expenditure"), found.get("general_public_basic_expenditure")
    t7 = found.get("three_public")
    if t1 is not None:
        income = _segments(t1, "income", ("本年收入合计", "使用非财政拨款结余", "年初结转和结余", "总计"))
        spend = _segments(t1, "expenditure", ("本年支出合计", "结余分配", "年末结转和结余", "总计"))
        items = {norm(t1.model.rows[j].name): t1.amount(j) for j in _items(t1, income[""])}
        if t2 is not None and (t2_total := t2.row(*TOTAL_ROW)) is not None:
            same(report, t1.amount(_only(income.get("@本年收入合计"))), t2.cell(t2_total, t2.column("本年收入合计")))
            fiscal = [c for name, c in items.items() if name.endswith("财政拨款收入") and c is not None]
            if fiscal:
                equal(report, "TABLE-004", t2.cell(t2_total, t2.column("财政拨款收入")), total(fiscal),
                      f"{t1.title}财政拨款收入各项之和（{_sum_terms(fiscal, lambda c: t1.model.rows[c.row].name)}）")
            for item, column in INCOME_SOURCES.items():
                if item in items:
                    same(report, items[item], t2.cell(t2_total, t2.column(column)))
        if t3 is not None and (t3_total := t3.row(*TOTAL_ROW)) is not None:
            same(report, t1.amount(_only(spend.get("@本年支出合计"))), t3.cell(t3_total, t3.column("本年支出合计")))
            _classes(report, t1, _items(t1, spend[""]), lambda j: t1.amount(j), t3, t3.column("本年支出合计"))
        if t4 is not None:
            fiscal_rows = {norm(t4.model.rows[j].name): t4.amount(j) for j in _items(t4, _segments(t4, "income", ("本年收入合计",))[""])}
            for name, cell in items.items():
                other = fiscal_rows.get(name.removesuffix("收入"))
                if cell is not None and other is not None:
                    same(report, cell, other)
            start_all = t1.amount(_only(income.get("@年初结转和结余")))
            end_all = t1.amount(_only(spend.get("@年末结转和结余")))
            start_fiscal = t4.amount(t4.row("年初财政拨款结转和结余", side="income"))
            end_fiscal = t4.cell(t4.row("年末财政拨款结转和结余", side="expenditure"), t4.column("合计", side="expenditure"))
            not_more(report, start_fiscal, start_all)
            not_more(report, end_fiscal, end_all)
    if t4 is not None and t5 is not None:
        gpb = t4.column("一般公共预算财政拨款", side="expenditure")
        spend4 = _segments(t4, "expenditure", ("本年支出合计", "年末财政拨款结转和结余", "总计"))
        if (t5_total := t5.row(*TOTAL_ROW)) is not None:
            same(report, t4.cell(_only(spend4.get("@本年支出合计")), gpb), t5.cell(t5_total, t5.column("合计")))
        _classes(report, t4, _items(t4, spend4[""]), lambda j: t4.cell(j, gpb), t5, t5.column("合计"))
    if t5 is not None and t6 is not None and (t5_total := t5.row(*TOTAL_ROW)) is not None:
        parts = [t6.amount(t6.row(n)) for n in ("人员经费合计", "公用经费合计")]
        if all(parts):
            equal(report, "TABLE-004", t5.cell(t5_total, t5.column("基本支出")), total(parts),
                  f"{t6.title}人员经费合计 {fmt(parts[0].number)} + 公用经费合计 {fmt(parts[1].number)}")
    if t3 is not None and t5 is not None:
        _fiscal_within(report, t5, t3)
    for fund, table_id in (("政府性基金预算财政拨款", "government_fund"), ("国有资本经营预算财政拨款", "state_capital")):
        if t4 is not None and (t8 := found.get(table_id)) is not None:
            _fund_table(report, t4, fund, t8)
    if t6 is not None and t7 is not None:
        rows = three_public_rows(t7)
        actual = t7.column("决算数")
        for code, item in (("30212", "abroad"), ("30231", "carrun"), ("31013", "carbuy"), ("30217", "reception")):
            if rows.get(item) is not None and (j := t6.by_code(code)) is not None:
                not_more(report, t6.amount(j), t7.cell(rows[item], actual))


def same(report: Reporter, first: Cell | None, second: Cell | None) -> None:
    """TABLE-004: one quantity printed in two tables."""
    if first is None or second is None or (not first.printed and not second.printed):
        return
    equal(report, "TABLE-004", first, second.approx, second.label if second.printed else f"{second.label}（空白）", other=second)


def not_more(report: Reporter, part: Cell | None, whole: Cell | None) -> None:
    """TABLE-005: a fiscal figure (``part``) cannot exceed the all-funds figure it is part of."""
    if part is None or whole is None or not part.printed:
        return
    if compare_amounts(part.approx, whole.approx) is not Verdict.INCONSISTENT or part.number <= whole.number:
        return
    report.add("TABLE-005", part.path, declared=report.money(part.number), computed=f"≤ {report.money(whole.number)}",
               difference=signed(part.number - whole.number),
               message=f"{part.label}为 {fmt(part.number)}，超过其所属的{whole.label} {fmt(whole.number)}。")


def _classes(report: Reporter, summary: Table, rows: list[int], cell_of: Callable[[int], Cell | None],
             detail: Table, detail_key: str | None) -> None:
    """A summary table's class rows (一、一般公共服务支出, no code) against the detail table's
    类 rows (201 一般公共服务支出), matched by name."""
    if detail_key is None:
        return
    by_name = {norm(row.name): j for j, row in detail.coded() if len(row.code) == 3}
    for j in rows:
        cell = cell_of(j)
        k = by_name.get(norm(summary.model.rows[j].name))
        if cell is None:
            continue
        if k is None:
            if cell.printed and cell.number != 0:
                report.add("TABLE-004", cell.path, declared=report.money(cell.number), computed=report.money(0),
                           difference=signed(cell.number),
                           message=f"{cell.label}为 {fmt(cell.number)}，而{detail.title}没有这一类级科目。")
            continue
        same(report, cell, detail.cell(k, detail_key))


def _fiscal_within(report: Reporter, fiscal: Table, everything: Table) -> None:
    """I1: 一般公共预算 基本/项目支出 of a code ≤ all funds' 基本/项目支出 of the same code."""
    for name in ("基本支出", "项目支出"):
        a, b = fiscal.column(name), everything.column(name)
        if a is None or b is None:
            continue
        for j, row in fiscal.coded():
            k = everything.by_code(row.code)
            if k is not None:
                not_more(report, fiscal.cell(j, a), everything.cell(k, b))


def _fund_table(report: Reporter, t4: Table, fund: str, table: Table) -> None:
    """X9: 财政拨款收入支出决算总表's column and income row of a fund against that fund's table."""
    j = table.row(*TOTAL_ROW)
    if j is None:
        return
    key = t4.column(fund, side="expenditure")
    spend = _segments(t4, "expenditure", ("本年支出合计", "年末财政拨款结转和结余", "总计"))
    income = _segments(t4, "income", ("本年收入合计", "年初财政拨款结转和结余", "总计"))
    fund_rows = [k for k in _items(t4, income[""]) if norm(t4.model.rows[k].name) == norm(fund)]
    start_rows = [k for k in _items(t4, income.get("年初财政拨款结转和结余", [])) if norm(t4.model.rows[k].name) == norm(fund)]
    pairs = (
        (t4.cell(_only(spend.get("@本年支出合计")), key), table.column("合计", "小计", under="本年支出")),
        (t4.cell(_only(spend.get("@年末财政拨款结转和结余")), key), table.column("年末结转和结余")),
        (t4.amount(_only(fund_rows)), table.column("本年收入")),
        (t4.amount(_only(start_rows)), table.column("年初结转和结余")),
    )
    for cell, column in pairs:
        if cell is not None and column is not None:
            same(report, cell, table.cell(j, column))
