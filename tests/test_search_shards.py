"""The search index in shards: the real content cut into several Pagefind bundles, merged by the
search page (real headless Chromium), and an incremental build re-indexing only the changed shard."""
from __future__ import annotations

import gzip
import json
import re
import shutil
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from sitegen import search
from sitegen.builder import build_portal
from sitegen.render import urls
from sitegen.search import BUNDLE, RECORD, shard_of
from sitegen.synth import synthesize

from .conftest import CONTENT
from .test_browser import CHROMIUM, browser, page, pages_containing, searched, serve, text_of  # noqa: F401 (fixtures)

TINY = 1  # pages per shard: the real content's five units in as many shards as their ids hash to


def record(output) -> dict:
    return json.loads((output / BUNDLE / RECORD).read_text(encoding="utf-8"))


def bundles(output) -> dict[str, object]:
    """Shard number → its bundle folder."""
    return {number: output / BUNDLE / shard["bundle"] for number, shard in record(output)["shards"].items()}


def bundle_files(folder) -> dict[str, int]:
    """Relative file → inode of one bundle (the first shard's bundle holds the others' folder and the record: not its own)."""
    files = {}
    for file in folder.rglob("*"):
        relative = file.relative_to(folder)
        if file.is_file() and relative.parts[0] != "shards" and relative.name != RECORD:
            files[relative.as_posix()] = file.stat().st_ino
    return files


def indexed_pages(output) -> set[str]:
    """URL paths of the pages marked for the index."""
    return {"/" + file.parent.relative_to(output).as_posix() + "/" for file in output.rglob("index.html")
            if "data-pagefind-body" in file.read_text(encoding="utf-8")}


def fragments(folder) -> dict[str, str]:
    """URL → indexed text (word breaks removed) of every page of one bundle."""
    pages = {}
    for file in (folder / "fragment").iterdir():
        data = json.loads(gzip.decompress(file.read_bytes()).removeprefix(b"pagefind_dcd"))
        pages[data["url"]] = re.sub(r"[\s\u200b]", "", data["content"])
    return pages


@pytest.fixture(scope="module")
def sharded(tmp_path_factory):
    output = tmp_path_factory.mktemp("sharded") / "output"
    result = build_portal(CONTENT, output, search_shard_pages=TINY)
    assert len(result.index.indexed) >= 3 and result.index.reused == []
    return output, result


@pytest.fixture(scope="module")
def server(sharded):
    yield from serve(sharded[0])


def test_every_indexed_page_is_in_exactly_one_shard(sharded, portal):
    output, result = sharded
    count = record(output)["count"]
    urls_by_shard = {number: set(fragments(folder)) for number, folder in bundles(output).items()}
    assert len(urls_by_shard) >= 3
    first = min(urls_by_shard, key=int)
    for number, found in urls_by_shard.items():
        units = [url for url in found if url.startswith("/units/")]
        assert units and all(shard_of(url.split("/")[2], count) == int(number) for url in units)
        places = [url for url in found if not url.startswith("/units/")]
        assert all(url.startswith("/regions/") for url in places) and bool(places) == (number == first)
    every = [url for found in urls_by_shard.values() for url in found]
    assert len(every) == len(set(every))
    assert set(every) == indexed_pages(output)  # under their own URLs


browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@browser_only
@pytest.mark.browser
def test_search_finds_pages_of_every_shard(server, page, sharded, portal):
    output, _ = sharded
    count = record(output)["count"]
    mentioning = {unit.id for unit in portal.units if "雪亮工程" in text_of(unit)}
    found = searched(page, server, "雪亮工程")
    assert pages_containing(output, "雪亮工程") <= set(found)
    units = {link.split("/")[2] for link in found}
    assert mentioning <= units
    assert len({shard_of(unit, count) for unit in units}) >= 2
    assert all(r.startswith(server) for r in page.requests), "a request left the portal"
    assert page.errors == []


