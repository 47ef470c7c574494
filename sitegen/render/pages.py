"""The page plan: every page of the portal with its template and view context.

``plan_pages`` is pure: portal + findings in, ``Page`` list out, in a fixed order.
``portal_pages`` given each unit's source (the digest of everything known of it) plans the
portal-wide pages that list units or findings as ``LazyPage``: the digest of what the page
is made from, and how to make it, so that a rebuild makes only those whose source changed.
What those pages read of each unit (its counts, finding rows, card) is summarised once per
unit source (``UnitSummaries``), so a rebuild after one edit summarises that unit alone.
"""
from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice

from ..cache import digest
from ..check import Finding
from ..check.findings import severity_counts, summed_counts
from ..check.rules import registered_rules
from ..plugins import document_charts, kind as kind_spec, kind_label, kind_tables
from ..model.documents import Evaluation
from ..model.portal import LoadedDocument, LoadedUnit, Portal
from .. import export
from . import chartsets, feeds, urls
from .keyfigures import headline
from .markdown import render_markdown
from .pagination import paginate
from .quality import quality_rows, quality_view
from .regions import RegionNode, region_tree, walk
from .views import (Cell, Marks, error_views, figure_tables, funding_table, group_findings, indicator_table, standard_table_view,
                    summary_table)



@dataclass
class Page:
    url: str
    template: str
    context: dict
    has_charts: bool = False
    source: str | None = None  # as a ``LazyPage``'s, for a page made at once whose source is known


@dataclass
class LazyPage:
    """A page planned but not made: ``source`` is the digest of what it is made from (for two
    builds of one sitegen, ``site.yaml`` and theme: equal sources, equal pages), ``make()``
    gives the ``Page``."""

    url: str
    template: str
    source: str
    make: Callable[[], Page]


def plan_pages(portal: Portal, findings: dict[tuple, list[Finding]]) -> list[Page]:
    """All pages. ``findings`` maps a document's ``key`` to its findings."""
    pages = portal_pages(portal, findings)
    for broken in portal.broken_units:
        pages.append(broken_unit_page(portal, broken))
    for unit in portal.units:
        pages.extend(unit_pages(portal, unit, findings))
        for doc in unit.documents:
            pages.extend(document_pages(unit, doc, findings.get(doc.key, [])))
    return pages


# Page sizes: a page must stay small (well under 300 KB) whatever the size of the portal.
UNITS_PER_PAGE = 60            # unit cards of a place (~1.6 KB each with 12 documents)
FINDINGS_PER_PAGE = 200        # rows of a data-quality table (~1 KB each)
RULE_FINDINGS_PER_PAGE = 300   # findings listed on a rule's page (~0.4 KB each)
OVERVIEW_DEPTH = 2             # the data-quality overview counts findings down to cities
# A listing of the whole portal's findings (data quality, a rule's) keeps at most this many
# pages; past that its findings are counted by place, each place's page listing its own. Pages
# cut from one long listing each change when a finding before them comes or goes: at a
# province's scale one edit would make hundreds of them again.
LISTING_PAGES = 5


@dataclass
class UnitSummary:
    """What the portal-wide pages read of one unit and the findings on its documents:
    ``counts`` of the findings that count by severity and the number ``suppressed``, the
    quality ``rows`` (``quality.QualityRow``, document order), ``by_rule`` (rule id → its
    findings, and their source parts when pages are lazy: ``_Lazy.items``), the unit's
    ``card`` on its place's page and its ``newest`` documents with their counts (at most
    ``LATEST_DOCUMENTS``, newest first: ``feeds.document_date``)."""

    counts: dict[str, int]
    suppressed: int
    rows: list
    by_rule: dict[str, tuple[list[Finding], list[str]]]
    card: dict
    newest: list[tuple[LoadedDocument, dict[str, int]]]


class UnitSummaries:
    """Unit summaries kept between builds by unit source (``portal_pages``' ``sources``): a unit
    whose source is unchanged is not summarised again. Holds only the last build's units."""

    def __init__(self) -> None:
        self._kept: dict[str, UnitSummary] = {}

    def of(self, units: list[LoadedUnit], findings: dict[tuple, list[Finding]], lazy: _Lazy) -> dict[str, UnitSummary]:
        """Unit id → its summary, for every unit of ``units``."""
        if lazy.sources is None:
            return {unit.id: _summary(unit, findings, lazy) for unit in units}
        kept, self._kept = self._kept, {}
        found = {}
        for unit in units:
            source = lazy.sources.get(unit.id, "")
            summary = kept.get(source) or _summary(unit, findings, lazy)
            found[unit.id] = self._kept[source] = summary
        return found


