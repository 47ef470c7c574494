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
    # ghj heads its tables without 第二部分 and without 普陀区: kept as printed, as a heading
    assert "## 上海市规划和自然资源局2024年度部门决算表" in document(portal, "putuo-ghj").narrative.splitlines()
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


# ---------------------------------------------------------------- XLSX: one sheet per standard table

_XLSX_HEADERS = {
    # id → (header rows, merged ranges as (row, col, last row, last col) within the header)
    "income_expenditure_summary": ([["收入", "", "支出", ""], ["项目", "决算数", "项目", "决算数"]], [(0, 0, 0, 1), (0, 2, 0, 3)]),
    "income": ([["功能分类科目编码", "科目名称", "本年收入合计", "财政拨款收入", "上级补助收入", "事业收入", "经营收入",
                 "附属单位上缴收入", "其他收入"]], []),
    "expenditure": ([["功能分类科目编码", "科目名称", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出",
                      "对附属单位补助支出"]], []),
    "fiscal_income_expenditure_summary": ([["收入", "", "支出", "", "", "", ""],
                                           ["项目", "决算数", "项目", "合计", "一般公共预算财政拨款", "政府性基金预算财政拨款",
                                            "国有资本经营预算财政拨款"]], [(0, 0, 0, 1), (0, 2, 0, 6)]),
    "general_public_expenditure": ([["功能分类科目编码", "科目名称", "合计", "基本支出", "项目支出"]], []),
    "general_public_basic_expenditure": ([["经济分类科目编码", "科目名称", "决算数", "经济分类科目编码", "科目名称", "决算数"]], []),
    "three_public": ([["财政拨款“三公”经费"] + [""] * 11,
                      ["合计", "", "因公出国（境）费", "", "公务用车购置及运行费", "", "", "", "", "", "公务接待费", ""],
                      ["", "", "", "", "小计", "", "公务用车购置费", "", "公务用车运行费", "", "", ""],
                      ["预算数", "决算数"] * 6],
                     [(0, 0, 0, 11), (1, 0, 2, 1), (1, 2, 2, 3), (1, 4, 1, 9), (2, 4, 2, 5), (2, 6, 2, 7), (2, 8, 2, 9), (1, 10, 2, 11)]),
    "government_fund": ([["项目", "", "年初结转和结余", "本年收入", "本年支出", "", "", "年末结转和结余"],
                         ["功能分类科目编码", "科目名称", "", "", "小计", "基本支出", "项目支出", ""]],
                        [(0, 0, 0, 1), (0, 2, 1, 2), (0, 3, 1, 3), (0, 4, 0, 6), (0, 7, 1, 7)]),
}
_XLSX_HEADERS["state_capital"] = _XLSX_HEADERS["government_fund"]


