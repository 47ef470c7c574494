"""The real portal built end to end: every page exists, links resolve, no outside URL."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

from sitegen.render import urls


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append(value)
            if name == "id" and value:
                self.ids.add(value)


def parse(file: Path) -> Links:
    parser = Links()
    parser.feed(file.read_text(encoding="utf-8"))
    return parser


def html_files(output: Path) -> list[Path]:
    return sorted(p for p in output.rglob("*.html") if "pagefind" not in p.parts)


def test_pages_for_every_unit_document_and_project(built, portal):
    output, result = built
    for unit in portal.units:
        assert (output / urls.file_for(urls.unit(unit.id))).is_file()
        for doc in unit.documents:
            page = output / urls.file_for(urls.document(doc))
            assert page.is_file(), page
            for project in getattr(doc.model, "projects", []):
                assert (output / urls.file_for(urls.project(doc, project.slug))).is_file()
    assert result.pages + 1 == len(html_files(output))  # and the 404 page


def test_home_links_every_unit_and_document(built, portal):
    output, _ = built
    refs = set(parse(output / "index.html").refs)
    for unit in portal.units:
        assert urls.unit(unit.id) in refs
        for doc in unit.documents:
            assert urls.document(doc) in refs


class RegionTree(HTMLParser):
    """The home page's region tree: each unit link with the headings of the regions around it."""

    def __init__(self):
        super().__init__()
        self.divs: list[bool] = []       # open <div>s: is it a region
        self.names: list[str | None] = []  # the heading of each open region
        self.heading: bool = False
        self.units: dict[str, tuple[str, ...]] = {}
        self.index_links: set[str] = set()
        self.region_ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "div":
            self.divs.append("region" in classes)
            if "region" in classes:
                self.names.append(None)
                self.region_ids.add(attrs["id"])
        elif tag in ("h3", "h4", "h5") and self.names and self.names[-1] is None:
            self.heading = True
        elif tag == "a" and "unit-name" in classes:
            self.units[attrs["href"]] = tuple(self.names)
        elif tag == "a" and (attrs.get("href") or "").startswith("#region-"):
            self.index_links.add(attrs["href"][1:])

    def handle_endtag(self, tag):
        if tag == "div" and self.divs.pop():
            self.names.pop()
        elif tag in ("h3", "h4", "h5"):
            self.heading = False

    def handle_data(self, data):
        if self.heading:
            self.names[-1] = (self.names[-1] or "") + data.strip()


def test_home_nests_units_in_their_province_city_and_county(built, portal):
    output, _ = built
    tree = RegionTree()
    tree.feed((output / "index.html").read_text(encoding="utf-8"))
    expected = {urls.unit(unit.id): tuple(name for name in (unit.model.region.province, unit.model.region.city,
                                                             unit.model.region.county) if name)
                for unit in portal.units}
    assert tree.units == expected
    # The real content has both: county units (乐亭县 under 唐山市 under 河北省) and a city unit (定西).
    assert {len(path) for path in expected.values()} == {2, 3}
    assert tree.index_links == tree.region_ids  # the index links to every place, and only to places


def test_every_internal_link_resolves(built):
    output, _ = built
    checked = 0
    for page in html_files(output):
        parsed = parse(page)
        for ref in parsed.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            if parts.path.startswith("/"):  # root-relative (the 404 page): from the output root
                target = (output / unquote(parts.path).lstrip("/")).resolve()
            else:
                target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            assert target.is_file(), f"{page.relative_to(output)} links to missing {ref}"
            if parts.fragment and target == page:
                assert parts.fragment in parsed.ids, f"{page.relative_to(output)}: no #{parts.fragment}"
            checked += 1
    assert checked > 500


def test_no_outside_urls_in_pages_or_assets(built):
    output, _ = built
    outside = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)
    for file in list(output.rglob("*.html")) + list(output.rglob("*.css")):
        text = file.read_text(encoding="utf-8")
        assert not outside.search(text), f"outside URL in {file.relative_to(output)}"
        assert "@import" not in text and "fonts.googleapis" not in text


def test_plotly_ships_once_and_is_loaded_only_where_charts_are(built):
    output, _ = built
    copies = [p for p in output.rglob("*.js") if p.read_bytes().startswith(b"/**\n* plotly.js")]
    assert [p.relative_to(output).as_posix() for p in copies] == ["assets/plotly.min.js"]
    for page in html_files(output):
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="chart-spec"' in text
        assert ("plotly.min.js" in text) == has_chart, page
        assert len(text.encode()) < 300_000, f"{page} is heavier than 300 KB"


