"""Full-text search: Pagefind's extended build indexes the written pages (segmenting Chinese).

Pages mark their indexable part with ``data-pagefind-body`` and their facets with
``data-pagefind-filter`` (the value in the attribute, so no hidden text reaches the excerpts);
unit, document and project pages (``units/<unit-id>/…``) and the place pages carry it; the
place pages (``regions/…``, a few hundred at most) go with the first shard. The index and its UI land in ``<output>/pagefind/``, served from the portal itself
(no outside host). The query side is the theme's: ``static/pagefind-zh/`` reads a query
against the index's own words, because Pagefind would cut it with the browser's segmenter,
not jieba.

**Shards.** Pagefind holds every page it indexes in memory (about 135 KB of RSS a page), so
a large portal is indexed in shards, one Pagefind run after another (peak memory is one
shard's): a unit belongs to shard ``sha256(unit id) mod S``, ``S`` the smallest power of two
that leaves ``SHARD_PAGES`` pages or fewer to a shard on average (``S = 1`` for a small
portal). A run sees only its shard's pages, hard-linked at their own relative paths into a
scratch folder, so result URLs are those of the portal. The first non-empty shard's bundle is
``pagefind/`` itself (with Pagefind's UI files, at the path the search page loads); the others
are ``pagefind/shards/<k>/``, listed in ``pagefind/shards.json`` under ``merge``. The search
page loads them all into one Pagefind (``mergeIndex``: its code and WebAssembly are fetched once,
whatever the number of shards), and tells their results apart by page id: the ids of a shard's
pages begin with its tag, ``s<k>-`` (``shards.json``'s ``tags``; a delta layer's ``d<name>-``), which
``_canonical`` gives them (see ``static/pagefind-zh/pagefind.js``: a reading of the query is
searched only in the shards holding all of its words).

**Incremental: the delta index.** Pagefind cannot update a bundle in place, and indexing a
shard takes about 4 ms a page (a minute for a full shard), so a rebuild does not re-index the
shard of a changed unit. Each shard's bundle records in ``sources.json`` what it was indexed
from: its *parts* (a unit's own pages under its id and key, each document's pages under the
unit's id and the document's key — both hashes of their inputs —, each portal-wide page under
its path and a hash of its bytes) and the page ids Pagefind gave their pages (a page's
fragment name, the ``id`` of a search result). A rebuild takes the shard's bundle from the
previous output (its page folders moved, the rest hard-linked) and, unless ``shards.json`` says it
was indexed from the shard's parts as they are now (``indexed``, a hash of them: then its
``sources.json`` is not even read), compares: the pages of parts the shard lacks go to the delta index,
and ``shards.json``'s ``delta.hide`` lists, by bundle, the page ids (with their filter values) of
parts that are gone (a changed document's old pages, a removed unit's), which the search page
drops from that bundle's answers.

**The delta's layers.** The delta is a few small bundles, ``pagefind/delta/<name>/`` (``delta.layers``),
each recording in ``sources.json`` the parts it was indexed from, as a shard does, so a rebuild
indexes only its own changes: a layer of the previous output holding parts the delta still
needs is kept (hard-linked), its parts changed again or removed hidden in it as a shard's are,
a layer holding none of them is dropped, and the parts no layer holds are indexed into one new
layer. A layer is named after a hash of its parts, and the ids of its pages begin with ``d`` and
that name: a layer is a function of the pages it holds. Past ``DELTA_LAYERS`` layers (each adds
its entry, metadata and index chunks to a first query) the smallest layers are indexed again
with the new pages, into the new layer: a rebuild then indexes its own pages and about
``DELTA_PAGES / DELTA_LAYERS`` more, not the whole delta. A layer holds (hidden pages included)
the pages of one delta, so at most ``DELTA_PAGES``.
Which layers a delta has depends on the order of the rebuilds since the shards were indexed;
the pages found do not.

**Compaction.** When the delta would hold and hide more than ``DELTA_PAGES`` pages (about a
second of Pagefind, and the hidden ids the search page fetches), or when the caller asks (``compact=True``), every shard holding a change is
indexed anew and the delta empties (no layer is left): the bundle is then the one a build from nothing makes,
byte for byte. A different ``S``, Pagefind version or ``FORMAT`` re-indexes every shard.

**Reproducible.** Pagefind (1.5) writes the filters, and the values of each filter, in the
order of a Rust hash map seeded anew in every run, so the same pages gave filter files (and
their hashed names, and the metadata file naming them) that differed from build to build.
``_canonical`` sorts them after each run: the bundle is a function of the pages.
"""
from __future__ import annotations

