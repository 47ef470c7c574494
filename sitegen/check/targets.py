"""TARGET family: whether an indicator's target, actual and score agree with what it measures.

Source: 财政部《项目支出绩效评价管理办法》（财预〔2020〕10号）and its 绩效指标框架: a 成本指标 states
an amount of money not to exceed (≤ or ＝, in 元/万元); a 满意度 indicator a percentage to reach
(≥); a reverse indicator (发生率, 投诉率, 差错率, 事故率 …) a ceiling (≤); a rate (…率) a percentage
and a count (…次数, …人数, …数量) a count. The actual (实际完成值) is the measured value in the
target's unit; an indicator earns its full weight only when its target is met; the execution
indicator (预算执行率) is the funding table's execution rate.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..model.documents import Evaluation, FundingRow, Indicator
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import HUNDRED, fmt, places, round_to
from .context import Reporter, evaluations
from .scores import grade_for, normal_grade

MET = {
    "≥": lambda actual, target: actual >= target,
    "≤": lambda actual, target: actual <= target,
    ">": lambda actual, target: actual > target,
    "<": lambda actual, target: actual < target,
    "=": lambda actual, target: actual == target,
}

# Units by kind. A count's noun is what is counted (人, 次, 份 …); 人次 counts people-times and
# agrees with 人 and 次. Money may be per something (元/人/年, 元/月/台).
PERCENT_UNITS = ("%", "％", "百分比", "百分点")
MONEY_UNITS = ("亿元", "万元", "千元", "元")
COUNT_NOUNS = ("人次", "人", "次", "个", "件", "条", "期", "台", "类", "套", "节点", "份", "户", "家", "场", "所", "项",
               "名", "批", "处", "辆", "本", "册", "篇", "起", "村", "宗", "张", "部", "轮", "单", "座", "块")
TIME_UNITS = ("个月", "月份", "小时", "天", "日", "月", "年", "周", "季度", "分钟", "工作日")
MAGNITUDES = ("万", "千", "百", "亿")
# Words a target cell holds when the table's 指标值 was left as its column heading or a placeholder.
PLACEHOLDERS = {"文字描述", "定性", "定量", "定性指标", "定量指标", "描述", "指标值", "年度指标值", "见说明", "详见说明", "略", "无"}
REVERSE_WORDS = ("发生率", "投诉率", "差错率", "事故率", "案发率", "发案率", "肇事肇祸率", "失误率", "错误率", "违规率",
                 "不合格率", "返工率", "故障率", "复发率", "死亡率", "伤亡率", "流失率", "超支率", "上访率", "越级访")
EXECUTION_WORDS = ("预算执行", "资金执行", "支出执行")
_COMPARATOR_FIX = str.maketrans({"≧": "≥", "≦": "≤", "＞": ">", "＜": "<", "＝": "="})
_READING = re.compile(r"^\s*(?P<cmp>≥|≤|>=|<=|>|<|=)?\s*(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>.*?)\s*(?P<tail>及以上|以上|及以下|以下)?\s*$")
_TAIL = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤"}


@dataclass(frozen=True)
class Reading:
    """A target or actual read as comparator, number and unit kind.

    ``kind`` is ``percent``, ``money``, ``count``, ``time``, ``area``, ``number`` (no unit),
    ``other`` (a unit this module does not know) or ``text`` (no number: 及时, 显著);
    ``noun`` is what a count counts (人, 次 …)."""

    text: str
    comparator: str | None
    number: Decimal | None
    unit: str
    kind: str
    noun: str = ""


def read(text: str | None) -> Reading | None:
    """``"≥95 百分比"`` → (≥, 95, percent); ``"3次以上"`` → (≥, 3, count 次); ``"及时"`` → text."""
    if text is None or not text.strip():
        return None
    clean = text.strip().translate(_COMPARATOR_FIX).replace("，", "").replace(",", "")
    clean = clean.translate(str.maketrans("０１２３４５６７８９．", "0123456789."))
    match = _READING.match(clean)
    if not match:
        return Reading(text.strip(), None, None, "", "text")
    comparator = {">=": "≥", "<=": "≤"}.get(match["cmp"] or "", match["cmp"]) or _TAIL.get(match["tail"] or "")
    unit = match["unit"].strip().strip("（）()")
    kind, noun = unit_kind(unit)
    return Reading(text.strip(), comparator, Decimal(match["num"]), unit, kind, noun)


def unit_kind(unit: str) -> tuple[str, str]:
    """(kind, counted noun) of a unit as printed after a number."""
    if not unit:
        return "number", ""
    if unit in PERCENT_UNITS:
        return "percent", ""
    if any(unit.startswith(m) for m in MONEY_UNITS) or unit.startswith("元"):
        return "money", ""
    if unit in ("平方米", "㎡", "亩", "公里", "千米", "米"):
        return "area", ""
    base = unit
    for magnitude in MAGNITUDES:
        if base.startswith(magnitude) and base != magnitude:
            base = base[len(magnitude):]
            break
    if base in MAGNITUDES:
        return "count", ""  # “30万”: a count of something unnamed
    base = base.split("/")[0].split("／")[0]
    if base in TIME_UNITS:
        return "time", ""
    if base in COUNT_NOUNS or base.endswith(("人次", "人", "次", "个")):
        return "count", base
    return "other", ""


def _name(indicator: Indicator) -> str:
    return indicator.name or indicator.level2 or indicator.level1 or ""


def _is_cost(indicator: Indicator) -> bool:
    return "成本" in (indicator.level2 or "")


def _is_satisfaction(indicator: Indicator) -> bool:
    """A satisfaction indicator — not the cost of a satisfaction survey (满意度调查问卷成本)."""
    if _is_cost(indicator) or _name(indicator).endswith(("成本", "费用")):
        return False
    return "满意" in _name(indicator) or "满意度" in (indicator.level1 or "")


def _is_reverse(indicator: Indicator) -> bool:
    name = _name(indicator)
    return any(word in name for word in REVERSE_WORDS) or "反向指标" in (indicator.description or "")


def _is_rate(indicator: Indicator) -> bool:
    """A name that ends as a rate (…率, …率(%)) or says it is in percent."""
    name = re.sub(r"[\s（(]*[%％][)）]?\s*$", "", _name(indicator)).strip()
    if re.search(r"[（(][%％][)）]", _name(indicator)):
        return True
    return name.endswith("率") and not name.endswith(("效率", "频率", "概率", "利率", "汇率"))


def _counted(indicator: Indicator, name: str | None = None) -> str | None:
    """The noun a count indicator counts, from its name: 次数 → 次, 人数 → 人; “” for a
    count of unnamed things (…数量); None when the name is not a count."""
    name = _name(indicator) if name is None else name
    unit = re.search(r"[（(]([^()（）%％]{1,3})[)）]\s*$", name)
    if unit and unit_kind(unit.group(1))[0] == "count":
        return unit_kind(unit.group(1))[1]
    bare = re.sub(r"[（(][^()（）]*[)）]\s*$", "", name).strip()
    for suffix, noun in (("人次", "人次"), ("次数", "次"), ("人数", "人"), ("户数", "户"), ("件数", "件"), ("个数", "个"),
                         ("场次", "次"), ("期数", "期"), ("数量", "")):
        if bare.endswith(suffix):
            return noun
    return None


def _nouns_agree(a: str, b: str) -> bool:
    if not a or not b or a == b:
        return True
    return {a, b} <= {"人次", "人"} or {a, b} <= {"人次", "次"}


def check(doc: LoadedDocument, report: Reporter) -> None:
    for path, evaluation in evaluations(doc):
        for i, indicator in enumerate(evaluation.indicators):
            ipath = (*path, "indicators", i)
            target = read(indicator.target.text) if indicator.target is not None else None
            actual = read(indicator.actual.text) if indicator.actual is not None else None
            _missed_but_full(indicator, target, actual, ipath, report)
            if target is None:
                continue
            if actual is None and indicator.score and indicator.weight is not None:
                report.add("TARGET-009", (*ipath, "score"), declared=f"{fmt(indicator.score)} 分", computed="实际完成值",
                           difference="", message=f"“{_name(indicator)}”没有填写实际完成值，却得 {fmt(indicator.score)} 分"
                                                  f"（分值 {fmt(indicator.weight)}）。")
            if _placeholder(indicator, target, ipath, report):
                _cost(indicator, target, ipath, report)
                continue
            _cost(indicator, target, ipath, report)
            _rate_or_count(indicator, target, ipath, report) or _heading(indicator, target, ipath, report)
            _direction(indicator, target, ipath, report)
            if actual is not None:
                _units_agree(indicator, target, actual, ipath, report)
                _actual_is_value(indicator, actual, ipath, report)
            _completion_grade(indicator, ipath, report)
        _execution_indicator(evaluation, path, report)


def _missed_but_full(indicator: Indicator, target: Reading | None, actual: Reading | None, path: DataPath,
                     report: Reporter) -> None:
    if indicator.weight is None or indicator.score is None or indicator.score < indicator.weight:
        return
    if _target_met(target, actual) is False:
        report.add("TARGET-001", (*path, "score"),
                   declared=f"{fmt(indicator.score)} 分", computed=f"低于 {fmt(indicator.weight)} 分", difference="",
                   message=f"“{_name(indicator)}”目标为“{target.text}”，"  # type: ignore[union-attr]
                           f"实际完成“{actual.text}”，未达目标却得满分 {fmt(indicator.score)}。")  # type: ignore[union-attr]


def _target_met(target: Reading | None, actual: Reading | None) -> bool | None:
    """True/False when both sides are numbers in the same unit; None when they cannot be compared."""
    if target is None or actual is None or target.number is None or actual.number is None:
        return None
    if target.unit != actual.unit or actual.comparator not in (None, "="):
        return None
    # A bare number is a target to reach. “＝80%” does not say which way is worse (及时率 85%
    # beats it; ＝94元 per unit is a cost), so an exact target only counts as missed when it
    # is not reached.
    comparator = target.comparator or "≥"
    if comparator == "=":
        comparator = "≥"
    return bool(MET[comparator](actual.number, target.number))


def _placeholder(indicator: Indicator, target: Reading, path: DataPath, report: Reporter) -> bool:
    """A target cell holding a placeholder or the indicator's own description, not a value."""
    text = re.sub(r"[\s。.]", "", target.text)
    own = {re.sub(r"[\s。.]", "", t) for t in (indicator.description, indicator.name) if t}
    if text not in PLACEHOLDERS and text not in own:
        return False
    what = "占位文字" if text in PLACEHOLDERS else "指标本身的名称或说明"
    report.add("TARGET-006", (*path, "target"), declared=target.text, computed="指标值（数值及单位，或可核验的定性标准）",
               difference="", message=f"“{_name(indicator)}”的年度指标值为“{target.text}”，是{what}，不是可据以评价的指标值。")
    return True


