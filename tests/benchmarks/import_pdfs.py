"""Import the two Shanghai 部门决算 PDFs and report, per document, the seconds `sitegen import`
takes and the cell accuracy against the careful readings in tests/fixtures/readings/.

    .venv/bin/python tests/benchmarks/import_pdfs.py [--repeat 3]

Cells counted: every printed label, code and amount, and every blank amount cell (it must stay
blank). Seconds are wall-clock for the whole import (PDF read, mapping, Markdown, YAML written
and re-loaded); the best of --repeat runs.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from sitegen.importer import import_disclosure  # noqa: E402
from tests.readings import compare, read  # noqa: E402

PDFS = {"putuo-czj": "putuo-czj-2024-final-accounts.pdf", "putuo-ghj": "putuo-ghj-2024-final-accounts.pdf"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pdfs", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "real-pdf")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    all_right = all_total = 0
    for unit, name in PDFS.items():
        best = None
        for _ in range(args.repeat):
            with tempfile.TemporaryDirectory() as folder:
                content = Path(folder) / "content"
                content.mkdir()
                (content / "site.yaml").write_text("title: benchmark\n", encoding="utf-8")
                started = time.perf_counter()
                result = import_disclosure(args.pdfs / name, content, unit, 2024)
                seconds = time.perf_counter() - started
            best = seconds if best is None else min(best, seconds)
        right = total = 0
        tables = {t.id: t for t in result.tables}
        for expected in read(f"{unit}-2024"):
            r, t, differences = compare(expected, tables[expected.id]) if expected.id in tables else (0, len(expected.rows), ["missing"])
            right, total = right + r, total + t
            for difference in differences:
                print(f"  {unit}: {difference}")
        all_right, all_total = all_right + right, all_total + total
        print(f"{unit}: {len(result.tables)} tables, {right}/{total} cells ({100 * right / total:.2f}%), {best:.2f} s")
    print(f"all: {all_right}/{all_total} cells ({100 * all_right / all_total:.2f}%)")


if __name__ == "__main__":
    main()
