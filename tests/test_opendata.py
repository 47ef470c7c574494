"""Open data of the real content: CSV parses with its figures, XLSX opens, the data package validates."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile

from sitegen import export
from sitegen.render import urls
from sitegen.render.regions import anchor as region_anchor, region_tree, walk


def test_csv_has_bom_columns_and_published_figures(built, portal):
    output, _ = built
    quannan = next(d for d in portal.documents() if d.unit_id == "quannan-zfw")
    raw = (output / export.data_folder(quannan) / "summary.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 12
    assert rows[0]["项目名称"] == "综合治理经费" and rows[0]["全年执行数"] == "31.5"
    assert [r["全年执行数"] for r in rows][3] == "342.67"
    findings = list(csv.DictReader(io.StringIO((output / export.data_folder(quannan) / "findings.csv").read_text("utf-8-sig"))))
    assert any(f["规则"] == "SUM-002" and f["文件所列"] == "1480.41 万元" for f in findings)
    dingxi = next(d for d in portal.documents() if d.kind == "final_accounts")
    figures = list(csv.DictReader(io.StringIO((output / export.data_folder(dingxi) / "figures.csv").read_text("utf-8-sig"))))
    total = next(r for r in figures if r["项目"] == "收、支总计")
    assert total["金额"] == "1058.95"  # printed 1,058.95: no thousands separator in CSV


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
    assert rows[0][:3] == ("序号", "预算单位", "项目名称") and len(rows) == 12


def _packages(output):
    """Each place archive's ``datapackage.json``, by the archive's output-relative path."""
    packages = {}
    for file in sorted((output / "downloads").glob("*.zip")):
        with zipfile.ZipFile(file) as archive:
            packages[file.relative_to(output).as_posix()] = json.loads(archive.read(export.DATAPACKAGE))
    return packages


def test_root_data_package_lists_the_places_archives_and_validates(built, portal):
    """The root ``datapackage.json`` has one resource per place archive (its anchor, its place,
    its size) and none per document; Frictionless validates it and reads each archive as a
    package of the place's CSVs."""
    from frictionless import Package, validate
    output, _ = built
    report = validate(str(output / export.DATAPACKAGE))
    assert report.valid, report.flatten(["type", "note"])[:5]
    index = json.loads((output / export.DATAPACKAGE).read_text(encoding="utf-8"))
    places = _places_with_units(portal)
    assert [(r["name"], r["title"], r["path"]) for r in index["resources"]] == [
        (n.anchor, "".join(n.path), urls.region_archive(n.anchor)) for n in places]
    assert all(r["bytes"] == (output / r["path"]).stat().st_size and r["format"] == "zip" for r in index["resources"])
    assert len((output / export.DATAPACKAGE).read_bytes()) < 400 * len(places)
    csvs = {f"{export.data_folder(d)}{p.name}" for d in portal.documents() for p in (output / export.data_folder(d)).glob("*.csv")}
    read = [r.path for resource in index["resources"] for r in Package(str(output / resource["path"])).resources]
    assert sorted(read) == sorted(csvs) and len(read) >= 6 * 3


def _places_with_units(portal):
    return [node for node in walk(region_tree([(u.model.region, u.id, u) for u in portal.units])) if node.units]