def _cost(indicator: Indicator, target: Reading, path: DataPath, report: Reporter) -> bool:
    if not _is_cost(indicator):
        return False
    if target.kind == "money":
        return True
    shown = {"percent": "百分比", "count": "计数", "time": "时间", "text": "文字", "number": "不带单位的数",
             "area": "面积", "other": f"“{target.unit}”"}[target.kind]
    report.add("TARGET-002", (*path, "target"), declared=target.text, computed="金额（元或万元）", difference="",
               message=f"成本指标“{_name(indicator)}”的指标值“{target.text}”是{shown}，成本指标应为金额（元、万元）。")
    return True


def _rate_or_count(indicator: Indicator, target: Reading, path: DataPath, report: Reporter) -> bool:
    """TARGET-004; True when it fired."""
    if _is_satisfaction(indicator) and target.number is not None and target.kind not in ("percent", "number"):
        report.add("TARGET-004", (*path, "target"), declared=target.text, computed="百分比", difference="",
                   message=f"满意度指标“{_name(indicator)}”的指标值“{target.text}”不是百分比。")
        return True
    if target.kind in ("text", "number", "other"):
        return False
    if _is_rate(indicator) and target.kind != "percent":
        report.add("TARGET-004", (*path, "target"), declared=target.text, computed="百分比", difference="",
                   message=f"“{_name(indicator)}”是比率指标，指标值“{target.text}”却不是百分比。")
        return True
    noun = _counted(indicator)
    if noun is not None and not _is_rate(indicator) and (target.kind != "count" or not _nouns_agree(noun, target.noun)):
        expected = f"计数（{noun}）" if noun else "计数"
        report.add("TARGET-004", (*path, "target"), declared=target.text, computed=expected, difference="",
                   message=f"“{_name(indicator)}”是数量指标，指标值“{target.text}”却不是{expected}。")
        return True
    return False