import functools
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import cbor2

from .assets import TEXT_SUFFIXES, write_compressed
from .cache import digest
from .progress import Progress
from .render import urls
from .write import link_or_copy

BUNDLE = "pagefind"          # the index folder, relative to the output
RECORD = "shards.json"       # in BUNDLE: the shards, what each was built from, which to merge
SHARDS = "shards"            # in BUNDLE: the bundles of the shards other than the first
SHARD_PAGES = 15_000         # pages a shard holds (on average at most): ~2 GB of Pagefind RSS
SCRATCH = ".pagefind-shard"  # in the output, while a shard is indexed
DELTA = "delta"              # in BUNDLE: the delta index's layers (pages changed since their shard was indexed)
DELTA_TAG = "d"              # what the ids of a layer's pages begin with, then its name (a shard's: "s<number>")
DELTA_PAGES = 300            # pages the delta may hold and hide; more, and the shards holding them are re-indexed
DELTA_LAYERS = 8             # layers the delta may have; more, and the smallest go into the new one
LAYER_DIGITS = 10            # of a hash of its parts: a layer's name
SOURCES = "sources.json"     # in each shard's bundle: what it was indexed from, with the ids of its pages
FORMAT = 4                   # of RECORD; a change re-indexes every shard
PAGE_FOLDERS = ("fragment", "index", "filter")  # of a bundle: its bulk, moved whole from the previous output
UI_FILES = ("pagefind-ui.", "pagefind-component-ui.", "pagefind-modular-ui.", "pagefind-highlight.")
SIGNATURE = b"pagefind_dcd"  # what Pagefind's files hold, gzipped, before their CBOR


class SearchIndexError(RuntimeError):
    """Pagefind failed; carries its output."""


@dataclass
class IndexReport:
    """What ``build_index`` did: shard numbers indexed (``compacted``: those of them re-indexed
    to empty the delta) and reused, pages in the delta index (``delta``), its ``layers``, the
    pages (URLs) this build indexed into a new layer (``delta_indexed``), pages
    hidden in the shards and layers, seconds in Pagefind."""

    shards: int = 1
    indexed: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)
    compacted: list[int] = field(default_factory=list)
    delta: int = 0
    layers: int = 0
    delta_indexed: list[str] = field(default_factory=list)
    hidden: int = 0
    seconds: float = 0.0


def shard_count(pages: int, shard_pages: int = SHARD_PAGES) -> int:
    """The smallest power of two ``S`` with ``pages / S <= shard_pages``."""
    count = 1
    while pages > count * max(1, shard_pages):
        count *= 2
    return count


@functools.lru_cache(maxsize=1 << 20)  # every rebuild places every unit
def shard_of(unit_id: str, count: int) -> int:
    """The shard of a unit: a hash of its id only, so a unit stays in its shard while ``count`` does."""
    return int.from_bytes(hashlib.sha256(unit_id.encode("utf-8")).digest()[:8], "big") % count


@functools.cache  # read for every shard of every rebuild
def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return ""