def test_document_and_project_pages_have_findings_panel_and_charts(built, portal):
    output, _ = built
    for doc in portal.documents():
        pages = [urls.document(doc)] + [urls.project(doc, p.slug) for p in getattr(doc.model, "projects", [])]
        for url in pages:
            text = (output / urls.file_for(url)).read_text(encoding="utf-8")
            assert 'id="findings-title"' in text, url
        text = (output / urls.file_for(urls.document(doc))).read_text(encoding="utf-8")
        assert text.count('class="chart-spec"') >= 1, urls.document(doc)


def test_search_index_built(built):
    output, _ = built
    assert (output / "pagefind" / "pagefind.js").is_file()
    assert (output / "pagefind" / "pagefind-ui.js").is_file()


def test_build_is_deterministic(tmp_path):
    from sitegen.build import build_portal
    from .conftest import CONTENT
    first, second = tmp_path / "a", tmp_path / "b"
    build_portal(CONTENT, first, search=False, cache=tmp_path / "cache-a")  # two caches: nothing shared
    build_portal(CONTENT, second, search=False, cache=tmp_path / "cache-b")
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    for relative in files:
        assert (first / relative).read_bytes() == (second / relative).read_bytes(), relative


def test_site_theme_overrides_templates_and_static_files(tmp_path):
    """MkDocs-style search path: the site's theme first, the default theme for the rest."""
    import shutil

    from sitegen.build import build_portal
    from .conftest import CONTENT
    site = tmp_path / "site"
    shutil.copytree(CONTENT, site / "content")
    (site / "content" / "site.yaml").write_text((CONTENT / "site.yaml").read_text(encoding="utf-8").replace(
        "theme: default", "theme: county"), encoding="utf-8")
    theme = site / "themes" / "county"
    (theme / "templates" / "partials").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "partials" / "facets.html").write_text('<p class="county-note">县级主题</p>\n', encoding="utf-8")
    (theme / "static" / "style.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    output = tmp_path / "out"
    build_portal(site / "content", output, search=False)
    unit_page = (output / "units/laoting-zfw/index.html").read_text(encoding="utf-8")
    assert '<p class="county-note">县级主题</p>' in unit_page and "data-pagefind-filter" not in unit_page
    assert (output / "assets/style.css").read_text(encoding="utf-8") == "body { color: #123456; }\n"
    assert (output / "assets/print.css").exists()  # not overridden: from the default theme


def test_sitemap_lists_every_page_and_feed_dates_documents(built, portal):
    import xml.etree.ElementTree as ET
    output, _ = built
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    listed = {loc.text for loc in ET.parse(output / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)}
    pages = {"/" + p.relative_to(output).as_posix().removesuffix("index.html") for p in html_files(output)} - {"/404.html"}
    assert listed == pages
    feed = ET.parse(output / "feed.xml").getroot()
    updated = [e.findtext("a:updated", namespaces=namespace) for e in feed.findall("a:entry", namespace)]
    assert updated == sorted(updated, reverse=True) and "2024-04-09T00:00:00Z" in updated  # 乐亭: 2024年4月9日
    assert (output / "404.html").is_file()


def test_revisions_and_neighbouring_years(tmp_path):
    from sitegen.build import build_portal
    from .conftest import HEADER, write_portal
    body = "published: 2024年3月1日\n"
    content = write_portal(tmp_path, {
        "2022/self-evaluation.yaml": HEADER.replace("2023", "2022") + body,
        "2023/self-evaluation.yaml": HEADER + body + "revisions:\n  - {date: 2024-06-30, note: 更正项目汇总表合计数}\n",
    })
    output = tmp_path / "out"
    build_portal(content, output, search=False)
    page_2023 = (output / "units/demo/2023/self-evaluation/index.html").read_text(encoding="utf-8")
    page_2022 = (output / "units/demo/2022/self-evaluation/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-06-30">2024-06-30</time>：更正项目汇总表合计数' in page_2023
    assert 'rel="prev" href="../../../../units/demo/2022/self-evaluation/"' in page_2023 and 'rel="next"' not in page_2023
    assert 'rel="next" href="../../../../units/demo/2023/self-evaluation/"' in page_2022
    feed = (output / "feed.xml").read_text(encoding="utf-8")
    assert feed.index("2024-06-30") < feed.index("2024-03-01") and "更正项目汇总表合计数" in feed
