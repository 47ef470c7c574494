"""The build cache: what a unit or a document produced, keyed by the hash of its inputs.

Layout of the cache folder (``.sitegen-cache/`` beside the content folder by default)::

    entries/<key>.pickle     the entry object (slim documents, findings, page URLs and
                             downloads, whence its file list, the templates its pages were
                             rendered through)
    <name>.pickle            a build's state for the next one (``get_state``): the file
                             hashes (``FileHashes``), the unit keys of the last build
    aside/<key>.pickle       what a reader of the entry needs only when the entry is new to it
                             (a document's fingerprints for the copy index), kept out of the
                             entry so that a build holding every entry in memory does not hold it
    files/<stamp>/<n>        the n-th output file it produced (flat: a folder per page would
                             double the mkdirs), linked into each build's staging

Keys are SHA-256 hex digests of the content an output depends on (see ``build_key``); a
stamp adds the hashes of the templates it was rendered through (``stamp``). An entry is
replaced when a template it used changed, but the files of a stamp are never updated, only
added or collected: a stamp names one immutable result. Output files are hard links to the cached ones (a copy where linking is
impossible), so the published output must not be edited in place.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import pickle
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Set as AbstractSet
from dataclasses import dataclass
from contextlib import contextmanager
from pathlib import Path

import sitegen

from .write import discard, link_or_copy

CODE = Path(sitegen.__file__).resolve().parent


def digest(*parts: bytes | str) -> str:
    """SHA-256 hex of ``parts``, each length-prefixed so that no two sequences collide."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def tree_digest(folders: Iterable[Path]) -> str:
    """Hash of every file's relative path and bytes under ``folders``."""
    parts: list[bytes | str] = []
    for folder in folders:
        for file in sorted(p for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
            parts += [file.relative_to(folder).as_posix(), file.read_bytes()]
    return digest(*parts)


def build_key(site_yaml: bytes, theme_dirs: list[Path], base_url: str) -> str:
    """Hash of what every page depends on: sitegen's own code, ``site.yaml``, the theme's
    search path (its folders, not their templates: which templates a page uses is recorded
    while it renders, see ``stamp``)."""
    return digest(sitegen.__version__, tree_digest([CODE]),
                  *(str(folder.resolve()) for folder in theme_dirs), site_yaml, base_url)


def stamp(key: str, templates: dict[str, str]) -> str:
    """Hash of ``key`` and the templates (name → hash of its source) an output was rendered through."""
    return digest(key, *(part for name in sorted(templates) for part in (name, templates[name])))


class BuildCache:
    """A cache folder; ``lock`` serialises the builds that share it."""

    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.entries = self.folder / "entries"
        self.aside = self.folder / "aside"
        self.files = self.folder / "files"

    @contextmanager
    def lock(self) -> Iterator[None]:
        for folder in (self.entries, self.aside, self.files):
            folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / "lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def get(self, key: str):
        """The entry stored under ``key``, or ``None`` (a missing or truncated entry is a miss).

        An entry that fails to unpickle otherwise is a bug, raised: the key holds sitegen's
        code, so no entry is ever read by code other than the code that wrote it."""
        return _load(self.entries / f"{key}.pickle")

    def get_aside(self, key: str):
        """What was stored aside with the entry ``key`` (``put``), or ``None``."""
        return _load(self.aside / f"{key}.pickle")

    def get_state(self, name: str):
        """What the last ``put_state(name, …)`` stored, or ``None``."""
        return _load(self.folder / f"{name}.pickle")

    def put_state(self, name: str, value) -> None:
        _dump(value, self.folder / f"{name}.pickle")

    def put(self, key: str, entry, files: dict[str, bytes], aside=None) -> None:
        """Store ``entry`` under ``key``, its output ``files`` (relative path → bytes, in
        the order that ``link`` numbers them) under ``entry.stamp``, and ``aside`` (any
        picklable value, or ``None`` for nothing) for ``get_aside``.

        Files first, entry last, each renamed into place: an interrupted build leaves at
        worst files without an entry, which the next build overwrites."""
        self.put_files(entry.stamp, files)
        if aside is not None:
            _dump(aside, self.aside / f"{key}.pickle")
        _dump(entry, self.entries / f"{key}.pickle")

    def has_files(self, stamp: str) -> bool:
        return (self.files / stamp).is_dir()

    def put_files(self, key: str, files: dict[str, bytes]) -> None:
        """Store ``files`` under ``key`` (a stamp), unless it holds them already."""
        target = self.files / key
        if files and not target.exists():
            staging = Path(tempfile.mkdtemp(prefix=f".{key}-", dir=self.files))
            for n, data in enumerate(files.values()):
                (staging / str(n)).write_bytes(data)
            try:
                staging.rename(target)
            except OSError:  # another process stored the same key first: same bytes
                shutil.rmtree(staging, ignore_errors=True)

    def link(self, key: str, n: int, relative: str, root: Path, made: set[Path]) -> None:
        """Put the ``n``-th cached file of ``key`` at ``root/relative``; ``made`` holds the
        folders already created under ``root`` (a mkdir per file cost more than the links)."""
        source = self.files / key / str(n)
        target = root / relative
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        link_or_copy(source, target)

    def collect(self, used: set[str], since: Collected | None = None) -> Collected:
        """Delete every entry and file folder whose key is not in ``used``; the folders are
        moved aside at once and deleted in the background. Returns what to pass as ``since``
        to the next collect.

        With ``since`` (what this process's previous collect returned) and no other build
        having collected this cache in between, only the keys kept then and not used now are
        deleted: a one-edit rebuild does not list the hundreds of thousands of entries of a
        province's cache. Otherwise every folder is listed (that also clears what an
        interrupted build left)."""
        trash = None

        def discard_files(path: str, name: str) -> None:
            nonlocal trash
            trash = trash or Path(tempfile.mkdtemp(prefix="trash-", dir=self.folder))
            os.rename(path, trash / name)

        token_file = self.folder / "collected"
        token = token_file.read_text(encoding="ascii") if token_file.is_file() else None
        if since is not None and since.token == token:
            for key in since.kept - used:
                for folder in (self.entries, self.aside):
                    (folder / f"{key}.pickle").unlink(missing_ok=True)
                if (self.files / key).is_dir():
                    discard_files(str(self.files / key), key)
        else:
            for folder in (self.entries, self.aside):
                for entry in os.scandir(folder):
                    if entry.name.removesuffix(".pickle") not in used:
                        os.unlink(entry.path)
            for entry in os.scandir(self.files):
                if entry.name not in used:
                    discard_files(entry.path, entry.name)
        for stale in self.folder.glob("trash-*"):
            discard(stale)  # this build's, and any an earlier deleter left behind
        collected = Collected(uuid.uuid4().hex, used)
        token_file.write_text(collected.token, encoding="ascii")
        return collected


@dataclass(frozen=True)
class Collected:
    """A collect of a build cache: its ``token`` (written in the cache) and the keys it ``kept``."""

    token: str
    kept: AbstractSet[str]


def _load(file: Path):
    """The object pickled in ``file``, or ``None`` when it is missing or truncated.

    An entry that fails to unpickle otherwise is a bug, raised: the key holds sitegen's
    code, so no entry is ever read by code other than the code that wrote it."""
    try:
        with open(file, "rb") as handle:
            return pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError):
        return None


