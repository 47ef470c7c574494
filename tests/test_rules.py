"""Each rule on small documents: a case that must fire and a near miss that must not."""
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from sitegen.check import check_document, run_checks
from sitegen.check.rules import RULES, RULES_BY_ID, SEVERITY_ORDER
from sitegen.content import load_portal
from sitegen.model.documents import FILE_NAMES

from .conftest import UNIT, write_portal


def ids(findings, severity=None):
    return sorted(f.rule_id for f in findings if severity is None or f.severity == severity)


FIGURE = """
figures:
  - label: 收入合计
    amount: {total}
    parts:
      - {{label: 财政拨款收入, amount: {a}, share: "{share}"}}
      - {{label: 其他收入, amount: 2.00}}
"""


def test_sum_parts_exceed_total_is_an_error(check_yaml):
    findings = check_yaml(FIGURE.format(total="1058.66", a="1066.66", share="99.81%"))
    [sum_finding] = [f for f in findings if f.rule_id == "SUM-001"]
    assert sum_finding.severity == "error"
    assert sum_finding.computed == "1068.66 万元" and sum_finding.difference == "-10.00"
    assert sum_finding.path == ("figures", 0, "amount")


def test_sum_parts_short_of_total_is_a_warning(check_yaml):
    findings = check_yaml(FIGURE.format(total="1068.66", a="1056.66", share="98.88%"))
    assert [(f.rule_id, f.severity) for f in findings if f.rule_id == "SUM-001"] == [("SUM-001", "warning")]


def test_sum_within_rounding_is_a_notice_and_exact_is_silent(check_yaml):
    assert ids(check_yaml(FIGURE.format(total="1058.67", a="1056.66", share="99.81%"))) == ["SUM-001"]
    assert ids(check_yaml(FIGURE.format(total="1058.67", a="1056.66", share="99.81%")), "notice") == ["SUM-001"]
    assert check_yaml(FIGURE.format(total="1058.66", a="1056.66", share="99.81%")) == []


def test_share_ratio(check_yaml):
    assert ids(check_yaml(FIGURE.format(total="1058.66", a="1056.66", share="98.81%"))) == ["RATIO-002"]
    # 1056.66 / 1058.66 = 99.811%: published at one place, 99.8% is consistent.
    assert check_yaml(FIGURE.format(total="1058.66", a="1056.66", share="99.8%")) == []


RATE = """
figures:
  - {{label: 部门预算资金, adjusted: 1677.95, amount: 939.10, execution_rate: "{rate}"}}
"""


@pytest.mark.parametrize("rate, fired", [("55.97%", []), ("56%", []), ("55.9%", ["RATIO-001"]), ("99.6%", ["RATIO-001"])])
def test_execution_rate_at_published_precision(check_yaml, rate, fired):
    assert ids(check_yaml(RATE.format(rate=rate))) == fired


def test_growth_change_and_completion(check_yaml):
    body = """
    figures:
      - {label: 收支总计, amount: 1058.95, change: 24.62, growth: "2.38%"}
      - {label: 公用经费, amount: 80.36, previous: 93.34, change: -12.98, growth: "-13.91%"}
      - {label: 一般公共预算财政拨款支出, amount: 1054.28, initial: 927.60, completion: "113.66%"}
    """
    assert check_yaml(body) == []
    wrong = body.replace('"2.38%"', '"2.83%"').replace("change: -12.98", "change: -12.89").replace('"113.66%"', '"113.6%"')
    assert ids(check_yaml(wrong)) == ["RATIO-003", "RATIO-004", "SUM-004"]


def test_growth_from_small_rounded_figures_is_rounding_not_error(check_yaml):
    # 三公经费 0.66, +0.18: previous 0.48 is itself rounded; 36.62% is reachable (0.185 / 0.505).
    findings = check_yaml('figures:\n  - {label: 三公经费, amount: 0.66, change: 0.18, growth: "36.62%"}\n')
    assert [(f.rule_id, f.severity) for f in findings] == [("RATIO-003", "notice")]


