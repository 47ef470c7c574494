"""Read a born-digital 部门决算 PDF: its ruled standard tables and its text, with pdfplumber.

pdfplumber's ruled-table finder (``page.find_tables()``, default ``lines`` strategy) is the
extractor ``shared/reference/pdf-extraction.md`` measured as reading every printed cell of the
Shanghai disclosures right; this module only adds what that note lists as needed around it:
the title above each grid, 单位, the notes below it, tables continued on the next page without
a header, and the prose between the tables. No OCR: a page without a text layer is an error.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pdfplumber
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from .grid import Cell, Grid, clean, match_title


class NotADisclosure(Exception):
    """The file is not a PDF this importer can read as a disclosure (why, in the message)."""


@dataclass
class Line:
    """A printed line: its words joined in reading order, and where it sits on its page."""

    page: int
    text: str
    x0: float
    x1: float
    top: float
    height: float


@dataclass
class Block:
    """What the narrative sees between lines: a standard table (by title) or an untitled grid."""

    page: int
    top: float
    title: str | None = None
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class PdfReading:
    """Everything read from one PDF: the cover title, the standard tables' grids in printed
    order, the prose lines and table positions in reading order, each page's text margins."""

    pages: int
    cover: str
    grids: list[Grid]
    stream: list[Line | Block]
    margins: dict[int, tuple[float, float]]


def read_pdf(path: Path) -> PdfReading:
    """Read ``path``. Raises ``NotADisclosure`` when it is not a PDF, has no text layer (a scan:
    no OCR here), or prints none of the nine standard table titles."""
    try:
        pdf = pdfplumber.open(path)
    except (PdfminerException, PDFSyntaxError, ValueError, TypeError, KeyError) as exc:
        raise NotADisclosure(f"{path}: not a readable PDF ({exc.__class__.__name__})") from None
    with pdf:
        pages = list(pdf.pages)
        if not pages:
            raise NotADisclosure(f"{path}: the PDF has no pages")
        if not any(page.chars for page in pages):
            raise NotADisclosure(f"{path}: no page has a text layer (a scan?) — sitegen import reads born-digital PDFs and does no OCR")
        reading = _read(pages)
    if not reading.grids:
        raise NotADisclosure(f"{path}: none of the nine standard tables (收入支出决算总表 … 国有资本经营预算财政拨款收入支出决算表) "
                             f"is printed on its {reading.pages} page(s) — not a 部门决算 disclosure")
    return reading


def _read(pages: list) -> PdfReading:
    grids: list[Grid] = []
    stream: list[Line | Block] = []
    margins: dict[int, tuple[float, float]] = {}
    open_grid: Grid | None = None
    open_width = 0
    cover = ""
    for number, page in enumerate(pages, start=1):
        tables = sorted(page.find_tables(), key=lambda t: t.bbox[1])
        boxes = [t.bbox for t in tables]
        words = [w for w in page.extract_words() if not any(_inside(w, box) for box in boxes)]
        lines = _lines(words, number)
        if lines:
            margins[number] = (min(l.x0 for l in lines), max(l.x1 for l in lines))
        if number == 1 and not tables:
            cover = "".join(l.text for l in lines)
            page.close()
            continue
        used: set[int] = set()
        previous_bottom = 0.0
        for table in tables:
            _, top, _, bottom = table.bbox
            above = [i for i, l in enumerate(lines) if previous_bottom <= l.top < top and i not in used]
            title_index = next((i for i in reversed(above) if match_title(lines[i].text)), None)
            rows = _cells(table)
            width = len(rows[0]) if rows else 0
            if title_index is not None:
                title = match_title(lines[title_index].text)
                used.add(title_index)
                unit = "万元"
                for i in above:
                    if i > title_index and lines[i].text.startswith("单位"):
                        used.add(i)
                        unit = "元" if re.search(r"单位[:：]\s*元", lines[i].text) else "万元"
                grid = Grid(title=title, pages=[number], rows=rows, money_unit=unit)  # type: ignore[arg-type]
                grid.where = f"page {number}, {title}"
                grids.append(grid)
                stream.append(Block(number, lines[title_index].top, title=title))
                open_grid, open_width = grid, width
            elif open_grid is not None and not above and width == open_width and open_grid.pages[-1] == number - 1:
                open_grid.rows.extend(rows)          # continued from the previous page, no header repeated
                open_grid.pages.append(number)
            else:
                stream.append(Block(number, top, rows=[[c.text for c in row] for row in rows]))
                open_grid = None
            note = _notes([(i, line) for i, line in enumerate(lines) if line.top >= bottom and i not in used], used)
            if title_index is not None:
                grids[-1].notes.extend(note)
            elif open_grid is not None:
                open_grid.notes.extend(note)
            previous_bottom = bottom
        stream.extend(l for i, l in enumerate(lines) if i not in used)
        page.close()  # drop the page's parsed objects: memory stays one page deep on long PDFs
        if open_grid is not None and open_grid.pages[-1] != number:
            open_grid = None
    stream.sort(key=lambda item: (item.page, item.top))
    return PdfReading(len(pages), cover, grids, stream, margins)


