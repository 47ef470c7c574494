"""Where a cold build's time goes, per document: a profiled `sitegen build --jobs 1` of a synthetic portal.

Run:  .venv/bin/python tests/benchmarks/profile_build.py [--units 25] [--years 4] [--rounds 1] [--top 30] [--pstats FILE] [--no-profile]

`sitegen synth --units U --years Y` (U × Y × 3 documents, seed 1) is written to a temporary
folder and built in this process with one job, no cache and no search index (the unit stage
runs here, so cProfile sees it; search is Pagefind's own process and `search.py`'s business).
Reported:

- the build's own stage timings (`--timings-json`'s figures), unprofiled, in ms per document, and
  the CPU time of the whole build (this process: with one job the units are built here), which
  a busy machine disturbs less than wall time;
  with `--rounds N`, N unprofiled builds and their median, for before/after comparisons
  (interleave the two code versions' runs: the machine is shared and drifts);
- a profiled build (unless `--no-profile`): the inclusive time of the functions each cost centre is made of
  (templates, compression, XLSX, CSV, JSON, YAML composing, model validation, checks, views and
  charts, writing), in ms per document, and the `--top` functions by own time.

The cost centres overlap nowhere but may not add up to the whole (the rest is the portal-wide
pages and glue). cProfile slows pure-Python code more than C code, so compare its figures with
each other, and the unprofiled stage timings with the other version's.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

# cost centre → functions (file suffix, function name) whose inclusive time it is.
CENTRES = {
    "templates (Jinja render)": [("jinja2/environment.py", "render")],
    "compression (.gz, .br)": [("sitegen/assets.py", "compressed")],
    "xlsx": [("sitegen/export.py", "xlsx_bytes")],
    "csv": [("sitegen/export.py", "csv_text")],
    "json": [("sitegen/export.py", "document_json")],
    "open-data tables": [("sitegen/export.py", "document_tables")],
    "yaml read (parse + compose)": [("sitegen/content/yamlsource.py", "read_yaml")],
    "load (whole, incl. yaml)": [("sitegen/content/loader.py", "load_document")],
    "checks": [("sitegen/check/__init__.py", "check_document")],
    "page plan (views, charts)": [("sitegen/render/pages.py", "document_pages"), ("sitegen/render/pages.py", "unit_pages")],
    "cache store (pickle, files)": [("sitegen/cache.py", "put")],
}


def synth(root: Path, units: int, years: int) -> Path:
    site = root / "portal"
    subprocess.run([sys.executable, "-m", "sitegen", "synth", "--units", str(units), "--years", str(years), str(site)],
                   check=True, capture_output=True, cwd=REPO)
    return site


def build(site: Path, n: int):
    from sitegen.builder import build_portal

    shutil.rmtree(site / "cache", ignore_errors=True)
    return build_portal(site / "content", site / f"output-{n}", search=False, cache=site / "cache", workers=1)


def centres(stats: pstats.Stats) -> dict[str, float]:
    """Seconds of inclusive time per cost centre."""
    found: dict[str, float] = {}
    for (file, _, name), (_, _, _, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        for centre, functions in CENTRES.items():
            if any(file.endswith(suffix) and name == function for suffix, function in functions):
                found[centre] = found.get(centre, 0.0) + cumulative
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=25)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=1, help="unprofiled builds (their median is reported)")
    parser.add_argument("--top", type=int, default=30, help="functions listed by own time")
    parser.add_argument("--pstats", type=Path, default=None, help="also save the profile here (for snakeviz, pstats)")
    parser.add_argument("--no-profile", dest="profile", action="store_false", help="only the unprofiled builds")
    parser.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="sitegen-profile-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        site = synth(root, args.units, args.years)
        runs = []
        for n in range(args.rounds):
            started, cpu = time.perf_counter(), time.process_time()
            result = build(site, n)
            runs.append({"wall": time.perf_counter() - started, "cpu": time.process_time() - cpu, **result.timings})
        documents = result.documents
        print(f"{documents} documents, {result.pages} pages; unprofiled, median of {args.rounds} build(s), ms per document:")
        for stage in runs[0]:
            values = [run.get(stage, 0.0) for run in runs]
            print(f"  {stage:24} {1000 * statistics.median(values) / documents:8.2f}")
        if not args.profile:
            return
        profile = cProfile.Profile()
        profile.enable()
        build(site, args.rounds)
        profile.disable()
        stats = pstats.Stats(profile)
        total = sum(timing for _, _, timing, _, _ in stats.stats.values())  # type: ignore[attr-defined]
        print(f"\nprofiled build: {1000 * total / documents:.1f} ms per document in all; cost centres (inclusive), ms per document:")
        for centre, seconds in sorted(centres(stats).items(), key=lambda item: -item[1]):
            print(f"  {centre:32} {1000 * seconds / documents:8.2f}  {100 * seconds / total:5.1f}%")
        if args.pstats:
            stats.dump_stats(args.pstats)
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.top)
        text = out.getvalue()
        print(f"\nfunctions by own time (profiled, seconds for {documents} documents):")
        print(text[text.find("   ncalls"):])
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
