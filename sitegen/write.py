"""Writing the output atomically: build into a sibling folder, swap it in when complete.

An interrupted or failed build leaves the previous output untouched; files of deleted
content do not survive, because every build starts from an empty folder.
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


MARKER = ".sitegen-output"


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
