"""sitegen's own rules, document kinds, charts and portal outputs, registered through the
same hooks a plugin implements (``sitegen/hookspecs.py``). ``tryfirst``: the built-ins come
before any plugin's, so built-in chart ids, rule order and the portal outputs stay as they were.
"""
from __future__ import annotations

from .hookspecs import hookimpl
from .kinds import DocumentKindSpec
from .model.documents import Budget, FinalAccounts, SelfEvaluation


def _charts(doc, marks):
    from .render.chartsets import document_charts
    return document_charts(doc, marks)


def _tables(doc, findings):
    from .export import document_tables
    return document_tables(doc, findings)


KINDS = (
    DocumentKindSpec("budget", Budget, "budget.yaml", "budget", 10, "部门预算", _charts, _tables),
    DocumentKindSpec("final_accounts", FinalAccounts, "final-accounts.yaml", "final-accounts", 20, "部门决算", _charts, _tables),
    DocumentKindSpec("self_evaluation", SelfEvaluation, "self-evaluation.yaml", "self-evaluation", 30, "绩效自评", _charts, _tables),
)


@hookimpl(tryfirst=True)
def register_document_kinds():
    return KINDS


@hookimpl(tryfirst=True)
def register_rules():
    from .check import FAMILIES
    from .check.rules import RULES, RuleSet
    return [RuleSet(RULES, tuple(family.check for family in FAMILIES))]


@hookimpl(tryfirst=True)
def document_charts(doc, marks):
    from .plugins import kind
    charts = kind(doc.kind).charts
    return charts(doc, marks) if charts else []


@hookimpl(tryfirst=True)
def portal_outputs(output):
    """Sitemap(s), the Atom feed, the archive of each place (``export.PlaceArchive``: a zipped
    Frictionless data package), the Table Schema files their packages refer to, and the root
    ``datapackage.json`` listing the archives. The sitemaps, feed, archives and schemas are kept
    in the build cache: only the archives of the places whose documents changed are zipped
    again, and the root package has an entry per place, none per document."""
    from .assets import compressed_names
    from .cache import digest
    from .export import DATAPACKAGE, archive_index, place_archives, schema_key
    from .render import feeds
    site = output.portal.site
    base = feeds.absolute_base(site.base_url)
    if base:
        # Each sitemap file is kept in the cache under what it lists: at a province's scale
        # they hold most of a million addresses, and an edit seldom adds or removes a page. What
        # a file lists is named by the runs of pages it holds: the portal-wide pages, then each
        # unit's (its entry hashes its URLs once).
        runs = [(digest(*output.wide_urls), output.wide_urls), *((entry.pages_digest, entry.page_urls) for entry in output.units)]
        for name, source, listed, index in feeds.sitemap_files(runs):
            output.write_cached(digest("sitemap", base, name, str(index), *source), name,
                                lambda listed=listed, index=index: feeds.sitemap_xml(listed(), base, index).encode("utf-8"),
                                compress=True)
        # The feed is kept under its documents' cache keys (their inputs, the unit's name among
        # them): a rebuild reads no document's model unless the newest documents changed.
        newest = feeds.newest(entry.newest_first for entry in output.units)
        units = {entry.id: entry for entry in output.units}  # by unit, not by document: built every build
        keys = [entry.key for _, doc in newest for entry in units[doc.unit_id].documents if entry.slim is doc]
        output.write_cached(digest("feed", site.base_url, site.title, site.publisher or "", *keys),
                            "feed.xml", lambda: feeds.atom(output.portal, site.base_url, newest).encode("utf-8"), compress=True)
    else:
        output.warn(f"no sitemap.xml or feed.xml written — they need the portal's absolute address: set base_url, "
                    f"e.g. base_url: https://yjs.example.gov.cn/ (now {site.base_url!r})")
    # the schemas first: an archive made now reads them from the build folder
    schemas = set().union(*(entry.schemas for entry in output.units))
    for path in sorted(schemas):
        for name in compressed_names(path):
            output.write_cached(schema_key(name), name, lambda name=name: _lost(name))
    archives = place_archives(site.title, output.units)
    for archive in archives:
        output.write_cached(archive.stamp, archive.relative, lambda archive=archive: archive.make(output.folder))
    output.write(DATAPACKAGE, archive_index(site.title, archives, output.folder))


def _lost(name: str) -> bytes:
    """A Table Schema file is stored in the build cache by the worker that built a document
    using it (``export.store_schemas``) and kept while a document refers to it: missing, the
    cache was altered by hand."""
    raise FileNotFoundError(f"{name}: missing from the build cache (was it edited?); build again with --no-cache")
