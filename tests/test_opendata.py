"""Open data of the real content: CSV parses with its figures, XLSX opens, the data package validates."""
from __future__ import annotations

import csv
import io
import json
import zipfile

from sitegen import export
from sitegen.render import urls


def test_csv_has_bom_columns_and_published_figures(built, portal):
    output, _ = built
    quannan = next(d for d in portal.documents() if d.unit_id == "quannan-zfw")
    raw = (output / export.data_folder(quannan) / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 12
    assert rows[0]["name"] == "综合治理经费" and rows[0]["executed"] == "31.5"
    assert [r["executed"] for r in rows][3] == "342.67"
    findings = list(csv.DictReader(io.StringIO((output / export.data_folder(quannan) / "findings.csv").read_text("utf-8-sig"))))
    assert any(f["rule"] == "SUM-002" and f["declared"] == "1480.41 万元" for f in findings)


def test_json_has_model_and_findings(built, portal):
    output, _ = built
    doc = next(d for d in portal.documents() if d.unit_id == "laoting-zfw")
    data = json.loads((output / export.data_folder(doc) / "document.json").read_text(encoding="utf-8"))
    assert data["document"]["figures"][0]["amount"] == "939.10"
    assert data["document"]["figures"][0]["execution_rate"] == "55.97%"
    # The table's faults found by the auditor rules (issue 18) and the doubled words (TABLE-017).
    assert {f["rule"] for f in data["findings"]} == {"TARGET-002", "TARGET-005", "TARGET-006", "TARGET-007", "COPY-004",
                                                    "COMPLETE-003", "TABLE-017"}
    assert [f["declared"] for f in data["findings"] if f["rule"] == "TABLE-017"] == ["维护维护", "意见意见"]
    assert all(f["unit"] == "laoting-zfw" and f["line"] > 1 for f in data["findings"])


def test_xlsx_opens_with_openpyxl(built, portal):
    from openpyxl import load_workbook
    output, _ = built
    doc = next(d for d in portal.documents() if d.unit_id == "dachang-zfw")
    book = load_workbook(output / export.data_folder(doc) / "document.xlsx", read_only=True)
    assert "项目自评汇总表" in book.sheetnames
    sheet = book["项目自评汇总表"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("no", "unit", "name") and len(rows) == 12


def test_data_package_validates_and_archive_holds_it(built, portal):
    from frictionless import validate
    output, _ = built
    report = validate(str(output / export.DATAPACKAGE))
    assert report.valid, report.flatten(["type", "note"])[:5]
    package = json.loads((output / export.DATAPACKAGE).read_text(encoding="utf-8"))
    with zipfile.ZipFile(output / export.ARCHIVE) as archive:
        names = set(archive.namelist())
    assert export.DATAPACKAGE in names and {r["path"] for r in package["resources"]} <= names
    assert len(package["resources"]) >= 6 * 3


def test_every_document_page_links_its_downloads(built, portal):
    output, _ = built
    for doc in portal.documents():
        html = (output / urls.file_for(urls.document(doc))).read_text(encoding="utf-8")
        assert "data/document.xlsx" in html and "data/document.json" in html and "data/figures.csv" in html


def test_xlsx_sheet_names_are_made_from_any_title():
    """Excel refuses []:*?/\\ , an apostrophe at either end, more than 31 characters and a name twice."""
    from openpyxl import load_workbook
    titles = ["财政拨款“三公”经费支出决算表javascript:alert(1)", "'[a]/b\\c*?'", "", "同名", "同名", "长" * 40, "长" * 40]
    tables = [export.DataTable(f"t{i}", title, ["项目"], [["1"]]) for i, title in enumerate(titles)]
    names = load_workbook(io.BytesIO(export.xlsx_bytes(tables)), read_only=True).sheetnames
    assert names == ["财政拨款“三公”经费支出决算表javascript_alert", "_a__b_c__", "表", "同名", "同名（2）",
                     "长" * 31, "长" * 28 + "（2）"]
