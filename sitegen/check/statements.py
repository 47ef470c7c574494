"""Statements of direction and comparison in prose, judged against the numbers they describe.

A disclosure says how one number stands to another in words: 增加 / 减少 / 持平 (against last
year), 大于 / 小于 / 等于 (决算数 against 预算数), 超过 / 未达到 (against a target). This module
reads such words and judges them against two amounts, with the amounts' rounding taken into
account, so any rule family can use it (tables, self-evaluations)::

    >>> [s.direction for s in find_directions("决算数小于预算数的主要原因")]
    [<Direction.LESS: 'less'>]
    >>> judge(Direction.LESS, Approx.money(Decimal("1511.89")), Approx.money(Decimal("1560.05")))
    <Verdict.CONSISTENT: 'consistent'>

``judge(direction, subject, reference)`` (or ``judge_word("小于", subject, reference)``) asks whether ``subject`` stands to ``reference`` as
said: CONSISTENT, ROUNDING (true only within the figures' rounding, a 尾差) or INCONSISTENT.
“基本持平” / “基本一致” (roughly equal) allow a difference of up to ``ROUGHLY`` (1%) of the
larger amount. Source: the template sentences of the 部门决算 情况说明 (Shanghai 普陀区 2024
template pp.15–21: “决算数小于预算数的主要原因”, “与2023年度相比…增加（减少）…持平”).
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from .arith import Approx, Verdict


class Direction(Enum):
    """How a subject stands to its reference: more, less or the same."""

    MORE = "more"
    LESS = "less"
    SAME = "same"


ROUGHLY = Decimal("0.01")
"""“基本持平”: a difference up to 1% of the larger amount still counts as the same."""

# Longest words first so 基本持平 wins over 持平 and 未达到 over 达到.
WORDS: dict[str, Direction] = {
    "基本持平": Direction.SAME, "基本一致": Direction.SAME, "基本相当": Direction.SAME,
    "未达到": Direction.LESS, "未完成": Direction.LESS,
    "持平": Direction.SAME, "等于": Direction.SAME, "相等": Direction.SAME, "一致": Direction.SAME, "相同": Direction.SAME,
    "增加": Direction.MORE, "增长": Direction.MORE, "上升": Direction.MORE, "提高": Direction.MORE,
    "大于": Direction.MORE, "高于": Direction.MORE, "多于": Direction.MORE, "超过": Direction.MORE, "超出": Direction.MORE,
    "减少": Direction.LESS, "下降": Direction.LESS, "降低": Direction.LESS, "减小": Direction.LESS,
    "小于": Direction.LESS, "低于": Direction.LESS, "少于": Direction.LESS, "不足": Direction.LESS,
}
_WORD = re.compile("|".join(sorted(WORDS, key=len, reverse=True)))
OPPOSITE = {Direction.MORE: Direction.LESS, Direction.LESS: Direction.MORE, Direction.SAME: Direction.SAME}
SAY = {Direction.MORE: "多于", Direction.LESS: "少于", Direction.SAME: "等于"}


@dataclass(frozen=True)
class Statement:
    """A direction word found in a text: the ``word`` as printed, its ``direction``, whether it
    only claims rough equality (``roughly``, “基本持平”), and its span ``start``–``end``."""

    word: str
    direction: Direction
    roughly: bool
    start: int
    end: int


def direction_of(word: str) -> Direction | None:
    """The direction a single word states (“减少” → LESS), or ``None`` for another word."""
    return WORDS.get(word)


def find_directions(text: str) -> Iterator[Statement]:
    """Every direction word in ``text``, left to right."""
    for match in _WORD.finditer(text):
        word = match.group()
        yield Statement(word, WORDS[word], word.startswith("基本"), match.start(), match.end())


def actual(subject: Approx, reference: Approx) -> Direction:
    """The direction the central values show (no rounding allowance)."""
    if subject.value > reference.value:
        return Direction.MORE
    if subject.value < reference.value:
        return Direction.LESS
    return Direction.SAME


def judge(direction: Direction, subject: Approx, reference: Approx, *, roughly: bool = False) -> Verdict:
    """Whether ``subject`` stands to ``reference`` as ``direction`` says.

    SAME holds when the two are equal (ROUNDING when equal only within their rounding; with
    ``roughly``, within ``ROUGHLY`` of the larger). MORE / LESS hold when the central values
    differ that way; a stated difference the rounding could erase, or create, is ROUNDING.
    """
    difference = subject.value - reference.value
    bound = subject.error + reference.error
    if direction is Direction.SAME:
        if difference == 0:
            return Verdict.CONSISTENT
        if abs(difference) <= bound:
            return Verdict.ROUNDING
        if roughly and abs(difference) <= ROUGHLY * max(abs(subject.value), abs(reference.value)):
            return Verdict.CONSISTENT
        return Verdict.INCONSISTENT
    sign = 1 if direction is Direction.MORE else -1
    if sign * difference > bound:
        return Verdict.CONSISTENT
    if sign * difference > 0 or abs(difference) <= bound and difference != 0:
        return Verdict.ROUNDING
    return Verdict.INCONSISTENT


def judge_word(word: str, subject: Approx, reference: Approx) -> Verdict | None:
    """``judge`` for a printed word (“小于”, “基本持平”); ``None`` when the word states no
    direction."""
    direction = direction_of(word)
    if direction is None:
        return None
    return judge(direction, subject, reference, roughly=word.startswith("基本"))


def describe(direction: Direction) -> str:
    """The plain Chinese comparison word for ``direction`` (for messages)."""
    return SAY[direction]
