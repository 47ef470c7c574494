"""The delta index: a rebuild indexes only the pages changed since their shard was indexed, the
search page (real headless Chromium) hides their old copies in the shard, and a compaction gives
the index a full build gives."""
from __future__ import annotations

import json
import re
import shutil

import pytest
from playwright.sync_api import expect

from sitegen import search
from sitegen.builder import build_portal
from sitegen.search import BUNDLE, DELTA, RECORD

from .conftest import CONTENT
from .test_browser import CHROMIUM, browser, page, pages_containing, searched, serve  # noqa: F401 (fixtures)
from .test_search_shards import bundle_files, facet_counts, fragments, indexed_pages

OLD, NEW = "汇景新城", "湿地公园"  # a place named once in the real content: quannan-zfw's 2022 self-evaluation
NARRATIVE = ("quannan-zfw", "2022", "self-evaluation.md")

browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def record(output) -> dict:
    return json.loads((output / BUNDLE / RECORD).read_text(encoding="utf-8"))


def tree(folder) -> dict[str, bytes]:
    return {file.relative_to(folder).as_posix(): file.read_bytes() for file in sorted(folder.rglob("*")) if file.is_file()}


def shard_files(output) -> dict[str, int]:
    """Relative file → inode of the first shard's bundle, without the delta's."""
    return {name: inode for name, inode in bundle_files(output / BUNDLE).items() if not name.startswith(DELTA + "/")}


def ids(bundle) -> dict[str, str]:
    """URL → page id (fragment name, a search result's ``id``) of the pages of one bundle."""
    return {json.loads(search.gzip.decompress(file.read_bytes()).removeprefix(search.SIGNATURE))["url"]: file.stem
            for file in (bundle / "fragment").iterdir()}


