"""TABLE family, the frame around the figures: completeness, 目录, names, codes and wording.

* TABLE-010: a final account that holds standard tables holds all nine (template 目录, pp.2–3;
  财预〔2016〕143号: the tables are published in full, an empty one kept with its format).
* TABLE-011: an empty table carries the note saying why (template pp.13–14: “…故本表无数据”).
* TABLE-012: the 目录's list of tables and the tables in the body are the same.
* TABLE-013: the unit name and the year in the title, the headings and the unit's own mentions
  of itself are this unit's and this year's.
* TABLE-014: a classification code printed with a name that is not its standard name
  (``sitegen/check/data/classification``).
* TABLE-016: template text left in: placeholders (XX局, XXXX年), the template's alternatives
  (增加（减少）, 下降（增长）) and its instructions to the compiler.
* TABLE-017: a word or punctuation mark printed twice in a row.
"""
from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from difflib import SequenceMatcher
from functools import cache
from importlib import resources

from ..model.portal import LoadedDocument
from .context import Reporter
from .prose import Passage, narratives
from .tables_narrative import Flat
from .tables_view import norm, tables

FINAL_ACCOUNTS_TABLES = {
    "income_expenditure_summary": "收入支出决算总表",
    "income": "收入决算表",
    "expenditure": "支出决算表",
    "fiscal_income_expenditure_summary": "财政拨款收入支出决算总表",
    "general_public_expenditure": "一般公共预算财政拨款支出决算表",
    "general_public_basic_expenditure": "一般公共预算财政拨款基本支出决算表",
    "three_public": "财政拨款“三公”经费支出决算表",
    "government_fund": "政府性基金预算财政拨款收入支出决算表",
    "state_capital": "国有资本经营预算财政拨款收入支出决算表",
}
ECONOMIC_TABLES = ("general_public_basic_expenditure", "budget_general_public_basic_expenditure")
EMPTY_NOTE = re.compile(r"无数据|没有|无.{0,20}(?:收入|支出)")


def check(doc: LoadedDocument, report: Reporter) -> None:
    found = tables(doc)
    if found:
        if doc.kind == "final_accounts":
            _missing(doc, found, report)
        _empty_without_note(doc, report)
        _contents(doc, report)
        _codes(doc, report)
        _names_and_years(doc, report)
    _template_text(doc, report)
    _doubled(doc, report)


# ---------------------------------------------------------------- completeness and 目录


def _missing(doc: LoadedDocument, found: dict, report: Reporter) -> None:
    missing = [title for table_id, title in FINAL_ACCOUNTS_TABLES.items() if table_id not in found]
    if missing:
        report.add("TABLE-010", ("tables",), declared=f"{len(found)} 张标准表", computed="9 张", difference=str(-len(missing)),
                   message=f"文件录入了标准表，但没有{'、'.join(f'“{t}”' for t in missing)}"
                           "（部门决算应公开全部九张表，无数据的表也保留格式）。")


def _empty_without_note(doc: LoadedDocument, report: Reporter) -> None:
    for i, table in enumerate(doc.model.tables):
        if table.empty and not any(EMPTY_NOTE.search(note) for note in table.notes):
            report.add("TABLE-011", ("tables", i, "title"), declared="空表，无说明", computed="“…故本表无数据”",
                       difference="", message=f"“{table.title}”没有数据，表下也没有说明原因（如“本年度没有…，故本表无数据”）。")


CONTENTS_ENTRY = re.compile(r"([一二三四五六七八九十]+)、((?:(?![一二三四五六七八九十]+、|第[一二三四]部分).)+?表)"
                            r"(?=[一二三四五六七八九十]+、|第[一二三四]部分|$)")


