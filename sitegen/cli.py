"""The ``sitegen`` command: build, check, schema, import."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from .content import ContentErrors, load_portal


# Exit status of ``sitegen build``
BUILT_WITH_CONTENT_ERRORS = 1
NOTHING_BUILT = 2   # the site's own settings are wrong: site.yaml, the theme, --strict with content errors
BUILD_FAILED = 3    # the build itself failed (a full disk, a worker that died): nothing published


def _echo_errors(errors: list) -> None:
    from .check.report import terminal_line

    for error in errors:
        click.echo(terminal_line(str(error)), err=True)


def _report_content_errors(exc: ContentErrors) -> None:
    _echo_errors(exc.errors)
    click.echo(f"{len(exc.errors)} content error(s); nothing was built.", err=True)


def _check_theme(content_dir: Path, theme: str | None) -> None:
    """``--theme`` names a theme of the site or a shipped one (a usage error, exit 2, if not)."""
    from .theme import ThemeError, theme_folder

    if theme is not None:
        try:
            theme_folder(content_dir.resolve().parent, theme)
        except ThemeError as exc:
            raise click.BadParameter(str(exc), param_hint="--theme") from None


def _failure(exc: Exception) -> str:
    """One line saying what failed: an ``OSError``'s reason and file, not its traceback."""
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return " ".join(str(exc).split())


@click.group()
@click.version_option(package_name="sitegen")
def main() -> None:
    """Build a budget disclosure portal from a folder of YAML."""


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"), show_default=True)
@click.option("--strict", is_flag=True, help="Exit 1 when any finding is an error.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text", show_default=True,
              help="text: file:line:col: RULE-ID severity message; json: a list of findings; sarif: SARIF 2.1.0.")
def check(content_dir: Path, strict: bool, output_format: str) -> None:
    """Load the content, run the consistency checks and print the findings.

    Exit status: 2 when content files have errors; with --strict, 1 when a finding is an error.
    """
    from .check import run_checks
    from .check.report import FORMATS

    try:
        portal = load_portal(content_dir)
    except ContentErrors as exc:
        _report_content_errors(exc)
        sys.exit(2)
    findings = run_checks(portal)
    click.echo(FORMATS[output_format](findings, portal.errors), nl=False)
    errors = sum(1 for f in findings if f.severity == "error" and f.counts)
    click.echo(f"{len(portal.errors)} content error(s); {len(findings)} finding(s), {errors} error(s) "
               f"in {len(portal.documents())} document(s).", err=True)
    if portal.errors:
        sys.exit(2)
    if strict and errors:
        sys.exit(1)


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"), show_default=True)
@click.option("--output", "output_dir", type=click.Path(path_type=Path), default=Path("output"), show_default=True)
@click.option("--theme", default=None, help="Theme name overriding site.yaml's (a folder of themes/ beside CONTENT, "
              "or a theme shipped with sitegen).")
@click.option("--no-search", is_flag=True, help="Skip the search index (faster previews).")
@click.option("--compact-search", is_flag=True, help="Index every search shard holding a change again and empty the "
              "index's delta (done by itself once the delta outgrows a few hundred pages).")
@click.option("--strict", is_flag=True, help="Fail (build nothing) when any content file has an error.")
@click.option("--cache", "cache_dir", type=click.Path(path_type=Path), default=None,
              help="Build cache folder [default: .sitegen-cache beside CONTENT].")
@click.option("--no-cache", is_flag=True, help="Build everything anew (a temporary cache, removed after).")
@click.option("--jobs", type=click.IntRange(1), default=None, help="Worker processes [default: one per core].")
@click.option("--executor", type=click.Choice(["process", "dask"]), default="process", show_default=True,
              help="Where units are built: local worker processes, or a Dask cluster (a local one unless --scheduler).")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Build the units on the Dask scheduler at ADDRESS (tcp://HOST:PORT); implies --executor dask. "
                   "Content and cache must be at the same path on every worker (a shared folder).")
@click.option("--timings-json", type=click.Path(path_type=Path), default=None,
              help="Write the build's figures (seconds per stage, pages, pages rendered) to this JSON file.")
@click.option("--changed", "changed", multiple=True, type=click.Path(path_type=Path), metavar="PATH",
              help="Only PATH changed since the last build with this cache (repeat for several; a deleted file too): "
                   "the other unit folders are not read again. For scripts that know what they changed, such as a "
                   "commit hook; a change not named is picked up by the next build without --changed.")
