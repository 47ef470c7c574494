"""UNIT family: an amount printed in a unit that contradicts the document's (元 vs 万元).

A 万元 document that writes “决算总收入1058.66元” while its tables state 1058.66 万元 has
misprinted the unit: the same digits, a unit ten thousand times smaller.
"""
from __future__ import annotations

from ..model.portal import LoadedDocument
from .context import Reporter
from .prose import amounts, prose
from .xref import stated_amounts

OTHER_UNIT = {"万元": "元", "元": "万元"}


def check(doc: LoadedDocument, report: Reporter) -> None:
    values = {}
    for value, _, label in stated_amounts(doc):
        values.setdefault(value.normalize(), label)
    other = OTHER_UNIT[report.unit]
    for passage in prose(doc):
        for amount in amounts(passage.text):
            if amount.unit != other or amount.value == 0:
                continue
            label = values.get(amount.value.normalize())
            # Short numbers (100元, 0.03元) coincide by chance; a misprint keeps all its printed digits.
            if label is None or len(amount.value.as_tuple().digits) < 4:
                continue
            report.add("UNIT-001", passage.path, at=passage.locate(amount.start),
                       declared=f"{amount.value} {amount.unit}", computed=f"{amount.value} {report.unit}",
                       difference="",
                       message=f"“{passage.excerpt(amount.start, amount.end)}”写作{amount.unit}，"
                               f"而文件以{report.unit}为单位，“{label}”为 {amount.value} {report.unit}：单位可能印错。")
