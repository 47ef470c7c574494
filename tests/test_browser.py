"""Real headless Chromium (Debian's package) over the built real portal: search and charts."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from sitegen.render import urls
from sitegen.render.regions import anchor, region_path

CHROMIUM = shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = os.environ.get("SITEGEN_ARTIFACTS", "test-artifacts")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed"),
]


SERVED: list[str] = []


class StaticHost(http.server.SimpleHTTPRequestHandler):
    """A plain static host: assets cacheable for a day, as any web server or CDN would set."""

    def end_headers(self):
        if self.path.startswith("/assets/"):
            self.send_header("Cache-Control", "public, max-age=86400")
        super().end_headers()

    def log_message(self, *args):
        SERVED.append(self.path)


def serve(folder):
    """Serve ``folder`` on a free localhost port; yields its base URL."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(StaticHost, directory=str(folder)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


@pytest.fixture(scope="module")
def server(built):
    yield from serve(built[0])


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requests: list[str] = []
    errors: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.requests, page.errors = requests, errors
    yield page
    page.close()


def search_results(page) -> list[str]:
    """Wait for Pagefind's UI to list every result (clicking "load more"); return their URLs."""
    message = page.locator(".pagefind-ui__message")
    # "找到 N 个 … 的相关结果", not the "searching …" message (which quotes the query, numbers too)
    expect(message).to_have_text(re.compile(r"^\s*找到 \d+ 个"), timeout=15000)
    total = int(re.match(r"\s*找到 (\d+) 个", message.inner_text()).group(1))
    results = page.locator("li.pagefind-ui__result")
    more = page.locator("button.pagefind-ui__button")
    for _ in range(150):
        if results.count() >= total:
            break
        if more.count():  # the list may still be rendering its first results
            more.click()
        page.wait_for_timeout(200)
    first_links = "els => els.map(e => (e.querySelector('a.pagefind-ui__result-link') || {}).href || null)"
    for _ in range(100):
        links = results.evaluate_all(first_links)
        if len(links) == total and all(links):
            return links
        page.wait_for_timeout(100)
    raise AssertionError(f"search listed {links}, expected {total} results")


def text_of(unit) -> str:
    return "".join(doc.file.read_text(encoding="utf-8") + (doc.narrative or "") + "".join(doc.project_narratives.values())
                   for doc in unit.documents)


def test_search_finds_every_unit_mentioning_xueliang(server, page, portal):
    mentioning = {unit.model.name for unit in portal.units if "雪亮工程" in text_of(unit)}
    assert len(mentioning) >= 3
    page.goto(server + urls.SEARCH + "?q=雪亮工程")
    links = search_results(page)
    found = {unit.model.name for unit in portal.units for link in links if f"/units/{unit.id}/" in link}
    # Every unit that writes 雪亮工程 is found; Chinese segmentation also finds 大厂's 雪亮安防工程.
    assert mentioning <= found
    assert all("雪亮" in text_of(unit) for unit in portal.units if unit.model.name in found)
    assert all(r.startswith(server) for r in page.requests), "a request left the portal"
    assert page.errors == []


def test_search_box_on_every_page_leads_to_results(server, page, portal):
    doc = portal.documents()[0]
    page.goto(server + urls.document(doc))
    page.fill("#q", "三公经费")
    page.press("#q", "Enter")
    page.wait_for_selector(".pagefind-ui__result", timeout=15000)
    assert page.locator(".pagefind-ui__result").count() >= 1


def chart_pages(portal):
    """One URL of each page kind that has charts: home, a place, unit, every document, one project of each document kind."""
    pages = {"home": "", "place": urls.region(anchor(("河北省",))), "unit": urls.unit(portal.units[0].id)}
    for doc in portal.documents():
        pages[f"{doc.unit_id}-{doc.year}-{doc.kind}"] = urls.document(doc)
        projects = getattr(doc.model, "projects", [])
        if projects and doc.kind == "self_evaluation":
            pages[f"project-{doc.unit_id}"] = urls.project(doc, projects[0].slug)
    return pages


def test_charts_render_as_svg_with_their_marks(server, page, portal):
    os.makedirs(ARTIFACTS, exist_ok=True)
    for name, url in chart_pages(portal).items():
        page.goto(server + url)
        figures = page.locator("figure.chart")
        assert figures.count() >= 1, url
        page.mouse.wheel(0, 1)  # a chart is drawn once the reader scrolls or touches, when it is in view
        for i in range(figures.count()):
            figure = figures.nth(i)
            figure.scroll_into_view_if_needed()
            figure.locator(".main-svg").first.wait_for(timeout=15000)  # locator waits: CSP forbids eval
            expected = int(figure.get_attribute("data-marks"))
            drawn = figure.locator("g.point path, g.slice path.surface").count()
            assert drawn == expected, f"{url} chart {i + 1}: {drawn} marks drawn, {expected} expected"
        page.screenshot(path=f"{ARTIFACTS}/{name}.png", full_page=False)
    assert page.errors == []


