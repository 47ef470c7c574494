"""Suppressions: findings a web team has reviewed and explained (``suppress:`` in YAML).

A suppressed finding is kept — pages show it with its reason — but it no longer counts in
the totals, the markers or ``sitegen check --strict``.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from ..model.documents import Suppression
from ..model.portal import LoadedDocument
from .findings import Finding


def applies(rule: Suppression, finding: Finding) -> bool:
    """Whether ``rule`` covers ``finding`` (same rule; scope and path prefix, where given)."""
    if rule.rule != finding.rule_id:
        return False
    for scope, value in ((rule.unit, finding.unit_id), (rule.year, finding.year), (rule.document, finding.document)):
        if scope is not None and scope != value:
            return False
    if rule.path is None:
        return True
    path = finding.dotted_path
    return path == rule.path or path.startswith(rule.path + ".") or path.startswith(rule.path + "[")


def apply(findings: Iterable[Finding], doc: LoadedDocument, site_rules: Iterable[Suppression] = ()) -> list[Finding]:
    """``findings`` with ``suppressed`` set to the reason of the first covering suppression
    (the document's own before the site's)."""
    rules = [*doc.suppress, *site_rules]
    out = []
    for finding in findings:
        reason = next((rule.reason for rule in rules if applies(rule, finding)), None)
        out.append(dataclasses.replace(finding, suppressed=reason) if reason else finding)
    return out
