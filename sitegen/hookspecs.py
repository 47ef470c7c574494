"""The plugin hooks (pluggy). sitegen's own rules, document kinds, charts and outputs are
registered through them too (``sitegen/builtin.py``), so a plugin extends the same tables.

A plugin is a module with functions marked ``@hookimpl`` (``from sitegen.hookspecs import
hookimpl``), found through the ``sitegen.plugins`` entry point group of an installed package
or named in ``site.yaml``'s ``plugins:`` list. See docs/plugins.md.
"""
from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("sitegen")
hookimpl = pluggy.HookimplMarker("sitegen")


@hookspec
def register_rules():
    """Rules and the checks that report them: an iterable of ``sitegen.check.rules.RuleSet``
    (``rules``: ``Rule`` entries with a unique ``FAMILY-NNN`` ID; ``check(doc, report)``: reads a
    ``LoadedDocument`` and calls ``report.add(rule_id, path, message, …)``; never mutates).
    Registered IDs get rule pages, count in findings and may be named in ``suppress:``."""


@hookspec
def register_document_kinds():
    """Document kinds: an iterable of ``sitegen.kinds.DocumentKindSpec`` (name, model, file
    name, URL segment, order, Chinese label, chart set, export tables). A kind's name must be
    unique; the loader reads ``units/<unit>/<year>/<file_name>`` into its model."""


@hookspec
def document_charts(doc, marks):
    """Extra charts for a document page: a list of ``sitegen.render.charts.Chart`` for the
    ``LoadedDocument`` ``doc`` (``marks``: its findings' ``render.views.Marks``). The built-in
    implementation returns the kind's chart set; chart ids are renumbered in call order."""


@hookspec
def portal_outputs(output):
    """Write portal-wide files into the build: ``output`` is a ``sitegen.plugins.PortalOutput``
    (the portal, its findings, the page URLs, the unit entries, ``write(relative, data)`` and
    ``write_cached(stamp, relative, make)``). The built-in implementation writes the sitemap,
    the Atom feed, the data package and an archive per place. Called once per build, after the
    pages and before the search index."""
