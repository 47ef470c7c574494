"""Save-to-reloaded-page time of `sitegen serve`, on the real content and synthetic portals.

Run:  .venv/bin/python tests/benchmarks/preview.py [--sizes 200x2 1000x2] [--edits 5] [--json out.json]

For each portal: start `sitegen serve` on a free port, open one self-evaluation page in
headless Chromium (Debian's chromium), then edit that document's title several times; each
edit is timed from the write until the reloaded page shows it (polled every 10 ms), and the server's own log
gives the rebuild part (the whole incremental build: stale pages, portal-wide pages, sitemap,
feed, data package, the archive of the edited unit's place and the search shard of the edited
unit, then the swap). Medians are reported.
"""
from __future__ import annotations

import argparse
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

from report import report
from sitegen.synth import synthesize

REPO = Path(__file__).resolve().parents[2]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure(content: Path, document: str, edits: int) -> dict:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--content", str(content), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(server.stdout.readline, "")), daemon=True).start()
    base = f"http://127.0.0.1:{port}/"
    while True:
        try:
            urllib.request.urlopen(base, timeout=1)
            break
        except OSError:
            if server.poll() is not None:
                raise RuntimeError("".join(log))
            time.sleep(0.2)
    first_build = time.perf_counter() - started
    yaml_file = content / "units" / document
    original = yaml_file.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", original, re.M).group(1).strip('"')
    url = base + "units/" + document.replace("self-evaluation.yaml", "self-evaluation/")
    reloads = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=ARGS)
            page = browser.new_page()
            page.goto(url)
            page.locator("#preview-banner").wait_for()
            time.sleep(1)
            for i in range(edits):
                new_title = f"{title}（第{i + 1}次修改）"
                saved = time.perf_counter()
                yaml_file.write_text(original.replace(f"title: {title}", f'title: "{new_title}"', 1).replace(
                    f'title: "{title}"', f'title: "{new_title}"', 1), encoding="utf-8")
                while True:  # until the reloaded page shows the edit
                    try:
                        if new_title in page.inner_text("h1", timeout=1000):
                            break
                    except Exception:  # the page is between documents while it reloads
                        pass
                    if time.perf_counter() - saved > 60:
                        raise TimeoutError(f"no reload after 60 s: {''.join(log)[-2000:]}")
                    time.sleep(0.01)
                reloads.append(time.perf_counter() - saved)
                time.sleep(2)  # a pause between edits, as an editor makes
            browser.close()
    finally:
        yaml_file.write_text(original, encoding="utf-8")
        server.terminate()
        server.wait(timeout=30)
    text = "".join(log)
    rebuilds = [float(x) for x in re.findall(r"rebuilt \d+ page\(s\) in ([\d.]+)s", text)]
    documents = sum(1 for _ in (content / "units").glob("*/*/*.yaml"))
    return {"documents": documents, "first_build_s": round(first_build, 1),
            "save_to_reload_ms_median": round(statistics.median(reloads) * 1000),
            "save_to_reload_ms_max": round(max(reloads) * 1000),
            "rebuild_ms_median": round(statistics.median(rebuilds) * 1000) if rebuilds else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["200x2", "1000x2"], help="synthetic portals as UNITSxYEARS")
    parser.add_argument("--edits", type=int, default=5)
    parser.add_argument("--json", type=Path, default=Path("preview-benchmark.json"))
    args = parser.parse_args()
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        real = Path(tmp) / "real"
        shutil.copytree(REPO / "content", real)
        results["real content"] = measure(real, "quannan-zfw/2022/self-evaluation.yaml", args.edits)
        for size in args.sizes:
            units, years = (int(x) for x in size.split("x"))
            out = Path(tmp) / size
            synthesize(out, units, years, seed=1)
            results[f"synthetic {size}"] = measure(out / "content", "c0001-zfw/2020/self-evaluation.yaml", args.edits)
    report(results, args.json)


if __name__ == "__main__":
    main()
