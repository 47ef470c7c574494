"""Lighthouse scores of one page of each kind of the real portal, as a web team would host it.

Run:  .venv/bin/python tests/benchmarks/lighthouse.py [--preset mobile|desktop] [--pages home final-accounts …]
      [--json out.json] [--reports DIR]

Builds ``content/`` into a temporary folder and serves it on 127.0.0.1 the way nginx with
``gzip_static``/``brotli_static`` would: the precompressed ``.br``/``.gz`` copy when the browser
accepts it, long-cache headers for the content-hashed assets. Then runs Lighthouse 12.2.3
(installed with npm into ``tests/benchmarks/.lighthouse/``, git-ignored, on first use) in
Debian's Chromium (``CHROME_PATH``), each page once, mobile preset by default (Lighthouse's
simulated slow 4G and 4× CPU slowdown), and prints the four category scores per page kind.
Goal (issue 17): performance ≥ 90 on mobile, 100 for accessibility, best practices and SEO.
"""
from __future__ import annotations

import argparse
import functools
import http.server
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from report import report
from sitegen.builder import build_portal
from sitegen.content import load_portal
from sitegen.render import urls
from sitegen.render.regions import anchor, region_path

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
LIGHTHOUSE = "lighthouse@12.2.3"
PREFIX = HERE / ".lighthouse"
CLI = PREFIX / "node_modules" / "lighthouse" / "cli" / "index.js"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
HASHED = re.compile(r"\.[0-9a-f]{10}\.\w+$")


class PrecompressedHost(http.server.SimpleHTTPRequestHandler):
    """Serves ``file.br`` / ``file.gz`` for ``file`` when accepted, ``404.html`` (status 404)
    for a missing file; hashed assets cached for a year, everything else revalidated."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        status = 200
        if not path.is_file():
            path, status = Path(self.directory) / "404.html", 404
        body, encoding = path.read_bytes(), None
        accepted = self.headers.get("Accept-Encoding", "")
        for name, suffix in (("br", ".br"), ("gzip", ".gz")):
            packed = path.with_name(path.name + suffix)
            if name in accepted and packed.is_file():
                body, encoding = packed.read_bytes(), name
                break
        self.send_response(status)
        self.send_header("Content-Type", mimetypes.guess_type(path.name)[0] or "application/octet-stream")
        if encoding:
            self.send_header("Content-Encoding", encoding)
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        immutable = HASHED.search(path.name) and "/assets/" in self.path
        self.send_header("Cache-Control", "public, max-age=31536000, immutable" if immutable else "no-cache")
        self.end_headers()
        return _Body(body)

    def log_message(self, *args):
        pass


class _Body:
    """A file-like object over bytes, for ``copyfile``."""

    def __init__(self, data: bytes):
        self.data, self.done = data, False

    def read(self, size: int = -1) -> bytes:
        if self.done:
            return b""
        self.done = True
        return self.data

    def close(self) -> None:
        pass


def page_kinds() -> dict[str, str]:
    portal = load_portal(REPO / "content", strict=True)
    final = next(d for d in portal.documents() if d.kind == "final_accounts")
    evaluation = next(d for d in portal.documents() if d.unit_id == "dachang-zfw")
    unit = portal.units[0]
    return {"home": "", "place": urls.region(anchor(region_path(unit.model.region)[:1])), "unit": urls.unit(unit.id),
            "final-accounts": urls.document(final), "self-evaluation": urls.document(evaluation),
            "project": urls.project(evaluation, evaluation.model.projects[0].slug),
            "data-quality": urls.DATA_QUALITY, "rules": urls.RULES, "search": urls.SEARCH,
            "404": "404.html"}  # Lighthouse refuses a page answered with status 404: the page itself


def ensure_lighthouse() -> None:
    if not CLI.is_file():
        subprocess.run(["npm", "install", "--no-save", "--no-audit", "--no-fund", "--prefix", str(PREFIX), LIGHTHOUSE],
                       check=True)


def run(url: str, preset: str, out: Path) -> dict[str, int]:
    command = ["node", str(CLI), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH") or shutil.which("chromium") or "chromium"}
    subprocess.run(command, check=True, env=env, timeout=300)
    result = json.loads(out.read_text(encoding="utf-8"))
    scores = {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}
    audits = result["audits"]
    scores["LCP s"] = round(audits["largest-contentful-paint"]["numericValue"] / 1000, 1)
    scores["TBT ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["CLS"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    failing = [key for key, audit in audits.items() if audit.get("score") is not None and audit["score"] < 1
               and audit.get("scoreDisplayMode") in ("binary", "metricSavings") and key not in ("largest-contentful-paint",)]
    scores["failing"] = ",".join(sorted(failing)[:6])
    return scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preset", choices=("mobile", "desktop"), default="mobile")
    parser.add_argument("--pages", nargs="*", help="page kinds (default: all)")
    parser.add_argument("--json", type=Path, default=Path("lighthouse.json"))
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's JSON report of each page in this folder")
    args = parser.parse_args()
    ensure_lighthouse()
    kinds = page_kinds()
    with tempfile.TemporaryDirectory() as scratch:
        output = Path(scratch) / "output"
        build_portal(REPO / "content", output, cache=Path(scratch) / "cache")
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(PrecompressedHost, directory=str(output)))
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{httpd.server_port}/"
        results = {}
        for kind in args.pages or kinds:
            reports = args.reports or Path(scratch)
            reports.mkdir(parents=True, exist_ok=True)
            results[kind] = run(base + kinds[kind], args.preset, reports / f"{kind}.json")
            print(kind, results[kind], file=sys.stderr, flush=True)
        httpd.shutdown()
    report(results, args.json)


if __name__ == "__main__":
    main()
