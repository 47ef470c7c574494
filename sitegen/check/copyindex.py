"""COPY-002 kept between builds: ``copies.portal_copies`` updated with the documents that
changed since the previous build, instead of joined again over the whole portal.

The state is an SQLite database in the build cache folder, changed in one transaction per
build (an interrupted build leaves the previous state, which records the document versions it
holds). It keeps every document's version (its cache key) and fingerprints, the groups of
identical signatures, the LSH band buckets of the groups, the pairs of groups agreeing on at
least ``copies.NEAR`` of their values through a bucket that is not crowded, and the finding of
every text that has an earlier copy in another unit. A build names every document with its
version; only the fingerprints of the documents whose version changed are read and compared
through the buckets, and only the texts whose candidates changed are matched again: the
members of a group that gained, lost or changed a member, of the groups similar to it (a
text's match is the earliest text of another unit in its own group or a similar one), and of
the groups whose pairs changed because a bucket they share became crowded or stopped being.
The findings, and their order, are those of ``portal_copies`` over every document's
fingerprints. A first build, or one that changed most documents (a new ``site.yaml`` changes
every key), makes the join in the database (``_Update._load``), one document's fingerprints in
memory at a time.

The ``CopyIndex`` object also keeps the findings in memory between builds of one process (the
preview), valid while the database holds the state it last saw.
"""
from __future__ import annotations

import errno
import pickle
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

from . import copies
from .copies import BANDS, HASHES, NEAR, SIGNATURE, Fingerprint, _agreement, bucket, copy_finding, order
from .findings import Finding

SCHEMA = 4  # PRAGMA user_version of the database this code writes
_TABLES = """
CREATE TABLE state(token TEXT NOT NULL);
CREATE TABLE documents(id INTEGER PRIMARY KEY, unit TEXT NOT NULL, year INTEGER NOT NULL, document TEXT NOT NULL,
                       version TEXT NOT NULL, prints BLOB NOT NULL, UNIQUE(unit, year, document));
CREATE TABLE prints(sort BLOB PRIMARY KEY, doc INTEGER NOT NULL, unit TEXT NOT NULL, grp INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX prints_doc ON prints(doc);
CREATE INDEX prints_grp ON prints(grp, sort, unit, doc);
CREATE TABLE groups(id INTEGER PRIMARY KEY, field TEXT NOT NULL, signature BLOB NOT NULL, UNIQUE(field, signature));
CREATE TABLE buckets(bucket INTEGER NOT NULL, grp INTEGER NOT NULL, PRIMARY KEY(bucket, grp)) WITHOUT ROWID;
CREATE TABLE similar(a INTEGER NOT NULL, b INTEGER NOT NULL, score REAL NOT NULL, PRIMARY KEY(a, b)) WITHOUT ROWID;
CREATE TABLE matches(sort BLOB PRIMARY KEY, finding BLOB NOT NULL) WITHOUT ROWID;
INSERT INTO state VALUES ('');
"""

