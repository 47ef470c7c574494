"""The portal-wide data-quality page: every finding in one table, filtered in real Chromium."""
from __future__ import annotations

import os
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sitegen.check import run_checks
from sitegen.render import urls
from sitegen.render.pages import FINDINGS_PER_PAGE
from sitegen.render.pagination import page_url

from .test_browser import ARTIFACTS, AXE, CHROMIUM, browser, page, server  # noqa: F401 - fixtures

needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed")
needs_axe = pytest.mark.skipif(not os.path.exists(AXE) and not os.environ.get("CI"), reason="axe-core not installed (npm)")
ROWS = "#quality-table tbody tr"
SHOWN = "#quality-table tbody tr:not([hidden])"


class QualityTable(HTMLParser):
    """The table's rows as their data-* attributes plus the href of their finding link."""

    def __init__(self):
        super().__init__()
        self.rows: list[dict] = []
        self.in_body = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("id") == "quality-table":
            self.in_body = True
        elif self.in_body and tag == "tr" and "data-rule" in attrs:
            self.rows.append({**attrs, "links": []})
        elif self.in_body and tag == "a" and self.rows:
            self.rows[-1]["links"].append((attrs.get("class"), attrs["href"]))

    def handle_endtag(self, tag):
        if tag == "table":
            self.in_body = False


def key(finding) -> tuple:
    return finding.unit_id, str(finding.year), finding.rule_id, finding.severity


def test_every_finding_is_listed_with_working_links(built, portal):
    output, _ = built
    rows: list[tuple[Path, dict]] = []  # (the table page's file, row), over the numbered pages
    number = 1
    while (page_file := output / urls.file_for(page_url(urls.DATA_QUALITY, number))).is_file():
        table = QualityTable()
        table.feed(page_file.read_text(encoding="utf-8"))
        rows += [(page_file, row) for row in table.rows]
        number += 1
    expected = run_checks(portal)
    assert len(expected) > FINDINGS_PER_PAGE and number > 2  # the seeds' real inconsistencies fill two pages
    # Portal order: the same findings in the same order as the checker gives them.
    assert [(r["data-unit"], r["data-year"], r["data-rule"], r["data-severity"]) for _, r in rows] == \
        [(f.unit_id, str(f.year), f.rule_id, f.severity) for f in expected]
    pages = {}
    for (page_file, row), finding in zip(rows, expected):
        links = dict(row["links"])
        assert (page_file.parent / links["rule-id"]).resolve() == (output / urls.rule(finding.rule_id)).resolve()
        href, _, anchor = links["finding-link"].partition("#")
        assert anchor == finding.anchor
        # A project's finding links to the project page, where its cells carry the markers.
        assert (f"/projects/{finding.project}/" in href) == bool(finding.project), href
        target = (page_file.parent / href / "index.html").resolve()
        html = pages.setdefault(target, target.read_text(encoding="utf-8"))
        assert f'id="{anchor}"' in html, f"{href}: no finding #{anchor} on that page"


def first_page(portal) -> list:
    """The findings in the rows of the table's first page (the filters act on these)."""
    return run_checks(portal)[:FINDINGS_PER_PAGE]


def shown_rows(page) -> list[dict]:
    return page.locator(SHOWN).evaluate_all(
        "rows => rows.map(r => ({unit: r.dataset.unit, year: r.dataset.year, rule: r.dataset.rule, severity: r.dataset.severity,"
        " unitName: r.cells[0].innerText.trim()}))")


def status(page) -> dict[str, int]:
    return {c.get_attribute("data-count"): int(c.inner_text()) for c in page.locator("#quality-status [data-count]").all()}


