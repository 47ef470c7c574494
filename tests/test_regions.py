"""The home page's region tree, on places the real content lacks (a province-level unit)."""
from __future__ import annotations

import re

from sitegen.model.documents import Region
from sitegen.render.regions import region_tree


def test_each_unit_sits_at_its_own_level_and_places_nest():
    tree = region_tree([
        (Region(province="河北省", city="唐山市", county="乐亭县"), "laoting", "county unit"),
        (Region(province="河北省"), "hebei", "province unit"),
        (Region(province="河北省", city="唐山市"), "tangshan", "city unit"),
        (Region(province="甘肃省", city="定西市"), "dingxi", "other city unit"),
    ])
    assert [node.name for node in tree] == sorted(["河北省", "甘肃省"])
    hebei = next(node for node in tree if node.name == "河北省")
    assert hebei.units == ["province unit"] and hebei.unit_count == 3
    [tangshan] = hebei.children
    assert (tangshan.level, tangshan.units) == ("city", ["city unit"])
    [laoting] = tangshan.children
    assert (laoting.level, laoting.path, laoting.units, laoting.children) == ("county", ("河北省", "唐山市", "乐亭县"), ["county unit"], [])


def test_anchors_are_ascii_distinct_and_depend_only_on_the_place():
    places = [Region(province="河北省", city="唐山市", county="乐亭县"), Region(province="河北省", city="唐山市")]
    first = region_tree([(region, str(i), i) for i, region in enumerate(places)])
    again = region_tree([(places[0], "other", 0)])
    anchors = [first[0].anchor, first[0].children[0].anchor, first[0].children[0].children[0].anchor]
    assert all(re.fullmatch(r"region-[0-9a-f]{10}", anchor) for anchor in anchors)
    assert len(set(anchors)) == 3
    assert again[0].children[0].children[0].anchor == anchors[2]
