"""The checker on the five real disclosures: their real inconsistencies found, agreeing figures silent."""
from __future__ import annotations

from decimal import Decimal


def doc_of(portal, unit_id, kind):
    [doc] = [d for d in portal.documents() if d.unit_id == unit_id and d.kind == kind]
    return doc


def test_every_seed_is_loaded(portal):
    kinds = sorted((d.unit_id, d.year, d.kind) for d in portal.documents())
    assert kinds == [
        ("dachang-zfw", 2023, "self_evaluation"),
        ("dingxi-zfw", 2023, "final_accounts"),
        ("dingxi-zfw", 2023, "self_evaluation"),
        ("laoting-zfw", 2023, "self_evaluation"),
        ("pingxiang-zfw", 2021, "budget"),
        ("putuo-czj", 2024, "final_accounts"),
        ("putuo-ghj", 2024, "final_accounts"),
        ("quannan-zfw", 2022, "self_evaluation"),
    ]
    projects = {(d.unit_id, d.kind): len(getattr(d.model, "projects", [])) for d in portal.documents()}
    # nine project tables, and the 综治维稳 table printed a second time under 重点项目绩效评价
    assert projects[("dingxi-zfw", "self_evaluation")] == 10
    assert projects[("pingxiang-zfw", "budget")] == 14
    assert projects[("dachang-zfw", "self_evaluation")] == 11
    assert projects[("quannan-zfw", "self_evaluation")] == 1


def test_quannan_summary_executed_column(portal, findings):
    doc = doc_of(portal, "quannan-zfw", "self_evaluation")
    summary = doc.model.project_summary
    assert len(summary.rows) == 12
    assert sum(row.executed for row in summary.rows) == Decimal("1480.14")
    [finding] = [f for f in findings[doc.key] if f.rule_id == "SUM-002" and f.path[-1] == "executed"]
    assert (finding.severity, finding.declared, finding.computed) == ("error", "1480.41 万元", "1480.14 万元")
    assert finding.line > 1 and finding.file.name == "self-evaluation.yaml"


def test_dingxi_xueliang_execution_rate_printed_as_10_percent(portal, findings):
    doc = doc_of(portal, "dingxi-zfw", "self_evaluation")
    [project] = [p for p in doc.model.projects if "雪亮工程" in p.name]
    hits = [f for f in findings[doc.key] if f.project == project.slug and f.rule_id == "RATIO-001"]
    assert any(f.declared == "10%" and f.computed == "100.00%" and f.severity == "error" for f in hits)


def test_dachang_tekun_scores_zero_but_total_70(portal, findings):
    doc = doc_of(portal, "dachang-zfw", "self_evaluation")
    [project] = [p for p in doc.model.projects if p.name == "特困干警补贴"]
    assert project.total_score == Decimal("70")
    assert all(ind.score in (None, Decimal(0)) for ind in project.indicators)
    [finding] = [f for f in findings[doc.key] if f.project == project.slug and f.rule_id == "SCORE-003"]
    assert finding.severity == "error" and finding.declared == "70"


def test_consistent_figures_raise_no_error(portal, findings):
    laoting = doc_of(portal, "laoting-zfw", "self_evaluation")
    budget_figures = [f for f in findings[laoting.key] if f.path[0] == "figures" and f.severity == "error"]
    assert budget_figures == []  # 939.10 / 1677.95 = 55.97%
    dachang = doc_of(portal, "dachang-zfw", "self_evaluation")
    total = dachang.model.project_summary.total
    assert (total.adjusted, total.executed) == (Decimal("459.11"), Decimal("453.64"))
    assert [f for f in findings[dachang.key] if f.path[:2] == ("project_summary", "total")] == []


def test_stated_values_kept_as_published(portal):
    laoting = doc_of(portal, "laoting-zfw", "self_evaluation")
    rates = [f.execution_rate.text for f in laoting.model.figures if f.execution_rate]
    assert "55.97%" in rates
    dingxi = doc_of(portal, "dingxi-zfw", "final_accounts")
    texts = dingxi.file.read_text(encoding="utf-8")
    for published in ("1058.95", "1056.66", "909.50", "3558.54%", "188.57"):
        assert published in texts


def test_findings_point_at_real_lines(portal, findings):
    for doc in portal.documents():
        lines = doc.file.read_text(encoding="utf-8").splitlines()
        for finding in findings[doc.key]:
            assert 1 <= finding.line <= len(lines)


def located(findings, doc, rule_id):
    return [(f.file.name, f.line, f.path) for f in findings[doc.key] if f.rule_id == rule_id]


