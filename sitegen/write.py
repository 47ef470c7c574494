"""Writing the output atomically: build into a sibling folder, swap it in when complete.

An interrupted or failed build leaves the previous output untouched; files of deleted
content do not survive, because every build starts from an empty folder. A folder whose
inputs did not change (a unit's) is moved from the previous output into the staging folder
rather than made again (``reused_from``; the folder of all units moves whole, the changed
ones set aside), and moved back if the build fails. Builds of one
output exclude each other (``output_lock``), so none touches another's staging folder.

Beside ``output/`` (never inside it, where a web server would publish them)::

    .output-lock           the lock file of ``output_lock``
    .output-folders.json   {folder: key of the inputs it was made from}, for ``reused_from``
    .output-build-*/       a build's staging folder
    .output-previous/      the replaced output, deleted once the new one is in place
    .output-takeovers.log  what a build took over from the output, until its staging folder is
                           swapped in: a killed build's takeovers are given back (``Reuse``)
"""
from __future__ import annotations

import fcntl
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


MARKER = ".sitegen-output"
STAGING_BYTES = 8  # random bytes in a staging folder's name
FOLDERS = ".sitegen-folders.json"  # in the staging folder until the swap moves it beside the output


class OutputError(RuntimeError):
    """The output folder cannot safely be replaced."""


def beside(output: Path, suffix: str) -> Path:
    """The bookkeeping path ``.<output name>-<suffix>`` in the output's parent folder."""
    return output.with_name(f".{output.name}-{suffix}")


