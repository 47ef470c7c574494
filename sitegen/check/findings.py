"""A finding: one place where a document's own numbers disagree (or need a remark)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..model.source import DataPath
from .rules import RULES_BY_ID, Rule, Severity


@dataclass(frozen=True, slots=True)  # slots: a build parent keeps every finding of the portal
class Finding:
    """One consistency finding.

    ``path`` is the data path in the document (``("projects", 2, "total_score")``); ``file``,
    ``line`` and ``column`` locate it in the content file; ``project`` is the slug of the
    project table it concerns, if any. ``declared``/``computed``/``difference`` are display
    text in the document's units; ``message`` is one Chinese sentence. ``suppressed`` is the
    web team's reason when a ``suppress:`` entry covers it (it then does not count).
    ``occurrence`` counts the earlier findings of the same rule at the same path of the
    document (two sentences of one narrative), so that each has its own anchor.
    """

    rule_id: str
    severity: Severity
    unit_id: str
    year: int
    document: str
    path: DataPath
    file: Path
    line: int
    column: int
    declared: str
    computed: str
    difference: str
    message: str
    project: str | None = None
    suppressed: str | None = None
    occurrence: int = 0

    @property
    def counts(self) -> bool:
        """Whether it counts in totals, markers and ``--strict`` (not suppressed)."""
        return self.suppressed is None

    @property
    def rule(self) -> Rule:
        return RULES_BY_ID[self.rule_id]

    @property
    def dotted_path(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out

    @property
    def anchor(self) -> str:
        """Stable HTML id of this finding, unique on its page: rule and path, then ``--2``,
        ``--3`` for a further occurrence ("--" never comes out of a path)."""
        anchor = "finding-" + self.rule_id.lower() + "-" + self.dotted_path.replace(".", "-").replace("[", "-").replace("]", "")
        return f"{anchor}--{self.occurrence + 1}" if self.occurrence else anchor

    def one_line(self) -> str:
        """``file:line:col: RULE-ID severity message`` for terminals and CI logs."""
        suffix = f" (suppressed: {self.suppressed})" if self.suppressed else ""
        return f"{self.file}:{self.line}:{self.column}: {self.rule_id} {self.severity} {self.message}{suffix}"

    def as_dict(self) -> dict:
        return {
            "rule": self.rule_id, "severity": self.severity, "unit": self.unit_id, "year": self.year,
            "document": self.document, "path": self.dotted_path, "file": str(self.file), "line": self.line,
            "column": self.column, "declared": self.declared, "computed": self.computed,
            "difference": self.difference, "message": self.message, "project": self.project,
            "suppressed": self.suppressed,
        }


SEVERITIES = ("error", "warning", "notice")


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    """Findings per severity (``SEVERITIES``, in that order); suppressed ones do not count."""
    counts = dict.fromkeys(SEVERITIES, 0)
    for finding in findings:
        if finding.counts:
            counts[finding.severity] += 1
    return counts


def summed_counts(counts: Iterable[dict[str, int]]) -> dict[str, int]:
    """The sum, severity by severity, of ``severity_counts`` results."""
    total = dict.fromkeys(SEVERITIES, 0)
    for found in counts:
        for severity, n in found.items():
            total[severity] += n
    return total
