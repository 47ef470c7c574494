"""The table checks on the two real Shanghai 普陀区 2024 部门决算 (财政局, 规划和自然资源局).

What must come out is what ``shared/reference/standard-tables.md`` §11 and
``narrative-vs-tables.md`` §2 found reading the PDFs value by value: every break of a table
identity (all 0.01–0.02, so 尾差 notices, each on the cell that breaks it), the narrative's
material errors as errors, its presentation slips as warnings or notices — and no error on a
figure that agrees.
"""
from __future__ import annotations

import pytest

UNITS = ("putuo-czj", "putuo-ghj")


def final_accounts(portal, unit_id):
    [doc] = [d for d in portal.documents() if d.unit_id == unit_id and d.kind == "final_accounts"]
    return doc


def table_findings(portal, findings, unit_id):
    doc = final_accounts(portal, unit_id)
    found = [f for f in findings[doc.key] if f.rule_id in ("TABLE-001", "TABLE-002", "TABLE-003", "TABLE-004", "TABLE-005")]
    return doc, found


def where(doc, finding) -> tuple[str, str]:
    """(table id, printed row label) of the cell a finding sits on."""
    _, i, _, j, _ = finding.path
    table = doc.model.tables[i]
    row = table.rows[j]
    return table.id, row.code or row.name


# standard-tables.md §11, the closing table: (table, row, column, declared, computed)
CZJ_BREAKS = {
    ("income", "合计", "total", "2946.25", "2946.26"),
    ("income", "合计", "fiscal", "2940.05", "2940.06"),
    ("expenditure", "合计", "total", "2940.05", "2940.06"),
    ("expenditure", "合计", "basic", "2336.91", "2336.92"),
    ("general_public_expenditure", "合计", "total", "2940.05", "2940.06"),
    ("general_public_expenditure", "合计", "basic", "2336.91", "2336.92"),
    ("general_public_basic_expenditure", "301", "personnel", "2082.85", "2082.86"),
    ("general_public_basic_expenditure", "302", "public", "171.07", "171.09"),
    ("income_expenditure_summary", "八、社会保障和就业支出", "expenditure", "326.71", "326.72"),  # X4 vs 支出决算表 208
    ("fiscal_income_expenditure_summary", "八、社会保障和就业支出", "general_public", "326.71", "326.72"),  # X7
}
GHJ_BREAKS = {
    ("fiscal_income_expenditure_summary", "本年支出合计", "total", "9746.50", "9746.49"),
    ("fiscal_income_expenditure_summary", "本年支出合计", "general_public", "9746.50", "9746.49"),
    ("general_public_expenditure", "212", "total", "3832.36", "3832.35"),
    ("general_public_expenditure", "21201", "total", "1092.80", "1092.79"),
    ("general_public_expenditure", "2120101", "total", "1092.80", "1092.79"),
    ("general_public_expenditure", "合计", "total", "9746.50", "9746.49"),
    ("general_public_basic_expenditure", "302", "public", "440.90", "440.88"),
    ("general_public_basic_expenditure", "人员经费合计", "personnel", "4884.09", "4884.10"),
    ("income_expenditure_summary", "九、卫生健康支出", "expenditure", "236.63", "236.64"),
    ("income_expenditure_summary", "十一、城乡社区支出", "expenditure", "3845.25", "3845.24"),
    ("fiscal_income_expenditure_summary", "九、卫生健康支出", "general_public", "236.63", "236.64"),
}


@pytest.mark.parametrize("unit_id, breaks", [("putuo-czj", CZJ_BREAKS), ("putuo-ghj", GHJ_BREAKS)])
def test_every_table_identity_break_the_reference_found(portal, findings, unit_id, breaks):
    doc, found = table_findings(portal, findings, unit_id)
    got = {(*where(doc, f), f.path[-1], f.declared.removesuffix(" 万元"), f.computed.removesuffix(" 万元")) for f in found}
    assert got == breaks
    assert {f.severity for f in found} == {"notice"}  # 0.01–0.02 against 万元 rounding: 尾差
    lines = doc.file.read_text(encoding="utf-8").splitlines()
    for finding in found:  # each sits on the printed cell it declares, so the page can mark it
        assert finding.declared.removesuffix(" 万元") in lines[finding.line - 1]


