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
from ..plugins import checks
from . import (claims, completeness, copies, money_units, ratios, scores, sums, suppress, tables, tables_frame,
               tables_narrative, targets, xref, years)
from .context import Reporter
from .findings import Finding
from .rules import RULES, RULES_BY_ID, SEVERITY_ORDER, Rule, RuleSet

# sitegen's own check modules, registered with RULES by sitegen.builtin (register_rules).
FAMILIES = (sums, ratios, scores, xref, claims, targets, money_units, copies, completeness, years, tables, tables_narrative,
            tables_frame)
# Rules that compare documents of different units: their findings are joined after the units are
# built, so they show on the portal-wide pages (rules, data quality), not in a document's panel.
PORTAL_WIDE: frozenset[str] = frozenset({"COPY-002"})

__all__ = ["Finding", "PORTAL_WIDE", "RULES", "RULES_BY_ID", "Rule", "RuleSet", "check_document", "check_portal",
           "portal_findings", "run_checks"]


def check_document(doc: LoadedDocument, site_suppressions: Sequence[Suppression]) -> list[Finding]:
    """All findings of one document, sorted by severity then source line; those covered by
    the document's or the site's ``suppress:`` entries carry their reason.

    ``site_suppressions`` (``site.yaml``'s ``suppress:``) is required: ``build``, ``check``
    and ``serve`` must count the same findings."""
    report = Reporter(doc)
    for check in checks():  # every registered rule set's checks, the built-ins first
        check(doc, report)
    found = sorted(report.findings, key=lambda f: (SEVERITY_ORDER[f.severity], str(f.file), f.line, f.column, f.rule_id))
    seen: Counter = Counter()
    numbered = []
    for finding in found:
        earlier = seen[finding.rule_id, finding.path]
        numbered.append(replace(finding, occurrence=earlier) if earlier else finding)
        seen[finding.rule_id, finding.path] += 1
    return suppress.apply(numbered, doc, site_suppressions)


def check_portal(portal: Portal) -> dict[tuple, list[Finding]]:
    """Findings per document key, every document of ``portal`` checked with the site's
    suppressions, the portal-wide ones (COPY-002) added to their document's."""
    found, wide = _checked(portal)
    for finding in wide:
        found.setdefault((finding.unit_id, finding.year, finding.document), []).append(finding)
    return found


def run_checks(portal: Portal) -> list[Finding]:
    """Findings of every document of the portal, in portal order, then the portal-wide ones
    (text copied between units, COPY-002)."""
    found, wide = _checked(portal)
    return [finding for findings in found.values() for finding in findings] + wide


def _checked(portal: Portal) -> tuple[dict[tuple, list[Finding]], list[Finding]]:
    found = {doc.key: check_document(doc, portal.site.suppress) for doc in portal.documents()}
    return found, portal_findings(portal, [fp for doc in portal.documents() for fp in copies.fingerprints(doc)])


def portal_findings(portal: Portal, prints: Sequence[copies.Fingerprint] = (), *,
                    copied: Sequence[Finding] | None = None) -> list[Finding]:
    """Findings that compare documents of different units, from each document's fingerprints
    (``copies.fingerprints``, computed where the document was checked), or ``copied``, the
    COPY-002 findings already joined (``copyindex.CopyIndex.update``), with the documents'
    and the site's suppressions applied. ``portal`` may hold slim documents."""
    units = {unit.id: unit for unit in portal.units}  # by unit, not every document: a rebuild reads a few
    out: list[Finding] = []
    for finding in copies.portal_copies(prints) if copied is None else copied:
        key = (finding.unit_id, finding.year, finding.document)
        unit = units.get(finding.unit_id)
        doc = next((d for d in unit.documents if d.key == key), None) if unit is not None else None
        out += suppress.apply([finding], doc, portal.site.suppress) if doc is not None else [finding]
    return out
