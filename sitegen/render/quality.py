"""The data-quality pages: every finding of the portal in filterable tables.

``data-quality/`` lists every finding in portal order, a page of rows at a time, with the counts
by place and by rule; ``data-quality/<place>/`` the findings of the units of one place. Each page
is complete without JavaScript (its whole table, its counts). ``quality.js`` filters a page's
rows in the browser by the ``data-*`` attributes the template puts on each row from
``QualityRow``, and rewrites the counts whose first values are prepared here.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from ..check import PORTAL_WIDE, Finding
from ..check.rules import RULES, SEVERITY_ORDER
from ..model.portal import LoadedUnit
from . import urls

SEVERITIES = tuple(sorted(SEVERITY_ORDER, key=SEVERITY_ORDER.__getitem__))


@dataclass(frozen=True)
class QualityRow:
    """One finding with the links its row needs. ``target_url`` is the page that shows the
    finding in its panel (the project page for a project's finding, where its cells are
    marked; else the document page), with the finding's anchor — or, for a portal-wide
    finding, which no document panel shows, its rule's page."""

    finding: Finding
    unit_name: str
    unit_url: str
    document_url: str
    target_url: str


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class Filter:
    """One ``<select>``: ``name`` is both the row's ``data-<name>`` attribute and the query
    parameter; ``translate`` says the option labels are translation keys (severities)."""

    name: str
    options: list[FilterOption]
    translate: bool = False


def quality_rows(units: list[LoadedUnit], findings: dict[tuple, list[Finding]]) -> list[QualityRow]:
    """Every finding of ``units``, in their order (then year, document and each document's own
    finding order)."""
    rows: list[QualityRow] = []
    for unit in units:
        for doc in unit.documents:
            document_url = urls.document(doc)
            for finding in findings.get(doc.key, []):
                page = urls.project(doc, finding.project) if finding.project else document_url
                target = urls.rule(finding.rule_id) if finding.rule_id in PORTAL_WIDE else f"{page}#{finding.anchor}"
                rows.append(QualityRow(finding, unit.model.name, urls.unit(unit.id), document_url, target))
    return rows


def quality_view(rows: Sequence[QualityRow]) -> dict:
    """One table's context: its ``rows``, ``filters`` (unit, year, rule, severity, each option
    with its number of these rows), ``total`` rows, ``counts`` per severity of the findings that
    count and the number ``suppressed``. The filters act on the rows of the page, so their
    options and counts are those of the page's rows."""
    unit_names = {row.finding.unit_id: row.unit_name for row in rows}
    by = {name: Counter(getattr(row.finding, attribute) for row in rows)
          for name, attribute in (("unit", "unit_id"), ("year", "year"), ("rule", "rule_id"), ("severity", "severity"))}
    filters = [
        Filter("unit", [FilterOption(uid, name, by["unit"][uid]) for uid, name in unit_names.items()]),
        Filter("year", [FilterOption(str(year), str(year), by["year"][year]) for year in sorted(by["year"], reverse=True)]),
        Filter("rule", [FilterOption(rule.id, f"{rule.id} {rule.title}", by["rule"][rule.id])
                        for rule in RULES if by["rule"][rule.id]]),
        Filter("severity", [FilterOption(s, s, by["severity"][s]) for s in SEVERITIES], translate=True),
    ]
    return {"rows": rows, "filters": filters, "total": len(rows), **severity_counts(rows)}


def severity_counts(rows: Sequence[QualityRow]) -> dict:
    """``counts`` per severity of the findings that count, and the number ``suppressed``
    (suppressed findings stay listed with their reason but, as everywhere, do not count)."""
    counting = Counter(row.finding.severity for row in rows if row.finding.counts)
    return {"counts": {s: counting[s] for s in SEVERITIES}, "suppressed": sum(1 for row in rows if not row.finding.counts)}
