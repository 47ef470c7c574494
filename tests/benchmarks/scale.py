"""Full and incremental `sitegen build` of synthetic portals at several sizes.

Run:  .venv/bin/python tests/benchmarks/scale.py [--sizes 1000 10000] [--years 4] [--json out.json] [--keep DIR]

For each size (documents ≈ units × years × 3): `sitegen synth` a portal, then, each in its
own subprocess (so its peak memory can be read): a clean full build with the search index,
and a second build after one figure of one document was changed (the incremental rebuild,
with and without the search index, and told the changed file with ``--changed``). Reported per size: wall time, pages per second, seconds
per stage (from `sitegen build --timings-json`), peak RSS of the build (the largest of its
processes, parent or worker), output size and the largest page before plotly.js.
With `--peers` (the default), the same pages are also built by Hugo and indexed by Pagefind
(`peers.py`), in turns with sitegen's own cold builds (`--rounds` of each, A B A B …), and the
ratios sitegen ÷ Hugo (without search) and sitegen ÷ (Hugo + Pagefind) (with search) are taken
round by round, so that the machine's drift touches both sides alike; the median is reported.
Figures are wall-clock on a shared machine: repeat before trusting a difference.
"""
from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from peers import hugo_site, time_hugo
from report import report

REPO = Path(__file__).resolve().parents[2]


def tree_rss(pid: int) -> int:
    """Resident kB of ``pid`` and all its descendants (the pool workers, Pagefind)."""
    total, pending = 0, [pid]
    while pending:
        current = pending.pop()
        try:
            status = Path(f"/proc/{current}/status").read_text()
            total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) if "VmRSS" in status else 0
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, AttributeError):
            continue
    return total


def run_build(site: Path, *extra: str) -> dict:
    """One `sitegen build` in ``site``: wall time, its timings JSON and the peak of the summed
    resident memory (MB) of the build's processes, sampled every 0.1 s."""
    timings = site / "timings.json"
    command = [sys.executable, "-m", "sitegen", "build", "--timings-json", str(timings), *extra]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = 0
    while process.poll() is None:
        peak = max(peak, tree_rss(process.pid))
        time.sleep(0.1)
    wall = time.perf_counter() - started
    stderr = process.stderr.read()
    if process.returncode not in (0, 1):
        raise RuntimeError(stderr[-2000:])
    return {"wall": wall, "peak_mb": peak / 1024, **json.loads(timings.read_text(encoding="utf-8"))}


def edit_one_document(content: Path) -> Path:
    """Change one stated figure of one document (the first budget's first amount)."""
    file = sorted(content.glob("units/*/*/budget.yaml"))[0]
    text = file.read_text(encoding="utf-8")
    match = re.search(r"amount: (\d+)\.(\d\d)", text)
    cents = (int(match.group(2)) + 1) % 100
    file.write_text(text[: match.start()] + f"amount: {match.group(1)}.{cents:02d}" + text[match.end():], encoding="utf-8")
    return file


def output_figures(output: Path) -> dict:
    size = files = largest = 0
    largest_page = ""
    for file in output.rglob("*"):
        if file.is_file():
            files += 1
            size += file.stat().st_size
            if file.suffix == ".html" and "pagefind" not in file.parts and file.stat().st_size > largest:
                largest, largest_page = file.stat().st_size, file.relative_to(output).as_posix()
    return {"output_mb": round(size / 2**20, 1), "files": files, "largest_page_kb": round(largest / 1024, 1),
            "largest_page": largest_page}


