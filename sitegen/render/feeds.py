"""Machine-readable indexes of the portal: ``sitemap.xml`` (split past 50,000 pages) and an
Atom feed of the newest documents, both under the site's absolute ``base_url``.

A document is dated by its publication (the 发布日期 text when it reads as a date:
``2024年4月9日``, ``2024 年 8 月``), else its first revision, else the last day of its fiscal
year (the calendar year it reports on); it is updated by its latest revision. So every
document is in the feed, none with an invented day beyond what it states.
"""
from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Sequence
from itertools import islice
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from ..model.portal import LoadedDocument, Portal
from ..plugins import kind_label
from . import urls

# XML 1.0 cannot hold these (control characters such as ESC, U+FFFE): one in a title would make
# the whole file unreadable to every feed reader. YAML's escapes ("\e") can still put them in a value.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PUBLISHED = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def document_dates(doc: LoadedDocument) -> tuple[str, str, bool]:
    """(``published_date``, ``document_date``, ``states_a_date``) of ``doc``, read from its model."""
    match = _PUBLISHED.search(doc.model.published or "")
    revisions = [r.date for r in doc.model.revisions]
    if match:
        year, month, day = match.group(1), int(match.group(2)), int(match.group(3) or 1)
        published = f"{year}-{month:02d}-{day:02d}"
    else:
        published = min(revisions) if revisions else f"{doc.year}-12-31"
    return published, max([published, *revisions]), bool(match or revisions)


def _dates(doc) -> tuple[str, str, bool]:
    # A slim document carries them (``render.slim``): the home page and the feed date every
    # document of the portal, and its model is rebuilt from bytes on reading.
    carried = getattr(doc, "dates", None)
    return carried if carried is not None else document_dates(doc)


def published_date(doc: LoadedDocument) -> str:
    """``YYYY-MM-DD`` the document was published: its 发布日期, else its first revision, else
    the end of its fiscal year (31 December)."""
    return _dates(doc)[0]


def states_a_date(doc: LoadedDocument) -> bool:
    """Whether the document prints a publication date or lists a revision (else it is dated by
    its fiscal year)."""
    return _dates(doc)[2]


def document_date(doc: LoadedDocument) -> str:
    """``YYYY-MM-DD`` of the document's latest change: its latest revision when later than its
    publication, else its publication (``published_date``)."""
    return _dates(doc)[1]


