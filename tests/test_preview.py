"""The preview's incremental rebuild: exactly the dependent pages, last good pages kept on error."""
from __future__ import annotations

import json
import shutil

import pytest

from sitegen.preview.site import STATUS, PreviewSite
from sitegen.render import urls
from sitegen.render.regions import anchor, region_path

from .conftest import CONTENT


@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    site = PreviewSite(content, tmp_path / "preview")
    site.build_all()
    return site


def status(site):
    return json.loads((site.output / STATUS).read_text(encoding="utf-8"))


def doc(site, unit_id, kind):
    return next(d for d in site.portal.documents() if d.unit_id == unit_id and d.kind == kind)


def portal_urls(site):
    from sitegen.render.pages import portal_pages
    return {p.url for p in portal_pages(site.portal, site.findings)}


def test_preview_pages_carry_banner_and_published_pages_do_not(preview, built):
    page = (preview.output / "index.html").read_text(encoding="utf-8")
    assert 'id="preview-banner"' in page and "assets/preview.js" in page
    published, _ = built
    assert 'id="preview-banner"' not in (published / "index.html").read_text(encoding="utf-8")
    assert not (published / "assets" / "preview.js").exists()


def test_document_change_rebuilds_only_its_dependents(preview):
    target = doc(preview, "quannan-zfw", "self_evaluation")
    text = target.file.read_text(encoding="utf-8")
    target.file.write_text(text.replace("executed: 342.67", "executed: 342.94"), encoding="utf-8")
    rebuild = preview.changed({target.file})
    own = {urls.document(target)} | {urls.project(target, p.slug) for p in target.model.projects}
    assert set(rebuild.written) == own | {urls.unit("quannan-zfw")}
    assert rebuild.portal_pages_pending
    assert set(preview.write_portal_pages().written) == portal_urls(preview)
    page = (preview.output / urls.file_for(urls.document(target))).read_text(encoding="utf-8")
    assert "342.94" in page
    # The corrected column now sums to its total: the SUM-002 error is gone from the page.
    assert "1480.14" not in page
    assert status(preview)["errors"] == []


def test_broken_file_keeps_last_good_pages_and_reports_its_line(preview):
    target = doc(preview, "laoting-zfw", "self_evaluation")
    page_file = preview.output / urls.file_for(urls.document(target))
    before = page_file.read_text(encoding="utf-8")
    good = target.file.read_text(encoding="utf-8")
    lines = good.splitlines()
    line = next(i for i, l in enumerate(lines) if "adjusted: 1677.95" in l)
    lines[line] = lines[line].replace("1677.95", "1,677.95")
    target.file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rebuild = preview.changed({target.file})
    assert urls.document(target) not in rebuild.written
    assert page_file.read_text(encoding="utf-8") == before
    [error] = status(preview)["errors"]
    assert error["location"] == f"units/laoting-zfw/2023/self-evaluation.yaml:{line + 1}:15"
    assert "remove the thousands separator" in error["message"]
    target.file.write_text(good, encoding="utf-8")
    preview.changed({target.file})
    assert status(preview)["errors"] == []


def test_template_change_rebuilds_the_pages_that_use_it(preview):
    rule_template = preview.renderer.dirs[0] / "templates" / "rule.html"
    rebuild = preview.changed({rule_template})
    assert sorted(rebuild.written) == sorted(p for p in preview.page_templates if p.startswith("rules/") and p != urls.RULES)
    partial = preview.renderer.dirs[0] / "templates" / "partials" / "evaluation.html"
    rebuild = preview.changed({partial})
    assert {preview.page_templates[u] for u in rebuild.written} == {"document.html", "project.html"}


def test_removed_project_loses_its_page(preview):
    target = doc(preview, "quannan-zfw", "self_evaluation")
    project_url = urls.project(target, target.model.projects[0].slug)
    text = target.file.read_text(encoding="utf-8")
    start = text.index("projects:")
    end = text.index("\n", text.index("total_score:", start)) + 1
    target.file.write_text(text[:start] + text[end:].replace(f"project: {target.model.projects[0].slug}", ""), encoding="utf-8")
    rebuild = preview.changed({target.file})
    assert project_url in rebuild.removed
    assert not (preview.output / urls.file_for(project_url)).exists()


