"""Standard tables on the document page, in its charts and in its open data (real content:
putuo-czj and putuo-ghj, imported from the Shanghai PDFs)."""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from decimal import Decimal

from sitegen.check import Finding
from sitegen.render import urls
from sitegen.render.regions import anchor as region_anchor
from sitegen.render.views import Marks, header_rows, standard_table_view


def doc_of(portal, unit_id):
    [doc] = [d for d in portal.documents() if d.unit_id == unit_id]
    return doc


def page(built, doc) -> str:
    output, _ = built
    return (output / urls.file_for(urls.document(doc))).read_text(encoding="utf-8")


def test_all_nine_tables_as_printed(built, portal):
    for unit in ("putuo-czj", "putuo-ghj"):
        html = page(built, doc_of(portal, unit))
        assert html.count('<table class="data standard">') == 9
        for number, title in (("一", "收入支出决算总表"), ("六", "一般公共预算财政拨款基本支出决算表"), ("九", "国有资本经营预算财政拨款收入支出决算表")):
            assert f"<caption>{number}、{title}（单位：万元）</caption>" in html
    html = page(built, doc_of(portal, "putuo-czj"))
    income = html.split('id="table-income"')[1].split("</table>")[0]
    # codes joined, names indented by level (款 level-1, 项 level-2), amounts right-aligned, blank cells blank
    assert re.search(r'<tr class="level-2">\s*<td class="">2010601</td>\s*<td class="">行政运行</td>\s*'
                     r'<td class="num">1,511.90</td>\s*<td class="num">1,511.89</td>\s*(<td class="num"></td>\s*){4}<td class="num">0.01</td>', income)
    assert '<tr class="level-1">' in income
    # the empty table keeps its 合计 row and its note
    assert "注：上海市普陀区财政局无国有资本经营预算财政拨款支出，故本表无数据。" in html
    ghj = page(built, doc_of(portal, "putuo-ghj"))
    assert '<td class="num">0.00</td>' in ghj.split('id="table-expenditure"')[1].split("</table>")[0]   # printed 0.00 stays


def test_three_public_header_as_the_official_table():
    paths = [["合计", "预算数"], ["合计", "决算数"], ["公务用车购置及运行维护费", "小计", "预算数"],
             ["公务用车购置及运行维护费", "小计", "决算数"], ["公务用车购置及运行维护费", "公务用车购置费", "预算数"]]
    rows = header_rows(paths, [True] * len(paths))
    assert [(h.text, h.colspan, h.rowspan) for h in rows[0]] == [("合计", 2, 2), ("公务用车购置及运行维护费", 3, 1)]
    assert [(h.text, h.colspan, h.rowspan) for h in rows[1]] == [("小计", 2, 1), ("公务用车购置费", 1, 1)]
    assert [h.text for h in rows[2]] == ["预算数", "决算数", "预算数", "决算数", "预算数"]


def test_a_finding_on_a_cell_marks_that_cell(portal):
    doc = doc_of(portal, "putuo-czj")
    i = [t.id for t in doc.model.tables].index("income")
    finding = Finding("SUM-001", "notice", doc.unit_id, doc.year, doc.kind, ("tables", i, "rows", 0, "total"), doc.file, 1, 1,
                      "2946.25", "2946.26", "-0.01", "合计 ≠ Σ 类")
    view = standard_table_view(doc.model.tables[i], i, Marks([finding]))
    marked = [(r, c) for r, row in enumerate(view.rows) for c, cell in enumerate(row.cells) if cell.marks]
    assert marked == [(0, 2)] and view.rows[0].cells[2].text == "2,946.25" and view.rows[0].cells[2].severity == "notice"


def test_charts_read_from_the_tables(built, portal):
    html = page(built, doc_of(portal, "putuo-ghj"))
    for title in ("支出决算表：按功能分类（类，万元）", "基本支出与项目支出：按功能分类（类，万元）", "“三公”经费预算与决算（万元）"):
        assert f"<figcaption>{title}" in html or f">{title}<" in html, title
    # the data table beside the chart: 城乡社区支出 基本 1,585.59 and 项目 2,259.65 as printed in 三
    assert re.search(r"城乡社区支出</t[hd]>\s*<td[^>]*>1,585.59</td>\s*<td[^>]*>2,259.65</td>", html)


def test_each_table_as_csv_xlsx_and_json(built, portal):
    output, _ = built
    doc = doc_of(portal, "putuo-czj")
    folder = (output / urls.file_for(urls.document(doc))).parent / "data"
    rows = list(csv.reader(io.StringIO((folder / "table-expenditure.csv").read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["科目编码", "项目", "本年支出合计", "基本支出", "项目支出", "上缴上级支出", "经营支出", "对附属单位补助支出"]
    assert rows[1] == ["", "合计", "2940.05", "2336.91", "603.14", "", "", ""]
    assert ["2010602", "一般行政管理事务", "10.00", "", "10.00", "", "", ""] in rows
    summary = list(csv.reader(io.StringIO((folder / "table-income-expenditure-summary.csv").read_text(encoding="utf-8-sig"))))
    assert summary[0][:4] == ["栏", "行次", "科目编码", "项目"] and ["income", "29", "", "年初结转和结余", "49.14", ""] in summary
    with zipfile.ZipFile(output / urls.region_archive(region_anchor(("上海市", "普陀区")))) as archive:
        package = json.loads(archive.read("datapackage.json"))
    resource = next(r for r in package["resources"] if r["path"].endswith(f"{urls.document(doc)}data/table-expenditure.csv"))
    fields = json.loads((output / resource["schema"]).read_text(encoding="utf-8"))["fields"]
    assert [f["description"].split("；")[0] for f in fields][:3] == ["键：code", "键：name", "键：total"]
    data = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    tables = data["document"]["tables"]
    assert len(tables) == 9 and tables[8]["notes"] == ["注：上海市普陀区财政局无国有资本经营预算财政拨款支出，故本表无数据。"]
    from openpyxl import load_workbook
    book = load_workbook(folder / "document.xlsx", read_only=True)
    assert "一般公共预算财政拨款基本支出决算表" in book.sheetnames


def test_key_figures_fall_back_to_the_tables(portal):
    from sitegen.render.keyfigures import key_figures
    ghj = key_figures(doc_of(portal, "putuo-ghj"))
    assert ghj.three_public.value == Decimal("0.39") and ghj.three_public.path[0] == "tables"   # 七 合计 决算数
    assert key_figures(doc_of(portal, "putuo-czj")).three_public is None                       # czj prints it blank


def test_slim_documents_keep_what_key_figures_read_of_the_tables(portal):
    from sitegen.render.keyfigures import key_figures
    from sitegen.render.slim import slim_document
    for unit in ("putuo-czj", "putuo-ghj"):
        doc = doc_of(portal, unit)
        slim = slim_document(doc)
        assert key_figures(slim) == key_figures(doc)
        assert [t.id for t in slim.model.tables] == [t.id for t in doc.model.tables]   # data paths unchanged
        assert sum(len(t.rows) for t in slim.model.tables) < sum(len(t.rows) for t in doc.model.tables) / 2
