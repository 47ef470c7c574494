"""``sitegen build``: load → check → render → write → index.

Units (their documents, projects and open data) are built in worker processes and stored in
the build cache (``unitbuild``, ``cache``); the parent then renders the portal-wide pages,
moves the unchanged unit folders of the previous output into a staging folder and links the
cached files of the others, writes the data package, the archive and the
search index, and swaps the staging folder in (``write``)."""
from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import plugins
from .assets import Assets, compress_tree, write_compressed
from .cache import BuildCache, FileHashes, build_key
from .check.copies import fingerprints
from .check import RULES_BY_ID, check_document, portal_findings
from .content import ContentErrors
from .content.errors import ContentError
from .content.loader import load_site
from .executors import run_units
from .model.documents import SLUG, Site
from .model.portal import BrokenUnit, LoadedUnit, Portal
from .progress import Progress
from .render import feeds, urls
from .render.pages import Page, broken_unit_page, portal_pages
from .render.views import source_label
from .search import SHARD_PAGES, IndexReport, build_index
from .theme import environment, static_files, theme_dirs
from .unitbuild import UnitEntry, UnitJob, unit_key
from .write import output_lock, reused_from, staged_output, write_bytes, write_text

CACHE_FOLDER = ".sitegen-cache"
# Above this many files, deleting the previous output (seconds) is left to a background process.
BACKGROUND_DISCARD = 20_000


class Renderer:
    """Renders pages through the theme's template search path.

    ``theme`` (a theme's name) overrides ``site.theme``; raises ``theme.ThemeError`` when it
    names no theme. ``preview`` adds the preview banner and script (``sitegen serve`` only;
    a published build never carries them) and keeps the assets' plain names (``assets.Assets``).
    """

    def __init__(self, content: Path, site: Site, theme: str | None = None, *, preview: bool = False):
        self.content = content
        self.site = site
        self.theme = theme
        self.dirs = theme_dirs(content.resolve().parent, theme or site.theme)
        self.env = environment(self.dirs, site.language)
        self.env.globals.update(site=site, rules=RULES_BY_ID, urls=urls, preview=preview)
        self.env.globals["source_label"] = lambda finding: source_label(finding, content)
        self.assets = Assets(static_files(self.dirs), hashed=not preview)
        self.env.globals["asset"] = self.assets.url
        self.env.globals["feeds"] = feeds.absolute_base(site.base_url) is not None  # sitemap and feed written

    def render(self, page: Page, root: str | None = None) -> tuple[str, str]:
        """(output-relative file, HTML) of ``page``; ``root`` overrides the relative prefix
        (the 404 page is served at any depth, so its links start from the path of base_url)."""
        root = urls.root_from(page.url) if root is None else root
        html = self.env.get_template(page.template).render(
            page.context, root=root, page_url=page.url, has_charts=page.has_charts)
        return urls.file_for(page.url), html

    def write_static(self, output: Path, *, compress: bool = False) -> None:
        """Theme static files into ``output/assets/``, and plotly.js, once (``assets.Assets``)."""
        self.assets.write(output, compress=compress)


@dataclass
class BuildResult:
    pages: int
    documents: int
    findings: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    content_errors: list = field(default_factory=list)
    rendered: list[str] = field(default_factory=list)  # page URLs rendered (not reused from the cache)
    index: IndexReport | None = None  # the search index's shards, indexed or reused
    warnings: list[str] = field(default_factory=list)  # what was built but should be fixed

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.findings.items())
        stages = " ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        errors = f"; {len(self.content_errors)} content error(s), their pages list them" if self.content_errors else ""
        index = (f"; search index: {self.index.shards} shard(s), {len(self.index.indexed)} indexed, "
                 f"{len(self.index.reused)} reused" if self.index else "")
        return (f"built {self.pages} pages ({len(self.rendered)} rendered, the rest from the cache) from {self.documents} "
                f"documents{errors}; findings: {counts}{index}; {stages}")


def check_portal(portal: Portal) -> dict[tuple, list]:
    """Findings per document key, the portal-wide ones (COPY-002) included."""
    findings = {doc.key: check_document(doc, portal.site.suppress) for doc in portal.documents()}
    for finding in portal_findings(portal, [fp for doc in portal.documents() for fp in fingerprints(doc)]):
        findings[(finding.unit_id, finding.year, finding.document)].append(finding)
    return findings


def finding_counts(findings: dict[tuple, list]) -> dict[str, int]:
    """Findings per severity over every document."""
    counts = dict.fromkeys(("error", "warning", "notice"), 0)
    for document_findings in findings.values():
        for finding in document_findings:
            if finding.counts:
                counts[finding.severity] += 1
    return counts


