"""Static assets: long-cache names and precompressed copies.

A top-level asset (``style.css``, ``charts.js``, the plotly.js bundle …) is published under a
name carrying a hash of its content (``style.1f2e3d4c5b.css``), so a web server may tell
browsers to keep it for a year: a changed file gets a new name, and the pages that link it
change with it. Files in sub-folders (``pagefind-zh/``) are loaded by relative name from
other scripts and keep their names.

Every text file of the output gets a gzip (``.gz``) and a Brotli (``.br``) copy beside it,
which nginx (``gzip_static``/``brotli_static``), Caddy (``precompressed``) and most CDNs serve
as they are instead of compressing each response.
"""
from __future__ import annotations

import gzip
import hashlib
import posixpath
from pathlib import Path, PurePosixPath

import brotli

# The plotly.js bundle with only the trace types ``render/charts.py`` draws; how it is made:
# vendor/plotly/README.md.
PLOTLY_JS = Path(__file__).resolve().parent / "vendor" / "plotly" / "plotly-bar-sunburst.min.js"
PLOTLY = "plotly.js"  # its name for ``Assets.url``
TEXT_SUFFIXES = frozenset({".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".csv", ".txt"})
PAGE_QUALITY = 5         # Brotli quality for pages and data, made in volume (~0.4 ms a page, 82% of quality 11's ratio)
ASSET_QUALITY = 11       # for assets below LARGE_ASSET bytes, made once per build
LARGE_ASSET_QUALITY = 9  # plotly.js: 0.3 s instead of 8 s at quality 11, 9% larger
LARGE_ASSET = 256 * 1024
# gzip level for every copy: 6 takes 21% less time than 9 on a synthetic portal's pages and data
# (3.4 vs 4.4 ms a document) for 0.8% larger files (20.1% vs 19.9% of the text); the .br copy,
# which browsers prefer, is the smaller one anyway.
GZIP_LEVEL = 6


def hashed_name(relative: str, data: bytes) -> str:
    """``style.css`` → ``style.<10 hex digits of SHA-256>.css``; files in sub-folders unchanged."""
    path = PurePosixPath(relative)
    if len(path.parts) > 1:
        return relative
    return f"{path.stem}.{hashlib.sha256(data).hexdigest()[:10]}{path.suffix}"


class Assets:
    """The theme's static files plus plotly.js, and the name each is published under
    (``hashed`` for a published build; the preview keeps plain names so that a saved
    stylesheet is picked up without re-rendering every page)."""

    def __init__(self, files: dict[str, Path], *, hashed: bool):
        self.files = {**files, PLOTLY: PLOTLY_JS}
        self.names: dict[str, str] = {}
        self.digests: dict[str, str] = {}  # relative → SHA-256 of its bytes
        for relative, file in self.files.items():
            data = file.read_bytes()
            self.names[relative] = hashed_name(relative, data) if hashed else relative
            self.digests[relative] = hashlib.sha256(data).hexdigest()

    def url(self, relative: str) -> str:
        """Output-relative URL of a static file; ``KeyError`` names a file no theme has."""
        return "assets/" + self.names[relative]

    def published(self) -> dict[str, tuple[Path, str]]:
        """Output-relative published path → (source file, SHA-256 of its bytes) of every asset."""
        return {"assets/" + self.names[relative]: (file, self.digests[relative]) for relative, file in self.files.items()}


def asset_quality(data: bytes) -> int:
    """The Brotli quality of an asset's ``.br`` copy: ``ASSET_QUALITY``, or past
    ``LARGE_ASSET`` bytes ``LARGE_ASSET_QUALITY``."""
    return ASSET_QUALITY if len(data) < LARGE_ASSET else LARGE_ASSET_QUALITY


def compressed(data: bytes, quality: int = PAGE_QUALITY) -> tuple[bytes, bytes]:
    """(gzip, Brotli) of ``data``; gzip without a timestamp, so equal input gives equal bytes."""
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0), brotli.compress(data, quality=quality)


def _is_text(relative: str) -> bool:
    # splitext, not PurePosixPath: a build lists every document's files with this (``unitbuild.DocumentEntry.files``)
    return posixpath.splitext(relative)[1] in TEXT_SUFFIXES


def compressed_names(relative: str) -> list[str]:
    """``relative`` and, for a text file, the names of its ``.gz`` and ``.br`` copies, in the
    order ``with_compressed`` stores one file's."""
    if _is_text(relative):
        return [relative, relative + ".gz", relative + ".br"]
    return [relative]


def with_compressed(files: dict[str, bytes], quality: int = PAGE_QUALITY) -> dict[str, bytes]:
    """``files`` (relative path → bytes) plus a ``.gz`` and a ``.br`` copy (Brotli at
    ``quality``) of each text file."""
    result = dict(files)
    for relative, data in files.items():
        if _is_text(relative):
            result[relative + ".gz"], result[relative + ".br"] = compressed(data, quality)
    return result


def write_compressed(file: Path, data: bytes | None = None, quality: int = PAGE_QUALITY) -> list[Path]:
    """Write ``file.gz`` and ``file.br`` beside ``file``; returns them."""
    gz, br = compressed(file.read_bytes() if data is None else data, quality)
    targets = [file.with_name(file.name + ".gz"), file.with_name(file.name + ".br")]
    for target, payload in zip(targets, (gz, br)):
        target.write_bytes(payload)
    return targets
