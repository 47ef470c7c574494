"""Themes are names, looked up in the site's themes/ folder and then among the shipped ones;
a misspelt, path-like or escaping theme builds nothing (exit 2) and says why."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import CONTENT
from .test_cli import run


def site_with_theme(tmp_path: Path, theme: str) -> Path:
    """A copy of the real content whose site.yaml names ``theme``; returns the content folder."""
    content = tmp_path / "site" / "content"
    shutil.copytree(CONTENT, content)
    text = (CONTENT / "site.yaml").read_text(encoding="utf-8")
    assert "theme: default\n" in text
    (content / "site.yaml").write_text(text.replace("theme: default\n", f"theme: {theme}\n"), encoding="utf-8")
    return content


def theme_line(content: Path) -> int:
    return next(n for n, line in enumerate((content / "site.yaml").read_text(encoding="utf-8").splitlines(), 1)
                if line.startswith("theme:"))


def build(content: Path, *options: str):
    output = content.parent / "output"
    return run("build", "--content", str(content), "--output", str(output), "--no-search", *options), output


def outside_theme(tmp_path: Path) -> Path:
    """A theme outside the site whose template would run a command and whose static file would be published."""
    theme = tmp_path / "elsewhere"
    (theme / "templates").mkdir(parents=True)
    (theme / "static").mkdir()
    (theme / "templates" / "base.html").write_text("{{ self.__init__.__globals__ }}", encoding="utf-8")
    (theme / "static" / "secret.txt").write_text("outside the site", encoding="utf-8")
    return theme


def test_a_misspelt_theme_names_the_choices_at_its_line(tmp_path):
    content = site_with_theme(tmp_path, "defualt")
    result, output = build(content)
    assert result.returncode == 2
    assert f"site.yaml:{theme_line(content)}:8: unknown theme 'defualt' — choose one of: default" in result.stderr
    assert not output.exists()


@pytest.mark.parametrize("theme", ["/tmp", "../themes/default", "default/../default", "themes/default"])
def test_a_theme_is_a_name_not_a_path(tmp_path, theme):
    content = site_with_theme(tmp_path, theme)
    result, output = build(content)
    assert result.returncode == 2 and f"theme '{theme}' is not a name" in result.stderr
    assert not output.exists()
    result, _ = build(site_with_theme(tmp_path / "again", "default"), "--theme", theme)
    assert result.returncode == 2 and "--theme" in result.stderr and "is not a name" in result.stderr


@pytest.mark.parametrize("linked", ["folder", "file"])
def test_a_theme_linked_outside_the_site_is_refused(tmp_path, linked):
    """Through site.yaml for a linked folder, through --theme for a linked file."""
    content = site_with_theme(tmp_path, "county" if linked == "folder" else "default")
    theme, outside = content.parent / "themes" / "county", outside_theme(tmp_path)
    if linked == "folder":
        theme.parent.mkdir()
        theme.symlink_to(outside, target_is_directory=True)
    else:
        (theme / "static").mkdir(parents=True)
        (theme / "static" / "secret.txt").symlink_to(outside / "static" / "secret.txt")
    result, output = build(content, *(["--theme", "county"] if linked == "file" else []))
    assert result.returncode == 2 and "leads outside the site folder" in result.stderr
    assert not output.exists()


def test_theme_option_names_a_site_theme(tmp_path):
    content = site_with_theme(tmp_path, "default")
    theme = content.parent / "themes" / "county"
    (theme / "static").mkdir(parents=True)
    (theme / "static" / "style.css").write_text("body { color: #123456; }\n", encoding="utf-8")
    result, output = build(content, "--theme", "county")
    assert result.returncode == 0, result.stderr
    [style] = (output / "assets").glob("style.*.css")  # published under a content-hashed name
    assert style.read_text(encoding="utf-8") == "body { color: #123456; }\n"
    result, _ = build(content, "--theme", "nope")
    assert result.returncode == 2 and "unknown theme 'nope' — choose one of: county, default" in result.stderr