def edit(content, old: str, new: str) -> None:
    file = content.joinpath("units", *NARRATIVE)
    text = file.read_text(encoding="utf-8")
    assert text.count(old) == 1
    file.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """The real content built; then with one place name of one narrative changed: rebuilt over the
    first build (``delta``, a copy kept), built anew (``full``), and compacted (``compacted``)."""
    root = tmp_path_factory.mktemp("delta")
    content = root / "content"
    shutil.copytree(CONTENT, content)
    output = root / "output"
    first = build_portal(content, output)
    before = shard_files(output), (output / BUNDLE / "fragment").stat().st_ino
    edit(content, OLD, NEW)
    rebuilt = build_portal(content, output)
    after = shard_files(output), (output / BUNDLE / "fragment").stat().st_ino
    delta = root / "delta"
    shutil.copytree(output, delta)
    full = build_portal(content, root / "full", cache=root / "full-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "DELTA_PAGES", 0)  # any delta is too large: the shards holding it are re-indexed
        compacted = build_portal(content, output)
    return {"root": root, "first": first, "before": before, "rebuilt": rebuilt, "after": after, "delta": delta, "full": full,
            "compacted": compacted, "output": output}


def test_a_rebuild_indexes_the_changed_pages_alone(builds):
    first, rebuilt, delta = builds["first"], builds["rebuilt"], builds["delta"]
    assert first.index.indexed == [0] and first.index.delta == 0
    assert rebuilt.index.indexed == [] and rebuilt.index.reused == [0] and rebuilt.index.delta_indexed
    # the shard is the previous build's, file for file, its page folders moved whole: Pagefind did not run on it
    assert builds["after"] == builds["before"]
    changed = {url for url in indexed_pages(delta) if url.startswith("/units/quannan-zfw/")}  # its one document's and its own
    in_delta = fragments(delta / BUNDLE / DELTA)
    assert set(in_delta) == changed and len(in_delta) < len(indexed_pages(delta)) / 10
    assert any(NEW in text for text in in_delta.values()) and not any(OLD in text for text in in_delta.values())
    assert "/units/quannan-zfw/" in in_delta and rebuilt.index.delta == len(in_delta)
    hide = record(delta)["delta"]["hide"]
    assert list(hide) == [""] and len(hide[""]) == len(in_delta) == rebuilt.index.hidden
    assert set(hide[""]) == {page_id for url, page_id in ids(delta / BUNDLE).items() if url in in_delta}


def test_an_unchanged_rebuild_reuses_the_delta(builds, tmp_path):
    output = tmp_path / "output"
    shutil.copytree(builds["delta"], output)
    content = builds["root"] / "content"
    again = build_portal(content, output, cache=tmp_path / "cache")
    assert again.index.reused == [0] and again.index.indexed == [] and not again.index.delta_indexed
    assert tree(output / BUNDLE) == tree(builds["delta"] / BUNDLE)


def test_compaction_gives_the_index_of_a_full_build(builds):
    compacted, output, full = builds["compacted"], builds["output"], builds["root"] / "full"
    assert compacted.index.compacted == [0] and compacted.index.indexed == [0] and compacted.index.delta == 0
    assert "delta" not in record(output) and not (output / BUNDLE / DELTA).exists()
    assert builds["full"].index.indexed == [0]
    assert tree(output / BUNDLE) == tree(full / BUNDLE)  # byte for byte


def test_a_removed_document_is_hidden_without_a_delta_page(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "output"
    build_portal(content, output, search_shard_pages=1)
    removed = "/units/dingxi-zfw/2023/final-accounts/"  # the unit keeps its self-evaluation
    assert removed in indexed_pages(output)
    for file in ("final-accounts.yaml", "final-accounts.md"):
        (content / "units/dingxi-zfw/2023" / file).unlink()
    rebuilt = build_portal(content, output, search_shard_pages=1)
    # the unit's page and its other document's (whose key covers the year's documents), not the removed one's
    in_delta = set(fragments(output / BUNDLE / DELTA))
    assert rebuilt.index.indexed == [] and rebuilt.index.delta == len(in_delta)
    units = {url for url in in_delta if url.startswith("/units/")}
    assert "/units/dingxi-zfw/" in units and all(url.startswith("/units/dingxi-zfw/") for url in units)
    assert removed not in in_delta and not any(url.startswith(removed) for url in in_delta)
    assert all(url.startswith("/regions/") for url in in_delta - units)  # place pages counting its documents
    hide = record(output)["delta"]["hide"]
    shard = record(output)["shards"][str(search.shard_of("dingxi-zfw", rebuilt.index.shards))]["bundle"]
    assert {url for url, page_id in ids(output / BUNDLE / shard).items()
            if page_id in hide[shard] and url.startswith("/units/")} == units | {removed}
    assert {url for path, hidden in hide.items() for url, page_id in ids(output / BUNDLE / path).items()
            if page_id in hidden} == in_delta | {removed}


@pytest.fixture(scope="module")
def delta_server(builds):
    yield from serve(builds["delta"])


@pytest.fixture(scope="module")
def full_server(builds):
    yield from serve(builds["root"] / "full")


@browser_only
@pytest.mark.browser
def test_search_finds_the_new_text_and_not_the_old(delta_server, page, builds):
    delta = builds["delta"]
    holding = pages_containing(delta, NEW)
    assert holding and all(url.startswith("/units/quannan-zfw/2022/") for url in holding)
    assert set(searched(page, delta_server, NEW)) == holding
    assert pages_containing(delta, OLD) == set()
    page.goto(delta_server + "search/?q=" + OLD)
    expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile("没有找到"), timeout=15000)
    assert page.locator("li.pagefind-ui__result").count() == 0
    assert page.errors == []


@browser_only
@pytest.mark.browser
@pytest.mark.parametrize("query", ["县综治中心日常运营经费", "雪亮工程", "三公经费", "全南县", "监控"])
def test_the_delta_finds_what_a_full_index_finds(delta_server, full_server, page, query):
    assert sorted(searched(page, delta_server, query)) == sorted(searched(page, full_server, query))
    assert page.errors == []


@browser_only
@pytest.mark.browser
@pytest.mark.parametrize("facet", ["单位", "年度"])
def test_hidden_pages_leave_the_filter_counts(delta_server, full_server, page, facet):
    """The old copies of the changed pages match 全南县 too: their filter values are taken out of the counts."""
    searched(page, full_server, "全南县")
    expected = facet_counts(page, facet)
    assert expected
    searched(page, delta_server, "全南县")
    assert facet_counts(page, facet, expected) == expected
    assert page.errors == []
