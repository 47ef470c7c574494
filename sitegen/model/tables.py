"""The standard tables of a disclosure (部门决算 / 部门预算), held exactly as printed.

A final-accounts document prints nine standard tables (the template's 一..九:
收入支出决算总表 … 国有资本经营预算财政拨款收入支出决算表); a department budget prints its own
nine (部门收支总表 … “三公”经费支出表). Each is a ``StandardTable``: its standard id, printed
title, columns by key with their printed header path, rows in printed order, and the notes
printed under the grid. Source: 财预〔2020〕10号 templates; ``shared/reference/standard-tables.md``.

Faithful first: rows are never reordered, filled or fixed. A blank printed cell is absent
from ``TableRow.cells``; a printed ``0.00`` is present with its two places. The checker
computes what the cells imply.

In YAML a row's cells are its extra keys, one per declared column key::

    - {code: "208", name: 社会保障和就业支出, total: "754.75", basic: "754.75", project: "0.00"}

A row key that is neither a row field (``name code side line group``) nor a declared column
key is a content error at that key.
"""
from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from .base import Model, Text
from .values import Money

TableId = Literal[
    # final accounts (部门决算), template numbering 一..九
    "income_expenditure_summary",        # 一 收入支出决算总表 (two-sided)
    "income",                            # 二 收入决算表 (rows by 功能分类 code)
    "expenditure",                       # 三 支出决算表
    "fiscal_income_expenditure_summary", # 四 财政拨款收入支出决算总表 (two-sided)
    "general_public_expenditure",        # 五 一般公共预算财政拨款支出决算表
    "general_public_basic_expenditure",  # 六 一般公共预算财政拨款基本支出决算表 (rows by 经济分类 code)
    "three_public",                      # 七 财政拨款“三公”经费支出决算表
    "government_fund",                   # 八 政府性基金预算财政拨款收入支出决算表
    "state_capital",                     # 九 国有资本经营预算财政拨款收入支出决算表
    # department budget (部门预算)
    "budget_income_expenditure_summary", "budget_income", "budget_expenditure",
    "budget_fiscal_income_expenditure_summary", "budget_general_public_expenditure",
    "budget_general_public_basic_expenditure", "budget_government_fund_expenditure",
    "budget_state_capital_expenditure", "budget_three_public",
]

ROW_FIELDS = ("name", "code", "side", "line", "group", "cells")
"""Keys of a row that are not cells; a column may not use one of them as its key."""

Level = Literal["类", "款", "项"]
_LEVELS: dict[int, Level] = {3: "类", 5: "款", 7: "项"}


class TableColumn(Model):
    """A column of figures: its key (ASCII snake_case, unique in the table) and its printed
    header path, outermost first (``["本年支出", "基本支出"]``). ``side`` names the half of a
    two-sided table the column belongs to (``income`` / ``expenditure``)."""

    key: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", description="ASCII snake_case, e.g. total, basic, project")]
    header: list[Text]
    side: str | None = None

    @field_validator("key")
    @classmethod
    def _not_a_row_field(cls, value: str) -> str:
        if value in ROW_FIELDS:
            raise ValueError(f"column key '{value}' is a row field — choose another key (not {', '.join(ROW_FIELDS)})")
        return value


def _row_schema(schema: dict[str, Any]) -> None:
    """In YAML a row's cells are its own keys (the declared column keys), each an amount."""
    schema["additionalProperties"] = {"type": "string", "description": "a cell: a declared column key → the amount as printed"}
    schema["properties"]["cells"]["description"] = "the same cells as a mapping (as the JSON export writes them)"


