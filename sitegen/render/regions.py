"""The region tree of the home page: province → city → county, each unit under its own place.

A county-level unit sits under its county, a city-level unit (no county) directly under its
city, a province-level unit directly under its province. Places are ordered by name, units by id
within a place, so the tree is the same for the same content.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from collections.abc import Iterator
from typing import Generic, TypeVar

from ..model.documents import Region

Entry = TypeVar("Entry")
LEVELS = ("province", "city", "county")


@dataclass
class RegionNode(Generic[Entry]):
    """One place. ``path`` is its names from the province down, e.g. ``("河北省", "唐山市", "乐亭县")``;
    ``anchor`` an ASCII, build-stable HTML id derived from the path; ``units`` the entries placed
    exactly here; ``children`` the places one level down."""

    name: str
    level: str
    path: tuple[str, ...]
    anchor: str
    units: list[Entry] = field(default_factory=list)
    children: list[RegionNode[Entry]] = field(default_factory=list)

    @property
    def unit_count(self) -> int:
        """Units here and in every place below."""
        return len(self.units) + sum(child.unit_count for child in self.children)

    def all_units(self) -> list[Entry]:
        """The entries here and in every place below, in tree order."""
        return self.units + [entry for child in self.children for entry in child.all_units()]

    def ancestors(self) -> list[tuple[str, str]]:
        """(name, anchor) of the places above this one, the province first."""
        return [(self.path[depth - 1], anchor(self.path[:depth])) for depth in range(1, len(self.path))]


def anchor(path: tuple[str, ...]) -> str:
    """``region-`` and 10 hex digits of the path's SHA-1: ASCII for URLs (Chinese names have no
    reliable romanisation: 乐亭 is Laoting, not Leting), and unchanged while the names are."""
    return "region-" + hashlib.sha1("/".join(path).encode("utf-8")).hexdigest()[:10]


def region_path(region: Region) -> tuple[str, ...]:
    """The names of a unit's places, province first, stopping at the first one not given."""
    path: list[str] = []
    for level in LEVELS:
        name = getattr(region, level)
        if not name:
            break
        path.append(str(name))
    return tuple(path)


def region_tree(placed: list[tuple[Region, str, Entry]]) -> list[RegionNode[Entry]]:
    """Provinces, each holding its cities and counties. ``placed`` holds ``(region, unit id,
    entry)``: the entry (whatever the page shows of a unit) goes to the node of its region."""
    roots: dict[str, RegionNode[Entry]] = {}
    nodes: dict[tuple[str, ...], RegionNode[Entry]] = {}
    # Each region's path once (a rebuild of a province's portal places every unit again).
    paths = [(region_path(region), unit_id, n) for n, (region, unit_id, _) in enumerate(placed)]
    paths.sort()
    for path, _, n in paths:
        node = nodes.get(path)
        if node is None:
            for depth in range(1, len(path) + 1):
                prefix = path[:depth]
                if prefix not in nodes:
                    nodes[prefix] = RegionNode(prefix[-1], LEVELS[depth - 1], prefix, anchor(prefix))
                    if depth == 1:
                        roots[prefix[0]] = nodes[prefix]
                    else:
                        nodes[prefix[:-1]].children.append(nodes[prefix])
            node = nodes[path]
        node.units.append(placed[n][2])
    return list(roots.values())


def walk(tree: list[RegionNode[Entry]]) -> Iterator[RegionNode[Entry]]:
    """Every place of ``tree``, each before the places below it, in tree order."""
    for node in tree:
        yield node
        yield from walk(node.children)