PROJECT = """
projects:
  - slug: p1
    name: 雪亮工程
    funding:
      - {{label: 年度资金总额, key: total, adjusted: 17.52, executed: 17.52, weight: 10, execution_rate: "{rate}", score: {exec_score}}}
      - {{label: 其中：财政拨款, key: fiscal, adjusted: {fiscal}, executed: 17.52}}
    indicators:
      - {{level1: 产出指标, name: 点位, weight: 50, score: {s1}}}
      - {{level1: 效益指标, name: 治安, weight: 30, score: 30}}
      - {{level1: 满意度指标, name: 满意度, weight: {w3}, score: 10}}
    group_weights: {{产出指标: 50}}
    total_score: {total}
    grade: {grade}
"""
GOOD = dict(rate="100%", exec_score="10", fiscal="17.52", s1="50", w3="10", total="100", grade="优")


def project(**changes):
    return PROJECT.format(**{**GOOD, **changes})


def test_consistent_project_raises_nothing(check_yaml):
    assert check_yaml(project()) == []


@pytest.mark.parametrize("changes, fired", [
    (dict(rate="10%"), [("RATIO-001", "error"), ("SCORE-005", "warning")]),  # 定西 雪亮工程: 10% printed for 100%
    (dict(fiscal="17.25"), [("SUM-003", "error")]),
    (dict(s1="55", total="105"), [("SCORE-002", "error")]),
    (dict(w3="15"), [("SCORE-001", "error")]),
    # 全南: indicator weights alone make the 总分 100, execution scored on top: a warning.
    (dict(w3="20"), [("SCORE-001", "warning")]),
    (dict(w3="20", s1="60", total="100"), [("SCORE-001", "warning"), ("SCORE-002", "error"), ("SCORE-003", "warning")]),
    (dict(s1="40"), [("SCORE-003", "error")]),
    (dict(total="70", s1="20"), [("SCORE-004", "error")]),
    (dict(exec_score="9"), [("SCORE-003", "error"), ("SCORE-005", "warning")]),
])
def test_project_rules_fire(check_yaml, changes, fired):
    assert sorted((f.rule_id, f.severity) for f in check_yaml(project(**changes))) == fired


def test_single_part_need_only_not_exceed_its_total(check_yaml):
    body = 'figures:\n  - label: 部门预算资金\n    amount: {total}\n    parts:\n      - {{label: 专项项目, amount: 573.89}}\n'
    assert check_yaml(body.format(total="939.10")) == []
    assert ids(check_yaml(body.format(total="500.00")), "error") == ["SUM-001"]


def test_group_weight(check_yaml):
    body = project().replace("group_weights: {产出指标: 50}", "group_weights: {产出指标: 40}")
    assert ids(check_yaml(body)) == ["SCORE-007"]


def test_grade_bands(check_yaml):
    from sitegen.check.scores import grade_for
    from decimal import Decimal
    assert [grade_for(Decimal(s)) for s in ("90", "89.9", "80", "79.99", "60", "59")] == ["优", "良", "良", "中", "中", "差"]


CONVERTED = """
department_wide:
  slug: dept
  name: 部门整体
  funding:
    - {label: 预算数, key: total, adjusted: 1677.95, received: 939.1}
  indicators:
    - {name: 法制宣传, item_score: 100.00, weight: 10, score: 10}
    - {name: 群众满意度, item_score: 100.00, weight: 10}
    - {name: 效果, item_score: 90.00, weight: 70, score: SCORE}
  execution_weight: 10
  total_score: TOTAL
"""