def _summary(unit: LoadedUnit, findings: dict[tuple, list[Finding]], lazy: _Lazy) -> UnitSummary:
    found = [f for d in unit.documents for f in findings.get(d.key, [])]
    by_rule: dict[str, tuple[list[Finding], list[str]]] = {}
    for finding in found:
        by_rule.setdefault(finding.rule_id, ([], []))[0].append(finding)
    for listed, items in by_rule.values():
        items.extend(lazy.items(listed))
    counts = severity_counts(found)
    card = {"unit": unit, "url": urls.unit(unit.id), "latest": unit.years[0] if unit.years else None,
            "documents": [{"doc": d, "url": urls.document(d), "kind": kind_label(d.kind)} for d in unit.documents],
            "counts": counts}
    newest = [(d, severity_counts(findings.get(d.key, []))) for d in feeds.newest_first(unit.documents)[:LATEST_DOCUMENTS]]
    return UnitSummary(counts, sum(1 for f in found if not f.counts), quality_rows([unit], findings), by_rule, card, newest)


def portal_pages(portal: Portal, findings: dict[tuple, list[Finding]],
                 sources: dict[str, str] | None = None, summaries: UnitSummaries | None = None) -> list[Page | LazyPage]:
    """Pages that summarise the whole portal: home, places, rules, data quality, search.
    Listings that grow with the portal are paginated (``pagination``).

    ``sources`` (unit id → digest of the unit's inputs and of every finding on its documents
    that its own inputs do not decide, e.g. a copy found in another unit) makes the place,
    rule and data-quality pages ``LazyPage``s whose source is the sources of the units they
    list, the finding rows' places on the page, and the page's place in its listing (the home
    page's: every unit's). Without ``sources`` every page is a ``Page``, made at once.
    ``summaries``: the units' summaries kept from the last build of the same portal."""
    lazy = _Lazy(sources)
    summary = (summaries or UnitSummaries()).of(portal.units, findings, lazy)
    tree = region_tree([(unit.model.region, unit.id, unit) for unit in portal.units])
    place_counts = _place_counts(tree, summary)
    by_rule: dict[str, tuple[list[Finding], list[str]]] = {}
    for unit in portal.units:
        for rule_id, (listed, items) in summary[unit.id].by_rule.items():
            found, parts = by_rule.setdefault(rule_id, ([], []))
            found.extend(listed)
            parts.extend(items)
    rule_counts = {r.id: len(by_rule.get(r.id, ((), ()))[0]) for r in registered_rules()}
    subtree = lazy.subtrees(tree)
    pages = [_home(portal, tree, place_counts, summary, summed_counts(s.counts for s in summary.values()), lazy),
             lazy.page(urls.RULES, "rules.html", (repr(rule_counts),), lambda: {"rules": registered_rules(), "counts": rule_counts})]
    placed_at = {unit.id: node for node in walk(tree) for unit in node.units}
    for rule in registered_rules():
        pages.extend(_rule_pages(rule, *by_rule.get(rule.id, ([], [])), placed_at, lazy))
    for node in walk(tree):
        pages.extend(_place_pages(node, summary, place_counts, lazy, subtree))
    pages.extend(_quality_pages(portal, summary, tree, place_counts, rule_counts, lazy))
    pages.append(lazy.page(urls.SEARCH, "search.html", (), dict))
    return pages


class _Lazy:
    """Makes pages lazy when the units' sources are known (``portal_pages``), else at once."""

    def __init__(self, sources: dict[str, str] | None):
        self.sources = sources

    def page(self, url: str, template: str, source: Sequence[str], make: Callable[[], dict],
             charts: Callable[[dict], bool] = lambda context: False) -> Page | LazyPage:
        """A page of ``template`` at ``url`` whose context ``make()`` gives; ``charts`` tells
        from the context whether it draws charts."""
        def made() -> Page:
            context = make()
            return Page(url, template, context, has_charts=charts(context))
        return made() if self.sources is None else LazyPage(url, template, digest(url, template, *source), made)

    def items(self, findings: Sequence) -> list[str]:
        """Source parts of a listing of findings (or rows holding one): which document and
        place each one is, and its unit's source."""
        if self.sources is None:
            return []
        found = [getattr(item, "finding", item) for item in findings]
        return [f"{self.sources.get(f.unit_id, '')}{(f.year, f.document, f.path, f.occurrence, f.rule_id)!r}" for f in found]

    def units(self, units: Sequence) -> list[str]:
        return [] if self.sources is None else [self.sources.get(unit.id, "") for unit in units]

    def subtrees(self, tree: list[RegionNode]) -> dict[str, str]:
        """Place anchor → digest of the sources of every unit at or below it."""
        found: dict[str, str] = {}
        if self.sources is None:
            return found

        def visit(node: RegionNode) -> str:
            found[node.anchor] = digest(*node.path, *self.units(node.units), *(visit(child) for child in node.children))
            return found[node.anchor]
        for node in tree:
            visit(node)
        return found


