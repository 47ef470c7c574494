"""The prose of a PDF disclosure as Markdown: every heading as printed, the 目录 as a list,
the part headings around the tables, a pointer where each table stands, untitled grids (the
部门决算单位构成 table) as Markdown tables.

Paragraphs are rebuilt from printed lines: a line starts a paragraph when it is indented, is a
heading, or follows a short (ended) line; otherwise it continues the line before.
"""
from __future__ import annotations

import re

from .pdf import Block, Line, PdfReading

_PART = re.compile(r"^第[一二三四五六七八九十]+部分")
_SECTION = re.compile(r"^[一二三四五六七八九十]+、")
_SUBSECTION = re.compile(r"^[（(][一二三四五六七八九十]+[）)]")
_ENDED = ("。", "；", "：", ":", ";")
_CLOSING = ("。", "；", "：", "！", "？", "”", "）", ":", ";")


def _heading_level(text: str) -> int | None:
    """2 for 第X部分, 3 for 一、…, 4 for （一）…, when the paragraph is a heading (short and
    not a sentence)."""
    if len(text) > 40 or text.endswith(_ENDED) or "：指" in text:
        return None
    if _PART.match(text) or re.search(r"年度部门(决算|预算)表$", text):
        return 2  # ghj heads its tables 上海市规划和自然资源局2024年度部门决算表, without 第二部分
    if _SECTION.match(text):
        return 3
    if _SUBSECTION.match(text):
        return 4
    return 2 if text.replace(" ", "") == "目录" else None


def to_markdown(reading: PdfReading) -> str:
    """The narrative Markdown of ``reading`` (see the module docstring)."""
    paragraphs: list[tuple[int, list[str]] | Block] = []
    previous: Line | None = None
    previous_heading = False
    for item in reading.stream:
        if isinstance(item, Block):
            paragraphs.append(item)
            previous, previous_heading = None, False
            continue
        left, right = reading.margins.get(item.page, (item.x0, item.x1))
        short = item.x1 < right - 2 * item.height
        level = _heading_level(item.text)
        heading = level is not None and (short or level == 2)  # a part heading may run to the margin
        last = paragraphs[-1] if paragraphs else None
        if previous_heading and not heading and short and len(item.text) <= 4:
            last[1].append(item.text)  # type: ignore[index]  # a heading's last word wrapped (…情况 / 说明)
            continue
        starts = (previous is None or not isinstance(last, tuple) or _starts(item, left) or heading or previous_heading
                  or previous.x1 < right - 2 * previous.height and previous.text.endswith(_CLOSING))
        if starts:
            paragraphs.append((item.page, [item.text]))
        else:
            last[1].append(item.text)  # type: ignore[index]
        previous, previous_heading = item, heading
    out: list[str] = []
    toc_page: int | None = None
    for paragraph in paragraphs:
        if isinstance(paragraph, Block):
            toc_page = None
            out.append(f"（见表：{paragraph.title}）" if paragraph.title else _grid_markdown(paragraph.rows))
            continue
        page, lines = paragraph
        text = "".join(lines)
        level = _heading_level(text)
        if text.replace(" ", "") == "目录":
            toc_page = page
            out.append("## 目录")
            continue
        if toc_page is not None and page > toc_page and _PART.match(text) and out[-1].startswith(("- ", "  - ")) \
                and text.startswith("第一部分"):
            toc_page = None      # the body begins: 第一部分 again, on a page after the 目录
        if toc_page is not None:
            toc_page = page
            if _PART.match(text):
                out.append("- " + re.sub(r"^(第[一二三四五六七八九十]+部分)\s*", r"\1 ", text))
            elif _SECTION.match(text):
                out.append(f"  - {text}")
            elif out[-1].startswith(("- ", "  - ")):
                out[-1] += text   # an entry wrapped onto the next line
            else:
                out.append(text)
            continue
        if level is not None:
            text = re.sub(r"^(第[一二三四五六七八九十]+部分)\s*", r"\1 ", text)
        out.append("#" * level + " " + text if level is not None else text)
    return "\n\n".join(_tidy(out)).strip() + "\n"


def _starts(line: Line, left: float) -> bool:
    return line.x0 > left + line.height  # a first-line indent of about one character


def _tidy(out: list[str]) -> list[str]:
    """Consecutive list entries belong to one list (no blank line between them)."""
    tidy: list[str] = []
    for line in out:
        if tidy and line.startswith(("- ", "  - ")) and tidy[-1].split("\n")[-1].startswith(("- ", "  - ")):
            tidy[-1] += "\n" + line
        else:
            tidy.append(line)
    return tidy


def _grid_markdown(rows: list[list[str]]) -> str:
    rows = [row for row in rows if any(row)]
    if not rows:
        return ""
    cell = lambda text: text.replace("|", "\\|")  # noqa: E731
    lines = ["| " + " | ".join(cell(t) for t in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell(t) for t in row) + " |" for row in rows[1:]]
    return "\n".join(lines)