def test_narrative_and_summary_cross_references(portal, findings):
    quannan = doc_of(portal, "quannan-zfw", "self_evaluation")
    [xref] = [f for f in findings[quannan.key] if f.rule_id == "XREF-002"]
    assert (xref.declared, xref.computed, xref.severity) == ("42.97 万元", "42.7 万元", "error")

    dachang = doc_of(portal, "dachang-zfw", "self_evaluation")
    summary = {f.path: f for f in findings[dachang.key] if f.rule_id == "XREF-001"}
    tekun = next(i for i, row in enumerate(dachang.model.project_summary.rows) if row.name == "特困干警补贴")
    assert summary[("project_summary", "rows", tekun, "score")].computed == "70 分"
    [grades] = [f for f in findings[dachang.key] if f.rule_id == "XREF-005"]
    assert (grades.declared, grades.computed) == ("9个优，1个中，1个差", "9个优，2个中")
    assert grades.file.name == "self-evaluation.md"

    # 定西's summary scores budget execution (≤ 10 points): compared with execution scores, and its
    # 合计 89.2 is the "项目自评89.2分" of the narrative, so neither raises a finding.
    dingxi = doc_of(portal, "dingxi-zfw", "self_evaluation")
    rules = {f.rule_id for f in findings[dingxi.key]}
    assert "XREF-004" not in rules
    assert not any(f.path[-1] == "score" for f in findings[dingxi.key] if f.rule_id == "XREF-001")
    amounts = {(f.path[2], f.path[3]) for f in findings[dingxi.key] if f.rule_id == "XREF-001"}
    assert amounts == {(0, "adjusted"), (0, "executed"), (1, "adjusted"), (5, "adjusted")}


def test_prose_rules_point_into_the_markdown(portal, findings):
    final = doc_of(portal, "dingxi-zfw", "final_accounts")
    text = (final.file.parent / "final-accounts.md").read_text(encoding="utf-8").splitlines()
    for rule_id, needle in (("YEAR-001", "截止2022年12月31日"), ("YEAR-002", "故2020年"), ("UNIT-001", "325.14元")):
        places = located(findings, final, rule_id)
        assert places, rule_id
        for name, line, _ in places:
            assert name == "final-accounts.md" and needle in text[line - 1]
    evaluation = doc_of(portal, "dingxi-zfw", "self_evaluation")
    assert [p[0] for p in located(findings, evaluation, "YEAR-002")] == ["project-zongzhi-weiwen-zhongdian.md"]
    assert [p[:2] for p in located(findings, evaluation, "UNIT-001")] == [("self-evaluation.md", 17)]
    [target] = [f for f in findings[evaluation.key] if f.rule_id == "TARGET-001"]
    assert "13829人" in target.message
    dachang = doc_of(portal, "dachang-zfw", "self_evaluation")
    copies = [f for f in findings[dachang.key] if f.rule_id == "COPY-001"]
    assert {f.declared for f in copies} == {"严重精神障碍患者监护人责任险"}


def test_laoting_doubled_words_are_notices(portal, findings):
    laoting = doc_of(portal, "laoting-zfw", "self_evaluation")
    # 乐亭 prints two words twice (“履行好维护维护国家政治安全”, “使用效益的意见意见”): notices only
    doubled = [f for f in findings[laoting.key] if f.rule_id == "TABLE-017"]
    assert [(f.declared, f.line, f.severity) for f in doubled] == [("维护维护", 27, "notice"), ("意见意见", 89, "notice")]


def rules_at(findings, doc, rule_id):
    return [f for f in findings[doc.key] if f.rule_id == rule_id]


def indicator(doc, finding):
    """The indicator a finding at ``…indicators[i]…`` concerns."""
    table = doc.model.department_wide if finding.path[0] == "department_wide" else doc.model.projects[finding.path[1]]
    return table.indicators[finding.path[finding.path.index("indicators") + 1]]


def test_pingxiang_budget_target_tables(portal, findings):
    """The 14 project target tables of the 2021 budget, read line by line (issue 18's audit)."""
    doc = doc_of(portal, "pingxiang-zfw", "budget")
    assert not [f for f in findings[doc.key] if f.severity == "error"]
    cost = {indicator(doc, f).name for f in rules_at(findings, doc, "TARGET-002")}
    assert cost == {"预算控制", "系统验收合格的占总模块的比率", "活动举办所需成本", "光纤租赁成本控制", "单位聘请专业人士费用",
                    "涉稳舆情处置费用率(%)", "支出成本控制数", "成本控制", "重要时期专项护路成本", "单位成本"}
    direction = {indicator(doc, f).name for f in rules_at(findings, doc, "TARGET-003")}
    assert direction == {"人均发放水平", "重大活动突发事件发生率(%)", "受援群众满意度(%)", "群众对办事效率的满意度", "人均财政投入水平"}
    units = {indicator(doc, f).name for f in rules_at(findings, doc, "TARGET-004")}
    assert units == {"平均日维护数(次／日)", "组织宣传活动完成率", "开展外宣活动数量", "服务对象满意度", "综合服务受益对象满意度"}
    headings = {indicator(doc, f).name for f in rules_at(findings, doc, "TARGET-010")}
    assert headings == {"按时指导协会工作次数", "对管理工作的认可情况", "按时排查涉路重点人员"}
    off_topic = {(doc.model.projects[f.path[1]].slug, indicator(doc, f).name) for f in rules_at(findings, doc, "COPY-003")}
    assert len(off_topic) == 19
    assert ("jianyi-yongwei", "群众满意度") in off_topic  # 农村公益电影放映
    assert ("tielu-hulu-lianfang", "企业监管覆盖率（%）") in off_topic  # “两客一危”运输企业
    assert ("xinfang-weiwen-anbao", "社会公益保障") in off_topic  # 辐射环境监测
    [copied] = rules_at(findings, doc, "COPY-001")
    assert (copied.declared, copied.computed) == ("政法四级网光纤租赁费yp项目", "政法四级网设备维保费项目")


