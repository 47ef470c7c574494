"""Read one YAML file into plain data plus a source map, refusing YAML's traps.

Every scalar stays text (``1677.95`` is the string ``"1677.95"``; ``no`` is ``"no"``;
``2024-04-09`` is a string), so amounts reach ``Decimal`` without passing through
``float`` and YAML 1.1's booleans, octals, sexagesimals and dates cannot change a figure.
Duplicate keys, aliases, tags and non-mapping roots are errors. Uses libyaml's C parser
when present (speed) and keeps each node's line and column.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from ..model.source import DataPath, SourceMap
from .errors import ContentError

try:
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - libyaml missing
    _Base = yaml.SafeLoader

_STR, _SEQ, _MAP = "tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Composes nodes without implicit typing: every untagged scalar is text.

    YAML's implicit resolvers (a regex per scalar) are most of the parse time and decide
    only what we refuse to decide (numbers, booleans, dates), so they are skipped.
    """

    def resolve(self, kind, value, implicit):  # noqa: D102 - PyYAML hook
        return _STR if kind is yaml.ScalarNode else _SEQ if kind is yaml.SequenceNode else _MAP

_NULLS = {"", "~", "null", "Null", "NULL"}
MAX_BYTES = 8 * 1024 * 1024
# Tags plain YAML resolves to by itself; anything else was written explicitly (!!python/…, !x).
_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq", "value")}


def read_yaml(file: Path) -> tuple[Any, SourceMap]:
    """Parse ``file`` into (data, source map).

    Data is nested ``dict``/``list``/``str``/``None``. Raises ``ContentError`` with the file,
    line and column for unreadable bytes, YAML syntax errors and the refused constructs.
    """
    raw = file.read_bytes()
    if len(raw) > MAX_BYTES:
        raise ContentError(file, 1, 1, f"file is {len(raw)} bytes — content files are limited to {MAX_BYTES}")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        line_start = raw.rfind(b"\n", 0, exc.start) + 1
        column = len(raw[line_start: exc.start].decode("utf-8", "replace")) + 1
        hint = " — the file looks GBK-encoded; save it as UTF-8" if _looks_gbk(raw) else " — save it as UTF-8"
        raise ContentError(file, line, column, f"bytes are not UTF-8{hint}") from None
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or exc.context or "invalid YAML"
        lines = text.splitlines()
        if 0 < line <= len(lines) and "\t" in lines[line - 1]:
            problem += " — the line has a tab: indent with spaces, not tabs"
        raise ContentError(file, line, column, f"YAML syntax: {problem}") from None
    if node is None:
        raise ContentError(file, 1, 1, "file is empty — expected a mapping of keys to values")
    if not isinstance(node, yaml.MappingNode):
        raise ContentError(file, node.start_mark.line + 1, node.start_mark.column + 1,
                           "the file's top level must be a mapping of keys to values")
    source = SourceMap()
    return _Walker(file, source).value(node, ()), source


def _looks_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gbk")
    except UnicodeDecodeError:
        return False
    return True


class _Walker:
    def __init__(self, file: Path, source: SourceMap):
        self.file = file
        self.source = source
        self.seen: set[int] = set()

    def error(self, node: yaml.Node, message: str) -> ContentError:
        return ContentError(self.file, node.start_mark.line + 1, node.start_mark.column + 1, message)

    def value(self, node: yaml.Node, path: DataPath) -> Any:
        if id(node) in self.seen:
            raise self.error(node, "anchors and aliases (&, *) are not allowed — write the value out")
        self.seen.add(id(node))
        self.source[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if node.tag not in _PLAIN_TAGS:
            raise self.error(node, f"YAML tag {node.tag} is not allowed — remove it and write plain values")
        if isinstance(node, yaml.ScalarNode):
            if not node.style and node.value in _NULLS:  # libyaml gives plain scalars style "" (PyYAML None)
                return None
            return node.value
        if isinstance(node, yaml.SequenceNode):
            return [self.value(item, (*path, i)) for i, item in enumerate(node.value)]
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise self.error(key_node, "keys must be plain text")
            key = key_node.value
            if key == "<<":
                raise self.error(key_node, "merge keys (<<) are not allowed — write the keys out")
            if key in result:
                raise self.error(key_node, f"duplicate key '{key}' — each key may appear once in a mapping")
            result[key] = self.value(value_node, (*path, key))
        return result
