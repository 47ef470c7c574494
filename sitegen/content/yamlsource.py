"""Read one YAML file into plain data plus a source map, refusing YAML's traps.

Every scalar stays text (``1677.95`` is the string ``"1677.95"``; ``no`` is ``"no"``;
``2024-04-09`` is a string), so amounts reach ``Decimal`` without passing through
``float`` and YAML 1.1's booleans, octals, sexagesimals and dates cannot change a figure.
Duplicate keys, aliases, tags and non-mapping roots are errors. Uses libyaml's C parser
when present (speed) and keeps each value's line and column.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from ..model.source import SourceMap
from ..model.values import shown
from .errors import ContentError
from .files import YAML_LIMIT, decode, read_content

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader

_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_DEPTH = 40
"""Levels of nesting in one file; the content format needs about ten (figures' parts nest)."""
# Tags plain YAML resolves to by itself; anything else was written explicitly (!!python/…, !x).
_PLAIN_TAGS = {None, "!"} | {f"tag:yaml.org,2002:{name}" for name in
                             ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value")}
# What YAML 1.1 allows in a stream (its reader refuses the rest): tab, line breaks, printable text.
_UNPRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def read_yaml(file: Path, root: Path | None = None) -> tuple[Any, SourceMap]:
    """Parse ``file`` into (data, source map).

    Data is nested ``dict``/``list``/``str``/``None``. ``root`` is the content folder the file
    must lie in (default: the file's own folder; see ``files.read_content``). Raises
    ``FileNotFoundError``, or ``ContentError`` with the file, line and column for a file that
    cannot be read (not a regular file, too large, leading outside ``root``), bytes that are
    not UTF-8, characters YAML refuses, YAML syntax errors, nesting deeper than
    ``MAX_DEPTH`` and the refused constructs (anchors, aliases, tags, merge keys, duplicate
    or non-text keys, several documents).
    """
    raw = read_content(file, file.parent if root is None else root, YAML_LIMIT)
    text = decode(file, raw)
    if bad := _UNPRINTABLE.search(text):
        line, column = _position(text, bad.start())
        raise ContentError(file, line, column, f"character U+{ord(bad.group()):04X} is not allowed in YAML — "
                                               "remove it (only tabs, line breaks and printable text are)")
    try:
        return _Composer(file).compose(yaml.parse(text, Loader=_Base))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1]:
            problem += " — the line has a tab: indent with spaces, not tabs"
        raise ContentError(file, line, column, f"YAML syntax: {problem}") from None


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based (line, column) of ``text[offset]``."""
    return text.count("\n", 0, offset) + 1, offset - text.rfind("\n", 0, offset)


class _Composer:
    """Builds the data from the parser's events, one at a time (no recursion, so no nesting
    can exhaust the stack), refusing what a content file must not hold as soon as it appears.

    Every untagged scalar is text: YAML's implicit resolvers (a regex per scalar) would only
    decide what we refuse to decide (numbers, booleans, dates).
    """

    def __init__(self, file: Path):
        self.file = file
        self.source = SourceMap()

    def error(self, event: yaml.Event, message: str) -> ContentError:
        return ContentError(self.file, event.start_mark.line + 1, event.start_mark.column + 1, message)

    def compose(self, events: Iterator[yaml.Event]) -> tuple[dict, SourceMap]:
        # Each open collection: [its path, the dict or list, the key awaiting its value (mappings)].
        stack: list[list] = []
        root: Any = _NOTHING
        for event in events:
            kind = type(event)
            if kind in _SKIPPED:
                continue
            if kind is yaml.DocumentStartEvent:
                if root is not _NOTHING:
                    raise self.error(event, "YAML syntax: a second document — a content file holds one (remove the '---')")
                continue
            if kind in _ENDS:
                stack.pop()
                continue
            if kind is yaml.AliasEvent or event.anchor is not None:
                raise self.error(event, "anchors and aliases (&, *) are not allowed — write the value out")
            if event.tag not in _PLAIN_TAGS:
                raise self.error(event, f"YAML tag {shown(event.tag, 80)} is not allowed — remove it and write plain values")
            if stack and stack[-1][2] is None and type(stack[-1][1]) is dict:
                self.key(event, stack[-1])
                continue
            if kind is yaml.ScalarEvent:
                value: Any = None if not event.style and event.value in _NULLS else event.value  # plain ~ or empty
            elif len(stack) == MAX_DEPTH:
                raise self.error(event, f"nesting deeper than {MAX_DEPTH} levels — the content format needs far fewer")
            else:
                value = {} if kind is yaml.MappingStartEvent else []
            if not stack:
                if type(value) is not dict:
                    raise self.error(event, "the file's top level must be a mapping of keys to values")
                root, path = value, ()
            else:
                parent = stack[-1]
                if type(parent[1]) is list:
                    path = (*parent[0], len(parent[1]))
                    parent[1].append(value)
                else:
                    path, parent[2] = (*parent[0], parent[2]), None
                    parent[1][path[-1]] = value
            mark = event.start_mark
            self.source[path] = (mark.line + 1, mark.column + 1)
            if kind is not yaml.ScalarEvent:
                stack.append([path, value, None])
        if root is _NOTHING:
            raise ContentError(self.file, 1, 1, "file is empty — expected a mapping of keys to values")
        return root, self.source

    def key(self, event: yaml.Event, mapping: list) -> None:
        """``event`` where ``mapping`` awaits a key: it must be new plain text."""
        if type(event) is not yaml.ScalarEvent:
            raise self.error(event, "keys must be plain text")
        if event.value == "<<":
            raise self.error(event, "merge keys (<<) are not allowed — write the keys out")
        if event.value in mapping[1]:
            raise self.error(event, f"duplicate key '{shown(event.value)}' — each key may appear once in a mapping")
        mapping[2] = event.value


_NOTHING = object()
_SKIPPED = {yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent}
_ENDS = {yaml.MappingEndEvent, yaml.SequenceEndEvent}
