"""Scalar value types of the content model: money, percentages, points and measures.

Every number is parsed from the text the document published, never through ``float``,
so a value keeps the precision it was printed with (``"939.10"`` stays two places).
"""
from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, WithJsonSchema, model_validator

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
MAX_WHOLE_DIGITS = 15
"""Digits before the decimal point: 10¹⁵ 万元 is a million times a national budget."""
MAX_PLACES = 6
"""Digits after the decimal point: 0.000001 万元 is one fen (分), the smallest amount printed."""
_FULLWIDTH = str.maketrans("０１２３４５６７８９．－＋％", "0123456789.-+%")


def parse_decimal(value: Any, what: str = "a number") -> Decimal:
    """Parse a published figure into an exact ``Decimal``.

    Accepts ``str`` (full-width digits allowed), ``int`` or ``Decimal``; refuses ``float``
    because a float has already lost the published digits.

    At most ``MAX_WHOLE_DIGITS`` digits before the decimal point and ``MAX_PLACES`` after:
    longer figures are typing accidents, and bounding them keeps every rounding the checker
    does within ``decimal``'s default 28 digits. Raises ``ValueError`` naming what was found
    and the likely fix.
    """
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(f"expected {what} written as text, got {type(value).__name__} {value!r}")
    if isinstance(value, int):
        return Decimal(value)
    if not isinstance(value, str):
        raise ValueError(f"expected {what}, got {type(value).__name__}")
    text = value.strip().translate(_FULLWIDTH)
    if not _NUMBER.match(text):
        raise ValueError(f"'{shown(value)}' is not {what} — {_hint(text)}")
    if re.match(r"^[+-]?0\d", text):
        raise ValueError(f"'{shown(value)}' has a leading zero — write it without (YAML 1.1 would even read 010 as octal 8)")
    whole, _, fraction = text.lstrip("+-").partition(".")
    if len(whole) > MAX_WHOLE_DIGITS or len(fraction) > MAX_PLACES:
        raise ValueError(f"'{shown(value)}' has {len(whole)} digits before the decimal point and {len(fraction)} after — "
                         f"expected at most {MAX_WHOLE_DIGITS} before and {MAX_PLACES} after")
    return Decimal(text)


def shown(text: str, width: int = 40) -> str:
    """``text`` cut to about ``width`` characters for an error message (a pasted page stays readable)."""
    return text if len(text) <= width else f"{text[:width - 8]}…{text[-4:]}"


_UNITS = ("万元", "元", "万", "分", "亿元")


def _hint(text: str) -> str:
    """The likely fix for text that is not a plain number."""
    if re.fullmatch(r"[+-]?\d{1,3}([,，]\d{3})+(\.\d+)?", text):
        return "remove the thousands separator"
    if text.endswith("%"):
        return "this is a percentage; write it in a percentage field, or drop the %"
    for unit in _UNITS:
        if text.endswith(unit) and _NUMBER.match(text[: -len(unit)].strip()):
            return f"remove the unit '{unit}' (amounts are in the document's money_unit, points are bare numbers)"
    if re.fullmatch(r"\d+(:\d+)+", text):
        return "a colon-separated value is not a number (YAML 1.1 would read 1:30 as 90)"
    if text in ("", "-", "—", "——", "－"):
        return "leave a value the document does not print out (omit the key) instead of a dash"
    return "expected digits such as 1677.95"


def _money(value: Any) -> Decimal:
    return parse_decimal(value, "an amount")


def _points(value: Any) -> Decimal:
    return parse_decimal(value, "a score in points")


def _to_text(value: Decimal) -> str:
    return str(value)


Money = Annotated[Decimal, BeforeValidator(_money), PlainSerializer(_to_text, return_type=str)]
"""An amount of money in the document's ``money_unit`` (万元 or 元), as published."""

Points = Annotated[Decimal, BeforeValidator(_points), PlainSerializer(_to_text, return_type=str)]
"""A weight (分值) or score (得分) in points, as published."""


