"""COPY-002 kept between builds: ``copies.portal_copies`` updated with the documents that
changed since the previous build, instead of joined again over the whole portal.

The state is an SQLite database in the build cache folder, changed in one transaction per
build (an interrupted build leaves the previous state, which records the document versions it
holds). It keeps every document's version (its cache key) and fingerprints, the groups of
identical signatures, the LSH band buckets of the groups, the pairs of groups agreeing on at
least ``copies.NEAR`` of their values, and the finding of every text that has an earlier copy
in another unit. A build names every document with its version; only the fingerprints of the
documents whose version changed are read and compared through the buckets, and only the texts
whose candidates changed are matched again: the members of a group that gained, lost or
changed a member, and of the groups similar to it (a text's match is the earliest text of
another unit in its own group or a similar one). The findings, and their order, are those of
``portal_copies`` over every document's fingerprints (the same candidate rule: a shared band
and an agreement of at least ``NEAR``). A first build, or one that changed most documents (a
new ``site.yaml`` changes every key), joins them in memory (``copies.join``) and stores the
rows at once.

The ``CopyIndex`` object also keeps the findings in memory between builds of one process (the
preview), valid while the database holds the state it last saw.
"""
from __future__ import annotations

import errno
import hashlib
import pickle
import sqlite3
import struct
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from .copies import BANDS, HASHES, NEAR, Fingerprint, _agreement, copy_finding, join, order
from .findings import Finding

SCHEMA = 3  # PRAGMA user_version of the database this code writes
_TABLES = """
CREATE TABLE state(token TEXT NOT NULL);
CREATE TABLE documents(id INTEGER PRIMARY KEY, unit TEXT NOT NULL, year INTEGER NOT NULL, document TEXT NOT NULL,
                       version TEXT NOT NULL, prints BLOB NOT NULL, UNIQUE(unit, year, document));
CREATE TABLE prints(sort BLOB PRIMARY KEY, doc INTEGER NOT NULL, unit TEXT NOT NULL, grp INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX prints_doc ON prints(doc);
CREATE INDEX prints_grp ON prints(grp, sort);
CREATE TABLE groups(id INTEGER PRIMARY KEY, field TEXT NOT NULL, signature BLOB NOT NULL, UNIQUE(field, signature));
CREATE TABLE buckets(bucket INTEGER NOT NULL, grp INTEGER NOT NULL, PRIMARY KEY(bucket, grp)) WITHOUT ROWID;
CREATE TABLE similar(a INTEGER NOT NULL, b INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE matches(sort BLOB PRIMARY KEY, finding BLOB NOT NULL) WITHOUT ROWID;
INSERT INTO state VALUES ('');
"""
_SIGNATURE = struct.Struct(f"<{HASHES}I")
_ROWS = HASHES // BANDS

DocumentKey = tuple[str, int, str]  # unit id, year, document kind
Prints = Sequence[Fingerprint] | Callable[[], Sequence[Fingerprint]]


def sort_key(fp: Fingerprint) -> bytes:
    """``copies.order(fp)`` as bytes that compare as the tuple does (SQLite compares blobs
    bytewise): per item a type byte, then an integer as 8 sign-flipped big-endian bytes or a
    string as UTF-8 with NUL escaped and a NUL-SOH end; 0 ends the key, so a prefix sorts first."""
    out = bytearray()
    unit, year, document, path = order(fp)
    for item in (unit, year, document, *path):
        if isinstance(item, int):
            out += b"\x01" + (item + (1 << 63)).to_bytes(8, "big")
        else:
            out += b"\x02" + str(item).encode("utf-8").replace(b"\x00", b"\x00\xff") + b"\x00\x01"
    return bytes(out + b"\x00")