@browser_only
@pytest.mark.browser
@pytest.mark.parametrize("query", ["特困干警补贴", "特困 干警 补贴", "监护人责任保险", "138.29"])
def test_chinese_queries_read_against_every_shard(server, page, sharded, portal, query):
    """The query is cut against the words of all shards, not re-cut by the browser's segmenter."""
    output, _ = sharded
    holding = pages_containing(output, query)
    assert holding <= set(searched(page, server, query))
    if query.startswith("特困"):
        dachang = {"/" + urls.project(doc, project.slug) for unit in portal.units if unit.id == "dachang-zfw"
                   for doc in unit.documents for project in getattr(doc.model, "projects", []) if "特困干警补贴" in project.name}
        assert dachang and dachang <= holding
    assert page.evaluate("document.documentElement.lang") == "zh-CN"
    assert page.errors == []


@pytest.fixture(scope="module")
def single_server(built):
    """The same content in one shard (the session's build)."""
    output, result = built
    assert result.index.shards == 1
    yield from serve(output)


@browser_only
@pytest.mark.browser
def test_shards_find_what_one_index_finds(server, single_server, page):
    """Neither more nor fewer pages: a shard lacking a word of the query is not searched for it
    (merged into one Pagefind, it would drop the word and match the rest)."""
    for query in ["三公经费", "政法委员会", "平安建设经费", "扫黑除恶专项斗争", "干警补贴"]:
        assert sorted(searched(page, server, query)) == sorted(searched(page, single_server, query)), query
    assert page.errors == []


def open_filters(page) -> None:
    """Ask for the filters (the search page loads them on demand) and wait for Pagefind's UI to show them."""
    button = page.locator("#search-filters")
    if button.is_visible():
        button.click()
    page.locator("summary.pagefind-ui__filter-name").first.wait_for(timeout=15000)


def facet_counts(page, name: str, expected: dict[str, int] | None = None) -> dict[str, int]:
    """The non-zero counts of one facet, read until they equal ``expected`` (they are drawn after the results)."""
    open_filters(page)
    for _ in range(50):
        labels = page.locator(f"input[name='{name}']").evaluate_all("els => els.map(e => e.labels[0].textContent)")
        counts = dict(re.fullmatch(r"(.+?)\s*\((\d+)\)", label.strip()).groups() for label in labels)
        shown = {value: int(n) for value, n in counts.items() if int(n)}
        if shown == expected:
            break
        page.wait_for_timeout(100)
    return shown


@browser_only
@pytest.mark.browser
def test_facet_counts_add_up_over_the_shards(server, page, portal):
    found = searched(page, server, "雪亮工程")
    by_unit = {unit.model.name: n for unit in portal.units if (n := sum(f"/units/{unit.id}/" in link for link in found))}
    assert facet_counts(page, "单位", by_unit) == by_unit
    by_year = {}
    for link in found:
        if year := re.search(r"/(\d{4})/", link):
            by_year[year.group(1)] = by_year.get(year.group(1), 0) + 1
    assert facet_counts(page, "年度", by_year) == by_year and len(by_year) >= 2
    year, n = max(by_year.items(), key=lambda item: item[1])
    page.locator("summary.pagefind-ui__filter-name", has_text="年度").click()
    page.locator(f"input[name='年度'][value='{year}']").check()
    expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile(rf"^\s*找到 {n} 个"), timeout=15000)
    from .test_browser import search_results
    narrowed = search_results(page)
    assert len(narrowed) == n and all(f"/{year}/" in link for link in narrowed)


