"""The preview is the build: one Builder rebuilds exactly the stale pages (content hashes and
the templates each page rendered through), the same in `build` and `serve`; the last good
pages stay served while a saved file has errors."""
from __future__ import annotations

import shutil

import pytest

from sitegen.builder import Builder, build_portal
from sitegen.content import load_portal
from sitegen.preview.server import Preview
from sitegen.render import urls
from sitegen.render.regions import region_tree, walk
from sitegen.theme import DEFAULT_THEME

from .conftest import CONTENT
from .test_search_shards import fragments as indexed_texts


@pytest.fixture
def site(tmp_path):
    """A copy of the real content with a site theme ``mine`` overriding three templates of the
    default theme (copies of them, so that the tests may edit them)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    templates = tmp_path / "themes" / "mine" / "templates"
    (templates / "partials").mkdir(parents=True)
    for name in ("rule.html", "unit.html", "partials/evaluation.html"):
        shutil.copyfile(DEFAULT_THEME / "templates" / name, templates / name)
    site_yaml = content / "site.yaml"
    site_yaml.write_text(site_yaml.read_text(encoding="utf-8").replace("theme: default", "theme: mine"), encoding="utf-8")
    return content


@pytest.fixture
def preview(site, tmp_path):
    preview = Preview(Builder(site, tmp_path / "preview" / "site", search=False, cache=tmp_path / "cache", workers=1,
                              keep_last_good=True))
    preview.rebuild()
    return preview


def doc(content, unit_id, kind):
    return next(d for d in load_portal(content).documents() if d.unit_id == unit_id and d.kind == kind)


def page(preview, url) -> str:
    return (preview.builder.output / urls.file_for(url)).read_text(encoding="utf-8")


def test_published_pages_carry_no_preview_script_or_banner(preview, built):
    published, _ = built
    for output in (published, preview.builder.output):
        html = (output / "index.html").read_text(encoding="utf-8")
        assert "preview" not in html and "livereload" not in html
        assert not (output / "assets" / "preview.js").exists()


def test_document_change_rebuilds_only_its_dependents(preview, site):
    target = doc(site, "quannan-zfw", "self_evaluation")
    first = preview.builder.published
    target.file.write_text(target.file.read_text(encoding="utf-8").replace("executed: 342.67", "executed: 342.94"), encoding="utf-8")
    result = preview.rebuild({target.file})
    own = {urls.document(target)} | {urls.project(target, p.slug) for p in target.model.projects}
    portal_wide = {url for url in first.rendered if not url.startswith("units/")}
    wide = set(result.rendered) - own - {urls.unit("quannan-zfw")}
    assert wide <= portal_wide
    # The portal-wide pages made again are those that show the unit or a count it changed:
    # the home page, its places, the data-quality pages (the SUM-002 error is gone), that
    # rule's page; not another place's page, nor the page of a rule it has no finding of.
    places = {urls.region(node.anchor) for node in walk(region_tree([(u.model.region, u.id, u) for u in load_portal(site).units]))
              if any(u.id == "quannan-zfw" for u in node.all_units())}
    assert {"", urls.DATA_QUALITY, urls.rule("SUM-002")} | places <= wide
    others = {url for url in portal_wide if url.startswith("regions/")} - places
    assert others and not wide & others
    rule_pages = {url for url in portal_wide if url.startswith("rules/") and url != urls.RULES}
    assert rule_pages - wide  # the rules it has no finding of
    html = page(preview, urls.document(target))
    assert "342.94" in html
    assert "1480.14" not in html  # the corrected column now sums to its total: the SUM-002 error is gone
    assert preview.status["errors"] == [] and preview.status["pages_written"] == len(result.rendered)


def test_broken_file_keeps_last_good_pages_and_reports_its_line(preview, site):
    target = doc(site, "laoting-zfw", "self_evaluation")
    before = page(preview, urls.document(target))
    good = target.file.read_text(encoding="utf-8")
    lines = good.splitlines()
    line = next(i for i, l in enumerate(lines) if "adjusted: 1677.95" in l)
    lines[line] = lines[line].replace("1677.95", "1,677.95")
    target.file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert not preview.rebuild({target.file}).published
    assert page(preview, urls.document(target)) == before
    [error] = preview.status["errors"]
    assert error["location"] == f"units/laoting-zfw/2023/self-evaluation.yaml:{line + 1}:15"
    assert "remove the thousands separator" in error["message"]
    target.file.write_text(good, encoding="utf-8")
    assert preview.rebuild({target.file}).published
    assert preview.status["errors"] == []


def test_fixed_markdown_clears_its_error(preview, site):
    target = doc(site, "quannan-zfw", "self_evaluation")
    markdown = target.file.with_name(target.model.narrative)
    good = markdown.read_bytes()
    markdown.write_bytes(good + "\n乱码".encode("gbk"))
    preview.rebuild({markdown})
    [error] = preview.status["errors"]
    assert error["location"].startswith("units/quannan-zfw/2022/self-evaluation.md:")
    markdown.write_bytes(good)
    preview.rebuild({markdown})
    assert preview.status["errors"] == []


def test_broken_template_is_reported_and_the_last_output_kept(preview, site, tmp_path):
    template = tmp_path / "themes" / "mine" / "templates" / "rule.html"
    good = template.read_text(encoding="utf-8")
    before = page(preview, "rules/")
    template.write_text(good + "{% if %}", encoding="utf-8")
    assert preview.rebuild({template}) is None
    [error] = preview.status["errors"]
    assert "rule.html" in error["location"] and "theme template error" in error["message"]
    assert page(preview, "rules/") == before
    template.write_text(good, encoding="utf-8")
    preview.rebuild({template})
    assert preview.status["errors"] == []


def rule_pages(result) -> set[str]:
    """The pages of single rules (``rules/<id>/`` and their numbered pages), not the rules index."""
    return {url for url in result.rendered if url.startswith("rules/") and url != urls.RULES}


def test_template_edit_rerenders_only_the_pages_that_use_it_in_build_and_serve(site, tmp_path):
    """rule.html makes the rule pages, unit.html the unit pages; partials/evaluation.html is
    imported by the document and project pages. Editing one re-renders those pages and no
    other, whether `build` or `serve` runs the builder."""
    output, cache = tmp_path / "output", tmp_path / "build-cache"
    built = build_portal(site, output, search=False, cache=cache, workers=1)
    preview = Preview(Builder(site, tmp_path / "preview" / "site", search=False, cache=tmp_path / "cache", workers=1,
                              keep_last_good=True))
    served = preview.rebuild()
    assert set(built.rendered) == set(served.rendered) and len(built.rendered) == built.pages
    rules = rule_pages(built)
    assert len(rules) > 10
    portal = load_portal(site)
    documents = {urls.document(d) for d in portal.documents()} | {
        urls.project(d, p.slug) for d in portal.documents() for p in getattr(d.model, "projects", None) or []}
    units = {urls.unit(u.id) for u in portal.units}
    assert len(documents) > 20 and len(units) == len(portal.units) > 4

    templates = tmp_path / "themes" / "mine" / "templates"
    for name, expected in (("rule.html", rules), ("unit.html", units), ("partials/evaluation.html", documents)):
        with open(templates / name, "a", encoding="utf-8") as handle:
            handle.write("{# edited #}\n")
        assert set(build_portal(site, output, search=False, cache=cache, workers=1).rendered) == expected, name
        assert set(preview.rebuild({templates / name}).rendered) == expected, name
        assert preview.status["pages_written"] == len(expected)
    assert build_portal(site, output, search=False, cache=cache, workers=1).rendered == []


def test_removed_project_loses_its_page(preview, site):
    target = doc(site, "quannan-zfw", "self_evaluation")
    project_url = urls.project(target, target.model.projects[0].slug)
    assert (preview.builder.output / urls.file_for(project_url)).exists()
    text = target.file.read_text(encoding="utf-8")
    start = text.index("projects:")
    end = text.index("\n", text.index("total_score:", start)) + 1
    target.file.write_text(text[:start] + text[end:].replace(f"project: {target.model.projects[0].slug}", ""), encoding="utf-8")
    preview.rebuild({target.file})
    assert not (preview.builder.output / urls.file_for(project_url)).exists()


def test_only_the_sites_inputs_are_watched(preview, site):
    builder = preview.builder
    theme = builder.renderer.dirs[0]
    inputs = [site / "site.yaml", site / "units/quannan-zfw/unit.yaml",
              site / "units/quannan-zfw/2022/self-evaluation.yaml", site / "units/quannan-zfw/2022/self-evaluation.md",
              theme / "templates/rule.html", DEFAULT_THEME / "templates/base.html", DEFAULT_THEME / "static/style.css"]
    others = [site / "serve.log", site.parent / "serve.log", site / "units/quannan-zfw/2022/.self-evaluation.yaml.swp",
              site / "units/quannan-zfw/2022/self-evaluation.yaml~", site / "units/notes.txt",
              site / ".sitegen-cache/entry", site / "units/quannan-zfw/2022/build.log"]
    assert [p for p in inputs if not builder.is_input(p)] == []
    assert [p for p in others if builder.is_input(p)] == []


def test_search_index_follows_changes_after_the_reload(site, tmp_path):
    """A save publishes the pages with the previous index carried over; ``index`` then brings
    the index up to date (the edited document's pages into the delta index, test_search_delta.py)
    without rendering a page again."""
    preview = Preview(Builder(site, tmp_path / "preview" / "site", cache=tmp_path / "cache", workers=1, keep_last_good=True))
    preview.rebuild()
    bundle = preview.builder.output / "pagefind"
    fragments = set((bundle / "fragment").iterdir())
    target = doc(site, "quannan-zfw", "self_evaluation")
    target.file.write_text(target.file.read_text(encoding="utf-8").replace("县综治中心日常运营经费", "县综治中心运营经费（改）"),
                           encoding="utf-8")
    result = preview.rebuild({target.file})
    assert result.index is None and set((bundle / "fragment").iterdir()) == fragments
    preview.index()
    index = preview.builder.published.index
    assert preview.builder.published.rendered == [] and index.indexed == [] and index.delta_indexed
    assert set((bundle / "fragment").iterdir()) == fragments  # the shard stays; its old copies are hidden
    [layer] = (bundle / "delta").iterdir()  # the delta's one layer
    assert any(url.startswith("/units/quannan-zfw/") and "县综治中心运营经费（改）" in text
               for url, text in indexed_texts(layer).items())


def test_fix_saved_together_with_unit_yaml_clears_the_error(preview, site):
    """Both files change in one batch of events: every build reads the whole content, errors included."""
    target = doc(site, "laoting-zfw", "self_evaluation")
    good = target.file.read_text(encoding="utf-8")
    target.file.write_text(good.replace("adjusted: 1677.95", "adjusted: 1,677.95", 1), encoding="utf-8")
    preview.rebuild({target.file})
    assert [e["location"].split(":")[0] for e in preview.status["errors"]] == ["units/laoting-zfw/2023/self-evaluation.yaml"]
    unit_file = site / "units" / "laoting-zfw" / "unit.yaml"
    target.file.write_text(good, encoding="utf-8")
    unit_file.write_text(unit_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    preview.rebuild({target.file, unit_file})
    assert preview.status["errors"] == []