def build_index(site: Path, units: list, *, previous: Path | None = None,
                shard_pages: int = SHARD_PAGES, progress: Progress | None = None,
                extra_pages: dict[str, str] | None = None, compact: bool = False, delta_pages: int | None = None,
                reuse: Callable[[str, str], bool] | None = None) -> IndexReport:
    """Index the unit pages under ``site`` into ``site/pagefind/``, shard by shard.

    ``units``: the built units (``unitbuild.UnitEntry``: ``id``, ``page_count``, ``stamp`` (the key of its
    own pages' files), ``pages`` (URLs) and ``documents`` with their ``stamp`` and ``pages``).
    ``previous``: the output of the previous build, whose shard bundles are reused, the pages
    changed since they were indexed going to the delta index; ``progress`` shows the shards
    done. ``extra_pages``: portal-wide pages (URL → a hash of the page's bytes: the place
    pages) indexed with the first shard. ``compact``: re-index every shard holding a change and leave no
    delta (also done when the delta would hold more than ``delta_pages`` pages, default
    ``DELTA_PAGES``). ``reuse``: ``write.reused_from``'s ``reuse(folder, key)``, which moves a
    reused shard's page folders from ``previous`` (one rename each) where they would
    otherwise be hard-linked file by file. The files written come with their ``.gz`` and
    ``.br`` copies. Raises ``SearchIndexError`` when Pagefind fails.
    """
    report = IndexReport()
    bundle = site / BUNDLE
    limit = DELTA_PAGES if delta_pages is None else delta_pages
    members: dict[int, list] = {}
    pages = sum(unit.page_count for unit in units)
    count = report.shards = shard_count(pages, shard_pages)
    for unit in units:
        members.setdefault(shard_of(unit.id, count), []).append(unit)
    version = pagefind_version()
    old = _read_record(previous / BUNDLE) if previous is not None else {}
    if old.get("format") != FORMAT or old.get("count") != count or old.get("pagefind") != version:
        old = {}

    # What each shard holds now (its parts), and what its bundle in the previous output was indexed from.
    plans: list[_Shard] = []
    for n, number in enumerate(sorted(members)):
        shard_units = sorted(members[number], key=lambda unit: unit.id)
        plan = _Shard(number, "" if n == 0 else f"{SHARDS}/{number}/", _parts(shard_units, (extra_pages or {}) if n == 0 else {}))
        was = old.get("shards", {}).get(str(number))
        if was:
            source = previous / BUNDLE / was["bundle"]
            if was.get("indexed") == plan.key and (source / "pagefind-entry.json").is_file():
                plan.source, plan.indexed = source, plan.key  # indexed from these very parts: what it holds is not read
            else:
                plan.baseline = _read_sources(source)
                if plan.baseline is not None:
                    plan.source, plan.indexed = source, _key(plan.path, plan.baseline)
        plans.append(plan)
    changed = [plan for plan in plans if plan.source is not None and (plan.added or plan.removed)]
    if compact or sum(plan.added_pages + plan.removed_pages for plan in changed) > limit:
        for plan in changed:
            plan.source = plan.baseline = plan.indexed = None
        report.compacted = sorted(plan.number for plan in changed)

    delta: dict[str, list[str]] = {}  # the parts the delta holds: those the reused shards lack
    hide: dict[str, dict[str, dict]] = {}
    for plan in (progress or Progress(enabled=False)).iterate("search index", plans):
        target = bundle / plan.path
        if plan.source is not None:
            moved = _move_folders(reuse, plan.path, plan.indexed) if plan.source == previous / BUNDLE / plan.path else ()
            _link_bundle(plan.source, target, skip=moved)
            report.reused.append(plan.number)
            delta.update((part, plan.parts[part]) for part in plan.added)
            hidden = sorted(fragment for part in plan.removed for fragment in plan.baseline[part])
            if hidden:
                hide[plan.path] = {page: _decode_json(target / "fragment" / f"{page}.pf_fragment").get("filters", {})
                                   for page in hidden}
        else:
            report.seconds += _index_shard(site, target, [page for part in sorted(plan.parts) for page in plan.parts[part]],
                                           ui=not plan.path, tag=plan.tag)
            _write_sources(target, plan.parts)
            _keep_folders(reuse, target, plan.path, plan.key)
            plan.indexed = plan.key
            report.indexed.append(plan.number)
    record = {"format": FORMAT, "count": count, "pagefind": version,
              "merge": [plan.path for plan in plans if plan.path],
              "tags": {plan.path: plan.tag for plan in plans},
              "shards": {str(plan.number): {"bundle": plan.path, "units": len(members[plan.number]), "key": plan.key,
                                            "indexed": plan.indexed} for plan in plans}}
    if delta or hide:
        record["delta"] = _delta(site, bundle, previous, old.get("delta"), delta, hide, report)
    _write_record(bundle, record)
    write_compressed(bundle / RECORD)
    return report


