"""The payload matrix: markup planted in every text field of the real content stays text.

Built (``sitegen build``, a plain static host) and previewed (``sitegen serve``), the portal is
driven in headless Chromium through the search page (queries that hit the payload pages, every
filter opened and one chosen), the data-quality filters, document pages with their charts
(hovered), a project page, the unit, place and home pages: no dialog may open, no request may
leave the portal, no navigation may lead off the page asked for, and no element may come from
a payload.
"""
from __future__ import annotations

import json
import os
from html.parser import HTMLParser

import pytest
from playwright.sync_api import expect

from sitegen.builder import build_portal
from sitegen.content import ContentErrors, load_portal
from sitegen.render import urls
from sitegen.render.regions import anchor, region_path

from .conftest import CONTENT, SITE, write_portal
from .payloads import LIVE, PAYLOADS, plant
from .test_browser import CHROMIUM, browser, serve  # noqa: F401 (browser is a fixture)
from .test_serve_browser import run_serve

def browser_test(test):
    skip = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed")
    return pytest.mark.browser(skip(test))
TEMPLATE = PAYLOADS[7]  # {{7*7}}…: must read as written, never evaluated


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """(content, output): the real content with payloads planted, built with its search index."""
    root = tmp_path_factory.mktemp("payloads")
    content = plant(CONTENT, root / "content")
    build_portal(content, root / "output")
    return content, root / "output"


def test_payloads_reach_every_kind_of_text_field(hostile):
    content, _ = hostile
    portal = load_portal(content)
    assert portal.errors == []
    unit = next(u for u in portal.units if u.id == "quannan-zfw")
    evaluation = next(d for d in unit.documents if d.kind == "self_evaluation").model
    project = evaluation.projects[0]
    indicator = project.indicators[0]
    fields = [unit.model.name, unit.model.short_name, unit.model.region.province, unit.model.region.city,
              evaluation.title, evaluation.figures[0].label, project.name, indicator.name, indicator.actual.text, indicator.target.text,
              evaluation.suppress[0].reason, portal.site.title, portal.site.publisher]
    assert all(any(field.endswith(p) for p in PAYLOADS) for field in fields), fields
    assert all(p in (content / "units/quannan-zfw/2022/self-evaluation.md").read_text(encoding="utf-8") for p in PAYLOADS)


def test_site_language_is_a_language_tag(tmp_path):
    """It becomes <html lang> and names Pagefind's index, which panicked on a long one."""
    content = write_portal(tmp_path, {})
    (content / "site.yaml").write_text(SITE + 'language: "zh-CN<svg onload=alert(1)>"\n', encoding="utf-8")
    with pytest.raises(ContentErrors) as raised:
        load_portal(content)
    [error] = raised.value.errors
    assert (error.file.name, error.line, error.column) == ("site.yaml", 2, 11)
    assert "String should match pattern" in error.message


class ChartSpecs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.specs: list[dict] = []
        self._inside = False

    def handle_starttag(self, tag, attrs):
        self._inside = tag == "script" and ("class", "chart-spec") in attrs

    def handle_data(self, data):
        if self._inside:
            self.specs.append(json.loads(data))
            self._inside = False


def strings(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)
    elif isinstance(node, str):
        yield node


def test_chart_specs_hold_content_as_text(hostile):
    """Plotly renders <a href>, <span style> … in labels: a spec's only markup is its own <br>."""
    _, output = hostile
    texts = []
    for page in output.rglob("*.html"):
        parser = ChartSpecs()
        parser.feed(page.read_text(encoding="utf-8"))
        texts += [text for spec in parser.specs for text in strings(spec)]
    assert any("&lt;a class=pwn" in text for text in texts)
    assert [text for text in texts if "<" in text.replace("<br>", "")] == []


