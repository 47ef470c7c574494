"""Open data: every document as CSV tables, JSON and XLSX, and the portal as one archive
described by a Frictionless data package (``datapackage.json``).

Values are the published text (``"1677.95"``, ``"55.97%"``, ``"≥95%"``); CSV is UTF-8 with a
byte-order mark so Excel opens Chinese text correctly. Output is deterministic: fixed
timestamps inside the XLSX and ZIP containers.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .check import Finding
from .model.documents import Evaluation, Figure
from .model.portal import LoadedDocument
from .model.tables import StandardTable
from .render.formatting import display
from .render import urls

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
MONEY_FIELDS = {"amount", "initial", "adjusted", "previous", "change", "received", "executed", "supplementary"}
ARCHIVE = "downloads/portal-data.zip"
DATAPACKAGE = "datapackage.json"  # at the root: Frictionless refuses ".." in resource paths


@dataclass
class DataTable:
    """One table of a document: a file-safe name, a Chinese title, column names, rows of text."""

    name: str
    title: str
    columns: list[str]
    rows: list[list[str]]


def _figure_rows(figures: list[Figure], prefix: str, parent: str, out: list[list[str]]) -> None:
    for i, figure in enumerate(figures):
        path = f"{prefix}[{i}]"
        out.append([path, parent, figure.section or "", figure.label, figure.key or "", figure.code or "",
                    *(display(getattr(figure, c)) for c in FIGURE_VALUES)])
        _figure_rows(figure.parts, f"{path}.parts", path, out)


FIGURE_VALUES = ("amount", "initial", "adjusted", "previous", "change", "growth", "share", "completion", "execution_rate",
                 "quantity", "text")
FUNDING_VALUES = ("label", "key", "initial", "adjusted", "received", "executed", "weight", "execution_rate", "score")
INDICATOR_VALUES = ("level1", "level2", "name", "description", "target", "actual", "completion", "item_score", "weight",
                    "score", "basis", "deviation")
SUMMARY_VALUES = ("no", "unit", "name", "project", "initial", "supplementary", "adjusted", "executed", "fund_type", "score",
                  "grade", "rate")
FINDING_VALUES = ("rule", "severity", "path", "line", "declared", "computed", "difference", "message")


def document_tables(doc: LoadedDocument, findings: list[Finding]) -> list[DataTable]:
    """The document's tables, in a fixed order; empty tables are left out."""
    model = doc.model
    figure_rows: list[list[str]] = []
    _figure_rows(model.figures, "figures", "", figure_rows)
    evaluations: list[tuple[str, Evaluation]] = []
    if getattr(model, "department_wide", None) is not None:
        evaluations.append(("department_wide", model.department_wide))
    evaluations += [(f"projects[{i}]", p) for i, p in enumerate(getattr(model, "projects", []))]
    summary = getattr(model, "project_summary", None)
    tables = [
        DataTable("figures", "文件所列数字", ["path", "parent", "section", "label", "key", "code", *FIGURE_VALUES], figure_rows),
        DataTable("evaluations", "绩效表", ["path", "slug", "name", "department", "implementer", "total_weight", "total_score", "grade"],
                  [[path, e.slug, e.name, e.department or "", e.implementer or "", display(e.total_weight), display(e.total_score),
                    e.grade or ""] for path, e in evaluations]),
        DataTable("funding", "项目资金", ["evaluation", *FUNDING_VALUES],
                  [[e.slug, *(display(getattr(r, c)) for c in FUNDING_VALUES)] for _, e in evaluations for r in e.funding]),
        DataTable("goals", "年度总体目标", ["evaluation", "target", "result", "completion"],
                  [[e.slug, g.target or "", g.result or "", g.completion or ""] for _, e in evaluations for g in e.goals]),
        DataTable("indicators", "绩效指标", ["evaluation", *INDICATOR_VALUES],
                  [[e.slug, *(display(getattr(i, c)) for c in INDICATOR_VALUES)] for _, e in evaluations for i in e.indicators]),
        DataTable("summary", "项目自评汇总表", list(SUMMARY_VALUES),
                  [[display(getattr(r, c)) for c in SUMMARY_VALUES] for r in summary.rows] if summary else []),
        DataTable("findings", "一致性核对发现", list(FINDING_VALUES),
                  [[f.rule_id, f.severity, f.dotted_path, str(f.line), f.declared, f.computed, f.difference, f.message]
                   for f in findings]),
    ]
    tables[1:1] = [_standard_table(table) for table in getattr(model, "tables", [])]
    return [t for t in tables if t.rows]


