"""Chart primitives: Plotly specs built as plain dicts, each with the data table shown beside it.

Plotly's Python layer validates every property (milliseconds per figure); these specs are
ours and fixed, so they are written directly. Values are plotted from the published
``Decimal``; hover labels and tables show the published text. A value involved in a
consistency finding is outlined in red in the chart and flagged in its table row, so a
chart never hides a finding.

Plotly renders a subset of HTML in every label, title and hover text (``<a href>`` makes a
live link, ``<span style>`` styles, ``<br>`` breaks a line), so content reaches a spec only
through ``_text`` (``&``, ``<``, ``>`` escaped; Plotly shows the entities as the characters)
and hover lines are joined with ``<br>`` after escaping (``_hover``).
"""
from __future__ import annotations

import html
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from ..model.documents import Figure
from ..model.source import DataPath
from .views import Marks

FONT = "-apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
PALETTE = ("#9fb8d6", "#1f4e8c", "#d4a017", "#5b8c5a", "#8c5a8c")
FLAG = {"error": "#b3261e", "warning": "#8a5a00", "notice": "#33597a"}
SEVERITY = ("error", "warning", "notice")
MAX_DEPTH = 3  # rings a sunburst shows at once; deeper parts open on click and stay in the table
GRADE_COLOURS = {"优": "#1e6b34", "良": "#1f4e8c", "中": "#d4a017", "差": "#b3261e"}


@dataclass
class Chart:
    """A chart: an HTML id, a title, the Plotly spec, its data table, and how many marks it draws."""

    id: str
    title: str
    spec: dict
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)
    marks: int = 0
    numeric: list[bool] = field(default_factory=list)

    @property
    def table_rows(self) -> list[tuple[str, list[tuple[str, bool]]]]:
        """Its data table as printed: each row's label (the row header) and its other cells,
        each with whether it is a figure (right-aligned)."""
        return [(row[0], list(zip(row[1:], self.numeric[1:]))) for row in self.rows]

    @property
    def spec_json(self) -> str:
        """Deterministic JSON, safe inside a ``<script type="application/json">``."""
        text = json.dumps(self.spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(frozen=True)
class Bar:
    """One category of a bar chart: a value per series, the data path of each value (for
    findings), and an optional note shown on hover and in the table."""

    label: str
    values: tuple[Decimal | None, ...]
    paths: tuple[DataPath | None, ...] = ()
    note: str = ""
    colour: str | None = None


def _text(value: str) -> str:
    """Content as Plotly text: shown as written, never as Plotly's HTML."""
    return html.escape(value, quote=False)


def _hover(*lines: str) -> str:
    """Hover text: each non-empty line as text, one under the other."""
    return "<br>".join(_text(line) for line in lines if line)


def _plot(value: Decimal | None) -> float | None:
    return None if value is None else float(value)  # a coordinate only; labels show the Decimal


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def _unique(labels: list[str]) -> list[str]:
    """Category labels made distinct (Plotly merges equal categories into one bar)."""
    seen: dict[str, int] = {}
    result = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        result.append(label if seen[label] == 1 else f"{label}（{seen[label]}）")
    return result


def _flag_colour(found: list) -> str:
    """Outline colour of a mark in a finding: the colour of its most severe finding."""
    return FLAG[min((f.severity for f in found), key=SEVERITY.index)]


def _layout(title: str, axis: str, rows: int, *, legend: bool) -> dict:
    return {
        "title": {"text": _text(title), "font": {"size": 15}, "x": 0.02, "xanchor": "left"},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 10, "r": 10, "t": 64 if legend else 48, "b": 10},
        "showlegend": legend, "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.0, "yanchor": "bottom"},
        "barmode": "group", "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "height": max(240, 90 + 26 * rows),
        "xaxis": {"title": {"text": _text(axis)}, "automargin": True, "gridcolor": "#e3e6ea", "zerolinecolor": "#9aa3ad"},
        "yaxis": {"automargin": True, "autorange": "reversed"},
    }