def test_converted_scores_and_execution_weight_from_notes(check_yaml):
    # 10 + (10, computed) + 63 + 55.967% × 10 = 88.597 → 88.6; the table lacks the execution
    # row the notes weight, so it is reported with what the total implies (COMPLETE-003).
    found = check_yaml(CONVERTED.replace("SCORE", "63").replace("TOTAL", "88.6"))
    assert [(f.rule_id, f.severity) for f in found] == [("COMPLETE-003", "notice")]
    assert "88.6 − 各指标得分 83.0 = 5.6 分" in found[0].message and "资金表执行率为 55.97%" in found[0].message
    assert ids(check_yaml(CONVERTED.replace("SCORE", "70").replace("TOTAL", "95.6")), "error") == ["SCORE-006"]
    assert ids(check_yaml(CONVERTED.replace("SCORE", "63").replace("TOTAL", "90")), "error") == ["SCORE-003"]


def test_execution_row_inferred_when_weights_total_90(check_yaml):
    body = """
    projects:
      - slug: p1
        name: 综治经费
        funding:
          - {label: 预算数, key: total, adjusted: 17, executed: 16.94, execution_rate: "99.6%"}
        indicators:
          - {level1: 产出指标, name: a, weight: 50, score: 50}
          - {level1: 效益指标, name: b, weight: 30, score: 30}
          - {level1: 满意度指标, name: c, weight: 10, score: 10}
        total_score: 100
    """
    findings = check_yaml(body)
    assert [(f.rule_id, f.severity) for f in findings] == [("SCORE-008", "notice")]
    assert ids(check_yaml(body.replace("total_score: 100", "total_score: 70"))) == ["SCORE-003", "SCORE-008"]


SUMMARY = """
project_summary:
  title: 汇总表
  rows:
    - {{name: 甲, adjusted: 31.5, executed: 31.5, score: 100, grade: 优}}
    - {{name: 乙, adjusted: 61.45, executed: 0, score: {score}, grade: 差}}
  total: {{adjusted: 92.95, executed: {executed}, evaluated_count: "2", project_count: "2", coverage: "{coverage}"}}
"""


def test_summary_table_sums_grades_and_coverage(check_yaml):
    assert check_yaml(SUMMARY.format(score="50", executed="31.5", coverage="100%")) == []
    assert ids(check_yaml(SUMMARY.format(score="50", executed="31.05", coverage="100%"))) == ["SUM-002"]
    assert ids(check_yaml(SUMMARY.format(score="65", executed="31.5", coverage="100%"))) == ["SCORE-004"]
    assert ids(check_yaml(SUMMARY.format(score="50", executed="31.5", coverage="34%"))) == ["RATIO-005"]


# The rule-case table: tests/rules/<RULE-ID>.yaml holds, for each rule of the catalogue, the
# documents on which it must fire and the near misses on which it must not (format in
# tests/rules/README.md). The meta-test below makes a rule without such a file fail.

RULE_CASES = Path(__file__).parent / "rules"
DOCUMENT_FILES = {kind: name for name, kind in FILE_NAMES.items()}
CASE_KEYS = {"name", "document", "kind", "year", "files", "severity", "finding", "at_most", "other_unit"}
OTHER_UNIT = "aaa-other"  # sorts before ``demo``: a text both share is reported on ``demo``


@dataclass(frozen=True)
class RuleCase:
    rule: str
    outcome: str  # "fire" or "near_miss"
    name: str
    document: str
    kind: str = "self_evaluation"
    year: str = "2023"
    files: tuple[tuple[str, str], ...] = ()
    severity: str | None = None  # fire: the severity the rule must fire at
    finding: tuple[tuple[str, str], ...] = ()  # fire: Finding.as_dict() fields, or message_contains
    at_most: str | None = None  # near miss: the most severe finding of the rule still allowed
    other_unit: str | None = None  # a document of the same kind and year in a second unit (portal-wide rules)

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.outcome}:{self.name}"