def test_each_place_archive_holds_exactly_the_downloads_of_its_units(built, portal, tmp_path):
    """上海市 › 普陀区 holds its two units' documents; 定西市 (a city-level unit) only 定西's, not
    those of any county of its province; every other file is in no archive. Each holds the
    Table Schema files its package refers to, the same bytes as the output's."""
    from frictionless import validate
    output, _ = built
    places = _places_with_units(portal)
    assert {tuple(n.path): sorted(u.id for u in n.units) for n in places}[("上海市", "普陀区")] == ["putuo-czj", "putuo-ghj"]
    assert sorted(p.name for p in (output / "downloads").glob("*.zip")) == sorted(f"{n.anchor}.zip" for n in places)
    for node in places:
        expected = {p.relative_to(output).as_posix(): p.read_bytes() for unit in node.units for doc in unit.documents
                    for p in (output / export.data_folder(doc)).iterdir() if not p.name.endswith((".gz", ".br"))}
        with zipfile.ZipFile(output / urls.region_archive(node.anchor)) as archive:
            names = archive.namelist()
            assert names == sorted(names) and all(i.date_time == export.FIXED_TIME for i in archive.infolist())
            package = json.loads(archive.read(export.DATAPACKAGE))
            schemas = {r["schema"] for r in package["resources"]}
            assert all(s.startswith(export.SCHEMAS) for s in schemas)
            assert set(names) == set(expected) | {export.DATAPACKAGE} | schemas
            assert all(archive.read(name) == data for name, data in expected.items())
            assert all(archive.read(name) == (output / name).read_bytes() for name in schemas)
            folder = tmp_path / node.anchor
            archive.extractall(folder)
        # Each archive describes its own CSVs, and its data package validates once unpacked.
        assert package["name"] == node.anchor and package["title"].endswith("".join(node.path))
        assert {r["path"] for r in package["resources"]} == {name for name in expected if name.endswith(".csv")}
        report = validate(str(folder / export.DATAPACKAGE))
        assert report.valid, report.flatten(["type", "note"])[:5]


def test_each_table_schema_is_one_file_shared_by_its_tables(built, portal):
    """A CSV's Table Schema is a file under ``data/schemas/`` that every CSV with the same columns
    refers to: the figures tables of the documents in 万元 share one; a standard table printed
    with other headers has its own. The output holds exactly the files the packages refer to,
    each naming the CSV's header columns in order."""
    output, _ = built
    resources = [r for package in _packages(output).values() for r in package["resources"]]
    schemas = {r["schema"] for r in resources}
    on_disk = {p.relative_to(output).as_posix() for p in (output / export.SCHEMAS).glob("*.json")}
    assert on_disk == schemas and len(schemas) < len(resources) / 2
    wanyuan = [d for d in portal.documents() if d.model.money_unit == "万元"]
    figures = {r["schema"] for r in resources if r["path"] in {f"{export.data_folder(d)}figures.csv" for d in wanyuan}}
    assert len(wanyuan) >= 5 and len(figures) == 1
    for resource in resources:
        fields = json.loads((output / resource["schema"]).read_text(encoding="utf-8"))["fields"]
        header = next(csv.reader(io.StringIO((output / resource["path"]).read_text(encoding="utf-8-sig"))))
        assert [f["name"] for f in fields] == header, resource["path"]


def test_place_pages_and_home_link_the_archives(built, portal):
    """The home page's place index links every archive; a place's page its own and those of the
    places below it; a place where no unit is placed (a province here) has none."""
    output, _ = built
    home = (output / "index.html").read_text(encoding="utf-8")
    places = _places_with_units(portal)
    assert len(re.findall(r'href="downloads/[^"]+\.zip"', home)) == len(places)
    assert f'<a href="{export.DATAPACKAGE}">各地区数据包目录（datapackage.json）</a>' in home
    for node in places:
        assert f'href="{urls.region_archive(node.anchor)}" download="{"".join(node.path)}预决算公开数据.zip"' in home
        page = (output / urls.file_for(urls.region(node.anchor))).read_text(encoding="utf-8")
        assert f'<p class="archive"><a href="../../{urls.region_archive(node.anchor)}"' in page
    hebei = (output / urls.file_for(urls.region(region_anchor(("河北省",))))).read_text(encoding="utf-8")
    counties = [node for node in places if node.path[0] == "河北省"]
    assert len(counties) == 3 and '<p class="archive">' not in hebei
    assert sorted(re.findall(r'href="\.\./\.\./(downloads/[^"]+)"', hebei)) == sorted(urls.region_archive(n.anchor) for n in counties)


