"""Writing the output atomically: build into a sibling folder, swap it in when complete.

An interrupted or failed build leaves the previous output untouched; files of deleted
content do not survive, because every build starts from an empty folder. A folder whose
inputs did not change (a unit's) is moved from the previous output into the staging folder
rather than made again (``reused_from``), and moved back if the build fails.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path


MARKER = ".sitegen-output"
FOLDERS = ".sitegen-folders.json"  # in the output: {folder: key of the inputs it was made from}


class OutputError(RuntimeError):
    """The output folder cannot safely be replaced."""


@contextmanager
def staged_output(output: Path, protect: tuple[Path, ...] = (), *, discard_in_background: bool = False) -> Iterator[Path]:
    """Yield an empty staging folder beside ``output``; on success it replaces ``output``.

    ``discard_in_background``: the replaced output is renamed aside and deleted by a detached
    process, so that a large portal's rebuild does not wait for it (a deletion cut short is
    finished by the next build). Raises ``OutputError`` rather than replace a non-empty folder
    sitegen did not make, or one that holds any of ``protect`` (e.g. the content folder).
    """
    output = output.resolve()
    for kept in protect:
        kept = kept.resolve()
        if kept == output or output in kept.parents:
            raise OutputError(f"output folder {output} would replace {kept} — choose another --output")
    if output.exists() and any(output.iterdir()) and not (output / MARKER).exists():
        raise OutputError(f"{output} exists and was not made by sitegen — refusing to replace it; remove it or choose another --output")
    output.parent.mkdir(parents=True, exist_ok=True)
    previous = output.with_name(f".{output.name}-previous")
    _recover(output, previous)
    staging = Path(tempfile.mkdtemp(prefix=f".{output.name}-build-", dir=output.parent))
    try:
        (staging / MARKER).write_text("Built by sitegen; replaced whole by each build.\n", encoding="utf-8")
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if output.exists():
        output.rename(previous)
    staging.rename(output)
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
    linking a million files. On leaving, ``staging/FOLDERS`` records the keys of the folders
    reused or declared with ``made(folder, key)``; if the body raises, every moved folder goes
    back to ``output``, so a failed build leaves the previous output whole.
    """
    try:
        previous = json.loads((output / FOLDERS).read_text(encoding="utf-8")) if (output / MARKER).exists() else {}
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
    for stale in output.parent.glob(f".{output.name}-build-*"):
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
