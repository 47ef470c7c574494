"""What the build parent holds per document: every cached unit entry of a built site, loaded
the way ``Builder`` loads them (``BuildCache.get`` of the last build's unit keys), measured by
tracemalloc (bytes still allocated once all are loaded), and the wall time to load them.

    python tests/benchmarks/parent_memory.py SITE_DIR [--cache PATH]

SITE_DIR holds ``content/`` and was built once (``sitegen build``); the cache is
``SITE_DIR/.sitegen-cache`` unless ``--cache``.
"""
from __future__ import annotations

import argparse
import gc
import time
import tracemalloc
from pathlib import Path

from sitegen.builder import CACHE_FOLDER, UNIT_KEYS
from sitegen.cache import BuildCache


def load_entries(store: BuildCache) -> list:
    unit_keys = store.get_state(UNIT_KEYS) or {}
    return [entry for _, key in sorted(unit_keys.values()) if (entry := store.get(key)) is not None]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path)
    parser.add_argument("--cache", type=Path)
    args = parser.parse_args()
    store = BuildCache(args.cache or args.site / CACHE_FOLDER)
    if not store.get_state(UNIT_KEYS):
        raise SystemExit(f"{store.folder}: no unit keys; build the site first")

    gc.collect()
    started = time.perf_counter()
    entries = load_entries(store)
    seconds = time.perf_counter() - started
    del entries
    gc.collect()

    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    entries = load_entries(store)
    gc.collect()
    held = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    documents = sum(len(entry.documents) for entry in entries)
    size = sum((store.entries / f"{entry.key}.pickle").stat().st_size for entry in entries)
    print(f"{len(entries)} unit entries, {documents} documents")
    print(f"held: {held / 1024 ** 2:.1f} MiB, {held / documents / 1024:.1f} KiB per document")
    print(f"pickled: {size / 1024 ** 2:.1f} MiB, {size / documents / 1024:.1f} KiB per document")
    print(f"load: {seconds:.2f} s ({seconds / len(entries) * 1000:.1f} ms per unit)")


if __name__ == "__main__":
    main()
