"""Themes: a template search path (MkDocs-style) and the static files to copy.

A theme is a name, looked up in the site's ``themes/`` folder (beside ``content/``) and then
among the themes shipped with sitegen; never a path. The named theme comes first; any
template or static file it lacks falls back to the default theme.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import jinja2

from .render import formatting
from .render.i18n import translator

# Shipped themes: ``sitegen/themes/`` in an installed wheel (pyproject.toml maps the
# repository's ``themes/`` there), the repository's ``themes/`` in a source tree.
_PACKAGE = Path(__file__).resolve().parent
SHIPPED = next((d for d in (_PACKAGE / "themes", _PACKAGE.parent / "themes") if (d / "default").is_dir()),
               _PACKAGE / "themes")
DEFAULT_THEME = SHIPPED / "default"
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


class ThemeError(ValueError):
    """A theme that is not a name, names no theme, or leaves the site folder."""


def theme_names(site_root: Path) -> list[str]:
    """The themes a site may name: its own ``themes/<name>/`` folders and the shipped ones."""
    names: set[str] = set()
    for folder in (site_root / "themes", SHIPPED):
        if folder.is_dir():
            names.update(d.name for d in folder.iterdir() if d.is_dir() and NAME.match(d.name))
    return sorted(names)


def theme_folder(site_root: Path, name: str) -> Path:
    """The folder of theme ``name``: ``<site_root>/themes/<name>/``, else the shipped one.

    Raises ``ThemeError`` when ``name`` is a path rather than a name, names no theme (the
    message lists the valid names), or is a site theme that leads outside ``site_root``
    through a symbolic link (its templates run at build time and its files are published).
    """
    if not NAME.match(name):
        raise ThemeError(f"theme '{name}' is not a name — a theme is a folder of themes/ beside content/, "
                         "named with letters, digits, '-' and '_'")
    own = site_root / "themes" / name
    if own.is_dir():
        _refuse_escapes(own, site_root.resolve())
        return own
    if (SHIPPED / name).is_dir():
        return SHIPPED / name
    raise ThemeError(f"unknown theme '{name}' — choose one of: {', '.join(theme_names(site_root))}")


def _refuse_escapes(theme: Path, site_root: Path) -> None:
    for folder, subfolders, files in os.walk(theme):
        for entry in [folder, *(os.path.join(folder, name) for name in subfolders + files)]:
            target = Path(entry).resolve()
            if target != site_root and site_root not in target.parents:
                raise ThemeError(f"theme file {entry} leads outside the site folder (to {target}) — refused")


def theme_dirs(site_root: Path, name: str | None) -> list[Path]:
    """Theme folders, most specific first, each holding ``templates/`` and ``static/``;
    raises ``ThemeError`` (see ``theme_folder``)."""
    dirs = [theme_folder(site_root, name)] if name else []
    if not dirs or dirs[0].resolve() != DEFAULT_THEME.resolve():
        dirs.append(DEFAULT_THEME)
    return dirs


class RecordingEnvironment(jinja2.Environment):
    """An environment that notes every template a render loads (the page's own, and each one
    reached through ``extends``, ``include`` and ``import``, which Jinja's compiled templates load
    through ``get_template``/``select_template``), so the builder knows which pages a template
    edit makes stale (as Lektor's ``record_dependency`` does). ``recording`` holds the names
    while a render runs; ``None`` records nothing."""

    recording: set[str] | None = None

    def get_template(self, name, parent=None, globals=None):
        return self._noted(super().get_template(name, parent, globals))

    def select_template(self, names, parent=None, globals=None):
        return self._noted(super().select_template(names, parent, globals))

    def _noted(self, template: jinja2.Template) -> jinja2.Template:
        if self.recording is not None and template.name is not None:
            self.recording.add(template.name)
        return template


def environment(dirs: list[Path], language: str, compiled: Path | None = None) -> RecordingEnvironment:
    """The Jinja environment over the theme folders ``dirs``. ``compiled``: a folder keeping the
    compiled templates between processes (Jinja's bytecode cache, keyed by each template's
    source), so a build's parent and its workers do not compile every template again."""
    if compiled is not None:
        compiled.mkdir(parents=True, exist_ok=True)
    env = RecordingEnvironment(
        loader=jinja2.FileSystemLoader([str(d / "templates") for d in dirs]),
        autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled)) if compiled is not None else None,
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
