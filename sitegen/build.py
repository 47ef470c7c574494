"""``sitegen build``: load → check → render → write → index, one stage after another."""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import plotly

from .check import RULES_BY_ID, check_document
from .content import load_portal
from .model.documents import Site
from .model.portal import Portal
from .render import feeds, urls
from .render.pages import Page, plan_pages
from .render.views import source_label
from .search import build_index
from .theme import environment, static_files, theme_dirs
from .export import portal_downloads
from .write import staged_output, write_bytes, write_text

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = "assets/plotly.min.js"


class Renderer:
    """Renders pages through the theme's template search path.

    ``preview`` adds the preview banner and script (``sitegen serve`` only; a published
    build never carries them).
    """

    def __init__(self, content: Path, site: Site, theme_dir: Path | None = None, *, preview: bool = False):
        self.content = content
        self.dirs = theme_dirs(content.resolve().parent, site.theme, theme_dir)
        self.env = environment(self.dirs, site.language)
        self.env.globals.update(site=site, rules=RULES_BY_ID, urls=urls, preview=preview)
        self.env.globals["source_label"] = lambda finding: source_label(finding, content)

    def render(self, page: Page, root: str | None = None) -> tuple[str, str]:
        """(output-relative file, HTML) of ``page``; ``root`` overrides the relative prefix
        (the 404 page is served at any depth, so its links start from the site's base URL)."""
        root = urls.root_from(page.url) if root is None else root
        html = self.env.get_template(page.template).render(
            page.context, root=root, page_url=page.url, plotly_url=root + PLOTLY_URL if page.has_charts else None)
        return urls.file_for(page.url), html

    def write_static(self, output: Path) -> None:
        """Theme static files into ``output/assets/``, and plotly.js, once."""
        for relative, file in static_files(self.dirs).items():
            target = output / "assets" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
        shutil.copyfile(PLOTLY_JS, output / PLOTLY_URL)


@dataclass
class BuildResult:
    pages: int
    documents: int
    findings: dict[str, int]
    timings: dict[str, float] = field(default_factory=dict)
    content_errors: list = field(default_factory=list)

    def summary(self) -> str:
        counts = ", ".join(f"{k} {v}" for k, v in self.findings.items())
        stages = " ".join(f"{k} {v:.2f}s" for k, v in self.timings.items())
        errors = f"; {len(self.content_errors)} content error(s), their pages list them" if self.content_errors else ""
        return f"built {self.pages} pages from {self.documents} documents{errors}; findings: {counts}; {stages}"


def check_portal(portal: Portal) -> dict[tuple, list]:
    """Findings per document key."""
    return {doc.key: check_document(doc) for doc in portal.documents()}


def finding_counts(findings: dict[tuple, list]) -> dict[str, int]:
    """Findings per severity over every document."""
    counts = dict.fromkeys(("error", "warning", "notice"), 0)
    for document_findings in findings.values():
        for finding in document_findings:
            counts[finding.severity] += 1
    return counts


def build_portal(content: Path, output: Path, *, theme_dir: Path | None = None, search: bool = True,
                 strict: bool = False) -> BuildResult:
    """Build the portal from ``content`` into ``output``.

    Lenient by default: documents and units with content errors get error pages and the
    rest builds (``BuildResult.content_errors`` lists them). Raises ``ContentErrors``
    (nothing written, previous output kept) when ``site.yaml`` is invalid, or on any content
    error when ``strict``.
    """
    timings: dict[str, float] = {}
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[stage] = now - started
        started = now

    portal = load_portal(content, strict=strict)
    lap("load")
    findings = check_portal(portal)
    lap("check")
    renderer = Renderer(content, portal.site, theme_dir)
    pages = plan_pages(portal, findings)
    rendered = [renderer.render(page) for page in pages]
    rendered.append(("404.html", renderer.render(Page("404/", "404.html", {}), root=portal.site.base_url)[1]))
    lap("render")
    with staged_output(output, protect=(content, renderer.dirs[0])) as staging:
        for relative, html in rendered:
            write_text(staging, relative, html)
        renderer.write_static(staging)
        lap("write")
        for relative, data in portal_downloads(portal, findings):
            write_bytes(staging, relative, data)
        write_text(staging, "sitemap.xml", feeds.sitemap([page.url for page in pages], portal.site.base_url))
        write_text(staging, "feed.xml", feeds.atom(portal, portal.site.base_url))
        lap("downloads")
        if search:
            build_index(staging)
            lap("index")
    return BuildResult(pages=len(pages), documents=len(portal.documents()), findings=finding_counts(findings),
                       timings=timings, content_errors=list(portal.errors))
