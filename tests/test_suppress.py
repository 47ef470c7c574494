"""Suppressions: a reviewed finding stays visible with its reason but no longer counts."""
from __future__ import annotations

import json

from sitegen.builder import build_portal
from sitegen.content import ContentErrors, load_portal
from sitegen.check import run_checks

from .conftest import HEADER, write_portal
from .test_cli import run

DOCUMENT = HEADER + """\
figures:
  - label: 收入合计
    amount: 1058.66
    parts:
      - {label: 财政拨款收入, amount: 1066.66}
      - {label: 其他收入, amount: 2.00}
"""
REASON = "原文如此，已向财政局核实。"


def findings_of(tmp_path, document: str, site_extra: str = ""):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": document})
    if site_extra:
        (content / "site.yaml").write_text("title: 测试门户\n" + site_extra, encoding="utf-8")
    return content, run_checks(load_portal(content, strict=True))


def test_document_suppression_keeps_the_finding_with_its_reason(tmp_path):
    _, plain = findings_of(tmp_path, DOCUMENT)
    assert [(f.rule_id, f.suppressed) for f in plain] == [("SUM-001", None)]
    _, found = findings_of(tmp_path, DOCUMENT + f"suppress:\n  - {{rule: SUM-001, path: 'figures[0]', reason: {REASON}}}\n")
    assert [(f.rule_id, f.severity, f.suppressed, f.counts) for f in found] == [("SUM-001", "error", REASON, False)]


def test_path_and_scope_must_match(tmp_path):
    _, other_path = findings_of(tmp_path, DOCUMENT + f"suppress:\n  - {{rule: SUM-001, path: 'figures[1]', reason: x}}\n")
    assert other_path[0].suppressed is None
    _, other_rule = findings_of(tmp_path, DOCUMENT + f"suppress:\n  - {{rule: SUM-002, reason: x}}\n")
    assert other_rule[0].suppressed is None
    _, wrong_year = findings_of(tmp_path, DOCUMENT, "suppress:\n  - {rule: SUM-001, year: 2022, reason: x}\n")
    assert wrong_year[0].suppressed is None
    _, site = findings_of(tmp_path, DOCUMENT, f"suppress:\n  - {{rule: SUM-001, unit: demo, year: 2023, document: self_evaluation, reason: {REASON}}}\n")
    assert site[0].suppressed == REASON


def test_unknown_rule_is_a_located_content_error(tmp_path):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": DOCUMENT + "suppress:\n  - {rule: SUM-999, reason: x}\n"})
    try:
        load_portal(content, strict=True)
    except ContentErrors as exc:
        [error] = exc.errors
        assert error.line == 12 and "unknown rule 'SUM-999'" in error.message
    else:
        raise AssertionError("an unknown rule ID must not load")


def test_strict_check_ignores_suppressed_and_json_reports_the_reason(tmp_path):
    content, _ = findings_of(tmp_path, DOCUMENT)
    assert run("check", "--strict", "--content", str(content)).returncode == 1
    content, _ = findings_of(tmp_path, DOCUMENT + f"suppress:\n  - {{rule: SUM-001, reason: {REASON}}}\n")
    result = run("check", "--strict", "--format", "json", "--content", str(content))
    assert result.returncode == 0, result.stderr
    [item] = json.loads(result.stdout)
    assert (item["rule"], item["suppressed"]) == ("SUM-001", REASON)
    sarif = json.loads(run("check", "--format", "sarif", "--content", str(content)).stdout)
    assert sarif["runs"][0]["results"][0]["suppressions"][0]["justification"] == REASON


def test_page_shows_suppressed_finding_unmarked_and_uncounted(tmp_path):
    content, _ = findings_of(tmp_path, DOCUMENT + f"suppress:\n  - {{rule: SUM-001, reason: {REASON}}}\n")
    result = build_portal(content, tmp_path / "out", search=False)
    assert result.findings == {"error": 0, "warning": 0, "notice": 0}
    html = (tmp_path / "out" / "units" / "demo" / "2023" / "self-evaluation" / "index.html").read_text(encoding="utf-8")
    assert "已说明（不计入）" in html and REASON in html
    assert 'class="marker' not in html


def test_build_check_and_serve_count_the_same_with_a_site_wide_suppression(tmp_path):
    """One check path: every command applies site.yaml's ``suppress:`` (the real content, SUM-001
    site-wide). ``serve`` is the Preview the command runs (its banner's counts); test_serve_http
    reads them from a running ``sitegen serve``."""
    import shutil

    from sitegen.builder import Builder
    from sitegen.preview.server import Preview
    from .conftest import CONTENT
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    with open(content / "site.yaml", "a", encoding="utf-8") as site:
        site.write(f"suppress:\n  - {{rule: SUM-001, reason: {REASON}}}\n")
    checked = run_checks(load_portal(content))
    assert any(f.rule_id == "SUM-001" for f in checked)
    assert not any(f.rule_id == "SUM-001" and f.counts for f in checked)
    counts = dict.fromkeys(("error", "warning", "notice"), 0)
    for finding in checked:
        counts[finding.severity] += finding.counts
    built = build_portal(content, tmp_path / "out", search=False, cache=tmp_path / "cache", workers=1)
    preview = Preview(Builder(content, tmp_path / "preview", search=False, cache=tmp_path / "serve-cache", keep_last_good=True))
    preview.rebuild()
    assert built.findings == counts == preview.status["findings"]
    assert REASON in (tmp_path / "out" / "units" / "dingxi-zfw" / "2023" / "final-accounts" / "index.html").read_text(encoding="utf-8")
