"""Write imported content as the YAML an editor would write by hand (content-format.md):
one flow mapping per table row, amounts and codes quoted, every scalar read back as text."""
from __future__ import annotations

import json
import re

from ..model.documents import Figure, Unit
from ..model.tables import StandardTable

_PLAIN = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`0-9][^:#,\[\]{}]*$")


def scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain where YAML reads it back unchanged as text, else quoted."""
    if _PLAIN.match(text) and not text.endswith(" ") and text not in ("null", "Null", "NULL", "~", "true", "false", "yes", "no"):
        return text
    return json.dumps(text, ensure_ascii=False)


def _flow(pairs: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{key}: {value}" for key, value in pairs) + "}"


def table_yaml(table: StandardTable, indent: str = "  ") -> str:
    """One ``tables`` entry."""
    out = [f"{indent}- id: {table.id}", f"{indent}  title: {scalar(table.title)}"]
    if table.number:
        out.append(f"{indent}  number: {table.number}")
    if table.pages:
        out.append(f"{indent}  pages: [{', '.join(map(str, table.pages))}]")
    out.append(f"{indent}  money_unit: {table.money_unit}")
    out.append(f"{indent}  columns:")
    for column in table.columns:
        pairs = [("key", column.key), ("header", "[" + ", ".join(scalar(h) for h in column.header) + "]")]
        if column.side:
            pairs.append(("side", column.side))
        out.append(f"{indent}    - {_flow(pairs)}")
    out.append(f"{indent}  rows:" if table.rows else f"{indent}  rows: []")
    for row in table.rows:
        pairs = []
        if row.side:
            pairs.append(("side", row.side))
        if row.line is not None:
            pairs.append(("line", str(row.line)))
        if row.code:
            pairs.append(("code", json.dumps(row.code)))
        pairs.append(("name", scalar(row.name)))
        if row.group:
            pairs.append(("group", scalar(row.group)))
        pairs += [(key, json.dumps(str(value))) for key, value in row.cells.items()]
        out.append(f"{indent}    - {_flow(pairs)}")
    if table.notes:
        out.append(f"{indent}  notes:")
        out += [f"{indent}    - {scalar(note)}" for note in table.notes]
    return "\n".join(out) + "\n"


def figures_yaml(figures: list[Figure]) -> str:
    """The ``figures`` list: one block per figure, its parts as flow mappings."""
    out = ["figures:"] if figures else []
    for figure in figures:
        fields = figure.model_dump(mode="json", exclude_none=True, exclude={"parts"})
        first = True
        for key, value in fields.items():
            out.append(f"  {'- ' if first else '  '}{key}: {_value(key, value)}")
            first = False
        if figure.parts:
            out.append("    parts:")
            for part in figure.parts:
                pairs = [(k, _value(k, v)) for k, v in part.model_dump(mode="json", exclude_none=True, exclude={"parts"}).items()]
                out.append(f"      - {_flow(pairs)}")
    return "\n".join(out) + ("\n" if out else "")


def _value(key: str, value: object) -> str:
    return json.dumps(value, ensure_ascii=False) if key in _QUOTED else scalar(str(value))


_QUOTED = {"amount", "initial", "adjusted", "previous", "change", "growth", "share", "completion", "execution_rate", "code"}


def document_yaml(*, kind: str, year: int, title: str, publisher: str | None, money_unit: str, source: str,
                  narrative: str, tables: list[StandardTable], header: str, figures: list[Figure] = ()) -> str:
    """A whole document file; ``header`` is a comment block saying where it came from."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    lines += [f"kind: {kind}", f"year: {year}", f"title: {scalar(title)}"]
    if publisher:
        lines.append(f"publisher: {scalar(publisher)}")
    lines += [f"money_unit: {money_unit}", f"source: {scalar(source)}", f"narrative: {scalar(narrative)}"]
    lines.append("tables:" if tables else "tables: []")
    return "\n".join(lines) + "\n" + "".join(table_yaml(table) for table in tables) + figures_yaml(list(figures))


def unit_yaml(unit: Unit) -> str:
    """``unit.yaml`` for a new unit."""
    region = ", ".join(f"{level}: {scalar(getattr(unit.region, level))}" for level in ("province", "city", "county")
                       if getattr(unit.region, level))
    lines = [f"name: {scalar(unit.name)}", f"region: {{{region}}}", f"level: {unit.level}"]
    return "\n".join(lines) + "\n"