def _heading(indicator: Indicator, target: Reading, path: DataPath, report: Reporter) -> None:
    """The value against its level-2 heading: a 数量指标 counts or measures (次, 人, 天, 平方米),
    unless it is named a rate; a 时效指标 is a time, a timeliness rate or 及时, not a count."""
    heading = indicator.level2 or ""
    if "数量" in heading and target.kind in ("percent", "money") and not _is_rate(indicator):
        expected, what = "数量（次、人、个、天……）", "数量指标"
    elif "时效" in heading and target.kind == "count":
        expected, what = "时间或及时率", "时效指标"
    else:
        return
    report.add("TARGET-010", (*path, "target"), declared=target.text, computed=expected, difference="",
               message=f"“{_name(indicator)}”列在{what}下，指标值“{target.text}”却不是{expected}，多半是指标放错了类别或抄错了值。")


def _direction(indicator: Indicator, target: Reading, path: DataPath, report: Reporter) -> None:
    up, down = target.comparator in ("≥", ">"), target.comparator in ("≤", "<")
    problem = None
    if _is_cost(indicator) and target.kind == "money" and up:
        problem = "成本指标是不应超过的金额，应为“≤”或“＝”"
    elif _is_reverse(indicator) and up:
        problem = "这是反向指标（越低越好），应为“≤”"
    elif _is_satisfaction(indicator) and target.kind == "percent" and down:
        problem = "满意度越高越好，应为“≥”"
    elif _is_satisfaction(indicator) and up and any(word in (indicator.description or "") for word in REVERSE_WORDS):
        problem = f"满意度指标的说明却是反向指标（“{indicator.description}”），目标方向与说明相反"
    if problem:
        report.add("TARGET-003", (*path, "target"), declared=target.text, computed="≤" if up else "≥", difference="",
                   message=f"“{_name(indicator)}”的指标值为“{target.text}”：{problem}。")