@dataclass
class _Shard:
    """One shard of this build: its parts (part id → its pages) and, when its bundle in the
    previous output can be reused, that bundle (``source``), the key of the parts it was
    indexed from (``indexed``) and, unless those are this shard's parts, the parts themselves
    (``baseline``: part id → the page ids Pagefind gave their pages)."""

    number: int
    path: str
    parts: dict[str, list[str]]
    source: Path | None = None
    baseline: dict[str, list[str]] | None = None
    indexed: str | None = None

    @property
    def tag(self) -> str:
        """What the ids of the shard's pages begin with (``_canonical``)."""
        return f"s{self.number}"

    @functools.cached_property
    def key(self) -> str:
        """A hash of the parts: the shard's bundle is a function of them (they name their pages' contents)."""
        return _key(self.path, self.parts)

    @property
    def added(self) -> list[str]:
        if self.indexed == self.key:
            return []
        return sorted(part for part in self.parts if part not in (self.baseline or {}))

    @property
    def removed(self) -> list[str]:
        if self.indexed == self.key:
            return []
        return sorted(part for part in (self.baseline or {}) if part not in self.parts)

    @property
    def added_pages(self) -> int:
        return sum(len(self.parts[part]) for part in self.added)

    @property
    def removed_pages(self) -> int:
        return sum(len(self.baseline[part]) for part in self.removed)


def _key(path: str, parts: Iterable[str]) -> str:
    """The key of a bundle at ``path`` indexed from ``parts`` (ids: no line break in one)."""
    return digest(pagefind_version(), path, "\n".join(sorted(parts)))


def _parts(units: list, extra: dict[str, str]) -> dict[str, list[str]]:
    """The pages (URLs) to index, by what they are made from: a unit's own pages under its id
    and stamp, each document's under the unit's id and the document's stamp (hashes of their
    inputs and templates), each portal-wide page under its URL and a hash of its bytes. A
    part whose id is unchanged has unchanged pages. The entries' own lists, not copies: every
    rebuild lists the parts of the whole portal."""
    parts: dict[str, list[str]] = {}
    for unit in units:
        parts[f"{unit.id} {unit.stamp}"] = unit.pages
        for doc in unit.documents:
            parts[f"{unit.id} {doc.stamp}"] = doc.pages
    for url, page_hash in extra.items():
        parts[f"{url} {page_hash}"] = [url]
    return {part: pages for part, pages in parts.items() if pages}


def _delta(site: Path, bundle: Path, previous: Path | None, was: dict | None, parts: dict[str, list[str]],
           hide: dict[str, dict[str, dict]], report: IndexReport) -> dict:
    """Put the pages of ``parts`` (part id → its pages) in the delta's layers and return its record.

    A layer of the previous output (``was``: its record) holding some of ``parts`` is kept,
    hard-linked, its other parts (changed again, or gone) hidden in it as a shard's are; the
    parts no layer holds are indexed into one new layer. Past ``DELTA_LAYERS`` layers the
    smallest layers (by the pages they still hold) go into the new one, until the count fits. A
    layer is named and tagged after a hash of its parts (so it is a function of them) and
    records them in its ``sources.json``, as a shard does.

    The record: the layers (``bundle``, ``tag``, ``pages``), the pages of ``parts``, and by
    bundle (shard or layer) the page ids the search page hides (``hide``), each with its filter
    values as indices into ``filters`` (``[name, value]`` pairs): the search page takes a
    hidden page out of the filter counts without fetching it."""
    kept: list[tuple[dict, Path, dict[str, list[str]], set[str]]] = []  # (record, bundle, its parts, those still held)
    held: set[str] = set()
    for layer in (was or {}).get("layers", []) if previous is not None else ():
        source = previous / BUNDLE / layer["bundle"]
        sources = _read_sources(source)
        mine = {part for part in sources or () if part in parts and part not in held}
        if mine:
            kept.append((layer, source, sources, mine))
            held |= mine
    new = {part: pages for part, pages in parts.items() if part not in held}
    while new and len(kept) >= DELTA_LAYERS:  # the smallest layer's pages are the fewest to index again
        smallest = min(kept, key=lambda layer: sum(len(parts[part]) for part in layer[3]))
        kept.remove(smallest)
        new.update((part, parts[part]) for part in smallest[3])
    layers = []
    for layer, source, sources, mine in kept:
        target = bundle / layer["bundle"]
        _link_bundle(source, target)
        hidden = sorted(page for part, ids in sources.items() if part not in mine for page in ids)
        if hidden:
            hide[layer["bundle"]] = {page: _decode_json(target / "fragment" / f"{page}.pf_fragment").get("filters", {})
                                     for page in hidden}
        layers.append(layer)
    if new:
        key = digest(pagefind_version(), *sorted(new))[:LAYER_DIGITS]
        pages = [page for part in sorted(new) for page in new[part]]
        layer = {"bundle": f"{DELTA}/{key}/", "tag": f"{DELTA_TAG}{key}", "pages": len(pages)}
        target = bundle / layer["bundle"]
        report.seconds += _index_shard(site, target, pages, ui=False, tag=layer["tag"])
        _write_sources(target, new)
        report.delta_indexed = pages
        layers.append(layer)
    filters = sorted({(name, value) for pages_filters in hide.values() for page_filters in pages_filters.values()
                      for name, values in page_filters.items() for value in values})
    index = {pair: n for n, pair in enumerate(filters)}
    report.delta, report.layers = sum(map(len, parts.values())), len(layers)
    report.hidden = sum(len(ids) for ids in hide.values())
    return {"layers": layers, "pages": report.delta, "filters": [list(pair) for pair in filters],
            "hide": {path: {page: sorted(index[name, value] for name, values in page_filters.items() for value in values)
                            for page, page_filters in pages_filters.items()}
                     for path, pages_filters in hide.items()}}


