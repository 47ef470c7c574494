"""``sitegen import``: the two Shanghai PDFs against a careful reading, XLSX, page breaks, empty
tables, and files that are not disclosures."""
from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.content import load_portal

from .readings import compare, read

REAL = Path(__file__).resolve().parents[1].parent.parent / "shared" / "real-pdf"
REAL = REAL if REAL.is_dir() else Path("/work/shared/real-pdf")
PDFS = {"putuo-czj": "putuo-czj-2024-final-accounts.pdf", "putuo-ghj": "putuo-ghj-2024-final-accounts.pdf"}
SITE = "title: 测试门户\n"

needs_pdfs = pytest.mark.skipif(not REAL.is_dir(), reason="the real PDFs (shared/real-pdf) are not on this machine")


def site(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "site.yaml").write_text(SITE, encoding="utf-8")
    return tmp_path


def run_import(root: Path, *args: str):
    """``sitegen import ARGS`` run in the site folder ``root``."""
    here = os.getcwd()
    os.chdir(root)
    try:
        return CliRunner().invoke(main, ["import", *args])
    finally:
        os.chdir(here)


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Both PDFs imported into one site folder with the CLI, as an editor would."""
    root = site(tmp_path_factory.mktemp("import"))
    results = {}
    for unit, pdf in PDFS.items():
        results[unit] = run_import(root, str(REAL / pdf), "--unit", unit, "--year", "2024")
    return root, results, load_portal(root / "content", strict=True)


def document(portal, unit):
    [doc] = [d for d in portal.documents() if d.unit_id == unit]
    return doc


@needs_pdfs
@pytest.mark.parametrize("unit", list(PDFS))
def test_every_table_and_every_printed_cell_as_read(imported, unit):
    root, results, portal = imported
    assert results[unit].exit_code == 0, results[unit].output
    doc = document(portal, unit)
    expected = read(f"{unit}-2024")
    assert [t.id for t in doc.model.tables] == [t.id for t in expected]
    right = total = 0
    differences = []
    for want, table in zip(expected, doc.model.tables):
        assert table.number == want.number
        r, t, d = compare(want, table)
        right, total, differences = right + r, total + t, differences + d
    assert differences == []
    assert right == total and total > 400   # every printed label, code and amount, and every blank cell


@needs_pdfs
def test_report_names_tables_cells_and_the_identities_that_fail(imported):
    _, results, _ = imported
    czj = results["putuo-czj"].output
    assert "Tables found: 9 of 9, 195 printed amounts" in czj
    assert "Could not map: nothing." in czj
    # standard-tables.md §11: czj's 0.01 rounding in 二/三/五 合计 and 六 301/302, and nothing else internal
    assert "收入决算表: 合计 [total] = Σ 类: printed 2946.25, parts sum to 2946.26 (difference -0.01)" in czj
    assert "一般公共预算财政拨款基本支出决算表: 302 商品和服务支出 = Σ 款: printed 171.07, parts sum to 171.09 (difference -0.02)" in czj
    assert "Identities that fail (8)" in czj
    ghj = results["putuo-ghj"].output
    assert "Tables found: 9 of 9, 308 printed amounts" in ghj
    assert "一般公共预算财政拨款支出决算表: 212 城乡社区支出 [total] = basic + project: printed 3832.36, parts sum to 3832.35" in ghj
    assert "Identities that fail (6)" in ghj


@needs_pdfs
def test_new_units_named_and_placed_as_printed_and_the_site_builds(imported, tmp_path):
    root, _, portal = imported
    units = {unit.id: unit.model for unit in portal.units}
    assert units["putuo-czj"].name == "上海市普陀区财政局"
    assert units["putuo-ghj"].name == "上海市普陀区规划和自然资源局"
    assert (units["putuo-czj"].region.province, units["putuo-czj"].region.city) == ("上海市", "普陀区")
    doc = document(portal, "putuo-czj")
    assert doc.model.title == "上海市普陀区财政局2024年度部门决算" and doc.model.source == PDFS["putuo-czj"]
    narrative = doc.narrative
    for heading in ("## 目录", "- 第二部分 上海市普陀区财政局2024年度部门决算表", "  - 七、财政拨款“三公”经费支出决算表",
                    "## 第二部分 上海市普陀区财政局2024年度部门决算表", "（见表：收入支出决算总表）",
                    "### 四、财政拨款收入支出决算总体情况说明", "#### （三）一般公共预算财政拨款支出决算具体情况", "## 第四部分 名词解释"):
        assert heading in narrative.splitlines(), heading
    assert "上海市普陀区财政局2024年度财政拨款收入支出总计0.3万元。" in narrative   # the published mistake, kept
    result = CliRunner().invoke(main, ["build", "--content", str(root / "content"), "--output", str(tmp_path / "out"), "--no-search"])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "units" / "putuo-czj" / "2024" / "final-accounts" / "index.html").read_text(encoding="utf-8")
    assert page.count('<table class="data standard">') == 9


@needs_pdfs
def test_a_table_continued_over_pages_without_a_header(imported):
    _, _, portal = imported
    tables = {t.id: t for t in document(portal, "putuo-czj").model.tables}
    summary = tables["income_expenditure_summary"]
    assert summary.pages == [6, 7]
    # p.7 prints the last three lines with no header; they join the lines of p.6
    assert [(r.side, r.line, r.name) for r in summary.rows[-2:]] == [("income", 30, "总计"), ("expenditure", 30, "总计")]
    assert summary.rows_named("年初结转和结余", "income")[0].cells == {"income": Decimal("49.14")}
    basic = tables["general_public_basic_expenditure"]
    assert basic.pages == [16, 17]          # p.17 starts with an empty printed row: left out, not a row
    assert basic.row_by_code("30305").line == basic.row_by_code("30304").line + 1
    assert tables["fiscal_income_expenditure_summary"].pages == [12, 13, 14]   # p.14: an empty grid, no rows


@needs_pdfs
def test_an_empty_table_keeps_its_row_and_its_note(imported):
    _, _, portal = imported
    czj = {t.id: t for t in document(portal, "putuo-czj").model.tables}["state_capital"]
    assert czj.empty and [r.name for r in czj.rows] == ["合计"]
    assert czj.notes == ["注：上海市普陀区财政局无国有资本经营预算财政拨款支出，故本表无数据。"]
    assert czj.column("exp_total").header == ["本年支出", "小计"]      # czj prints 小计, not 合计
    ghj = {t.id: t for t in document(portal, "putuo-ghj").model.tables}["state_capital"]
    assert ghj.empty and ghj.column("exp_total").header == ["本年支出", "合计"] and len(ghj.notes) == 2


@needs_pdfs
def test_blank_and_zero_stay_different(imported):
    _, _, portal = imported
    czj = {t.id: t for t in document(portal, "putuo-czj").model.tables}
    ghj = {t.id: t for t in document(portal, "putuo-ghj").model.tables}
    assert "project" not in czj["expenditure"].row_by_code("208").cells          # czj leaves it blank
    assert str(ghj["expenditure"].row_by_code("208").cells["project"]) == "0.00"  # ghj prints 0.00


def test_the_template_is_refused(tmp_path):
    if not REAL.is_dir():
        pytest.skip("no real PDFs")
    root = site(tmp_path)
    result = run_import(root, str(REAL / "putuo-template-final-accounts.pdf"), "--unit", "template", "--year", "2024")
    assert result.exit_code == 2
    assert "'上海市XX局', a template placeholder" in result.output and "nothing was written" in result.output
    assert not (root / "content" / "units").exists()


def _minimal_pdf(text: str) -> bytes:
    """A one-page PDF printing ``text`` (ASCII) in Helvetica, offsets computed."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.mark.parametrize("content, message", [
    (_minimal_pdf("Quarterly newsletter of the tennis club"), "none of the nine standard tables"),
    (_minimal_pdf(""), "no page has a text layer (a scan?)"),
    (b"<html>not a pdf</html>", "not a readable PDF"),
])
def test_a_file_that_is_not_a_disclosure_is_a_clear_error(tmp_path, content, message):
    root = site(tmp_path)
    source = root / "newsletter.pdf"
    source.write_bytes(content)
    result = run_import(root, str(source), "--unit", "club", "--year", "2024")
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (root / "content" / "units").exists()


def test_refusals_write_nothing(tmp_path):
    root = site(tmp_path)
    source = root / "x.pdf"
    source.write_bytes(_minimal_pdf("hello"))
    result = run_import(root, str(source), "--unit", "Bad_Id", "--year", "2024")
    assert result.exit_code == 2 and "is not a slug" in result.output
    (root / "content" / "site.yaml").unlink()
    result = run_import(root, str(source), "--unit", "club", "--year", "2024")
    assert result.exit_code == 2 and "site.yaml not found" in result.output
