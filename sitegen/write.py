"""Writing the output atomically: build into a sibling folder, swap it in when complete.

An interrupted or failed build leaves the previous output untouched; files of deleted
content do not survive, because every build starts from an empty folder. A folder whose
inputs did not change (a unit's) is moved from the previous output into the staging folder
rather than made again (``reused_from``), and moved back if the build fails. Builds of one
output exclude each other (``output_lock``), so none touches another's staging folder.

Beside ``output/`` (never inside it, where a web server would publish them)::

    .output-lock           the lock file of ``output_lock``
    .output-folders.json   {folder: key of the inputs it was made from}, for ``reused_from``
    .output-build-*/       a build's staging folder
    .output-previous/      the replaced output, deleted once the new one is in place
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
from collections.abc import Callable, Iterator
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
    if pending.exists():
        os.rename(pending, record)
    if discard_in_background and previous.exists():
        trash = Path(tempfile.mkdtemp(prefix=f".{output.name}-discarded-", dir=output.parent))
        previous.rename(trash / "old")
        discard(trash)
    shutil.rmtree(previous, ignore_errors=True)


@contextmanager
def reused_from(output: Path, staging: Path) -> Iterator[Callable[[str, str], bool]]:
    """Yield ``reuse(folder, key)``: if the previous ``output`` holds ``folder`` (relative)
    made from inputs hashed ``key``, move it into ``staging`` and return True; else False.

    Renaming a folder is one system call where remaking its files is one per file: an
    incremental build of a large portal moves thousands of unchanged unit folders instead of
    linking a million files. On leaving, ``staging/FOLDERS`` records the key of every folder
    passed to ``reuse``, and ``staged_output`` moves that record beside the output with the
    swap; if the body raises, every moved folder goes back to ``output``, so a failed build
    leaves the previous output whole.
    """
    try:
        record = beside(output.resolve(), "folders.json")
        previous = json.loads(record.read_text(encoding="utf-8")) if (output / MARKER).exists() else {}
    except (OSError, ValueError):
        previous = {}
    moved: list[str] = []
    keys: dict[str, str] = {}

    def reuse(folder: str, key: str) -> bool:
        keys[folder] = key
        if previous.get(folder) != key or not (output / folder).is_dir():
            return False
        (staging / folder).parent.mkdir(parents=True, exist_ok=True)
        os.rename(output / folder, staging / folder)
        moved.append(folder)
        return True

    try:
        yield reuse
    except BaseException:
        for folder in reversed(moved):
            os.rename(staging / folder, output / folder)
        raise
    (staging / FOLDERS).write_text(json.dumps(keys, sort_keys=True), encoding="utf-8")


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
    """Undo what a killed build left: a half-done swap, stale staging folders."""
    if previous.exists() and not output.exists():
        previous.rename(output)
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