def _standard_table(table: StandardTable) -> DataTable:
    """A standard table as printed: one row per printed row, its code and name, then a column per
    declared column key (blank where the cell is blank); side/line/group only where used."""
    extra = [key for key in ("side", "line", "group") if any(getattr(row, key) is not None for row in table.rows)]
    keys = [column.key for column in table.columns]
    rows = [[str(getattr(row, key) or "") for key in extra] + [row.code or "", row.name]
            + [display(row.cells.get(key)).replace(",", "") for key in keys] for row in table.rows]
    return DataTable(f"table-{table.id.replace('_', '-')}", table.title, [*extra, "code", "name", *keys], rows)


def csv_text(table: DataTable) -> str:
    """CSV with a byte-order mark (Excel reads UTF-8 only with one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return "\ufeff" + buffer.getvalue()


def document_json(doc: LoadedDocument, findings: list[Finding]) -> str:
    """The document's model and findings as compact JSON (the C encoder: ``indent`` would
    make the standard library use its pure-Python one, several ms per document)."""
    data = {"unit": doc.unit_id, "document": doc.model.model_dump(mode="json", exclude_none=True),
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def xlsx_bytes(tables: list[DataTable]) -> bytes:
    """One sheet per table, every cell text (empty text as a blank cell).

    XlsxWriter rather than openpyxl: several times faster on write, which dominated the
    open-data cost of a build; its container timestamps come from the fixed ``created``
    date, so the same tables give the same bytes.
    """
    from datetime import datetime

    import xlsxwriter

    buffer = io.BytesIO()
    # Every value is published text: never let XlsxWriter turn one into a number, formula or link.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"created": datetime(2000, 1, 1)})
    if not tables:  # a workbook needs a sheet
        book.add_worksheet("说明").write_string(0, 0, "本文件没有可导出的表格数据。")
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        sheet.write_row(0, 0, table.columns)
        for i, row in enumerate(table.rows, 1):
            for j, value in enumerate(row):
                if value:
                    sheet.write_string(i, j, value)
    book.close()
    return buffer.getvalue()


SHEET_REFUSED = str.maketrans({c: "_" for c in "[]:*?/\\"})


def _sheet_name(title: str, taken: set[str]) -> str:
    """A worksheet name Excel accepts for ``title``: at most 31 characters, none of ``[]:*?/\\``,
    no apostrophe at either end, not empty, and unlike the names ``taken`` (case-insensitive;
    the name is added to them)."""
    base = title.translate(SHEET_REFUSED).strip("'")[:31] or "表"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f"（{n}）"
        name = base[: 31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def data_folder(doc: LoadedDocument) -> str:
    return f"{urls.document(doc)}data/"


def document_downloads(doc: LoadedDocument, findings: list[Finding],
                       tables: list[DataTable] | None = None) -> Iterator[tuple[str, bytes]]:
    """(output-relative path, bytes) of a document's downloads; ``tables`` when the caller
    already has ``document_tables(doc, findings)``."""
    folder = data_folder(doc)
    tables = document_tables(doc, findings) if tables is None else tables
    for table in tables:
        yield f"{folder}{table.name}.csv", csv_text(table).encode("utf-8")
    yield f"{folder}document.json", document_json(doc, findings).encode("utf-8")
    yield f"{folder}document.xlsx", xlsx_bytes(tables)


def resources(doc: LoadedDocument, tables: list[DataTable]) -> list[dict]:
    """The data-package resources (Frictionless tabular-data-resource) of a document's CSVs."""
    return [{
        "name": f"{doc.unit_id}-{doc.year}-{doc.kind.replace('_', '-')}-{table.name}",
        "title": f"{doc.model.title}：{table.title}", "path": f"{data_folder(doc)}{table.name}.csv", "format": "csv",
        "mediatype": "text/csv", "encoding": "utf-8-sig", "profile": "tabular-data-resource",
        "schema": {"fields": [{"name": c, "type": "string"} for c in table.columns]},
    } for table in tables]


def datapackage(title: str, package_resources: list[dict]) -> bytes:
    """``datapackage.json`` describing every CSV of the portal, in document order.

    Compact JSON: with ``indent`` the standard library falls back to its pure-Python encoder,
    which took seconds per build at ten thousand documents."""
    package = {"name": "sitegen-portal", "title": title, "profile": "tabular-data-package", "resources": package_resources}
    return json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write_archive(root: Path, names: list[str], target: Path) -> None:
    """Zip ``root/<name>`` for every name into ``target``, streaming (one file in memory at
    a time), in sorted order with fixed timestamps. XLSX files are stored, not deflated:
    they are zip containers already."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(names):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".xlsx") else zipfile.ZIP_DEFLATED
            archive.writestr(info, (root / name).read_bytes())
