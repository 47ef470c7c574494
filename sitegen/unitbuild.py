"""One unit's share of a build: load, check and render its documents and its unit page.

Runs in worker processes (``builder.py`` spreads units over the cores); what it returns is
small and picklable: slim documents, findings, page URLs and the cache keys under which
the output files were stored. Nothing here reads or writes another unit's files, and the
portal-wide pages are left to the parent.

A document is re-rendered when its cache key changes — the hash of the build key (code,
``site.yaml``), its unit's ``unit.yaml``, the list of the unit's document files (the
previous/next-year links), its own file and the Markdown beside it — or when a template its
pages were rendered through changed since (``templates``, recorded while rendering). Output
files are stored under the entry's ``stamp``, which adds those templates' hashes to the key.
"""
from __future__ import annotations

import os
import time
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from .assets import compressed_names, with_compressed
from .cache import BuildCache, FileHashes, digest, stamp
from .check import Finding, check_document
from .check.copies import fingerprints
from .check.findings import severity_counts
from .content.errors import ContentError
from .content.files import MARKDOWN_LIMIT, YAML_LIMIT, inside, key_bytes, within
from .content.loader import content_folder, load_document, load_unit
from .export import document_downloads, resources, store_schemas
from .model.documents import Site
from .plugins import kind_files, kind_tables
from .model.portal import BrokenUnit, LoadedDocument, LoadedUnit, Portal
from .render import pages as plan
from .render import feeds, urls
from .render.slim import SlimDocument, slim_document


@dataclass
class DocumentEntry:
    """What a document contributes to the portal, and where its output files are cached."""

    key: str
    slim: SlimDocument
    findings: list[Finding]
    pages: list[str]        # page URLs, in page-plan order
    downloads: list[str]    # its open-data files (for the portal archive), in the order they were made
    resources: list         # export.TableResource of its CSVs (their schemas stored apart, store_schemas)
    templates: dict[str, str] = field(default_factory=dict)  # template name → hash, of its pages

    @property
    def files(self) -> list[str]:
        """Output-relative files, stored under ``stamp`` in this order: its pages', its downloads,
        then their compressed copies (``assets.with_compressed``). Made from the pages and
        downloads, not kept: the parent holds every document's entry."""
        made = self.page_files + self.downloads
        return made + [copy for relative in made for copy in compressed_names(relative)[1:]]

    @property
    def page_files(self) -> list[str]:
        """Its pages' output files (HTML), in page order: the first of ``files``."""
        return [urls.file_for(url) for url in self.pages]

    @cached_property  # hashed once, when its templates are all recorded: every build reads it
    def stamp(self) -> str:
        """The key of its output files: its inputs and the templates they were rendered through."""
        return stamp(self.key, self.templates)


@dataclass
class UnitEntry:
    """A unit folder's result; ``rendered`` lists the page URLs rendered when it was made."""

    key: str
    id: str
    unit: LoadedUnit | BrokenUnit
    errors: list[ContentError]
    documents: list[DocumentEntry] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)  # worker time by stage when it was made
    templates: dict[str, str] = field(default_factory=dict)  # template name → hash, of the unit pages

    @cached_property  # hashed once, when its templates are all recorded: every build reads it
    def stamp(self) -> str:
        """The key of the unit pages' files: the unit's inputs and their templates."""
        return stamp(self.key, self.templates)

    @cached_property  # the feed and the home page merge every unit's: sorted once per unit
    def newest_first(self) -> list[SlimDocument]:
        """Its documents, the most recently changed first (``feeds.newest_first``)."""
        return feeds.newest_first(doc.slim for doc in self.documents)

    @cached_property  # the sitemap files list every unit's: once per unit entry
    def page_urls(self) -> list[str]:
        """Its pages, then each document's, in order."""
        listed = list(self.pages)
        for doc in self.documents:
            listed += doc.pages
        return listed

    @cached_property  # the sitemap files are named by what they list: hashed once per unit
    def pages_digest(self) -> str:
        """A hash of ``page_urls``."""
        return digest(*self.page_urls)

    @cached_property  # every build maps every document to its findings: one dict per unit
    def findings(self) -> dict[tuple, list[Finding]]:
        """Its documents' findings (of the unit's own inputs) by document key."""
        return {doc.slim.key: doc.findings for doc in self.documents}

    @cached_property  # every build counts the portal's findings
    def finding_counts(self) -> dict[str, int]:
        """``severity_counts`` of its documents' findings."""
        return severity_counts(finding for doc in self.documents for finding in doc.findings)

    @cached_property  # every build tells the build cache what it still uses
    def cache_keys(self) -> frozenset[str]:
        """The cache keys of its entry and files and of its documents'."""
        return frozenset((self.key, self.stamp, *(key for doc in self.documents for key in (doc.key, doc.stamp))))

    @cached_property  # every build counts the portal's pages: once per unit
    def page_count(self) -> int:
        return len(self.pages) + sum(len(doc.pages) for doc in self.documents)

    @cached_property  # the build folder gets every schema a document refers to, read every build
    def schemas(self) -> frozenset[str]:
        """The Table Schema files its documents' open data refer to."""
        return frozenset(r.schema for doc in self.documents for r in doc.resources)

    @cached_property
    def version(self) -> str:
        """Hash of every output file's stamp: equal versions, equal unit folders."""
        return digest(self.stamp, *(doc.stamp for doc in self.documents))


