"""The consistency checker: recompute what each document implies and report disagreements.

Checks read the model and never change it. ``run_checks`` returns findings sorted by unit,
year, document, severity and location, so output is deterministic.
"""
from __future__ import annotations

from collections.abc import Sequence

from ..model.documents import Suppression
from ..model.portal import LoadedDocument, Portal
from . import completeness, copies, money_units, ratios, scores, sums, suppress, tables, tables_frame, tables_narrative, targets, xref, years
from .context import Reporter
from .findings import Finding
from .rules import RULES, RULES_BY_ID, SEVERITY_ORDER, Rule

FAMILIES = (sums, ratios, scores, xref, targets, money_units, copies, completeness, years, tables, tables_narrative, tables_frame)

__all__ = ["Finding", "RULES", "RULES_BY_ID", "Rule", "check_document", "run_checks"]


def check_document(doc: LoadedDocument, site_suppressions: Sequence[Suppression] = ()) -> list[Finding]:
    """All findings of one document, sorted by severity then source line; those covered by
    the document's or the site's ``suppress:`` entries carry their reason."""
    report = Reporter(doc)
    for family in FAMILIES:
        family.check(doc, report)
    found = sorted(report.findings, key=lambda f: (SEVERITY_ORDER[f.severity], str(f.file), f.line, f.column, f.rule_id))
    return suppress.apply(found, doc, site_suppressions)


def run_checks(portal: Portal) -> list[Finding]:
    """Findings of every document of the portal, in portal order."""
    return [finding for doc in portal.documents() for finding in check_document(doc, portal.site.suppress)]
