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

from pydantic import BaseModel, ValidationError

from ..model.documents import SLUG, Site, Unit
from ..model.portal import BrokenUnit, FailedDocument, LoadedDocument, LoadedUnit, Portal
from ..model.source import SourceMap
from ..model.tables import ROW_FIELDS
from ..model.values import shown
from ..plugins import document_adapter, kind_files, kinds
from .errors import ContentError, ContentErrors
from .files import MARKDOWN_LIMIT, decode, inside, read_content
from .yamlsource import read_yaml

M = TypeVar("M", bound=BaseModel)
YEAR = re.compile(r"^(19|20)\d\d$")
ERRORS_PER_FILE = 50  # a file of a million unknown keys would give a page of a million errors
NAME_BYTES = 255  # the longest file name Linux, macOS and Windows file systems take
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


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
    root = content_folder(unit_dir)
    if not inside(unit_dir, root):  # not ours to list, let alone publish
        refused = ContentError(unit_file, 1, 1, "the unit folder leads outside the content folder through a symbolic link"
                                                " — expected a folder inside it")
        return BrokenUnit(unit_dir.name, unit_file, [refused]), [refused]
    unit_errors: list[ContentError] = []
    model = _load(unit_file, Unit, unit_errors, root)
    documents: list[LoadedDocument] = []
    failed: list[FailedDocument] = []
    for year_dir in sorted(p for p in unit_dir.iterdir() if p.is_dir()):
        for file_name, spec in kind_files().items():
            file = year_dir / file_name
            if not file.exists():
                continue
            doc, doc_errors = load(unit_dir.name, file)
            if doc is not None:
                documents.append(doc)
            elif YEAR.match(year_dir.name):
                failed.append(FailedDocument(unit_dir.name, int(year_dir.name), spec.name, file, doc_errors))
            unit_errors.extend(doc_errors)
    if model is None:
        return BrokenUnit(unit_dir.name, unit_file, unit_errors), unit_errors
    documents.sort(key=document_order)
    for doc in documents:
        doc.unit = model
    return LoadedUnit(id=unit_dir.name, model=model, file=unit_file, documents=documents, failed=failed), unit_errors


def content_folder(unit_dir: Path) -> Path:
    """The content folder a unit folder belongs to (``<content>/units/<unit-id>``): no file
    read for the unit may lie outside it."""
    return unit_dir.parent.parent


def document_order(doc: LoadedDocument) -> tuple[int, int]:
    """Newest year first, then the kinds' ``order`` (budget, final accounts, self-evaluation)."""
    return (-doc.year, kinds()[doc.kind].order)


def load_document(unit_id: str, file: Path) -> tuple[LoadedDocument | None, list[ContentError]]:
    """One document file (``<unit>/<year>/<kind>.yaml``) with its narratives.

    Returns the document, or ``None`` and every error found (syntax, types, a year or kind
    that contradicts the folder or file name, missing narrative files).
    """
    errors: list[ContentError] = []
    root = content_folder(file.parent.parent)
    parsed = _parse(file, errors, root)
    if parsed is None:
        return None, errors
    data, source = parsed
    try:
        model = document_adapter().validate_python(data)
    except ValidationError as exc:
        return None, _located(file, source, exc, data)
    doc = LoadedDocument(unit_id=unit_id, model=model, file=file, source=source)
    year_dir = file.parent
    if str(model.year) != year_dir.name:
        line, col = doc.locate(("year",))
        errors.append(ContentError(file, line, col, f"year {model.year} does not match its folder '{year_dir.name}'"))
    elif model.kind != getattr(kind_files().get(file.name), "name", None):
        line, col = doc.locate(("kind",))
        expected = getattr(kind_files().get(file.name), "name", None)
        errors.append(ContentError(file, line, col, f"kind '{model.kind}' does not match the file name — expected '{expected}'"))
    if model.narrative:
        doc.narrative = _read_markdown(root, model.narrative, file, source, ("narrative",), errors)
    for i, project in enumerate(getattr(model, "projects", [])):
        if project.narrative:
            text = _read_markdown(root, project.narrative, file, source, ("projects", i, "narrative"), errors)
            if text is not None:
                doc.project_narratives[project.slug] = text
    return (None, errors) if errors else (doc, errors)


