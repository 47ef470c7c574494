"""The real portal built end to end: every page exists, links resolve, no outside URL."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from sitegen.render import urls
from sitegen.render.regions import anchor, region_path


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


def place_url(unit) -> str:
    return urls.region(anchor(region_path(unit.model.region)))


def test_home_links_every_place_and_places_every_unit_and_document(built, portal):
    output, _ = built
    home = set(parse(output / "index.html").refs)
    for unit in portal.units:
        place = place_url(unit)
        assert place in home
        refs = set(parse(output / urls.file_for(place)).refs)
        root = urls.root_from(place)
        assert root + urls.unit(unit.id) in refs
        for doc in unit.documents:
            assert root + urls.document(doc) in refs


def test_place_pages_nest_province_city_and_county(built, portal):
    """Each unit's place page: the breadcrumbs of its province and city above it, and its card."""
    output, _ = built
    expected = {unit.id: tuple(name for name in (unit.model.region.province, unit.model.region.city,
                                                 unit.model.region.county) if name) for unit in portal.units}
    # The real content has both: county units (乐亭县 under 唐山市 under 河北省) and a city unit (定西).
    assert {len(path) for path in expected.values()} == {2, 3}
    for unit in portal.units:
        path = expected[unit.id]
        page = (output / urls.file_for(place_url(unit))).read_text(encoding="utf-8")
        crumbs = re.search(r'<nav class="breadcrumbs[^"]*".*?</nav>', page, re.S).group(0)
        assert [text for text in re.findall(r">([^<>]+)</(?:a|span)>", crumbs) if text != "›"] == ["首页", *path]
        for depth in range(1, len(path)):  # each place above links to its own page
            assert f'href="../../{urls.region(anchor(path[:depth]))}">{path[depth - 1]}</a>' in crumbs
        cards = re.findall(r'<a class="unit-name" href="([^"]+)"', page)
        assert "../../" + urls.unit(unit.id) in cards


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
    copies = [p for p in output.rglob("*.js") if p.read_bytes().startswith(b"/*! plotly.js")]
    assert len(copies) == 1 and re.fullmatch(r"assets/plotly\.[0-9a-f]{10}\.js", copies[0].relative_to(output).as_posix())
    for page in html_files(output):
        text = page.read_text(encoding="utf-8")
        has_chart = 'class="chart-spec"' in text
        assert (copies[0].name in text) == has_chart, page
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
    from sitegen.builder import build_portal
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

    from sitegen.builder import build_portal
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
    [style] = (output / "assets").glob("style.*.css")
    assert style.read_text(encoding="utf-8") == "body { color: #123456; }\n" and style.name in unit_page
    assert list((output / "assets").glob("print.*.css"))  # not overridden: from the default theme


def test_sitemap_lists_every_page_and_feed_dates_documents(built, portal):
    import xml.etree.ElementTree as ET
    output, _ = built
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    base = "https://yjs.example.org/"  # content/site.yaml
    listed = {loc.text for loc in ET.parse(output / "sitemap.xml").getroot().findall("s:url/s:loc", namespace)}
    pages = {base + p.relative_to(output).as_posix().removesuffix("index.html") for p in html_files(output)} - {base + "404.html"}
    assert listed == pages
    feed = ET.parse(output / "feed.xml").getroot()
    assert feed.find("a:link[@rel='self']", namespace).get("href") == base + "feed.xml"
    entries = feed.findall("a:entry", namespace)
    assert {e.find("a:link", namespace).get("href") for e in entries} == {base + urls.document(d) for d in portal.documents()}
    updated = [e.findtext("a:updated", namespaces=namespace) for e in entries]
    assert updated == sorted(updated, reverse=True) and "2024-04-09T00:00:00Z" in updated  # 乐亭: 2024年4月9日
    # No publication date, no revision: dated by the end of the fiscal year (平乡's 2021 budget).
    pingxiang = next(e for e in entries if "pingxiang-zfw" in e.find("a:link", namespace).get("href"))
    assert pingxiang.findtext("a:published", namespaces=namespace) == "2021-12-31T00:00:00Z"
    assert (output / "404.html").is_file()


