"""The one pipeline behind ``sitegen build`` and ``sitegen serve``: load → check → render →
write → index.

Units (their documents, projects and open data) are loaded, checked and rendered in worker
processes or on a Dask cluster (``unitbuild``, ``executors``) and stored in the build cache
(``cache``); the parent then renders the portal-wide pages into a staging folder, takes over
the previous output's folders of pages made from the same inputs (the folder of every unit, of
every place, in one move each, the changed ones set aside) and links the cached files of the
others, writes the sitemap, feed and data package, the places' archives (from the cache when
their documents did not change) and the search index, and swaps the staging folder in
(``write``).

Staleness is decided one way, for both commands: an output is made again when the content
hashes of its inputs changed (its cache key) or when a template it was rendered through changed
(the templates are recorded while it renders: ``theme.RecordingEnvironment``). So a template
edit re-renders only the pages that used it. ``serve`` runs the same ``Builder`` into a folder
of its own and adds its reload script and banner to the HTML it serves (``preview.server``);
no published page carries them.
"""
from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from . import plugins
from .assets import Assets, asset_quality, compressed_names, with_compressed, write_compressed
from .cache import BuildCache, Collected, FileHashes, build_key, digest
from .check import RULES_BY_ID, portal_findings
from .check.copyindex import CopyIndex
from .check.findings import severity_counts, summed_counts
from .content import ContentErrors
from .content.errors import ContentError
from .content.loader import load_site
from .executors import run_units
from .model.documents import SLUG, Site
from .model.portal import BrokenUnit, LoadedUnit, Portal
from .progress import Progress
from .render import feeds, urls
from .render.pages import LazyPage, Page, UnitSummaries, broken_unit_page, portal_pages
from .render.views import source_label
from .search import BUNDLE, SHARD_PAGES, IndexReport, build_index
from .theme import environment, static_files, theme_dirs
from .unitbuild import UnitEntry, UnitJob, unit_key
from .write import output_lock, reused_from, staged_output, write_bytes, write_text

CACHE_FOLDER = ".sitegen-cache"
COPIES = "copies.sqlite"  # in the cache folder: the portal-wide copy check's state (``check.copyindex``)
COMPILED_TEMPLATES = "templates"  # in the cache folder: Jinja's bytecode cache
UNIT_KEYS = "unit-keys"  # the build cache's state: unit folder → (build key, unit key) of the last build
NOT_FOUND = Page("404/", "404.html", {}, source="404")  # the same from the same templates
# Above this many pages (each with its .gz and .br), deleting the previous output (seconds) is
# left to a background process.
BACKGROUND_DISCARD = 7_000
# From this many documents, what a build keeps for the next is frozen out of the cyclic garbage
# collector (``gc.freeze``): a full collection walked it all, 0.2 s at 10,000 documents, during
# every rebuild. Smaller portals are not worth it: an object frozen that later becomes part of
# unreachable cycles (a replaced Builder's renderer) is never freed.
FREEZE_DOCUMENTS = 2_000


