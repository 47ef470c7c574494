"""Load a content folder into a ``Portal``, collecting every error with its location.

Layout (design.md): ``site.yaml``; ``units/<unit-id>/unit.yaml``;
``units/<unit-id>/<year>/{budget,final-accounts,self-evaluation}.yaml``; narrative
Markdown beside the YAML, named by the document's ``narrative`` field.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, TypeAdapter, ValidationError

from ..model.documents import FILE_NAMES, SLUG, AnyDocument, Site, Unit
from ..model.portal import DOCUMENT_ORDER, LoadedDocument, LoadedUnit, Portal
from .errors import ContentError, ContentErrors
from ..model.source import SourceMap
from .yamlsource import read_yaml

M = TypeVar("M", bound=BaseModel)
_DOCUMENT = TypeAdapter(AnyDocument)


def load_portal(root: Path) -> Portal:
    """Load ``root`` (a content folder). Raises ``ContentErrors`` listing every problem found."""
    errors: list[ContentError] = []
    site = _load(root / "site.yaml", Site, errors)
    units: list[LoadedUnit] = []
    units_dir = root / "units"
    for unit_dir in sorted(p for p in units_dir.iterdir() if p.is_dir()) if units_dir.is_dir() else []:
        unit = _load_unit(unit_dir, errors)
        if unit is not None:
            units.append(unit)
    if errors:
        raise ContentErrors(errors)
    assert site is not None
    return Portal(site=site, root=root, units=units)


def _load_unit(unit_dir: Path, errors: list[ContentError]) -> LoadedUnit | None:
    unit_file = unit_dir / "unit.yaml"
    if not SLUG.match(unit_dir.name):
        errors.append(ContentError(unit_file, 1, 1, f"unit folder '{unit_dir.name}' is not a slug — use lower-case ASCII letters, digits and '-'"))
        return None
    model = _load(unit_file, Unit, errors)
    documents: list[LoadedDocument] = []
    for year_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir()):
        for file_name, kind in FILE_NAMES.items():
            file = year_dir / file_name
            if file.exists():
                doc = _load_document(unit_dir.name, year_dir, file, errors)
                if doc is None:
                    continue
                if str(doc.year) != year_dir.name:
                    line, col = doc.locate(("year",))
                    errors.append(ContentError(file, line, col, f"year {doc.year} does not match its folder '{year_dir.name}'"))
                elif doc.kind != kind:
                    line, col = doc.locate(("kind",))
                    errors.append(ContentError(file, line, col, f"kind '{doc.kind}' does not match the file name — expected '{kind}'"))
                else:
                    documents.append(doc)
    if model is None:
        return None
    documents.sort(key=lambda d: (-d.year, DOCUMENT_ORDER.index(d.kind)))
    return LoadedUnit(id=unit_dir.name, model=model, file=unit_file, documents=documents)


def _load_document(unit_id: str, year_dir: Path, file: Path, errors: list[ContentError]) -> LoadedDocument | None:
    parsed = _parse(file, errors)
    if parsed is None:
        return None
    data, source = parsed
    try:
        model = _DOCUMENT.validate_python(data)
    except ValidationError as exc:
        errors.extend(_located(file, source, exc))
        return None
    doc = LoadedDocument(unit_id=unit_id, model=model, file=file, source=source)
    if model.narrative:
        doc.narrative = _read_markdown(year_dir, model.narrative, file, source, ("narrative",), errors)
    for i, project in enumerate(getattr(model, "projects", [])):
        if project.narrative:
            text = _read_markdown(year_dir, project.narrative, file, source, ("projects", i, "narrative"), errors)
            if text is not None:
                doc.project_narratives[project.slug] = text
    return doc


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


def _load(file: Path, model: type[M], errors: list[ContentError]) -> M | None:
    parsed = _parse(file, errors)
    if parsed is None:
        return None
    data, source = parsed
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors.extend(_located(file, source, exc))
        return None


def _located(file: Path, source: SourceMap, exc: ValidationError) -> list[ContentError]:
    """Pydantic errors → ContentErrors at the offending value's line and column."""
    result = []
    for err in exc.errors(include_url=False):
        # Discriminated unions put the tag name in loc ("self_evaluation"); drop it.
        loc = tuple(part for part in err["loc"] if not (isinstance(part, str) and part in FILE_NAMES.values()))
        loc = tuple(p for p in loc if not (isinstance(p, str) and p.startswith("function-")))
        line, column = source.locate(loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = f"unknown key '{loc[-1]}' — check its spelling against the content format"
        elif err["type"] == "missing":
            message = f"missing required key '{loc[-1]}'"
        elif "input" in err and err["type"] not in ("value_error",) and isinstance(err["input"], (str, type(None))):
            message = f"{message} (found {err['input']!r})"
        result.append(ContentError(file, line, column, message, _dotted(loc)))
    return result


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
