"""Chart-building cost per chart and per page, on the real content and a synthetic portal.

Run:  .venv/bin/python tests/benchmarks/charts.py [--units 500 --years 2] [--json out.json]

Times what a build spends on charts: choosing the chart set for each page and writing
each chart's spec and data table, including the JSON the page embeds. Not collected by
pytest (no test_ prefix); prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from sitegen.check import check_portal
from sitegen.content import load_portal
from sitegen.render import chartsets
from sitegen.render.views import Marks
from report import report
from sitegen.synth import synthesize

REPO = Path(__file__).resolve().parents[2]


def measure(content: Path) -> dict:
    portal = load_portal(content, strict=True)
    findings = check_portal(portal)
    per_chart: list[float] = []
    per_page: list[float] = []
    json_bytes: list[int] = []

    def timed(build) -> None:
        started = time.perf_counter_ns()
        charts = build()
        texts = [chart.spec_json for chart in charts]
        elapsed = (time.perf_counter_ns() - started) / 1e6
        per_page.append(elapsed)
        if charts:
            per_chart.extend([elapsed / len(charts)] * len(charts))
            json_bytes.extend(len(t.encode()) for t in texts)

    for unit in portal.units:
        timed(lambda: chartsets.unit_charts(unit))
        for doc in unit.documents:
            marks = Marks(findings[doc.key])
            timed(lambda: chartsets.document_charts(doc, marks))
            for i, project in enumerate(getattr(doc.model, "projects", [])):
                if doc.kind == "self_evaluation":
                    timed(lambda: chartsets.project_charts(doc, i, project, marks))
    timed(lambda: chartsets.home_charts(portal))
    return {
        "documents": len(portal.documents()), "pages": len(per_page), "charts": len(per_chart),
        "ms_per_chart_mean": round(statistics.fmean(per_chart), 4),
        "ms_per_chart_p95": round(sorted(per_chart)[int(len(per_chart) * 0.95)], 4),
        "ms_per_page_mean": round(statistics.fmean(per_page), 4),
        "ms_per_page_max": round(max(per_page), 4),
        "chart_json_kb_mean": round(statistics.fmean(json_bytes) / 1024, 2),
        "chart_json_kb_max": round(max(json_bytes) / 1024, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--json", type=Path, default=Path("charts-benchmark.json"))
    args = parser.parse_args()
    results = {"real content": measure(REPO / "content")}
    with tempfile.TemporaryDirectory() as tmp:
        synthesize(Path(tmp), args.units, args.years, seed=1)
        results[f"synthetic {args.units}×{args.years}"] = measure(Path(tmp) / "content")
    report(results, args.json)


if __name__ == "__main__":
    main()
