"""What every rule module shares: the reporter that turns a comparison into a finding."""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

from ..model import labels
from ..model.documents import Evaluation, Figure, FundingRow
from ..model.portal import LoadedDocument
from ..model.source import DataPath
from .arith import fmt
from .findings import Finding
from .rules import RULES_BY_ID, Severity

# How a message names a compared column, from the model's field titles; a figure's own amount
# goes unnamed (“收入合计”, not “收入合计的金额”).
COLUMN_NAMES = {"amount": "", **{c: labels.title(Figure, c) for c in ("previous", "change")},
                **{c: labels.title(FundingRow, c) for c in ("initial", "adjusted", "received", "executed", "score")}}


class Reporter:
    """Collects the findings of one document; rules call ``add`` and never touch the model."""

    def __init__(self, doc: LoadedDocument):
        self.doc = doc
        self.findings: list[Finding] = []
        self.unit = doc.model.money_unit

    def money(self, value: Decimal, n_places: int | None = None) -> str:
        return f"{fmt(value, n_places)} {self.unit}"

    def add(self, rule_id: str, path: DataPath, *, declared: str, computed: str, difference: str,
            message: str, severity: Severity | None = None, at: tuple[Path, int, int] | None = None) -> None:
        """Record a finding at ``path``; ``at`` (file, line, column) overrides the location for
        findings in a narrative Markdown file rather than the document's YAML."""
        file, (line, column) = self.doc.file, self.doc.locate(path)
        if at is not None:
            file, line, column = at
        project = None
        if len(path) >= 2 and path[0] == "projects" and isinstance(path[1], int):
            project = self.doc.model.projects[path[1]].slug  # type: ignore[union-attr]
        self.findings.append(Finding(
            rule_id=rule_id, severity=severity or RULES_BY_ID[rule_id].severity,
            unit_id=self.doc.unit_id, year=self.doc.year, document=self.doc.kind, path=path,
            file=file, line=line, column=column, declared=declared, computed=computed,
            difference=difference, message=message, project=project,
        ))


def evaluations(doc: LoadedDocument) -> Iterator[tuple[DataPath, Evaluation]]:
    """Every performance table of a document with its data path."""
    model = doc.model
    department = getattr(model, "department_wide", None)
    if department is not None:
        yield ("department_wide",), department
    for i, project in enumerate(getattr(model, "projects", [])):
        yield ("projects", i), project


def funding_total(evaluation: Evaluation) -> FundingRow | None:
    """The 年度资金总额 row of a performance table's funding, if it has one."""
    return next((row for row in evaluation.funding if row.key == "total"), None)


def signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + fmt(value)
