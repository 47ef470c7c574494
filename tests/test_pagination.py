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
