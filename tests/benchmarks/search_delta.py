"""The search index of a one-edit rebuild, and what the search page downloads for a first query.

Run:  .venv/bin/python tests/benchmarks/search_delta.py [--sizes 1000] [--years 4] [--edits 3]
          [--shard-pages 15000 128] [--query 预算] [--json out.json] [--keep DIR]
      .venv/bin/python tests/benchmarks/search_delta.py --first-query OUTPUT [OUTPUT …]   (built portals only)

For each size (documents ≈ units × years × 3): `sitegen synth` a portal, build it (clean, with
search), then ``--edits`` times: change one figure of one document of another unit and rebuild.
Reported per rebuild: its wall time, the seconds of its ``index`` stage (from `sitegen build
--timings-json`) and what the index did (shards indexed / reused, pages in the delta index).
Then the largest portal is indexed again with each ``--shard-pages`` (pages a search shard holds:
``sitegen build --search-shard-pages``; the default size and a small one give the shard count of a
far larger portal) and, for each, what the search page downloads for its first query (``--query``,
default 预算) in headless Chromium (Debian's chromium, through Playwright), from opening the page
to the results: requests, every response's body as served (uncompressed) and the size of the
Brotli copy sitegen writes beside each file (what a server sending precompressed files
transfers), in all and by kind of file (Pagefind's code and WebAssembly, entry, metadata, filter,
index and fragment files, the page and its theme), and the seconds from typing the query to the
count of results (Pagefind's UI waits 300 ms after the last key; wall-clock, a loaded machine
shows it).

To compare with another version of sitegen, run the same script with the Python of a virtual
environment where that version is installed (the builds run as ``sys.executable -m sitegen``).
Figures are wall-clock on a shared machine: repeat before trusting a difference.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

from scale import run_build


def edit_figure(content: Path, n: int) -> Path:
    """Change the first stated amount of the budget of the ``n``-th unit (one figure of one document)."""
    file = sorted(content.glob("units/*/*/budget.yaml"))[n * 7 % len(list(content.glob("units/*/*/budget.yaml")))]
    text = file.read_text(encoding="utf-8")
    match = re.search(r"amount: (\d+)\.(\d\d)", text)
    cents = (int(match.group(2)) + 1) % 100
    file.write_text(text[: match.start()] + f"amount: {match.group(1)}.{cents:02d}" + text[match.end():], encoding="utf-8")
    return file


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def kind(path: str) -> str:
    """The kind of file a request of the search page fetched."""
    name = path.rsplit("/", 1)[-1]
    if not path.startswith("/pagefind/") or name.startswith("pagefind-ui") or name == "shards.json":
        return "page and theme"
    for suffix, what in ((".pf_fragment", "fragment"), (".pf_index", "index"), (".pf_filter", "filter"), (".pf_meta", "meta")):
        if name.endswith(suffix):
            return what
    if name == "pagefind-entry.json":
        return "entry"
    if name.startswith("wasm."):
        return "wasm"
    return "pagefind js" if name.endswith(".js") else "other"


def first_query_bytes(output: Path, query: str) -> dict:
    """Open the search page, type ``query`` and wait for the results: the responses' bytes."""
    from playwright.sync_api import expect, sync_playwright

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(output)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}"
    responses: list = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"),
                                        args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            page = browser.new_page()
            page.on("response", lambda response: responses.append(response))
            page.goto(base + "/search/")
            page.wait_for_load_state("networkidle")
            typed = time.perf_counter()
            page.fill(".pagefind-ui__search-input", query)
            expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile("找到"), timeout=300000)
            seconds = time.perf_counter() - typed
            page.wait_for_load_state("networkidle")
            message = page.inner_text(".pagefind-ui__message")
            sizes = []
            for response in responses:
                path = unquote(urlsplit(response.url).path)
                file = output / path.lstrip("/")
                if file.is_dir():
                    file = file / "index.html"
                body = len(response.body()) if response.status == 200 else 0
                brotli = file.with_name(file.name + ".br")
                sizes.append((path, body, brotli.stat().st_size if brotli.exists() else body))
            browser.close()
    finally:
        httpd.shutdown()
    record = json.loads((output / "pagefind" / "shards.json").read_text(encoding="utf-8"))
    by_kind: dict[str, dict] = {}
    for path, body, brotli in sizes:
        row = by_kind.setdefault(kind(path), {"requests": 0, "bytes": 0, "brotli_bytes": 0})
        row["requests"] += 1
        row["bytes"] += body
        row["brotli_bytes"] += brotli
    return {"query": query, "message": message.strip(), "shards": 1 + len(record.get("merge", [])),
            "seconds_to_results": round(seconds, 2),
            "requests": len(sizes), "bytes": sum(s[1] for s in sizes), "brotli_bytes": sum(s[2] for s in sizes),
            "by_kind": dict(sorted(by_kind.items())), "largest": sorted(sizes, key=lambda s: -s[1])[:5]}


def measure(documents: int, years: int, edits: int, root: Path) -> dict:
    units = max(1, round(documents / (years * 3)))
    site = root / f"portal-{documents}"
    subprocess.run([sys.executable, "-m", "sitegen", "synth", "--units", str(units), "--years", str(years), str(site)],
                   check=True, capture_output=True)
    full = run_build(site)
    row = {"documents": documents, "pages": full["pages"], "full_wall_s": round(full["wall"], 2),
           "full_index_s": round(full["timings"]["index"], 2), "rebuilds": []}
    for n in range(edits):
        edit_figure(site / "content", n + 1)
        again = run_build(site)
        row["rebuilds"].append({"wall_s": round(again["wall"], 2), "index_s": round(again["timings"]["index"], 3),
                                "search": again.get("search")})
        print(json.dumps(row["rebuilds"][-1]), file=sys.stderr, flush=True)
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000])
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--edits", type=int, default=3)
    parser.add_argument("--shard-pages", type=int, nargs="+", default=[15000],
                        help="index the largest portal with these shard sizes, and measure the first query of each")
    parser.add_argument("--query", default="预算")
    parser.add_argument("--first-query", type=Path, nargs="+", metavar="OUTPUT",
                        help="only measure the first query on these built outputs")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--keep", type=Path, help="build here and keep the portals (default: a temporary folder)")
    args = parser.parse_args()
    if args.first_query:
        figures = {"first_query": [{"output": str(output), **first_query_bytes(output, args.query)} for output in args.first_query]}
    else:
        root = args.keep or Path(tempfile.mkdtemp(prefix="sitegen-search-"))
        root.mkdir(parents=True, exist_ok=True)
        try:
            rows = [measure(size, args.years, args.edits, root) for size in args.sizes]
            largest = root / f"portal-{max(args.sizes)}"
            first = []
            for shard_pages in args.shard_pages:
                run_build(largest, "--search-shard-pages", str(shard_pages))
                first.append({"shard_pages": shard_pages, **first_query_bytes(largest / "output", args.query)})
                print(json.dumps({key: first[-1][key] for key in ("shard_pages", "shards", "requests", "bytes")}), file=sys.stderr, flush=True)
            figures = {"sizes": rows, "first_query": first}
        finally:
            if args.keep is None:
                shutil.rmtree(root, ignore_errors=True)
    text = json.dumps(figures, indent=1, ensure_ascii=False)
    print(text)
    if args.json:
        args.json.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
