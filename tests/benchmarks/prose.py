"""Cost of the prose checks (XREF, UNIT, YEAR) against the size of a narrative full of amounts.

Run:  .venv/bin/python tests/benchmarks/prose.py [--sizes 0.25 0.5 1 2] [--json out.json]

Takes a real final-accounts document, replaces its narrative with N megabytes of sentences
each stating an amount (mostly not found in the tables, so most raise a finding), and times
``check_document``. A linear check doubles its time when the size doubles. Not collected by
pytest (no test_ prefix); prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import random
import time
from pathlib import Path

from report import report
from sitegen.check import check_document
from sitegen.content import load_portal

REPO = Path(__file__).resolve().parents[2]


def narrative(megabytes: float, seed: int = 1) -> str:
    """Lines of ten sentences, each with an amount in 万元 or 元 and a year."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < megabytes * 1024 * 1024:
        line = "".join(f"2023年第{i}项支出{rng.randint(1, 99999)}.{rng.randint(0, 99):02d}{rng.choice(('万元', '元'))}，"
                       for i in range(10)) + "\n"
        parts.append(line)
        size += len(line.encode("utf-8"))
    return "".join(parts)


def measure(megabytes: float) -> dict:
    portal = load_portal(REPO / "content", strict=True)
    doc = next(d for d in portal.documents() if d.kind == "final_accounts" and d.narrative)
    doc.narrative = narrative(megabytes)
    started = time.perf_counter()
    findings = check_document(doc)
    return {"narrative_bytes": len(doc.narrative.encode("utf-8")), "findings": len(findings),
            "check_seconds": round(time.perf_counter() - started, 3)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=float, nargs="+", default=[0.25, 0.5, 1, 2], help="narrative sizes in MB")
    parser.add_argument("--json", type=Path, default=Path("prose-benchmark.json"))
    args = parser.parse_args()
    report({f"{size} MB": measure(size) for size in args.sizes}, args.json)


if __name__ == "__main__":
    main()