def test_unit_change_rebuilds_the_units_pages(preview):
    unit_file = preview.content / "units" / "pingxiang-zfw" / "unit.yaml"
    unit_file.write_text(unit_file.read_text(encoding="utf-8").replace("平乡县委政法委员会", "平乡县委政法委员会（改）"), encoding="utf-8")
    rebuild = preview.changed({unit_file})
    budget = doc(preview, "pingxiang-zfw", "budget")
    assert urls.document(budget) in rebuild.written and urls.unit("pingxiang-zfw") in rebuild.written
    assert not any(u.startswith("units/dingxi-zfw") for u in rebuild.written)
    preview.write_portal_pages()
    unit = next(u for u in preview.portal.units if u.id == "pingxiang-zfw")
    place = urls.region(anchor(region_path(unit.model.region)))
    assert "平乡县委政法委员会（改）" in (preview.output / urls.file_for(place)).read_text(encoding="utf-8")


def test_preview_search_index_follows_changes(preview):
    target = doc(preview, "quannan-zfw", "self_evaluation")
    preview.index_search()
    fragments = set((preview.output / "pagefind" / "fragment").iterdir())
    target.file.write_text(target.file.read_text(encoding="utf-8").replace("县综治中心日常运营经费", "县综治中心运营经费（改）"),
                           encoding="utf-8")
    preview.changed({target.file})
    preview.write_portal_pages()
    preview.index_search()
    assert set((preview.output / "pagefind" / "fragment").iterdir()) != fragments


def test_fix_saved_together_with_unit_yaml_clears_the_error(preview):
    """Both files change in one batch of events: the unit is reloaded whole, errors included."""
    target = doc(preview, "laoting-zfw", "self_evaluation")
    good = target.file.read_text(encoding="utf-8")
    target.file.write_text(good.replace("adjusted: 1677.95", "adjusted: 1,677.95", 1), encoding="utf-8")
    preview.changed({target.file})
    assert [e["location"].split(":")[0] for e in status(preview)["errors"]] == ["units/laoting-zfw/2023/self-evaluation.yaml"]
    unit_file = preview.content / "units" / "laoting-zfw" / "unit.yaml"
    target.file.write_text(good, encoding="utf-8")
    unit_file.write_text(unit_file.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    preview.changed({target.file, unit_file})
    assert status(preview)["errors"] == []


def test_fixed_markdown_clears_its_error(preview):
    target = doc(preview, "quannan-zfw", "self_evaluation")
    markdown = target.file.with_name(target.model.narrative)
    good = markdown.read_bytes()
    markdown.write_bytes(good + "\n乱码".encode("gbk"))
    preview.changed({markdown})
    [error] = status(preview)["errors"]
    assert error["location"].startswith("units/quannan-zfw/2022/self-evaluation.md:")
    markdown.write_bytes(good)
    preview.changed({markdown})
    assert status(preview)["errors"] == []


def test_only_the_sites_inputs_are_watched(preview):
    content, theme = preview.content, preview.renderer.dirs[0]
    inputs = [content / "site.yaml", content / "units/quannan-zfw/unit.yaml",
              content / "units/quannan-zfw/2022/self-evaluation.yaml", content / "units/quannan-zfw/2022/self-evaluation.md",
              theme / "templates/base.html", theme / "static/style.css"]
    others = [content / "serve.log", content.parent / "serve.log", content / "units/quannan-zfw/2022/.self-evaluation.yaml.swp",
              content / "units/quannan-zfw/2022/self-evaluation.yaml~", content / "units/notes.txt",
              content / ".sitegen-cache/entry", content / "units/quannan-zfw/2022/build.log"]
    assert [p for p in inputs if not preview.is_input(p)] == []
    assert [p for p in others if preview.is_input(p)] == []


def test_the_preview_names_itself_by_its_address_only():
    from sitegen.preview.server import own_hosts
    loopback = own_hosts("127.0.0.1", 8000)
    assert {"127.0.0.1:8000", "localhost:8000", "[::1]:8000"} <= loopback
    assert not {"evil.example:8000", "127.0.0.1:8001", "127.0.0.1", "0.0.0.0:8000"} & loopback
    assert own_hosts("192.168.1.5", 8000) == {"192.168.1.5:8000"}
    assert own_hosts("::1", 80) >= {"[::1]:80", "[::1]", "localhost"}