@click.option("--search-shard-pages", type=click.IntRange(1), default=None, hidden=True,
              help="Pages per search index shard (default: sitegen.search.SHARD_PAGES); for benchmarks.")
def build(content_dir: Path, output_dir: Path, theme: str | None, no_search: bool, compact_search: bool, strict: bool,
          cache_dir: Path | None, no_cache: bool, jobs: int | None, executor: str, scheduler: str | None,
          timings_json: Path | None, search_shard_pages: int | None, changed: tuple[Path, ...]) -> None:
    """Build the portal from CONTENT into OUTPUT.

    Exit status: 0 built cleanly; 1 built, but some content had errors (their pages list
    them); 2 nothing built: invalid site.yaml or theme, --strict with content errors, an
    output folder sitegen may not replace; 3 the build failed (a full disk or another
    I/O error, a worker that died, the search indexer): the message says what failed,
    and the previous output was kept.
    """
    import contextlib
    import tempfile

    import jinja2

    from .builder import Builder
    from .executors import BuildError
    from .progress import Progress
    from .search import SHARD_PAGES, SearchIndexError
    from .write import OutputError

    _check_theme(content_dir, theme)

    try:  # --no-cache: a temporary cache, removed after (made in the try: a full disk can fail it too)
        with (tempfile.TemporaryDirectory(prefix="sitegen-cache-", ignore_cleanup_errors=True) if no_cache
              else contextlib.nullcontext(cache_dir)) as cache:
            builder = Builder(content_dir, output_dir, theme=theme, search=not no_search, strict=strict,
                             cache=cache and Path(cache), workers=jobs, search_shard_pages=search_shard_pages or SHARD_PAGES,
                             executor=executor, scheduler=scheduler, progress=Progress(),
                             compact_search=compact_search)
            result = builder.rebuild(changed) if changed else builder.build_all()
    except ContentErrors as exc:
        _report_content_errors(exc)
        sys.exit(NOTHING_BUILT)
    except jinja2.TemplateError as exc:
        where = f"{exc.filename}:{exc.lineno}: " if isinstance(exc, jinja2.TemplateSyntaxError) else ""
        click.echo(f"{where}theme template error: {exc}; the previous output was kept.", err=True)
        sys.exit(NOTHING_BUILT)
    except OutputError as exc:
        click.echo(f"{exc}; the previous output was kept.", err=True)
        sys.exit(NOTHING_BUILT)
    except (OSError, BuildError, SearchIndexError) as exc:
        click.echo(f"build failed: {_failure(exc)}; the previous output was kept.", err=True)
        sys.exit(BUILD_FAILED)
    if timings_json is not None:
        timings_json.write_text(json.dumps({"timings": result.timings, "pages": result.pages, "documents": result.documents,
                                            "rendered": len(result.rendered),
                                            "search": result.index and {"shards": result.index.shards, "indexed": result.index.indexed,
                                                                        "reused": result.index.reused}}, indent=1), encoding="utf-8")
    _echo_errors(result.content_errors)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    click.echo(result.summary())
    if result.content_errors:
        sys.exit(BUILT_WITH_CONTENT_ERRORS)


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=None,
              help="Content folder whose site.yaml names plugins (their document kinds are included).")
@click.option("--output", "output_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write one schema file per content file (site, unit and each document kind) into this folder, "
                   "for a YAML language server, instead of printing them.")
def schema(content_dir: Path | None, output_dir: Path | None) -> None:
    """Print the JSON Schema of the content files: every field with its title and description.

    With ``--output DIR``: ``site.schema.json``, ``unit.schema.json`` and ``<file name>.schema.json``
    per document kind (``budget.schema.json`` …), for ``# yaml-language-server: $schema=…``.
    Exit 2 when ``--content``'s site.yaml is invalid (a plugin that cannot be loaded)."""
    from .model import Site, Unit
    from .model.schema import json_schema
    from .plugins import document_adapter, kinds

    if content_dir is not None:
        from .content.loader import load_site
        try:
            load_site(content_dir / "site.yaml", [])
        except ContentErrors as exc:
            _echo_errors(exc.errors)
            sys.exit(NOTHING_BUILT)
    if output_dir is None:
        click.echo(json.dumps({
            "document": json_schema(document_adapter()),
            "unit": json_schema(Unit),
            "site": json_schema(Site),
        }, ensure_ascii=False, indent=2))
        return
    output_dir.mkdir(parents=True, exist_ok=True)
    files = {"site": json_schema(Site), "unit": json_schema(Unit)}
    files.update((spec.file_name.removesuffix(".yaml"), json_schema(spec.model)) for spec in kinds().values())
    for name, document in files.items():
        (output_dir / f"{name}.schema.json").write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        click.echo(output_dir / f"{name}.schema.json")


