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
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from .check import Finding
from .model.documents import Evaluation, Figure
from .model.portal import LoadedDocument, Portal
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
    return [t for t in tables if t.rows]


def csv_text(table: DataTable) -> str:
    """CSV with a byte-order mark (Excel reads UTF-8 only with one)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.columns)
    writer.writerows(table.rows)
    return "\ufeff" + buffer.getvalue()


def document_json(doc: LoadedDocument, findings: list[Finding]) -> str:
    data = {"unit": doc.unit_id, "document": doc.model.model_dump(mode="json", exclude_none=True),
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)


def _deterministic_zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[name])
    return buffer.getvalue()


def xlsx_bytes(tables: list[DataTable]) -> bytes:
    """One sheet per table; container timestamps fixed so the same tables give the same bytes."""
    from datetime import datetime

    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    if not tables:  # a workbook needs a sheet
        book.create_sheet("说明").append(["本文件没有可导出的表格数据。"])
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(table.columns)
        for row in table.rows:
            sheet.append(row)
    book.properties.created = datetime(2000, 1, 1)
    raw = io.BytesIO()
    book.save(raw)
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    # openpyxl stamps the save time as "modified"; the build's output must not depend on it.
    files["docProps/core.xml"] = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2000-01-01T00:00:00Z", files["docProps/core.xml"])
    return _deterministic_zip(files)


def data_folder(doc: LoadedDocument) -> str:
    return f"{urls.document(doc)}data/"


def document_downloads(doc: LoadedDocument, findings: list[Finding]) -> Iterator[tuple[str, bytes]]:
    """(output-relative path, bytes) of a document's downloads."""
    folder = data_folder(doc)
    tables = document_tables(doc, findings)
    for table in tables:
        yield f"{folder}{table.name}.csv", csv_text(table).encode("utf-8")
    yield f"{folder}document.json", document_json(doc, findings).encode("utf-8")
    yield f"{folder}document.xlsx", xlsx_bytes(tables)


def portal_downloads(portal: Portal, findings: dict[tuple, list[Finding]]) -> Iterator[tuple[str, bytes]]:
    """Every document's downloads, the data package describing the CSVs, and the archive of both."""
    files: dict[str, bytes] = {}
    resources = []
    for doc in portal.documents():
        doc_findings = findings.get(doc.key, [])
        for table in document_tables(doc, doc_findings):
            path = f"{data_folder(doc)}{table.name}.csv"
            resources.append({
                "name": f"{doc.unit_id}-{doc.year}-{doc.kind.replace('_', '-')}-{table.name}",
                "title": f"{doc.model.title}：{table.title}", "path": path, "format": "csv", "mediatype": "text/csv",
                "encoding": "utf-8-sig", "profile": "tabular-data-resource",
                "schema": {"fields": [{"name": c, "type": "string"} for c in table.columns]},
            })
        for path, data in document_downloads(doc, doc_findings):
            files[path] = data
            yield path, data
    package = {"name": "sitegen-portal", "title": portal.site.title, "profile": "tabular-data-package",
               "resources": resources}
    package_text = json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")
    yield DATAPACKAGE, package_text
    yield ARCHIVE, _deterministic_zip({**files, DATAPACKAGE: package_text})