class Renderer:
    """Renders pages through the theme's template search path, noting the templates each page
    used.

    ``theme`` (a theme's name) overrides ``site.theme``; raises ``theme.ThemeError`` when it
    names no theme. ``template_hashes`` maps every template name of the search path to the
    hash of the source it resolves to, and every static file a page links (``asset:<file>``)
    to its content-hashed name (``assets.Assets``): a page linking ``style.css`` is stale when
    the stylesheet changes, since the link names its hash.
    """

    def __init__(self, content: Path, site: Site, theme: str | None = None, compiled: Path | None = None):
        self.content = content
        self.site = site
        self.theme = theme
        self.compiled = compiled
        self.dirs = theme_dirs(content.resolve().parent, theme or site.theme)
        self.env = environment(self.dirs, site.language, compiled)
        self.env.globals.update(site=site, rules=RULES_BY_ID, urls=urls)
        self.env.globals["source_label"] = lambda finding: source_label(finding, content)
        self.env.globals["feeds"] = feeds.absolute_base(site.base_url) is not None  # sitemap and feed written
        self.env.globals["asset"] = self._asset
        self.refresh()

    @property
    def args(self) -> tuple:
        """What a worker process makes its own renderer from (``executors``)."""
        return self.content, self.site, self.theme, self.compiled

    def refresh(self) -> None:
        """Read the theme's templates and static files again (their hashes, the assets'
        published names); Jinja itself reloads a template whose file changed."""
        self.assets = Assets(static_files(self.dirs), hashed=True)
        self.template_hashes = {name: digest(self.env.loader.get_source(self.env, name)[0])
                                for name in self.env.list_templates()}
        self.template_hashes.update((f"asset:{relative}", name) for relative, name in self.assets.names.items())

    def _asset(self, relative: str) -> str:
        if self.env.recording is not None:
            self.env.recording.add(f"asset:{relative}")
        return self.assets.url(relative)

    def fresh(self, templates: dict[str, str]) -> bool:
        """Whether every template (name → hash when it was used) is unchanged."""
        return all(self.template_hashes.get(name) == value for name, value in templates.items())

    def render(self, page: Page, root: str | None = None) -> tuple[str, str, dict[str, str]]:
        """(output-relative file, HTML, templates used: name → hash) of ``page``; ``root``
        overrides the relative prefix (the 404 page is served at any depth, so its links start
        from the path of base_url)."""
        root = urls.root_from(page.url) if root is None else root
        used: set[str] = set()
        self.env.recording = used
        try:
            html = self.env.get_template(page.template).render(
                page.context, root=root, page_url=page.url, has_charts=page.has_charts)
        finally:
            self.env.recording = None
        return urls.file_for(page.url), html, {name: self.template_hashes.get(name, "") for name in sorted(used)}

    def write_static(self, output: Path, store: BuildCache, made: set[Path]) -> set[str]:
        """Theme static files into ``output/assets/``, and plotly.js, once, with their
        compressed copies (``assets.Assets``), linked from the build cache ``store`` where
        each is kept under the hash of its name and bytes: compressed once, not every build
        (plotly.js alone took ~0.3 s). Returns their cache keys."""
        keys = set()
        for name, (file, sha) in self.assets.published().items():
            key = digest("asset", name, sha)
            if not store.has_files(key):
                data = file.read_bytes()
                store.put_files(key, with_compressed({name: data}, asset_quality(data)))
            for n, relative in enumerate(compressed_names(name)):
                store.link(key, n, relative, output, made)
            keys.add(key)
        return keys


@dataclass
class PortalEntry:
    """The portal-wide pages of an output's last build under the build key ``build``: page
    URL → (output-relative file, templates used, the cache key of its file, its source or
    ``None``). A page whose source (``render.pages.LazyPage``) and templates are those of the
    last build is not made again. A page's file (with its ``.gz`` and ``.br``) is cached under
    the hash of its bytes, so a page made again that comes out the same is not compressed or
    stored again."""

    build: str
    pages: dict[str, tuple[str, dict[str, str], str, str | None]] = field(default_factory=dict)

    @property
    def stamp(self) -> str:
        return self.build


@dataclass
class BuildResult:
    """What a build made. ``timings``: wall seconds by stage, in order (``units.<stage>``: the
    workers' seconds summed over processes); ``index`` runs beside ``downloads``, and
    ``index.wait`` is what the build waited for it after them."""

    pages: int
    documents: int
    findings: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    content_errors: list = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # page URLs rendered (not reused from the cache)
    index: IndexReport | None = None  # the search index's shards, indexed or reused
    published: bool = True  # False: the serve kept its last output (see ``Builder.keep_last_good``)
    warnings: list[str] = field(default_factory=list)  # what was built but should be fixed
    seconds: float = 0.0

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.findings.items())
        stages = " ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        errors = f"; {len(self.content_errors)} content error(s), their pages list them" if self.content_errors else ""
        index = (f"; search index: {self.index.shards} shard(s), {len(self.index.indexed)} indexed, "
                 f"{len(self.index.reused)} reused" if self.index else "")
        return (f"built {self.pages} pages ({len(self.rendered)} rendered, the rest from the cache) from {self.documents} "
                f"documents{errors}; findings: {counts}{index}; {stages}")


