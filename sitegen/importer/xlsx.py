"""Read an XLSX workbook holding one standard table per sheet (an Excel export of the tables).

Each sheet: the table's title (in the sheet name or the first rows), an optional ``单位：`` row,
the grid (merged header cells allowed) and the notes after it (``注：…``/``说明：…``). Numbers
stored as numbers are written with the places their cell format shows (``0.00`` stays
``0.00``); text cells are taken as printed.
"""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from .grid import Cell, Grid, clean, match_title
from .pdf import NotADisclosure


def read_xlsx(path: Path) -> tuple[list[Grid], str]:
    """The standard tables' grids of ``path`` and the workbook's cover line (its first sheet's
    title when that sheet is not a table, else ``""``). Raises ``NotADisclosure`` for a file
    that is not a workbook or holds no standard table."""
    try:
        book = load_workbook(path, read_only=False, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, OSError) as exc:
        raise NotADisclosure(f"{path}: not a readable XLSX workbook ({exc.__class__.__name__})") from None
    grids: list[Grid] = []
    cover = ""
    for sheet in book.worksheets:
        rows = _values(sheet)
        title = match_title(sheet.title)
        start = 0
        for i, row in enumerate(rows[:3]):
            texts = [t for t in row if t]
            if len(texts) == 1 and match_title(texts[0]):
                title, start = match_title(texts[0]), i + 1
        if title is None:
            if not grids and not cover:
                cover = "".join(t for row in rows[:3] for t in row if t)
            continue
        unit = "万元"
        if start < len(rows) and any(t.startswith("单位") for t in rows[start] if t):
            unit = "元" if any(re.search(r"单位[:：]\s*元", t) for t in rows[start] if t) else "万元"
            start += 1
        body = rows[start:]
        notes: list[str] = []
        while body and (not any(body[-1]) or _is_note(body[-1])):
            if any(body[-1]):
                notes.insert(0, next(t for t in body[-1] if t))
            body = body[:-1]
        spans = _spans(sheet, start)
        grid_rows = [[Cell(text, spans.get((r, c), (r, c))) for c, text in enumerate(row)] for r, row in enumerate(body)]
        grid = Grid(title=title, pages=[], rows=grid_rows, notes=notes, money_unit=unit)
        grid.where = f"sheet '{sheet.title}', {title}"
        grids.append(grid)
    if not grids:
        raise NotADisclosure(f"{path}: no sheet holds one of the nine standard tables (by sheet name or title row)")
    return grids, cover


def _is_note(row: list[str]) -> bool:
    texts = [t for t in row if t]
    return len(texts) == 1 and bool(re.match(r"^(注|说明)[:：]", texts[0]))


def _values(sheet) -> list[list[str]]:
    """Every row as text, merged cells reading their top-left value."""
    merged = {}
    for block in sheet.merged_cells.ranges:
        top_left = sheet.cell(block.min_row, block.min_col)
        for r in range(block.min_row, block.max_row + 1):
            for c in range(block.min_col, block.max_col + 1):
                merged[(r, c)] = top_left
    rows = []
    for r in range(1, sheet.max_row + 1):
        rows.append([_text(merged.get((r, c)) or sheet.cell(r, c)) for c in range(1, sheet.max_column + 1)])
    while rows and not any(rows[-1]):
        rows.pop()
    return rows


def _spans(sheet, start: int) -> dict[tuple[int, int], object]:
    """Grid position (0-based, from the grid's first row) → the merged range covering it."""
    spans = {}
    for block in sheet.merged_cells.ranges:
        for r in range(block.min_row, block.max_row + 1):
            for c in range(block.min_col, block.max_col + 1):
                spans[(r - 1 - start, c - 1)] = str(block)
    return spans


def _text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, float)):
        places = _places(cell.number_format)
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        return str(number.quantize(Decimal(1).scaleb(-places))) if places is not None else str(number)
    return clean(str(value))


def _places(number_format: str) -> int | None:
    """Decimal places a number format shows (``#,##0.00`` → 2), ``None`` for General."""
    match = re.search(r"0\.(0+)", number_format or "")
    if match:
        return len(match[1])
    return 0 if re.search(r"[0#]", number_format or "") and number_format != "General" else None