def test_a_large_sitemap_becomes_an_index_of_sitemaps():
    import xml.etree.ElementTree as ET
    from sitegen.render.feeds import sitemaps
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    page_urls = [f"units/u{n}/" for n in range(7)]
    files = sitemaps(page_urls, "https://x.example.org/portal", per_file=3)
    assert list(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    index = ET.fromstring(files["sitemap.xml"])
    assert [loc.text for loc in index.findall("s:sitemap/s:loc", namespace)] == [f"https://x.example.org/portal/sitemap-{n}.xml" for n in (1, 2, 3)]
    listed = [loc.text for name in list(files)[:3] for loc in ET.fromstring(files[name]).findall("s:url/s:loc", namespace)]
    assert listed == ["https://x.example.org/portal/" + url for url in page_urls]
    assert list(sitemaps(page_urls, "https://x.example.org/", per_file=7)) == ["sitemap.xml"]


def test_sitemap_files_are_named_by_the_runs_of_pages_they_hold():
    """A file's source names the runs it holds and the stretch of each, so an edit that changes
    one unit's run changes the source of the files holding its pages, and only theirs."""
    from sitegen.render.feeds import sitemap_files
    runs = [("wide", ["", "rules/", "search/"]), ("u1", ["units/u1/", "units/u1/2023/budget/"]), ("u2", []),
            ("u3", ["units/u3/", "units/u3/2023/budget/", "units/u3/2023/final-accounts/"])]
    files = sitemap_files(runs, per_file=3)
    every = [url for _, urls in runs for url in urls]
    assert [name for name, *_ in files] == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert [listed() for _, _, listed, _ in files[:3]] == [every[0:3], every[3:6], every[6:8]]  # u1 and u3 straddle a file
    assert files[3][2]() == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml"] and files[3][3]
    edited = sitemap_files([runs[0], runs[1], runs[2], ("u3 edited", runs[3][1])], per_file=3)
    assert [a[1] != b[1] for a, b in zip(files, edited)] == [False, True, True, False]
    assert [a[2]() for a in files] == [b[2]() for b in edited]


def test_the_feed_keeps_the_newest_documents(portal, monkeypatch):
    import xml.etree.ElementTree as ET
    from sitegen.render import feeds
    every = ET.fromstring(feeds.atom(portal, "https://x.example.org/")).findall("{http://www.w3.org/2005/Atom}entry")
    monkeypatch.setattr(feeds, "FEED_ENTRIES", 2)
    newest = ET.fromstring(feeds.atom(portal, "https://x.example.org/")).findall("{http://www.w3.org/2005/Atom}entry")
    assert len(every) > 2 and [e.findtext("{http://www.w3.org/2005/Atom}id") for e in newest] == \
        [e.findtext("{http://www.w3.org/2005/Atom}id") for e in every[:2]]


def test_revisions_and_neighbouring_years(tmp_path):
    from sitegen.builder import build_portal
    from .conftest import HEADER, write_portal
    body = "published: 2024年3月1日\n"
    content = write_portal(tmp_path, {
        "2022/self-evaluation.yaml": HEADER.replace("2023", "2022") + body,
        "2023/self-evaluation.yaml": HEADER + body + "revisions:\n  - {date: 2024-06-30, note: 更正项目汇总表合计数}\n",
    })
    (content / "site.yaml").write_text("title: 测试门户\nbase_url: https://x.example.org/\n", encoding="utf-8")
    output = tmp_path / "out"
    build_portal(content, output, search=False)
    page_2023 = (output / "units/demo/2023/self-evaluation/index.html").read_text(encoding="utf-8")
    page_2022 = (output / "units/demo/2022/self-evaluation/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2024-06-30">2024-06-30</time>：更正项目汇总表合计数' in page_2023
    assert 'rel="prev" href="../../../../units/demo/2022/self-evaluation/"' in page_2023 and 'rel="next"' not in page_2023
    assert 'rel="next" href="../../../../units/demo/2023/self-evaluation/"' in page_2022
    feed = (output / "feed.xml").read_text(encoding="utf-8")
    assert feed.index("2024-06-30") < feed.index("2024-03-01") and "更正项目汇总表合计数" in feed


def test_goal_copied_between_units_reaches_the_portal_pages(tmp_path):
    """COPY-002 is joined in the parent from each unit's fingerprints (cached with its
    documents): the copy is counted and listed on its rule's page, in a fresh and a cached build."""
    from sitegen.builder import build_portal

    goal = "为每名严重精神障碍患者监护人承保，在保险期限内由保险机构负责赔偿第三者人身伤亡或财产损失。"
    content = tmp_path / "content"
    for unit, name in (("a-xian", "甲县政法委"), ("b-xian", "乙县政法委")):
        folder = content / "units" / unit / "2023"
        folder.mkdir(parents=True)
        (folder.parent / "unit.yaml").write_text(
            f"name: {name}\nregion: {{province: 河北省, city: 测试市, county: {name[:2]}}}\nlevel: 县\n", encoding="utf-8")
        (folder / "self-evaluation.yaml").write_text(
            "kind: self_evaluation\nyear: 2023\ntitle: 自评\nsource: test\nprojects:\n"
            f"  - slug: p1\n    name: 监护人责任险\n    goals: [{{target: {goal}}}]\n", encoding="utf-8")
    (content / "site.yaml").write_text("title: 测试门户\n", encoding="utf-8")
    for _ in range(2):
        result = build_portal(content, tmp_path / "output", search=False, cache=tmp_path / "cache", workers=1)
        page = (tmp_path / "output" / urls.rule("COPY-002") / "index.html").read_text(encoding="utf-8")
        assert "与单位 a-xian 2023 年“监护人责任险”的绩效目标逐字相同" in page  # reported on b-xian, against a-xian


def test_without_base_url_no_relative_sitemap_or_feed_is_written(tmp_path):
    """sitemaps.org and Atom need absolute URLs: without the portal's address, the build says so
    and leaves them out (and the pages do not link them), rather than publish relative ones."""
    from sitegen.builder import build_portal
    from sitegen.render import feeds
    from .conftest import HEADER, write_portal
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": HEADER})
    output = tmp_path / "out"
    result = build_portal(content, output, search=False)
    assert not (output / "sitemap.xml").exists() and not (output / "feed.xml").exists()
    assert len(result.warnings) == 1 and "base_url" in result.warnings[0] and "site.yaml" in result.warnings[0]
    home = (output / "index.html").read_text(encoding="utf-8")
    assert "feed.xml" not in home and "sitemap.xml" not in home
    for relative in ("/", "/portal", "portal/", ""):
        with pytest.raises(ValueError, match="not an absolute"):
            feeds.sitemaps(["units/demo/"], relative)


def test_the_404_page_links_from_the_path_of_base_url(tmp_path):
    from sitegen.builder import build_portal
    from .conftest import HEADER, write_portal
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": HEADER})
    (content / "site.yaml").write_text("title: 测试门户\nbase_url: https://x.example.org/yjs/\n", encoding="utf-8")
    output = tmp_path / "out"
    build_portal(content, output, search=False)
    page = (output / "404.html").read_text(encoding="utf-8")
    links = re.findall(r'(?:href|src|data-plotly)="([^"]+)"', page)
    assert links and all(link.startswith(("/yjs/", "#")) for link in links), links  # the same from any depth, no host


def test_search_titles_say_how_pages_differ(built):
    output, _ = built
    titles = [m for page in html_files(output)
              for m in re.findall(r'data-pagefind-meta="title:([^"]+)"', page.read_text(encoding="utf-8"))]
    assert len(titles) > 40 and len(set(titles)) == len(titles)
    # 定西's self-evaluation has two tables of 综治维稳暨市域社会治理试点经费: each says which it is.
    assert sum(t.startswith("综治维稳暨市域社会治理试点经费（文件第 ") for t in titles) == 2


@pytest.mark.parametrize("base_url", ["javascript:alert(1)", "//elsewhere.example/", "https://x.example.org/\"><script>"])
def test_a_base_url_that_is_neither_http_nor_a_path_is_refused_at_its_line(tmp_path, base_url):
    from sitegen.content import ContentErrors
    from sitegen.content.loader import load_site

    (tmp_path / "content").mkdir()
    site_yaml = tmp_path / "content" / "site.yaml"
    site_yaml.write_text(f"title: 测试门户\nbase_url: '{base_url}'\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        load_site(site_yaml, [])
    [error] = raised.value.errors
    assert (error.file, error.line, error.column) == (site_yaml, 2, 11)