def _read_markdown(root: Path, name: str, file: Path, source: SourceMap, path: tuple, errors: list[ContentError]) -> str | None:
    """The narrative ``name`` beside the document ``file`` (content folder ``root``), or ``None``
    with the reason in ``errors``."""
    line, col = source.locate(path)
    if control := _CONTROL.search(name):
        errors.append(ContentError(file, line, col, f"narrative name holds the control character U+{ord(control.group()):04X} — "
                                                    "expected a file name such as final-accounts.md"))
        return None
    if len(name.encode("utf-8")) > NAME_BYTES:
        errors.append(ContentError(file, line, col, f"narrative name '{shown(name)}' is {len(name.encode('utf-8'))} bytes long — "
                                                    f"a file name has at most {NAME_BYTES}"))
        return None
    if "/" in name or "\\" in name or not name.endswith(".md"):
        errors.append(ContentError(file, line, col, f"narrative '{shown(name)}' must be a .md file in the same folder"))
        return None
    target = file.parent / name
    try:
        return decode(target, read_content(target, root, MARKDOWN_LIMIT))
    except FileNotFoundError:
        errors.append(ContentError(file, line, col, f"narrative file '{name}' not found beside {file.name}"))
    except ContentError as exc:
        errors.append(exc)
    return None


def _parse(file: Path, errors: list[ContentError], root: Path | None = None) -> tuple[Any, SourceMap] | None:
    try:
        return read_yaml(file, root)
    except FileNotFoundError:
        errors.append(ContentError(file, 1, 1, "file not found"))
    except ContentError as exc:
        errors.append(exc)
    return None


def _load(file: Path, model: type[M], errors: list[ContentError], root: Path | None = None,
          context: dict | None = None) -> M | None:
    parsed = _parse(file, errors, root)
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
    parsed file, lets a table row's unknown key name the table's declared columns); past
    ``ERRORS_PER_FILE`` of them, one more error says how many were left unlisted."""
    result = []
    problems = exc.errors(include_url=False)
    for err in problems[:ERRORS_PER_FILE]:
        loc = _data_path(err["loc"])
        line, column = source.locate(loc)
        message = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            message = _unknown_key(loc, data)
        elif err["type"] == "missing":
            message = f"missing required key '{loc[-1]}'"
        elif err["type"] == "union_tag_not_found":
            message = f"missing required key 'kind' — expected one of {', '.join(sorted(kinds()))}"
        elif "input" in err and err["type"] not in ("value_error",) and isinstance(err["input"], (str, type(None))):
            message = f"{message} (found {shown(repr(err['input']))})"
        result.append(ContentError(file, line, column, message, _dotted(loc)))
    if len(problems) > ERRORS_PER_FILE:
        line, column = source.locate(_data_path(problems[ERRORS_PER_FILE]["loc"]))
        result.append(ContentError(file, line, column, f"{len(problems) - ERRORS_PER_FILE} more errors in this file, not listed"
                                                        " — fix the ones above first"))
    return result


def _data_path(loc: tuple) -> tuple:
    """A pydantic error's location as a data path: without the tag a discriminated union adds
    (``self_evaluation``) and the names of validator functions; a table cell as the key of its
    row (``tables[i].rows[j].<key>``, not ``.cells.<key>``)."""
    loc = tuple(part for part in loc if not (isinstance(part, str) and (part in kinds() or part.startswith("function-"))))
    return tuple(p for k, p in enumerate(loc) if not (p == "cells" and k >= 2 and loc[k - 2] == "rows"))


def _unknown_key(loc: tuple, data: Any) -> str:
    key = shown(str(loc[-1]))
    if len(loc) >= 5 and loc[-5] == "tables" and loc[-3] == "rows":
        table = _at(data, loc[:-3])
        columns = table.get("columns") if isinstance(table, dict) else None
        keys = [c["key"] for c in columns if isinstance(c, dict) and isinstance(c.get("key"), str)] if isinstance(columns, list) else []
        return (f"unknown key '{key}' in a table row — expected a row field ({', '.join(ROW_FIELDS[:-1])}) "
                f"or a declared column key ({', '.join(keys) or 'none declared'})")
    return f"unknown key '{key}' — check its spelling against the content format"


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
        out += f"[{part}]" if isinstance(part, int) else (f".{shown(part)}" if out else shown(part))
    return out
