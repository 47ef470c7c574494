"""The preview's in-memory portal and its incremental rebuild.

Dependencies are explicit: a document's pages depend on the document (and its unit);
the unit page on the unit and its documents; the portal-wide pages (home, rules, data
quality) on every document's findings; a page on the templates its template reaches
through extends/include/import. A change rebuilds exactly the pages that depend on it;
only a change to ``site.yaml`` rebuilds everything.
"""
from __future__ import annotations

import json
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import jinja2.meta

from ..build import Renderer, check_portal, finding_counts
from ..check import check_document
from ..content import ContentErrors, load_portal
from ..content.errors import ContentError
from ..content.loader import document_order, load_document, load_unit
from ..model.documents import FILE_NAMES
from ..model.portal import BrokenUnit, LoadedUnit
from ..render import pages as plan
from ..render.views import error_views
from ..search import build_index
from ..export import document_downloads
from ..write import write_bytes, write_text

STATUS = "__preview__/status.json"
PREVIEW_JS = Path(__file__).with_name("preview.js")


@dataclass
class Rebuild:
    """What one rebuild did: pages written and removed, and how long it took."""

    reason: str
    written: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    portal_pages_pending: bool = False


class PreviewSite:
    """Keeps the portal loaded and rebuilds only what a change touches.

    ``output`` is a preview folder written in place (never the published ``output/``).
    A file that fails to load keeps its last good pages; its errors go to the status that
    the preview script shows as an overlay, until the file is fixed.

    The pages of what changed are written first and the rebuild returns; the portal-wide
    pages (home, rules, data quality), whose cost grows with the portal, are left pending
    for ``write_portal_pages``, which the server runs after the browser has reloaded.
    """

    def __init__(self, content: Path, output: Path, theme: str | None = None):
        self.content = content.resolve()
        self.output = output.resolve()
        self.theme = theme
        self.errors: dict[Path, list[ContentError]] = {}
        self.last: Rebuild | None = None
        self.lock = threading.Lock()  # the server writes portal pages on a worker thread

    # ------------------------------------------------------------------ full build

    def build_all(self) -> Rebuild:
        started = time.perf_counter()
        try:
            self.portal = load_portal(self.content, strict=False)
        except ContentErrors as exc:  # site.yaml unusable: keep what is served
            self._forget_errors(self.content / "site.yaml")
            self._add_errors(exc.errors)
            return self._finish(Rebuild("site.yaml has errors"), started)
        self.errors = {}
        self._add_errors(self.portal.errors)
        self.findings = check_portal(self.portal)
        self.renderer = Renderer(self.content, self.portal.site, self.theme, preview=True)
        self.page_templates: dict[str, str] = {}
        self.document_urls: dict[tuple, set[str]] = {}
        self.output.mkdir(parents=True, exist_ok=True)
        for stale in self.output.iterdir():
            shutil.rmtree(stale) if stale.is_dir() else stale.unlink()
        self.renderer.write_static(self.output)
        shutil.copyfile(PREVIEW_JS, self.output / "assets" / "preview.js")
        rebuild = Rebuild("full build")
        self._write(plan.portal_pages(self.portal, self.findings), rebuild)
        for broken in self.portal.broken_units:
            self._write([plan.broken_unit_page(self.portal, broken)], rebuild)
        for unit in self.portal.units:
            self._write(plan.unit_pages(self.portal, unit, self.findings), rebuild)
            for doc in unit.documents:
                self._write_document(unit, doc, rebuild)
        return self._finish(rebuild, started)

    # ------------------------------------------------------------------ incremental

    def changed(self, paths: set[Path]) -> Rebuild:
        """Rebuild what depends on ``paths`` (files created, modified or deleted)."""
        with self.lock:
            return self._changed(paths)

    def _changed(self, paths: set[Path]) -> Rebuild:
        started = time.perf_counter()
        paths = {p.resolve() for p in paths}
        if self.content / "site.yaml" in paths or not hasattr(self, "portal"):
            return self.build_all()
        rebuild = Rebuild(", ".join(sorted(p.name for p in paths)))
        units: set[str] = set()
        documents: set[tuple[str, Path]] = set()
        templates: set[str] = set()
        for path in paths:
            kind, detail = self._classify(path)
            if kind == "unit":
                units.add(detail)
            elif kind == "year":
                documents.update((detail, path.parent / name) for name in FILE_NAMES)
            elif kind == "template":
                templates.add(detail)
            elif kind == "static":
                self.renderer.write_static(self.output)
                rebuild.written.append(f"assets/{detail}")
        for unit_id in sorted(units):
            self._reload_unit(unit_id, rebuild)
        touched_units = {unit_id for unit_id, _ in documents if unit_id not in units}
        # A year folder is reloaded whole (its documents and their Markdown), so are its errors.
        for folder in {file.parent for unit_id, file in documents if unit_id in touched_units}:
            self._forget_errors(folder)
        for unit_id, file in sorted(documents):
            if unit_id in touched_units:
                self._reload_document(unit_id, file, rebuild)
        for unit_id in sorted(touched_units | units):
            unit = self._unit(unit_id)
            if unit is not None:
                self._write(plan.unit_pages(self.portal, unit, self.findings), rebuild)
        rebuild.portal_pages_pending = bool(units or documents)
        if templates:
            self._rerender_templates(templates, rebuild)
        return self._finish(rebuild, started)

    def is_input(self, path: Path) -> bool:
        """Whether ``path`` is read by the build: ``site.yaml``, a ``unit.yaml``, a document or
        Markdown in a year folder, a template or static file of the theme (not hidden, not an
        editor's backup). A log file in the content folder is not, so writing it rebuilds nothing."""
        if path.name.startswith(".") or path.name.endswith("~"):
            return False
        path = path.resolve()
        return path == self.content / "site.yaml" or self._classify(path)[0] != "other"

    def _classify(self, path: Path) -> tuple[str, str]:
        try:
            parts = path.relative_to(self.content / "units").parts
        except ValueError:
            parts = ()
        if len(parts) == 2 and parts[1] == "unit.yaml":
            return "unit", parts[0]
        if len(parts) == 3 and (parts[2] in FILE_NAMES or parts[2].endswith(".md")):
            return "year", parts[0]
        # Before a first good site.yaml there are no theme folders: its fix rebuilds everything.
        for theme in self.renderer.dirs if hasattr(self, "renderer") else []:
            for sub in ("templates", "static"):
                try:
                    relative = path.relative_to(theme.resolve() / sub).as_posix()
                except ValueError:
                    continue
                return ("template" if sub == "templates" else "static"), relative
        return "other", ""

    def _unit(self, unit_id: str) -> LoadedUnit | None:
        return next((u for u in self.portal.units if u.id == unit_id), None)

    def _reload_unit(self, unit_id: str, rebuild: Rebuild) -> None:
        unit_dir = self.content / "units" / unit_id
        old = self._unit(unit_id)
        self._forget_errors(unit_dir)  # the unit is reloaded whole: unit.yaml, documents, Markdown
        if not (unit_dir / "unit.yaml").exists():
            if old is not None:
                self.portal.units.remove(old)
                for doc in old.documents:
                    self._drop_document(doc.key, rebuild)
                self._remove([plan.urls.unit(unit_id)], rebuild)
            return
        loaded, errors = load_unit(unit_dir)
        self._add_errors(errors)
        if isinstance(loaded, BrokenUnit):
            return  # keep serving the last good unit
        if old is not None:
            self.portal.units[self.portal.units.index(old)] = loaded
        else:
            self.portal.units.append(loaded)
            self.portal.units.sort(key=lambda u: u.id)
        for doc in loaded.documents:
            self.findings[doc.key] = check_document(doc, self.portal.site.suppress)
            self._write_document(loaded, doc, rebuild)

    def _reload_document(self, unit_id: str, file: Path, rebuild: Rebuild) -> None:
        file = file.resolve()
        doc, errors = load_document(unit_id, file) if file.exists() else (None, [])
        self._add_errors(errors)
        unit = self._unit(unit_id)
        if unit is None:
            return
        old = next((d for d in unit.documents if d.file.resolve() == file), None)
        if not file.exists():
            if old is not None:
                unit.documents.remove(old)
                self._drop_document(old.key, rebuild)
            return
        if doc is None:
            return  # keep serving the last good pages of this document
        if old is not None:
            unit.documents.remove(old)
            if old.key != doc.key:
                self._drop_document(old.key, rebuild)
        unit.documents.append(doc)
        unit.documents.sort(key=document_order)
        self.findings[doc.key] = check_document(doc, self.portal.site.suppress)
        self._write_document(unit, doc, rebuild)

    def _drop_document(self, key: tuple, rebuild: Rebuild) -> None:
        self.findings.pop(key, None)
        self._remove(sorted(self.document_urls.pop(key, set())), rebuild)

    def _write_document(self, unit: LoadedUnit, doc, rebuild: Rebuild) -> None:
        pages = plan.document_pages(unit, doc, self.findings[doc.key])
        for relative, data in document_downloads(doc, self.findings[doc.key]):
            write_bytes(self.output, relative, data)
        urls = {page.url for page in pages}
        self._remove(sorted(self.document_urls.get(doc.key, set()) - urls), rebuild)
        self.document_urls[doc.key] = urls
        self._write(pages, rebuild)

    def _rerender_templates(self, changed: set[str], rebuild: Rebuild) -> None:
        env = self.renderer.env
        reached: dict[str, set[str]] = {}

        def closure(name: str) -> set[str]:
            if name not in reached:
                reached[name] = {name}
                source = env.loader.get_source(env, name)[0]
                for child in jinja2.meta.find_referenced_templates(env.parse(source)):
                    if child:
                        reached[name] |= closure(child)
            return reached[name]

        pages = plan.plan_pages(self.portal, self.findings)
        self._write([p for p in pages if closure(p.template) & changed], rebuild)

    def write_portal_pages(self) -> Rebuild:
        """The portal-wide pages, after a change that left them pending."""
        started = time.perf_counter()
        rebuild = Rebuild("portal pages")
        with self.lock:
            self._write(plan.portal_pages(self.portal, self.findings), rebuild)
        rebuild.seconds = time.perf_counter() - started
        return rebuild

    def index_search(self) -> float:
        """Re-index the preview for search (Pagefind indexes the whole output); seconds taken."""
        started = time.perf_counter()
        build_index(self.output)
        return time.perf_counter() - started

    # ------------------------------------------------------------------ output

    def _write(self, pages: list, rebuild: Rebuild) -> None:
        for page in pages:
            relative, html = self.renderer.render(page)
            write_text(self.output, relative, html)
            self.page_templates[page.url] = page.template
            rebuild.written.append(page.url)

    def _remove(self, urls: list[str], rebuild: Rebuild) -> None:
        for url in urls:
            folder = (self.output / url).resolve()
            if self.output in folder.parents and (folder / "index.html").exists():
                (folder / "index.html").unlink()
                rebuild.removed.append(url)

    def _add_errors(self, errors: list[ContentError]) -> None:
        for error in errors:
            self.errors.setdefault(error.file.resolve(), []).append(error)

    def _forget_errors(self, path: Path) -> None:
        """Drop the errors of ``path`` and of every file under it, about to be read again."""
        path = path.resolve()
        self.errors = {file: errors for file, errors in self.errors.items() if file != path and path not in file.parents}

    def _finish(self, rebuild: Rebuild, started: float) -> Rebuild:
        rebuild.seconds = time.perf_counter() - started
        self.last = rebuild
        everything = [e for errors in self.errors.values() for e in errors]
        status = {
            "built_at": time.strftime("%H:%M:%S"),
            "seconds": round(rebuild.seconds, 3),
            "reason": rebuild.reason,
            "pages_written": len(rebuild.written),
            "findings": finding_counts(self.findings) if hasattr(self, "findings") else {},
            "errors": [vars(e) for e in error_views(everything, self.content)],
        }
        write_text(self.output, STATUS, json.dumps(status, ensure_ascii=False, indent=1))
        return rebuild
