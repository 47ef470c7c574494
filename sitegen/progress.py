"""Progress of a long build on the terminal: the stage, how far it is and the time left (tqdm).

Quiet unless standard error is a terminal, so logs, CI and pipes get only the summary line.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar
from contextlib import contextmanager

T = TypeVar("T")


class Progress:
    """A bar per stage with its rate and ETA: ``stage(name, total)`` yields ``advance(n)``;
    ``iterate(name, items)`` advances once per item."""

    def __init__(self, enabled: bool | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled

    @contextmanager
    def stage(self, name: str, total: int) -> Iterator[Callable[[int], None]]:
        if not self.enabled or total == 0:
            yield lambda n: None
            return
        from tqdm import tqdm

        with tqdm(total=total, desc=name, unit="", file=sys.stderr, leave=False, dynamic_ncols=True) as bar:
            yield bar.update
            bar.refresh()  # tqdm skips updates within 0.1 s of the last it showed: show the end before clearing

    def iterate(self, name: str, items: list[T]) -> Iterable[T]:
        with self.stage(name, len(items)) as advance:
            for item in items:
                yield item
                advance(1)