def _contents(doc: LoadedDocument, report: Reporter) -> None:
    """TABLE-012: the tables the 目录 lists (its 第二部分) against the tables in the body."""
    passage = _narrative(doc)
    if passage is None:
        return
    flat = Flat.of(passage)
    start = flat.text.find("目录")
    if start < 0:
        return
    part_two = flat.text.find("第二部分", start)
    part_three = flat.text.find("第三部分", part_two)
    if part_two < 0 or part_three < 0:
        return
    listed = {norm(m.group(2)): m for m in CONTENTS_ENTRY.finditer(flat.text, part_two, part_three)}
    printed = {norm(t.title): (i, t) for i, t in enumerate(doc.model.tables)}
    for name, m in listed.items():
        if name not in printed:
            report.add("TABLE-012", ("narrative",), at=flat.at(m.start()), declared=m.group(2), computed="正文没有此表",
                       difference="", message=f"目录列有“{m.group(1)}、{m.group(2)}”，正文的标准表中没有这张表。")
        elif printed[name][1].number and printed[name][1].number != m.group(1):
            i, table = printed[name]
            report.add("TABLE-012", ("tables", i, "number"), declared=f"{table.number}、{table.title}",
                       computed=f"{m.group(1)}、{m.group(2)}", difference="",
                       message=f"“{table.title}”在正文编为“{table.number}”，目录编为“{m.group(1)}”。")
    if listed:
        for name, (i, table) in printed.items():
            if name not in listed:
                report.add("TABLE-012", ("tables", i, "title"), declared=table.title, computed="目录未列", difference="",
                           message=f"正文的“{table.title}”不在目录所列的表中。")


def _narrative(doc: LoadedDocument) -> Passage | None:
    return next((p for p in narratives(doc) if p.path == ("narrative",)), None)


# ---------------------------------------------------------------- codes


@cache
def standard_names(classification: str) -> dict[str, str]:
    """``{code: standard name}`` of ``functional`` or ``economic`` (2024), from the package
    data (``data/classification/<name>-2024.csv``; coverage in its README)."""
    text = resources.files(__package__).joinpath("data", "classification", f"{classification}-2024.csv").read_text(encoding="utf-8")
    return {row["code"]: row["name"] for row in csv.DictReader(text.splitlines())}


def _codes(doc: LoadedDocument, report: Reporter) -> None:
    for i, table in enumerate(doc.model.tables):
        names = standard_names("economic" if table.id in ECONOMIC_TABLES else "functional")
        for j, row in enumerate(table.rows):
            standard = names.get(row.code or "")
            if standard is not None and norm(row.name) != norm(standard):
                report.add("TABLE-014", ("tables", i, "rows", j, "name"), declared=f"{row.code} {row.name}",
                           computed=f"{row.code} {standard}", difference="",
                           message=f"“{table.title}”中科目 {row.code} 印作“{row.name}”，其标准名称为“{standard}”。")


# ---------------------------------------------------------------- unit name and year

YEAR = re.compile(r"(\d{4})\s*年")
HEADING_LINE = re.compile(r"^\s*(?:[-*+]\s+)?(?:#{1,6}\s*|第[一二三四五六七八九十]+部分)")
HEADING_UNIT = re.compile(r"^\s*(?:[-*+]\s+)?#*\s*(?:第[一二三四五六七八九十]+部分)?\s*([^\d#]+?)\s*(?:\d{4}\s*年|概况)")
NAME_END = r"(?=\d{4}年|年度|概况|所属|部门|共有|本级|无|$)"


def _headings(doc: LoadedDocument) -> Iterator[tuple[str, tuple]]:
    """(text, location) of the title and the narrative's heading lines."""
    line, column = doc.locate(("title",))
    yield doc.model.title, (doc.file, line, column)
    passage = _narrative(doc)
    if passage is None:
        return
    offset = 0
    for text in passage.text.splitlines(keepends=True):
        if HEADING_LINE.match(text):
            yield text.strip(), passage.locate(offset)
        offset += len(text)


