"""Themes: a template search path (MkDocs-style) and the static files to copy.

A site's own theme (``<site>/themes/<name>/``) comes first; any template or static file it
lacks falls back to the default theme shipped with sitegen.
"""
from __future__ import annotations

from pathlib import Path

import jinja2

from .render import formatting
from .render.i18n import translator

DEFAULT_THEME = Path(__file__).resolve().parent.parent / "themes" / "default"


def theme_dirs(site_root: Path, name: str | None, override: Path | None = None) -> list[Path]:
    """Theme folders, most specific first, each holding ``templates/`` and ``static/``."""
    dirs: list[Path] = []
    if override is not None:
        dirs.append(override)
    elif name and name != "default":
        dirs.append(site_root / "themes" / name)
    dirs.append(DEFAULT_THEME)
    return [d for d in dirs if d.is_dir()]


def environment(dirs: list[Path], language: str) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
    )
    env.filters["money"] = formatting.money
    env.filters["display"] = formatting.display
    env.globals["t"] = translator(language)
    return env


def static_files(dirs: list[Path]) -> dict[str, Path]:
    """Relative path → file; a file in a more specific theme wins."""
    files: dict[str, Path] = {}
    for theme in reversed(dirs):
        static = theme / "static"
        if static.is_dir():
            for file in sorted(static.rglob("*")):
                if file.is_file():
                    files[file.relative_to(static).as_posix()] = file
    return files