def _rule_pages(rule, found: list[Finding], parts: list[str], placed_at: dict[str, RegionNode], lazy: _Lazy) -> list[Page | LazyPage]:
    """A rule: what it checks and its findings (paginated; ``parts``: their source parts,
    ``_Lazy.items``). Past ``LISTING_PAGES`` pages, their number at each place instead, linking
    the place's data-quality page filtered by the rule."""
    url = urls.rule(rule.id)
    if len(found) <= RULE_FINDINGS_PER_PAGE * LISTING_PAGES:
        return [lazy.page(url, "rule.html", (rule.id, repr(pager), *parts[pager.first_item - 1:pager.last_item]),
                          lambda items=items, pager=pager: {"rule": rule, "findings": items, "total": len(found), "by_place": None,
                                                            "pager": pager})
                for url, items, pager in paginate(url, found, RULE_FINDINGS_PER_PAGE)]
    [(_, _, pager)] = paginate(url, [], 1)
    counted = Counter(placed_at[f.unit_id].anchor for f in found if f.unit_id in placed_at)
    nodes = {node.anchor: node for node in placed_at.values()}
    by_place = [{"node": nodes[anchor], "count": count, "url": f"{urls.region_quality(anchor)}?rule={rule.id}"}
                for anchor, count in sorted(counted.items(), key=lambda item: nodes[item[0]].path)]
    return [lazy.page(url, "rule.html", (rule.id, str(len(found)), repr(sorted(counted.items()))),
                      lambda: {"rule": rule, "findings": [], "total": len(found), "by_place": by_place, "pager": pager})]


def _place_counts(tree: list[RegionNode], summary: dict[str, UnitSummary]) -> dict[str, dict[str, int]]:
    """Place anchor → the counts of the findings of the units at and below it (each place's from its
    own units' and its children's: a unit is counted once, not once for every place above it)."""
    found: dict[str, dict[str, int]] = {}

    def visit(node: RegionNode) -> dict[str, int]:
        found[node.anchor] = summed_counts([*(summary[unit.id].counts for unit in node.units), *map(visit, node.children)])
        return found[node.anchor]
    for node in tree:
        visit(node)
    return found


def _place_links(tree: list[RegionNode], place_counts: dict) -> list[dict]:
    """The place index: each place with its URL, units, finding counts and archive, nested."""
    return [{"node": node, "url": urls.region(node.anchor), "counts": place_counts[node.anchor], "archive": place_archive(node),
             "children": _place_links(node.children, place_counts)} for node in tree]


LATEST_DOCUMENTS = 8  # on the home page, newest first (``feeds.document_date``)


def latest_documents(portal: Portal, summary: dict[str, UnitSummary]) -> list[dict]:
    """The ``LATEST_DOCUMENTS`` most recently published or revised documents, newest first,
    with their finding counts (from the units' summaries: each unit's newest)."""
    newest = islice(heapq.merge(*(summary[unit.id].newest for unit in portal.units),
                                key=lambda item: feeds.newness(item[0]), reverse=True), LATEST_DOCUMENTS)
    names = {unit.id: unit.model.name for unit in portal.units}
    return [{"doc": d, "url": urls.document(d), "kind": kind_label(d.kind), "unit": names[d.unit_id],
             "date": feeds.document_date(d), "dated": feeds.states_a_date(d), "counts": counts}
            for d, counts in newest]


def place_archive(node: RegionNode) -> dict | None:
    """The archive of the open data of the units placed at ``node`` (``export.PlaceArchive``:
    made for each place where a unit with documents is placed): its URL, the file name a
    browser saves it as, and its numbers of units and documents."""
    documents = sum(len(unit.documents) for unit in node.units)
    if not documents:
        return None
    return {"url": urls.region_archive(node.anchor), "file_name": f"{''.join(node.path)}预决算公开数据.zip",
            "unit_count": len(node.units), "document_count": documents}