class Percent(BaseModel):
    """A published percentage: ``"55.97%"`` → value ``Decimal("55.97")``, 2 places.

    ``places`` is the published precision; comparisons round the computed value to it.
    Accepts ``"55.97%"``, ``"55.97％"`` (full-width) and ``"-13.91%"``.
    """

    model_config = ConfigDict(frozen=True)

    value: Decimal
    places: int
    text: str

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, data: Any) -> Any:
        if isinstance(data, Percent):
            return data
        if isinstance(data, dict):
            return data
        if not isinstance(data, str):
            raise ValueError(f"expected a percentage such as '55.97%', got {data!r}")
        text = data.strip()
        body = text.translate(_FULLWIDTH)
        if not body.endswith("%"):
            raise ValueError(f"'{shown(data)}' is not a percentage — expected a number followed by %")
        number = parse_decimal(body[:-1].strip(), "a percentage")
        places = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
        return {"value": number, "places": places, "text": text}

    def __str__(self) -> str:
        return self.text


def _percent_serializer(value: Percent) -> str:
    return value.text


# The JSON Schema shows what an editor writes (the published text), not the parsed parts.
PercentValue = Annotated[Percent, PlainSerializer(_percent_serializer, return_type=str),
                         WithJsonSchema({"type": "string", "pattern": r"[%％]\s*$",
                                         "description": "a percentage as published, e.g. 55.97%"}, mode="validation")]


_COMPARATORS = ("≥", "≤", "＞", "＜", "＝", ">=", "<=", ">", "<", "=")
_COMPARATOR_NORMAL = {"＞": ">", "＜": "<", "＝": "=", ">=": "≥", "<=": "≤"}
_MEASURE = re.compile(r"^\s*(?P<cmp>≥|≤|>=|<=|＞|＜|＝|>|<|=)?\s*(?P<num>[0-9０-９]+(?:[.．][0-9０-９]+)?)\s*(?P<unit>.*?)\s*$")


class Measure(BaseModel):
    """A target (年度指标值) or actual (实际完成值) as published, with its parsed parts.

    YAML gives either the text (``"≥95%"``, ``"≥ 30 万人"``, ``"及时"``) or, where the
    document printed comparator, value and unit in separate columns (乐亭, 大厂), a mapping
    ``{comparator: "≥", value: "30", unit: "万"}``. ``comparator``, ``number`` and ``unit``
    are filled when the text parses; qualitative values (``及时``) have only ``text``.
    """

    model_config = ConfigDict(frozen=True)

    text: str
    comparator: str | None = None
    number: Decimal | None = None
    unit: str | None = None
    split: bool = False

    @model_validator(mode="before")
    @classmethod
    def _parse(cls, data: Any) -> Any:
        if isinstance(data, Measure):
            return data
        if isinstance(data, dict):
            if "text" in data:
                return data
            comparator = data.get("comparator") or None
            raw_value = data.get("value")
            unit = data.get("unit") or None
            number = parse_decimal(raw_value, "a number") if raw_value not in (None, "") else None
            text = "".join(str(part) for part in (comparator, raw_value, unit) if part)
            return {"text": text, "comparator": _normal(comparator), "number": number, "unit": unit, "split": True}
        if not isinstance(data, str):
            raise ValueError(f"expected text such as '≥95%', got {data!r}")
        match = _MEASURE.match(data)
        if not match:
            return {"text": data}
        number = Decimal(match["num"].translate(_FULLWIDTH))
        return {"text": data, "comparator": _normal(match["cmp"]), "number": number, "unit": match["unit"] or None}

    def __str__(self) -> str:
        return self.text


def _normal(comparator: str | None) -> str | None:
    if comparator is None:
        return None
    if comparator not in _COMPARATORS:
        raise ValueError(f"unknown comparator {comparator!r} — expected one of {' '.join(_COMPARATORS)}")
    return _COMPARATOR_NORMAL.get(comparator, comparator)


def _measure_serializer(value: Measure) -> Any:
    if value.split:
        return {"comparator": value.comparator, "value": None if value.number is None else str(value.number), "unit": value.unit}
    return value.text


MeasureValue = Annotated[Measure, PlainSerializer(_measure_serializer), WithJsonSchema({"anyOf": [
    {"type": ["string", "number"], "description": "as published, e.g. ≥95%, ≥ 30 万人, 及时, 10"},
    {"type": "object", "description": "comparator, value and unit printed in separate columns",
     "properties": {"comparator": {"type": "string"}, "value": {"type": ["string", "number"]}, "unit": {"type": "string"}},
     "additionalProperties": False}]}, mode="validation")]
