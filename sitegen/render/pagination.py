"""Long listings split over numbered pages, so that no page grows with the portal.

A province publishes tens of thousands of documents; a listing of all of them (units of a
place, findings of a rule or of a place) would be megabytes. Each listing is cut into pages of
a fixed number of items: the first keeps the listing's own URL, the others add ``<n>/``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence, TypeVar

Item = TypeVar("Item")


@dataclass(frozen=True)
class Pager:
    """Where one page sits in its listing: ``number`` (from 1) of ``len(urls)`` pages,
    ``urls`` every page's URL in order, ``first_item`` and ``last_item`` the 1-based positions
    of its items in the whole listing and ``total`` the listing's items."""

    number: int
    urls: tuple[str, ...]
    first_item: int
    last_item: int
    total: int

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def previous(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None


def page_url(url: str, number: int) -> str:
    """URL of page ``number`` of the listing at ``url``: ``rules/sum-001/`` → ``rules/sum-001/2/``."""
    return url if number == 1 else f"{url}{number}/"


def paginate(url: str, items: Sequence[Item], per_page: int) -> list[tuple[str, Sequence[Item], Pager]]:
    """``(url, items of the page, pager)`` for each page; an empty listing still has its first page.
    Raises ``ValueError`` when ``per_page`` is not positive."""
    if per_page < 1:
        raise ValueError(f"per_page must be positive, not {per_page}")
    count = max(1, -(-len(items) // per_page))
    page_urls = tuple(page_url(url, n) for n in range(1, count + 1))
    return [(page_urls[n], items[n * per_page:(n + 1) * per_page],
             Pager(n + 1, page_urls, n * per_page + 1, min((n + 1) * per_page, len(items)), len(items)))
            for n in range(count)]