@pytest.mark.browser
@needs_chromium
def test_filters_by_severity_and_unit(server, page, portal):
    expected = first_page(portal)
    counting = [f for f in expected if f.suppressed is None]
    page.goto(server + urls.DATA_QUALITY)
    assert page.locator(ROWS).count() == page.locator(SHOWN).count() == len(expected)
    assert page.locator("#quality-filters").is_visible()

    page.select_option("#filter-severity", "error")
    errors = [f for f in expected if f.severity == "error"]
    shown = shown_rows(page)
    assert len(shown) == len(errors) > 0
    assert {row["severity"] for row in shown} == {"error"}
    assert status(page)["shown"] == len(errors)
    assert status(page)["error"] == sum(1 for f in counting if f.severity == "error")
    assert status(page)["warning"] == status(page)["notice"] == 0

    page.select_option("#filter-severity", "")
    by_unit = Counter(f.unit_id for f in expected)
    unit_id, count = min(by_unit.items(), key=lambda item: item[1])
    assert count < len(expected)
    page.select_option("#filter-unit", unit_id)
    shown = shown_rows(page)
    name = next(u.model.name for u in portal.units if u.id == unit_id)
    assert len(shown) == count and {(row["unit"], row["unitName"]) for row in shown} == {(unit_id, name)}
    assert status(page)["shown"] == count
    # The other filters' options now count within this unit: what choosing them would show.
    unit_rules = Counter(f.rule_id for f in expected if f.unit_id == unit_id)
    for rule_id in {f.rule_id for f in expected}:
        label = page.locator(f"#filter-rule option[value='{rule_id}']").inner_text()
        assert label.endswith(f"（{unit_rules.get(rule_id, 0)}）"), label

    page.select_option("#filter-severity", "error")
    both = [f for f in expected if f.unit_id == unit_id and f.severity == "error"]
    assert len(shown_rows(page)) == len(both)
    assert (page.locator("#quality-empty").is_visible()) == (not both)
    os.makedirs(ARTIFACTS, exist_ok=True)
    page.screenshot(path=f"{ARTIFACTS}/data-quality-filtered.png", full_page=False)
    # The filters are in the address, so the view can be bookmarked and shared.
    assert f"unit={unit_id}" in page.url and "severity=error" in page.url
    page.goto(page.url)
    assert page.input_value("#filter-unit") == unit_id and len(shown_rows(page)) == len(both)

    page.click("#quality-filters button[type=reset]")
    page.wait_for_function(f"() => document.querySelectorAll('{SHOWN}').length === {len(expected)}")
    assert status(page)["shown"] == len(expected)
    assert page.errors == []
    assert all(r.startswith(server) for r in page.requests), "a request left the portal"


@pytest.mark.browser
@needs_chromium
def test_filters_are_keyboard_usable(server, page, portal):
    page.goto(server + urls.DATA_QUALITY)
    page.focus("#filter-severity")
    page.keyboard.press("ArrowDown")  # from 全部 to the first severity, 错误
    assert page.input_value("#filter-severity") == "error"
    assert {row["severity"] for row in shown_rows(page)} == {"error"}
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.type") == "reset"
    page.keyboard.press("Enter")
    page.wait_for_function(f"() => document.querySelectorAll('{SHOWN}').length === {len(first_page(portal))}")


@pytest.mark.browser
@needs_chromium
def test_without_javascript_the_whole_table_shows(server, browser, portal):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + urls.DATA_QUALITY)
    assert page.locator(SHOWN).count() == len(first_page(portal))
    assert not page.locator("#quality-filters").is_visible()  # controls that could do nothing are not offered
    context.close()


@pytest.mark.browser
@needs_chromium
@needs_axe
def test_filtered_page_has_no_serious_accessibility_violations(server, browser):
    context = browser.new_context(bypass_csp=True)
    page = context.new_page()
    page.goto(server + urls.DATA_QUALITY + "?severity=error")
    page.wait_for_load_state("load")
    assert {row["severity"] for row in shown_rows(page)} == {"error"}  # axe sees the filtered page
    page.add_script_tag(path=AXE)
    result = page.evaluate("() => axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']})")
    context.close()
    assert [(v["id"], v["impact"]) for v in result["violations"] if v["impact"] in ("serious", "critical")] == []
