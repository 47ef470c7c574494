"""Full-text search: Pagefind's extended build indexes the written pages (segmenting Chinese).

Pages mark their indexable part with ``data-pagefind-body`` and their facets with
``data-pagefind-filter`` (the value in the attribute, so no hidden text reaches the excerpts);
the index and its UI land in ``<output>/pagefind/``, served from the portal itself (no outside
host). The query side is the theme's: ``static/pagefind-zh/`` reads a query against the index's
own words, because Pagefind would cut it with the browser's segmenter, not jieba.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


class SearchIndexError(RuntimeError):
    """Pagefind failed; carries its output."""


def build_index(site: Path) -> None:
    """Index every HTML page under ``site``. Raises ``SearchIndexError`` when Pagefind fails."""
    result = subprocess.run(
        [sys.executable, "-m", "pagefind", "--site", str(site), "--silent"],
        capture_output=True, text=True, check=False,
    )
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr.strip() or result.stdout.strip()}")