def _read_sources(bundle: Path) -> dict[str, list[str]] | None:
    """The parts a bundle was indexed from, or None when it cannot be reused."""
    if not (bundle / "pagefind-entry.json").is_file():
        return None
    try:
        return json.loads((bundle / SOURCES).read_text(encoding="utf-8"))["parts"]
    except (OSError, ValueError, KeyError):
        return None


def _write_sources(bundle: Path, parts: dict[str, list[str]]) -> None:
    """Record in ``bundle`` the page ids Pagefind gave each part's pages (a page's id is its
    fragment file's name: the ``id`` of a search result)."""
    ids: dict[str, str] = {}
    for file in (bundle / "fragment").glob("*.pf_fragment"):
        ids[_decode_json(file)["url"]] = file.stem
    by_part = {part: sorted(ids[f"/{url}"] for url in pages if f"/{url}" in ids) for part, pages in parts.items()}
    (bundle / SOURCES).write_text(json.dumps({"parts": by_part}, sort_keys=True, separators=(",", ":")), encoding="utf-8")
    write_compressed(bundle / SOURCES)


def _index_shard(site: Path, target: Path, pages: list[str], *, tag: str, ui: bool = True) -> float:
    """Index ``pages`` (URLs) of ``site`` into the bundle ``target``: Pagefind sees them
    hard-linked at the same relative paths under a scratch folder, so their URLs are unchanged.
    Without ``ui`` the bundle keeps only what Pagefind's search API loads (the search page
    takes its UI from the first shard's bundle). The ids of its pages begin with ``tag``
    (``_canonical``). Its text files get their compressed copies."""
    scratch = site / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)
    made: set[Path] = set()
    try:
        for url in pages:
            relative = urls.file_for(url)
            link = scratch / relative
            if link.parent not in made:
                link.parent.mkdir(parents=True, exist_ok=True)
                made.add(link.parent)
            link_or_copy(site / relative, link)
        seconds = _pagefind(scratch, target, tag)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for file in sorted(target.iterdir()):
        if not ui and file.name.startswith(UI_FILES):
            file.unlink()
        elif file.suffix in TEXT_SUFFIXES:
            write_compressed(file)
    return seconds


def _move_folders(reuse: Callable[[str, str], bool] | None, path: str, key: str) -> tuple[str, ...]:
    """Move the page folders of the bundle at ``path`` from the previous output, where they were
    recorded under ``key``; returns the folders moved."""
    if reuse is None:
        return ()
    return tuple(folder for folder in PAGE_FOLDERS if reuse(f"{BUNDLE}/{path}{folder}", digest(key, folder)))


def _keep_folders(reuse: Callable[[str, str], bool] | None, target: Path, path: str, key: str) -> None:
    """Record the page folders of a bundle just indexed under ``key``, for the next build to move.
    ``reuse`` records a folder by being asked for it; should the previous output hold the same
    folder (the same pages), what it moves in is what Pagefind wrote, so that copy is kept."""
    if reuse is None:
        return
    for folder in PAGE_FOLDERS:
        aside = target / f"{folder}.new"
        if not (target / folder).is_dir():
            continue
        os.rename(target / folder, aside)
        if reuse(f"{BUNDLE}/{path}{folder}", digest(key, folder)):
            shutil.rmtree(aside)
        else:
            os.rename(aside, target / folder)


