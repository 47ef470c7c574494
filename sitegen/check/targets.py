"""TARGET family: an indicator scored in full although its actual value misses its target.

Source: 财预〔2020〕10号 — an indicator earns its full weight only when its target is met;
missed targets are scored in proportion and the deviation explained.
"""
from __future__ import annotations

from ..model.portal import LoadedDocument
from ..model.values import Measure
from .arith import fmt
from .context import Reporter, evaluations

_MET = {
    "≥": lambda actual, target: actual >= target,
    "≤": lambda actual, target: actual <= target,
    ">": lambda actual, target: actual > target,
    "<": lambda actual, target: actual < target,
    "=": lambda actual, target: actual == target,
}


def check(doc: LoadedDocument, report: Reporter) -> None:
    for path, evaluation in evaluations(doc):
        for i, indicator in enumerate(evaluation.indicators):
            target, actual = indicator.target, indicator.actual
            if indicator.weight is None or indicator.score is None or indicator.score < indicator.weight:
                continue
            met = _target_met(target, actual)
            if met is False:
                report.add("TARGET-001", (*path, "indicators", i, "score"),
                           declared=f"{fmt(indicator.score)} 分", computed=f"低于 {fmt(indicator.weight)} 分",
                           difference="",
                           message=f"“{indicator.name or indicator.level2}”目标为“{target.text}”，"  # type: ignore[union-attr]
                                   f"实际完成“{actual.text}”，未达目标却得满分 {fmt(indicator.score)}。")  # type: ignore[union-attr]


def _target_met(target: Measure | None, actual: Measure | None) -> bool | None:
    """True/False when both sides parse to numbers in the same unit; None when they cannot be compared."""
    if target is None or actual is None or target.number is None or actual.number is None:
        return None
    if (target.unit or "").strip() != (actual.unit or "").strip():
        return None
    # Comparators are normalised by the model (≥ ≤ > < =); a bare number is a target to reach.
    # “＝80%” does not say which way is worse (及时率 85% beats it; ＝94元 per unit is a cost), so
    # an exact target only counts as missed when it is not reached.
    comparator = target.comparator or "≥"
    if comparator == "=":
        comparator = "≥"
    return bool(_MET[comparator](actual.number, target.number))
