"""XREF family, claims in words: grades and counts the prose states about a performance table.

A grade written in a sentence (“自评结果为优”) must be the grade band of the score it describes:
the score in the same sentence (“自评得89.2分，自评良好等级”) or, in a project's narrative, the
total of that project's table. A quantity written in a project's result or narrative next to an
indicator's own name (“召开见义勇为表彰奖励会议1次”) is that indicator's actual: when it misses
the indicator's target the table cannot record the indicator as met. Source: plain consistency —
one quantity, one value; grade bands of 财预〔2020〕10号.
"""
from __future__ import annotations

import re
from decimal import Decimal

from ..model.documents import Evaluation
from ..model.portal import LoadedDocument
from .arith import fmt
from .context import Reporter, evaluations
from .prose import Passage, narratives, table_cells
from .scores import grade_for, normal_grade
from .targets import MET, read

# “自评结果为优”, “总体评价为优秀”, “自评良好等级”, “综合评价为优”.
# The grade word ends the clause or is followed by 等级 (“评价中的” is not a grade).
GRADE_CLAIM = re.compile(r"(?:自评|评价)(?:结果|等级|等次)?(?:为|是|：|:)?\s*[“\"]?(优秀|良好|中等|较差|优|良|中|差)[”\"]?"
                         r"(?=等级|等次|[，。；、,.;）)\s]|$)")
SCORE_IN_SENTENCE = re.compile(r"(\d+(?:\.\d+)?)\s*分")
SENTENCE = re.compile(r"[^。；;！!？?\n]+")
_INDEX = re.compile(r"^\s*(?:指标\s*\d+\s*[:：]\s*)+")


def check(doc: LoadedDocument, report: Reporter) -> None:
    projects = list(getattr(doc.model, "projects", []))
    for passage in narratives(doc):
        table = projects[passage.path[1]] if passage.path[0] == "projects" else None  # type: ignore[index]
        _grades(passage, table, report)
    if doc.kind != "self_evaluation":
        return
    texts: dict[tuple, list[Passage]] = {}
    for passage in [*table_cells(doc), *narratives(doc)]:
        if passage.path[-1] in ("result", "narrative"):
            texts.setdefault(passage.path[:2] if passage.path[0] == "projects" else passage.path[:1], []).append(passage)
    for path, evaluation in evaluations(doc):
        _counts(evaluation, path, texts.get(path, []), report)


def _grades(passage: Passage, table: Evaluation | None, report: Reporter) -> None:
    for sentence in SENTENCE.finditer(passage.text):
        for claim in GRADE_CLAIM.finditer(sentence.group()):
            stated = normal_grade(claim.group(1))
            scores = SCORE_IN_SENTENCE.findall(sentence.group())
            if scores:
                score, what = Decimal(scores[-1]), f"同一句所写的 {scores[-1]} 分"
            elif table is not None and table.total_score is not None:
                score, what = table.total_score, f"“{table.name}”自评表的总分 {fmt(table.total_score)}"
            else:
                continue
            expected = grade_for(score)
            if stated is None or stated == expected:
                continue
            start = sentence.start() + claim.start(1)
            report.add("XREF-006", passage.path, at=passage.locate(start), declared=claim.group(1), computed=expected,
                       difference="—", message=f"叙述中写“{passage.excerpt(start, start + len(claim.group(1)))}”，"
                                               f"而{what}，按等级标准为“{expected}”。")


def _counts(evaluation: Evaluation, path, passages: list[Passage], report: Reporter) -> None:
    for i, indicator in enumerate(evaluation.indicators):
        target = read(indicator.target.text) if indicator.target is not None else None
        if target is None or target.kind != "count" or target.number is None or not target.noun:
            continue
        core = _INDEX.sub("", indicator.name or "").strip("。， ")
        if len(core) < 4:
            continue
        pattern = re.compile(re.escape(core) + r"\s*(\d+)\s*" + re.escape(target.noun))
        for passage in passages:
            match = pattern.search(passage.text)
            if match is None:
                continue
            written = Decimal(match.group(1))
            comparator = {"=": "≥", None: "≥"}.get(target.comparator, target.comparator)
            if MET[comparator](written, target.number):  # type: ignore[index]
                break
            start = match.start()
            report.add("XREF-007", (*path, "indicators", i, "actual"), declared=f"{fmt(written)}{target.noun}",
                       computed=target.text, difference="",
                       message=f"“{passage.excerpt(start, match.end())}”：叙述写明实际 {fmt(written)}{target.noun}，"
                               f"未达指标“{core}”的指标值“{target.text}”，而表中实际完成值为"
                               f"“{indicator.actual.text if indicator.actual else '（空）'}”"
                               f"{f'、得分 {fmt(indicator.score)}（满分 {fmt(indicator.weight)}）' if indicator.score is not None and indicator.weight is not None else ''}。")
            break
