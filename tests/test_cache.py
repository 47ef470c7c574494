"""The build cache: a rebuild after editing one document renders only what depends on it,
and its output is byte-identical to a clean build's."""
from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest

from sitegen.builder import build_portal
from sitegen.content import load_portal
from sitegen.render.keyfigures import key_figures
from sitegen.render.slim import slim_document
from sitegen.synth import synthesize


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _edit_first_amount(file: Path) -> None:
    text = file.read_text(encoding="utf-8")
    match = re.search(r"(?:amount|executed): (\d+)\.(\d\d)", text)
    cents = (int(match.group(2)) + 1) % 100
    file.write_text(text[: match.start(1)] + f"{match.group(1)}.{cents:02d}" + text[match.end():], encoding="utf-8")


def test_rebuild_after_one_edit_renders_only_its_pages_and_matches_a_clean_build(tmp_path):
    synthesize(tmp_path / "site", units=6, years=2, seed=3)  # 36 documents, enough units for the worker pool
    content = tmp_path / "site" / "content"
    cache, output = tmp_path / "cache", tmp_path / "output"
    first = build_portal(content, output, search=False, cache=cache, workers=2)
    assert len(first.rendered) == first.pages

    unchanged = build_portal(content, output, search=False, cache=cache, workers=2)
    assert unchanged.rendered == []  # the portal-wide pages too: same content, same templates
    portal_wide = {url for url in first.rendered if not url.startswith("units/")}

    edited = content / "units" / "c0001-czj" / "2021" / "self-evaluation.yaml"
    _edit_first_amount(edited)
    second = build_portal(content, output, search=False, cache=cache, workers=2)
    document = "units/c0001-czj/2021/self-evaluation/"
    own = {"units/c0001-czj/"} | {url for url in first.rendered if url.startswith(document)}
    assert own <= set(second.rendered) <= own | portal_wide
    assert any(url.startswith(document + "projects/") for url in own)
    # Of the portal-wide pages, those that list the unit or count its findings; not the pages
    # of the rules it has no finding of (``render.pages.LazyPage``).
    rule_pages = {url for url in portal_wide if url.startswith("rules/") and url != "rules/"}
    assert "" in second.rendered and rule_pages - set(second.rendered)

    clean = build_portal(content, tmp_path / "clean", search=False, cache=tmp_path / "fresh-cache", workers=1)
    assert len(clean.rendered) == clean.pages == second.pages
    rebuilt, fresh = _tree(output), _tree(tmp_path / "clean")
    assert sorted(rebuilt) == sorted(fresh)
    assert [name for name in fresh if rebuilt[name] != fresh[name]] == []


def test_slim_documents_keep_the_key_figures(tmp_path):
    synthesize(tmp_path, units=3, years=1, seed=5)
    for doc in load_portal(tmp_path / "content", strict=True).documents():
        assert key_figures(slim_document(doc)) == key_figures(doc)


def test_unchanged_unit_folders_move_over_and_a_failed_build_moves_them_back(tmp_path, monkeypatch):
    synthesize(tmp_path / "site", units=3, years=1, seed=4)
    content = tmp_path / "site" / "content"
    cache, output = tmp_path / "cache", tmp_path / "output"
    build_portal(content, output, search=False, cache=cache, workers=1)
    folders = {p.name: p.stat().st_ino for p in (output / "units").iterdir()}
    edited = next((content / "units" / "c0001-czj").glob("*/budget.yaml"))

    _edit_first_amount(edited)
    build_portal(content, output, search=False, cache=cache, workers=1)
    after = {p.name: p.stat().st_ino for p in (output / "units").iterdir()}
    # A folder keeps its inode only when renamed: the unchanged units were moved, not remade.
    assert {name for name in folders if after[name] == folders[name]} == set(folders) - {"c0001-czj"}

    before = _tree(output)
    _edit_first_amount(edited)

    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("sitegen.export.archive_bytes", fail)  # zips the edited unit's place in the portal_outputs hook
    try:
        build_portal(content, output, search=False, cache=cache, workers=1)
    except RuntimeError as error:
        assert str(error) == "disk full"
    else:
        raise AssertionError("the build should have failed")
    assert _tree(output) == before  # every moved folder went back


def test_content_errors_survive_a_pickle_round_trip(tmp_path):
    """Workers hand their results to the parent pickled, content errors included."""
    import pickle

    from sitegen.content.errors import ContentError
    error = ContentError(tmp_path / "budget.yaml", 3, 7, "expected a number", path="figures[0].amount")
    copy = pickle.loads(pickle.dumps(error))
    assert copy == error and str(copy) == str(error) and copy.path == "figures[0].amount"
    assert pickle.loads(pickle.dumps(ContentError(tmp_path / "unit.yaml", 1, 1, "x"))).path == ""
    # Dask's workers pickle exceptions through tblib, which sets __cause__ on the copy.
    tblib = pytest.importorskip("tblib.pickling_support")
    function, arguments = tblib.pickle_exception(error)[:2]
    assert function(*arguments) == error


