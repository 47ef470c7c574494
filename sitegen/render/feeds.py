"""Machine-readable indexes of the portal: ``sitemap.xml`` (split past 50,000 pages) and an
Atom feed of the newest documents by publication or revision date.

Dates come from the documents: the latest revision's ISO date, else the 发布日期 text when
it reads as a date (``2024年4月9日``, ``2024 年 8 月``). A document with neither is left out
of the feed, rather than given an invented date.
"""
from __future__ import annotations

import heapq
import re
from xml.sax.saxutils import escape

from ..model.portal import LoadedDocument, Portal
from ..plugins import kind_label
from . import urls

# XML 1.0 cannot hold these (control characters such as ESC, U+FFFE): one in a title would make
# the whole file unreadable to every feed reader. YAML's escapes ("\e") can still put them in a value.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_PUBLISHED = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")


def document_date(doc: LoadedDocument) -> str | None:
    """``YYYY-MM-DD`` of the document's latest publication, or ``None``."""
    if doc.model.revisions:
        return max(r.date for r in doc.model.revisions)
    match = _PUBLISHED.search(doc.model.published or "")
    if not match:
        return None
    year, month, day = match.group(1), int(match.group(2)), int(match.group(3) or 1)
    return f"{year}-{month:02d}-{day:02d}"


def xml_text(value: str) -> str:
    """``value`` for XML text or a double-quoted attribute: escaped, without the characters XML
    cannot hold."""
    return escape(_NOT_XML.sub("", value), {'"': "&quot;"})


SITEMAP_URLS = 50_000  # the sitemaps.org limit of one file
FEED_ENTRIES = 100     # a feed is for what is new; the sitemap lists everything


def sitemaps(page_urls: list[str], base_url: str, per_file: int = SITEMAP_URLS) -> dict[str, str]:
    """``{file name: XML}``: every page, under the site's ``base_url``. Up to ``per_file`` pages,
    ``sitemap.xml`` lists them; beyond, ``sitemap.xml`` is a sitemap index of ``sitemap-<n>.xml``
    files of ``per_file`` pages each (sitemaps.org allows 50,000 URLs a file)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    chunks = [page_urls[i:i + per_file] for i in range(0, len(page_urls), per_file)] or [[]]
    files = {name: _urlset(chunk, base) for name, chunk in
             zip(["sitemap.xml"] if len(chunks) == 1 else [f"sitemap-{n}.xml" for n in range(1, len(chunks) + 1)], chunks)}
    if len(chunks) > 1:
        entries = "".join(f"<sitemap><loc>{xml_text(base + name)}</loc></sitemap>\n" for name in files)
        files["sitemap.xml"] = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                                f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</sitemapindex>\n')
    return files


def _urlset(page_urls: list[str], base: str) -> str:
    entries = "".join(f"<url><loc>{xml_text(base + url)}</loc></url>\n" for url in page_urls)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{entries}</urlset>\n')


def atom(portal: Portal, base_url: str) -> str:
    """The ``FEED_ENTRIES`` newest documents, newest first; ids are tag: URIs, so the feed names
    no outside host."""
    dated = [(date, doc) for doc in portal.documents() if (date := document_date(doc))]
    dated = heapq.nlargest(FEED_ENTRIES, dated, key=lambda item: (item[0], item[1].key))
    base = base_url if base_url.endswith("/") else base_url + "/"
    updated = dated[0][0] if dated else "2000-01-01"
    names = {unit.id: unit.model.name for unit in portal.units}
    entries = []
    for date, doc in dated:
        latest = max(doc.model.revisions, key=lambda r: r.date).note if doc.model.revisions else "发布"
        entries.append(
            "<entry>"
            f"<id>tag:sitegen,{doc.year}:{doc.unit_id}/{doc.kind}</id>"
            f"<title>{xml_text(names.get(doc.unit_id, doc.unit_id))} {doc.year}年{kind_label(doc.kind)}</title>"
            f'<link href="{xml_text(base + urls.document(doc))}"/>'
            f"<updated>{date}T00:00:00Z</updated>"
            f"<summary>{xml_text(doc.model.title)}：{xml_text(latest)}</summary>"
            "</entry>\n")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">\n'
            "<id>tag:sitegen,2000:portal</id>"
            f"<title>{xml_text(portal.site.title)}</title>"
            f"<updated>{updated}T00:00:00Z</updated><author><name>{xml_text(portal.site.publisher or portal.site.title)}</name></author>\n"
            + "".join(entries) + "</feed>\n")