@dataclass
class UnitJob:
    """What a worker needs to build one unit folder."""

    unit_dir: Path
    key: str
    build_key: str
    content: Path
    site: Site
    cache: Path


def unit_files(unit_dir: Path) -> list[tuple[str, os.DirEntry]]:
    """(relative path, entry) of every entry under ``unit_dir`` but the folders walked, sorted by
    relative path. A folder reached through a symbolic link is walked only when it lies inside
    the content folder and is not one of the folders it is reached from (a loop); else it is
    listed as an entry (the loader refuses what it holds)."""
    root, real = content_folder(unit_dir), os.path.realpath(unit_dir)
    found: list[tuple[str, os.DirEntry]] = []
    pending = [(unit_dir, "", (real,))] if within(real, root) else []
    while pending:
        folder, prefix, chain = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_symlink():
                    real = os.path.realpath(entry.path)
                    walk = os.path.isdir(real) and within(real, root) and real not in chain
                else:
                    real, walk = os.path.join(chain[-1], entry.name), entry.is_dir()
                if walk:
                    pending.append((Path(entry.path), f"{prefix}{entry.name}/", (*chain, real)))
                else:
                    found.append((prefix + entry.name, entry))
    return sorted(found, key=lambda item: item[0])


def unit_key(build_key: str, unit_dir: Path, hashes: FileHashes) -> str:
    """Hash of the build key, the unit's id and every file (relative path and content hash) of the unit folder;
    an entry the loader refuses unread (not a regular file, or outside the content folder)
    counts by its name."""
    root = content_folder(unit_dir)
    parts: list[bytes | str] = [build_key, unit_dir.name]  # the unit's id is in its pages: two equal folders differ
    for relative, entry in unit_files(unit_dir):
        readable = os.path.isfile(entry.path) and inside(entry.path, root) if entry.is_symlink() else entry.is_file()
        parts += [relative, hashes.hash(entry.path, entry.stat()) if readable else "refused"]
    return digest(*parts)