def test_a_compacting_rebuild_indexes_only_the_changed_shard(tmp_path, monkeypatch):
    """With no room for a delta index (test_search_delta.py), the shard holding the change is indexed anew."""
    monkeypatch.setattr(search, "DELTA_PAGES", 0)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "output"
    first = build_portal(content, output, search_shard_pages=TINY)
    before = {number: bundle_files(folder) for number, folder in bundles(output).items()}
    assert len(before) >= 3

    edited = content / "units" / "quannan-zfw" / "2022" / "self-evaluation.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("县综治中心日常运营经费", "县综治中心运营保障经费"), encoding="utf-8")
    second = build_portal(content, output, search_shard_pages=TINY)
    changed = str(shard_of("quannan-zfw", record(output)["count"]))
    assert second.index.indexed == second.index.compacted == [int(changed)] and second.index.delta == 0
    assert sorted(second.index.reused) == sorted(n for n in first.index.indexed if n != int(changed))
    after = {number: bundle_files(folder) for number, folder in bundles(output).items()}
    assert after.keys() == before.keys()
    for number in before:
        if number == changed:  # written anew by Pagefind: no file is the one of the previous build
            assert not set(after[number].values()) & set(before[number].values())
        else:  # the very files of the previous build, hard-linked
            assert after[number] == before[number]
    pages = {url: text for folder in bundles(output).values() for url, text in fragments(folder).items()}
    assert set(pages) == indexed_pages(output)
    assert any(url.startswith("/units/quannan-zfw/2022/") and "县综治中心运营保障经费" in text for url, text in pages.items())

    third = build_portal(content, output, search_shard_pages=TINY * 1000)  # another shard count: everything anew
    assert third.index.shards == 1 and third.index.indexed == [0] and third.index.reused == []
    assert record(output)["merge"] == []


def first_query(browser, base: str, query: str) -> tuple[dict[str, int], list[str]]:
    """Open the search page, search ``query``: the requests made, by kind of file of the index, and the results."""
    from .test_browser import search_results
    page = browser.new_page()
    paths: list[str] = []
    page.on("request", lambda request: paths.append(urlsplit(request.url).path))
    page.goto(base + "search/?q=" + query)
    found = search_results(page)
    page.wait_for_load_state("networkidle")
    page.close()
    kinds: dict[str, int] = {}
    for path in paths:
        name = path.rsplit("/", 1)[-1]
        kind = next((suffix for suffix in (".pf_meta", ".pf_index", ".pf_filter", ".pf_fragment", "pagefind-entry.json",
                                           "pagefind.js", "pagefind-worker.js") if name.endswith(suffix)),
                    "wasm" if name.startswith("wasm.") else "other") if path.startswith("/pagefind/") else "page and theme"
        kinds[kind] = kinds.get(kind, 0) + 1
    return kinds, sorted(link.removeprefix(base[:-1]) for link in found)


@pytest.fixture(scope="module")
def resharded(tmp_path_factory):
    """One synthetic portal, its search index cut into 2 shards, then into 16: (bundles, output copy) each."""
    root = tmp_path_factory.mktemp("resharded")
    synthesize(root, units=24, years=1)
    output = root / "output"
    build_portal(root / "content", output, search=False)
    pages = sum(1 for _ in (output / "units").rglob("*.html"))
    built = {}
    for shards in (2, 16):
        result = build_portal(root / "content", output, search_shard_pages=-(-pages // shards))
        assert result.index.shards == shards
        built[shards] = (1 + len(record(output)["merge"]), shutil.copytree(output, root / f"output-{shards}"))
    assert built[16][0] >= 10
    return built


@browser_only
@pytest.mark.browser
def test_the_first_query_fetches_pagefind_once_whatever_the_shards(browser, resharded):
    """Each shard adds its entry and metadata files and the index chunks of the query's words:
    not its own copy of Pagefind's code and WebAssembly (as when each shard had its own Pagefind),
    nor its filter files (loaded when the reader opens the filters)."""
    figures = {}
    for shards, (bundles, output) in resharded.items():
        for base in serve(output):
            figures[shards] = bundles, *first_query(browser, base, "预算")
    (few, few_kinds, few_found), (many, many_kinds, many_found) = figures[2], figures[16]
    assert few_found == many_found and len(few_found) > 50
    for bundles, kinds in ((few, few_kinds), (many, many_kinds)):
        assert kinds["pagefind.js"] == kinds["pagefind-worker.js"] == kinds["wasm"] == 1
        assert kinds["pagefind-entry.json"] == kinds[".pf_meta"] == bundles
        assert ".pf_filter" not in kinds
    extra = sum(many_kinds.values()) - sum(few_kinds.values())
    assert extra <= 4 * (many - few), (few_kinds, many_kinds)  # entry, metadata, an index chunk or two