def _home(portal: Portal, tree: list[RegionNode], place_counts: dict, summary: dict[str, UnitSummary], counts: dict,
          lazy: _Lazy) -> Page | LazyPage:
    """The home page: counts, the place index, the latest documents and charts over the whole
    portal. Its source: every unit's, the broken units and the content errors."""
    def context() -> dict:
        return {"places": _place_links(tree, place_counts), "counts": counts,
                "charts": chartsets.comparison_charts(portal.units), "latest": latest_documents(portal, summary),
                "document_count": portal.document_count, "unit_count": len(portal.units),
                "broken_units": [{"id": b.id, "url": urls.unit(b.id)} for b in portal.broken_units],
                "content_error_count": len(portal.errors), "datapackage": export.DATAPACKAGE}
    source = (*lazy.units(portal.units), *(b.id for b in portal.broken_units), *map(str, portal.errors))
    return lazy.page("", "home.html", source, context, charts=lambda context: bool(context["charts"]))


def _place_pages(node: RegionNode, summary: dict[str, UnitSummary], place_counts: dict, lazy: _Lazy,
                 subtree: dict[str, str]) -> list[Page | LazyPage]:
    """A place: the places below it, the cards of the units placed exactly there (paginated)
    and, on its first page, charts comparing the units within it. Its source: the units at
    and below it (their counts and charts are on it) and the names of the places above."""
    breadcrumbs = [(name, urls.region(anchor)) for name, anchor in node.ancestors()] + [(node.name, None)]
    cards = [summary[unit.id].card for unit in node.units]

    def context(items, pager) -> dict:
        charts = chartsets.comparison_charts(node.all_units()) if pager.number == 1 else []
        return {"node": node, "breadcrumbs": breadcrumbs, "cards": items, "pager": pager, "charts": charts,
                "counts": place_counts[node.anchor], "places": _place_links(node.children, place_counts),
                "quality_url": urls.region_quality(node.anchor) if node.units else None, "archive": place_archive(node)}
    return [lazy.page(url, "region.html", (subtree.get(node.anchor, ""), repr(pager)),
                      lambda items=items, pager=pager: context(items, pager), charts=lambda context: bool(context["charts"]))
            for url, items, pager in paginate(urls.region(node.anchor), cards, UNITS_PER_PAGE)]


def _quality_pages(portal: Portal, summary: dict[str, UnitSummary], tree: list[RegionNode], place_counts: dict,
                   rule_counts: dict, lazy: _Lazy) -> list[Page | LazyPage]:
    """``data-quality/``: the counts by place and by rule, and every finding of the portal in
    portal order (paginated) while they fit ``LISTING_PAGES`` pages; ``data-quality/<place>/``:
    the findings of the units placed at each place (paginated). A place's pages have for source
    its units' (they decide the units' findings and rows), not every row's."""
    total = sum(len(s.rows) for s in summary.values())
    # Provinces and cities only: a province has a hundred counties, and each place's page
    # (``region.html``) links the findings of its counties.
    places = [{"node": node, "counts": place_counts[node.anchor], "direct": bool(node.units),
               "url": urls.region_quality(node.anchor)} for node in walk(tree) if len(node.path) <= OVERVIEW_DEPTH]
    portal_counts = {"counts": summed_counts(s.counts for s in summary.values()), "suppressed": sum(s.suppressed for s in summary.values())}
    overview = {"places": places, "rule_counts": rule_counts, "rules": registered_rules(), "portal": portal_counts,
                "content_errors": error_views(portal.errors, portal.root)}
    # Every page repeats the overview: its counts are part of each page's source.
    overview_source = repr(([(p["node"].anchor, p["counts"], p["direct"]) for p in places], rule_counts,
                            overview["portal"], [str(e) for e in portal.errors]))
    if total <= FINDINGS_PER_PAGE * LISTING_PAGES:
        rows = [row for unit in portal.units for row in summary[unit.id].rows]
        pages = [lazy.page(url, "data-quality.html", (overview_source, repr(pager), *lazy.items(items)),
                           lambda items=items, pager=pager: {**quality_view(items), "pager": pager, "overview": overview, "node": None,
                                                             "by_place": False})
                 for url, items, pager in paginate(urls.DATA_QUALITY, rows, FINDINGS_PER_PAGE)]
    else:  # listed on each place's page only
        [(_, _, pager)] = paginate(urls.DATA_QUALITY, [], 1)
        pages = [lazy.page(urls.DATA_QUALITY, "data-quality.html", (overview_source,),
                           lambda: {"pager": pager, "overview": overview, "node": None, "by_place": True})]
    direct = {node.anchor for node in walk(tree) if node.units}
    for node in walk(tree):
        if not node.units:
            continue
        place_rows = [row for unit in node.units for row in summary[unit.id].rows]
        breadcrumbs = [("数据质量", urls.DATA_QUALITY)] + [(name, urls.region_quality(anchor) if anchor in direct else None)
                                                         for name, anchor in node.ancestors()] + [(node.name, None)]
        pages.extend(lazy.page(url, "data-quality.html", (repr(breadcrumbs), repr(pager), *lazy.units(node.units)),
                               lambda items=items, pager=pager, node=node, breadcrumbs=breadcrumbs: {
                                   **quality_view(items), "pager": pager, "node": node, "breadcrumbs": breadcrumbs, "overview": None,
                                   "by_place": False})
                     for url, items, pager in paginate(urls.region_quality(node.anchor), place_rows, FINDINGS_PER_PAGE))
    return pages


