"""The plugin manager and the registries it fills: rules, document kinds, charts, outputs.

sitegen registers its own built-ins (``sitegen.builtin``) first, then every installed
``sitegen.plugins`` entry point; ``use(names)`` adds the modules a site names in
``site.yaml``'s ``plugins:`` list. The registries are read from the hooks and cached until
a plugin is added. Worker processes forked by ``build`` inherit the registrations.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from importlib.metadata import entry_points
from pathlib import Path

import pluggy

from . import hookspecs

GROUP = "sitegen.plugins"
_manager: pluggy.PluginManager | None = None


class PluginError(ValueError):
    """A plugin that cannot be imported, or that registers something invalid."""


def manager() -> pluggy.PluginManager:
    """The process's plugin manager, made on first use."""
    global _manager
    if _manager is None:
        pm = pluggy.PluginManager("sitegen")
        pm.add_hookspecs(hookspecs)
        from . import builtin
        pm.register(builtin, name="sitegen.builtin")
        pm.load_setuptools_entrypoints(GROUP)
        _manager = pm
    return _manager


def installed() -> list[str]:
    """Names of the installed ``sitegen.plugins`` entry points."""
    return sorted(ep.name for ep in entry_points(group=GROUP))


def use(names: Iterable[str]) -> None:
    """Register the modules ``names`` (importable module paths, e.g. ``mysite.plugin``, or the
    name of an installed entry point). Raises ``PluginError`` naming the valid choices."""
    pm = manager()
    points = {ep.name: ep for ep in entry_points(group=GROUP)}
    for name in names:
        if pm.has_plugin(name) or pm.get_plugin(name) is not None:
            continue
        try:
            module = points[name].load() if name in points else importlib.import_module(name)
        except Exception as exc:  # an import error of any kind is the site's setting being wrong
            choices = ", ".join(installed()) or "none installed"
            raise PluginError(f"cannot load plugin '{name}' ({type(exc).__name__}: {exc}) — expected an installed "
                              f"plugin ({choices}) or an importable module name") from None
        if pm.is_registered(module):
            continue
        pm.register(module, name=name)
        _clear()


def reset() -> None:
    """Forget every registration (the next use starts again from the built-ins and the
    installed entry points): for tests, and a long-running process switching sites."""
    global _manager
    _manager = None
    _clear()


def _clear() -> None:
    for cached in (rule_sets, rules_by_id, kinds, _adapter):
        cached.cache_clear()


# ---------------------------------------------------------------- rules


@lru_cache(maxsize=1)
def rule_sets() -> tuple:
    """Every registered ``RuleSet``, built-ins first (their hooks are ``tryfirst``). Raises ``PluginError`` on a duplicate ID."""
    sets = tuple(s for result in manager().hook.register_rules() for s in result)
    seen: set[str] = set()
    for rule_set in sets:
        for rule in rule_set.rules:
            if rule.id in seen:
                raise PluginError(f"rule {rule.id} is registered twice")
            seen.add(rule.id)
    return sets


@lru_cache(maxsize=1)
def rules_by_id() -> dict:
    """Rule ID → ``Rule`` for every registered rule, in registration order."""
    return {rule.id: rule for rule_set in rule_sets() for rule in rule_set.rules}


def checks() -> list[Callable]:
    """Every registered check function ``check(doc, report)``."""
    return [check for rule_set in rule_sets() for check in rule_set.checks]


# ---------------------------------------------------------------- document kinds


@lru_cache(maxsize=1)
def kinds() -> dict:
    """Kind name → ``DocumentKindSpec``, in ``order``. Raises ``PluginError`` on a duplicate
    name, file name or URL segment."""
    specs = [spec for result in manager().hook.register_document_kinds() for spec in result]
    for attribute in ("name", "file_name", "url"):
        values = [getattr(spec, attribute) for spec in specs]
        twice = sorted({v for v in values if values.count(v) > 1})
        if twice:
            raise PluginError(f"document kind {attribute} registered twice: {', '.join(twice)}")
    return {spec.name: spec for spec in sorted(specs, key=lambda s: (s.order, s.name))}


def kind(name: str):
    """The ``DocumentKindSpec`` of ``name``; ``KeyError`` for an unregistered kind."""
    return kinds()[name]


def kind_files() -> dict:
    """Document file name (``budget.yaml``) → ``DocumentKindSpec``."""
    return {spec.file_name: spec for spec in kinds().values()}


def kind_label(name: str) -> str:
    """The kind's Chinese name (部门预算)."""
    return kinds()[name].label


def kind_tables(doc, findings) -> list:
    """The open-data tables (``export.DataTable``) of ``doc``, by its kind's ``tables``."""
    tables = kinds()[doc.kind].tables
    return tables(doc, findings) if tables else []


@lru_cache(maxsize=1)
def _adapter():
    from typing import Annotated, Union

    from pydantic import Field, TypeAdapter
    models = tuple(spec.model for spec in kinds().values())
    return TypeAdapter(Annotated[Union[models], Field(discriminator="kind")] if len(models) > 1 else models[0])


def document_adapter():
    """A pydantic ``TypeAdapter`` for any registered kind, told apart by ``kind:``."""
    return _adapter()


# ---------------------------------------------------------------- charts and outputs


def document_charts(doc, marks) -> list:
    """Charts of a document page: the kind's chart set, then every plugin's, numbered
    ``chart-1``, ``chart-2`` … in that order (ids are unique on the page)."""
    import dataclasses
    found = [chart for result in manager().hook.document_charts(doc=doc, marks=marks) for chart in result]
    return [dataclasses.replace(chart, id=f"chart-{n}") for n, chart in enumerate(found, 1)]


@dataclass
class PortalOutput:
    """What a ``portal_outputs`` hook gets: ``portal`` (``Portal``: site, units, errors),
    ``findings`` ((unit, year, kind) → findings), ``page_urls`` (every page, relative: the
    portal-wide ones, ``wide_urls``, then each unit's and its documents'; listed when first read,
    as it holds most of a million addresses at a province's scale), ``units`` (the build's unit entries: their documents' ``resources`` and ``downloads``),
    ``folder`` (the staging folder being written). ``write(relative, data)`` writes text or bytes
    (compressed beside it, ``.gz``/``.br``, with the other portal-wide files); ``warn(message)``
    reports something the site should fix (shown after the build, attributed to ``site.yaml``).
    ``write_cached(stamp, relative, make, compress=False)`` puts at ``relative`` the file the
    build cache holds under ``stamp`` (a hash of everything its bytes are made from), calling
    ``make()`` for the bytes only when the cache does not hold them yet; with ``compress``, its
    ``.gz``/``.br`` copies too (made once, with the bytes), else none (for a file compressed
    already, such as a ZIP)."""

    portal: object
    findings: dict
    wide_urls: list
    units: list
    folder: Path
    write: Callable[[str, str | bytes], None]
    warn: Callable[[str], None]
    write_cached: Callable[..., None]

    @cached_property
    def page_urls(self) -> list[str]:
        listed = list(self.wide_urls)
        for entry in self.units:
            listed += entry.page_urls
        return listed


def portal_outputs(output: PortalOutput) -> None:
    """Run every ``portal_outputs`` hook, built-ins first."""
    manager().hook.portal_outputs(output=output)