class CopyIndex:
    """The COPY-002 findings of a portal, kept in the database ``file`` between builds.

    ``update`` takes every document of the portal as key (unit id, year, document kind) →
    (version, fingerprints); the fingerprints (a list, or a function returning it) are read
    only for documents whose version differs from the stored one. It returns the findings of
    ``copies.portal_copies`` over all of them, in its order. A database of another schema, or
    that SQLite cannot read, is replaced by one built from every document."""

    def __init__(self, file: Path):
        self.file = file
        self._token: str | None = None  # the database state the findings below belong to
        self._found: dict[bytes, Finding] = {}
        self._listed: list[Finding] | None = None  # _found in order, until it changes

    def update(self, documents: Mapping[DocumentKey, tuple[str, Prints]]) -> list[Finding]:
        """Raises ``OSError`` when the database cannot be written (a full disk, an I/O error)."""
        try:
            try:
                return self._update(documents)
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError:  # not a database, damaged, or of another schema
                self._remove()
                return self._update(documents)
        except sqlite3.OperationalError as exc:
            raise OSError(errno.EIO, f"the copy check's database: {exc}", str(self.file)) from exc

    def _update(self, documents: Mapping[DocumentKey, tuple[str, Prints]]) -> list[Finding]:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                token = db.execute("SELECT token FROM state").fetchone()[0]
                if token != self._token:
                    self._found = {sort: pickle.loads(finding) for sort, finding in db.execute("SELECT sort, finding FROM matches")}
                    self._token, self._listed = token, None
                if _Update(db, self._found).run(documents):
                    self._token, self._listed = uuid.uuid4().hex, None
                    db.execute("UPDATE state SET token = ?", (self._token,))
                db.execute("COMMIT")
            except BaseException:
                self._token = None  # the findings in memory may hold what was rolled back
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise
        if self._listed is None:
            self._listed = [self._found[sort] for sort in sorted(self._found)]
        return list(self._listed)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        self.file.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.file, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode=WAL")  # atomic commits without rewriting the file
            db.execute("PRAGMA synchronous=NORMAL")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version != SCHEMA:
                if version != 0 or db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                    raise sqlite3.DatabaseError(f"{self.file}: schema {version}, not {SCHEMA}")
                db.executescript(_TABLES + f"PRAGMA user_version = {SCHEMA};")
            yield db
        finally:
            db.close()

    def _remove(self) -> None:
        self._token = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)


