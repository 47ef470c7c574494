"""What a build publishes is well-formed and reproducible: unique ids on every page, and the
same search bundle from the same content."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

from sitegen.builder import build_portal

from .conftest import CONTENT


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter = Counter()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id")


def test_every_id_on_every_page_is_unique(built):
    output, _ = built
    pages = sorted(output.rglob("*.html"))
    assert len(pages) > 90
    repeated = {}
    for page in pages:
        parser = _Ids()
        parser.feed(page.read_text(encoding="utf-8"))
        repeated.update({f"{page.relative_to(output)}#{id_}": n for id_, n in parser.ids.items() if n > 1})
    assert repeated == {}
    # 定西's final accounts: YEAR-001 fires on two sentences of its narrative, each with its own anchor.
    dingxi = (output / "units/dingxi-zfw/2023/final-accounts/index.html").read_text(encoding="utf-8")
    assert 'id="finding-year-001-narrative"' in dingxi and 'id="finding-year-001-narrative--2"' in dingxi


def test_the_search_bundle_is_the_same_from_the_same_content(tmp_path):
    def bundle(name: str) -> dict[str, bytes]:
        output = tmp_path / name
        build_portal(CONTENT, output, cache=tmp_path / f"cache-{name}")
        return {p.relative_to(output).as_posix(): p.read_bytes() for p in (output / "pagefind").rglob("*") if p.is_file()}

    first, second = bundle("a"), bundle("b")
    assert len(first) > 50 and sorted(first) == sorted(second)
    assert [name for name in first if first[name] != second[name]] == []
