"""Standard tables in the content model: cells as printed, located errors."""
import json
from decimal import Decimal

import pytest
from click.testing import CliRunner

from sitegen.cli import main
from sitegen.content import ContentErrors, load_portal
from sitegen.model import Budget, StandardTable, TableRow

from .conftest import write_portal

FINAL = """\
kind: final_accounts
year: 2024
title: 测试局2024年度部门决算
source: test.pdf
tables:
  - id: expenditure
    title: 支出决算表
    number: 三
    pages: [10, 11]
    columns:
      - {key: total, header: [本年支出合计]}
      - {key: basic, header: [基本支出]}
      - {key: project, header: [项目支出]}
    rows:
      - {name: 合计, total: "9759.38", basic: "5377.64", project: "4381.74"}
      - {code: "208", name: 社会保障和就业支出, total: "754.75", basic: "754.75", project: "0.00"}
      - {code: "20805", name: 行政事业单位养老支出, total: 754.75, basic: 754.75}
      - {code: "2080505", name: 机关事业单位基本养老保险缴费支出, total: 754.75, basic: 754.75}
    notes: [注：本表反映部门本年度各项支出情况。]
"""


def load(tmp_path, text: str, file: str = "2024/final-accounts.yaml"):
    return load_portal(write_portal(tmp_path, {file: text}), strict=True).documents()[0]


def errors_of(tmp_path, text: str) -> list[str]:
    with pytest.raises(ContentErrors) as exc:
        load(tmp_path, text)
    return [str(e) for e in exc.value.errors]


def test_cells_kept_as_printed_blank_absent_zero_present(tmp_path):
    doc = load(tmp_path, FINAL)
    [table] = doc.model.tables
    assert table.title == "支出决算表" and table.number == "三" and table.pages == [10, 11]
    total, cls, kuan, xiang = table.rows
    assert total.code is None and total.level is None and total.cells["total"] == Decimal("9759.38")
    assert str(cls.cells["project"]) == "0.00"  # a printed 0.00 keeps its two places
    assert "project" not in kuan.cells          # a blank cell is absent
    assert [cls.level, kuan.level, xiang.level] == ["类", "款", "项"]
    assert table.row_by_code("20805") is kuan and table.rows_named("合计") == [total]
    assert table.column("basic").header == ["基本支出"] and table.column("nope") is None
    assert not table.empty and table.notes == ["注：本表反映部门本年度各项支出情况。"]
    # the cell's data path locates its printed value in the YAML
    assert doc.locate(("tables", 0, "rows", 1, "project")) == (16, 83)


def test_unknown_cell_key_names_the_declared_columns(tmp_path):
    [error] = errors_of(tmp_path, FINAL.replace('project: "0.00"', 'projct: "0.00"'))
    assert ":16:82: unknown key 'projct' in a table row" in error
    assert "declared column key (total, basic, project)" in error and "tables[0].rows[1].projct" in error


def test_bad_cell_code_and_column_errors_are_located(tmp_path):
    [error] = errors_of(tmp_path, FINAL.replace('total: "754.75", basic: "754.75", project', 'total: "754.75万元", basic: "754.75", project'))
    assert ":16:47: '754.75万元' is not an amount — remove the unit '万元'" in error and error.endswith("at tables[0].rows[1].total")
    [error] = errors_of(tmp_path, FINAL.replace('code: "20805"', 'code: "2080"'))
    assert ":17:16: '2080' is not a classification code — expected 3, 5 or 7 digits" in error and error.endswith("at tables[0].rows[2].code")
    errors = errors_of(tmp_path, FINAL.replace("{key: basic,", "{key: total,"))
    assert any("column key(s) total declared twice" in e for e in errors)
    assert any("unknown key 'basic' in a table row" in e for e in errors)
    [error] = errors_of(tmp_path, FINAL.replace("id: expenditure", "id: spending"))
    assert ":6:9: Input should be" in error and "(found 'spending') at tables[0].id" in error


def test_empty_table_with_its_note_and_budget_tables():
    table = StandardTable(id="state_capital", title="国有资本经营预算财政拨款收入支出决算表",
                          columns=[{"key": "revenue", "header": ["本年收入"]}], rows=[TableRow(name="合计")],
                          notes=["注：本单位无国有资本经营预算财政拨款支出，故本表无数据。"])
    assert table.empty
    budget = Budget(kind="budget", year=2024, title="部门预算", source="x",
                    tables=[{"id": "budget_three_public", "title": "“三公”经费支出表",
                             "columns": [{"key": "amount", "header": ["预算数"]}],
                             "rows": [{"name": "合计", "amount": "2.85"}]}])
    assert budget.tables[0].rows[0].cells == {"amount": Decimal("2.85")}
    # a dumped table validates back to the same table (cells under `cells`)
    assert StandardTable.model_validate(budget.tables[0].model_dump()) == budget.tables[0]


def test_schema_describes_tables_and_row_cells():
    schema = json.loads(CliRunner().invoke(main, ["schema"]).output)["document"]["$defs"]
    assert "tables" in schema["FinalAccounts"]["properties"] and "tables" in schema["Budget"]["properties"]
    assert schema["TableRow"]["additionalProperties"]["type"] == "string"   # cells are the row's own keys
    assert "three_public" in schema["StandardTable"]["properties"]["id"]["enum"]
