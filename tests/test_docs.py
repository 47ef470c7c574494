"""The docs cover every plugin hook and every site.yaml setting (Datasette's test_docs style):
adding a hook or a setting without documenting it fails here."""
from __future__ import annotations

import dataclasses
import re

import pytest

from sitegen import hookspecs
from sitegen.kinds import DocumentKindSpec
from sitegen.model.documents import Site

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
PLUGINS = (REPO / "docs" / "plugins.md").read_text(encoding="utf-8")
HOOKS = sorted(name for name, value in vars(hookspecs).items()
               if callable(value) and hasattr(value, "sitegen_spec"))


def test_the_hooks_are_found():
    assert HOOKS == ["document_charts", "portal_outputs", "register_document_kinds", "register_rules"]


@pytest.mark.parametrize("hook", HOOKS)
def test_every_hook_has_a_section_in_docs_and_a_mention_in_the_readme(hook):
    assert re.search(rf"^### `{hook}\(", PLUGINS, re.M), f"docs/plugins.md has no section for {hook}"
    assert f"`{hook}`" in README


@pytest.mark.parametrize("setting", list(Site.model_fields))
def test_every_site_setting_is_in_the_readme_table(setting):
    assert re.search(rf"^\| `{setting}` \|", README, re.M), f"README's site.yaml table lacks {setting}"


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(DocumentKindSpec)])
def test_every_document_kind_field_is_in_the_plugins_table(field):
    assert re.search(rf"^\| `{field}` \|", PLUGINS, re.M), f"docs/plugins.md's kind table lacks {field}"
