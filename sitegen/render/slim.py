"""A document trimmed to what the unit page and the portal-wide pages read of it.

A build keeps every document of the portal in memory until the portal-wide pages (home,
rules, data quality, feed) are rendered; at a province's scale the full models do not fit,
and the build cache must keep what those pages need without keeping (or re-reading) the
document. The trimmed document keeps every top-level field and figure (so key figures and
their data paths are unchanged) and drops the nested detail: figure parts, indicator and
goal tables, the rows of the standard tables key figures do not read, the source map and the
narratives.
"""
from __future__ import annotations

from dataclasses import replace

from ..model.portal import LoadedDocument
from ..model.source import SourceMap

KEY_TABLES = ("income_expenditure_summary", "three_public")


def slim_document(doc: LoadedDocument) -> LoadedDocument:
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
    return replace(doc, model=model.model_copy(update=update), source=SourceMap(), narrative=None, project_narratives={})

