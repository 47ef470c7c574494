"""COMPLETE family: a required section or table is missing.

Source: 财政部《地方预决算公开操作规程》（财预〔2016〕143号）: department budgets and final
accounts explain 三公经费, 机关运行经费, 政府采购, 国有资产占用 and 预算绩效; a self-evaluation
publishes, for each evaluated project, its funding and its indicator table (财预〔2020〕10号 附件).
"""
from __future__ import annotations

from ..model.documents import Figure
from ..model.portal import LoadedDocument
from .context import Reporter

REQUIRED_TOPICS: dict[str, tuple[str, ...]] = {
    "“三公”经费": ("三公",),
    "机关运行经费": ("机关运行经费", "运行经费"),
    "政府采购": ("政府采购",),
    "国有资产占用": ("国有资产", "固定资产", "资产占用"),
    "预算绩效": ("绩效",),
}


def check(doc: LoadedDocument, report: Reporter) -> None:
    if doc.kind in ("budget", "final_accounts"):
        _topics(doc, report)
    for i, project in enumerate(getattr(doc.model, "projects", [])):
        missing = [name for name, present in (("资金情况", project.funding), ("绩效指标", project.indicators)) if not present]
        if doc.kind == "self_evaluation" and missing:
            report.add("COMPLETE-002", ("projects", i), declared="缺" + "、".join(missing), computed="", difference="",
                       message=f"“{project.name}”的自评表没有{'和'.join(missing)}。")


def _labels(figures: list[Figure]) -> list[str]:
    out: list[str] = []
    for item in figures:
        out += [item.label, item.section or "", item.text or ""]
        out += _labels(item.parts)
    return out


def _topics(doc: LoadedDocument, report: Reporter) -> None:
    corpus = "\n".join([doc.narrative or "", *_labels(doc.model.figures)])
    missing = [topic for topic, words in REQUIRED_TOPICS.items() if not any(word in corpus for word in words)]
    if missing:
        report.add("COMPLETE-001", ("title",), declared="缺" + "、".join(missing), computed="", difference="",
                   message=f"文件没有说明{'、'.join(missing)}（《地方预决算公开操作规程》要求公开）。")
