"""Load a content folder into a ``Portal``, collecting every error with its location.

Layout (design.md): ``site.yaml``; ``units/<unit-id>/unit.yaml``;
``units/<unit-id>/<year>/{budget,final-accounts,self-evaluation}.yaml``; narrative
Markdown beside the YAML, named by the document's ``narrative`` field.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..model.documents import FILE_NAMES, SLUG, AnyDocument, Site, Unit
from ..model.portal import DOCUMENT_ORDER, BrokenUnit, FailedDocument, LoadedDocument, LoadedUnit, Portal
from ..model.source import SourceMap
from ..model.tables import ROW_FIELDS
from .errors import ContentError, ContentErrors
from .yamlsource import read_yaml

M = TypeVar("M", bound=BaseModel)
_DOCUMENT = TypeAdapter(AnyDocument)
YEAR = re.compile(r"^(19|20)\d\d$")


def load_portal(root: Path, *, strict: bool = False) -> Portal:
    """Load ``root`` (a content folder).

    Lenient (default): a document or unit with errors is left out of the model and its
    errors are kept on the portal (``Portal.errors``, ``LoadedUnit.failed``,
    ``Portal.broken_units``) so the rest still builds. Strict: any error raises.
    Raises ``ContentErrors`` listing every problem found when ``strict`` and there are
    errors, or when ``site.yaml`` itself is unusable.
    """
    errors: list[ContentError] = []
    site = load_site(root / "site.yaml", errors)
    portal = Portal(site=site, root=root, units=[])
    units_dir = root / "units"
    for unit_dir in sorted(p for p in units_dir.iterdir() if p.is_dir()) if units_dir.is_dir() else []:
        _load_unit(unit_dir, portal, errors)
    portal.errors = errors
    if strict and errors:
        raise ContentErrors(errors)
    return portal


def load_site(file: Path, errors: list[ContentError]) -> Site:
    """``site.yaml``; raises ``ContentErrors`` (with ``errors`` and its own) when it is
    unusable, its ``theme`` among them: a path, an unknown name (the message lists the valid
    ones) or a theme folder that leads outside the site folder."""
    site = _load(file, Site, errors, context={"site_root": file.parent.parent})
    if site is None:
        raise ContentErrors(errors)
    return site


def _load_unit(unit_dir: Path, portal: Portal, errors: list[ContentError]) -> None:
    if not SLUG.match(unit_dir.name):
        errors.append(ContentError(unit_dir / "unit.yaml", 1, 1, f"unit folder '{unit_dir.name}' is not a slug — use lower-case ASCII letters, digits and '-'"))
        return
    unit, unit_errors = load_unit(unit_dir)
    errors.extend(unit_errors)
    if isinstance(unit, BrokenUnit):
        portal.broken_units.append(unit)
    else:
        portal.units.append(unit)


def load_unit(unit_dir: Path, load: Callable[[str, Path], tuple[LoadedDocument | None, list[ContentError]]] | None = None,
              ) -> tuple[LoadedUnit | BrokenUnit, list[ContentError]]:
    """One unit folder (its ``unit.yaml`` and every document) and all its errors.

    A unit whose ``unit.yaml`` fails is a ``BrokenUnit``; a document that fails is listed
    in ``LoadedUnit.failed``. ``load`` replaces ``load_document`` (the build cache answers
    from a stored document when the file has not changed).
    """
    load = load or load_document
    unit_file = unit_dir / "unit.yaml"
    unit_errors: list[ContentError] = []
    model = _load(unit_file, Unit, unit_errors)
    documents: list[LoadedDocument] = []
    failed: list[FailedDocument] = []
    for year_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir()):
        for file_name in FILE_NAMES:
            file = year_dir / file_name
            if not file.exists():
                continue
            doc, doc_errors = load(unit_dir.name, file)
            if doc is not None:
                documents.append(doc)
            elif YEAR.match(year_dir.name):
                failed.append(FailedDocument(unit_dir.name, int(year_dir.name), FILE_NAMES[file_name], file, doc_errors))
            unit_errors.extend(doc_errors)
    if model is None:
        return BrokenUnit(unit_dir.name, unit_file, unit_errors), unit_errors
    documents.sort(key=document_order)
    for doc in documents:
        doc.unit = model
    return LoadedUnit(id=unit_dir.name, model=model, file=unit_file, documents=documents, failed=failed), unit_errors


def document_order(doc: LoadedDocument) -> tuple[int, int]:
    """Newest year first, then budget, final accounts, self-evaluation."""
    return (-doc.year, DOCUMENT_ORDER.index(doc.kind))


def load_document(unit_id: str, file: Path) -> tuple[LoadedDocument | None, list[ContentError]]:
    """One document file (``<unit>/<year>/<kind>.yaml``) with its narratives.

    Returns the document, or ``None`` and every error found (syntax, types, a year or kind
    that contradicts the folder or file name, missing narrative files).
    """
    errors: list[ContentError] = []
    parsed = _parse(file, errors)
    if parsed is None:
        return None, errors
    data, source = parsed
    try:
        model = _DOCUMENT.validate_python(data)
    except ValidationError as exc:
        return None, _located(file, source, exc, data)
    doc = LoadedDocument(unit_id=unit_id, model=model, file=file, source=source)
    year_dir = file.parent
    if str(model.year) != year_dir.name:
        line, col = doc.locate(("year",))
        errors.append(ContentError(file, line, col, f"year {model.year} does not match its folder '{year_dir.name}'"))
    elif model.kind != FILE_NAMES.get(file.name):
        line, col = doc.locate(("kind",))
        errors.append(ContentError(file, line, col, f"kind '{model.kind}' does not match the file name — expected '{FILE_NAMES.get(file.name)}'"))
    if model.narrative:
        doc.narrative = _read_markdown(year_dir, model.narrative, file, source, ("narrative",), errors)
    for i, project in enumerate(getattr(model, "projects", [])):
        if project.narrative:
            text = _read_markdown(year_dir, project.narrative, file, source, ("projects", i, "narrative"), errors)
            if text is not None:
                doc.project_narratives[project.slug] = text
    return (None, errors) if errors else (doc, errors)


def _read_markdown(folder: Path, name: str, file: Path, source: SourceMap, path: tuple, errors: list[ContentError]) -> str | None:
    target = (folder / name).resolve()
    line, col = source.locate(path)
    if folder.resolve() not in target.parents or target.suffix != ".md":
        errors.append(ContentError(file, line, col, f"narrative '{name}' must be a .md file in the same folder"))
        return None
    try:
        return target.read_text(encoding="utf-8")
    except FileNotFoundError:
        errors.append(ContentError(file, line, col, f"narrative file '{name}' not found beside {file.name}"))
    except UnicodeDecodeError:
        errors.append(ContentError(target, 1, 1, "bytes are not UTF-8 — save the Markdown as UTF-8"))
    return None


def _parse(file: Path, errors: list[ContentError]) -> tuple[Any, SourceMap] | None:
    try:
        return read_yaml(file)
    except FileNotFoundError:
        errors.append(ContentError(file, 1, 1, "file not found"))
    except ContentError as exc:
        errors.append(exc)
    return None


def _load(file: Path, model: type[M], errors: list[ContentError], context: dict | None = None) -> M | None:
    parsed = _parse(file, errors)
    if parsed is None:
        return None
    data, source = parsed
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        errors.extend(_located(file, source, exc))
        return None


def _located(file: Path, source: SourceMap, exc: ValidationError, data: Any = None) -> list[ContentError]:
    """Pydantic errors → ContentErrors at the offending value's line and column (``data``, the
    parsed file, lets a table row's unknown key name the table's declared columns)."""
    result = []
    for err in exc.errors(include_url=False):
        # Discriminated unions put the tag name in loc ("self_evaluation"); drop it.
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part in FILE_NAMES.values()))
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        # A table cell is written as a key of its row: tables[i].rows[j].<key>, not .cells.<key>.
        loc = tuple(p for k, p in enumerate(loc) if not (p == "cells" and k >= 2 and loc[k - 2] == "rows"))
        line, column = source.locate(loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = _unknown_key(loc, data)
        elif err["type"] == "missing":
            message = f"missing required key '{loc[-1]}'"
        elif "input" in err and err["type"] not in ("value_error",) and isinstance(err["input"], (str, type(None))):
            message = f"{message} (found {err['input']!r})"
        result.append(ContentError(file, line, column, message, _dotted(loc)))
    return result


def _unknown_key(loc: tuple, data: Any) -> str:
    if len(loc) >= 5 and loc[-5] == "tables" and loc[-3] == "rows":
        table = _at(data, loc[:-3])
        columns = table.get("columns") if isinstance(table, dict) else None
        keys = [c["key"] for c in columns if isinstance(c, dict) and isinstance(c.get("key"), str)] if isinstance(columns, list) else []
        return (f"unknown key '{loc[-1]}' in a table row — expected a row field ({', '.join(ROW_FIELDS[:-1])}) "
                f"or a declared column key ({', '.join(keys) or 'none declared'})")
    return f"unknown key '{loc[-1]}' — check its spelling against the content format"


def _at(data: Any, path: tuple) -> Any:
    for part in path:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
