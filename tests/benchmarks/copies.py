"""Cost of the copy checks: per-document fingerprints, the portal-wide join, the jieba pass.

Run:  .venv/bin/python tests/benchmarks/copies.py [--units 500 --years 2] [--json out.json]

Times, on a synthetic portal, what the COPY family adds: ``copies.fingerprints`` per document
(done where each document is checked), ``copies.portal_copies`` over every document's
fingerprints (done once per build, in the parent), and the per-document COPY checks
(``copies.check``, which segments indicator text with jieba). The join is also timed on the
fingerprints repeated ``--scale`` times under new unit ids: a portal that many times larger with
each text copied that many times (the join's worst case), and one whose copies are distinct
texts (each signature's values mapped by a bijection of its own: texts of one copy agree as
before, texts of two copies not at all). On both, the join kept between
builds (``copyindex.CopyIndex``) is timed from an empty database, then after one document's
version changed with the same texts (an edited figure) and after one of its goals became a copy
of another unit's: in the preview (the index object kept) and in a new process (the findings read
back from the database). Each incremental result is checked against a fresh join. Not collected
by pytest.
"""
from __future__ import annotations

import argparse
import dataclasses
import tempfile
import time
from pathlib import Path

from report import report
from sitegen.check import copies
from sitegen.check.copyindex import CopyIndex
from sitegen.check.context import Reporter
from sitegen.content import load_portal
from sitegen.synth import synthesize


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=500)
    parser.add_argument("--years", type=int, default=2)
    parser.add_argument("--scale", type=int, default=20)
    parser.add_argument("--json", type=Path, default=Path("copies-benchmark.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        synthesize(Path(tmp), units=args.units, years=args.years, seed=7)
        docs = load_portal(Path(tmp) / "content", strict=True).documents()
        started = time.perf_counter()
        prints = [fp for doc in docs for fp in copies.fingerprints(doc)]
        fingerprint_s = time.perf_counter() - started
        started = time.perf_counter()
        for doc in docs:
            copies.check(doc, Reporter(doc))
        check_s = time.perf_counter() - started
        started = time.perf_counter()
        found = copies.portal_copies(prints)
        join_s = time.perf_counter() - started
        big = [dataclasses.replace(fp, at=dataclasses.replace(fp.at, unit_id=f"{fp.at.unit_id}~{k:03d}"))
               for k in range(args.scale) for fp in prints]
        started = time.perf_counter()
        big_found = copies.portal_copies(big)
        big_s = time.perf_counter() - started
        distinct = [dataclasses.replace(fp, at=dataclasses.replace(fp.at, unit_id=f"{fp.at.unit_id}~{k:03d}"),
                                        signature=tuple((v ^ (k * 0x9E3779B9)) & 0xFFFFFFFF for v in fp.signature))
                    for k in range(args.scale) for fp in prints]
        started = time.perf_counter()
        distinct_found = copies.portal_copies(distinct)
        distinct_s = time.perf_counter() - started
        kept = {"": incremental(prints, found, Path(tmp) / "small.sqlite"), "big": incremental(big, big_found, Path(tmp) / "big.sqlite"),
                "distinct": incremental(distinct, distinct_found, Path(tmp) / "distinct.sqlite")}
    report({
        f"{len(docs)} documents": {"texts": len(prints), "fingerprints ms/doc": round(fingerprint_s * 1000 / len(docs), 2),
                                   "COPY checks ms/doc": round(check_s * 1000 / len(docs), 2),
                                   "join s": round(join_s, 2), "COPY-002 found": len(found), **kept[""]},
        f"×{args.scale} (copied)": {"texts": len(big), "fingerprints ms/doc": "", "COPY checks ms/doc": "",
                                    "join s": round(big_s, 2), "COPY-002 found": len(big_found), **kept["big"]},
        f"×{args.scale} (distinct)": {"texts": len(distinct), "fingerprints ms/doc": "", "COPY checks ms/doc": "",
                                      "join s": round(distinct_s, 2), "COPY-002 found": len(distinct_found), **kept["distinct"]},
    }, args.json)


def incremental(prints: list, found: list, file: Path) -> dict[str, float]:
    """Seconds of ``CopyIndex.update``: from empty, then after one-document edits."""
    docs: dict = {}
    for fp in prints:
        docs.setdefault((fp.at.unit_id, fp.at.year, fp.at.document), ("v0", []))[1].append(fp)
    index = CopyIndex(file)
    out = {}
    started = time.perf_counter()
    assert index.update(docs) == found
    out["index cold s"] = round(time.perf_counter() - started, 2)
    keys = sorted(docs)
    edited, source = keys[len(keys) // 2], next(k for k in keys if k[0] != keys[len(keys) // 2][0] and docs[k][1])
    texts = docs[edited][1]
    copied = [dataclasses.replace(texts[0], signature=docs[source][1][0].signature, field=docs[source][1][0].field), *texts[1:]]
    for name, version, edit in (("figure", "v1", texts), ("copy", "v2", copied)):
        docs[edited] = (version, edit)
        expected = copies.portal_copies([fp for _, fps in docs.values() for fp in fps])
        for where, kept in (("preview", index), ("new process", CopyIndex(file))):
            if where == "new process":
                docs[edited] = (f"{version}b", edit)  # changed again, so the new object has something to do
            started = time.perf_counter()
            assert kept.update(docs) == expected
            out[f"{name} ({where}) s"] = round(time.perf_counter() - started, 3)
    return out


if __name__ == "__main__":
    main()