def test_chart_tables_show_and_chart_boxes_go_without_javascript(server, browser, portal):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 740})
    page = context.new_page()
    for url in chart_pages(portal).values():
        page.goto(server + url)
        figures = page.locator("figure.chart")
        assert figures.count() >= 1
        for i in range(figures.count()):
            figure = figures.nth(i)
            assert figure.locator(".chart-canvas").bounding_box() is None, f"{url}: an empty chart box"
            assert figure.locator(".chart-table tbody tr").first.is_visible(), url
    context.close()


def test_plotly_waits_until_a_chart_comes_into_view(server, browser, portal):
    """A document opened on a phone: first paint and the figures above the fold come without
    plotly.js; it is fetched once a chart scrolls into view, and the chart's table opens on a tap.
    A chart in the first screen (a unit's page) waits for the reader's first scroll or touch."""
    context = browser.new_context(viewport={"width": 375, "height": 740})
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    doc = next(d for d in portal.documents() if d.kind == "final_accounts")
    page.goto(server + urls.document(doc))
    page.wait_for_load_state("load")
    page.wait_for_timeout(500)
    assert not [r for r in requested if "/assets/plotly." in r]
    figure = page.locator("figure.chart").first
    assert not figure.locator(".chart-table").is_visible()
    figure.scroll_into_view_if_needed()
    page.mouse.wheel(0, 1)
    figure.locator(".main-svg").first.wait_for(timeout=15000)
    assert len([r for r in requested if "/assets/plotly." in r]) == 1
    figure.locator(".chart-data summary").click()
    assert figure.locator(".chart-table tbody tr").first.is_visible()
    requested.clear()
    page.goto(server + urls.unit(doc.unit_id))
    page.wait_for_load_state("load")
    figure = page.locator("figure.chart").first
    assert figure.evaluate("e => e.getBoundingClientRect().top < window.innerHeight")  # in the first screen
    page.wait_for_timeout(1000)
    assert not [r for r in requested if "/assets/plotly." in r]
    assert "滑动或轻触" in figure.locator(".chart-canvas").evaluate("e => getComputedStyle(e, '::before').content")
    page.mouse.wheel(0, 1)
    figure.locator(".main-svg").first.wait_for(timeout=15000)
    context.close()


def test_plotly_is_fetched_once_per_visit(server, browser, portal):
    context = browser.new_context()
    page = context.new_page()
    SERVED.clear()
    visited = list(chart_pages(portal).values())[:5]
    for url in visited:
        page.goto(server + url)
        page.mouse.wheel(0, 1)
        page.locator("figure.chart").first.scroll_into_view_if_needed()
        page.locator(".chart-canvas .main-svg").first.wait_for(timeout=15000)
    context.close()
    assert len([p for p in SERVED if re.fullmatch(r"/assets/plotly\.[0-9a-f]{10}\.js", p)]) == 1
    assert len([p for p in SERVED if not p.startswith("/assets/")]) >= len(visited)


AXE = os.path.join(os.path.dirname(__file__), ".axe", "node_modules", "axe-core", "axe.min.js")


def test_year_filter_narrows_search(server, page):
    page.goto(server + urls.SEARCH + "?q=雪亮工程")
    everything = search_results(page)
    page.click("#search-filters")  # the filters are loaded when asked for
    page.locator("summary.pagefind-ui__filter-name", has_text="年度").click()
    page.locator("input[name='年度'][value='2023']").check()
    message = page.locator(".pagefind-ui__message")
    expect(message).not_to_contain_text(f"{len(everything)} 个", timeout=15000)  # the filtered search has answered
    narrowed = search_results(page)
    assert 0 < len(narrowed) < len(everything)
    assert all("/2023/" in link for link in narrowed)


def test_three_public_expenses_finds_the_final_accounts(server, page, portal):
    page.goto(server + urls.SEARCH + "?q=三公经费")
    links = search_results(page)
    final_accounts = [urls.document(d) for d in portal.documents() if d.kind == "final_accounts"]
    assert all(any(link.endswith("/" + url) for link in links) for url in final_accounts)


