"""The synthetic portal: deterministic, in the real schema, and every planted inconsistency found."""
from __future__ import annotations

import json

import pytest

from sitegen.check import check_portal
from sitegen.content import load_portal
from sitegen.synth import synthesize


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generated = synthesize(out, units=167, years=2, seed=7)  # 1,002 documents
    return out, generated, load_portal(out / "content", strict=True)


def test_synthetic_portal_loads_cleanly(synthetic):
    out, generated, portal = synthetic
    assert len(portal.documents()) == generated.documents == 1002
    projects = [len(d.model.projects) for d in portal.documents() if d.kind != "final_accounts"]
    assert min(projects) >= 5 and max(projects) <= 15
    indicators = [len(p.indicators) for d in portal.documents() for p in getattr(d.model, "projects", [])]
    assert min(indicators) >= 10 and max(indicators) <= 20


def test_checker_finds_every_planted_inconsistency(synthetic):
    out, generated, portal = synthetic
    planted = json.loads((out / "planted.json").read_text(encoding="utf-8"))
    assert len(planted) == len(generated.planted) > 200
    assert {p["rule"] for p in planted} >= {"SUM-001", "SUM-002", "SUM-003", "RATIO-001", "RATIO-002", "RATIO-003",
                                            "RATIO-004", "SCORE-002", "SCORE-003", "SCORE-004", "XREF-001",
                                            "UNIT-001", "YEAR-001", "TARGET-002", "TARGET-003", "TARGET-004",
                                            "TARGET-005", "TARGET-006", "TARGET-007", "TARGET-008", "TARGET-009", "TARGET-010", "SCORE-009",
                                            "COPY-001", "COPY-002", "COPY-003", "COPY-004", "COMPLETE-003"}
    findings = check_portal(portal)
    # Each planted inconsistency is found at its rule's catalogue severity (UNIT and YEAR warn);
    # check_portal includes the portal-wide join (COPY-002: a goal copied from another unit).
    found = {(f.unit_id, f.year, f.document, f.rule_id, f.dotted_path) for fs in findings.values() for f in fs
             if f.severity == f.rule.severity}
    missed = [p for p in planted if (p["unit"], p["year"], p["document"], p["rule"], p["path"]) not in found]
    assert missed == []
    # Documents without a plant raise no error or warning at all: the generator's own numbers agree.
    planted_documents = {(p["unit"], p["year"], p["document"]) for p in planted}
    raised = {(f.unit_id, f.year, f.document) for fs in findings.values() for f in fs if f.severity != "notice"}
    assert raised <= planted_documents


def test_synthesis_is_deterministic(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    synthesize(first, units=3, years=1, seed=3)
    synthesize(second, units=3, years=1, seed=3)
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(second) for p in second.rglob("*") if p.is_file())
    assert all((first / f).read_bytes() == (second / f).read_bytes() for f in files)
