"""One-edit rebuilds on `serve`'s path: one Builder kept in memory, told the saved file.

Run:  .venv/bin/python tests/benchmarks/serve_rebuild.py --units 84 --years 4 [--edits 5] [--no-search] [--site DIR]

Synthesizes a portal (`sitegen synth`, documents = units × years × 3) into a temporary folder,
or uses the portal already in ``--site`` (its ``content/``, built into its ``output/``); builds
it once in this process, then ``--edits`` times changes one stated figure of a different budget
and calls ``Builder.rebuild([that file])``, as the preview does on a save. Prints the wall
seconds of each rebuild with its stages, the pages it made again, and the median. Then one build
by a new Builder told the same kind of edit (``sitegen build --changed``'s path), which reads
the unit entries back from the cache. Wall-clock on a shared machine: compare runs made in turns.
"""
from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from pathlib import Path

from sitegen.builder import Builder
from sitegen.synth import synthesize


def edit(file: Path) -> None:
    """Change the cents of the first stated amount of ``file``."""
    text = file.read_text(encoding="utf-8")
    match = re.search(r"amount: (\d+)\.(\d\d)", text)
    cents = (int(match.group(2)) + 1) % 100
    file.write_text(text[: match.start()] + f"amount: {match.group(1)}.{cents:02d}" + text[match.end():], encoding="utf-8")


def line(name: str, seconds: float, result) -> str:
    stages = " ".join(f"{k} {v:.2f}" for k, v in result.timings.items() if not k.startswith("units."))
    return f"{name}: {seconds:.2f} s, {len(result.rendered)} pages made ({stages})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=84)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--no-search", dest="search", action="store_false")
    parser.add_argument("--site", type=Path, default=None, help="a portal folder holding content/ (built into output/)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="serve-rebuild-") as scratch:
        site = args.site
        if site is None:
            site = Path(scratch)
            synthesize(site, units=args.units, years=args.years, seed=1)
        content, output = site / "content", site / "output"
        budgets = sorted(content.glob("units/*/*/budget.yaml"))
        builder = Builder(content, output, search=args.search)
        started = time.perf_counter()
        result = builder.build_all()
        print(line(f"first build ({result.documents} documents, {result.pages} pages)", time.perf_counter() - started, result))
        walls = []
        for n in range(args.edits):
            file = budgets[(n * 7) % len(budgets)]
            edit(file)
            started = time.perf_counter()
            result = builder.rebuild([file])
            walls.append(time.perf_counter() - started)
            print(line(f"edit {n + 1}, same Builder told the path", walls[-1], result))
        print(f"median of {len(walls)}: {statistics.median(walls):.2f} s")
        file = budgets[-1]
        edit(file)
        started = time.perf_counter()
        result = Builder(content, output, search=args.search).rebuild([file])
        print(line("new Builder told the path (build --changed)", time.perf_counter() - started, result))


if __name__ == "__main__":
    main()