def load_rule_cases(folder: Path = RULE_CASES) -> dict[str, list[RuleCase]]:
    """Every case file by rule ID. BaseLoader keeps every value text, as the finding's fields are."""
    cases: dict[str, list[RuleCase]] = {}
    for file in sorted(folder.glob("*.yaml")):
        data = yaml.load(file.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) or {}
        unknown = set(data) - {"fire", "near_miss"}
        assert not unknown, f"{file.name}: unknown sections {unknown}"
        cases[file.stem] = []
        for outcome in ("fire", "near_miss"):
            for entry in data.get(outcome) or []:
                assert set(entry) <= CASE_KEYS, f"{file.name}: unknown keys {set(entry) - CASE_KEYS}"
                cases[file.stem].append(RuleCase(
                    rule=file.stem, outcome=outcome, name=entry["name"], document=entry["document"],
                    kind=entry.get("kind", "self_evaluation"), year=entry.get("year", "2023"),
                    files=tuple(entry.get("files", {}).items()), severity=entry.get("severity"),
                    finding=tuple(entry.get("finding", {}).items()), at_most=entry.get("at_most"),
                    other_unit=entry.get("other_unit")))
    return cases


CASES = load_rule_cases()
ALL_CASES = [case for rule_cases in CASES.values() for case in rule_cases]


def run_case(tmp_path: Path, case: RuleCase) -> list:
    header = f"kind: {case.kind}\nyear: {case.year}\ntitle: 测试\nsource: test\n"
    files = {f"{case.year}/{DOCUMENT_FILES[case.kind]}": header + textwrap.dedent(case.document)}
    files.update({f"{case.year}/{name}": text for name, text in case.files})
    content = write_portal(tmp_path, files)
    if case.other_unit is not None:
        other = content / "units" / OTHER_UNIT
        (other / case.year).mkdir(parents=True)
        (other / "unit.yaml").write_text(UNIT.replace("测试县", "另一县"), encoding="utf-8")
        (other / case.year / DOCUMENT_FILES[case.kind]).write_text(header + textwrap.dedent(case.other_unit), encoding="utf-8")
    portal = load_portal(content, strict=True)
    return [f for f in run_checks(portal) if f.unit_id == "demo"]


def matches(finding, expected: dict[str, str]) -> bool:
    fields = {key: str(value) for key, value in finding.as_dict().items()}
    return all(expected_value in finding.message if key == "message_contains" else fields.get(key) == expected_value
               for key, expected_value in expected.items())


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.id)
def test_rule_case(tmp_path, case):
    findings = run_case(tmp_path, case)
    mine = [f for f in findings if f.rule_id == case.rule]
    shown = "\n".join(f"  {f.rule_id} {f.severity} {f.dotted_path}: {f.declared} | {f.computed} | {f.difference} | {f.message}"
                      for f in findings) or "  (no findings)"
    if case.outcome == "fire":
        expected = dict(case.finding)
        assert any(f.severity == case.severity and matches(f, expected) for f in mine), \
            f"{case.id}: expected {case.rule} {case.severity} with {expected}, got:\n{shown}"
    else:
        allowed = SEVERITY_ORDER[case.at_most] if case.at_most else len(SEVERITY_ORDER)
        assert all(SEVERITY_ORDER[f.severity] >= allowed for f in mine), f"{case.id}: must not fire, got:\n{shown}"


def test_every_rule_has_fire_and_near_miss_cases():
    missing = []
    for rule in RULES:
        cases = CASES.get(rule.id, [])
        if not any(c.outcome == "fire" and c.severity == rule.severity for c in cases):
            missing.append(f"{rule.id}: no fire case at its catalogue severity '{rule.severity}'")
        if not any(c.outcome == "near_miss" for c in cases):
            missing.append(f"{rule.id}: no near-miss case")
    assert missing == [], "add tests/rules/<RULE-ID>.yaml (see tests/rules/README.md):\n" + "\n".join(missing)
    assert set(CASES) <= set(RULES_BY_ID), f"case files for unknown rules: {set(CASES) - set(RULES_BY_ID)}"
    for case in ALL_CASES:
        assert case.kind in DOCUMENT_FILES, case.id
        assert (case.severity in SEVERITY_ORDER) == (case.outcome == "fire"), f"{case.id}: fire cases need a severity"
        assert case.at_most is None or (case.outcome == "near_miss" and case.at_most in SEVERITY_ORDER), case.id
