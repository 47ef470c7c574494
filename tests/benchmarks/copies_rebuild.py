"""Cost of the portal-wide copy check (COPY-002) in a one-edit rebuild.

Run:  .venv/bin/python tests/benchmarks/copies_rebuild.py --folder DIR [--units 84 --years 4] [--json out.json]

Writes a synthetic portal into DIR (unless DIR/content exists: the same portal is rebuilt,
with a warm cache), builds it without search, then rebuilds it three times after one edit
each: a figure of one document (its texts unchanged), a goal of one document copied from
another unit (a new COPY-002 finding), and the figure back. Times, in each rebuild, the
Builder's whole run and the calls that join the texts of the portal: ``portal_findings``
(``check``) and, where it exists, ``CopyIndex.update`` (``check.copyindex``), so that the
same script times an older checkout too (run it with that checkout's sitegen imported). Not
collected by pytest.
"""
from __future__ import annotations

import argparse
import functools
import re
import time
from pathlib import Path

from report import report

import sitegen.builder
from sitegen.synth import synthesize

spent: dict[str, float] = {}


def timed(name: str, function):
    @functools.wraps(function)
    def run(*args, **kwargs):
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            spent[name] = spent.get(name, 0.0) + time.perf_counter() - started
    return run


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--units", type=int, default=84)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--json", type=Path, default=Path("copies-rebuild.json"))
    args = parser.parse_args()
    content = args.folder / "content"
    if not content.is_dir():
        synthesize(args.folder, units=args.units, years=args.years, seed=1)
    sitegen.builder.portal_findings = timed("portal_findings", sitegen.builder.portal_findings)
    try:
        from sitegen.check.copyindex import CopyIndex
        CopyIndex.update = timed("CopyIndex.update", CopyIndex.update)
    except ImportError:
        pass
    builder = sitegen.builder.Builder(content, args.folder / "output", search=False)
    units = sorted(p for p in (content / "units").iterdir() if p.is_dir())
    figure_file = sorted(units[len(units) // 2].glob("*/final-accounts.yaml"))[-1]
    goal_file = sorted(units[-1].glob("*/self-evaluation.yaml"))[-1]
    source_goal = re.search(r"target: (.+)", sorted(units[0].glob("*/self-evaluation.yaml"))[0].read_text(encoding="utf-8")).group(1)
    figure, goal = figure_file.read_text(encoding="utf-8"), goal_file.read_text(encoding="utf-8")
    amount = re.search(r"amount: (\d+\.\d\d)", figure)
    edits = {
        "cold (or warm) build": None,
        "edit a figure": (figure_file, figure[:amount.start(1)] + f"{float(amount.group(1)) + 1:.2f}" + figure[amount.end(1):]),
        "copy a goal": (goal_file, re.sub(r"target: .+", lambda _: f"target: {source_goal}", goal, count=1)),
        "figure back": (figure_file, figure),
    }
    results = {}
    try:
        for name, edit in edits.items():
            if edit is not None:
                edit[0].write_text(edit[1], encoding="utf-8")
            spent.clear()
            result = builder.build_all() if edit is None else builder.rebuild([edit[0]])
            results[name] = {"documents": result.documents, "build s": round(result.seconds, 2),
                             "portal_findings s": round(spent.get("portal_findings", 0.0), 3),
                             "CopyIndex.update s": round(spent.get("CopyIndex.update", 0.0), 3),
                             "findings": sum(result.findings.values())}
    finally:
        goal_file.write_text(goal, encoding="utf-8")
        figure_file.write_text(figure, encoding="utf-8")
    report(results, args.json)


if __name__ == "__main__":
    main()
