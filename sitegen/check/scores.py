"""SCORE family: weights, scores, totals and grades of performance tables.

Source: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）: indicator weights total 100 with
预算执行率 10; the execution score is rate × weight; grades 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60.
"""
from __future__ import annotations

from decimal import Decimal

from ..model.documents import Evaluation, FundingRow
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import HUNDRED, fmt, places, round_to
from .context import Reporter, evaluations, signed

STANDARD_EXECUTION_WEIGHT = Decimal(10)
GRADE_BANDS: tuple[tuple[Decimal, str], ...] = ((Decimal(90), "优"), (Decimal(80), "良"), (Decimal(60), "中"), (Decimal(0), "差"))
_GRADE_WORDS = {"优": "优", "优秀": "优", "良": "良", "良好": "良", "中": "中", "中等": "中", "合格": "中", "差": "差", "较差": "差", "不合格": "差"}


def grade_for(score: Decimal) -> str:
    """The grade band of a total score (财预〔2020〕10号)."""
    for floor, grade in GRADE_BANDS:
        if score >= floor:
            return grade
    return "差"


def normal_grade(text: str) -> str | None:
    return _GRADE_WORDS.get(text.strip())


def is_execution_indicator(indicator) -> bool:
    """An indicator row that scores budget execution itself (大厂's 预算执行进度 row)."""
    return any("预算执行" in (text or "") for text in (indicator.level1, indicator.level2, indicator.name))


def check(doc: LoadedDocument, report: Reporter) -> None:
    for path, evaluation in evaluations(doc):
        if any(ind.weight is not None or ind.score is not None for ind in evaluation.indicators):
            _evaluation(evaluation, path, report)
    summary = getattr(doc.model, "project_summary", None)
    for i, row in enumerate(summary.rows if summary else []):
        if row.score is not None and row.grade:
            _grade(row.grade, row.score, ("project_summary", "rows", i, "grade"), f"汇总表中“{row.name}”", report)


def _execution_row(evaluation: Evaluation) -> tuple[int, FundingRow] | None:
    for i, row in enumerate(evaluation.funding):
        if row.key == "total":
            return i, row
    return None


def _execution_rate(row: FundingRow) -> Decimal | None:
    """The execution rate in percent: stated, else executed (or received) ÷ budget."""
    if row.execution_rate is not None:
        return row.execution_rate.value
    spent = row.executed if row.executed is not None else row.received
    budget = row.adjusted if row.adjusted is not None else row.initial
    if spent is None or not budget:
        return None
    return spent / budget * HUNDRED