def test_a_parallel_build_with_a_content_error_builds_and_serves_the_broken_unit_from_the_cache(tmp_path):
    synthesize(tmp_path / "site", units=6, years=1, seed=3)  # enough units for the worker pool of 2
    content = tmp_path / "site" / "content"
    broken = content / "units" / "c0001-czj" / "2020" / "budget.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("year: 2020", "year: [2020"), encoding="utf-8")
    cache, output = tmp_path / "cache", tmp_path / "output"
    first = build_portal(content, output, search=False, cache=cache, workers=2)
    assert [str(e.file) for e in first.content_errors] == [str(broken)]
    assert "units/c0001-czj/" in first.rendered
    second = build_portal(content, output, search=False, cache=cache, workers=2)
    assert [str(e) for e in second.content_errors] == [str(e) for e in first.content_errors]
    assert not [url for url in second.rendered if url.startswith("units/")]  # the broken unit came from the cache too


def test_equal_unit_folders_and_equal_documents_keep_their_own_pages(tmp_path):
    """Two units with the same files, and one document copied to another year: each keeps the
    pages at its own address, built and again from the cache (a key that left out the unit or
    the year once gave the second the first one's pages)."""
    synthesize(tmp_path / "site", units=2, years=2, seed=5)
    units = tmp_path / "site" / "content" / "units"
    first = sorted(p for p in units.iterdir())[0]
    year_a, year_b = sorted(p.name for p in first.iterdir() if p.is_dir())[:2]
    shutil.copyfile(first / year_a / "budget.yaml", first / year_b / "budget.yaml")
    shutil.copytree(first, units / "zz-copy")
    cache, output = tmp_path / "cache", tmp_path / "output"
    for _ in range(2):
        build_portal(units.parent, output, search=False, cache=cache, workers=1)
        for unit in (first.name, "zz-copy"):
            for year in (year_a, year_b):
                assert (output / "units" / unit / year / "budget" / "index.html").is_file(), (unit, year)


def _document_models(value) -> set[str]:
    """Names of the pydantic models a pickle of ``value`` holds."""
    import io
    import pickle

    from pydantic import BaseModel
    found: set[str] = set()

    class Spy(pickle.Pickler):
        def reducer_override(self, obj):
            if isinstance(obj, BaseModel):
                found.add(type(obj).__name__)
            return NotImplemented
    Spy(io.BytesIO()).dump(value)
    return found


def test_the_parent_holds_each_document_packed_and_small(tmp_path):
    """What the build parent keeps of every document (the cached unit entries, all unpickled
    at once, ``builder.Builder``) holds no document model, only its packed bytes (a unit's
    ``unit.yaml`` model stays), and takes under 8 KB a document; the packed model, dates, key
    figures and file list are those of the document as built."""
    import gc
    import os
    import tracemalloc

    from sitegen.builder import CACHE_FOLDER, UNIT_KEYS
    from sitegen.cache import BuildCache
    from sitegen.render import feeds
    synthesize(tmp_path / "site", units=6, years=2, seed=8)
    content, output = tmp_path / "site" / "content", tmp_path / "output"
    build_portal(content, output, search=False, workers=1)
    store = BuildCache(content.parent / CACHE_FOLDER)
    keys = [key for _, key in store.get_state(UNIT_KEYS).values()]

    gc.collect()
    tracemalloc.start()
    entries = [store.get(key) for key in keys]
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    documents = [doc for entry in entries for doc in entry.documents]
    assert len(documents) == 36 and held / len(documents) < 8000

    unit_models = set().union(*(_document_models(entry.unit.model) for entry in entries))
    assert _document_models(documents) <= unit_models and "Unit" in unit_models
    full = {doc.key: doc for doc in load_portal(content, strict=True).documents()}
    for entry in documents:
        doc = full[entry.slim.key]
        assert entry.slim.model == slim_document(doc).model and entry.slim.model.title == doc.model.title
        assert entry.slim.dates == feeds.document_dates(doc) and entry.slim.key_figures == key_figures(doc)
        stored = sorted(os.listdir(store.files / entry.stamp), key=int)
        assert len(stored) == len(entry.files)
        assert entry.page_files == [f for f in entry.files if f.endswith(".html")]
        for n, relative in zip(stored, entry.files):
            assert os.path.samefile(store.files / entry.stamp / n, output / relative)


def test_a_rebuild_told_what_changed_journals_those_hashes_and_a_full_build_folds_them_in(tmp_path, monkeypatch):
    from sitegen.cache import FileHashes
    files = [tmp_path / name for name in ("a.yaml", "b.yaml", "c.yaml")]
    for file in files:
        file.write_text(file.name, encoding="utf-8")
    store = tmp_path / "hashes.pickle"
    full = FileHashes(store)
    for file in files:
        full.hash(str(file), file.stat())
    full.save()
    assert store.is_file() and not full.journal.exists()
    saved = store.read_bytes()

    files[0].write_text("changed", encoding="utf-8")
    rebuild = FileHashes(store)
    rebuild.begin()
    rebuild.hash(str(files[0]), files[0].stat())
    rebuild.save(keep_unseen=True)
    assert store.read_bytes() == saved and rebuild.journal.is_file()  # the rebuild wrote only its change
    again = FileHashes(store)
    assert again.known == rebuild.known and set(again.known) == {str(f) for f in files}
    assert again.known[str(files[0])][1] == hashlib.sha256(b"changed").hexdigest()

    monkeypatch.setattr(FileHashes, "JOURNAL_FILES", 2)  # the next journaled change folds the journal in
    files[1].write_text("changed too", encoding="utf-8")
    again.begin()
    again.hash(str(files[1]), files[1].stat())
    again.save(keep_unseen=True)
    assert not again.journal.exists() and FileHashes(store).known == again.known

    files[2].unlink()  # a full build forgets the files it did not see
    again.begin()
    for file in files[:2]:
        again.hash(str(file), file.stat())
    again.save()
    assert set(FileHashes(store).known) == {str(f) for f in files[:2]}
