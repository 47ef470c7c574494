"""A rebuild told which files changed (``Builder.rebuild(paths)``, what `serve` does on a save)
reads only the unit folders those paths lie in; the others keep their keys, entries and file
hashes from the Builder's last build, so the rebuild's cost does not grow with the portal."""
from __future__ import annotations

import os
import re
import shutil

import pytest

from sitegen.builder import Builder
from sitegen.cache import FileHashes
from sitegen.synth import synthesize

from .conftest import CONTENT


@pytest.fixture
def site(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    return content


def _edit(file, old: str, new: str) -> None:
    text = file.read_text(encoding="utf-8")
    assert old in text
    file.write_text(text.replace(old, new, 1), encoding="utf-8")


def _edit_two_units(site):
    """Edit a document of dingxi-zfw (the file a caller names) and laoting-zfw's unit.yaml (a
    change it does not name); returns the named file."""
    edited = site / "units" / "dingxi-zfw" / "2023" / "final-accounts.yaml"
    _edit(edited, "title:", "title: 修订 ")
    _edit(site / "units" / "laoting-zfw" / "unit.yaml", "name: 中共乐亭县委政法委", "name: 中共乐亭县委政法委员会甲乙")
    return edited


def hashed(monkeypatch) -> list[str]:
    """The paths ``FileHashes`` hashes (reads or finds known) from now on, in order."""
    read: list[str] = []
    original = FileHashes.hash

    def spy(self, path, stat):
        read.append(path)
        return original(self, path, stat)

    monkeypatch.setattr(FileHashes, "hash", spy)
    return read


def test_a_rebuild_reads_only_the_unit_folders_of_the_changed_paths(site, tmp_path, monkeypatch):
    builder = Builder(site, tmp_path / "out", search=False, cache=tmp_path / "cache", workers=1)
    builder.build_all()
    # A file changed in another unit but not named: a path-told rebuild does not look at it.
    edited = _edit_two_units(site)
    read = hashed(monkeypatch)
    result = builder.rebuild([edited])
    assert read and all("/units/dingxi-zfw/" in path for path in read)
    assert "units/dingxi-zfw/2023/final-accounts/" in result.rendered
    assert not any(url.startswith("units/laoting-zfw/") for url in result.rendered)
    assert "甲乙" not in (tmp_path / "out" / "units" / "laoting-zfw" / "index.html").read_text(encoding="utf-8")

    # Without paths every file is checked again: the unnamed change is built now.
    read.clear()
    result = builder.rebuild()
    assert any("/units/laoting-zfw/" in path for path in read)
    assert "units/laoting-zfw/" in result.rendered

    # The hashes of files a path-told rebuild did not read were kept: a new Builder (a CLI
    # build) finds everything current and renders no unit page again.
    _edit(edited, "title: 修订 ", "title: 再修订 ")
    builder.rebuild([edited])
    read.clear()
    result = Builder(site, tmp_path / "out", search=False, cache=tmp_path / "cache", workers=1).build_all()
    assert not any(url.startswith("units/") for url in result.rendered)


def _tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def test_rebuilds_of_one_builder_match_a_clean_build_and_count_each_finding_once(tmp_path):
    """The serve path: one Builder kept between rebuilds reuses its unit entries and the
    portal-wide pages whose sources did not change; its output after edits that add and remove
    findings, and a copy found across units (COPY-002, added by the portal check to the lists
    of findings of entries the Builder keeps), is byte-identical to a clean build's."""
    synthesize(tmp_path / "site", units=6, years=2, seed=3)
    content = tmp_path / "site" / "content"
    builder = Builder(content, tmp_path / "out", search=False, cache=tmp_path / "cache", workers=1)
    first = builder.build_all()
    assert first.findings == builder.rebuild([]).findings == builder.rebuild([]).findings
    edited = content / "units" / "c0001-gaj" / "2021" / "self-evaluation.yaml"
    text = edited.read_text(encoding="utf-8")
    match = re.search(r"executed: (\d+)\.(\d\d)", text)
    for cents in (int(match[2]) + 7, int(match[2])):  # a new finding, then the text as it was
        edited.write_text(f"{text[:match.start()]}executed: {match[1]}.{cents % 100:02d}{text[match.end():]}", encoding="utf-8")
        result = builder.rebuild([edited])
        clean = Builder(content, tmp_path / f"clean{cents}", search=False, cache=tmp_path / f"cache{cents}", workers=1).build_all()
        assert result.findings == clean.findings
        rebuilt, fresh = _tree(tmp_path / "out"), _tree(tmp_path / f"clean{cents}")
        assert sorted(rebuilt) == sorted(fresh)
        assert [name for name in fresh if rebuilt[name] != fresh[name]] == []
    assert result.findings == first.findings


def test_build_changed_reads_only_the_named_unit_folders(site, tmp_path, monkeypatch):
    """`sitegen build --changed PATH`: a new process, told what changed, trusts the unit keys
    the last build stored in the cache for every other unit folder."""
    from click.testing import CliRunner

    from sitegen.cli import main

    def build(*extra: str):
        result = CliRunner().invoke(main, ["build", "--content", str(site), "--output", str(tmp_path / "out"),
                                           "--no-search", "--jobs", "1", *extra])
        assert result.exit_code in (0, 1), result.output
        return result

    build()
    edited = _edit_two_units(site)
    read = hashed(monkeypatch)
    build("--changed", str(edited))
    assert read and all("/units/dingxi-zfw/" in path for path in read)
    out = tmp_path / "out" / "units"
    assert "修订" in (out / "dingxi-zfw" / "2023" / "final-accounts" / "index.html").read_text(encoding="utf-8")
    assert "甲乙" not in (out / "laoting-zfw" / "index.html").read_text(encoding="utf-8")
    read.clear()
    build()  # without --changed every file is checked again
    assert any("/units/laoting-zfw/" in path for path in read)
    assert "甲乙" in (out / "laoting-zfw" / "index.html").read_text(encoding="utf-8")


def test_a_rebuild_deletes_the_cache_entries_it_no_longer_uses_without_listing_the_cache(site, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    builder = Builder(site, tmp_path / "out", search=False, cache=cache, workers=1)
    builder.build_all()
    entries = {p.name for p in (cache / "entries").iterdir()}
    listed: list[str] = []
    scandir = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path=".": listed.append(str(path)) or scandir(path))
    edited = _edit_two_units(site)
    builder.rebuild([edited])
    big = {str(cache / folder) for folder in ("entries", "aside", "files")}  # a province's: hundreds of thousands of names
    assert not big & set(listed)
    now = {p.name for p in (cache / "entries").iterdir()}
    gone, new = entries - now, now - entries
    assert len(gone) == len(new) == 2  # the edited document's entry and its unit's, replaced
    assert not any((cache / "files" / name.removesuffix(".pickle")).exists() for name in gone)

    # Another build collecting the cache in between: this Builder's list of what it kept is
    # stale, so its next rebuild lists the cache (and deletes what the other left behind).
    Builder(site, tmp_path / "other", search=False, cache=cache, workers=1).build_all()
    (cache / "entries" / "left-behind.pickle").write_bytes(b"")
    listed.clear()
    builder.rebuild([edited])
    assert big <= set(listed)
    assert not (cache / "entries" / "left-behind.pickle").exists()


def test_a_rebuild_summarises_only_the_changed_unit_and_makes_the_feed_only_when_its_documents_changed(site, tmp_path, monkeypatch):
    """The portal-wide pages read each unit's summary, kept by unit source, and the feed is kept
    under its documents' keys: after one edit a rebuild summarises that unit alone and makes
    the feed again (all seven units' documents are among its newest), with the bytes of a clean
    build's; after no edit it does neither."""
    import gc

    from sitegen import builder as builder_module
    from sitegen.render import feeds, pages

    summarised: list[str] = []
    summary, atom = pages._summary, feeds.atom
    monkeypatch.setattr(pages, "_summary", lambda unit, *args: summarised.append(unit.id) or summary(unit, *args))
    fed: list[int] = []
    monkeypatch.setattr(feeds, "atom", lambda *args: fed.append(1) or atom(*args))
    monkeypatch.setattr(builder_module, "FREEZE_DOCUMENTS", 1)  # what a province's build does with its entries
    builder = Builder(site, tmp_path / "out", search=False, cache=tmp_path / "cache", workers=1)
    try:
        builder.build_all()
        assert len(summarised) == 7 and fed == [1] and gc.get_freeze_count() > 0
        summarised.clear(), fed.clear()
        _edit(site / "units" / "dingxi-zfw" / "2023" / "final-accounts.yaml", "title:", "title: 修订 ")
        builder.rebuild([site / "units" / "dingxi-zfw" / "2023" / "final-accounts.yaml"])
        assert summarised == ["dingxi-zfw"] and fed == [1]
        clean = tmp_path / "clean"
        Builder(site, clean, search=False, cache=tmp_path / "clean-cache", workers=1).build_all()
        for name in ("feed.xml", "sitemap.xml", "index.html", "data-quality/index.html"):
            assert (tmp_path / "out" / name).read_bytes() == (clean / name).read_bytes(), name
        summarised.clear(), fed.clear()
        builder.rebuild([])
        assert summarised == [] and fed == []
    finally:
        gc.unfreeze()
