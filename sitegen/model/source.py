"""Where a value came from: data path → (line, column) in its content file."""
from __future__ import annotations

DataPath = tuple[str | int, ...]
Location = tuple[int, int]


class SourceMap(dict[DataPath, Location]):
    """Data path → (line, column), both 1-based, for every node of one file."""

    def locate(self, path: DataPath) -> Location:
        """The location of ``path`` or of its nearest ancestor present in the file."""
        while path not in self and path:
            path = path[:-1]
        return self.get(path, (1, 1))
