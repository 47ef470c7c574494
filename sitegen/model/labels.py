"""What the model says about its own fields: their Chinese titles (``Field(title=…)``), and
whether a field holds money, points or a percentage — read from its type, so views, open
data, checks and the JSON Schema never restate them."""
from __future__ import annotations

from typing import get_args

from pydantic import BaseModel

from .values import Money, PercentValue, Points


def title(model: type[BaseModel], name: str) -> str:
    """The field's title (年初预算数); ``KeyError`` for a field the model does not have."""
    info = model.model_fields[name]
    return info.title or name


def _types(model: type[BaseModel], name: str) -> tuple:
    annotation = model.model_fields[name].annotation
    return (annotation, *get_args(annotation))


def is_money(model: type[BaseModel], name: str) -> bool:
    """Whether the field is an amount of money (``values.Money``, in the document's ``money_unit``)."""
    return Money in _types(model, name)


def is_numeric(model: type[BaseModel], name: str) -> bool:
    """Whether the field is a number as published: money, points or a percentage."""
    return any(t in _types(model, name) for t in (Money, Points, PercentValue))


def kind(model: type[BaseModel], name: str) -> str:
    """The field's kind of value for open data and views: ``money``, ``points``, ``percent`` or ``text``."""
    types = _types(model, name)
    for value_type, kind_name in ((Money, "money"), (Points, "points"), (PercentValue, "percent")):
        if value_type in types:
            return kind_name
    return "text"
