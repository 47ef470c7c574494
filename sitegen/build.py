"""``sitegen build``: load → check → render → write → index, one stage after another."""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import plotly

from .check import RULES_BY_ID, check_document
from .content import load_portal
from .render import urls
from .render.pages import plan_pages
from .render.views import source_label
from .search import build_index
from .theme import environment, static_files, theme_dirs
from .write import staged_output, write_text

PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_URL = "assets/plotly.min.js"


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
    findings = {doc.key: check_document(doc) for doc in portal.documents()}
    lap("check")
    dirs = theme_dirs(content.resolve().parent, portal.site.theme, theme_dir)
    env = environment(dirs, portal.site.language)
    env.globals["site"] = portal.site
    env.globals["rules"] = RULES_BY_ID
    env.globals["urls"] = urls
    env.globals["source_label"] = lambda finding: source_label(finding, portal.root)
    pages = plan_pages(portal, findings)
    rendered = []
    for page in pages:
        template = env.get_template(page.template)
        root = urls.root_from(page.url)
        rendered.append((urls.file_for(page.url), template.render(
            page.context, root=root, page_url=page.url, plotly_url=root + PLOTLY_URL if page.has_charts else None)))
    lap("render")
    with staged_output(output, protect=(content, dirs[0])) as staging:
        for relative, html in rendered:
            write_text(staging, relative, html)
        for relative, file in static_files(dirs).items():
            target = staging / "assets" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(file, target)
        shutil.copyfile(PLOTLY_JS, staging / PLOTLY_URL)
        lap("write")
        if search:
            build_index(staging)
            lap("index")
    all_findings = [f for fs in findings.values() for f in fs]
    counts = {s: sum(1 for f in all_findings if f.severity == s) for s in ("error", "warning", "notice")}
    return BuildResult(pages=len(pages), documents=len(portal.documents()), findings=counts, timings=timings,
                       content_errors=list(portal.errors))