def test_every_document_page_links_its_downloads(built, portal):
    output, _ = built
    for doc in portal.documents():
        html = (output / urls.file_for(urls.document(doc))).read_text(encoding="utf-8")
        assert "data/document.xlsx" in html and "data/document.json" in html and "data/figures.csv" in html


def test_xlsx_sheet_names_are_made_from_any_title():
    """Excel refuses []:*?/\\ , an apostrophe at either end, more than 31 characters and a name twice."""
    from openpyxl import load_workbook
    titles = ["财政拨款“三公”经费支出决算表javascript:alert(1)", "'[a]/b\\c*?'", "", "同名", "同名", "长" * 40, "长" * 40]
    tables = [export.DataTable(f"t{i}", title, [export.Column("item", "项目")], [["1"]]) for i, title in enumerate(titles)]
    names = load_workbook(io.BytesIO(export.xlsx_bytes(tables)), read_only=True).sheetnames
    assert names == ["财政拨款“三公”经费支出决算表javascript_alert", "_a__b_c__", "表", "同名", "同名（2）",
                     "长" * 31, "长" * 28 + "（2）"]


def _spreadsheets(output, portal):
    """(document, its data folder) of every document."""
    return [(doc, output / export.data_folder(doc)) for doc in portal.documents()]


def _tolerance(n_parts: int):
    from decimal import Decimal
    return Decimal("0.005") * (n_parts + 1)  # the checker's rounding bound (README: 尾差)


def test_every_csv_opens_in_pandas_typed_as_the_data_package_says(built, portal):
    import pandas as pd
    output, _ = built
    numeric = 0
    for resource in [r for package in _packages(output).values() for r in package["resources"]]:
        frame = pd.read_csv(output / resource["path"], encoding="utf-8-sig", dtype_backend="numpy_nullable")
        fields = json.loads((output / resource["schema"]).read_text(encoding="utf-8"))["fields"]
        assert list(frame.columns) == [f["name"] for f in fields]
        for field in fields:
            assert field["description"].startswith("键：")
            column = frame[field["name"]]
            if field["type"] in ("number", "integer") and column.notna().any():
                assert pd.api.types.is_numeric_dtype(column), (resource["path"], field["name"], column.dtype)
                numeric += 1
            if field["name"] in ("金额", "全年执行数"):
                assert "万元" in field["description"]
    assert numeric > 40


def test_parts_add_up_to_their_totals_in_pandas_and_in_excel(built, portal, findings):
    """Sums computed by the spreadsheet equal the document's stated totals wherever the checker
    found them consistent, in the CSV (pandas) and in the XLSX (openpyxl, numbers not text)."""
    from decimal import Decimal

    import pandas as pd
    from openpyxl import load_workbook
    output, _ = built
    checked = 0
    for doc, folder in _spreadsheets(output, portal):
        flagged = {f.dotted_path.rsplit(".", 1)[0] for f in findings[doc.key] if f.rule_id.startswith("SUM")}
        frame = pd.read_csv(folder / "figures.csv", encoding="utf-8-sig")
        sheet = load_workbook(folder / "document.xlsx")["文件所列数字"]
        header = [c.value for c in sheet[1]]
        excel = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
        amount = header.index("金额")
        for _, parent in frame[frame["金额"].notna()].iterrows():
            parts = frame[(frame["上级数据路径"] == parent["数据路径"]) & frame["金额"].notna()]
            if len(parts) < 2 or parent["数据路径"] in flagged:
                continue
            bound = float(_tolerance(len(parts)))
            assert abs(parts["金额"].sum() - parent["金额"]) <= bound, (doc.key, parent["数据路径"])
            cells = [excel[path][amount] for path in parts["数据路径"]]
            assert all(isinstance(c.value, (int, float)) for c in cells)
            assert abs(sum(c.value for c in cells) - excel[parent["数据路径"]][amount].value) <= bound
            checked += 1
        summary = json.loads((folder / "document.json").read_text(encoding="utf-8"))["document"].get("project_summary")
        if summary and summary.get("total", {}).get("executed") and "project_summary.total" not in flagged:
            rows = pd.read_csv(folder / "summary.csv", encoding="utf-8-sig")
            assert abs(Decimal(str(rows["全年执行数"].sum())) - Decimal(summary["total"]["executed"])) \
                <= _tolerance(len(rows)), doc.key
            checked += 1
    assert checked >= 8