def visits(portal):
    """(page URL, what to do there): the search page, the data-quality filters, charts, and
    every kind of page a payload is shown on."""
    unit = next(u for u in portal.units if u.id == "quannan-zfw")
    evaluation = next(d for d in unit.documents if d.kind == "self_evaluation")
    final_accounts = next(d for u in portal.units for d in u.documents if d.kind == "final_accounts")
    return [
        ("", None),
        (urls.unit(unit.id), hover_charts),
        (urls.region(anchor(region_path(unit.model.region))), hover_charts),
        (urls.region(anchor(region_path(unit.model.region)[:1])), hover_charts),
        (urls.document(evaluation), hover_charts),
        (urls.project(evaluation, evaluation.model.projects[0].slug), hover_charts),
        (urls.document(final_accounts), hover_charts),
        (urls.DATA_QUALITY, use_quality_filters),
        (urls.SEARCH + "?q=全南", use_search_filters),
        (urls.SEARCH + "?q=alert", use_search_filters),
    ]


def hover_charts(page):
    charts = page.locator("script.chart-spec").count()
    if charts:
        page.mouse.wheel(0, 1)  # a chart is drawn once the reader scrolls or touches, when it is in view
        for figure in page.locator("figure.chart").all():
            figure.scroll_into_view_if_needed()
            figure.locator(".main-svg").first.wait_for(timeout=15000)
    for chart in page.locator(".js-plotly-plot").all():
        points = chart.locator("g.point, g.slice")
        for i in range(min(points.count(), 3)):
            points.nth(i).hover(force=True)
            page.wait_for_timeout(50)


def use_quality_filters(page):
    form = page.locator("#quality-filters")
    form.wait_for(state="visible")
    for select in form.locator("select").all():
        for value in select.locator("option").evaluate_all("os => os.map(o => o.value)")[:4]:
            select.select_option(value)
        select.select_option("")


def use_search_filters(page):
    page.wait_for_selector(".pagefind-ui__result", timeout=15000)
    page.fill(".pagefind-ui__search-input", "pwn onerror")
    page.wait_for_selector(".pagefind-ui__result", timeout=15000)
    page.click("#search-filters")  # the filters are loaded when asked for
    page.locator("summary.pagefind-ui__filter-name").first.wait_for(timeout=15000)
    for summary in page.locator("summary.pagefind-ui__filter-name").all():
        summary.click()
    boxes = page.locator("input.pagefind-ui__filter-checkbox")
    boxes.first.wait_for(timeout=15000)
    for i in range(min(boxes.count(), 6)):
        boxes.nth(i).check()
        page.wait_for_timeout(300)
        boxes.nth(i).uncheck()
    page.wait_for_timeout(300)


def drive(browser, base: str, portal) -> dict[str, list]:  # noqa: F811 (browser is the fixture's value)
    """Visit every page of ``visits`` and report what must stay empty."""
    report: dict[str, list] = {"dialogs": [], "outside requests": [], "navigations away": [], "live payload markup": []}
    shown = []
    for url, act in visits(portal):
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        target = base + url
        page.on("dialog", lambda d: (report["dialogs"].append((url, d.message)), d.dismiss()))
        page.on("request", lambda r: r.url.startswith(base) or r.url.startswith("data:")
                or report["outside requests"].append((url, r.url)))
        page.on("framenavigated", lambda f: f.url.split("?")[0] == target.split("?")[0]
                or report["navigations away"].append((url, f.url)))
        page.goto(target)
        if act:
            act(page)
        page.wait_for_timeout(500)  # time for a refresh or a late handler to fire
        live = page.evaluate("selector => [...document.querySelectorAll(selector)].map(e => e.outerHTML.slice(0, 120))", LIVE)
        report["live payload markup"] += [(url, element) for element in live]
        shown.append(page.inner_text("body"))
        page.close()
    assert any(TEMPLATE in text for text in shown), "the template payload is not shown as written"
    assert any("<img src=x class=pwn onerror=alert(2)>" in text for text in shown)
    return report


@browser_test
def test_payloads_stay_text_in_the_built_portal(hostile, browser):  # noqa: F811
    content, output = hostile
    server = serve(output)
    report = drive(browser, next(server), load_portal(content))
    next(server, None)
    assert report == {key: [] for key in report}


@browser_test
def test_payloads_stay_text_in_the_preview(hostile, browser):  # noqa: F811
    content, _ = hostile
    with run_serve(content, search=True) as base:
        report = drive(browser, base, load_portal(content))
    assert report == {key: [] for key in report}
