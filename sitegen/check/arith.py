"""Exact arithmetic on published figures, carrying each figure's rounding uncertainty.

A figure printed as ``939.10`` stands for any true value in [939.095, 939.105]. Sums and
ratios of such figures carry the widened interval, so a stated total or percentage can be
judged *consistent* (equal once rounded), *within rounding* (尾差: inside the propagated
bound, e.g. 0.005 × (n + 1) for n parts and their total at two places) or *inconsistent*.
Money in 万元 is treated as printed to at least two places (a printed ``106`` means 106.00).
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation
from enum import Enum

MONEY_PLACES = 2
HUNDRED = Decimal(100)


def places(value: Decimal) -> int:
    """Digits after the decimal point as published (``Decimal("939.10")`` → 2)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def half_unit(n_places: int) -> Decimal:
    return Decimal(5).scaleb(-(n_places + 1))


def round_to(value: Decimal, n_places: int) -> Decimal:
    """Round half up, as Chinese financial tables do (四舍五入), keeping every digit of the
    whole part however large (a ratio over a tiny denominator outgrows 28 digits)."""
    unit = Decimal(1).scaleb(-n_places)
    try:
        return value.quantize(unit, rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return value.quantize(unit, context=Context(prec=value.adjusted() + n_places + 2, rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class Approx:
    """A value and the half-width of its rounding interval."""

    value: Decimal
    error: Decimal

    @classmethod
    def money(cls, value: Decimal) -> Approx:
        return cls(value, half_unit(max(MONEY_PLACES, places(value))))

    @classmethod
    def exact(cls, value: Decimal) -> Approx:
        return cls(value, Decimal(0))

    def __add__(self, other: Approx) -> Approx:
        return Approx(self.value + other.value, self.error + other.error)

    def __sub__(self, other: Approx) -> Approx:
        return Approx(self.value - other.value, self.error + other.error)

    def bounds(self) -> tuple[Decimal, Decimal]:
        return self.value - self.error, self.value + self.error


class Verdict(Enum):
    CONSISTENT = "consistent"
    ROUNDING = "rounding"
    INCONSISTENT = "inconsistent"


def compare_amounts(stated: Approx, computed: Approx) -> Verdict:
    """Stated vs computed amount: equal, inside the combined rounding bound, or not."""
    difference = abs(stated.value - computed.value)
    if difference == 0:
        return Verdict.CONSISTENT
    if difference <= stated.error + computed.error:
        return Verdict.ROUNDING
    return Verdict.INCONSISTENT


def ratio_percent(numerator: Approx, denominator: Approx) -> tuple[Decimal, Decimal, Decimal] | None:
    """numerator ÷ denominator × 100 as (central, low, high); ``None`` when the denominator
    is zero or its interval reaches zero (no meaningful ratio)."""
    if denominator.value == 0:
        return None
    central = numerator.value / denominator.value * HUNDRED
    n_lo, n_hi = numerator.bounds()
    d_lo, d_hi = denominator.bounds()
    if d_lo <= 0 <= d_hi:
        return central, central, central
    corners = [n / d * HUNDRED for n in (n_lo, n_hi) for d in (d_lo, d_hi)]
    return central, min(corners), max(corners)


def compare_percent(published_value: Decimal, published_places: int, computed: tuple[Decimal, Decimal, Decimal]) -> Verdict:
    """A published percentage against a computed one, at the published precision.

    Consistent when the computed value rounds to the published one (87% vs 87.12%);
    rounding when the published value is reachable within the inputs' rounding; otherwise
    inconsistent (99.6% vs 100%).
    """
    central, low, high = computed
    if round_to(central, published_places) == published_value:
        return Verdict.CONSISTENT
    half = half_unit(published_places)
    if low <= published_value + half and published_value - half <= high:
        return Verdict.ROUNDING
    return Verdict.INCONSISTENT


def fmt(value: Decimal, n_places: int | None = None) -> str:
    """Plain text of a computed value, to ``n_places`` when given (for messages)."""
    if n_places is not None:
        value = round_to(value, n_places)
    text = format(value, "f")
    return text
