"""The delta index: a rebuild indexes only the pages changed since their shard was indexed, the
search page (real headless Chromium) hides their old copies in the shard, and a compaction gives
the index a full build gives. The delta in layers: rebuilds in a row each index only their own
changes into a layer of their own, the older layers kept with their changed pages hidden."""
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
from .test_search_shards import bundle_files, facet_counts, first_query, fragments, indexed_pages

OLD, NEW = "汇景新城", "湿地公园"  # a place named once in the real content: quannan-zfw's 2022 self-evaluation
NARRATIVE = ("quannan-zfw", "2022", "self-evaluation.md")

browser_only = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


def record(output) -> dict:
    return json.loads((output / BUNDLE / RECORD).read_text(encoding="utf-8"))


def tree(folder) -> dict[str, bytes]:
    return {file.relative_to(folder).as_posix(): file.read_bytes() for file in sorted(folder.rglob("*")) if file.is_file()}


def layers(output) -> list:
    """The bundle folders of the delta's layers, oldest first."""
    return [output / BUNDLE / layer["bundle"] for layer in record(output).get("delta", {}).get("layers", [])]


def in_layers(output) -> dict[str, str]:
    """URL → indexed text of every page of the delta's layers (hidden ones included)."""
    return {url: text for folder in layers(output) for url, text in fragments(folder).items()}


def visible(output) -> dict[str, list[str]]:
    """URL → the indexed texts of its copies the search page does not hide, over every bundle."""
    hide = record(output).get("delta", {}).get("hide", {})
    paths = [shard["bundle"] for shard in record(output)["shards"].values()]
    paths += [layer["bundle"] for layer in record(output).get("delta", {}).get("layers", [])]
    found: dict[str, list[str]] = {}
    for path in paths:
        texts = fragments(output / BUNDLE / path)
        for url, page_id in ids(output / BUNDLE / path).items():
            if page_id not in hide.get(path, {}):
                found.setdefault(url, []).append(texts[url])
    return found


def shard_files(output) -> dict[str, int]:
    """Relative file → inode of the first shard's bundle, without the delta's."""
    return {name: inode for name, inode in bundle_files(output / BUNDLE).items() if not name.startswith(DELTA + "/")}


def ids(bundle) -> dict[str, str]:
    """URL → page id (fragment name, a search result's ``id``) of the pages of one bundle."""
    return {json.loads(search.gzip.decompress(file.read_bytes()).removeprefix(search.SIGNATURE))["url"]: file.stem
            for file in (bundle / "fragment").iterdir()}


def edit(content, old: str, new: str, narrative: tuple[str, ...] = NARRATIVE) -> None:
    file = content.joinpath("units", *narrative)
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
    assert rebuilt.index.indexed == [] and rebuilt.index.reused == [0] and rebuilt.index.layers == 1
    # the shard is the previous build's, file for file, its page folders moved whole: Pagefind did not run on it
    assert builds["after"] == builds["before"]
    changed = {url for url in indexed_pages(delta) if url.startswith("/units/quannan-zfw/")}  # its one document's and its own
    in_delta = in_layers(delta)
    assert set(in_delta) == changed and len(in_delta) < len(indexed_pages(delta)) / 10
    assert {f"/{page}" for page in rebuilt.index.delta_indexed} == changed
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
    in_delta = set(in_layers(output))
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


THIRD = "滨江绿道"  # what the place name of NARRATIVE becomes at the second edit
LAOTING = ("laoting-zfw", "2023", "self-evaluation.md")
LAOTING_OLD, LAOTING_NEW = "法治乐亭", "候鸟驿站"


def units_of(pages) -> set[str]:
    """The unit ids of the unit pages among ``pages`` (output-relative files or URLs)."""
    return {page.strip("/").split("/")[1] for page in pages if page.strip("/").startswith("units/")}


def layer_files(output) -> dict[str, dict[str, int]]:
    """Layer bundle → its files' inodes."""
    return {folder.name: bundle_files(folder) for folder in layers(output)}


def add_sentence(content, *narrative: str) -> None:
    """Change a narrative without touching its words: a sentence after its first."""
    file = content.joinpath("units", *narrative)
    file.write_text(file.read_text(encoding="utf-8").replace("。", "。本段无误。", 1), encoding="utf-8")


# The rebuilds of ``layered``, each changing the content so: (what, the units whose pages it changes).
STEPS = [
    (lambda content: (edit(content, OLD, NEW), add_sentence(content, "putuo-czj", "2024", "final-accounts.md")),
     {"quannan-zfw", "putuo-czj"}),
    (lambda content: (edit(content, LAOTING_OLD, LAOTING_NEW, LAOTING), add_sentence(content, "dachang-zfw", "2023", "self-evaluation.md")),
     {"laoting-zfw", "dachang-zfw"}),
    (lambda content: edit(content, NEW, THIRD), {"quannan-zfw"}),
    (lambda content: shutil.rmtree(content / "units" / "laoting-zfw"), set()),
]


