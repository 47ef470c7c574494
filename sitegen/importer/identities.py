"""The simple identities the import report recomputes, so an editor can tell an extraction error
from a mistake in the publication before any page is built (standard-tables.md §2–7).

Only sums whose parts are printed in the same table: 合计 = Σ 类 rows, 类 = Σ its 款, a row's
total = its parts (基本支出 + 项目支出 + …), 六's 人员/公用经费合计 = Σ its 类, 七's 合计 = Σ items.
A blank cell counts as zero; a sum none of whose cells is printed is not checked. The full
rule family with rounding bounds is the checker's (``sitegen check``), not this report's.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ..model.tables import StandardTable, TableRow

_ROW_PARTS = {
    "income": ("total", ("fiscal", "superior", "service", "operating", "affiliated", "other")),
    "expenditure": ("total", ("basic", "project", "remit_superior", "operating", "subsidy_affiliated")),
    "general_public_expenditure": ("total", ("basic", "project")),
    "government_fund": ("exp_total", ("exp_basic", "exp_project")),
    "state_capital": ("exp_total", ("exp_basic", "exp_project")),
}


@dataclass(frozen=True)
class Failure:
    """One identity that does not hold: what, where, the printed and the recomputed amount."""

    table: str
    identity: str
    declared: Decimal
    computed: Decimal

    def __str__(self) -> str:
        return f"{self.table}: {self.identity}: printed {self.declared}, parts sum to {self.computed} (difference {self.declared - self.computed:+})"


def _sum(rows: list[TableRow], key: str) -> Decimal | None:
    values = [row.cells[key] for row in rows if key in row.cells]
    return sum(values, Decimal(0)) if values else None


def _compare(out: list[Failure], table: StandardTable, identity: str, declared: Decimal | None, computed: Decimal | None) -> None:
    if declared is None and computed is None:
        return
    declared, computed = declared or Decimal(0), computed or Decimal(0)
    if declared != computed:
        out.append(Failure(table.title, identity, declared, computed))


def failures(table: StandardTable) -> list[Failure]:
    """Every simple identity of ``table`` that does not hold."""
    out: list[Failure] = []
    if table.id in _ROW_PARTS:
        keys = [column.key for column in table.columns]
        total_key, parts = _ROW_PARTS[table.id]
        classes = [row for row in table.rows if row.level == "类"]
        for total in table.rows_named("合计"):
            for key in keys:
                _compare(out, table, f"合计 [{key}] = Σ 类", total.cells.get(key), _sum(classes, key))
        for parent in table.rows:
            if parent.level in ("类", "款"):
                width = len(parent.code) + 2  # type: ignore[arg-type]
                children = [row for row in table.rows if row.code and len(row.code) == width and row.code.startswith(parent.code)]  # type: ignore[arg-type]
                if children:
                    for key in keys:
                        _compare(out, table, f"{parent.code} {parent.name} [{key}] = Σ 下级", parent.cells.get(key), _sum(children, key))
        for row in table.rows:
            present = [key for key in parts if key in keys]
            printed = [row.cells[key] for key in present if key in row.cells]
            _compare(out, table, f"{row.code or ''} {row.name} [{total_key}] = {' + '.join(present)}".strip(),
                     row.cells.get(total_key), sum(printed, Decimal(0)) if printed else None)
    elif table.id == "general_public_basic_expenditure":
        for side, label in (("personnel", "人员经费合计"), ("public", "公用经费合计")):
            classes = [row for row in table.rows if row.side == side and row.level == "类"]
            for total in table.rows_named(label, side):
                _compare(out, table, f"{label} = Σ 类", total.cells.get(side), _sum(classes, side))
            for parent in classes:
                children = [row for row in table.rows if row.code and len(row.code) == 5 and row.code.startswith(parent.code)]  # type: ignore[arg-type]
                _compare(out, table, f"{parent.code} {parent.name} = Σ 款", parent.cells.get(side), _sum(children, side))
    elif table.id == "three_public":
        items = {row.name: row for row in table.rows if row.group is None}
        vehicles = [row for row in table.rows if row.group]
        subtotal = next((row for row in vehicles if row.name in ("小计", "合计")), None)
        for key in ("budget", "actual"):
            if "合计" in items:
                parts = [row for name, row in items.items() if name != "合计"] + ([subtotal] if subtotal else [])
                _compare(out, table, f"合计 [{key}] = Σ 项目", items["合计"].cells.get(key), _sum(parts, key))
            if subtotal is not None:
                _compare(out, table, f"{subtotal.group} 小计 [{key}] = 购置 + 运行", subtotal.cells.get(key),
                         _sum([row for row in vehicles if row is not subtotal], key))
    return out