def peer_ratios(site: Path, rounds: int) -> dict:
    """Cold sitegen builds (with and without search) in turns with Hugo (+ Pagefind) on the same pages."""
    pages = hugo_site(site / "output", site / "hugo")
    rows = []
    for _ in range(rounds):
        ours = run_build(site, "--no-cache", "--output", "output-peer")
        ours_plain = run_build(site, "--no-cache", "--no-search", "--output", "output-peer")
        peer = time_hugo(site / "hugo", search=True)
        rows.append({"sitegen_s": ours["wall"], "sitegen_no_search_s": ours_plain["wall"], **peer})
    shutil.rmtree(site / "output-peer", ignore_errors=True)
    with_search = statistics.median(r["sitegen_s"] / (r["hugo_s"] + r["pagefind_s"]) for r in rows)
    plain = statistics.median(r["sitegen_no_search_s"] / r["hugo_s"] for r in rows)
    return {"peer_pages": pages, "peer_hugo_s": statistics.median(r["hugo_s"] for r in rows),
            "peer_hugo_pagefind_s": statistics.median(r["hugo_s"] + r["pagefind_s"] for r in rows),
            "peer_sitegen_s": statistics.median(r["sitegen_s"] for r in rows),
            "peer_sitegen_no_search_s": statistics.median(r["sitegen_no_search_s"] for r in rows),
            "ratio_vs_hugo": round(plain, 2), "ratio_vs_hugo_pagefind": round(with_search, 2)}


def measure(documents: int, years: int, root: Path, rounds: int = 0) -> dict:
    units = max(1, round(documents / (years * 3)))
    site = root / f"portal-{documents}"
    subprocess.run([sys.executable, "-m", "sitegen", "synth", "--units", str(units), "--years", str(years), str(site)],
                   check=True, capture_output=True)
    full = run_build(site)
    figures = output_figures(site / "output")
    peers = peer_ratios(site, rounds) if rounds else {}
    edit_one_document(site / "content")
    incremental = run_build(site)
    edited = edit_one_document(site / "content")
    incremental_changed = run_build(site, "--changed", str(edited))  # told what changed, as a commit hook would
    # Last: a build without search drops the index, which the next build with search makes anew.
    edit_one_document(site / "content")
    incremental_no_search = run_build(site, "--no-search")
    stages = {f"full_{k}": round(v, 2) for k, v in full["timings"].items()}
    return {
        "documents": full["documents"], "pages": full["pages"], "full_s": round(full["wall"], 1),
        "pages_per_s": round(full["pages"] / full["wall"]), "peak_mb": round(full["peak_mb"]), **stages, **figures,
        "incr_s": round(incremental["wall"], 2), "incr_rendered": incremental["rendered"],
        "incr_index_s": round(incremental["timings"].get("index", 0), 2),
        "incr_no_search_s": round(incremental_no_search["wall"], 2), "incr_peak_mb": round(incremental["peak_mb"]),
        "incr_changed_s": round(incremental_changed["wall"], 2),
        **{f"incr_{k}": round(v, 2) for k, v in incremental["timings"].items()}, **peers,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="document counts")
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--json", type=Path, default=Path("scale.json"))
    parser.add_argument("--keep", type=Path, default=None, help="keep the portals in this folder")
    parser.add_argument("--no-peers", dest="peers", action="store_false", help="skip the Hugo (+ Pagefind) peer")
    parser.add_argument("--rounds", type=int, default=3, help="turns of sitegen and the peer, each a cold build")
    args = parser.parse_args()
    root = args.keep or Path(tempfile.mkdtemp(prefix="sitegen-scale-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        results = {f"{size} documents": measure(size, args.years, root, args.rounds if args.peers else 0) for size in args.sizes}
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    rows = {name: row for name, row in results.items()}
    # One figure per line: the stage columns differ between sizes only if a stage is skipped.
    for name, row in rows.items():
        print(name)
        for key, value in row.items():
            print(f"  {key:22} {value}")
    report({name: {k: row[k] for k in ("documents", "pages", "full_s", "pages_per_s", "peak_mb", "incr_s", "incr_no_search_s",
                                                  "ratio_vs_hugo", "ratio_vs_hugo_pagefind") if k in row}
            for name, row in rows.items()}, args.json)
    args.json.write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
