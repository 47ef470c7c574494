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
page searches each with its own copy of Pagefind rather than ``mergeIndex`` (see
``static/pagefind-zh/pagefind.js``: merged, a shard lacking a word of the query drops it).

**Incremental.** ``shards.json`` also records, per shard, a hash of what it was built from
(Pagefind's version, ``S``, and each unit's id and cache keys, which are hashes of its inputs).
A shard whose hash is the one recorded in the previous output is not indexed again: its
bundle is hard-linked from there. Changing ``S`` changes every hash.

**Reproducible.** Pagefind (1.5) writes the filters, and the values of each filter, in the
order of a Rust hash map seeded anew in every run, so the same pages gave filter files (and
their hashed names, and the metadata file naming them) that differed from build to build.
``_canonical`` sorts them after each run: the bundle is a function of the pages.
"""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import cbor2

from .cache import digest
from .progress import Progress
from .write import link_or_copy

BUNDLE = "pagefind"          # the index folder, relative to the output
RECORD = "shards.json"       # in BUNDLE: the shards, what each was built from, which to merge
SHARDS = "shards"            # in BUNDLE: the bundles of the shards other than the first
SHARD_PAGES = 15_000         # pages a shard holds (on average at most): ~2 GB of Pagefind RSS
SCRATCH = ".pagefind-shard"  # in the output, while a shard is indexed
FORMAT = 1                   # of RECORD; a change re-indexes every shard
SIGNATURE = b"pagefind_dcd"  # what Pagefind's files hold, gzipped, before their CBOR


class SearchIndexError(RuntimeError):
    """Pagefind failed; carries its output."""


@dataclass
class IndexReport:
    """What ``build_index`` did: shard numbers indexed and reused, seconds in Pagefind."""

    shards: int = 1
    indexed: list[int] = field(default_factory=list)
    reused: list[int] = field(default_factory=list)
    seconds: float = 0.0


def shard_count(pages: int, shard_pages: int = SHARD_PAGES) -> int:
    """The smallest power of two ``S`` with ``pages / S <= shard_pages``."""
    count = 1
    while pages > count * max(1, shard_pages):
        count *= 2
    return count


def shard_of(unit_id: str, count: int) -> int:
    """The shard of a unit: a hash of its id only, so a unit stays in its shard while ``count`` does."""
    return int.from_bytes(hashlib.sha256(unit_id.encode("utf-8")).digest()[:8], "big") % count


def pagefind_version() -> str:
    try:
        return metadata.version("pagefind")
    except metadata.PackageNotFoundError:
        return ""


def build_index(site: Path, units: list, *, previous: Path | None = None,
                shard_pages: int = SHARD_PAGES, progress: Progress | None = None,
                extra_pages: list[str] = ()) -> IndexReport:
    """Index the unit pages under ``site`` into ``site/pagefind/``, shard by shard.

    ``units``: the built units (``unitbuild.UnitEntry``: ``id``, ``version`` (the stamps of its
    output files), ``files`` and ``documents`` with their ``files``). ``previous``: the output
    of the previous build, whose bundles are reused where a shard is unchanged; ``progress``
    shows the shards done. ``extra_pages``: portal-wide pages (relative to ``site``: the place
    pages) indexed with the first shard, whose key then includes their content. Raises
    ``SearchIndexError`` when Pagefind fails.
    """
    report = IndexReport()
    bundle = site / BUNDLE
    members: dict[int, list] = {}
    pages = [sum(f.endswith(".html") for f in _files(unit)) for unit in units]
    count = report.shards = shard_count(sum(pages), shard_pages)
    for unit in units:
        members.setdefault(shard_of(unit.id, count), []).append(unit)
    old = _read_record(previous / BUNDLE) if previous is not None else {}
    if old.get("format") != FORMAT or old.get("count") != count:
        old = {}
    version = pagefind_version()
    shards: dict[str, dict] = {}
    for n, number in enumerate((progress or Progress(enabled=False)).iterate("search index", sorted(members))):
        shard_units = sorted(members[number], key=lambda unit: unit.id)
        extra = list(extra_pages) if n == 0 else []
        key = digest(version, str(count), str(number),
                     *(part for unit in shard_units for part in (unit.id, unit.version)),
                     *(part for page in extra for part in (page, (site / page).read_bytes())))
        path = "" if n == 0 else f"{SHARDS}/{number}/"
        target = bundle / path
        was = old.get("shards", {}).get(str(number))
        source = previous / BUNDLE / was["bundle"] if was and was.get("key") == key else None
        if source is not None and (source / "pagefind-entry.json").is_file():
            _link_bundle(source, target)
            report.reused.append(number)
        else:
            report.seconds += _index_shard(site, target, [f for unit in shard_units for f in _files(unit) if f.endswith(".html")]
                                           + extra)
            report.indexed.append(number)
        shards[str(number)] = {"bundle": path, "key": key, "units": len(shard_units)}
    _write_record(bundle, {"format": FORMAT, "count": count, "pagefind": version,
                           "merge": [s["bundle"] for s in shards.values() if s["bundle"]], "shards": shards})
    return report


def _files(unit) -> list[str]:
    return list(unit.files) + [f for doc in unit.documents for f in doc.files]


def _index_shard(site: Path, target: Path, pages: list[str]) -> float:
    """Index ``pages`` (relative to ``site``) into the bundle ``target``: Pagefind sees them
    hard-linked at the same relative paths under a scratch folder, so their URLs are unchanged."""
    scratch = site / SCRATCH
    shutil.rmtree(scratch, ignore_errors=True)
    made: set[Path] = set()
    try:
        for relative in pages:
            link = scratch / relative
            if link.parent not in made:
                link.parent.mkdir(parents=True, exist_ok=True)
                made.add(link.parent)
            link_or_copy(site / relative, link)
        return _pagefind(scratch, target)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _pagefind(site: Path, target: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--output-path", str(target), "--silent"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
    _canonical(target)
    return time.perf_counter() - started


def _canonical(bundle: Path) -> None:
    """Sort what Pagefind wrote in hash-map order: the values of each filter file
    (``[filter, [[value, [page numbers]], ...]]``) and the filter list of the metadata file
    (``[version, pages, index chunks, [[filter, file hash], ...], ...]``), each file then
    named after its new bytes as Pagefind names them (``<language>_<hex>``)."""
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
        meta[3] = sorted([name, renamed.get(file, file)] for name, file in meta[3])
        language["hash"] = _encode(bundle, language["hash"], ".pf_meta", meta, 13, prefix="pagefind.")
    entry_file.write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


def _decode(file: Path):
    data = gzip.decompress(file.read_bytes())
    if not data.startswith(SIGNATURE):
        raise SearchIndexError(f"{file} is not a Pagefind file this sitegen can read")
    return cbor2.loads(data[len(SIGNATURE):])


def _encode(folder: Path, stem: str, suffix: str, value, digits: int, prefix: str = "") -> str:
    """Write ``value`` as Pagefind does, named ``<prefix><language>_<hash of the bytes><suffix>``;
    returns the new ``<language>_<hash>``."""
    data = SIGNATURE + cbor2.dumps(value)
    name = f"{stem.rsplit('_', 1)[0]}_{hashlib.sha256(data).hexdigest()[:digits]}"
    (folder / f"{prefix}{name}{suffix}").write_bytes(gzip.compress(data, mtime=0))
    return name


def _link_bundle(source: Path, target: Path) -> None:
    """Hard-link (copy where impossible) the bundle ``source`` to ``target``; the first shard's
    bundle holds the others' folder and the record, which are not part of it."""
    for folder, dirs, files in os.walk(source):
        here = Path(folder)
        relative = here.relative_to(source)
        if relative == Path("."):
            dirs[:] = [d for d in dirs if d != SHARDS]
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