def test_errors_are_the_material_narrative_errors_only(portal, findings):
    errors = {unit_id: sorted((f.rule_id, f.declared, f.computed) for f in findings[final_accounts(portal, unit_id).key]
                              if f.severity == "error") for unit_id in UNITS}
    assert errors == {
        # 四: 财政拨款收入支出总计 0.3 万元 against the table's 2,961.68; 五(二): 2106.66 ÷ 2940.05 = 71.65%
        "putuo-czj": [("TABLE-006", "0.3 万元", "2961.68 万元"), ("TABLE-007", "71.73%", "71.65%")],
        # 六: the all-funds 基本支出 and its 人员经费 where the fiscal ones (五, 六) are meant
        "putuo-ghj": [("TABLE-006", "4896.98 万元", "4884.09 万元"), ("TABLE-006", "5377.64 万元", "5364.75 万元")],
    }


def test_narrative_slips_as_warnings_and_notices(portal, findings):
    czj = findings[final_accounts(portal, "putuo-czj").key]
    ghj = findings[final_accounts(portal, "putuo-ghj").key]
    # 七: 完成预算的0% of a blank (czj) or 0.00 (ghj) budget, for 因公出国 and 公务用车
    assert [(f.declared, f.severity) for f in czj if f.rule_id == "TABLE-009"] == [("0%", "warning")] * 2
    assert [(f.declared, f.severity) for f in ghj if f.rule_id == "TABLE-009"] == [("0.00%", "warning")] * 2
    # 五(三) items 5, 11, 12, 13: names that are not the table's names of the code
    names = [f.message for f in ghj if f.rule_id == "TABLE-015"]
    assert [m.split("，")[0] for m in names] == [f"说明第 {n} 项写“" + text for n, text in (
        (5, "社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位退休人员活动费支出（项）”"),
        (11, "自然资源海洋气象等支出（类）自然资源事务（款）其他国土资源事务支出（项）”"),
        (12, "住房保障支出（类）住房保障支出（款）住房公积金（项）”"),
        (13, "住房保障支出（类）住房保障支出（款）购房补贴（项）”"))]
    assert [f.declared for f in ghj if f.rule_id == "TABLE-016"] == ["下降(增长)"]
    assert sorted(f.declared for f in ghj if f.rule_id == "TABLE-013") == ["上海市普陀区规划与自然资源局", "上海市规划和自然资源局"]
    # 99.86% truncated from 99.868%, 95.45% from 95.458%: one unit of the last place
    assert sorted((f.declared, f.computed, f.severity) for f in ghj if f.rule_id == "TABLE-007") == [
        ("95.45%", "95.46%", "notice"), ("99.86%", "99.87%", "notice")]
    # 六's lists: czj names 个人农业生产补贴 (blank) and leaves out 奖励金 0.31; ghj names items at 0.00
    assert [(f.declared, f.computed) for f in czj if f.rule_id == "TABLE-018"] == [("个人农业生产补贴", "奖励金")]
    assert [f.declared for f in ghj if f.rule_id == "TABLE-018"] == ["奖金、奖励金、其他对个人和家庭的补助", "税金及附加费用"]
    # 五(三): the items' 年初预算 add to 2993.93 / 10210.33 against 2993.92 / 10210.34 stated
    assert [(f.declared, f.computed, f.severity) for f in czj if f.rule_id == "SUM-001"] == [("2993.92 万元", "2993.93 万元", "notice")]
    assert [(f.declared, f.computed, f.severity) for f in ghj if f.rule_id == "SUM-001"] == [("10210.34 万元", "10210.33 万元", "notice")]


def test_agreeing_statements_stay_silent(portal, findings):
    for unit_id in UNITS:
        doc = final_accounts(portal, unit_id)
        rules = {f.rule_id for f in findings[doc.key]}
        # all nine tables, the empty ones with their notes, a 目录 that matches, standard code names
        assert not rules & {"TABLE-010", "TABLE-011", "TABLE-012", "TABLE-014", "TABLE-008"}
        # 236.63 (ghj 卫生健康支出) is 财政拨款收入支出决算总表's figure: no finding on the narrative
        assert not [f for f in findings[doc.key] if f.rule_id == "TABLE-006" and f.severity != "error"]


def test_each_finding_has_its_own_anchor_on_the_page(portal, findings):
    for unit_id in UNITS:
        anchors = [f.anchor for f in findings[final_accounts(portal, unit_id).key]]
        assert len(anchors) > 10 and len(set(anchors)) == len(anchors)  # many narrative findings, one id each
