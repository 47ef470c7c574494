"""Real headless Chromium (Debian's package) over the built real portal: search and charts."""
from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading

import pytest

from sitegen.render import urls

CHROMIUM = shutil.which("chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARTIFACTS = os.environ.get("SITEGEN_ARTIFACTS", "test-artifacts")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed"),
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server(built):
    output, _ = built
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(output)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()


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
    from playwright.sync_api import expect
    message = page.locator(".pagefind-ui__message")
    expect(message).to_contain_text(re.compile(r"\d+"), timeout=15000)
    total = int(re.search(r"\d+", message.inner_text()).group())
    results = page.locator("li.pagefind-ui__result")
    while results.count() < total:
        page.locator("button.pagefind-ui__button").click()
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


def test_charts_render_as_svg_with_their_marks(server, page, portal):
    os.makedirs(ARTIFACTS, exist_ok=True)
    for doc in portal.documents():
        page.goto(server + urls.document(doc))
        specs = page.locator("script.chart-spec").count()
        assert specs >= 1
        # Locator waits: the pages' CSP forbids the eval behind wait_for_function.
        page.locator(".chart-canvas").nth(specs - 1).locator(".main-svg").first.wait_for(timeout=15000)
        # Each bar trace draws one path per point: the first chart's marks match its spec.
        expected = page.evaluate("""() => { const s = JSON.parse(document.querySelector('script.chart-spec').textContent);
            return s.data.reduce((n, t) => n + t.x.filter(v => v !== null).length, 0); }""")
        drawn = page.locator(".chart-canvas").first.locator("g.point").count()
        assert drawn == expected, urls.document(doc)
        page.screenshot(path=f"{ARTIFACTS}/{doc.unit_id}-{doc.year}-{doc.kind}.png", full_page=False)
    assert page.errors == []