class TableRow(Model):
    """One printed row: its label exactly as printed, its classification code (digits joined,
    ``"2010601"``; ``None`` for fixed rows such as 合计), and its cells by column key.

    ``side``: the half of a two-sided table (``income``/``expenditure`` in 一 and 四,
    ``personnel``/``public`` in 六). ``line``: the printed line number where two sides pair
    rows by line. ``group``: the printed parent label of an indented sub-row (四's fund rows
    under 年初财政拨款结转和结余, 七's 公务用车购置费 under 公务用车购置及运行维护费).
    ``cells``: amounts as printed (blank cells absent, ``0.00`` kept with its places).
    """

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_row_schema)

    name: Text
    code: Annotated[str | None, Field(description="classification code, digits joined: 3 (类), 5 (款) or 7 (项)")] = None
    side: str | None = None
    line: int | None = None
    group: str | None = None
    cells: dict[str, Money] = {}

    @field_validator("code")
    @classmethod
    def _joined_code(cls, value: str | None) -> str | None:
        if value is not None and not re.fullmatch(r"\d{3}(\d{2}){0,2}", value):
            raise ValueError(f"'{value}' is not a classification code — expected 3, 5 or 7 digits joined (类 201, 款 20106, 项 2010601)")
        return value

    @property
    def level(self) -> Level | None:
        """类 / 款 / 项 from the code's length (3 / 5 / 7 digits; 经济分类 uses 3 / 5)."""
        return _LEVELS.get(len(self.code)) if self.code else None


class StandardTable(Model):
    """A standard table as printed: id, title, its number in the 目录 (一..九), the PDF pages
    it was printed on, columns, rows in printed order (blank padding rows left out) and the
    notes printed under it (``注：…``, ``故本表无数据``).

    Raises a validation error for duplicate column keys and for a cell under a key the table
    does not declare (the loader reports it at the key's file:line:col).
    """

    id: TableId
    title: Text
    number: str | None = None
    pages: list[int] = []
    money_unit: Literal["万元", "元"] = "万元"
    columns: list[TableColumn]
    rows: list[TableRow] = []
    notes: list[str] = []

    @model_validator(mode="before")
    @classmethod
    def _cells_from_row_keys(cls, data: Any) -> Any:
        """Move each row's declared column keys into its ``cells``; unknown keys stay where
        they are so the row refuses them at their own location."""
        if not isinstance(data, dict) or not isinstance(data.get("rows"), list) or not isinstance(data.get("columns"), list):
            return data
        keys = {column.get("key") if isinstance(column, dict) else getattr(column, "key", None) for column in data["columns"]}
        keys -= set(ROW_FIELDS) | {None}
        rows = []
        for row in data["rows"]:
            if isinstance(row, dict) and keys & row.keys():
                cells = dict(row.get("cells") or {}) if isinstance(row.get("cells"), dict) else {}
                cells.update({key: value for key, value in row.items() if key in keys})
                row = {key: value for key, value in row.items() if key not in keys} | {"cells": cells}
            rows.append(row)
        return {**data, "rows": rows}

    @field_validator("columns")
    @classmethod
    def _unique_keys(cls, columns: list[TableColumn]) -> list[TableColumn]:
        keys = [column.key for column in columns]
        duplicates = sorted({key for key in keys if keys.count(key) > 1})
        if duplicates:
            raise ValueError(f"column key(s) {', '.join(duplicates)} declared twice — each column needs its own key")
        return columns

    @model_validator(mode="after")
    def _declared(self) -> StandardTable:
        keys = [column.key for column in self.columns]
        for j, row in enumerate(self.rows):
            unknown = sorted(set(row.cells) - set(keys))
            if unknown:
                raise ValueError(f"rows[{j}] has cell(s) {', '.join(unknown)} under no declared column — declared: {', '.join(keys)}")
        return self

    def column(self, key: str) -> TableColumn | None:
        """The column with ``key``, or ``None``."""
        return next((column for column in self.columns if column.key == key), None)

    def rows_named(self, name: str, side: str | None = None) -> list[TableRow]:
        """Rows whose printed name is ``name`` (on ``side`` when given), in printed order."""
        return [row for row in self.rows if row.name == name and (side is None or row.side == side)]

    def row_by_code(self, code: str) -> TableRow | None:
        """The first row printed with classification ``code`` (joined digits), or ``None``."""
        return next((row for row in self.rows if row.code == code), None)

    @property
    def empty(self) -> bool:
        """No row has any printed cell (an empty table printed with its note)."""
        return not any(row.cells for row in self.rows)