def test_laoting_department_table(portal, findings):
    doc = doc_of(portal, "laoting-zfw", "self_evaluation")
    assert not [f for f in findings[doc.key] if f.severity == "error"]
    placeholders = rules_at(findings, doc, "TARGET-006")
    assert len(placeholders) == 7 and {f.declared for f in placeholders} == {"文字描述"}
    [people] = rules_at(findings, doc, "TARGET-005")
    assert indicator(doc, people).name == "法制宣传" and people.declared == "30万份"  # 受教人数 against 份
    [cost] = rules_at(findings, doc, "TARGET-002")
    assert indicator(doc, cost).name == "法制观念"  # a 成本指标 under 效益指标, in words
    [row] = rules_at(findings, doc, "COMPLETE-003")
    assert row.severity == "notice" and "95.6 − 各指标得分 90.0 = 5.6 分" in row.message and "55.97%" in row.message
    assert [f.path for f in rules_at(findings, doc, "COPY-004")] == [("department_wide", "goals", 0, "result")]


def test_dachang_indicator_tables(portal, findings):
    doc = doc_of(portal, "dachang-zfw", "self_evaluation")
    execution = {(doc.model.projects[f.path[1]].name, f.declared, f.computed) for f in rules_at(findings, doc, "TARGET-008")}
    assert execution == {("全县扫黑除恶斗争工作经费", "＝99.6%", "100.00%"), ("军队退役人员辅助性岗位资金", "＝100%", "99.30%")}
    restated = {doc.model.projects[f.path[1]].slug for f in rules_at(findings, doc, "COPY-004")}
    assert len(restated) == 9 and "yidi-jiaoliu-zhufang" not in restated and "tekun-ganjing" not in restated
    assert not rules_at(findings, doc, "TARGET-005")  # 特困干警: nothing done, scored 0
    [unmeasured] = rules_at(findings, doc, "TARGET-009")
    assert indicator(doc, unmeasured).name == "获赔率" and unmeasured.declared == "30 分"


def test_dingxi_claims_and_units(portal, findings):
    doc = doc_of(portal, "dingxi-zfw", "self_evaluation")
    grades = rules_at(findings, doc, "XREF-006")
    assert [(f.file.name, f.declared, f.computed, f.severity) for f in grades] == [
        ("project-zongzhi-weiwen-zhongdian.md", "优秀", "良", "error"), ("project-zongzhi-weiwen-zhongdian.md", "优", "良", "error")]
    [meeting] = rules_at(findings, doc, "XREF-007")
    assert (meeting.declared, meeting.computed) == ("1次", "≥2次")
    [execution] = rules_at(findings, doc, "TARGET-008")
    assert indicator(doc, execution).name == "项目支出预算执行率" and execution.declared == "≥98%"
    wrong_way = {f.rule_id for f in findings[doc.key] if f.path[-1] == "target" and "肇事肇祸率" in (indicator(doc, f).name or "")}
    assert wrong_way == {"TARGET-003", "TARGET-004"}  # ≥14000人 for a reverse rate
    counts = [f for f in rules_at(findings, doc, "TARGET-005") if f.declared == "100%"]
    assert len(counts) == 25 and all(indicator(doc, f).target.text.endswith(("次", "个", "件", "人", "期", "次/年")) for f in counts)


def test_quannan_actuals_in_percent(portal, findings):
    doc = doc_of(portal, "quannan-zfw", "self_evaluation")
    assert {indicator(doc, f).name for f in rules_at(findings, doc, "TARGET-005")} == {
        "开展综治维稳干部培训次数", "组织开展“心防”活动次数", "水、电、办公等运行成本率", "项目实施是否对生态环境有所影响", "维护社会持续稳定"}
    [rate] = rules_at(findings, doc, "TARGET-004")
    assert rate.declared == "10万元"


def test_auditor_rules_never_error_and_are_not_copied_across_units(portal):
    from sitegen.check import run_checks
    from sitegen.check.rules import RULES_BY_ID
    found = run_checks(portal)
    new = {"TARGET-002", "TARGET-003", "TARGET-004", "TARGET-005", "TARGET-006", "TARGET-007", "TARGET-008", "TARGET-009",
           "TARGET-010", "SCORE-009",
           "COPY-002", "COPY-003", "COPY-004", "COMPLETE-003", "XREF-007"}
    assert all(RULES_BY_ID[rule].severity != "error" for rule in new)
    assert not [f for f in found if f.rule_id == "COPY-002"]  # five units of five provinces share no goal text
    assert not [f for f in found if f.rule_id == "SCORE-009"]  # 乐亭's grades match its item scores
