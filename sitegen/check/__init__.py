"""The consistency checker: recompute what each document implies and report disagreements.

Checks read the model and never change it. ``run_checks`` returns findings sorted by unit,
year, document, severity and location, so output is deterministic.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import replace

from ..model.documents import Suppression
from ..model.portal import LoadedDocument, Portal
from . import completeness, copies, money_units, ratios, scores, sums, suppress, tables, tables_frame, tables_narrative, targets, xref, years
from .context import Reporter
from .findings import Finding
from .rules import RULES, RULES_BY_ID, SEVERITY_ORDER, Rule

FAMILIES = (sums, ratios, scores, xref, targets, money_units, copies, completeness, years, tables, tables_narrative, tables_frame)

__all__ = ["Finding", "RULES", "RULES_BY_ID", "Rule", "check_document", "check_portal", "run_checks"]


def check_document(doc: LoadedDocument, site_suppressions: Sequence[Suppression]) -> list[Finding]:
    """All findings of one document, sorted by severity then source line; those covered by
    the document's or the site's ``suppress:`` entries carry their reason.

    ``site_suppressions`` (``site.yaml``'s ``suppress:``) is required: ``build``, ``check``
    and ``serve`` must count the same findings."""
    report = Reporter(doc)
    for family in FAMILIES:
        family.check(doc, report)
    found = sorted(report.findings, key=lambda f: (SEVERITY_ORDER[f.severity], str(f.file), f.line, f.column, f.rule_id))
    seen: Counter = Counter()
    numbered = []
    for finding in found:
        earlier = seen[finding.rule_id, finding.path]
        numbered.append(replace(finding, occurrence=earlier) if earlier else finding)
        seen[finding.rule_id, finding.path] += 1
    return suppress.apply(numbered, doc, site_suppressions)


def check_portal(portal: Portal) -> dict[tuple, list[Finding]]:
    """Findings per document key, every document of ``portal`` checked with the site's suppressions."""
    return {doc.key: check_document(doc, portal.site.suppress) for doc in portal.documents()}


def run_checks(portal: Portal) -> list[Finding]:
    """Findings of every document of the portal, in portal order."""
    return [finding for findings in check_portal(portal).values() for finding in findings]