def build_unit(job: UnitJob, renderer) -> UnitEntry:
    """Load, check and render one unit folder, reusing cached documents; store the result.

    ``renderer`` is a ``builder.Renderer`` made once per worker. A cached document or unit
    page is reused when its key matches and the templates it was rendered through are
    unchanged (``Renderer.fresh``). Never raises for content errors: they are in
    ``UnitEntry.errors`` (a broken ``unit.yaml`` gives a ``BrokenUnit``, left for the parent
    to render).
    """
    cache = BuildCache(job.cache)
    unit_dir = job.unit_dir
    root = content_folder(unit_dir)
    unit_yaml = key_bytes(unit_dir / "unit.yaml", root, YAML_LIMIT)
    siblings = "\n".join(relative for relative, entry in unit_files(unit_dir)
                         if entry.name in kind_files() and relative.count("/") == 1)

    def document_key(file: Path, outcome: str = "") -> str:
        markdown = [part for md in sorted(file.parent.glob("*.md")) for part in (md.name, key_bytes(md, root, MARKDOWN_LIMIT))]
        # Its unit, year and file name are in its pages' addresses: equal bytes elsewhere are another document.
        where = file.relative_to(unit_dir.parent).as_posix()
        return digest(job.build_key, where, unit_yaml, siblings, key_bytes(file, root, YAML_LIMIT), *markdown, outcome)

    hits: dict[Path, DocumentEntry] = {}

    def cached_load(unit_id: str, file: Path):
        entry = cache.get(document_key(file))
        if entry is not None and renderer.fresh(entry.templates):
            hits[file] = entry
            return entry.slim, []
        return load_document(unit_id, file)

    seconds = dict.fromkeys(("load", "check", "plan", "templates", "opendata", "store"), 0.0)
    started = time.perf_counter()
    unit, errors = load_unit(unit_dir, load=cached_load)
    outcome = ""
    if isinstance(unit, LoadedUnit) and unit.failed:
        # A failed sibling changes the previous/next-year links: rebuild the unit, keyed by its failures.
        hits.clear()
        unit, errors = load_unit(unit_dir)
        outcome = "failed:" + ",".join(str(f.file.relative_to(unit_dir)) for f in unit.failed)
    seconds["load"] = time.perf_counter() - started
    result = UnitEntry(job.key, unit_dir.name, unit, errors, seconds=seconds)
    if isinstance(unit, BrokenUnit):
        return result  # its page lists errors and is rendered with the portal; nothing to cache
    stub = Portal(site=job.site, root=job.content, units=[])
    for doc in unit.documents:
        entry = hits.get(doc.file)
        if entry is None:
            entry = _build_document(unit, doc, document_key(doc.file, outcome), job.site, renderer, cache, seconds)
            result.rendered += entry.pages
        result.documents.append(entry)
    # The unit's documents are its entries' slim documents, the same objects: the parent keeps
    # every unit of the portal in memory, and a pickle keeps shared objects shared.
    result.unit = replace(unit, documents=[entry.slim for entry in result.documents])
    previous = cache.get(job.key)  # the same inputs, made before: only a template can differ
    if previous is not None and renderer.fresh(previous.templates):
        result.pages, result.files, result.templates = previous.pages, previous.files, previous.templates
        cache.put(job.key, result, {})
        return result
    findings = {entry.slim.key: entry.findings for entry in result.documents}
    files: dict[str, bytes] = {}
    for page in plan.unit_pages(stub, result.unit, findings):
        relative, html, templates = renderer.render(page)
        files[relative] = html.encode("utf-8")
        result.pages.append(page.url)
        result.templates.update(templates)
    result.rendered += result.pages
    files = with_compressed(files)
    result.files = list(files)
    cache.put(job.key, result, files)
    return result


def _build_document(unit: LoadedUnit, doc: LoadedDocument, key: str, site: Site, renderer, cache: BuildCache,
                    seconds: dict[str, float]) -> DocumentEntry:
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        seconds[stage] += now - started
        started = now

    findings = check_document(doc, site.suppress)
    lap("check")
    tables = kind_tables(doc, findings)  # the open data, and the links to it on the document's page
    pages = plan.document_pages(unit, doc, findings, tables)  # views and chart specs
    lap("plan")
    files: dict[str, bytes] = {}
    used: dict[str, str] = {}
    for page in pages:
        relative, html, templates = renderer.render(page)
        files[relative] = html.encode("utf-8")
        used.update(templates)
    lap("templates")
    downloads = []
    for relative, data in document_downloads(doc, findings, tables):
        files[relative] = data
        downloads.append(relative)
    files = with_compressed(files)
    store_schemas(cache, doc, tables)
    entry = DocumentEntry(key, slim_document(doc), findings, [page.url for page in pages], downloads,
                          resources(doc, tables), templates=used)
    lap("opendata")
    cache.put(key, entry, files, aside=fingerprints(doc))
    lap("store")
    return entry