def bar_chart(chart_id: str, title: str, axis: str, series: tuple[str, ...], bars: list[Bar], marks: Marks,
              show: Callable[[Decimal], str]) -> Chart | None:
    """Horizontal grouped bars, one trace per series; ``None`` when no value is stated."""
    bars = [b for b in bars if any(v is not None for v in b.values)]
    if not bars:
        return None
    flags = [[marks.at(b.paths[s]) if s < len(b.paths) and b.paths[s] else [] for s in range(len(series))] for b in bars]
    categories = [_text(label) for label in _unique([_short(b.label) for b in bars])]
    traces, drawn = [], 0
    for s, name in enumerate(series):
        values = [b.values[s] for b in bars]
        flagged = [f[s] for f in flags]
        hover = [_hover(b.label, f"{name}：{'' if v is None else show(v)}", b.note,
                        "⚠ " + "、".join(x.rule_id for x in f[s]) if f[s] else "") for b, v, f in zip(bars, values, flags)]
        colour = PALETTE[(s + (1 if len(series) == 1 else 0)) % len(PALETTE)]
        traces.append({
            "type": "bar", "orientation": "h", "name": _text(name), "y": categories, "x": [_plot(v) for v in values],
            "text": ["" if v is None else _text(show(v)) for v in values], "textposition": "auto",
            "hovertext": hover, "hoverinfo": "text",
            "marker": {"color": [b.colour or colour for b in bars],
                       "line": {"color": [_flag_colour(f) if f else "rgba(0,0,0,0)" for f in flagged],
                                "width": [3 if f else 0 for f in flagged]}},
        })
        drawn += len(values)  # Plotly draws a (zero-width) bar for an unstated value too
    has_notes = any(b.note for b in bars)
    has_flags = any(any(per_series) for f in flags for per_series in f)
    columns = ["项目", *series] + (["说明"] if has_notes else []) + (["核对"] if has_flags else [])
    rows = []
    for b, f in zip(bars, flags):
        rules = sorted({x.rule_id for per_series in f for x in per_series})
        row = [b.label, *("" if v is None else show(v) for v in b.values)]
        row += ([b.note] if has_notes else []) + (["⚠ " + "、".join(rules) if rules else ""] if has_flags else [])
        rows.append(row)
    spec = {"data": traces, "layout": _layout(title, axis, len(bars) * len(series), legend=len(series) > 1)}
    numeric = [False] + [True] * len(series) + [False] * (len(columns) - 1 - len(series))
    return Chart(chart_id, title, spec, columns, rows, drawn, numeric)


def hierarchy(chart_id: str, title: str, unit: str, roots: list[tuple[DataPath, Figure]], marks: Marks,
              show: Callable[[Decimal], str]) -> Chart | None:
    """A sunburst of stated figures and their parts (收入来源, 支出构成 …).

    Area needs non-negative sizes that cover their children, so a node is drawn as large
    as the larger of its stated amount and its parts' sum; hover and table keep the stated
    figure, and a node in a finding is outlined in red.
    """
    ids, labels, parents, values, hover, lines, rows, depths = [], [], [], [], [], [], [], []

    def add(path: DataPath, figure: Figure, parent: str, depth: int) -> Decimal:
        node = ".".join(str(p) for p in path)
        found = marks.at((*path, "amount")) + marks.at((*path, "share"))
        index = len(ids)
        ids.append(node), labels.append(_text(_short(figure.label, 10))), parents.append(parent), values.append(None)
        depths.append(depth)
        hover.append(_hover(figure.label, f"{show(figure.amount)} {unit}", f"占 {figure.share.text}" if figure.share else "",
                            "⚠ " + "、".join(f.rule_id for f in found) if found else ""))
        lines.append(found)
        rows.append(["　" * depth + figure.label, show(figure.amount), figure.share.text if figure.share else "",
                     "⚠ " + "、".join(sorted({f.rule_id for f in found})) if found else ""])
        children = [(i, p) for i, p in enumerate(figure.parts) if p.amount is not None and p.amount > 0]
        size = sum((add((*path, "parts", i), part, node, depth + 1) for i, part in children), Decimal(0))
        size = max(size, figure.amount)
        values[index] = _plot(size)
        return size

    for path, figure in roots:
        if figure.amount is not None and figure.amount > 0:
            add(path, figure, "", 0)
    if len(ids) < 2:
        return None
    trace = {
        "type": "sunburst", "branchvalues": "total", "ids": ids, "labels": labels, "parents": parents, "values": values,
        "hovertext": hover, "hoverinfo": "text", "insidetextorientation": "horizontal",
        "maxdepth": MAX_DEPTH,
        "marker": {"line": {"color": [_flag_colour(f) if f else "#ffffff" for f in lines], "width": [3 if f else 1 for f in lines]}},
    }
    layout = {"title": {"text": _text(title), "font": {"size": 15}, "x": 0.02, "xanchor": "left"}, "font": {"family": FONT, "size": 12},
              "margin": {"l": 10, "r": 10, "t": 48, "b": 10}, "height": 380, "paper_bgcolor": "#ffffff"}
    return Chart(chart_id, title, {"data": [trace], "layout": layout}, ["项目", f"金额（{unit}）", "占比", "核对"], rows,
                 sum(d < MAX_DEPTH for d in depths),
                 [False, True, True, False])