def _names_and_years(doc: LoadedDocument, report: Reporter) -> None:
    for text, at in _headings(doc):
        for m in YEAR.finditer(text):
            if int(m.group(1)) != doc.year:
                report.add("TABLE-013", ("title",) if at[0] == doc.file else ("narrative",), at=at,
                           declared=f"{m.group(1)} 年", computed=f"{doc.year} 年", difference=str(int(m.group(1)) - doc.year),
                           message=f"标题“{text.lstrip('#').strip()}”写的是 {m.group(1)} 年，本文件是 {doc.year} 年度的。")
    if doc.unit is None or len(doc.unit.name) < 4:
        return
    own = {norm(doc.unit.name)} | ({norm(doc.unit.short_name)} if doc.unit.short_name else set())
    name = norm(doc.unit.name)
    seen: set[str] = set()
    # A heading names its unit right before the year or 概况 (“第二部分 <单位>2024年度部门决算表”):
    # any other name there is another unit's, however unlike this one.
    for text, at in _headings(doc):
        m = HEADING_UNIT.match(text)
        written = norm(m.group(1)) if m else ""
        if len(written) >= 4 and not re.search(r"[\dXＸ×]", written) and written not in own and written not in seen:
            seen.add(written)
            report.add("TABLE-013", ("title",) if at[0] == doc.file else ("narrative",), at=at,
                       declared=written, computed=doc.unit.name, difference="",
                       message=f"标题“{text.lstrip('#-*+ ').strip()}”写的单位是“{written}”，本单位名称为“{doc.unit.name}”。")
    # In the text, a name close to the unit's own is a misspelling of it (规划与 for 规划和).
    pattern = re.compile(re.escape(name[:2]) + r"[\u4e00-\u9fff]{1,%d}?" % (len(name) + 6) + NAME_END)
    sources = [(doc.model.title, None)] + [(p.text, p) for p in narratives(doc) if p.path == ("narrative",)]
    for text, passage in sources:
        flat = Flat.of(passage) if passage is not None else None
        body = flat.text if flat is not None else norm(text)
        for m in pattern.finditer(body):
            written = m.group()
            if written in own or written in seen or SequenceMatcher(None, written, name).ratio() < 0.8:
                continue
            seen.add(written)
            count = len(re.findall(re.escape(written) + NAME_END, body))
            where = dict(at=flat.at(m.start())) if flat is not None else {}
            report.add("TABLE-013", ("narrative",) if flat is not None else ("title",), **where,
                       declared=written, computed=doc.unit.name, difference="",
                       message=f"文中写作“{written}”（{count} 处），本单位名称为“{doc.unit.name}”。")


# ---------------------------------------------------------------- wording

TEMPLATE_TEXT = re.compile(
    r"(?<![A-Za-z])(?:X{2,}|Ｘ{2,}|×{2,})(?![A-Za-z])"        # placeholders: XX局, XXXX年
    r"|(?:增加|减少)\((?:增加|减少)\)|(?:增长|下降)\((?:增长|下降)\)"   # alternatives left in
    r"|仍保留该表格式|并在本表下方作下述说明|\(不涉及的不列\)|按上述格式依次说明")


def _texts(doc: LoadedDocument) -> Iterator[tuple[Flat | None, str, tuple]]:
    """The title, the narrative (flat) and the tables' titles and notes, with where each begins."""
    yield None, norm(doc.model.title), ("title",)
    passage = _narrative(doc)
    if passage is not None:
        flat = Flat.of(passage)
        yield flat, flat.text, ("narrative",)
    for i, table in enumerate(getattr(doc.model, "tables", None) or []):
        yield None, norm(table.title), ("tables", i, "title")
        for k, note in enumerate(table.notes):
            yield None, norm(note), ("tables", i, "notes", k)


def _template_text(doc: LoadedDocument, report: Reporter) -> None:
    for flat, text, path in _texts(doc):
        for m in TEMPLATE_TEXT.finditer(text):
            where = dict(at=flat.at(m.start())) if flat is not None else {}
            excerpt = flat.excerpt(m.start(), m.end()) if flat is not None else text
            report.add("TABLE-016", path, **where, declared=m.group(), computed="", difference="",
                       message=f"“{excerpt}”中的“{m.group()}”是模板文字，公开前应替换或删去。")


DOUBLED = re.compile(r"([\u4e00-\u9fff]{2,4})\1|([的了是在和与及])\2|([，。；：、！？,;:])\3")


def _doubled(doc: LoadedDocument, report: Reporter) -> None:
    """TABLE-017 inside each paragraph of the narrative (a heading and the text after it are
    separate: “情况说明” then “说明…” is not a doubled word)."""
    passage = _narrative(doc)
    if passage is None:
        return
    offset = 0
    for block in re.split(r"(\n\s*\n|\n(?=\s*#)|(?<=\n)(?=\s*#))", passage.text):
        if block and not block.isspace():
            part = Passage(passage.path, block, passage.file, *_line_col(passage, offset), True)
            flat = Flat.of(part)
            for m in DOUBLED.finditer(flat.text):
                report.add("TABLE-017", ("narrative",), at=flat.at(m.start()), declared=m.group(), computed=m.group()[: len(m.group()) // 2],
                           difference="", message=f"“{flat.excerpt(m.start(), m.end())}”中“{m.group()[: len(m.group()) // 2]}”印了两遍。")
        offset += len(block)


def _line_col(passage: Passage, offset: int) -> tuple[int, int]:
    _, line, column = passage.locate(offset)
    return line, column
