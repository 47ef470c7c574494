"""Listings that grow with the portal are split over pages: every item on exactly one page."""
from __future__ import annotations

import re

import pytest

from sitegen.builder import Renderer
from sitegen.check import RULES
from sitegen.render import pages as plan
from sitegen.render import urls
from sitegen.render.pagination import paginate
from sitegen.render.quality import quality_rows

from .conftest import CONTENT


def test_paginate_cuts_a_listing_into_numbered_pages():
    cut = paginate("rules/sum-001/", list("abcde"), 2)
    assert [(url, list(items)) for url, items, _ in cut] == [
        ("rules/sum-001/", ["a", "b"]), ("rules/sum-001/2/", ["c", "d"]), ("rules/sum-001/3/", ["e"])]
    middle, last = cut[1][2], cut[2][2]
    assert (middle.previous, middle.next, middle.first_item, middle.last_item) == ("rules/sum-001/", "rules/sum-001/3/", 3, 4)
    assert (last.next, last.first_item, last.last_item, last.total, last.count) == (None, 5, 5, 5, 3)
    [(url, items, pager)] = paginate("x/", [], 10)  # an empty listing keeps its page
    assert (url, list(items), pager.count, pager.previous) == ("x/", [], 1, None)
    with pytest.raises(ValueError):
        paginate("x/", [1], 0)


@pytest.fixture
def small_pages(monkeypatch, portal, findings):
    monkeypatch.setattr(plan, "FINDINGS_PER_PAGE", 7)
    monkeypatch.setattr(plan, "RULE_FINDINGS_PER_PAGE", 3)
    monkeypatch.setattr(plan, "UNITS_PER_PAGE", 1)
    monkeypatch.setattr(plan, "LISTING_PAGES", 1000)
    return plan.portal_pages(portal, findings)


def listing(pages, template: str, url: str) -> list:
    """The pages of the listing at ``url``, checked to be numbered in order."""
    found = [p for p in pages if p.template == template and re.fullmatch(re.escape(url) + r"(\d+/)?", p.url)]
    assert [p.context["pager"].number for p in found] == list(range(1, len(found) + 1))
    assert all(p.context["pager"].urls == tuple(q.url for q in found) for p in found)
    return found


def test_every_finding_is_on_one_data_quality_page_in_portal_order(small_pages, portal, findings):
    quality = listing(small_pages, "data-quality.html", urls.DATA_QUALITY)
    rows = [row for page in quality for row in page.context["rows"]]
    assert rows == quality_rows(portal.units, findings)
    assert len(quality) == -(-len(rows) // 7) > 10
    assert all(len(p.context["rows"]) == 7 for p in quality[:-1])
    # Each page's filters and counts describe its own rows (quality.js filters what is on the page).
    for page in quality:
        assert page.context["total"] == len(page.context["rows"])
        [unit_filter] = [f for f in page.context["filters"] if f.name == "unit"]
        assert sum(o.count for o in unit_filter.options) == len(page.context["rows"])


def test_every_finding_of_a_rule_is_on_one_of_its_pages(small_pages, portal, findings):
    every = [f for doc in portal.documents() for f in findings[doc.key]]
    for rule in RULES:
        pages = listing(small_pages, "rule.html", urls.rule(rule.id))
        assert [f for page in pages for f in page.context["findings"]] == [f for f in every if f.rule_id == rule.id]


def test_past_listing_pages_the_portal_findings_are_counted_by_place(monkeypatch, portal, findings):
    """Past ``LISTING_PAGES`` pages, the portal's data-quality page keeps its counts and each
    finding is listed on its place's pages only (``test_place_pages_…``); a rule's page counts
    its findings by place, linking each place's page filtered by the rule. Pages cut from one
    long listing would all change when a finding came or went before them."""
    monkeypatch.setattr(plan, "FINDINGS_PER_PAGE", 7)
    monkeypatch.setattr(plan, "RULE_FINDINGS_PER_PAGE", 3)
    monkeypatch.setattr(plan, "LISTING_PAGES", 2)
    pages = plan.portal_pages(portal, findings)
    [quality] = listing(pages, "data-quality.html", urls.DATA_QUALITY)
    assert len(quality_rows(portal.units, findings)) > 14
    assert quality.context["by_place"] and "rows" not in quality.context
    every = [f for doc in portal.documents() for f in findings[doc.key]]
    counted = 0
    for rule in RULES:
        own = [f for f in every if f.rule_id == rule.id]
        rule_pages = listing(pages, "rule.html", urls.rule(rule.id))
        if len(own) <= 6:
            assert [f for page in rule_pages for f in page.context["findings"]] == own
            continue
        counted += 1
        [page] = rule_pages
        assert page.context["total"] == len(own) and page.context["findings"] == []
        for place in page.context["by_place"]:
            ids = {unit.id for unit in place["node"].units}
            assert place["count"] == sum(f.unit_id in ids for f in own)
            assert place["url"] == f"{urls.region_quality(place['node'].anchor)}?rule={rule.id}"
        assert sum(place["count"] for place in page.context["by_place"]) == len(own)
        long = page
    assert counted  # the real content has rules past six findings
    renderer = Renderer(CONTENT, portal.site)
    _, html, _ = renderer.render(long)
    first = long.context["by_place"][0]
    assert f'<a href="../../{first["url"]}">' in html and f'<td class="num">{first["count"]}</td>' in html
    _, html, _ = renderer.render(quality)
    assert 'id="quality-table"' not in html and "逐条列在各地区的数据质量页" in html


def test_place_pages_list_their_units_and_quality_pages_their_findings(small_pages, portal, findings):
    places = [p for p in small_pages if p.template == "region.html" and p.context["pager"].number == 1]
    placed = []
    for first in places:
        node = first.context["node"]
        pages = listing(small_pages, "region.html", urls.region(node.anchor))
        placed += [card["unit"].id for page in pages for card in page.context["cards"]]
        assert [card["unit"] for page in pages for card in page.context["cards"]] == node.units
        if node.units:
            quality = listing(small_pages, "data-quality.html", urls.region_quality(node.anchor))
            assert [r for page in quality for r in page.context["rows"]] == quality_rows(node.units, findings)
    assert sorted(placed) == sorted(unit.id for unit in portal.units)


def test_pager_links_lead_to_the_neighbouring_pages(small_pages, portal):
    renderer = Renderer(CONTENT, portal.site)
    page = listing(small_pages, "data-quality.html", urls.DATA_QUALITY)[1]
    _, html, _ = renderer.render(page)
    assert 'href="../../data-quality/" rel="prev"' in html and 'href="../../data-quality/3/" rel="next"' in html
    assert '<span aria-current="page">2</span>' in html
    assert "第 8–14 条，共" in html