def _evaluation(evaluation: Evaluation, path: DataPath, report: Reporter) -> None:
    name = f"“{evaluation.name}”"
    scores: list[Decimal] = []
    weight_sum = Decimal(0)
    filled = 0
    for i, ind in enumerate(evaluation.indicators):
        ipath = (*path, "indicators", i)
        score = ind.score
        if ind.item_score is not None and ind.weight is not None:
            converted = ind.item_score * ind.weight / HUNDRED
            if score is None:
                score, filled = converted, filled + 1
            elif round_to(converted, places(score)) != score:
                report.add("SCORE-006", (*ipath, "score"), declared=fmt(score), computed=fmt(converted),
                           difference=signed(score - converted),
                           message=f"{name}指标“{ind.name}”折算得分为 {score}，但单项得分 {ind.item_score} × 权重 {ind.weight}% = {fmt(converted)}。")
        if score is not None and ind.weight is not None and score > ind.weight:
            report.add("SCORE-002", (*ipath, "score"), declared=fmt(score), computed=f"≤ {ind.weight}",
                       difference=signed(score - ind.weight),
                       message=f"{name}指标“{ind.name}”得分 {score} 超过其分值 {ind.weight}。")
        if score is not None:
            scores.append(score)
        if ind.weight is not None:
            weight_sum += ind.weight

    expected_weight = evaluation.total_weight if evaluation.total_weight is not None else HUNDRED
    located = _execution_row(evaluation)
    row_index, row = located if located else (None, None)
    execution_weight = row.weight if row is not None and row.weight is not None else evaluation.execution_weight
    execution_score = row.score if row is not None else None
    rate = _execution_rate(row) if row is not None else None
    has_execution_row = any(is_execution_indicator(ind) for ind in evaluation.indicators)
    if (execution_weight is None and not has_execution_row and weight_sum
            and weight_sum + STANDARD_EXECUTION_WEIGHT == expected_weight):
        execution_weight = STANDARD_EXECUTION_WEIGHT
        shown_rate = "未知" if rate is None else f"{fmt(rate, 2)}%"
        report.add("SCORE-008", (*path, "indicators"), declared=f"指标分值合计 {fmt(weight_sum)}",
                   computed=f"另有预算执行率指标 {STANDARD_EXECUTION_WEIGHT} 分", difference="—", severity="notice",
                   message=f"{name}表中指标分值合计 {fmt(weight_sum)} 分，未列预算执行率指标；按标准权重推定其分值 10 分"
                           f"（执行率 {shown_rate}）。")
    if execution_weight is not None and rate is not None:
        expected_score = min(rate, HUNDRED) / HUNDRED * execution_weight
        if execution_score is None:
            execution_score = expected_score
        elif round_to(expected_score, places(execution_score)) != execution_score:
            report.add("SCORE-005", (*path, "funding", row_index, "score"), declared=fmt(execution_score),
                       computed=fmt(expected_score, 2), difference=signed(round_to(execution_score - expected_score, 2)),
                       message=f"{name}预算执行率得分为 {execution_score}，但执行率 {fmt(rate, 2)}% × 分值 {execution_weight} = {fmt(expected_score, 2)}。")
    if weight_sum:
        total_weight = weight_sum + (execution_weight or 0)
        if total_weight != expected_weight:
            # 全南: the 总分 row totals the indicator rows only, while the funding block scores
            # execution on top: consistent with itself, not with the standard 100-point split.
            apart = bool(execution_weight) and weight_sum == expected_weight
            report.add("SCORE-001", (*path, "total_weight" if evaluation.total_weight is not None else "indicators"),
                       declared=fmt(expected_weight), computed=fmt(total_weight), difference=signed(expected_weight - total_weight),
                       severity="warning" if apart else None,
                       message=(f"{name}指标分值合计 {fmt(weight_sum)} 等于总分值，但另列预算执行率 {fmt(execution_weight)} 分，"
                                f"合计 {fmt(total_weight)}；按标准，含预算执行率的总分值应为 {fmt(expected_weight)}。") if apart else
                               f"{name}各项分值之和为 {fmt(total_weight)}，应为 {fmt(expected_weight)}。")
    _group_weights(evaluation, path, report)
    if evaluation.total_score is not None and scores:
        indicator_total = sum(scores, Decimal(0))
        computed = indicator_total + (execution_score or 0)
        n_places = places(evaluation.total_score)
        if round_to(computed, n_places) != evaluation.total_score:
            note = "（含按单项得分 × 权重计算的未填折算得分）" if filled else ""
            apart = bool(execution_score) and round_to(indicator_total, n_places) == evaluation.total_score
            report.add("SCORE-003", (*path, "total_score"), declared=fmt(evaluation.total_score), computed=fmt(computed, 2),
                       difference=signed(round_to(evaluation.total_score - computed, 2)),
                       severity="warning" if apart else None,
                       message=(f"{name}自评总分 {evaluation.total_score} 等于指标得分之和，未计入预算执行率得分 "
                                f"{fmt(execution_score, 2)}；含执行率应为 {fmt(computed, 2)}{note}。") if apart else
                               f"{name}自评总分为 {evaluation.total_score}，但各项得分之和为 {fmt(computed, 2)}{note}。")
    if evaluation.grade and evaluation.total_score is not None:
        _grade(evaluation.grade, evaluation.total_score, (*path, "grade"), name, report)


def _group_weights(evaluation: Evaluation, path: DataPath, report: Reporter) -> None:
    for group, stated in evaluation.group_weights.items():
        weights = [ind.weight for ind in evaluation.indicators if ind.level1 == group and ind.weight is not None]
        total = sum(weights, Decimal(0))
        if weights and total != stated:
            report.add("SCORE-007", (*path, "group_weights", group), declared=fmt(stated), computed=fmt(total),
                       difference=signed(stated - total),
                       message=f"“{evaluation.name}”一级指标“{group}”注明 {stated} 分，其下指标分值之和为 {fmt(total)}。")


def _grade(grade: str, score: Decimal, path: DataPath, name: str, report: Reporter) -> None:
    normal = normal_grade(grade)
    expected = grade_for(score)
    if normal is not None and normal != expected:
        report.add("SCORE-004", path, declared=grade, computed=expected, difference="—",
                   message=f"{name}得分 {score}，按等级标准应为“{expected}”，文件所列为“{grade}”。")
