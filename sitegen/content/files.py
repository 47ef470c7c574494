"""Opening content files: regular files only, inside the content folder, read up to a limit.

A content folder is edited by many hands and synced from many places. A named pipe among its
files would hang the build, a link to ``/dev/zero`` would fill the memory, and a link to a file
outside the folder would publish that file (or quote it on an error page). So every content
file is opened without blocking, must be a regular file whose real path lies inside the
content folder, and is read up to a limit.
"""
from __future__ import annotations

import functools
import os
import stat
from pathlib import Path

from .errors import ContentError

YAML_LIMIT = 8 * 1024 * 1024
"""Bytes of one YAML file (the largest real document is ~100 KB)."""
MARKDOWN_LIMIT = 2 * 1024 * 1024
"""Bytes of one narrative Markdown file (a 100-page 情况说明 is ~300 KB)."""

_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe"), (stat.S_ISCHR, "a device"),
          (stat.S_ISBLK, "a device"), (stat.S_ISSOCK, "a socket"))
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


@functools.lru_cache(maxsize=64)
def _real(folder: str) -> str:
    """The real path of the absolute path ``folder`` (a relative one would depend on the working folder)."""
    return os.path.realpath(folder)


def inside(path: str | Path, root: Path) -> bool:
    """Whether the real path of ``path`` (every symbolic link followed) lies inside ``root``."""
    return within(os.path.realpath(path), root)


def within(real: str, root: Path) -> bool:
    """Whether the real path ``real`` lies inside ``root``."""
    top = _real(os.path.abspath(root))
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def relative_file(file: Path, root: Path) -> str:
    """``file`` as the editor named it, relative to ``root`` when inside it: symbolic links are
    not followed (where a link leads is no business of a page, and a loop of links leads nowhere)."""
    # Strings, not paths: a data-quality page names the files of hundreds of findings.
    inside, top = os.path.abspath(file), os.path.join(os.path.abspath(root), "")
    if inside.startswith(top):
        return inside[len(top):].replace(os.sep, "/")
    return Path(file).as_posix()


def read_content(file: Path, root: Path, limit: int) -> bytes:
    """The bytes of the content file ``file`` under the content folder ``root``.

    Raises ``FileNotFoundError`` when it does not exist (callers say what was expected), and
    ``ContentError`` at ``file``:1:1 when it leads outside ``root`` through a symbolic link, is
    not a regular file (folder, named pipe, device, socket), holds more than ``limit`` bytes,
    or cannot be opened (a loop of symbolic links, no permission).
    """
    if not inside(file, root):
        raise ContentError(file, 1, 1, "leads outside the content folder through a symbolic link — "
                                       "expected a file inside the content folder")
    try:
        fd = os.open(file, _FLAGS)
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise ContentError(file, 1, 1, f"cannot be opened ({exc.strerror}) — expected a readable file") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        kind = next((name for test, name in _KINDS if test(mode)), "not a file")
        raise ContentError(file, 1, 1, f"is {kind}, not a regular file — expected a text file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ContentError(file, 1, 1, f"file is larger than {limit} bytes — content files are limited to {limit}")
    return data


def key_bytes(file: Path, root: Path, limit: int) -> bytes:
    """What a cache key takes from ``file``: its bytes as ``read_content`` gives them, or the
    reason they are refused (the loader reports the same refusal as a content error)."""
    try:
        return read_content(file, root, limit)
    except (ContentError, OSError) as exc:
        return f"refused: {exc}".encode()


def decode(file: Path, raw: bytes) -> str:
    """``raw`` (the bytes of ``file``) as UTF-8 text, without a leading byte-order mark.

    Raises ``ContentError`` at the line and column of the first byte that is not UTF-8, with a
    hint when the file reads as GBK (the usual encoding of Chinese files saved by older tools).
    """
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start: exc.start].decode("utf-8", "replace")) + 1
        hint = "the file looks GBK-encoded; save it as UTF-8" if _looks_gbk(raw) else "save it as UTF-8"
        raise ContentError(file, line, column, f"bytes are not UTF-8 — {hint}") from None


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True
