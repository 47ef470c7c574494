"""The prose of a document — its narrative Markdown and its tables' text cells — with locations.

Rules that read prose (XREF, UNIT, YEAR, COPY) take their text and its position from here, so a
finding in a narrative names the Markdown file and line the editor has to open.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from decimal import Decimal
from pathlib import Path

from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .context import evaluations


@dataclass(frozen=True)
class Passage:
    """One piece of prose: ``path`` in the document, the ``text``, and where its first
    character is (``file``, 1-based ``line`` and ``column``). ``narrative`` is true for
    Markdown narratives, false for a table's text cell."""

    path: DataPath
    text: str
    file: Path
    line: int
    column: int
    narrative: bool

    def locate(self, offset: int) -> tuple[Path, int, int]:
        """(file, line, column) of the character at ``offset`` in ``text``."""
        if not self.narrative:
            return self.file, self.line, self.column
        line = bisect_right(self._line_starts, offset) - 1
        return self.file, self.line + line, offset - self._line_starts[line] + 1

    @cached_property
    def _line_starts(self) -> list[int]:
        """Offsets where lines begin: found once, so locating each of many findings is a binary search."""
        return [0, *(match.end() for match in re.finditer("\n", self.text))]

    def excerpt(self, start: int, end: int, width: int = 12) -> str:
        """The matched text with a few characters of context, on one line."""
        left = max(0, start - width)
        text = self.text[left:end + width].replace("\n", " ")
        return ("…" if left else "") + text.strip() + ("…" if end + width < len(self.text) else "")


def narratives(doc: LoadedDocument) -> Iterator[Passage]:
    """The document's narrative Markdown files (its own, then each project's)."""
    folder = doc.file.parent
    if doc.narrative and doc.model.narrative:
        yield Passage(("narrative",), doc.narrative, folder / doc.model.narrative, 1, 1, True)
    for i, project in enumerate(getattr(doc.model, "projects", [])):
        text = doc.project_narratives.get(project.slug)
        if text and project.narrative:
            yield Passage(("projects", i, "narrative"), text, folder / project.narrative, 1, 1, True)


def table_cells(doc: LoadedDocument) -> Iterator[Passage]:
    """Text cells of the performance tables: goals, deviations and notes.

    Figures' ``text`` is left out: it quotes the narrative the figure was read from, and a
    sentence must not be reported twice.
    """
    def cell(path: DataPath, text: str | None) -> Iterator[Passage]:
        if text:
            line, column = doc.locate(path)
            yield Passage(path, text, doc.file, line, column, False)

    for path, evaluation in evaluations(doc):
        for i, goal in enumerate(evaluation.goals):
            yield from cell((*path, "goals", i, "target"), goal.target)
            yield from cell((*path, "goals", i, "result"), goal.result)
        yield from cell((*path, "deviation"), evaluation.deviation)
        for i, indicator in enumerate(evaluation.indicators):
            yield from cell((*path, "indicators", i, "deviation"), indicator.deviation)


def prose(doc: LoadedDocument) -> Iterator[Passage]:
    yield from narratives(doc)
    yield from table_cells(doc)


# Per-unit rates (100元/人/年) and thresholds (单价100万元（含）以上) are not amounts of the document.
# Digits as the model bounds them (values.MAX_WHOLE_DIGITS, MAX_PLACES): a longer run is no amount.
AMOUNT = re.compile(r"(?<![\d.,，])(\d{1,3}(?:,\d{3}){1,4}|\d{1,15})(\.\d{1,6})?\s*(万元|元)(?![/／每])(?!(?:（含）|\(含\))?以[上下])")


@dataclass(frozen=True)
class Amount:
    """An amount written in prose: ``value`` as printed (precision kept) and its ``unit``."""

    value: Decimal
    unit: str
    start: int
    end: int


def amounts(text: str) -> Iterator[Amount]:
    """Amounts followed by 万元 or 元 (not per-unit rates such as ``100元/人/年``)."""
    for match in AMOUNT.finditer(text):
        digits = match.group(1).replace(",", "") + (match.group(2) or "")
        yield Amount(Decimal(digits), match.group(3), match.start(), match.end())