@main.command(name="import")
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--unit", "unit_id", required=True, help="The unit's id (its URL), e.g. putuo-czj; a new unit gets a unit.yaml.")
@click.option("--year", type=click.IntRange(1990, 2100), required=True, help="The fiscal year the document reports on.")
@click.option("--kind", type=click.Choice(["final_accounts"]), default="final_accounts", show_default=True)
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"), show_default=True)
@click.option("--force", is_flag=True, help="Replace the document if it exists.")
def import_(source: Path, unit_id: str, year: int, kind: str, content_dir: Path, force: bool) -> None:
    """Import a published 部门决算 (PDF, or XLSX with one sheet per standard table) into
    CONTENT/units/UNIT/YEAR/ and print what was found.

    Exit status: 0 imported; 1 imported, but something could not be mapped (listed, left out);
    2 nothing written (not a disclosure, no site folder, the document exists).
    """
    from .importer import ImportRefused, NotADisclosure, import_disclosure, report

    try:
        result = import_disclosure(source, content_dir, unit_id, year, kind, force=force)
    except (ImportRefused, NotADisclosure) as exc:
        click.echo(f"error: {exc}; nothing was written.", err=True)
        sys.exit(2)
    click.echo(report(result, Path.cwd()), nl=False)
    if result.problems:
        sys.exit(1)


@main.command()
@click.option("--units", type=click.IntRange(1), default=20, show_default=True)
@click.option("--years", type=click.IntRange(1, 30), default=2, show_default=True)
@click.option("--seed", type=int, default=1, show_default=True)
@click.argument("out_dir", type=click.Path(path_type=Path))
def synth(units: int, years: int, seed: int, out_dir: Path) -> None:
    """Write a synthetic portal (UNITS × YEARS × 3 documents) into OUT_DIR/content,
    with the inconsistencies it planted listed in OUT_DIR/planted.json."""
    from .synth import synthesize

    try:
        portal = synthesize(out_dir, units, years, seed)
    except FileExistsError:
        raise click.UsageError(f"{out_dir / 'content'} exists — choose an empty OUT_DIR") from None
    click.echo(f"{portal.units} units, {portal.documents} documents, {len(portal.planted)} planted inconsistencies in {out_dir}")


@main.command()
@click.option("--content", "content_dir", type=click.Path(path_type=Path), default=Path("content"), show_default=True)
@click.option("--theme", default=None, help="Theme name overriding site.yaml's.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", default=8000, show_default=True, type=int)
@click.option("--expose", is_flag=True, help="Allow binding to an address other than loopback (the preview answers only requests naming that address).")
def serve(content_dir: Path, theme: str | None, host: str, port: int, expose: bool) -> None:
    """Preview the portal: build (as `build` does, with the same cache), serve, and rebuild
    and reload on every saved change."""
    import logging
    import shutil
    import tempfile

    from .builder import Builder
    from .preview.server import LOOPBACK, Preview, serve as run
    from .theme import DEFAULT_THEME

    _check_theme(content_dir, theme)
    if host not in LOOPBACK and not expose:
        raise click.UsageError(f"--host {host} would expose the preview beyond this machine; add --expose if you mean it")
    if host not in LOOPBACK:
        click.echo(f"warning: the preview is reachable by anyone who can reach {host}:{port}", err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    folder = Path(tempfile.mkdtemp(prefix="sitegen-preview-"))
    preview = Preview(Builder(content_dir, folder / "site", theme=theme, keep_last_good=True))
    watched: list[Path] = []
    for path in (content_dir, content_dir.resolve().parent / "themes", DEFAULT_THEME):
        if not any(w == path.resolve() or w in path.resolve().parents for w in watched):
            watched.append(path.resolve())
    click.echo(f"preview: http://{host}:{port}/  (Ctrl-C to stop)", err=True)
    try:
        run(preview, watched, host, port)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