@pytest.fixture(scope="module")
def layered(tmp_path_factory):
    """The real content built, then rebuilt after each of ``STEPS`` (``steps``: (result, output copy,
    layer inodes) each), built anew (``full``); then with room for two layers, pingxiang-zfw's
    budget changed (``folded``), with room for one, putuo-ghj's final accounts (``merged``), and
    compacted (``compacted``) beside another build from nothing (``full-after``)."""
    root = tmp_path_factory.mktemp("layered")
    content, output, cache = root / "content", root / "output", root / "cache"
    shutil.copytree(CONTENT, content)
    build_portal(content, output, cache=cache)
    steps = []
    for n, (change, _) in enumerate(STEPS, 1):
        change(content)
        result = build_portal(content, output, cache=cache)
        steps.append((result, shutil.copytree(output, root / f"step{n}"), layer_files(output)))
    full = build_portal(content, root / "full", cache=root / "full-cache")
    built = {}
    for limit, (unit, *narrative) in [(2, ("pingxiang-zfw", "2021", "budget.md")), (1, ("putuo-ghj", "2024", "final-accounts.md"))]:
        add_sentence(content, unit, *narrative)
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(search, "DELTA_LAYERS", limit)
            built[limit] = build_portal(content, output, cache=cache), shutil.copytree(output, root / f"limit{limit}")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "DELTA_PAGES", 0)
        compacted = build_portal(content, output, cache=cache)
    full_after = build_portal(content, root / "full-after", cache=root / "full-after-cache")
    return {"steps": steps, "full": (full, root / "full"), "folded": built[2], "merged": built[1],
            "compacted": (compacted, output), "full-after": (full_after, root / "full-after")}


def test_rebuilds_in_a_row_each_index_their_own_pages_alone(layered):
    previous: dict[str, dict[str, int]] = {}
    for (result, output, files), (_, units) in zip(layered["steps"], STEPS):
        index = result.index
        assert index.indexed == [] and index.reused == [0]
        given = {f"/{page}" for page in index.delta_indexed}  # the pages Pagefind was given
        # those of the changed units, and the place pages counting a removed unit's documents
        assert {url for url in given if url.startswith("/units/")} == {
            url for url in indexed_pages(output) if url.startswith("/units/") and url.split("/")[2] in units}
        assert all(url.startswith("/regions/") for url in given if not url.startswith("/units/"))
        new = [name for name in files if name not in previous]
        assert len(new) == (1 if given else 0) and set(fragments(layers(output)[-1])) == given
        for name in set(files) & set(previous):  # a layer kept is the previous output's, file for file
            assert files[name] == previous[name]
        previous = files
    first, second, third, fourth = ([layer["bundle"] for layer in record(output)["delta"]["layers"]]
                                    for _, output, _ in layered["steps"])
    assert len(first) == 1 and second[:1] == first and len(second) == 2 and third[:2] == second and len(third) == 3
    assert fourth[:3] == third
    # a layer kept hides its parts changed again (quannan-zfw's in the first) or removed (laoting-zfw's in the second)
    hide = record(layered["steps"][2][1])["delta"]["hide"]
    assert set(hide) == {"", first[0]}
    assert units_of(url for url, page_id in ids(layered["steps"][2][1] / BUNDLE / first[0]).items()
                    if page_id in hide[first[0]]) == {"quannan-zfw"}
    hide = record(layered["steps"][3][1])["delta"]["hide"]
    assert set(hide) == {"", first[0], second[1]}
    assert units_of(url for url, page_id in ids(layered["steps"][3][1] / BUNDLE / second[1]).items()
                    if page_id in hide[second[1]]) == {"laoting-zfw"}


def test_every_page_is_visible_once_with_its_latest_text(layered):
    for _, output, _ in layered["steps"]:
        found = visible(output)
        assert set(found) == indexed_pages(output) and all(len(texts) == 1 for texts in found.values())
    _, third, _ = layered["steps"][2]
    texts = {url: texts[0] for url, texts in visible(third).items()}
    assert any(THIRD in text for text in texts.values())
    assert not any(NEW in text or OLD in text for text in texts.values())
    _, fourth, _ = layered["steps"][3]
    assert not any(url.startswith("/units/laoting-zfw/") for url in visible(fourth))
    assert any(url.startswith("/units/laoting-zfw/") for url in in_layers(fourth) | fragments(fourth / BUNDLE))  # hidden, not gone
    assert visible(fourth) == visible(layered["full"][1])  # what a build from nothing finds


def held(output) -> dict[str, set[str]]:
    """Layer name → the URLs of its pages not hidden."""
    hide = record(output)["delta"]["hide"]
    return {folder.name: {url for url, page_id in ids(folder).items() if page_id not in hide.get(f"{DELTA}/{folder.name}/", {})}
            for folder in layers(output)}


