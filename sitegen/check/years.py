"""YEAR family: a year that contradicts the document's own year where the context is clear.

A final account or self-evaluation of year Y reviews Y: its balances are “截至Y年12月31日” and
it reports “Y年…经费使用情况”. A budget of Y states balances at the end of Y−1. Amounts are
attributed to Y or, as a comparison, to the year before; an older year is a stale copy.
"""
from __future__ import annotations

import re

from ..model.portal import LoadedDocument
from .context import Reporter
from .prose import prose

PERIOD_END = re.compile(r"(?:截至|截止|截止到|截至到)\s*(\d{4})\s*年\s*(?:12\s*月\s*31\s*日|年底|年末)")
REVIEWED = re.compile(r"(\d{4})\s*年度?[^，。；,;！？\n]{0,15}?(?:经费|资金|预算|项目)的?(?:使用|执行|支出|实施)情况")
ATTRIBUTED = re.compile(r"(\d{4})\s*年度?[^，。；,;！？\n\d]{2,20}?(?:为|共计|合计|支出|达到)\s*\d+(?:\.\d+)?\s*万?元")


def check(doc: LoadedDocument, report: Reporter) -> None:
    year = doc.year
    reviewed = year - 1 if doc.kind == "budget" else year
    for passage in prose(doc):
        for match in PERIOD_END.finditer(passage.text):
            _report(report, passage, match, int(match.group(1)), {reviewed}, "YEAR-001",
                    f"截止日期应为 {reviewed} 年末（{'预算编制时的上年末' if doc.kind == 'budget' else '本年度末'}）")
        if doc.kind != "budget":
            for match in REVIEWED.finditer(passage.text):
                _report(report, passage, match, int(match.group(1)), {year}, "YEAR-002",
                        f"本文件评价的是 {year} 年度")
        for match in ATTRIBUTED.finditer(passage.text):
            _report(report, passage, match, int(match.group(1)), {year, year - 1}, "YEAR-002",
                    f"本文件是 {year} 年度的，金额应属 {year} 年或作为对比的 {year - 1} 年")


def _report(report: Reporter, passage, match: re.Match, written: int, expected: set[int], rule_id: str, why: str) -> None:
    if written in expected:
        return
    report.add(rule_id, passage.path, at=passage.locate(match.start(1)), declared=f"{written} 年",
               computed=" 或 ".join(f"{y} 年" for y in sorted(expected)), difference=str(written - max(expected)),
               message=f"“{passage.excerpt(match.start(), match.end())}”写的是 {written} 年，{why}。")
