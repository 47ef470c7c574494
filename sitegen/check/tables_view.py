"""Reading the standard tables by what their cells mean, not by their YAML keys.

Tables are stored as printed (``sitegen/model/tables.py``), so a column is found by its printed
header and a fixed row by its printed label, the way a reader of the PDF finds them: 财政局
heads a column 小计 where the template says 合计, numbers its expenditure rows 一、…二十六、, and
prints its quotes as separate glyphs. Names compare after ``norm`` (no spaces or quotes,
half-width brackets, no leading ordinal such as 一、).

Blank cells are absent from a row and count as zero in arithmetic (``standard-tables.md`` §0);
a printed cell carries its rounding (``Approx.money``), a blank one none.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal

from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import Approx

ORDINAL = re.compile(r"^[一二三四五六七八九十]+、")
_DROP = re.compile(r"[\s“”\"‘’'「」]")
_BRACKETS = str.maketrans("（）：", "():")


def norm(text: str) -> str:
    """A printed label reduced for comparison: no spaces or quotes, half-width brackets, no
    leading ordinal (``一、一般公共服务支出`` → ``一般公共服务支出``)."""
    return ORDINAL.sub("", _DROP.sub("", text).translate(_BRACKETS))


ZERO = Approx.exact(Decimal(0))


@dataclass(frozen=True)
class Cell:
    """One cell of a table: where it is, what it is called, and its printed value (``None``
    when blank)."""

    table: int
    row: int
    key: str
    value: Decimal | None
    label: str

    @property
    def path(self) -> DataPath:
        return ("tables", self.table, "rows", self.row, self.key)

    @property
    def approx(self) -> Approx:
        return Approx.money(self.value) if self.value is not None else ZERO

    @property
    def number(self) -> Decimal:
        return self.value if self.value is not None else Decimal(0)

    @property
    def printed(self) -> bool:
        return self.value is not None


def total(cells: Iterable[Cell]) -> Approx:
    """Σ of cells, blanks as exact zeros."""
    out = ZERO
    for cell in cells:
        out = out + cell.approx
    return out


class Table:
    """One standard table of a document, with lookups by printed header and label."""

    def __init__(self, index: int, model):
        self.index = index
        self.model = model
        self.id: str = model.id
        self.title: str = model.title

    def column(self, *names: str, side: str | None = None, under: str | None = None) -> str | None:
        """Key of the first column whose printed header ends with one of ``names`` (normalised);
        ``side`` restricts to that half of a two-sided table, ``under`` to a header path that
        contains that outer header."""
        wanted = {norm(n) for n in names}
        for column in self.model.columns:
            if side is not None and column.side not in (None, side):
                continue
            header = [norm(h) for h in column.header]
            if under is not None and norm(under) not in header[:-1]:
                continue
            if header and header[-1] in wanted:
                return column.key
        return None

    def side_columns(self, side: str) -> list[str]:
        return [c.key for c in self.model.columns if c.side == side]

    def rows(self, side: str | None = None) -> Iterator[tuple[int, object]]:
        for j, row in enumerate(self.model.rows):
            if side is None or row.side == side:
                yield j, row

    def row(self, *names: str, side: str | None = None) -> int | None:
        """Index of the first row printed with one of ``names`` (normalised), on ``side``."""
        wanted = {norm(n) for n in names}
        return next((j for j, row in self.rows(side) if norm(row.name) in wanted), None)

    def by_code(self, code: str) -> int | None:
        """Index of the first row printed with classification ``code``."""
        return next((j for j, row in self.rows() if row.code == code), None)

    def cell(self, j: int | None, key: str | None) -> Cell | None:
        if j is None or key is None:
            return None
        row = self.model.rows[j]
        return Cell(self.index, j, key, row.cells.get(key), self.label(j, key))

    def amount(self, j: int | None, side: str | None = None) -> Cell | None:
        """The single amount of a row of a two-sided table (收入 › 决算数): the column of its
        side, or the row's only printed cell."""
        if j is None:
            return None
        row = self.model.rows[j]
        side = side or row.side
        keys = self.side_columns(side) if side else []
        if not keys and side and self.model.column(side) is not None:
            keys = [side]  # 一/四/六 name the amount column after its side (income, personnel …)
        if len(keys) == 1:
            return self.cell(j, keys[0])
        if len(row.cells) == 1:
            return self.cell(j, next(iter(row.cells)))
        if keys:
            return self.cell(j, keys[0])
        return None

    def label(self, j: int, key: str) -> str:
        row = self.model.rows[j]
        column = next((c for c in self.model.columns if c.key == key), None)
        header = "·".join(column.header) if column else key
        name = f"{row.code} {row.name}" if row.code else row.name
        return f"{self.title}“{name}”{header}"

    def coded(self) -> list[tuple[int, object]]:
        return [(j, row) for j, row in enumerate(self.model.rows) if row.code]


def tables(doc: LoadedDocument) -> dict[str, Table]:
    """The document's standard tables by id (the first of each id)."""
    out: dict[str, Table] = {}
    for i, model in enumerate(getattr(doc.model, "tables", None) or []):
        out.setdefault(model.id, Table(i, model))
    return out