class IndexedText(HTMLParser):
    """The text Pagefind indexes of a page: inside ``data-pagefind-body``, outside anything
    ignored, hidden or not shown (a search excerpt may quote nothing else)."""

    SKIP = {"script", "style", "template"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[bool, bool]] = []  # (inside the body, skipped)
        self.chunks: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        names = dict(attrs)
        body, skipped = self.stack[-1] if self.stack else (False, False)
        body = body or "data-pagefind-body" in names
        skipped = skipped or tag in self.SKIP or "hidden" in names or "data-pagefind-ignore" in names
        self.stack.append((body, skipped))

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] == (True, False):
            self.chunks.append(data)


def indexed_text(built_page) -> str:
    parser = IndexedText()
    parser.feed(built_page.read_text(encoding="utf-8"))
    return " ".join(parser.chunks)


def pages_containing(output, text: str) -> set[str]:
    """URL paths (``/units/…/``) of the indexed pages whose text holds ``text`` (spaces ignored) within one element."""
    wanted = text.replace(" ", "")
    return {"/" + file.parent.relative_to(output).as_posix() + "/" for file in output.rglob("index.html")
            if wanted in indexed_text(file)}


def searched(page, server: str, query: str) -> list[str]:
    page.goto(server + urls.SEARCH + "?q=" + query)
    return [link.removeprefix(server[:-1]) for link in search_results(page)]


@pytest.mark.parametrize("query", ["特困干警补贴", "干警补贴", "特困 干警 补贴"])
def test_chinese_compounds_find_the_pages_holding_them(server, page, built, portal, query):
    """Pagefind cuts pages with jieba and (left alone) queries with Chromium's segmenter; these cut
    特困干警补贴 differently, so the search page reads the query against the index itself."""
    output, _ = built
    holding = pages_containing(output, query)
    projects = {"/" + urls.project(doc, project.slug): (unit, doc) for unit in portal.units for doc in unit.documents
                for project in getattr(doc.model, "projects", []) if query.replace(" ", "") in project.name}
    assert projects and set(projects) <= holding
    found = searched(page, server, query)
    assert holding <= set(found)
    for url, (unit, doc) in projects.items():
        result = page.locator("li.pagefind-ui__result", has=page.locator(f"a.pagefind-ui__result-link[href='{url}']"))
        title = result.locator("a.pagefind-ui__result-link").first.inner_text()
        assert unit.model.name in title and f"{doc.year}年" in title and "绩效自评" in title
        assert result.locator(".pagefind-ui__result-excerpt mark").count() >= 1
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.errors == []


@pytest.mark.parametrize("query", ["特困", "补贴", "反邪教工作经费", "监护人责任保险", "138.29", "1480.41", "雪亮工程"])
def test_search_finds_every_page_holding_the_query(server, page, built, query):
    output, _ = built
    holding = pages_containing(output, query)
    assert holding
    assert holding <= set(searched(page, server, query))


@pytest.mark.parametrize("query", ["雪亮工程", "监护人责任保险"])
def test_unit_facet_counts_the_results(server, page, portal, query):
    """A query read several ways merges their results; the facet counts are those of the merge."""
    found = searched(page, server, query)
    expected = {unit.model.name: n for unit in portal.units if (n := sum(f"/units/{unit.id}/" in link for link in found))}
    page.click("#search-filters")  # the filters are loaded when asked for
    # The facet counts are drawn after the results: read them until they settle (at most 5 s).
    for _ in range(50):
        labels = page.locator("input[name='单位']").evaluate_all("els => els.map(e => e.labels[0].textContent)")
        counts = dict(re.fullmatch(r"(.+?)\s*\((\d+)\)", label.strip()).groups() for label in labels)
        shown = {name: int(n) for name, n in counts.items() if int(n)}
        if shown == expected:
            break
        page.wait_for_timeout(100)
    assert shown == expected


def _plain(text: str) -> str:
    # Pagefind joins a page's blocks with ". " and spaces; neither is the page's own text.
    return re.sub(r"[\s.]", "", text)


@pytest.mark.parametrize("query", ["特困干警补贴", "反邪教工作经费", "138.29"])
def test_excerpts_quote_only_the_page_text(server, page, built, query):
    """No index-only text (hidden facets, duplicated words) ever shows in a result's passage."""
    output, _ = built
    searched(page, server, query)
    excerpts = page.locator("li.pagefind-ui__result .pagefind-ui__result-excerpt").evaluate_all(
        "els => els.map(e => [e.closest('.pagefind-ui__result-inner, .pagefind-ui__result-nested')"
        ".querySelector('a.pagefind-ui__result-link').getAttribute('href'), e.textContent])")
    assert excerpts
    for link, excerpt in excerpts:
        path = link.split("#")[0].lstrip("/")
        text = _plain(indexed_text(output / path / "index.html"))
        assert _plain(excerpt) in text, f"{link}: {excerpt!r} is not on the page"


