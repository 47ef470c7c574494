"""Display formatting for templates: money with separators at published precision."""
from __future__ import annotations

from decimal import Decimal

from ..model.values import Measure, Percent


def money(value: Decimal | None) -> str:
    """``Decimal("1677.95")`` → ``"1,677.95"``; keeps the published places; ``None`` → ``""``."""
    if value is None:
        return ""
    return format(value, ",")


def display(value: object) -> str:
    """Any model value as published text."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return money(value)
    if isinstance(value, (Percent, Measure)):
        return value.text
    return str(value)