def test_past_the_layer_limit_the_smallest_layers_are_indexed_again(layered):
    folded, output = layered["folded"]
    before = held(layered["steps"][3][1])
    assert len(before) >= 3 and folded.index.layers == 2
    kept, new = (folder.name for folder in layers(output))
    assert len(before[kept]) == max(map(len, before.values()))  # the largest layer stays as it was
    assert tree(output / BUNDLE / DELTA / kept) == tree(layered["steps"][3][1] / BUNDLE / DELTA / kept)
    given = {f"/{page}" for page in folded.index.delta_indexed}
    pingxiang = {url for url in indexed_pages(output) if url.startswith("/units/pingxiang-zfw/")}
    assert given == pingxiang | {url for name, urls in before.items() if name != kept for url in urls} == held(output)[new]
    found = visible(output)
    assert set(found) == indexed_pages(output) and all(len(texts) == 1 for texts in found.values())


def test_with_room_for_one_layer_the_delta_is_indexed_as_one(layered):
    merged, output = layered["merged"]
    assert merged.index.layers == 1 and len(layers(output)) == 1
    given = {f"/{page}" for page in merged.index.delta_indexed}
    assert given == set(in_layers(output)) and merged.index.delta == len(given)
    assert units_of(given) == {"quannan-zfw", "putuo-czj", "dachang-zfw", "pingxiang-zfw", "putuo-ghj"}
    assert list(record(output)["delta"]["hide"]) == [""]  # the one layer hides nothing
    found = visible(output)
    assert set(found) == indexed_pages(output) and all(len(texts) == 1 for texts in found.values())
    assert any(THIRD in texts[0] for texts in found.values())


def test_compaction_empties_the_layers(layered):
    compacted, output = layered["compacted"]
    assert compacted.index.compacted == [0] and compacted.index.layers == 0 and compacted.index.delta_indexed == []
    assert "delta" not in record(output) and not (output / BUNDLE / DELTA).exists()
    assert tree(output / BUNDLE) == tree(layered["full-after"][1] / BUNDLE)  # byte for byte


@pytest.fixture(scope="module")
def layered_servers(layered):
    """Servers of the outputs after the second change of quannan-zfw and after laoting-zfw's removal, and of the full build."""
    servers = [serve(layered["steps"][2][1]), serve(layered["steps"][3][1]), serve(layered["full"][1])]
    yield [next(server) for server in servers]
    for server in servers:
        next(server, None)


def finds_nothing(page, server: str, query: str) -> None:
    page.goto(server + "search/?q=" + query)
    expect(page.locator(".pagefind-ui__message")).to_have_text(re.compile("没有找到"), timeout=15000)
    assert page.locator("li.pagefind-ui__result").count() == 0


@browser_only
@pytest.mark.browser
def test_search_finds_a_page_changed_twice_once_with_its_latest_text(layered_servers, page, layered):
    third, _, _ = layered_servers
    output = layered["steps"][2][1]
    holding = pages_containing(output, THIRD)
    assert holding and all(url.startswith("/units/quannan-zfw/2022/") for url in holding)
    found = searched(page, third, THIRD)
    assert sorted(found) == sorted(holding) and len(found) == len(set(found))
    finds_nothing(page, third, NEW)
    finds_nothing(page, third, OLD)
    laoting = pages_containing(output, LAOTING_NEW)  # the older layer's pages, still found
    assert laoting and set(searched(page, third, LAOTING_NEW)) == laoting
    assert page.errors == []


@browser_only
@pytest.mark.browser
def test_search_finds_no_page_of_a_removed_unit(layered_servers, page):
    _, fourth, full = layered_servers
    for query in [LAOTING_NEW, "乐亭"]:  # its own words: on no page but its own
        finds_nothing(page, fourth, query)
    for query in ["雪亮工程", THIRD, "全南县", "政法委员会"]:
        found = searched(page, fourth, query)
        assert not any(url.startswith("/units/laoting-zfw/") for url in found)
        assert sorted(found) == sorted(searched(page, full, query)), query
    assert page.errors == []


@browser_only
@pytest.mark.browser
def test_each_layer_adds_its_own_files_to_the_first_query(layered_servers, browser, layered):
    """Pagefind's code and WebAssembly once; each layer its entry and metadata files, as a shard."""
    _, fourth, full = layered_servers
    bundles = 1 + len(layers(layered["steps"][3][1]))
    assert bundles >= 3
    kinds, found = first_query(browser, fourth, "全南县")
    full_kinds, full_found = first_query(browser, full, "全南县")
    assert found == full_found and found
    assert kinds["pagefind.js"] == kinds["pagefind-worker.js"] == kinds["wasm"] == 1
    assert kinds["pagefind-entry.json"] == kinds[".pf_meta"] == bundles and full_kinds["pagefind-entry.json"] == 1
    assert ".pf_filter" not in kinds


@browser_only
@pytest.mark.browser
@pytest.mark.parametrize("query", ["全南县", "政法委员会"])
def test_pages_hidden_in_layers_leave_the_filter_counts(layered_servers, page, query):
    """Old copies hidden in the shard and in a layer (quannan-zfw's), a removed unit's in another
    (laoting-zfw's): the counts are those of a build from nothing."""
    _, fourth, full = layered_servers
    for facet in ["单位", "年度"]:
        searched(page, full, query)
        expected = facet_counts(page, facet)
        assert expected
        searched(page, fourth, query)
        assert facet_counts(page, facet, expected) == expected, facet
    assert page.errors == []