def build_portal(content: Path, output: Path, *, theme: str | None = None, search: bool = True,
                 strict: bool = False, cache: Path | None = None, workers: int | None = None,
                 search_shard_pages: int = SHARD_PAGES, executor: str = "process", scheduler: str | None = None,
                 progress: Progress | None = None) -> BuildResult:
    """Build the portal from ``content`` into ``output``.

    Units are built in ``workers`` processes (default: one per core), or on a Dask cluster
    (``executor="dask"``, ``scheduler`` its address; ``executors.run_units``), each unit's pages and
    open data stored in the build cache ``cache`` (default ``.sitegen-cache/`` beside the
    content folder) and linked into the staging folder; a document whose inputs did not
    change since a previous build is not loaded, checked or rendered again. The portal-wide
    pages, the data package and the archive are made anew every build; the search index is cut
    into shards of about ``search_shard_pages`` pages, and a shard whose units did not change
    is reused from the previous output (``search.build_index``).

    Builds of one ``output`` run one at a time (``write.output_lock``), with a shared cache
    or not.

    Lenient by default: documents and units with content errors get error pages and the
    rest builds (``BuildResult.content_errors`` lists them). Raises ``ContentErrors``
    (nothing written, previous output kept) when ``site.yaml`` is invalid, or on any content
    error when ``strict``.
    """
    timings: dict[str, float] = {}
    index: IndexReport | None = None
    warnings: list[str] = []
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[stage] = now - started
        started = now

    content = content.resolve()
    errors: list = []
    site = load_site(content / "site.yaml", errors)
    renderer = Renderer(content, site, theme)
    key = build_key((content / "site.yaml").read_bytes(), renderer.dirs, str(content))
    store = BuildCache(cache if cache is not None else content.parent / CACHE_FOLDER)
    with output_lock(output), store.lock():  # always in this order: no two builds wait on each other
        entries: list = []
        hashes = FileHashes(store.folder / "hashes.pickle")
        units_dir = content / "units"
        for unit_dir in sorted(p for p in units_dir.iterdir() if p.is_dir()) if units_dir.is_dir() else []:
            if not SLUG.match(unit_dir.name):
                entries.append(ContentError(unit_dir / "unit.yaml", 1, 1, f"unit folder '{unit_dir.name}' is not a slug — use lower-case ASCII letters, digits and '-'"))
                continue
            job = UnitJob(unit_dir, unit_key(key, unit_dir, hashes), key, content, site, store.folder)
            cached = store.get(job.key)
            if cached is not None:
                cached.rendered, cached.seconds = [], {}  # made by an earlier build, reused by this one
            entries.append(cached or job)
        lap("hash")
        jobs = [(i, e) for i, e in enumerate(entries) if isinstance(e, UnitJob)]
        built = run_units([job for _, job in jobs], renderer, workers=workers, executor=executor, scheduler=scheduler,
                          progress=progress)
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
                findings.update((doc.slim.key, doc.findings) for doc in entry.documents)
        if strict and portal.errors:
            raise ContentErrors(portal.errors)
        units = [e for e in entries if isinstance(e, UnitEntry) and isinstance(e.unit, LoadedUnit)]
        # Text copied between units: joined here from each document's fingerprints; these
        # findings show on the portal-wide pages (their documents' pages are built per unit).
        for finding in portal_findings(portal, [fp for e in units for d in e.documents for fp in d.prints]):
            findings.setdefault((finding.unit_id, finding.year, finding.document), []).append(finding)
        wide = portal_pages(portal, findings) + [broken_unit_page(portal, b) for b in portal.broken_units]
        page_urls = [page.url for page in wide] + [url for e in units for url in e.pages + [u for d in e.documents for u in d.pages]]
        files = sum(len(e.files) + sum(len(d.files) for d in e.documents) for e in units)
        with staged_output(output, protect=(content, renderer.dirs[0]), discard_in_background=files > BACKGROUND_DISCARD) as staging, \
                reused_from(output, staging) as reuse:
            written: list[str] = []  # the portal-wide files, compressed once all are written

            def put(relative: str, text: str) -> None:
                write_text(staging, relative, text)
                written.append(relative)

            for page in wide:
                put(*renderer.render(page))
            put("404.html", renderer.render(Page("404/", "404.html", {}), root=feeds.base_path(site.base_url))[1])
            lap("render")
            made: set[Path] = set()

            def link_unit(entry: UnitEntry) -> None:
                for n, relative in enumerate(entry.files):
                    store.link(entry.key, n, relative, staging, made)
                for doc in entry.documents:
                    for n, relative in enumerate(doc.files):
                        store.link(doc.key, n, relative, staging, made)

            # A unit folder made from the same inputs as the previous output's moves over whole;
            # the others are linked from the cache, by threads (system calls release the GIL).
            fresh = [entry for entry in units if not reuse(urls.unit(entry.id).rstrip("/"), entry.key)]
            with ThreadPoolExecutor(4) as pool:
                list(pool.map(link_unit, fresh))
            renderer.write_static(staging, compress=True)
            lap("write")

            def put_data(relative: str, data: str | bytes) -> None:
                if isinstance(data, str):
                    put(relative, data)
                else:
                    write_bytes(staging, relative, data)
                    written.append(relative)

            # sitemap, feed, data package, archive and every plugin's portal-wide files
            plugins.portal_outputs(plugins.PortalOutput(portal, findings, page_urls, units, staging, put_data,
                                                        lambda message: warnings.append(f"{content / 'site.yaml'}: {message}")))
            lap("downloads")
            if search:
                places = [urls.file_for(page.url) for page in wide if page.template == "region.html"]
                index = build_index(staging, units, previous=output, shard_pages=search_shard_pages, progress=progress,
                                    extra_pages=places, reuse=reuse)
                compress_tree(staging / "pagefind")
                lap("index")
            for relative in written:
                write_compressed(staging / relative)
            lap("compress")
        store.collect({e.key for e in units} | {d.key for e in units for d in e.documents})
        hashes.save()
        lap("cache")
    rendered = [page.url for page in wide] + [url for e in units if e.rendered for url in e.rendered]
    return BuildResult(pages=len(page_urls), documents=len(portal.documents()), findings=finding_counts(findings),
                       timings=timings, content_errors=list(portal.errors), rendered=rendered, index=index,
                       warnings=warnings)