def broken_unit_page(portal: Portal, broken) -> Page:
    return Page(urls.unit(broken.id), "content-error.html", {
        "heading": broken.id, "errors": error_views(broken.errors, portal.root), "breadcrumbs": [(broken.id, None)]})


def unit_pages(portal: Portal, unit: LoadedUnit, findings: dict[tuple, list[Finding]]) -> list[Page]:
    """The unit's page and the error pages of its documents that failed to load."""
    pages = [_unit_page(unit, findings)]
    for failed in unit.failed:
        pages.append(Page(urls.document_at(unit.id, failed.year, failed.kind), "content-error.html", {
            "heading": f"{unit.model.name} {failed.year}年{kind_label(failed.kind)}",
            "errors": error_views(failed.errors, portal.root),
            "breadcrumbs": [(unit.model.name, urls.unit(unit.id)), (f"{failed.year}年{kind_label(failed.kind)}", None)]}))
    return pages


def document_pages(unit: LoadedUnit, doc: LoadedDocument, doc_findings: list[Finding],
                   tables: list[export.DataTable] | None = None) -> list[Page]:
    """A document's page and the pages of its projects; ``tables``: its open-data tables when
    the caller has them already (``plugins.kind_tables``), else they are made for the links."""
    pages = [_document_page(unit, doc, doc_findings, tables)]
    projects = getattr(doc.model, "projects", [])
    names = Counter(project.name for project in projects)
    for i, project in enumerate(projects):
        # Two tables of one document may carry the same project name (定西 evaluates one project
        # twice): their titles say which table of the document each is.
        distinction = f"文件第 {i + 1} 张项目表" if names[project.name] > 1 else ""
        pages.append(_project_page(unit, doc, i, project, [f for f in doc_findings if f.project == project.slug], distinction))
    return pages


def _unit_page(unit: LoadedUnit, findings: dict) -> Page:
    years = []
    for year in unit.years:
        docs = [d for d in unit.documents if d.year == year]
        years.append({"year": year, "documents": [{
            "doc": d, "url": urls.document(d), "kind": kind_label(d.kind), "counts": severity_counts(findings.get(d.key, [])),
            "projects": len(getattr(d.model, "projects", [])),
        } for d in docs], "failed": [{"url": urls.document_at(unit.id, f.year, f.kind), "kind": kind_label(f.kind),
                                      "count": len(f.errors)} for f in unit.failed if f.year == year]})
    chart_list = chartsets.unit_charts(unit)
    return Page(urls.unit(unit.id), "unit.html", {"unit": unit, "years": years, "charts": chart_list,
                                                   "breadcrumbs": [(unit.model.name, None)]}, has_charts=bool(chart_list))


