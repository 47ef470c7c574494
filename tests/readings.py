"""The careful readings of the two Shanghai PDFs (``tests/fixtures/readings/``) as expected rows,
and the comparison of an imported table with them, cell by cell.

A reading is written as the page prints it (split codes, thousands separators); here it becomes
what the model must hold: joined codes, digits without separators, blank cells absent.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

READINGS = Path(__file__).parent / "fixtures" / "readings"
TWO_SIDED = {"income_expenditure_summary", "fiscal_income_expenditure_summary"}


@dataclass
class ExpectedTable:
    number: str
    id: str
    keys: list[str]
    rows: list[tuple] = field(default_factory=list)   # (side, line, code, name, group, {key: text})
    notes: list[str] = field(default_factory=list)
    printed: int = 0    # printed grid lines so far


def _amount(text: str) -> str | None:
    return text.replace(",", "") if text else None


def read(name: str) -> list[ExpectedTable]:
    """The reading ``name`` (``putuo-czj-2024``) as expected tables in printed order."""
    tables: list[ExpectedTable] = []
    for raw in (READINGS / f"{name}.txt").read_text(encoding="utf-8").splitlines():
        if raw.startswith("#") or not raw.strip():
            continue
        header = re.match(r"^== (\S+) (\w+): (.*)$", raw)
        if header:
            tables.append(ExpectedTable(header[1], header[2], [k.strip() for k in header[3].split("|")]))
            continue
        table = tables[-1]
        if raw.startswith("note: "):
            table.notes.append(raw[len("note: "):])
            continue
        fields = [f.strip() for f in raw.split(" | ")]
        table.printed += 1
        line = table.printed
        if table.id in TWO_SIDED:
            income_keys = ["income"]
            expenditure_keys = table.keys[1:]
            sides = (("income", fields[0], income_keys, fields[1:2]),
                     ("expenditure", fields[2], expenditure_keys, fields[3:3 + len(expenditure_keys)]))
            for side, label, keys, values in sides:
                if label:
                    cells = {k: _amount(v) for k, v in zip(keys, values) if v}
                    table.rows.append((side, line, None, label, _group(table, side, label), cells))
        elif table.id == "general_public_basic_expenditure":
            for side, (code, label, value) in (("personnel", fields[0:3]), ("public", fields[3:6])):
                if label:
                    cells = {side: _amount(value)} if value else {}
                    table.rows.append((side, line, code.replace(" ", "") or None, label, None, cells))
        elif table.id == "three_public":
            items: dict[tuple, dict] = {}
            for path, value in zip(table.keys, fields):
                *item, measure = path.split("/")
                cells = items.setdefault(tuple(item), {})
                if value:
                    cells[{"预算数": "budget", "决算数": "actual"}[measure]] = _amount(value)
            for item, cells in items.items():
                table.rows.append((None, None, None, item[-1], item[-2] if len(item) > 1 else None, cells))
        else:
            code, label, *values = fields
            cells = {k: _amount(v) for k, v in zip(table.keys, values) if v}
            table.rows.append((None, None, code.replace(" ", "") or None, label, None, cells))
    return tables


def _group(table: ExpectedTable, side: str, label: str) -> str | None:
    """四's fund rows printed under 年初财政拨款结转和结余 (the template indents them)."""
    if table.id != "fiscal_income_expenditure_summary" or side != "income" or not re.match(r"^[一二三]、", label):
        return None
    previous = [r for r in table.rows if r[0] == "income"]
    for row in reversed(previous):
        if row[3] == "年初财政拨款结转和结余":
            return row[3]
        if not re.match(r"^[一二三]、", row[3]):
            return None
    return None


def imported_rows(table) -> list[tuple]:
    """An imported ``StandardTable``'s rows in the reading's shape."""
    return [(row.side, row.line, row.code, row.name, row.group, {k: str(v) for k, v in row.cells.items()}) for row in table.rows]


def compare(expected: ExpectedTable, table) -> tuple[int, int, list[str]]:
    """(cells right, cells compared, differences) for one table. Every printed label, code and
    amount counts as a cell, and every blank amount cell too (it must stay blank)."""
    right = total = 0
    differences: list[str] = []
    got = imported_rows(table)
    for k, want in enumerate(expected.rows):
        have = got[k] if k < len(got) else (None, None, None, None, None, {})
        for what, a, b in (("name", want[3], have[3]), ("code", want[2], have[2])):
            if a is not None or b is not None:
                total += 1
                right += a == b
                if a != b:
                    differences.append(f"{expected.number} row {k + 1} {what}: read {a!r}, imported {b!r}")
        for key in expected.keys if expected.id != "three_public" else ("budget", "actual"):
            if expected.id in TWO_SIDED | {"general_public_basic_expenditure"} and key not in want[5] and key not in have[5]:
                continue  # the other side's columns
            total += 1
            right += want[5].get(key) == have[5].get(key)
            if want[5].get(key) != have[5].get(key):
                differences.append(f"{expected.number} row {k + 1} ({want[3]}) {key}: read {want[5].get(key)!r}, imported {have[5].get(key)!r}")
        if (want[0], want[1], want[4]) != (have[0], have[1], have[4]):
            differences.append(f"{expected.number} row {k + 1} ({want[3]}): side/line/group {want[0], want[1], want[4]} != {have[0], have[1], have[4]}")
    if len(got) != len(expected.rows):
        differences.append(f"{expected.number}: {len(expected.rows)} rows read, {len(got)} imported")
    if list(table.notes) != expected.notes:
        differences.append(f"{expected.number} notes: read {expected.notes}, imported {list(table.notes)}")
    return right, total, differences
