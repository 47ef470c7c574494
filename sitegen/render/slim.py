"""A document trimmed to what the unit page and the portal-wide pages read of it, packed.

A build keeps every document of the portal in memory until the portal-wide pages (home,
rules, data quality, feed) are rendered; at a province's scale the full models do not fit,
and the build cache must keep what those pages need without keeping (or re-reading) the
document. The trimmed document keeps every top-level field and figure (so key figures and
their data paths are unchanged) and drops the nested detail: figure parts, indicator and
goal tables, the rows of the standard tables key figures do not read, the source map and the
narratives.

Even trimmed, a pydantic model takes ~26 KB of memory (its pickle, compressed, ~1 KB): the
parent holds each as those bytes (``SlimDocument``) and rebuilds the model where a page reads
it, keeping only the last few rebuilt; what the pages read of every document (its dates, its
key figures) is kept beside the bytes.
"""
from __future__ import annotations

import pickle
import zlib
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from ..model.documents import Budget, FinalAccounts, SelfEvaluation
from ..model.portal import LoadedDocument
from ..model.source import DataPath, SourceMap
from .feeds import document_dates
from .keyfigures import KeyFigures, key_figures

KEY_TABLES = ("income_expenditure_summary", "three_public")
# Readers of the model go document by document (a unit's page, a place's archive), reading
# one model several times before the next: a few kept rebuild each once per pass.
KEPT_MODELS = 64


class SlimDocument:
    """A ``LoadedDocument`` as ``slim_document`` trims it, with its model packed: the same
    attributes (``model``, ``key``, ``year``, ``kind``, ``unit_id``, ``unit``, ``file``,
    ``locate``, ``title``, ``suppress``), no source map and no narratives. ``model`` is rebuilt from the packed
    bytes (zlib of its pickle) on reading, so it must not be changed in place. What pages and
    downloads read of every document of the portal is kept apart: ``key``, ``title``, ``suppress``, ``dates``
    (``feeds.document_dates``) and ``key_figures`` (``keyfigures.key_figures`` of the trimmed
    model)."""

    __slots__ = ("unit_id", "kind", "year", "key", "unit", "title", "suppress", "dates", "key_figures", "_file", "_packed")
    narrative = None

    def __init__(self, doc: LoadedDocument, dates: tuple[str, str, bool], figures: KeyFigures):
        self.unit_id, self.kind, self.year, self.unit, self.title = doc.unit_id, doc.kind, doc.year, doc.unit, doc.title
        self.key, self.suppress = doc.key, doc.suppress  # read for every document by the portal's checks and pages
        self.dates, self.key_figures = dates, figures
        self._file = str(doc.file)
        self._packed = zlib.compress(pickle.dumps(doc.model, pickle.HIGHEST_PROTOCOL))

    @property
    def model(self) -> Budget | FinalAccounts | SelfEvaluation:
        return _unpack(self._packed)

    @property
    def file(self) -> Path:
        return Path(self._file)

    @property
    def source(self) -> SourceMap:
        return SourceMap()

    @property
    def project_narratives(self) -> dict[str, str]:
        return {}

    def locate(self, path: DataPath) -> tuple[int, int]:
        """(1, 1): the trimmed document keeps no source map."""
        return self.source.locate(path)

    def __repr__(self) -> str:
        return f"SlimDocument{self.key!r}"


@lru_cache(maxsize=KEPT_MODELS)
def _unpack(packed: bytes):
    return pickle.loads(zlib.decompress(packed))


def slim_document(doc: LoadedDocument) -> SlimDocument:
    """``doc`` with only what ``key_figures``, the unit page, the home page and the feed read."""
    model = doc.model
    update: dict = {"figures": [figure.model_copy(update={"parts": []}) for figure in model.figures]}
    if getattr(model, "projects", None):
        update["projects"] = [p.model_copy(update={"funding": [], "goals": [], "indicators": []}) for p in model.projects]
    if getattr(model, "tables", None):  # key figures read 收入支出决算总表 and 七; the rest keep their place, not their rows
        update["tables"] = [table if table.id in KEY_TABLES else table.model_copy(update={"rows": [], "notes": []})
                            for table in model.tables]
    if getattr(model, "department_wide", None) is not None:
        update["department_wide"] = model.department_wide.model_copy(update={"goals": [], "indicators": []})
    trimmed = replace(doc, model=model.model_copy(update=update), source=SourceMap(), narrative=None, project_narratives={})
    return SlimDocument(trimmed, document_dates(doc), key_figures(trimmed))
