"""COPY family: a project's goal or result text identical to another project's.

Copied text usually means a table was filled from another project's and not rewritten; short
stock phrases (“按时完成”) are not counted.
"""
from __future__ import annotations

import re

from ..model.portal import LoadedDocument
from .context import Reporter

MIN_LENGTH = 15
FIELDS = {"target": "绩效目标", "result": "实际完成情况"}


def check(doc: LoadedDocument, report: Reporter) -> None:
    seen: dict[tuple[str, str], str] = {}
    for i, project in enumerate(getattr(doc.model, "projects", [])):
        for j, goal in enumerate(project.goals):
            for field, title in FIELDS.items():
                text = re.sub(r"\s+", "", getattr(goal, field) or "")
                if len(text) < MIN_LENGTH:
                    continue
                first = seen.setdefault((field, text), project.name)
                if first != project.name:
                    report.add("COPY-001", ("projects", i, "goals", j, field), declared=project.name,
                               computed=first, difference="",
                               message=f"“{project.name}”的{title}与“{first}”逐字相同"
                                       f"（“{text[:24]}{'…' if len(text) > 24 else ''}”）。")