class Builder:
    """Builds the portal from ``content`` into ``output``, again and again.

    Units are built in ``workers`` processes (default: one per core), or on a Dask cluster
    (``executor="dask"``, ``scheduler`` its address; ``executors.run_units``), each unit's pages
    and open data stored in the build cache ``cache`` (default ``.sitegen-cache/`` beside the
    content folder) and linked into the staging folder. An output whose inputs (content hashes)
    and templates did not change since a previous build is not loaded, checked or rendered
    again; the sitemap, feed and data package are written every build, a place's archive only
    when one of its documents changed (``export.PlaceArchive``); the search index
    is cut into shards of about ``search_shard_pages`` pages, a shard whose units did not change
    reused from the previous output (``search.build_index``).

    Builds of one ``output`` run one at a time (``write.output_lock``), with a shared cache or
    not.

    Lenient by default: documents and units with content errors get error pages and the rest
    builds (``BuildResult.content_errors`` lists them). ``build_all``/``rebuild`` raise
    ``ContentErrors`` (nothing written, previous output kept) when ``site.yaml`` is invalid, or
    on any content error when ``strict``. ``keep_last_good`` (the preview): a rebuild whose
    content errors are not all among those of the output it would replace publishes nothing,
    so the last good pages stay served while the errors are shown. ``compact_search``: index
    every search shard holding a change again and empty the index's delta
    (``search.build_index``).
    """

    def __init__(self, content: Path, output: Path, *, theme: str | None = None, search: bool = True,
                 strict: bool = False, cache: Path | None = None, workers: int | None = None,
                 search_shard_pages: int = SHARD_PAGES, executor: str = "process", scheduler: str | None = None,
                 progress: Progress | None = None, keep_last_good: bool = False, compact_search: bool = False):
        self.content = content.resolve()
        self.output = output
        self.theme = theme
        self.search = search
        self.strict = strict
        self.cache = cache if cache is not None else self.content.parent / CACHE_FOLDER
        self.workers = workers
        self.search_shard_pages = search_shard_pages
        self.executor = executor
        self.scheduler = scheduler
        self.progress = progress
        self.keep_last_good = keep_last_good
        self.compact_search = compact_search
        self.published: BuildResult | None = None  # the result whose output is in place
        self.renderer: Renderer | None = None
        self.copies = CopyIndex(BuildCache(self.cache).folder / COPIES)  # COPY-002, kept between builds
        # What the last build made, kept for the next one (serve's rebuilds): unit entries by
        # key and the portal-wide pages, so a rebuild need not read them back from the cache.
        self._entries: dict[str, UnitEntry] = {}
        self._template_hashes: dict[str, str] | None = None  # the renderer's, when the entries above were made
        self._collected: Collected | None = None  # this Builder's last collect of the cache
        self._portal: PortalEntry | None = None
        self._summaries = UnitSummaries()  # what the portal-wide pages read of each unit, by unit source
        self._sources: dict[tuple, str] = {}  # (unit key, findings across units) → the unit's source (``portal_pages``)
        self._unit_keys: dict[Path, tuple[str, str]] = {}  # unit folder → (build key, unit key) of the last build
        self._hashes: FileHashes | None = None  # the content files' hashes, read once
        self._copy_units: dict[str, dict] = {}  # unit key → its documents as given to the copy check

    def build_all(self) -> BuildResult:
        """Build everything that is stale (everything, on a first build with an empty cache)."""
        return self._build(self.search)

    def rebuild(self, changed_paths: Iterable[Path] | None = None, *, index: bool = True) -> BuildResult:
        """Build again after ``changed_paths`` changed. Staleness is decided from the content
        hashes and recorded templates (``build_all``), but the files of a unit folder that no
        changed path lies in, already hashed by this Builder's last build, are not read or
        stat-ed again: their unit keeps its key, so the cost of a rebuild does not grow with
        the portal (an empty list: nothing changed in any unit folder). ``None`` checks every
        file (``build_all``), which also catches a change the caller missed. A new Builder told
        the paths (``sitegen build --changed``) trusts the unit keys of the last build that
        used the same cache.

        ``index=False`` (the preview, to reload the pages first) carries the previous search
        index over unchanged; a later ``rebuild()`` brings it up to date, re-rendering nothing."""
        changed = None if changed_paths is None else {Path(path).resolve() for path in changed_paths}
        return self._build(self.search and index, carry_index=self.search and not index, changed=changed)

    def is_input(self, path: Path) -> bool:
        """Whether ``path`` is read by the build: ``site.yaml``, a ``unit.yaml``, a document or
        Markdown in a year folder, a template or static file of the theme (not hidden, not an
        editor's backup). A log file in the content folder is not, so writing it rebuilds nothing."""
        if path.name.startswith(".") or path.name.endswith("~"):
            return False
        path = path.resolve()
        if path == self.content / "site.yaml":
            return True
        try:
            parts = path.relative_to(self.content / "units").parts
        except ValueError:
            parts = ()
        if (len(parts) == 2 and parts[1] == "unit.yaml") or (len(parts) == 3 and (parts[2] in plugins.kind_files() or parts[2].endswith(".md"))):
            return True
        # Before a first good site.yaml there are no theme folders: its fix rebuilds everything.
        dirs = self.renderer.dirs if self.renderer is not None else []
        return any(theme.resolve() / sub in path.parents for theme in dirs for sub in ("templates", "static"))

    def _build(self, search: bool, *, carry_index: bool = False, changed: set[Path] | None = None) -> BuildResult:
        # A rebuild of a large portal runs without the cyclic garbage collector: the objects it
        # makes (maps over every document) set off full collections, three per rebuild at 100,000
        # documents (0.5 s). What it leaves in cycles is collected once, at the end, before what it
        # keeps is frozen.
        pause = self.published is not None and self.published.documents >= FREEZE_DOCUMENTS and gc.isenabled()
        if pause:
            gc.disable()
        try:
            result = self._make(search, carry_index=carry_index, changed=changed)
        finally:
            if pause:
                gc.enable()
        if result.documents >= FREEZE_DOCUMENTS:
            if pause:
                gc.collect(0)  # no collection ran: every object the build made is in the youngest generation
            gc.freeze()
        return result

    def _make(self, search: bool, *, carry_index: bool, changed: set[Path] | None) -> BuildResult:
        begun = time.perf_counter()
        timings: dict[str, float] = {}
        index: IndexReport | None = None
        started = time.perf_counter()

        def lap(stage: str) -> None:
            nonlocal started
            now = time.perf_counter()
            timings[stage] = now - started
            started = now

        content, output = self.content, self.output
        errors: list = []
        site = load_site(content / "site.yaml", errors)
        renderer = self.renderer
        if renderer is not None and renderer.site == site and renderer.dirs == theme_dirs(content.parent, self.theme or site.theme):
            renderer.refresh()  # its compiled templates are reused: Jinja recompiles only an edited one
        else:
            renderer = self.renderer = Renderer(content, site, self.theme, Path(self.cache) / COMPILED_TEMPLATES)
        key = build_key((content / "site.yaml").read_bytes(), renderer.dirs, str(content))
        store = BuildCache(self.cache)
        with output_lock(output), store.lock():  # always in this order: no two builds wait on each other
            # load
            entries: list = []
            unit_keys: dict[Path, tuple[str, str]] = {}
            if self._hashes is None or self._hashes.file != store.folder / "hashes.pickle":
                self._hashes = FileHashes(store.folder / "hashes.pickle")
            hashes = self._hashes
            hashes.begin()
            # the unit folders a changed path lies in (or above: a changed content folder)
            touched = set() if changed is None else {folder for path in changed for folder in (path, *path.parents)}
            if changed is not None and not self._unit_keys:  # a new Builder told what changed: `build --changed`
                self._unit_keys = store.get_state(UNIT_KEYS) or {}
            templates_as_before = renderer.template_hashes == self._template_hashes
            units_dir = content / "units"
            for unit_dir in _folders(units_dir):
                if not SLUG.match(unit_dir.name):
                    entries.append(ContentError(unit_dir / "unit.yaml", 1, 1, f"unit folder '{unit_dir.name}' is not a slug — use lower-case ASCII letters, digits and '-'"))
                    continue
                known = self._unit_keys.get(unit_dir)
                if changed is not None and known is not None and known[0] == key and unit_dir not in touched:
                    job_key = known[1]
                else:
                    job_key = unit_key(key, unit_dir, hashes)
                unit_keys[unit_dir] = (key, job_key)
                job = UnitJob(unit_dir, job_key, key, content, site, store.folder)
                kept = self._entries.get(job.key)
                cached = kept or store.get(job.key)
                # An entry kept from the last build was fresh then: still so if no template changed.
                if cached is not None and ((kept is not None and templates_as_before) or _fresh(renderer, cached)):
                    cached.rendered, cached.seconds = [], {}  # made by an earlier build, reused by this one
                    entries.append(cached)
                else:
                    entries.append(job)
            self._unit_keys = unit_keys  # what the files are now, whatever becomes of this build
            lap("hash")
            # check and render the units (load, check and render of each unit in a worker)
            jobs = [(i, e) for i, e in enumerate(entries) if isinstance(e, UnitJob)]
            built = run_units([job for _, job in jobs], renderer, workers=self.workers, executor=self.executor,
                              scheduler=self.scheduler, progress=self.progress)
            for (i, _), entry in zip(jobs, built):
                entries[i] = entry
            lap("units")
            for entry in entries:  # worker seconds (summed over processes, so more than the wall time of "units")
                for stage, seconds in getattr(entry, "seconds", {}).items():
                    timings[f"units.{stage}"] = timings.get(f"units.{stage}", 0.0) + seconds
            portal = Portal(site=site, root=content, units=[])
            findings: dict[tuple, list] = {}
            for entry in entries:
                if isinstance(entry, ContentError):
                    portal.errors.append(entry)
                    continue
                portal.errors.extend(entry.errors)
                if isinstance(entry.unit, BrokenUnit):
                    portal.broken_units.append(entry.unit)
                else:
                    portal.units.append(entry.unit)
                    findings.update(entry.findings)
            if self.strict and portal.errors:
                raise ContentErrors(portal.errors)
            units = [e for e in entries if isinstance(e, UnitEntry) and isinstance(e.unit, LoadedUnit)]
            # Text copied between units: joined here from each document's fingerprints; these
            # findings show on the portal-wide pages (their documents' pages are built per unit).
            # The join is kept between builds: only the documents whose key changed are compared again,
            # their fingerprints read from the cache then (the entries in memory do not hold them).
            documents: dict = {}
            copy_units = {}
            new: list = []  # the documents of units made or changed since the last build
            for e in units:  # a unit's documents as the copy check takes them, made once per unit entry
                kept = self._copy_units.get(e.key)
                copy_units[e.key] = kept or {d.slim.key: (d.key, partial(_fingerprints, store, d.key)) for d in e.documents}
                documents.update(copy_units[e.key])
                if kept is None:
                    new.extend(copy_units[e.key])
            went = [key for unit_key, docs in self._copy_units.items() if unit_key not in copy_units for key in docs]
            copied = self.copies.update(documents, (new, went) if self._copy_units else None)
            self._copy_units = copy_units
            found_across: dict[str, list[str]] = {}  # unit id → its findings that its own inputs do not decide
            across = portal_findings(portal, copied=copied)
            for finding in across:
                at = (finding.unit_id, finding.year, finding.document)
                findings[at] = [*findings.get(at, ()), finding]  # a new list: the entries' own outlive this build
                found_across.setdefault(finding.unit_id, []).append(repr(finding))
            kept_sources, self._sources = self._sources, {}
            sources = {}
            for e in units:  # a unit's source is hashed again only when it or what is found across units changed
                source = (e.key, *found_across.get(e.id, ()))
                sources[e.id] = self._sources[source] = kept_sources.get(source) or digest(*source)
            counts = summed_counts([*(e.finding_counts for e in units), severity_counts(across)])
            result = BuildResult(pages=0, documents=portal.document_count, findings=counts,
                                 timings=timings, content_errors=list(portal.errors))
            warn = lambda message: result.warnings.append(f"{content / 'site.yaml'}: {message}")  # noqa: E731
            if self.keep_last_good and self.published is not None and not _known(portal.errors, self.published.content_errors):
                result.published = False
                result.seconds = time.perf_counter() - begun
                return result  # the last good output stays; the cache keeps what it served
            # render the portal-wide pages
            wide = portal_pages(portal, findings, sources, self._summaries) + [broken_unit_page(portal, b) for b in portal.broken_units]
            page_count = len(wide) + sum(e.page_count for e in units)
            last_key = digest("portal-pages", str(Path(output).resolve()))  # this output's last portal-wide pages
            previous = self._portal or store.get(last_key)
            if previous is None or previous.build != key:
                previous = PortalEntry(key)
            made_portal = PortalEntry(key)
            rendered: list[str] = []
            with staged_output(output, protect=(content, renderer.dirs[0]), discard_in_background=page_count > BACKGROUND_DISCARD) as staging, \
                    reused_from(output, staging) as reuse:
                made: set[Path] = set()
                for page, root in [(page, None) for page in wide] + [(NOT_FOUND, feeds.base_path(site.base_url))]:
                    was = previous.pages.get(page.url)
                    source = page.source
                    if was is not None and source is not None and was[3] == source and renderer.fresh(was[1]) and store.has_files(was[2]):
                        relative, templates, files_key, _ = was
                    else:
                        if isinstance(page, LazyPage):
                            page = page.make()
                        relative, html, templates = renderer.render(page, root)
                        relative = "404.html" if page is NOT_FOUND else relative  # where servers look for it
                        data = html.encode("utf-8")
                        files_key = digest(relative, data)
                        if not store.has_files(files_key):
                            store.put_files(files_key, with_compressed({relative: data}))
                        if page is not NOT_FOUND:
                            rendered.append(page.url)
                    made_portal.pages[page.url] = (relative, templates, files_key, source)
                # A place's (or rule's) folder of pages whose files are those of the previous output
                # is taken over whole, as unit folders are; the pages of the others are linked first,
                # so that the previous output stays whole while the build can still be killed.
                files: dict[str, dict[str, list[str]]] = {}  # parent → its folder → its pages' files and their keys
                for relative, _, files_key, _ in made_portal.pages.values():
                    folder = _folder_of(relative)
                    if folder is not None and not folder.startswith(urls.unit("")):  # unit folders: below
                        files.setdefault(folder.partition("/")[0], {}).setdefault(folder, []).append(f"{relative} {files_key}")
                grouped = {parent: {folder: digest(*listed) for folder, listed in folders.items()} for parent, folders in files.items()}
                expected = {folder for folders in grouped.values() for folder, key in folders.items() if reuse.unchanged(folder, key)}

                def link_pages(linked: Callable[[str | None], bool]) -> None:
                    for relative, _, files_key, _ in made_portal.pages.values():
                        if linked(_folder_of(relative)):
                            for n, name in enumerate(compressed_names(relative)):
                                store.link(files_key, n, name, staging, made)
                link_pages(lambda folder: folder not in expected)
                taken = set().union(*(reuse.within(parent, folders) for parent, folders in grouped.items()))
                link_pages(lambda folder: folder in expected and folder not in taken)  # gone from the previous output
                store.put(last_key, made_portal, {})
                lap("render")

                # write: a unit folder made from the same inputs and templates as the previous
                # output's is taken over (with the folder of all units, in one move); the others are
                # linked from the cache, by threads (system calls release the GIL).
                reused = reuse.within(urls.unit("").rstrip("/"), {urls.unit(e.id).rstrip("/"): e.version for e in units})
                def link_unit(entry: UnitEntry) -> None:
                    for n, relative in enumerate(entry.files):
                        store.link(entry.stamp, n, relative, staging, made)
                    for doc in entry.documents:
                        for n, relative in enumerate(doc.files):
                            store.link(doc.stamp, n, relative, staging, made)

                fresh = [entry for entry in units if urls.unit(entry.id).rstrip("/") not in reused]
                with ThreadPoolExecutor(4) as pool:
                    list(pool.map(link_unit, fresh))
                kept: set[str] = renderer.write_static(staging, store, made)  # stamps of the files linked from the cache
                lap("write")
                written: list[str] = []  # the portal-wide files, compressed once all are written

                def put(relative: str, data: str | bytes) -> None:
                    (write_text if isinstance(data, str) else write_bytes)(staging, relative, data)
                    written.append(relative)


                def put_cached(key: str, relative: str, make, compress: bool = False) -> None:
                    if not store.has_files(key):
                        data = make()
                        store.put_files(key, with_compressed({relative: data}) if compress else {relative: data})
                    for n, name in enumerate(compressed_names(relative) if compress else [relative]):
                        store.link(key, n, name, staging, made)
                    kept.add(key)

                # index, beside the downloads: it reads only the pages, all written by now, and most
                # of its time is Pagefind's process, while the archives are zipped here.
                with ThreadPoolExecutor(1) as indexer:
                    if search:
                        places = {page.url: made_portal.pages[page.url][2] for page in wide if page.template == "region.html"}
                        indexing = indexer.submit(_timed, build_index, staging, units, previous=output,
                                                  shard_pages=self.search_shard_pages, progress=self.progress,
                                                  extra_pages=places, reuse=reuse, compact=self.compact_search)
                    # sitemap, feed, data package, the places' archives and every plugin's portal-wide files
                    plugins.portal_outputs(plugins.PortalOutput(portal, findings, [page.url for page in wide], units, staging, put, warn, put_cached))
                    lap("downloads")
                    if search:
                        index, timings["index"] = indexing.result()
                        lap("index.wait")
                if carry_index and not search and (output / BUNDLE).is_dir():
                    reuse.take(BUNDLE)
                for relative in written:
                    write_compressed(staging / relative)
                lap("compress")
            self._collected = store.collect({last_key} | kept | {files_key for _, _, files_key, _ in made_portal.pages.values()}
                                            | set().union(*(e.cache_keys for e in units)), since=self._collected)
            hashes.save(keep_unseen=changed is not None)
            store.put_state(UNIT_KEYS, unit_keys)
            lap("cache")
        self._entries = {e.key: e for e in units}
        self._template_hashes = renderer.template_hashes
        self._portal = made_portal
        result.pages, result.index = page_count, index
        result.rendered = rendered + [url for e in units if e.rendered for url in e.rendered]
        result.seconds = time.perf_counter() - begun
        self.published = result
        return result