def _dump(value, file: Path) -> None:
    """Pickle ``value`` into ``file``, renamed into place (a reader never sees half of it)."""
    fd, temporary = tempfile.mkstemp(prefix=f".{file.stem}-", dir=file.parent)
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(temporary, file)


class FileHashes:
    """SHA-256 of content files, remembered by (size, mtime, inode) between builds, so that a
    rebuild reads only the files that changed.

    A file whose mtime was within ``RACY_NS`` of the moment its hash was taken is read again
    next time: a second write inside the file system's clock tick may leave the mtime as it
    was (git's "racy clean" case).

    Kept in ``file``; a rebuild told which files changed appends their hashes to a journal
    beside it (``file`` + ``.log``) instead of writing every file's hash again (0.3 s at
    100,000 documents), and the journal is folded in once it holds ``JOURNAL_FILES``.
    One object may serve many builds: ``begin`` starts the next.
    """

    RACY_NS = 2_000_000_000
    JOURNAL_FILES = 2_000

    def __init__(self, file: Path):
        self.file = file
        self.journal = file.with_name(file.name + ".log")
        self.known: dict[str, tuple] = _load(file) or {}
        self.journaled = 0
        try:
            with open(self.journal, "rb") as handle:
                while True:
                    changes = pickle.load(handle)
                    self.known.update(changes)
                    self.journaled += len(changes)
        except (OSError, pickle.UnpicklingError, EOFError):
            pass  # none, or its end (a journal cut short loses only its last hashes)
        self.used: dict[str, tuple] = {}

    def begin(self) -> None:
        """Forget which files the last build saw."""
        self.used = {}

    def hash(self, path: str, stat: os.stat_result) -> str:
        """Hex SHA-256 of the bytes of ``path``, whose ``os.stat`` is ``stat``."""
        signature = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
        known = self.known.get(path)
        if known is not None and known[0] == signature and stat.st_mtime_ns < known[2] - self.RACY_NS:
            self.used[path] = known
            return known[1]
        now = time.time_ns()
        with open(path, "rb") as handle:
            value = hashlib.file_digest(handle, "sha256").hexdigest()
        self.used[path] = (signature, value, now)
        return value

    def save(self, *, keep_unseen: bool = False) -> None:
        """Keep the hashes of the files seen by this build (deleted files are forgotten), and
        with ``keep_unseen`` those of files it did not look at (a rebuild told which files
        changed: only the changed hashes are written, to the journal); nothing is written
        when they are those already kept."""
        if keep_unseen:
            changes = {path: value for path, value in self.used.items() if self.known.get(path) != value}
            if not changes:
                return
            self.known.update(changes)
            self.journaled += len(changes)
            if self.journaled < self.JOURNAL_FILES:
                with open(self.journal, "ab") as handle:
                    pickle.dump(changes, handle, protocol=pickle.HIGHEST_PROTOCOL)
                return
        elif self.used == self.known and not self.journaled:
            return
        else:
            self.known = self.used
        _dump(self.known, self.file)
        self.journal.unlink(missing_ok=True)
        self.journaled = 0