def _units_agree(indicator: Indicator, target: Reading, actual: Reading, path: DataPath, report: Reporter) -> None:
    kinds = {target.kind, actual.kind}
    if "other" in kinds or kinds == {"text"} or ("number" in kinds and kinds != {"number", "text"}):
        return
    if actual.kind == "number" and actual.number == 0:
        return  # nothing done (大厂 特困干警: no one eligible), scored 0: not a unit apart
    # “30万” counts what the indicator's description names (法制宣传受教人数: people).
    noun = target.noun or _counted(indicator) or _counted(indicator, indicator.description or "") or ""
    if target.kind == actual.kind and (target.kind != "count" or _nouns_agree(noun, actual.noun)):
        return
    report.add("TARGET-005", (*path, "actual"), declared=actual.text, computed=f"与指标值“{target.text}”同一单位",
               difference="", message=f"“{_name(indicator)}”的指标值为“{target.text}”，实际完成值却是“{actual.text}”，"
                                      f"两者单位不同，无法判断是否完成。")


def _actual_is_value(indicator: Indicator, actual: Reading, path: DataPath, report: Reporter) -> None:
    """An actual written as a bound (≥95%) restates the target instead of the measured value."""
    if actual.comparator in ("≥", "≤", ">", "<"):
        report.add("TARGET-007", (*path, "actual"), declared=actual.text, computed="实际测得的值", difference="",
                   message=f"“{_name(indicator)}”的实际完成值写作“{actual.text}”，是一个范围而不是实际完成的数值。")


def _completion_grade(indicator: Indicator, path: DataPath, report: Reporter) -> None:
    """完成等级 (优/良/中/差) against the 单项指标得分 it gives (乐亭's table note 3: 优 ≥ 90,
    良 80–90, 中 60–80, 差 < 60)."""
    grade = normal_grade(indicator.completion or "")
    if grade is None or indicator.item_score is None:
        return
    expected = grade_for(indicator.item_score)
    if expected != grade:
        report.add("SCORE-009", (*path, "completion"), declared=indicator.completion or "", computed=expected,
                   difference="", message=f"“{_name(indicator)}”的单项指标得分为 {fmt(indicator.item_score)}，"
                                          f"按等级标准应为“{expected}”，表中完成等级为“{indicator.completion}”。")


def _execution_indicator(evaluation: Evaluation, path: DataPath, report: Reporter) -> None:
    """An execution-rate indicator's actual against the funding table's execution rate."""
    rows = {row.key: row for row in evaluation.funding if row.key}
    for i, indicator in enumerate(evaluation.indicators):
        if not any(word in _name(indicator) or word in (indicator.level1 or "") for word in EXECUTION_WORDS):
            continue
        actual = read(indicator.actual.text) if indicator.actual is not None else None
        if actual is None or actual.kind != "percent" or actual.number is None:
            continue
        name = _name(indicator)
        key = "basic" if "基本支出" in name else "project" if "项目支出" in name else "total"
        row = rows.get(key)
        rate = _rate(row) if row is not None else None
        if rate is None:
            continue
        stated, computed = rate
        n = places(actual.number)
        candidates = {round_to(value, n) for value in (stated, computed) if value is not None}
        comparator = actual.comparator or "="
        if comparator == "=":
            agrees = actual.number in candidates or any(value >= HUNDRED and actual.number == HUNDRED for value in candidates)
        else:
            agrees = any(MET[comparator](value, actual.number) for value in candidates)
        if agrees:
            continue
        shown = stated if stated is not None else computed
        report.add("TARGET-008", (*path, "indicators", i, "actual"), declared=actual.text,
                   computed=f"{fmt(round_to(shown, max(n, 2)))}%", difference="",  # type: ignore[arg-type]
                   message=f"“{name}”的实际完成值为“{actual.text}”，而资金表“{row.label}”的执行率为 "  # type: ignore[union-attr]
                           f"{fmt(round_to(shown, max(n, 2)))}%。")  # type: ignore[arg-type]


def _rate(row: FundingRow) -> tuple[Decimal | None, Decimal | None] | None:
    """(stated, computed) execution rate of a funding row in percent, either may be None."""
    stated = row.execution_rate.value if row.execution_rate is not None else None
    spent = row.executed if row.executed is not None else row.received
    budget = row.adjusted if row.adjusted is not None else row.initial
    computed = spent / budget * HUNDRED if spent is not None and budget else None
    if stated is None and computed is None:
        return None
    return stated, computed