@functools.cache
def _executable() -> str:
    """Pagefind's binary, run without ``python -m pagefind`` (which only execs it) so that a
    rebuild's small delta layer does not wait for another interpreter to start (~0.1 s)."""
    from pagefind.service import get_executable  # imports asyncio: only when indexing

    found = get_executable()
    if found is None:
        raise SearchIndexError("Pagefind's binary is not installed (pip install 'pagefind[extended]')")
    return str(found)


def _pagefind(site: Path, target: Path, tag: str) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [_executable(), "--site", str(site), "--output-path", str(target), "--silent"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    _canonical(target, tag)
    return time.perf_counter() - started


def _canonical(bundle: Path, tag: str) -> None:
    """Sort what Pagefind wrote in hash-map order: the values of each filter file
    (``[filter, [[value, [page numbers]], ...]]``) and the filter list of the metadata file
    (``[version, pages, index chunks, [[filter, file hash], ...], ...]``), each file then
    named after its new bytes as Pagefind names them (``<language>_<hex>``).

    And give every page an id beginning with ``tag-`` (the page list of the metadata file,
    ``[[id, word count], ...]``, and the fragment files named by id): the search page loads
    every bundle into one Pagefind (``mergeIndex``, one copy of its code and WebAssembly), whose
    results come from all bundles at once; the tag of a result's id says which bundle gave it.
    Nothing else names a page by its id (index and filter files use its place in the list)."""
    entry_file = bundle / "pagefind-entry.json"
    entry = json.loads(entry_file.read_text(encoding="utf-8"))
    renamed: dict[str, str] = {}
    for file in sorted((bundle / "filter").glob("*.pf_filter")):
        name, values = _decode(file)
        file.unlink()
        renamed[file.stem] = _encode(bundle / "filter", file.stem, ".pf_filter", [name, sorted(values, key=lambda v: v[0])], 7)
    for language in entry["languages"].values():
        meta_file = bundle / f"pagefind.{language['hash']}.pf_meta"
        meta = _decode(meta_file)
        meta_file.unlink()
        for page in meta[1]:
            fragment = bundle / "fragment" / f"{page[0]}.pf_fragment"
            page[0] = f"{tag}-{page[0]}"
            fragment.rename(fragment.with_name(f"{page[0]}.pf_fragment"))
        meta[3] = sorted([name, renamed.get(file, file)] for name, file in meta[3])
        language["hash"] = _encode(bundle, language["hash"], ".pf_meta", meta, 13, prefix="pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _payload(file: Path) -> bytes:
    data = gzip.decompress(file.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"{file} is not a Pagefind file this sitegen can read")
    return data[len(SIGNATURE):]


def _decode_json(file: Path):
    """A fragment (JSON: ``url``, ``content``, ``filters``: {name: [values]}, …)."""
    return json.loads(_payload(file))


def _decode(file: Path):
    return cbor2.loads(_payload(file))


def _encode(folder: Path, stem: str, suffix: str, value, digits: int, prefix: str = "") -> str:
    """Write ``value`` as Pagefind does, named ``<prefix><language>_<hash of the bytes><suffix>``;
    returns the new ``<language>_<hash>``."""
    data = SIGNATURE + cbor2.dumps(value)
    name = f"{stem.rsplit('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def _link_bundle(source: Path, target: Path, skip: tuple[str, ...] = ()) -> None:
    """Hard-link (copy where impossible) the bundle ``source`` to ``target``; the first shard's
    bundle holds the others' folders, the delta's and the record, which are not part of it;
    ``skip``: its folders already in place."""
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        if relative == Path("."):
            dirs[:] = [d for d in dirs if d not in (SHARDS, DELTA, *skip)]
            files = [f for f in files if f != RECORD]
        (target / relative).mkdir(parents=True, exist_ok=True)
        for name in files:
            link_or_copy(here / name, target / relative / name)


def _read_record(bundle: Path) -> dict:
    try:
        return json.loads((bundle / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_record(bundle: Path, record: dict) -> None:
    bundle.mkdir(parents=True, exist_ok=True)
    (bundle / RECORD).write_text(json.dumps(record, indent=1, sort_keys=True) + "\n", encoding="utf-8")