_NOTE = re.compile(r"^(注|说明)[:：]")


def _notes(below: list[tuple[int, Line]], used: set[int]) -> list[str]:
    """The notes printed right under a grid (``注：…``, ``说明：…``), each with the lines it wraps
    onto; stops at the first line that is neither (a title, a heading, the prose)."""
    notes: list[str] = []
    for i, line in below:
        if _NOTE.match(line.text):
            notes.append(line.text)
        elif notes and not match_title(line.text) and line.x0 <= below[0][1].x0 + 2 \
                and not re.match(r"^(第[一二三四五六七八九十]+部分|[一二三四五六七八九十]+、)", line.text):
            notes[-1] += line.text
        else:
            break
        used.add(i)
    return notes


def _inside(word: dict, box: tuple) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return box[0] <= cx <= box[2] and box[1] <= cy <= box[3]


def _lines(words: list[dict], page: int) -> list[Line]:
    """Words grouped into printed lines. Digits are often set in another font whose baseline
    sits a few points lower than the Chinese around them (czj), so a word joins the line when
    its vertical centre lies within the line's extent so far."""
    lines: list[list[dict]] = []
    bottom = 0.0
    for word in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and (word["top"] + word["bottom"]) / 2 <= bottom:
            lines[-1].append(word)
            bottom = max(bottom, word["bottom"])
            continue
        lines.append([word])
        bottom = word["bottom"]
    out = []
    for group in lines:
        group.sort(key=lambda w: w["x0"])
        text = ""
        for word in group:
            if text and re.match(r"[A-Za-z0-9]", word["text"][0]) and re.match(r"[A-Za-z0-9.%]", text[-1]):
                text += " "
            text += word["text"]
        out.append(Line(page, text, group[0]["x0"], max(w["x1"] for w in group), group[0]["top"], group[0]["bottom"] - group[0]["top"]))
    return out


def _cells(table) -> list[list[Cell]]:
    """The grid's positions, each with the text of the (possibly merged) cell covering it."""
    texts = table.extract()
    starts: dict[tuple, str] = {}
    for r, row in enumerate(table.rows):
        for j, bbox in enumerate(row.cells):
            if bbox is not None:
                starts[tuple(bbox)] = clean(texts[r][j])
    xs = sorted({round(c[0], 1) for c in table.cells})
    width = max((len(row) for row in texts), default=0)
    if len(xs) != width:  # pdfplumber's columns are the cells' distinct left edges; keep its own count
        xs = xs[:width]
    grid: list[list[Cell]] = []
    for r, row in enumerate(table.rows):
        top = row.bbox[1]
        out = []
        for j in range(width):
            x = xs[j] + 0.5 if j < len(xs) else None
            covering = next((c for c in table.cells if x is not None and c[0] <= x < c[2] and c[1] <= top + 0.5 < c[3]), None)
            out.append(Cell(starts.get(tuple(covering), "") if covering else "", tuple(covering) if covering else ("none", r, j)))
        grid.append(out)
    return grid
