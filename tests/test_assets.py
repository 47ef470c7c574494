"""What a page costs: the partial plotly.js bundle, long-cache names, precompressed copies,
no script that blocks first paint, and the JavaScript budget of each page kind."""
from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path

import brotli

from sitegen.assets import PLOTLY_JS, TEXT_SUFFIXES, hashed_name
from sitegen.render import urls
from sitegen.render.regions import anchor

from .conftest import REPO

ENTRY = REPO / "tools" / "plotly-bundle" / "entry.js"


def test_the_bundle_registers_exactly_the_trace_types_the_charts_draw():
    used = set(re.findall(r'"type": "(\w+)"', (REPO / "sitegen/render/charts.py").read_text(encoding="utf-8")))
    registered = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", ENTRY.read_text(encoding="utf-8"))) - {"core"}
    assert used == registered == {"bar", "sunburst"}
    bundle = PLOTLY_JS.read_bytes()
    assert bundle.startswith(b"/*! plotly.js v4.1.1, traces bar and sunburst")
    assert len(bundle) < 1_300_000  # the full bundle is 4.8 MB
    for name in ("scattergl", "choropleth", "mapbox", "parcoords"):  # trace types left out
        assert f'name:"{name}"'.encode() not in bundle
    assert (PLOTLY_JS.parent / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_hashed_names_follow_the_content():
    assert re.fullmatch(r"style\.[0-9a-f]{10}\.css", hashed_name("style.css", b"a"))
    assert hashed_name("style.css", b"a") != hashed_name("style.css", b"b")
    assert hashed_name("pagefind-zh/segment.js", b"a") == "pagefind-zh/segment.js"  # imported by name


class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict, bool]] = []  # (tag, attributes, inside <head>)
        self.head = False

    def handle_starttag(self, tag, attrs):
        self.head = self.head or tag == "head"
        self.tags.append((tag, {k: v or "" for k, v in attrs}, self.head))

    def handle_endtag(self, tag):
        self.head = self.head and tag != "head"


def tags(page: Path) -> list[tuple[str, dict, bool]]:
    parser = Tags()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def page_kinds(portal) -> dict[str, str]:
    doc = next(d for d in portal.documents() if d.kind == "final_accounts")
    evaluation = next(d for d in portal.documents() if d.kind == "self_evaluation" and d.model.projects)
    return {"home": "", "place": urls.region(anchor(("河北省",))), "unit": urls.unit(doc.unit_id), "document": urls.document(doc),
            "project": urls.project(evaluation, evaluation.model.projects[0].slug),
            "data-quality": urls.DATA_QUALITY, "rules": urls.RULES, "search": urls.SEARCH}


# Bytes of JavaScript a page loads before it is interactive (scripts it names), per page kind;
# plotly.js comes later, when a chart scrolls into view, and is counted apart.
JS_BUDGET = {"home": 4_000, "place": 4_000, "unit": 4_000, "document": 4_000, "project": 4_000, "data-quality": 8_000,
             "rules": 0, "search": 160_000}  # search: Pagefind's UI (119 KB) and ours


def test_no_page_has_a_render_blocking_script_and_each_kind_keeps_its_budget(built, portal):
    output, _ = built
    pages = page_kinds(portal)
    for page in sorted(output.rglob("*.html")):
        for tag, attrs, _ in tags(page):
            if tag == "script" and "src" in attrs:
                assert "defer" in attrs or "async" in attrs or attrs.get("type") == "module", \
                    f"{page.relative_to(output)}: {attrs['src']} blocks rendering"
    for kind, url in pages.items():
        page = output / urls.file_for(url)
        scripts = [a["src"] for tag, a, _ in tags(page) if tag == "script" and "src" in a]
        size = sum((page.parent / src).resolve().stat().st_size for src in scripts)
        assert size <= JS_BUDGET[kind], f"{kind}: {size} bytes of JavaScript ({scripts})"
        assert "plotly" not in " ".join(scripts)  # never loaded up front


def test_plotly_is_named_by_the_chart_loader_only(built):
    output, _ = built
    [bundle] = (output / "assets").glob("plotly.*.js")
    for page in sorted(output.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        loaders = re.findall(r'<script src="[^"]*charts\.[0-9a-f]{10}\.js" data-plotly="([^"]+)" defer>', text)
        assert bool(loaders) == ('class="chart-spec"' in text), page
        for source in loaders:
            assert (page.parent / source).resolve() == bundle.resolve()


def test_every_text_file_has_its_precompressed_copies(built):
    output, _ = built
    texts = [p for p in output.rglob("*") if p.is_file() and p.suffix in TEXT_SUFFIXES and not p.name.startswith(".")]
    assert len(texts) > 150
    kinds = {p.suffix for p in texts}
    assert {".html", ".css", ".js", ".json", ".xml", ".csv"} <= kinds
    for file in texts:
        data = file.read_bytes()
        assert gzip.decompress(file.with_name(file.name + ".gz").read_bytes()) == data, file
        assert brotli.decompress(file.with_name(file.name + ".br").read_bytes()) == data, file
    [bundle] = (output / "assets").glob("plotly.*.js")
    assert bundle.with_name(bundle.name + ".br").stat().st_size < 400_000  # what a phone downloads


def test_charts_leave_no_empty_box_without_javascript(built, portal):
    output, _ = built
    style = next((output / "assets").glob("style.*.css")).read_text(encoding="utf-8")
    assert re.search(r"@media \(scripting: none\) \{ \.chart-canvas, \.chart-data \{ display: none; \} \}", style)
    assert re.search(r"@media \(scripting: enabled\) \{\s*\.chart-data:not\(\[open\]\) \+ \.chart-table \{ display: none; \}", style)
    html = (output / urls.file_for(page_kinds(portal)["document"])).read_text(encoding="utf-8")
    figures = re.findall(r'<figure class="chart".*?</figure>', html, re.S)
    assert figures
    for figure in figures:
        assert re.search(r'<details class="chart-data"><summary>[^<]+</summary></details>\s*<div class="chart-table', figure)
        assert "<tbody><tr>" in figure
