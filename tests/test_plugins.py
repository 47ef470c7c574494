"""Plugins: a rule, a chart, an output format and a document kind added by tests/plugins/audit.py
through the public hooks, in a portal built and checked with it."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from sitegen import plugins
from sitegen.builder import build_portal
from sitegen.cli import main
from sitegen.content import ContentErrors, load_portal

from .conftest import write_portal

SELF_EVALUATION = """\
kind: self_evaluation
year: 2023
title: 部门整体支出绩效自评
source: test
figures:
  - {label: 收入合计, key: revenue, amount: "1058.66"}
  - {label: 支出合计, key: expenditure, amount: "1056.66"}
"""
AUDIT_REPORT = """\
kind: audit_report
year: 2023
title: 2023年度预算执行审计结果公告
published: 2024年3月1日
source: test
figures:
  - {label: 审计查出问题金额, amount: "12.50"}
"""


@pytest.fixture
def registry():
    """The process's plugin registrations are global: every test here starts and ends clean."""
    plugins.reset()
    yield
    plugins.reset()


def portal_with_plugin(tmp_path, site_extra: str = ""):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": SELF_EVALUATION, "2023/audit-report.yaml": AUDIT_REPORT})
    (content / "site.yaml").write_text(f"title: 测试门户\nbase_url: https://yjs.example.org/\nplugins: [tests.plugins.audit]\n{site_extra}", encoding="utf-8")
    return content


def test_plugin_rule_chart_output_and_kind_in_a_build(tmp_path, registry):
    content = portal_with_plugin(tmp_path)
    output = tmp_path / "out"
    result = build_portal(content, output, search=False)
    assert result.content_errors == []
    assert result.documents == 2
    # the rule: one finding (the self-evaluation's title has no year), its page, and the rules list
    assert result.findings["warning"] >= 1
    document = (output / "units/demo/2023/self-evaluation/index.html").read_text(encoding="utf-8")
    assert "PLUG-001" in document and "标题没有写明 2023 年" in document
    assert "文件标题没有写明年度" in (output / "rules/plug-001/index.html").read_text(encoding="utf-8")
    assert "PLUG-001" in (output / "rules/index.html").read_text(encoding="utf-8")
    # the chart, after the built-in ones, with an id of its own
    assert "文件所列金额（万元，插件图表）" in document
    built_in = "收支结构（万元）"
    assert document.index(built_in) < document.index("插件图表")
    # the document kind: its page, label, and the kind order within the year
    audit = (output / "units/demo/2023/audit-report/index.html").read_text(encoding="utf-8")
    assert "审计结果公告" in audit and "审计查出问题金额" in audit and "PLUG-001" not in audit
    unit_page = (output / "units/demo/index.html").read_text(encoding="utf-8")
    assert unit_page.index("绩效自评") < unit_page.index("审计结果公告")
    # the output format, beside the built-in ones
    catalogue = json.loads((output / "catalogue.json").read_text(encoding="utf-8"))
    assert {(e["kind"], e["url"], e["findings"]) for e in catalogue} == {
        ("self_evaluation", "units/demo/2023/self-evaluation/", 1), ("audit_report", "units/demo/2023/audit-report/", 0)}
    assert (output / "feed.xml").is_file() and (output / "sitemap.xml").is_file()
    assert "审计结果公告" in (output / "feed.xml").read_text(encoding="utf-8")


def test_a_plugin_rule_may_be_suppressed_site_wide(tmp_path, registry):
    content = portal_with_plugin(tmp_path, "suppress:\n  - {rule: PLUG-001, reason: 标题按上级模板}\n")
    portal = load_portal(content, strict=True)
    from sitegen.check import run_checks
    found = [f for f in run_checks(portal) if f.rule_id == "PLUG-001"]
    assert len(found) == 1 and found[0].suppressed == "标题按上级模板" and not found[0].counts
    result = build_portal(content, tmp_path / "out", search=False)
    assert result.findings["warning"] == 0


def test_a_plugin_rule_id_is_unknown_without_the_plugin(tmp_path, registry):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": SELF_EVALUATION})
    (content / "site.yaml").write_text("title: 测试门户\nsuppress:\n  - {rule: PLUG-001, reason: x}\n", encoding="utf-8")
    with pytest.raises(ContentErrors) as caught:
        load_portal(content)
    assert "unknown rule 'PLUG-001'" in " ".join(str(e) for e in caught.value.errors)


def test_a_plugin_that_cannot_be_loaded_is_named_with_the_choices(tmp_path, registry):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": SELF_EVALUATION})
    (content / "site.yaml").write_text("title: 测试门户\nplugins: [tests.plugins.missing]\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", "--content", str(content)])
    assert result.exit_code == 2, result.output
    assert "site.yaml:2:" in result.output
    assert "cannot load plugin 'tests.plugins.missing'" in result.output
    assert "expected an installed plugin" in result.output


def test_the_built_ins_register_through_the_hooks(registry):
    manager = plugins.manager()
    builtin = manager.get_plugin("sitegen.builtin")
    for hook in ("register_rules", "register_document_kinds", "document_charts", "portal_outputs"):
        assert builtin in [impl.plugin for impl in getattr(manager.hook, hook).get_hookimpls()]
    assert list(plugins.kinds()) == ["budget", "final_accounts", "self_evaluation"]
    assert "SUM-001" in plugins.rules_by_id() and "PLUG-001" not in plugins.rules_by_id()


def test_a_schema_documents_plugin_kinds(tmp_path, registry):
    plugins.use(["tests.plugins.audit"])
    schema = json.dumps(plugins.document_adapter().json_schema(), ensure_ascii=False)
    assert "AuditReport" in schema and "审计结果公告" in schema