def absolute_base(base_url: str) -> str | None:
    """``base_url`` with a trailing ``/`` when it is an absolute ``http(s)`` URL (what a
    sitemap or a feed must give), else ``None``."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    return base_url if base_url.endswith("/") else base_url + "/"


def base_path(base_url: str) -> str:
    """The path of ``base_url`` (``https://x.gov.cn/yjs/`` → ``/yjs/``), for pages served at
    any depth (the 404 page)."""
    path = urlsplit(base_url).path or "/"
    return path if path.endswith("/") else path + "/"


def xml_text(value: str) -> str:
    """``value`` for XML text or a double-quoted attribute: escaped, without the characters XML
    cannot hold."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


SITEMAP_URLS = 50_000  # the sitemaps.org limit of one file
FEED_ENTRIES = 100     # a feed is for what is new; the sitemap lists everything


def sitemaps(page_urls: list[str], base_url: str, per_file: int = SITEMAP_URLS) -> dict[str, str]:
    """``{file name: XML}``: every page, under the site's absolute ``base_url`` (the files of
    ``sitemap_parts``). Raises ``ValueError`` when ``base_url`` is not absolute (sitemaps.org
    requires absolute URLs)."""
    base = _required(base_url)
    return {name: sitemap_xml(listed, base, index) for name, listed, index in sitemap_parts(page_urls, per_file)}


def sitemap_parts(page_urls: list[str], per_file: int = SITEMAP_URLS) -> list[tuple[str, list[str], bool]]:
    """``(file name, what it lists, whether it is a sitemap index)`` of each sitemap file. Up to
    ``per_file`` pages, ``sitemap.xml`` lists them; beyond, ``sitemap.xml`` is a sitemap index of
    ``sitemap-<n>.xml`` files of ``per_file`` pages each (sitemaps.org allows 50,000 URLs a file)."""
    return [(name, listed(), index) for name, _, listed, index in sitemap_files([("", page_urls)], per_file)]


def sitemap_files(runs: Sequence[tuple[str, list[str]]], per_file: int = SITEMAP_URLS
                  ) -> list[tuple[str, list[str], Callable[[], list[str]], bool]]:
    """The files of ``sitemap_parts`` for the pages of ``runs``, ``(id, URLs)`` in order (a run's
    id names its URLs: a hash of them, or anything that changes when they do), each file as
    ``(file name, source, listed, whether it is a sitemap index)``: ``source`` names what it
    lists (the ids of the runs it holds, with the stretch of each), ``listed()`` lists it. A
    build then knows which files changed without joining every URL of the portal: at a
    province's scale most of a million, of which an edit changes none."""
    bounds, total = [], 0  # (first URL's number, run) of the runs holding a URL
    for run in runs:
        if run[1]:
            bounds.append((total, run))
            total += len(run[1])
    count = max(1, -(-total // per_file))
    files, at = [], 0  # at: the first run not wholly in the files before
    for n in range(count):
        first, last = n * per_file, min(total, (n + 1) * per_file)
        held = []
        while at < len(bounds) and bounds[at][0] < last:
            start, (run_id, urls) = bounds[at]
            held.append((max(first, start) - start, min(last, start + len(urls)) - start, run_id, urls))
            if start + len(urls) > last:
                break  # it goes on in the next file
            at += 1
        source = [f"{run_id} {begin} {end}" for begin, end, run_id, _ in held]
        files.append((f"sitemap-{n + 1}.xml" if count > 1 else "sitemap.xml", source,
                      lambda held=held: [url for begin, end, _, urls in held for url in urls[begin:end]], False))
    if count > 1:
        names = [name for name, *_ in files]
        files.append(("sitemap.xml", names, lambda: names, True))
    return files


def sitemap_xml(listed: list[str], base: str, index: bool = False) -> str:
    """A sitemap of the pages ``listed`` (relative URLs), or with ``index`` a sitemap index of
    the sitemap files ``listed``, under the absolute ``base``."""
    if index:
        entries = "".join(f"<sitemap><loc>{xml_text(base + name)}</loc></sitemap>\n" for name in listed)
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')
    entries = "".join(f"<url><loc>{xml_text(base + url)}</loc></url>\n" for url in listed)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def _required(base_url: str) -> str:
    base = absolute_base(base_url)
    if base is None:
        raise ValueError(f"base_url {base_url!r} is not an absolute http(s) URL")
    return base


def newness(doc: LoadedDocument) -> tuple[str, tuple]:
    """The order of "most recently changed": ``document_date``, then the key (the greater first)."""
    return _dates(doc)[1], doc.key


def newest_first(documents: Iterable[LoadedDocument]) -> list[LoadedDocument]:
    """``documents`` the most recently changed first (``newness``)."""
    return sorted(documents, key=newness, reverse=True)


def newest(by_unit: Iterable[Sequence[LoadedDocument]], count: int | None = None) -> list[tuple[str, LoadedDocument]]:
    """(``document_date``, document) of the ``count`` (``FEED_ENTRIES``) most recently changed documents, newest
    first, from each unit's documents ordered by ``newest_first``: the units' first ones are
    compared, not every document (a rebuild of a province's portal makes the feed anew)."""
    merged = heapq.merge(*by_unit, key=newness, reverse=True)
    return [(document_date(doc), doc) for doc in islice(merged, FEED_ENTRIES if count is None else count)]


def atom(portal: Portal, base_url: str, dated: list[tuple[str, LoadedDocument]] | None = None) -> str:
    """The ``FEED_ENTRIES`` most recently changed documents (``dated``: ``newest`` of the
    portal's units when the caller has it), newest first, under the site's absolute ``base_url`` (``ValueError``
    otherwise; RFC 4287 wants a ``rel="self"`` link to the feed's own URL). Ids are tag: URIs,
    stable when the site moves."""
    base = _required(base_url)
    dated = newest(newest_first(unit.documents) for unit in portal.units) if dated is None else dated
    updated = dated[0][0] if dated else "2000-01-01"
    names = {unit.id: unit.model.name for unit in portal.units}
    entries = []
    for date, doc in dated:
        latest = max(doc.model.revisions, key=lambda r: r.date).note if doc.model.revisions else "发布"
        entries.append(
            "<entry>"
            f"<id>tag:sitegen,{doc.year}:{doc.unit_id}/{doc.kind}</id>"
            f"<title>{xml_text(names.get(doc.unit_id, doc.unit_id))} {doc.year}年{kind_label(doc.kind)}</title>"
            f'<link rel="alternate" type="text/html" href="{xml_text(base + urls.document(doc))}"/>'
            f"<published>{published_date(doc)}T00:00:00Z</published>"
            f"<updated>{date}T00:00:00Z</updated>"
            f"<summary>{xml_text(doc.title)}：{xml_text(latest)}</summary>"
            "</entry>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            "<id>tag:sitegen,2000:portal</id>"
            f"<title>{xml_text(portal.site.title)}</title>"
            f'<link rel="self" type="application/atom+xml" href="{xml_text(base + "feed.xml")}"/>'
            f'<link rel="alternate" type="text/html" href="{xml_text(base)}"/>'
            f"<updated>{updated}T00:00:00Z</updated><author><name>{xml_text(portal.site.publisher or portal.site.title)}</name></author>\n"
            + "".join(entries) + "</feed>\n")