def test_excel_numbers_keep_their_published_precision_and_percentages(built, portal):
    from openpyxl import load_workbook
    output, _ = built
    dingxi = next(d for d in portal.documents() if d.kind == "final_accounts")
    sheet = load_workbook(output / export.data_folder(dingxi) / "document.xlsx")["文件所列数字"]
    header = [c.value for c in sheet[1]]
    rows = {row[header.index("项目")].value: row for row in sheet.iter_rows(min_row=2)}
    revenue = rows["财政拨款收入"]
    assert revenue[header.index("金额")].value == 1056.66 and revenue[header.index("金额")].number_format == "#,##0.00"
    share = revenue[header.index("占比")]
    assert share.value == 0.9981 and share.number_format == "0.00%"  # printed 99.81%
    texts = 0
    for row in load_workbook(output / export.data_folder(dingxi) / "document.xlsx").worksheets[0].iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                texts += 1
                assert not re.fullmatch(r"-?[\d,]+(\.\d+)?%?", cell.value), f"a number stored as text: {cell.value}"
    assert texts


def test_a_rebuild_zips_again_only_the_archive_of_the_edited_units_place(tmp_path, monkeypatch):
    """Editing 普陀区财政局's final accounts changes the 普陀区 archive alone: every other one, and
    every Table Schema file, is linked from the build cache (same file, same inode), not made
    again; the root package changes only in that archive's size."""
    import shutil

    from sitegen.builder import build_portal
    from .conftest import CONTENT
    content, output, cache = tmp_path / "content", tmp_path / "output", tmp_path / "cache"
    shutil.copytree(CONTENT, content)
    build_portal(content, output, search=False, cache=cache)
    before = {p.name: (p.read_bytes(), p.stat().st_ino) for p in (output / "downloads").glob("*.zip")}
    schemas = {p.name: p.stat().st_ino for p in (output / export.SCHEMAS).iterdir()}
    index = json.loads((output / export.DATAPACKAGE).read_text(encoding="utf-8"))
    putuo = f"{region_anchor(('上海市', '普陀区'))}.zip"
    referred = {r["schema"] for package in _packages(output).values() for r in package["resources"]}
    assert putuo in before and len(before) == 6 and len(schemas) == 3 * len(referred)  # each with its .gz and .br

    made: list[str] = []
    make = export.PlaceArchive.make
    monkeypatch.setattr(export.PlaceArchive, "make", lambda self, root: made.append(self.relative) or make(self, root))
    edited = content / "units/putuo-czj/2024/final-accounts.yaml"
    text = edited.read_text(encoding="utf-8")
    assert 'amount: "2995.39"' in text
    edited.write_text(text.replace('amount: "2995.39"', 'amount: "2995.38"', 1), encoding="utf-8")
    build_portal(content, output, search=False, cache=cache)
    after = {p.name: (p.read_bytes(), p.stat().st_ino) for p in (output / "downloads").glob("*.zip")}

    assert made == [f"downloads/{putuo}"]
    assert {name for name in before if after[name] != before[name]} == {putuo}
    assert {p.name: p.stat().st_ino for p in (output / export.SCHEMAS).iterdir()} == schemas
    again = json.loads((output / export.DATAPACKAGE).read_text(encoding="utf-8"))
    assert [r for r in again["resources"] if r not in index["resources"]] == [
        r | {"bytes": len(after[putuo][0])} for r in index["resources"] if r["path"] == f"downloads/{putuo}"]
    with zipfile.ZipFile(output / "downloads" / putuo) as archive:
        data = json.loads(archive.read("units/putuo-czj/2024/final-accounts/data/document.json"))
    assert data["document"]["figures"][0]["amount"] == "2995.38"
    # Built again from the same content, the archive is the same bytes (fixed timestamps, sorted members).
    build_portal(content, output, search=False, cache=tmp_path / "another-cache")
    assert {p.name: p.read_bytes() for p in (output / "downloads").glob("*.zip")} == {n: b for n, (b, _) in after.items()}


