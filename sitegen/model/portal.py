"""The loaded portal: site settings, units and their documents, with source locations."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .source import DataPath, SourceMap
from .documents import Budget, DocumentKind, FinalAccounts, SelfEvaluation, Site, Unit

@dataclass
class LoadedDocument:
    """One document as loaded: the model, where it came from, and its narrative Markdown."""

    unit_id: str
    model: Budget | FinalAccounts | SelfEvaluation
    file: Path
    source: SourceMap
    narrative: str | None = None
    project_narratives: dict[str, str] = field(default_factory=dict)
    unit: Unit | None = None  # the unit it belongs to, set when the unit loads (checks compare names)

    @property
    def kind(self) -> DocumentKind:
        return self.model.kind

    @property
    def year(self) -> int:
        return self.model.year

    @property
    def key(self) -> tuple[str, int, DocumentKind]:
        return (self.unit_id, self.year, self.kind)

    @property
    def title(self) -> str:
        return self.model.title

    @property
    def suppress(self) -> list:
        """The document's own suppressions (``suppress:``), ``model.documents.Suppression`` each."""
        return self.model.suppress

    def locate(self, path: DataPath) -> tuple[int, int]:
        """(line, column) in ``file`` of the value at ``path``."""
        return self.source.locate(path)


@dataclass
class FailedDocument:
    """A document that could not be loaded; its page lists the errors instead."""

    unit_id: str
    year: int
    kind: DocumentKind
    file: Path
    errors: list  # list[ContentError]


@dataclass
class BrokenUnit:
    """A unit whose ``unit.yaml`` could not be loaded; its page lists the errors."""

    id: str
    file: Path
    errors: list  # list[ContentError]


@dataclass
class LoadedUnit:
    """A reporting unit and its documents, newest year first, standard kind order within a year."""

    id: str
    model: Unit
    file: Path
    documents: list[LoadedDocument] = field(default_factory=list)
    failed: list[FailedDocument] = field(default_factory=list)

    @property
    def years(self) -> list[int]:
        return sorted({doc.year for doc in self.documents} | {f.year for f in self.failed}, reverse=True)


@dataclass
class Portal:
    """Everything a build renders. ``units`` are sorted by id for deterministic output."""

    site: Site
    root: Path
    units: list[LoadedUnit]
    broken_units: list[BrokenUnit] = field(default_factory=list)
    errors: list = field(default_factory=list)  # every ContentError, in load order

    def documents(self) -> list[LoadedDocument]:
        return [doc for unit in self.units for doc in unit.documents]

    @property
    def document_count(self) -> int:
        return sum(len(unit.documents) for unit in self.units)
