"""Robustness: random documents and mutations never crash the loader or the checker;
a build killed midway leaves the previous output intact."""
from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sitegen.check import check_document
from sitegen.content import ContentErrors, load_portal

from .conftest import CONTENT, SITE, UNIT, kill_when_marked

numbers = st.one_of(
    st.decimals(min_value=-10**6, max_value=10**7, places=2, allow_nan=False, allow_infinity=False).map(str),
    st.integers(min_value=-5, max_value=200).map(str), st.sampled_from(["0", "0.00", "100", "-0.01"]),
)
percents = st.one_of(numbers.map(lambda n: n + "%"), st.sampled_from(["100%", "0%", "55.97%"]))
texts = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=12)


def figure(depth: int):
    base = st.fixed_dictionaries({"label": texts.filter(str.strip)}, optional={
        "amount": numbers, "initial": numbers, "adjusted": numbers, "previous": numbers, "change": numbers,
        "growth": percents, "share": percents, "completion": percents, "execution_rate": percents})
    if depth == 0:
        return base
    return st.builds(lambda f, parts: {**f, "parts": parts}, base, st.lists(figure(depth - 1), max_size=3))


indicator = st.fixed_dictionaries({}, optional={
    "level1": st.sampled_from(["产出指标", "效益指标", "满意度指标"]), "name": texts, "target": texts, "actual": texts,
    "weight": numbers, "score": numbers, "item_score": numbers})
funding_row = st.fixed_dictionaries({"label": st.just("年度资金总额"), "key": st.sampled_from(["total", "fiscal", "other"])}, optional={
    "initial": numbers, "adjusted": numbers, "received": numbers, "executed": numbers, "weight": numbers,
    "execution_rate": percents, "score": numbers})
project = st.fixed_dictionaries({"slug": st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True), "name": st.just("项目")}, optional={
    "funding": st.lists(funding_row, max_size=3), "indicators": st.lists(indicator, max_size=6),
    "total_score": numbers, "total_weight": numbers, "grade": st.sampled_from(["优", "良", "中", "差", "良好"]),
    "execution_weight": numbers, "group_weights": st.dictionaries(st.sampled_from(["产出指标", "效益指标"]), numbers, max_size=2)})
summary_row = st.fixed_dictionaries({"name": st.just("项目")}, optional={
    "adjusted": numbers, "executed": numbers, "score": numbers, "grade": st.sampled_from(["优", "差"])})
document = st.fixed_dictionaries({
    "kind": st.just("self_evaluation"), "year": st.just("2023"), "title": st.just("测试"), "source": st.just("t"),
}, optional={
    "figures": st.lists(figure(2), max_size=3), "projects": st.lists(project, max_size=2, unique_by=lambda p: p["slug"]),
    "project_summary": st.fixed_dictionaries({"title": st.just("汇总"), "rows": st.lists(summary_row, max_size=4)}, optional={
        "total": st.fixed_dictionaries({}, optional={"adjusted": numbers, "executed": numbers, "coverage": percents,
                                                      "evaluated_count": st.just("2"), "project_count": st.just("2")})}),
})


def load_text(text: str):
    """Load a one-document portal whose self-evaluation is ``text``; return documents or errors."""
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp)
        (content / "units" / "demo" / "2023").mkdir(parents=True)
        (content / "site.yaml").write_text(SITE, encoding="utf-8")
        (content / "units" / "demo" / "unit.yaml").write_text(UNIT, encoding="utf-8")
        (content / "units" / "demo" / "2023" / "self-evaluation.yaml").write_text(text, encoding="utf-8")
        try:
            portal = load_portal(content, strict=True)
        except ContentErrors as exc:
            for error in exc.errors:
                assert error.line >= 1 and error.column >= 1 and error.message
            return None
        return [check_document(doc, portal.site.suppress) for doc in portal.documents()]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document)
def test_random_documents_load_and_check_without_crashing(doc):
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    result = load_text(text)
    if result is not None:
        for findings in result:
            for finding in findings:
                assert finding.line >= 1 and finding.rule_id


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document, st.lists(st.tuples(st.integers(min_value=0, max_value=10**6), st.sampled_from(
    ["", ":", "- ", "\t", "  ", "&a ", "*a", "!x ", "{", "[", "'", '"', "#", "\n", "？", "％", "1,0", "<<: ", "...", "---"])),
    min_size=1, max_size=4))
def test_mutated_documents_give_located_errors_or_load(doc, mutations):
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)
    for position, insert in mutations:
        position %= len(text) + 1
        text = text[:position] + insert + text[position + (1 if insert == "" else 0):]
    load_text(text)


KILL_SCRIPT = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import sitegen.builder as build
    marker = Path(sys.argv[3])
    real, count = build.BuildCache.link, [0]
    def slow_link(*args):
        real(*args)
        count[0] += 1
        if count[0] == 5:  # among the portal-wide pages
            marker.write_text("midway")
            time.sleep(600)
    build.BuildCache.link = slow_link
    build.build_portal(Path(sys.argv[1]), Path(sys.argv[2]), search=False)
""")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_killed_build_leaves_previous_output_intact(tmp_path):
    from sitegen.builder import build_portal
    output = tmp_path / "output"
    build_portal(CONTENT, output, search=False)
    before = snapshot(output)
    marker = tmp_path / "midway"
    process = subprocess.Popen([sys.executable, "-c", KILL_SCRIPT, str(CONTENT), str(output), str(marker)])
    kill_when_marked(process, marker, "the build never got midway")
    assert snapshot(output) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output-build-")] != []  # the half-written staging folder
    build_portal(CONTENT, output, search=False)  # the next build clears it away
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".output")) == [".output-folders.json", ".output-lock"]
    assert snapshot(output) == before


def test_failed_build_keeps_previous_output(tmp_path, monkeypatch):
    import sitegen.builder as build
    from sitegen.search import SearchIndexError
    output = tmp_path / "output"
    build.build_portal(CONTENT, output, search=False)
    before = snapshot(output)

    def broken_index(site, *args, **kwargs):
        raise SearchIndexError("pagefind failed")
    monkeypatch.setattr(build, "build_index", broken_index)
    with pytest.raises(SearchIndexError):
        build.build_portal(CONTENT, output, search=True)
    assert snapshot(output) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [".output-folders.json", ".output-lock", "output"]