def test_a_synthetic_portals_packages_stay_flat_and_only_the_edited_place_is_made_again(tmp_path, monkeypatch):
    """A synthetic portal of two places (18 units: 16 in the first county, 2 in the second):
    each document keeps only the names of its CSVs and of their schema files (no Table Schema of
    its own), the 54 documents' CSVs share 7 schema files, the packages validate, and a rebuild
    after editing a document of the second county makes that county's package and archive again
    and nothing else of the open data."""
    import pickle

    from frictionless import Package, validate
    from sitegen.builder import build_portal
    from sitegen.cache import BuildCache
    from sitegen.synth import synthesize
    from sitegen.unitbuild import DocumentEntry
    synthesize(tmp_path / "site", units=18, years=1, seed=3)
    content, output, cache = tmp_path / "site" / "content", tmp_path / "output", tmp_path / "cache"
    build_portal(content, output, search=False, cache=cache, workers=1)

    entries = [e for e in map(BuildCache(cache).get, (p.stem for p in (cache / "entries").glob("*.pickle")))
               if isinstance(e, DocumentEntry)]
    assert len(entries) == 54
    for entry in entries:
        assert all(isinstance(r, export.TableResource) and r.schema.startswith(export.SCHEMAS) for r in entry.resources)
        assert len(pickle.dumps(entry.resources)) < 160 * len(entry.resources)  # names only, whatever the columns
    schemas = sorted(p.name for p in (output / export.SCHEMAS).glob("*.json"))
    assert len(schemas) == 7 and len(schemas) == len({r.schema for e in entries for r in e.resources})

    report = validate(str(output / export.DATAPACKAGE))
    assert report.valid, report.flatten(["type", "note"])[:5]
    index = json.loads((output / export.DATAPACKAGE).read_text(encoding="utf-8"))
    titles = {r["title"]: r["path"] for r in index["resources"]}
    assert sorted(titles) == ["江西省第1市第2县", "河北省第1市第1县"]
    second = titles["江西省第1市第2县"]
    assert {r.path.split("/")[1] for r in Package(str(output / second)).resources} == {"c0002-czj", "c0002-zfw"}
    before = {p.name: p.stat().st_ino for p in (output / "downloads").iterdir()}
    schema_inodes = {p.name: p.stat().st_ino for p in (output / export.SCHEMAS).iterdir()}

    made: list[str] = []
    package = export.PlaceArchive.package
    monkeypatch.setattr(export.PlaceArchive, "package", lambda self: made.append(self.relative) or package(self))
    edited = content / "units" / "c0002-czj" / "2020" / "budget.yaml"
    text = edited.read_text(encoding="utf-8")
    match = re.search(r"amount: (\d+)\.(\d\d)", text)
    amount = f"{match.group(1)}.{(int(match.group(2)) + 1) % 100:02d}"
    edited.write_text(text[: match.start()] + f"amount: {amount}" + text[match.end():], encoding="utf-8")
    build_portal(content, output, search=False, cache=cache, workers=1)
    assert made == [second]
    after = {p.name: p.stat().st_ino for p in (output / "downloads").iterdir()}
    assert [name for name in before if after[name] != before[name]] == [second.split("/")[1]]
    assert {p.name: p.stat().st_ino for p in (output / export.SCHEMAS).iterdir()} == schema_inodes
    with zipfile.ZipFile(output / second) as archive:
        data = json.loads(archive.read("units/c0002-czj/2020/budget/data/document.json"))
    assert data["document"]["figures"][0]["amount"] == amount
