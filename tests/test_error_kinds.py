"""Done-when of the hardening: a synthetic portal of 12 units built with ``--jobs 2`` (units in
worker processes) with one content error of each kind in one unit. Every build exits 1, names
the file, line and column, gives the broken unit its error page and builds every other unit."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from sitegen.content import load_portal
from sitegen.plugins import kind_files
from sitegen.render import urls
from sitegen.synth import synthesize

BROKEN = "c0001-jtj"  # the unit each case breaks


@dataclass
class Case:
    file: str                       # relative to the broken unit's folder
    edit: Callable[[Path], None]    # breaks the file
    where: str | tuple[int, int]    # the text the error must point at in the edited file, or (line, column)
    message: str                    # a part of the expected message

    def location(self, file: Path) -> tuple[int, int]:
        if isinstance(self.where, tuple):
            return self.where
        text = file.read_text(encoding="utf-8")
        assert text.count(self.where) == 1, self.where
        before = text[: text.index(self.where)]
        return before.count("\n") + 1, len(before) - (before.rfind("\n") + 1) + 1


def replace(pattern: str, new: str) -> Callable[[Path], None]:
    """Replace the first match of the regular expression ``pattern``."""
    def edit(file: Path) -> None:
        text = file.read_text(encoding="utf-8")
        changed = re.sub(pattern, new, text, count=1, flags=re.MULTILINE)
        assert changed != text, (file, pattern)
        file.write_text(changed, encoding="utf-8")
    return edit


def append(text: str) -> Callable[[Path], None]:
    return lambda file: file.write_text(file.read_text(encoding="utf-8") + text, encoding="utf-8")


def gbk(file: Path) -> None:
    file.write_bytes(file.read_text(encoding="utf-8").encode("gbk"))


CASES = {
    "syntax": Case("2020/budget.yaml", replace("^year: 2020$", "year: [2020"), (3, 6), "YAML syntax"),
    "wrong type": Case("2020/budget.yaml", replace("^money_unit: 万元$", "money_unit: [万元]"), "[万元]", "Input should be '万元' or '元'"),
    "missing field": Case("2020/budget.yaml", replace("^title: .*\n", ""), (1, 1), "missing required key 'title'"),
    "duplicate key": Case("2020/budget.yaml", replace("^source: synthetic$", "source: synthetic\nsource: again"), "source: again",
                          "duplicate key 'source'"),
    "bad money": Case("2020/budget.yaml", replace("amount: \\d+", "amount: 12x34"), "12x34", "is not an amount"),
    "bad percent": Case("2020/budget.yaml", replace('share: "', 'share: "约'), '"约', "is not a percentage"),
    "unknown suppress rule": Case("2020/budget.yaml", append("suppress:\n  - {rule: SUM-999, reason: 已核实}\n"), "SUM-999",
                                  "unknown rule 'SUM-999'"),
    "missing narrative": Case("2020/budget.yaml", replace("^narrative: budget.md$", "narrative: missing.md"), "missing.md",
                              "narrative file 'missing.md' not found"),
    "escaping narrative": Case("2020/budget.yaml", replace("^narrative: budget.md$", "narrative: ../../c0002-czj/2020/budget.md"),
                               "../../c0002-czj", "must be a .md file in the same folder"),
    "unknown key": Case("2020/budget.yaml", replace("^source: synthetic$", "source: synthetic\ncolour: red"), "red",
                        "unknown key 'colour'"),
    "year mismatch": Case("2020/budget.yaml", replace("^year: 2020$", "year: 2021"), "2021", "does not match its folder '2020'"),
    "kind mismatch": Case("2020/final-accounts.yaml", replace("^kind: final_accounts$", "kind: budget"), "budget",
                          "does not match the file name"),
    "alias": Case("2020/budget.yaml", replace("^source: synthetic$", "source: &s synthetic\nsubtitle: *s"), "&s",
                  "anchors and aliases"),
    "tag": Case("2020/budget.yaml", replace("^source: synthetic$", "source: !!python/name:os.system synthetic"), "!!python",
                "is not allowed"),
    "empty file": Case("2020/budget.yaml", lambda file: file.write_bytes(b""), (1, 1), "file is empty"),
    "GBK": Case("2020/budget.yaml", gbk, (3, 9), "looks GBK-encoded"),
    "non-UTF-8 Markdown": Case("2020/budget.md", gbk, (1, 5), "looks GBK-encoded; save it as UTF-8"),  # the first byte that is not UTF-8
    "unit.yaml": Case("unit.yaml", replace("^level: 县$", "level: 镇"), "镇", "(found '镇')"),
}


@pytest.fixture(scope="module")
def portal(tmp_path_factory) -> Path:
    """A pristine synthetic portal of 12 units × 1 year × 3 documents (copied by each case)."""
    root = tmp_path_factory.mktemp("synth")
    synthesize(root, units=12, years=1, seed=11)
    return root / "content"


@pytest.mark.slow
@pytest.mark.parametrize("kind", list(CASES))
def test_one_broken_unit_of_twelve_builds_in_parallel_and_reports_it(portal, tmp_path, kind):
    case = CASES[kind]
    content = tmp_path / "content"
    shutil.copytree(portal, content)
    broken = content / "units" / BROKEN / case.file
    case.edit(broken)
    output = tmp_path / "output"
    result = subprocess.run([sys.executable, "-m", "sitegen", "build", "--content", str(content), "--output", str(output),
                             "--jobs", "2", "--no-cache", "--no-search"], capture_output=True, text=True)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    line, column = case.location(broken)
    assert re.search(f"^{re.escape(str(broken))}:{line}:{column}: .*{re.escape(case.message)}", result.stderr, re.MULTILINE), result.stderr

    pristine = load_portal(portal)
    if case.file == "unit.yaml":
        error_page = urls.unit(BROKEN)
    else:
        year, name = case.file.split("/")
        error_page = urls.document_at(BROKEN, int(year), kind_files()[name.replace(".md", ".yaml")].name)
    html = (output / urls.file_for(error_page)).read_text(encoding="utf-8")
    assert "<title>内容有误" in html and f"units/{BROKEN}/{case.file}:{line}:{column}" in html

    expected = [urls.unit(u.id) for u in pristine.units] + [urls.document(d) for d in pristine.documents()]
    built = [url for url in expected if url != error_page and not url.startswith(error_page)]
    assert len(built) >= 11 * 4
    for url in built:
        page = (output / urls.file_for(url)).read_text(encoding="utf-8")
        assert "<title>内容有误" not in page, url