def _workbook(path: Path, reading: str, numbers: bool) -> None:
    """A workbook as an Excel export would be: per sheet a title row, 单位, the header (merged
    cells), the rows as the reading prints them, the notes. ``numbers``: amounts stored as
    numbers formatted 0.00 (else as text)."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "封面"
    book.active.append(["上海市普陀区财政局2024年度部门决算"])
    for table in read(reading):
        sheet = book.create_sheet(table.id[:31])
        title = {"一": "收入支出决算总表", "二": "收入决算表", "三": "支出决算表", "四": "财政拨款收入支出决算总表",
                 "五": "一般公共预算财政拨款支出决算表", "六": "一般公共预算财政拨款基本支出决算表",
                 "七": "财政拨款“三公”经费支出决算表", "八": "政府性基金预算财政拨款收入支出决算表",
                 "九": "国有资本经营预算财政拨款收入支出决算表"}[table.number]
        sheet.append([title])
        sheet.append(["单位：万元"])
        header, merges = _XLSX_HEADERS[table.id]
        for row in header:
            sheet.append(row)
        for r1, c1, r2, c2 in merges:
            sheet.merge_cells(start_row=r1 + 3, start_column=c1 + 1, end_row=r2 + 3, end_column=c2 + 1)
        lines = [line for line in (READINGS_DIR / f"{reading}.txt").read_text(encoding="utf-8").split(f"== {table.number} ", 1)[1]
                 .splitlines()[1:] if not line.startswith("note:")]
        for line in lines:
            if line.startswith("=="):
                break
            fields = [f.strip() for f in line.split(" | ")]
            values = []
            for k, text in enumerate(fields):
                is_amount = bool(text) and text.replace(",", "").replace(".", "").isdigit() and "." in text
                is_code = k in (0, 3) and text.replace(" ", "").isdigit() and table.id != "three_public"
                if is_code:
                    values.append(text.replace(" ", ""))
                elif is_amount and numbers:
                    values.append(float(text.replace(",", "")))
                else:
                    values.append(text or None)
            sheet.append(values)
            if numbers:
                for cell in sheet[sheet.max_row]:
                    if isinstance(cell.value, float):
                        cell.number_format = "#,##0.00"
        for note in table.notes:
            sheet.append([note])
    book.save(path)


READINGS_DIR = Path(__file__).parent / "fixtures" / "readings"


@needs_pdfs
@pytest.mark.parametrize("numbers", [False, True], ids=["text-cells", "number-cells"])
def test_xlsx_workbook_gives_the_same_tables_as_the_pdf(imported, tmp_path, numbers):
    _, _, portal = imported
    root = site(tmp_path)
    source = root / "czj.xlsx"
    _workbook(source, "putuo-czj-2024", numbers)
    result = run_import(root, str(source), "--unit", "putuo-czj", "--year", "2024")
    assert result.exit_code == 0, result.output
    assert "Tables found: 9 of 9, 195 printed amounts" in result.output and "Could not map: nothing." in result.output
    from sitegen.content import load_portal as load
    [doc] = load(root / "content", strict=True).documents()
    pdf_tables = document(portal, "putuo-czj").model.tables
    for want, table, from_pdf in zip(read("putuo-czj-2024"), doc.model.tables, pdf_tables):
        right, total, differences = compare(want, table)
        assert differences == [] and right == total
        assert table.model_copy(update={"pages": []}).rows == from_pdf.rows
        assert [c.key for c in table.columns] == [c.key for c in from_pdf.columns]
    # a float cell keeps the places its format shows: 6.20 stays two places
    income = {t.id: t for t in doc.model.tables}["income"]
    assert str(income.rows_named("合计")[0].cells["other"]) == "6.20"


def test_xlsx_without_a_standard_table_is_refused(tmp_path):
    from openpyxl import Workbook
    root = site(tmp_path)
    book = Workbook()
    book.active.title = "通讯录"
    book.active.append(["姓名", "电话"])
    book.save(root / "contacts.xlsx")
    result = run_import(root, str(root / "contacts.xlsx"), "--unit", "club", "--year", "2024")
    assert result.exit_code == 2 and "no sheet holds one of the nine standard tables" in result.output


def test_a_column_that_maps_to_nothing_is_reported_never_guessed(tmp_path):
    from openpyxl import load_workbook
    root = site(tmp_path)
    source = root / "czj.xlsx"
    _workbook(source, "putuo-czj-2024", numbers=False)
    book = load_workbook(source)
    sheet = book["expenditure"]
    sheet.cell(3, 9, "备注")           # a column the standard 支出决算表 does not have
    sheet.cell(4, 9, "12.00")
    book.save(source)
    result = run_import(root, str(source), "--unit", "putuo-czj", "--year", "2024")
    assert result.exit_code == 1
    assert "error: sheet 'expenditure', 支出决算表: column(s) 备注 match no column of this standard table" in result.output
    assert "Tables found: 8 of 9" in result.output and "Not found: 支出决算表" not in result.output
    written = (root / "content" / "units" / "putuo-czj" / "2024" / "final-accounts.yaml").read_text(encoding="utf-8")
    assert "id: expenditure" not in written and "id: income\n" in written   # left out, the rest kept