class _Update:
    """One build's changes to the database ``db`` and the findings ``found`` (sort key → finding)."""

    def __init__(self, db: sqlite3.Connection, found: dict[bytes, Finding]):
        self.db = db
        self.found = found
        self.touched: set[int] = set()  # groups that gained, lost or changed a member, or are new
        self.texts: dict[int, dict[bytes, Fingerprint]] = {}  # document row → its fingerprints by sort key, as read

    def _texts(self, doc: int) -> dict[bytes, Fingerprint]:
        if doc not in self.texts:
            (blob,) = self.db.execute("SELECT prints FROM documents WHERE id = ?", (doc,)).fetchone()
            self.texts[doc] = {sort_key(fp): fp for fp in pickle.loads(blob)}
        return self.texts[doc]

    def run(self, documents: Mapping[DocumentKey, tuple[str, Prints]]) -> bool:
        """Apply ``documents``; whether anything changed."""
        db = self.db
        known = {(unit, year, document): (id_, version)
                 for id_, unit, year, document, version in db.execute("SELECT id, unit, year, document, version FROM documents")}
        stale = sum(known.get(key, (0, None))[1] != version for key, (version, _) in documents.items())
        stale += sum(key not in documents for key in known)
        if stale > len(documents) // 2:  # most of the portal (a first build): joined anew, stored at once
            self._load(documents)
            return True
        changed = False
        for key, (id_, _) in known.items():
            if key not in documents:
                self._forget(db.execute("SELECT sort, grp FROM prints WHERE doc = ?", (id_,)).fetchall())
                db.execute("DELETE FROM documents WHERE id = ?", (id_,))
                changed = True
        for key, (version, prints) in documents.items():
            was = known.get(key)
            if was is not None and was[1] == version:
                continue
            changed = True
            prints = list(_read(prints))
            blob = pickle.dumps(prints, pickle.HIGHEST_PROTOCOL)
            if was is None:
                id_ = db.execute("INSERT INTO documents(unit, year, document, version, prints) VALUES (?, ?, ?, ?, ?)",
                                 (*key, version, blob)).lastrowid
                old, texts = {}, {}
            else:
                id_ = was[0]
                old = dict(db.execute("SELECT sort, grp FROM prints WHERE doc = ?", (id_,)))
                texts = self._texts(id_)
                db.execute("UPDATE documents SET version = ?, prints = ? WHERE id = ?", (version, blob, id_))
            self.texts[id_] = {}
            for fp in prints:
                sort = sort_key(fp)
                self.texts[id_][sort] = fp
                grp = self._group(fp)
                before = old.pop(sort, None)
                if before == grp and texts.get(sort) == fp:
                    continue
                if before is not None:
                    self.touched.add(before)
                db.execute("INSERT OR REPLACE INTO prints VALUES (?, ?, ?, ?)", (sort, id_, fp.at.unit_id, grp))
                self.touched.add(grp)
            self._forget(old.items())
        if changed:
            self._match(self._prune())
        return changed

    def _load(self, documents: Mapping[DocumentKey, tuple[str, Prints]]) -> None:
        """Replace the whole state by ``copies.join`` over ``documents``, stored row sets at once."""
        db = self.db
        for table in ("documents", "prints", "groups", "buckets", "similar", "matches"):
            db.execute(f"DELETE FROM {table}")
        owner: dict[int, int] = {}  # id() of a fingerprint → its document's row
        every: list[Fingerprint] = []
        rows = []
        for doc, (key, (version, prints)) in enumerate(documents.items(), 1):
            prints = list(_read(prints))
            rows.append((doc, *key, version, pickle.dumps(prints, pickle.HIGHEST_PROTOCOL)))
            for fp in prints:
                owner[id(fp)] = doc
                every.append(fp)
        db.executemany("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", rows)
        joined = join(every)
        ordered = joined.ordered
        sorts = [sort_key(fp) for fp in ordered]
        signatures = [_SIGNATURE.pack(*signature) for _, signature in joined.groups]
        # Rows in key order: each insert appends to its B-tree.
        db.executemany("INSERT INTO groups VALUES (?, ?, ?)",
                       ((g, field, signatures[g - 1]) for g, (field, _) in enumerate(joined.groups, 1)))
        db.executemany("INSERT INTO buckets VALUES (?, ?)", sorted(
            (_bucket(field, band, signatures[g - 1]), g) for g, (field, _) in enumerate(joined.groups, 1) for band in range(BANDS)))
        db.executemany("INSERT INTO similar VALUES (?, ?, ?)",
                       sorted((g + 1, h + 1, score) for g, near in joined.similar.items() for h, score in near.items()))
        group_of = {n: g for g, members in enumerate(joined.groups.values(), 1) for n in members}
        db.executemany("INSERT INTO prints VALUES (?, ?, ?, ?)",
                       ((sorts[n], owner[id(fp)], fp.at.unit_id, group_of[n]) for n, fp in enumerate(ordered)))
        self.found.clear()
        self.found.update((sorts[n], copy_finding(ordered[n], ordered[m], score)) for n, (m, score) in sorted(joined.matched.items()))
        db.executemany("INSERT INTO matches VALUES (?, ?)",
                       ((sort, pickle.dumps(finding, pickle.HIGHEST_PROTOCOL)) for sort, finding in self.found.items()))

    def _forget(self, prints: Iterable[tuple[bytes, int]]) -> None:
        """Delete the texts ``prints`` (sort key, group) and their findings."""
        for sort, grp in list(prints):
            self.db.execute("DELETE FROM prints WHERE sort = ?", (sort,))
            self.db.execute("DELETE FROM matches WHERE sort = ?", (sort,))
            self.found.pop(sort, None)
            self.touched.add(grp)

    def _group(self, fp: Fingerprint) -> int:
        """The group of ``fp``'s field and signature, made (with its buckets and similar
        groups) when new."""
        signature = _SIGNATURE.pack(*fp.signature)
        row = self.db.execute("SELECT id FROM groups WHERE field = ? AND signature = ?", (fp.field, signature)).fetchone()
        if row is not None:
            return row[0]
        grp = self.db.execute("INSERT INTO groups(field, signature) VALUES (?, ?)", (fp.field, signature)).lastrowid
        candidates: set[int] = set()
        for band in range(BANDS):
            bucket = _bucket(fp.field, band, signature)
            candidates.update(g for (g,) in self.db.execute("SELECT grp FROM buckets WHERE bucket = ?", (bucket,)))
            self.db.execute("INSERT INTO buckets VALUES (?, ?)", (bucket, grp))
        for other in sorted(candidates):
            (theirs,) = self.db.execute("SELECT signature FROM groups WHERE id = ?", (other,)).fetchone()
            score = _agreement(fp.signature, _SIGNATURE.unpack(theirs))
            if score >= NEAR:
                self.db.executemany("INSERT INTO similar VALUES (?, ?, ?)", [(grp, other, score), (other, grp, score)])
        self.touched.add(grp)
        return grp

    def _prune(self) -> set[int]:
        """Delete the touched groups left empty; the groups whose texts may match anew."""
        db = self.db
        again = set(self.touched)
        for grp in self.touched:
            near = [b for (b,) in db.execute("SELECT b FROM similar WHERE a = ?", (grp,))]
            again.update(near)
            if db.execute("SELECT 1 FROM prints WHERE grp = ? LIMIT 1", (grp,)).fetchone() is None:
                again.discard(grp)
                field, signature = db.execute("SELECT field, signature FROM groups WHERE id = ?", (grp,)).fetchone()
                db.execute("DELETE FROM groups WHERE id = ?", (grp,))
                db.executemany("DELETE FROM buckets WHERE bucket = ? AND grp = ?",
                               [(_bucket(field, band, signature), grp) for band in range(BANDS)])
                db.execute("DELETE FROM similar WHERE a = ?", (grp,))
                db.executemany("DELETE FROM similar WHERE a = ? AND b = ?", [(b, grp) for b in near])
        return {g for g in again if db.execute("SELECT 1 FROM groups WHERE id = ?", (g,)).fetchone()}

    def _match(self, groups: set[int]) -> None:
        """Match every text of ``groups`` again: against the earliest text of another unit
        in its group or a similar one that comes before it (``portal_copies``)."""
        db = self.db
        heads: dict[int, tuple] = {}

        def print_at(sort: bytes) -> Fingerprint:
            (doc,) = db.execute("SELECT doc FROM prints WHERE sort = ?", (sort,)).fetchone()
            return self._texts(doc)[sort]

        def earliest(grp: int, unit: str, sort: bytes) -> bytes | None:
            if grp not in heads:
                first = db.execute("SELECT sort, unit FROM prints WHERE grp = ? ORDER BY sort LIMIT 1", (grp,)).fetchone()
                other = db.execute("SELECT sort FROM prints WHERE grp = ? AND unit <> ? ORDER BY sort LIMIT 1", (grp, first[1])).fetchone()
                heads[grp] = (first[0], first[1], other[0] if other else None)
            first, first_unit, other = heads[grp]
            m = first if first_unit != unit else other
            return m if m is not None and m < sort else None

        for grp in sorted(groups):
            candidates = [(grp, 1.0), *db.execute("SELECT b, score FROM similar WHERE a = ?", (grp,))]
            for sort, unit, doc in db.execute("SELECT sort, unit, doc FROM prints WHERE grp = ?", (grp,)).fetchall():
                options = [(m, score) for g, score in candidates if (m := earliest(g, unit, sort)) is not None]
                if not options:
                    if self.found.pop(sort, None) is not None:
                        db.execute("DELETE FROM matches WHERE sort = ?", (sort,))
                    continue
                m, score = min(options)
                finding = copy_finding(self._texts(doc)[sort], print_at(m), score)
                if self.found.get(sort) != finding:
                    self.found[sort] = finding
                    db.execute("INSERT OR REPLACE INTO matches VALUES (?, ?)", (sort, pickle.dumps(finding, pickle.HIGHEST_PROTOCOL)))


def _read(prints: Prints) -> Sequence[Fingerprint]:
    return prints() if callable(prints) else prints


def _bucket(field: str, band: int, signature: bytes) -> int:
    """A band's bucket as a signed 64-bit number: a hash of the field, the band and its values.
    A collision only adds a candidate: two signatures agreeing on ``NEAR`` of their ``HASHES``
    values differ in at most four, so they share at least four bands exactly, as in
    ``portal_copies``; any other pair fails the agreement."""
    width = _ROWS * 4  # bytes of a band's values
    data = field.encode("utf-8") + bytes((0, band)) + signature[band * width:(band + 1) * width]
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)