_ROWS = HASHES // BANDS
_READ = 256  # documents' fingerprints kept in memory while matching
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
    that SQLite cannot read, is replaced by one built from every document.

    ``changes`` (keys that may be new or of a new version, keys that may be gone, each in the
    order of ``documents``) says which documents can differ from those of this object's last
    update, so that one edit is not looked for among every document of a province; it is not
    used when the database changed since (another build wrote it), nor on a first update."""

    def __init__(self, file: Path):
        self.file = file
        self._token: str | None = None  # the database state the findings below belong to
        self._found: dict[bytes, Finding] = {}
        self._listed: list[Finding] | None = None  # _found in order, until it changes
        self._known: dict[DocumentKey, tuple[int, str]] | None = None  # the documents table: key → (row, version)

    def update(self, documents: Mapping[DocumentKey, tuple[str, Prints]],
               changes: tuple[Iterable[DocumentKey], Iterable[DocumentKey]] | None = None) -> list[Finding]:
        """Raises ``OSError`` when the database cannot be written (a full disk, an I/O error)."""
        try:
            try:
                return self._update(documents, changes)
            except sqlite3.OperationalError:
                raise
            except sqlite3.DatabaseError:  # not a database, damaged, or of another schema
                self._remove()
                return self._update(documents, None)
        except sqlite3.OperationalError as exc:
            raise OSError(errno.EIO, f"the copy check's database: {exc}", str(self.file)) from exc

    def _update(self, documents: Mapping[DocumentKey, tuple[str, Prints]],
                changes: tuple[Iterable[DocumentKey], Iterable[DocumentKey]] | None) -> list[Finding]:
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            try:
                token = db.execute("SELECT token FROM state").fetchone()[0]
                if token != self._token or self._known is None:
                    changes = None  # known only against the state this object last left
                if token != self._token:
                    self._found = {sort: pickle.loads(finding) for sort, finding in db.execute("SELECT sort, finding FROM matches")}
                    self._token, self._listed, self._known = token, None, None
                if self._known is None:  # read once, then kept as the database changes (0.4 s at 100,000 documents)
                    self._known = {(unit, year, document): (id_, version) for id_, unit, year, document, version
                                   in db.execute("SELECT id, unit, year, document, version FROM documents")}
                if _Update(db, self._found, self._known).run(documents, changes):
                    self._token, self._listed = uuid.uuid4().hex, None
                    db.execute("UPDATE state SET token = ?", (self._token,))
                db.execute("COMMIT")
            except BaseException:
                self._token = self._known = None  # what is in memory may hold what was rolled back
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
        self._token = self._known = None
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.file}{suffix}").unlink(missing_ok=True)


class _Update:
    """One build's changes to the database ``db``, the findings ``found`` (sort key → finding)
    and ``known``, the documents table (key → (row, version))."""

    def __init__(self, db: sqlite3.Connection, found: dict[bytes, Finding], known: dict[DocumentKey, tuple[int, str]]):
        self.db = db
        self.found = found
        self.known = known
        self.touched: set[int] = set()  # groups that gained, lost or changed a member, or are new
        self.texts: dict[int, dict[bytes, Fingerprint]] = {}  # document row → its fingerprints by sort key, as read
        self.made: set[int] = set()  # groups new in this build
        self.sizes: dict[int, int] = {}  # buckets changed in this build → their number of groups before

    def _texts(self, doc: int) -> dict[bytes, Fingerprint]:
        """The fingerprints of the document row ``doc`` by sort key; the last ``_READ`` read
        are kept (a first build matches texts of every document)."""
        texts = self.texts.pop(doc, None)
        if texts is None:
            (blob,) = self.db.execute("SELECT prints FROM documents WHERE id = ?", (doc,)).fetchone()
            texts = {sort_key(fp): fp for fp in pickle.loads(blob)}
        self.texts[doc] = texts
        if len(self.texts) > _READ:
            del self.texts[next(iter(self.texts))]
        return texts

    def run(self, documents: Mapping[DocumentKey, tuple[str, Prints]],
            changes: tuple[Iterable[DocumentKey], Iterable[DocumentKey]] | None = None) -> bool:
        """Apply ``documents`` (``changes``: as ``CopyIndex.update``'s); whether anything changed."""
        db, known = self.db, self.known
        if changes is None:
            stale = [key for key, (version, _) in documents.items() if known.get(key, (0, None))[1] != version]
            gone = [key for key in known if key not in documents]
        else:
            maybe, went = changes
            stale = [key for key in maybe if known.get(key, (0, None))[1] != documents[key][0]]
            gone = [key for key in went if key in known and key not in documents]
        if len(stale) + len(gone) > len(documents) // 2:  # most of the portal (a first build): joined anew, stored at once
            self._load(documents)
            return True
        for key in gone:
            id_ = known.pop(key)[0]
            self._forget(db.execute("SELECT sort, grp FROM prints WHERE doc = ?", (id_,)).fetchall())
            db.execute("DELETE FROM documents WHERE id = ?", (id_,))
        for key in stale:
            version, prints = documents[key]
            was = known.get(key)
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
            known[key] = (id_, version)
            self.texts.pop(id_, None)
            for fp in prints:
                sort = sort_key(fp)
                grp = self._group(fp)
                before = old.pop(sort, None)
                if before == grp and texts.get(sort) == fp:
                    continue
                if before is not None:
                    self.touched.add(before)
                db.execute("INSERT OR REPLACE INTO prints VALUES (?, ?, ?, ?)", (sort, id_, fp.at.unit_id, grp))
                self.touched.add(grp)
            self._forget(old.items())
        changed = bool(stale or gone)
        if changed:
            again = self._prune()
            self._match(again | self._update_pairs())
        return changed

    def _load(self, documents: Mapping[DocumentKey, tuple[str, Prints]]) -> None:
        """Replace the whole state by the join of ``documents``, made in the database: one
        document's fingerprints are in memory at a time (at 100,000 documents the million texts
        held as objects took gigabytes), and rows are sorted by SQLite before they are stored."""
        db = self.db
        for table in ("documents", "prints", "groups", "buckets", "similar", "matches"):
            db.execute(f"DELETE FROM {table}")
        self.found.clear()
        self.known.clear()
        db.execute("CREATE TEMP TABLE texts(sort BLOB NOT NULL, doc INTEGER NOT NULL, unit TEXT NOT NULL, field TEXT NOT NULL, signature BLOB NOT NULL)")
        for doc, (key, (version, prints)) in enumerate(documents.items(), 1):
            prints = list(_read(prints))
            db.execute("INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)", (doc, *key, version, pickle.dumps(prints, pickle.HIGHEST_PROTOCOL)))
            self.known[key] = (doc, version)
            db.executemany("INSERT INTO temp.texts VALUES (?, ?, ?, ?, ?)",
                           [(sort_key(fp), doc, fp.at.unit_id, fp.field, SIGNATURE.pack(*fp.signature)) for fp in prints])
        db.execute("INSERT INTO groups(field, signature) SELECT field, signature FROM temp.texts GROUP BY field, signature ORDER BY min(sort)")
        db.execute("INSERT INTO prints SELECT t.sort, t.doc, t.unit, g.id FROM temp.texts AS t "
                   "JOIN groups AS g ON g.field = t.field AND g.signature = t.signature ORDER BY t.sort")
        db.execute("DROP TABLE temp.texts")
        db.execute("CREATE TEMP TABLE banded(bucket INTEGER NOT NULL, grp INTEGER NOT NULL)")
        db.executemany("INSERT INTO temp.banded VALUES (?, ?)", ((bucket(field, band, signature), grp) for grp, field, signature
                                                                  in db.execute("SELECT id, field, signature FROM groups") for band in range(BANDS)))
        db.execute("INSERT INTO buckets SELECT bucket, grp FROM temp.banded ORDER BY bucket, grp")
        db.execute("DROP TABLE temp.banded")
        members: list[int] = []
        last = None
        for each, grp in db.execute("SELECT bucket, grp FROM buckets"):  # in bucket order
            if each != last:
                self._compare(members)
                members, last = [], each
            members.append(grp)
        self._compare(members)
        # A text can have an earlier copy only in a group of two texts or more, or a similar one.
        self._match({grp for (grp,) in db.execute("SELECT grp FROM prints GROUP BY grp HAVING count(*) > 1 UNION SELECT a FROM similar")})

    def _compare(self, members: list[int]) -> None:
        """Store the pairs of the groups ``members`` of one bucket that agree on ``NEAR`` of
        their values, unless the bucket is crowded (``copies.CROWDED``)."""
        if len(members) < 2 or len(members) > copies.CROWDED:
            return
        signatures = [self._signature(g) for g in members]
        pairs = [(g, h, score) for i, g in enumerate(members) for j, h in enumerate(members[:i])
                 if (score := _agreement(signatures[i], signatures[j])) >= NEAR]
        self.db.executemany("INSERT OR IGNORE INTO similar VALUES (?, ?, ?)", [row for g, h, score in pairs for row in ((g, h, score), (h, g, score))])

    def _signature(self, grp: int) -> tuple[int, ...]:
        (signature,) = self.db.execute("SELECT signature FROM groups WHERE id = ?", (grp,)).fetchone()
        return SIGNATURE.unpack(signature)

    def _forget(self, prints: Iterable[tuple[bytes, int]]) -> None:
        """Delete the texts ``prints`` (sort key, group) and their findings."""
        for sort, grp in list(prints):
            self.db.execute("DELETE FROM prints WHERE sort = ?", (sort,))
            self.db.execute("DELETE FROM matches WHERE sort = ?", (sort,))
            self.found.pop(sort, None)
            self.touched.add(grp)

    def _size(self, each: int) -> int:
        return self.db.execute("SELECT count(*) FROM buckets WHERE bucket = ?", (each,)).fetchone()[0]

    def _band(self, each: int, grp: int, add: bool) -> None:
        """Put the group ``grp`` in the bucket ``each``, or take it out, noting the bucket's
        size before this build's first change to it."""
        if each not in self.sizes:
            self.sizes[each] = self._size(each)
        if add:
            self.db.execute("INSERT INTO buckets VALUES (?, ?)", (each, grp))
        else:
            self.db.execute("DELETE FROM buckets WHERE bucket = ? AND grp = ?", (each, grp))

    def _group(self, fp: Fingerprint) -> int:
        """The group of ``fp``'s field and signature, made (with its buckets) when new; its
        similar groups are found once every change is made (``_update_pairs``)."""
        signature = SIGNATURE.pack(*fp.signature)
        row = self.db.execute("SELECT id FROM groups WHERE field = ? AND signature = ?", (fp.field, signature)).fetchone()
        if row is not None:
            return row[0]
        grp = self.db.execute("INSERT INTO groups(field, signature) VALUES (?, ?)", (fp.field, signature)).lastrowid
        for band in range(BANDS):
            self._band(bucket(fp.field, band, signature), grp, add=True)
        self.made.add(grp)
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
                self.made.discard(grp)
                field, signature = db.execute("SELECT field, signature FROM groups WHERE id = ?", (grp,)).fetchone()
                db.execute("DELETE FROM groups WHERE id = ?", (grp,))
                for band in range(BANDS):
                    self._band(bucket(field, band, signature), grp, add=False)
                db.execute("DELETE FROM similar WHERE a = ?", (grp,))
                db.executemany("DELETE FROM similar WHERE a = ? AND b = ?", [(b, grp) for b in near])
        return {g for g in again if db.execute("SELECT 1 FROM groups WHERE id = ?", (g,)).fetchone()}

    def _update_pairs(self) -> set[int]:
        """Bring the similar pairs up to date with the groups made and the buckets that became
        crowded or stopped being (``copies.CROWDED``); the groups whose pairs changed.

        A pair is similar when its groups agree on ``NEAR`` of their values and share a bucket
        that is not crowded, so a pair can change only when a group is new or a bucket it
        shares crossed the limit."""
        db = self.db
        crowded = copies.CROWDED
        sizes = {each: self._size(each) for each in self.sizes}
        crossed = [each for each, was in self.sizes.items() if (was > crowded) != (sizes[each] > crowded)]
        pairs: set[tuple[int, int]] = set()
        for grp in self.made:
            field, signature = db.execute("SELECT field, signature FROM groups WHERE id = ?", (grp,)).fetchone()
            for band in range(BANDS):
                each = bucket(field, band, signature)
                if sizes.get(each, 0) <= crowded:
                    pairs.update(_pair(grp, h) for (h,) in db.execute("SELECT grp FROM buckets WHERE bucket = ? AND grp <> ?", (each, grp)))
        for each in crossed:
            if sizes[each] <= crowded:  # no longer crowded: its groups are compared
                members = [g for (g,) in db.execute("SELECT grp FROM buckets WHERE bucket = ?", (each,))]
                pairs.update(_pair(g, h) for i, g in enumerate(members) for h in members[:i])
            else:  # crowded now: its pairs stay only if they share another bucket that is not
                pairs.update(db.execute("SELECT s.a, s.b FROM buckets AS x JOIN similar AS s ON s.a = x.grp "
                                        "JOIN buckets AS y ON y.bucket = x.bucket AND y.grp = s.b WHERE x.bucket = ? AND s.a < s.b", (each,)))
        changed: set[int] = set()
        for g, h in pairs:
            (field, packed), b = db.execute("SELECT field, signature FROM groups WHERE id = ?", (g,)).fetchone(), self._signature(h)
            a = SIGNATURE.unpack(packed)
            score = _agreement(a, b)
            shared = {bucket(field, band, packed) for band in range(BANDS) if a[band * _ROWS:(band + 1) * _ROWS] == b[band * _ROWS:(band + 1) * _ROWS]}
            similar = score >= NEAR and any((sizes[each] if each in sizes else self._size(each)) <= crowded for each in shared)
            was = db.execute("SELECT 1 FROM similar WHERE a = ? AND b = ?", (g, h)).fetchone() is not None
            if similar and not was:
                db.executemany("INSERT INTO similar VALUES (?, ?, ?)", [(g, h, score), (h, g, score)])
            elif was and not similar:
                db.executemany("DELETE FROM similar WHERE a = ? AND b = ?", [(g, h), (h, g)])
            else:
                continue
            changed.update((g, h))
        return changed

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

        decided: list[tuple[bytes, int, bytes, float]] = []  # text, its document row, its earliest copy, their score
        for grp in sorted(groups):
            candidates = [(grp, 1.0), *db.execute("SELECT b, score FROM similar WHERE a = ?", (grp,))]
            for sort, unit, doc in db.execute("SELECT sort, unit, doc FROM prints WHERE grp = ?", (grp,)).fetchall():
                options = [(m, score) for g, score in candidates if (m := earliest(g, unit, sort)) is not None]
                if options:
                    decided.append((sort, doc, *min(options)))
                elif self.found.pop(sort, None) is not None:
                    db.execute("DELETE FROM matches WHERE sort = ?", (sort,))
        decided.sort()  # by text, so documents are read one after the other
        for sort, doc, m, score in decided:
            finding = copy_finding(self._texts(doc)[sort], print_at(m), score)
            if self.found.get(sort) != finding:
                self.found[sort] = finding
                db.execute("INSERT OR REPLACE INTO matches VALUES (?, ?)", (sort, pickle.dumps(finding, pickle.HIGHEST_PROTOCOL)))


def _pair(g: int, h: int) -> tuple[int, int]:
    return (g, h) if g < h else (h, g)


def _read(prints: Prints) -> Sequence[Fingerprint]:
    return prints() if callable(prints) else prints