@contextmanager
def output_lock(output: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``output`` (the file ``.<name>-lock`` beside it) for the
    body: a second build of the same output waits for the first to finish, whatever caches
    they use, so no build deletes or swaps the folders of another. The lock dies with its
    process, so a killed build never leaves it held."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with open(beside(output, "lock"), "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"waiting for another build of {output} to finish", file=sys.stderr, flush=True)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def staged_output(output: Path, protect: tuple[Path, ...] = (), *, discard_in_background: bool = False) -> Iterator[Path]:
    """Yield an empty staging folder beside ``output``; on success it replaces ``output``.

    ``discard_in_background``: the replaced output is renamed aside and deleted by a detached
    process, so that a large portal's rebuild does not wait for it (a deletion cut short is
    finished by the next build). Raises ``OutputError`` rather than replace a non-empty folder
    sitegen did not make, or one that holds any of ``protect`` (e.g. the content folder).
    The caller holds ``output_lock(output)``: the recovery of a killed build's leftovers
    would otherwise delete a running build's staging folder.

    The staging folder is made with the permissions of the umask (``mkdtemp``'s 0700 would
    keep a web server running as another user out of the published output).
    """
    output = output.resolve()
    for kept in protect:
        kept = kept.resolve()
        if kept == output or output in kept.parents:
            raise OutputError(f"output folder {output} would replace {kept} — choose another --output")
    if output.exists() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputError(f"{output} exists and was not made by sitegen — refusing to replace it; remove it or choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = beside(output, "previous")
    _recover(output, previous)
    staging = beside(output, f"build-{secrets.token_hex(STAGING_BYTES)}")
    staging.mkdir()
    try:
        (staging / MARKER).write_text("Built by sitegen; replaced whole by each build.\n", encoding="utf-8")
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # The record of the replaced output's folders goes first and the new one comes last: a
    # build killed in between leaves no record (nothing reused), never a wrong one.
    record, pending = beside(output, "folders.json"), beside(output, "folders.json.new")
    record.unlink(missing_ok=True)
    if (staging / FOLDERS).exists():
        os.rename(staging / FOLDERS, pending)
    if output.exists():
        output.rename(previous)
    staging.rename(output)
    _journal(output).unlink(missing_ok=True)  # what it took over is in place
    if pending.exists():
        os.rename(pending, record)
    if discard_in_background and previous.exists():
        trash = Path(tempfile.mkdtemp(prefix=f".{output.name}-discarded-", dir=output.parent))
        previous.rename(trash / "old")
        discard(trash)
    shutil.rmtree(previous, ignore_errors=True)


class Reuse:
    """``write.reused_from``'s record of the folders a build takes over from the previous output.

    Each takeover is written to a journal beside the output (``_journal``, a JSON line each)
    before it is made, so a build killed after it (SIGKILL, the OOM killer: no ``undo`` runs)
    leaves a record from which the next build's recovery gives the previous output back
    whole (``give_back``). Until then a web server publishing the output misses what was taken:
    the takeovers happen late (after the pages are rendered) to keep that window short."""

    ASIDE = ".sitegen-replaced"  # in the previous output: the folders ``within`` set aside
    WRITTEN = ".sitegen-written"  # in the staging folder: what it held of a parent ``within`` takes over

    def __init__(self, output: Path, staging: Path, previous: dict[str, str]):
        self.output, self.staging, self.previous = output, staging, previous
        self.keys: dict[str, str] = {}  # every folder asked for → its key now
        self.taken: list[dict] = []  # the journal's entries, in order
        self._journal = None

    def _note(self, entry: dict) -> None:
        """Journal a takeover before it is made (the recovery skips one that was not)."""
        if self._journal is None:
            self._journal = open(_journal(self.output), "w", encoding="utf-8")
            self._journal.write(json.dumps({"staging": self.staging.name}) + "\n")
        self._journal.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self._journal.flush()  # in the kernel's hands: a killed process loses nothing written
        self.taken.append(entry)

    def take(self, folder: str) -> None:
        """Move the previous output's ``folder`` (relative) into the staging folder, whatever it was made from."""
        (self.staging / folder).parent.mkdir(parents=True, exist_ok=True)
        self._note({"move": folder})
        os.rename(self.output / folder, self.staging / folder)

    def __call__(self, folder: str, key: str) -> bool:
        """If the previous output holds ``folder`` (relative) made from inputs hashed ``key``,
        move it into the staging folder and return True; else False."""
        self.keys[folder] = key
        if self.previous.get(folder) != key or not (self.output / folder).is_dir():
            return False
        self.take(folder)
        return True

    def unchanged(self, folder: str, key: str) -> bool:
        """Whether the previous output's ``folder`` was recorded as made from inputs hashed ``key``
        (``within`` takes it over if it is still there)."""
        return self.previous.get(folder) == key

    def within(self, parent: str, folders: dict[str, str]) -> set[str]:
        """Of ``folders`` (relative paths directly in ``parent``) → key, the ones the previous
        output holds made from the same key, taken over by moving ``parent`` whole: one rename,
        then one for each entry of it that is not reused (set aside in the previous output,
        deleted with it), so the cost grows with the changes, not the portal. What the staging
        folder already holds in ``parent`` (a broken unit's page) is kept, in place of the
        previous output's."""
        source, target = self.output / parent, self.staging / parent
        if not source.is_dir():
            return {folder for folder, key in folders.items() if self(folder, key)}
        self.keys.update(folders)
        with os.scandir(source) as entries:
            kinds = {entry.name: entry.is_dir(follow_symlinks=False) for entry in entries}
        written = self.staging / self.WRITTEN
        if target.exists():
            os.rename(target, written)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
        self._note({"within": parent, "held": sorted(kinds)})
        os.rename(source, target)
        replaced = set(os.listdir(written)) if written.exists() else set()
        reused = set()
        for name, is_folder in kinds.items():
            folder = f"{parent}/{name}"
            if is_folder and name not in replaced and folder in folders and self.unchanged(folder, folders[folder]):
                reused.add(folder)
            else:
                (self.output / self.ASIDE / parent).mkdir(parents=True, exist_ok=True)
                os.rename(target / name, self.output / self.ASIDE / parent / name)
        for name in replaced:
            os.rename(written / name, target / name)
        if written.exists():
            written.rmdir()
        return reused

    def undo(self) -> None:
        """Give the previous output back what was taken from it; the journal goes."""
        give_back(self.output, self.staging, self.taken)
        self.close()
        _journal(self.output).unlink(missing_ok=True)

    def close(self) -> None:
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def _journal(output: Path) -> Path:
    """The journal of the takeovers from ``output`` (``Reuse``)."""
    return beside(output.resolve(), "takeovers.log")


def give_back(output: Path, staging: Path, taken: list[dict]) -> None:
    """Undo the takeovers ``taken`` (``Reuse``'s journal entries, in the order made) of a build
    into ``staging``, last first: each folder goes back to ``output``, a parent taken over whole
    without what the build wrote into it and with what it set aside. A takeover the build did
    not get to make (its folder still in ``output``) is skipped."""
    for entry in reversed(taken):
        if "move" in entry:
            folder = entry["move"]
            if (staging / folder).exists() and not (output / folder).exists():
                os.rename(staging / folder, output / folder)
            continue
        parent, held = entry["within"], set(entry["held"])
        target, aside = staging / parent, output / Reuse.ASIDE / parent
        if not target.is_dir() or (output / parent).exists():
            continue
        returned = set(os.listdir(aside)) if aside.is_dir() else set()
        for name in os.listdir(target):
            if name not in held or name in returned:  # written by the build
                _remove(target / name)
        for name in returned:
            os.rename(aside / name, target / name)
        os.rename(target, output / parent)
    shutil.rmtree(output / Reuse.ASIDE, ignore_errors=True)


@contextmanager
def reused_from(output: Path, staging: Path) -> Iterator[Reuse]:
    """Yield a ``Reuse``: ``reuse(folder, key)`` moves one folder of the previous ``output``
    made from inputs hashed ``key`` into ``staging`` (True) or says it cannot (False);
    ``reuse.within(parent, folders)`` takes over many at once.

    Renaming a folder is one system call where remaking its files is one per file: an
    incremental build of a large portal takes over thousands of unchanged unit folders instead
    of linking a million files. On leaving, ``staging/FOLDERS`` records the key of every folder
    asked for, and ``staged_output`` moves that record beside the output with the swap; if the
    body raises, every folder taken goes back to ``output``, so a failed build leaves the
    previous output whole.
    """
    try:
        record = beside(output.resolve(), "folders.json")
        previous = json.loads(record.read_text(encoding="utf-8")) if (output / MARKER).exists() else {}
    except (OSError, ValueError):
        previous = {}
    reuse = Reuse(output, staging, previous)
    try:
        yield reuse
        (staging / FOLDERS).write_text(json.dumps(reuse.keys, sort_keys=True), encoding="utf-8")
    except BaseException:
        reuse.undo()
        raise
    reuse.close()  # the journal stays until the swap (``staged_output``)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


def link_or_copy(source: Path, target: Path) -> None:
    """Hard-link ``source`` at ``target``; copy it where linking is impossible (another file
    system, or none with hard links)."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def discard(folder: Path) -> None:
    """Delete ``folder`` in a detached process that outlives this one (deleting a large
    portal's files takes seconds that no build should wait for)."""
    subprocess.Popen([sys.executable, "-c", "import shutil, sys; shutil.rmtree(sys.argv[1], ignore_errors=True)", str(folder)],
                     start_new_session=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _recover(output: Path, previous: Path) -> None:
    """Undo what a killed build left: a half-done swap, its takeovers from the output (the
    journal of ``Reuse``), stale staging folders."""
    if previous.exists() and not output.exists():
        previous.rename(output)
    journal = _journal(output)
    entries = []
    if journal.exists():
        for line in journal.read_text(encoding="utf-8").splitlines():
            try:
                entries.append(json.loads(line))
            except ValueError:  # killed while writing it: the takeover it names was not made
                break
    if entries:
        give_back(output, output.parent / entries[0]["staging"], entries[1:])
    journal.unlink(missing_ok=True)
    shutil.rmtree(previous, ignore_errors=True)
    beside(output, "folders.json.new").unlink(missing_ok=True)
    # Exactly this output's staging folders: another output's, such as that of "<name>-build-2",
    # belongs to a build this one's lock does not hold off.
    staging = re.compile(re.escape(f".{output.name}-build-") + f"[0-9a-f]{{{2 * STAGING_BYTES}}}")
    for stale in output.parent.glob(f".{output.name}-build-*"):
        if staging.fullmatch(stale.name):
            shutil.rmtree(stale, ignore_errors=True)
    for stale in output.parent.glob(f".{output.name}-discarded-*"):
        discard(stale)  # its deleter may have been cut short, or may still be at work


def write_bytes(root: Path, relative: str, data: bytes) -> None:
    """Write ``data`` to ``root/relative``, refusing paths that would leave ``root``."""
    target = (root / relative).resolve()
    if root.resolve() not in target.parents:
        raise ValueError(f"refusing to write outside the output folder: {relative}")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def write_text(root: Path, relative: str, text: str) -> None:
    """Write ``text`` as UTF-8 to ``root/relative``, refusing paths that would leave ``root``."""
    write_bytes(root, relative, text.encode("utf-8"))
