"""Chart specs for Plotly, built as plain dicts (no plotly.py validation: it is slow and
adds nothing for specs we control). Each chart carries the data table shown beside it.

Values are plotted from the published ``Decimal`` text; hover labels show the published
figure in its unit, so no rounding from float reaches a reader.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from ..model.documents import Evaluation, Figure, ProjectSummary
from .formatting import money

FONT = "-apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Micro Hei', sans-serif"
BUDGET_COLOUR, EXECUTED_COLOUR, WEIGHT_COLOUR, SCORE_COLOUR = "#9fb8d6", "#1f4e8c", "#c9ced6", "#b8322a"


@dataclass
class Chart:
    """A chart: an HTML id, a title, the Plotly spec and its data table (header + rows)."""

    id: str
    title: str
    spec: dict
    columns: list[str]
    rows: list[list[str]] = field(default_factory=list)

    @property
    def spec_json(self) -> str:
        """Deterministic JSON, safe inside a ``<script type="application/json">``."""
        text = json.dumps(self.spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _num(value: Decimal | None) -> float | None:
    # Plot coordinates only; every label shows the published Decimal text.
    return None if value is None else float(value)


def _layout(title: str, unit: str, *, horizontal: bool, count: int) -> dict:
    axis_title = {"text": unit}
    layout = {
        "title": {"text": title, "font": {"size": 15}},
        "font": {"family": FONT, "size": 12},
        "margin": {"l": 10, "r": 10, "t": 48, "b": 10},
        "legend": {"orientation": "h", "y": -0.15},
        "barmode": "group",
        "paper_bgcolor": "#ffffff", "plot_bgcolor": "#ffffff",
        "height": max(260, 40 + 34 * count) if horizontal else 340,
    }
    if horizontal:
        layout["xaxis"] = {"title": axis_title, "automargin": True, "gridcolor": "#e3e6ea"}
        layout["yaxis"] = {"automargin": True, "autorange": "reversed"}
    else:
        layout["yaxis"] = {"title": axis_title, "automargin": True, "gridcolor": "#e3e6ea"}
        layout["xaxis"] = {"automargin": True}
    return layout


def _short(label: str, limit: int = 14) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def composition(chart_id: str, figure: Figure, unit: str) -> Chart | None:
    """Bars of a stated figure's parts (收入构成, 支出构成 …); ``None`` when it has fewer than two."""
    parts = [p for p in figure.parts if p.amount is not None]
    if len(parts) < 2:
        return None
    title = f"{figure.label}构成（{unit}）"
    trace = {
        "type": "bar", "orientation": "h", "name": figure.label, "marker": {"color": EXECUTED_COLOUR},
        "y": [_short(p.label) for p in parts], "x": [_num(p.amount) for p in parts],
        "text": [money(p.amount) for p in parts], "textposition": "auto",
        "customdata": [p.label for p in parts],
        "hovertemplate": "%{customdata}：%{text} " + unit + "<extra></extra>",
    }
    rows = [[p.label, money(p.amount), p.share.text if p.share else ""] for p in parts]
    rows.append([f"{figure.label}（合计）", money(figure.amount), ""])
    return Chart(chart_id, title, {"data": [trace], "layout": _layout(title, unit, horizontal=True, count=len(parts))},
                 ["项目", f"金额（{unit}）", "占比"], rows)


def budget_vs_executed(chart_id: str, items: list[tuple[str, Decimal | None, Decimal | None]], unit: str,
                       title: str = "各项目预算与执行") -> Chart | None:
    """Grouped bars of (name, budget, executed) per project; ``None`` when there is nothing to plot."""
    items = [item for item in items if item[1] is not None or item[2] is not None]
    if not items:
        return None
    title = f"{title}（{unit}）"
    names = [_short(name) for name, _, _ in items]
    traces = []
    for label, index, colour in (("全年预算数", 1, BUDGET_COLOUR), ("全年执行数", 2, EXECUTED_COLOUR)):
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "marker": {"color": colour},
            "y": names, "x": [_num(item[index]) for item in items], "text": [money(item[index]) for item in items],
            "customdata": [item[0] for item in items],
            "hovertemplate": "%{customdata}<br>" + label + "：%{text} " + unit + "<extra></extra>",
        })
    rows = [[name, money(budget), money(executed)] for name, budget, executed in items]
    return Chart(chart_id, title, {"data": traces, "layout": _layout(title, unit, horizontal=True, count=2 * len(items))},
                 ["项目", f"全年预算数（{unit}）", f"全年执行数（{unit}）"], rows)


def score_vs_weight(chart_id: str, items: list[tuple[str, Decimal | None, Decimal | None]], title: str) -> Chart | None:
    """Grouped bars of (name, weight, score) in points; ``None`` when no weight or score is stated."""
    items = [item for item in items if item[1] is not None or item[2] is not None]
    if not items:
        return None
    names = [_short(name) for name, _, _ in items]
    traces = []
    for label, index, colour in (("分值", 1, WEIGHT_COLOUR), ("得分", 2, SCORE_COLOUR)):
        traces.append({
            "type": "bar", "orientation": "h", "name": label, "marker": {"color": colour},
            "y": names, "x": [_num(item[index]) for item in items],
            "text": ["" if item[index] is None else format(item[index], "f") for item in items],
            "customdata": [item[0] for item in items],
            "hovertemplate": "%{customdata}<br>" + label + "：%{text} 分<extra></extra>",
        })
    rows = [[name, "" if w is None else format(w, "f"), "" if s is None else format(s, "f")] for name, w, s in items]
    return Chart(chart_id, title, {"data": traces, "layout": _layout(title, "分", horizontal=True, count=2 * len(items))},
                 ["指标", "分值", "得分"], rows)


def evaluation_totals(evaluation: Evaluation) -> tuple[Decimal | None, Decimal | None]:
    """(budget, executed) of a performance table's total funding row, as stated."""
    for row in evaluation.funding:
        if row.key == "total":
            return (row.adjusted if row.adjusted is not None else row.initial), row.executed
    return None, None


def summary_items(summary: ProjectSummary) -> list[tuple[str, Decimal | None, Decimal | None]]:
    return [(row.name, row.adjusted if row.adjusted is not None else row.initial, row.executed) for row in summary.rows]