def _folder_of(relative: str) -> str | None:
    """The folder two levels deep that holds an output file (``regions/x/2/index.html`` →
    ``regions/x``), or ``None`` for a file less deep."""
    parts = relative.split("/", 2)
    return f"{parts[0]}/{parts[1]}" if len(parts) == 3 else None


def _folders(folder: Path) -> list[Path]:
    """The folders in ``folder`` (none if it is not one), sorted; the kind of each is read from
    the listing, not one ``stat`` per folder."""
    try:
        with os.scandir(folder) as entries:
            names = sorted(entry.name for entry in entries if entry.is_dir())
        return [folder / name for name in names]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _fresh(renderer: Renderer, entry: UnitEntry) -> bool:
    """Whether a cached unit's pages were all rendered through the templates as they are now."""
    return renderer.fresh(entry.templates) and all(renderer.fresh(doc.templates) for doc in entry.documents)


def _timed(function, *args, **kwargs):
    """``function``'s result and its wall seconds."""
    started = time.perf_counter()
    return function(*args, **kwargs), time.perf_counter() - started


def _fingerprints(store: BuildCache, key: str) -> list:
    """The fingerprints (``copies.fingerprints``) stored aside with the document entry ``key``."""
    return store.get_aside(key) or []


def _known(errors: list, published: list) -> bool:
    """Whether every content error of ``errors`` is also one of ``published``'s."""
    return {str(e) for e in errors} <= {str(e) for e in published}


def build_portal(content: Path, output: Path, **options) -> BuildResult:
    """One build of ``content`` into ``output`` (``Builder``'s options); see ``Builder``."""
    return Builder(content, output, **options).build_all()