def _document_page(unit: LoadedUnit, doc: LoadedDocument, doc_findings: list[Finding],
                   tables: list[export.DataTable] | None) -> Page:
    model = doc.model
    marks = Marks(doc_findings)
    unit_name = model.money_unit
    chart_list = document_charts(doc, marks)
    projects: list[Evaluation] = list(getattr(model, "projects", []))
    summary = getattr(model, "project_summary", None)
    department = getattr(model, "department_wide", None)
    project_rows = []
    for i, project in enumerate(projects):
        budget, executed = funding_totals(project)
        project_rows.append({"project": project, "url": urls.project(doc, project.slug), "budget": budget, "executed": executed,
                             "counts": severity_counts([f for f in doc_findings if f.project == project.slug])})
    same_kind = sorted((d for d in unit.documents if d.kind == doc.kind), key=lambda d: d.year)
    position = same_kind.index(doc)
    neighbours = {"previous": same_kind[position - 1] if position > 0 else None,
                  "next": same_kind[position + 1] if position + 1 < len(same_kind) else None}
    names = (unit.model.name, unit.model.short_name or unit.model.name)
    heading = model.title if any(name in model.title for name in names) else f"{unit.model.name}：{model.title}"
    context = {
        "unit": unit, "doc": doc, "model": model, "kind": kind_label(doc.kind), "heading": heading,
        "breadcrumbs": [(unit.model.name, urls.unit(unit.id)), (f"{doc.year}年{kind_label(doc.kind)}", None)],
        "findings": group_findings(doc_findings), "finding_count": len(doc_findings), "counts": severity_counts(doc_findings),
        "headline": [{"figure": h, "cell": Cell(h.text, numeric=True, marks=marks.at(h.path) if h.path else [])}
                     for h in headline(doc)],
        "charts": chart_list, "figure_tables": figure_tables(model.figures, marks, unit_name),
        "standard_tables": [standard_table_view(table, i, marks) for i, table in enumerate(getattr(model, "tables", []))],
        "department": None, "summary": None, "projects": project_rows,
        "department_goals": getattr(model, "department_goals", []),
        "downloads": downloads(doc, doc_findings, tables),
        "neighbours": {k: (d.year, urls.document(d)) for k, d in neighbours.items() if d is not None},
        "narrative": render_markdown(doc.narrative) if doc.narrative else None,
    }
    if department is not None:
        context["department"] = _evaluation_tables(department, ("department_wide",), marks, unit_name)
    if summary is not None:
        links = {p.slug: urls.project(doc, p.slug) for p in projects}
        context["summary"] = summary_table(summary, marks, unit_name, links)
    return Page(urls.document(doc), kind_spec(doc.kind).template, context, has_charts=bool(chart_list))


def downloads(doc: LoadedDocument, doc_findings: list[Finding],
              tables: list[export.DataTable] | None = None) -> list[tuple[str, str]]:
    """(label, URL) of the document's open-data files (``tables``: as in ``document_pages``)."""
    folder = export.data_folder(doc)
    tables = kind_tables(doc, doc_findings) if tables is None else tables
    files = [(f"{table.title}（CSV）", f"{folder}{table.name}.csv") for table in tables]
    return files + [("全部表格（Excel）", f"{folder}document.xlsx"), ("文件数据与核对结果（JSON）", f"{folder}document.json")]


def funding_totals(evaluation: Evaluation) -> tuple:
    """(budget, executed) of a performance table's total funding row, as stated."""
    for row in evaluation.funding:
        if row.key == "total":
            return (row.adjusted if row.adjusted is not None else row.initial), row.executed
    return None, None


def _evaluation_tables(evaluation: Evaluation, path: tuple, marks: Marks, unit: str) -> dict:
    return {"evaluation": evaluation, "funding": funding_table(evaluation, path, marks, unit),
            "indicators": indicator_table(evaluation, path, marks),
            "goal_completion": any(goal.completion for goal in evaluation.goals)}


def _project_page(unit: LoadedUnit, doc: LoadedDocument, index: int, project: Evaluation, project_findings: list[Finding],
                  distinction: str = "") -> Page:
    marks = Marks(project_findings)
    unit_name = doc.model.money_unit
    chart_list = chartsets.project_charts(doc, index, project, marks)
    narrative = doc.project_narratives.get(project.slug)
    context = {
        "unit": unit, "doc": doc, "project": project, "kind": kind_label(doc.kind), "document_url": urls.document(doc),
        "distinction": distinction,
        "breadcrumbs": [(unit.model.name, urls.unit(unit.id)), (f"{doc.year}年{kind_label(doc.kind)}", urls.document(doc)),
                        (project.name, None)],
        "findings": group_findings(project_findings), "finding_count": len(project_findings), "counts": severity_counts(project_findings),
        "charts": chart_list, "tables": _evaluation_tables(project, ("projects", index), marks, unit_name),
        "narrative": render_markdown(narrative) if narrative else None,
    }
    return Page(urls.project(doc, project.slug), "project.html", context, has_charts=bool(chart_list))