@pytest.mark.skipif(not os.path.exists(AXE) and not os.environ.get("CI"), reason="axe-core not installed (npm)")
def test_no_serious_accessibility_violations(server, browser, portal):
    """axe-core (WCAG 2.1 A/AA rules) on one page of each kind; injected, so CSP is bypassed for it."""
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    budget = next(d for d in portal.documents() if d.kind == "budget")
    pages = {**chart_pages(portal), "budget-project": urls.project(budget, budget.model.projects[0].slug),
             "rules": urls.RULES, "rule": urls.rule("SUM-001"), "data-quality": urls.DATA_QUALITY, "search": urls.SEARCH,
             "place-quality": urls.region_quality(anchor(region_path(portal.units[0].model.region))),
             "404": "404.html"}
    pages["standard-tables"] = urls.document(next(d for d in portal.documents() if getattr(d.model, "tables", None)))
    problems = []
    for name, url in pages.items():
        page.goto(server + url)
        page.wait_for_load_state("load")
        page.add_script_tag(path=AXE)
        result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
        problems += [(name, v["id"], v["impact"], len(v["nodes"])) for v in result["violations"]
                     if v["impact"] in ("serious", "critical")]
    context.close()
    assert problems == []


def test_a_phone_sees_the_answers_first(server, browser, portal):
    """375 px wide (an iPhone SE): the home page's first screen lists the latest documents; a
    document's, its key figures and finding counts. The page never scrolls sideways (wide tables
    scroll in their box) and a table's label column keeps several characters a line.
    Screenshots: test-artifacts/phone-home.png, phone-document.png."""
    os.makedirs(ARTIFACTS, exist_ok=True)
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(server)
    page.screenshot(path=f"{ARTIFACTS}/phone-home.png")
    first = page.locator(".latest li").first.bounding_box()
    assert first and first["y"] + first["height"] <= 667
    doc = next(d for d in portal.documents() if d.kind == "final_accounts")
    page.goto(server + urls.document(doc))
    page.screenshot(path=f"{ARTIFACTS}/phone-document.png")
    boxes = page.locator(".key-figure")
    assert boxes.count() == 4  # 收入合计, 支出合计, “三公”经费支出, and the finding counts
    for i in range(boxes.count()):
        box = boxes.nth(i).bounding_box()
        assert box["y"] + box["height"] <= 667, f"key figure {i + 1} is below the first screen"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    labels = page.locator("table.data tbody th[scope=row]").evaluate_all(
        "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().width)")
    assert labels and min(labels) >= 100  # 7.5em: never one character a line
    scroller = page.locator("#figures-title ~ .table-scroll").nth(4)
    assert scroller.evaluate("e => e.scrollWidth > e.clientWidth")  # a wide table scrolls in its box…
    label = scroller.locator("tbody th").first
    before = label.bounding_box()["x"]
    scroller.evaluate("e => e.scrollLeft = 200")
    assert abs(label.bounding_box()["x"] - before) <= 1  # …with its label column in view (sticky)
    small = page.evaluate("""() => Array.from(document.querySelectorAll('main a, main summary, header a, header button'))
        .filter(e => e.offsetParent && !e.closest('p, li, td, dd'))
        .map(e => e.getBoundingClientRect()).filter(r => r.height < 24 || r.width < 24).length""")
    assert small == 0
    context.close()


def test_a_unit_name_finds_its_documents_before_their_projects(server, page, portal):
    unit = next(u for u in portal.units if u.id == "dingxi-zfw")
    links = searched(page, server, unit.model.name)
    mine = [link for link in links if f"/units/{unit.id}/" in link]
    documents = {"/" + urls.document(d) for d in unit.documents}
    projects = [i for i, link in enumerate(mine) if "/projects/" in link]
    assert documents <= set(mine) and projects
    assert max(mine.index(d) for d in documents) < min(projects), mine[:6]  # documents above their projects


def test_a_place_name_finds_its_place_page(server, page, portal):
    unit = next(u for u in portal.units if u.id == "dingxi-zfw")
    place = "/" + urls.region(anchor(region_path(unit.model.region)[:2]))
    assert place in searched(page, server, unit.model.region.city)
