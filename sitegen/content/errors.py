"""Content errors that name the file, line and column, and what was expected."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


# Not frozen: unpickling an exception sets its ``__cause__`` and ``__traceback__`` where tblib's
# reducers are installed (Dask installs them, in its workers and in any process importing
# dask.distributed), which a frozen dataclass refuses. Hashed by its fields all the same.
@dataclass(unsafe_hash=True)
class ContentError(Exception):
    """A problem in a content file. ``line``/``column`` are 1-based; ``path`` is the data path
    (e.g. ``projects[3].indicators[5].score``) when the problem is in a value. Never changed
    once made."""

    file: Path
    line: int
    column: int
    message: str
    path: str = ""

    def __reduce__(self):
        # Rebuilt from its fields: the default (``args`` then ``setattr`` of each attribute)
        # is refused by a frozen dataclass, and a worker's errors reach the parent pickled.
        return type(self), (self.file, self.line, self.column, self.message, self.path)

    def __str__(self) -> str:
        where = f" at {self.path}" if self.path else ""
        return f"{self.file}:{self.line}:{self.column}: {self.message}{where}"


class ContentErrors(Exception):
    """All the content errors of one build, reported together."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} content error(s)")
        self.errors = errors
