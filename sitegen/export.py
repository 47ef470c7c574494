"""Open data: every document as CSV tables, JSON and XLSX, and an archive per place of the
documents of the units placed there: a Frictionless tabular data package (its own
``datapackage.json``, each CSV's Table Schema by reference to a file under ``SCHEMAS``). The
portal's root ``datapackage.json`` lists the places' archives, not their CSVs.

Tables a spreadsheet can compute with: amounts and points are numbers (CSV without thousands
separators, at their published places: ``1058.66``, ``31.5``); percentages are numbers of
percent in CSV (``55.97``, the unit in the data package) and percentages in XLSX (0.5597
shown as ``55.97%``); each XLSX number carries its published precision as its number format.
Text stays text (targets such as ``≥95%`` are text). Column headers are Chinese; the data
package gives each column's machine key, type and unit. CSV is UTF-8 with a byte-order mark
so Excel opens Chinese text correctly. Output is deterministic: fixed timestamps inside the
XLSX and ZIP containers.

Nothing here grows with the portal on a rebuild: a Table Schema is the same for every
document of a table kind and money unit, so it is written once (``table_schema``) and a
document keeps only its name (``TableResource``); an archive and its package are made again
only when one of its own documents changed (``PlaceArchive.stamp``).
"""
from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from .assets import compressed_names, with_compressed
from .cache import BuildCache, digest
from .check import Finding
from .model import labels
from .model.documents import Document, Evaluation, Figure, FundingRow, Goal, Indicator, SelfEvaluation, SummaryRow
from .model.portal import LoadedDocument
from .model.tables import StandardTable
from .model.values import Percent
from .render.formatting import display
from .render import urls
from .render.regions import region_tree, walk

FIXED_TIME = (2000, 1, 1, 0, 0, 0)
# At the top of whatever it describes (the Data Package spec): the root of the output for the
# index of the places' archives, the root of each archive for its own package.
DATAPACKAGE = "datapackage.json"
SCHEMAS = "data/schemas/"  # the Table Schema files, relative to a package's root (no "..": refused by the spec)

Cell = Decimal | Percent | int | str | None


@dataclass(frozen=True)
class Column:
    """A column: machine ``key``, Chinese ``header`` and its kind — ``money`` (in the
    document's money unit, or ``unit``), ``points`` (分), ``percent``, ``integer`` or ``text``."""

    key: str
    header: str
    kind: str = "text"
    unit: str = ""  # money in another unit than the document's (a standard table's own)


@dataclass
class DataTable:
    """One table of a document: a file-safe name, a Chinese title, its columns, rows of
    values (``Decimal`` for money and points, ``Percent``, ``int``, text; ``None`` for blank)."""

    name: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]


def _columns(model: type | None, *specs: str) -> list[Column]:
    """Columns of a table of ``model``'s items: a bare ``"key"`` is a model field, its header
    its ``Field(title=…)`` and its kind read from its type (``labels.kind``); ``"key:header:kind"``
    (kind ``text`` when left out) is a column the model does not have (a data path, a link)."""
    columns = []
    for spec in specs:
        if ":" in spec:
            columns.append(Column(*spec.split(":")))
        else:
            columns.append(Column(spec, labels.title(model, spec), labels.kind(model, spec)))
    return columns


FIGURE_COLUMNS = _columns(Figure, "path:数据路径", "parent:上级数据路径", "section", "label", "key", "code", "amount", "initial",
                          "adjusted", "previous", "change", "growth", "share", "completion", "execution_rate", "quantity", "text")
EVALUATION_COLUMNS = _columns(Evaluation, "path:数据路径", "slug", "name", "department", "implementer", "total_weight",
                              "total_score", "grade")
FUNDING_COLUMNS = _columns(FundingRow, "evaluation:项目代号", "label", "key", "initial", "adjusted", "received", "executed",
                           "weight", "execution_rate", "score")
GOAL_COLUMNS = _columns(Goal, "evaluation:项目代号", "target", "result", "completion")
INDICATOR_COLUMNS = _columns(Indicator, "evaluation:项目代号", "level1", "level2", "name", "description", "target", "actual",
                             "completion", "item_score", "weight", "score", "basis", "deviation")
SUMMARY_COLUMNS = _columns(SummaryRow, "no", "unit", "name", "project", "initial", "supplementary", "adjusted", "executed",
                           "fund_type", "score", "grade", "rate")
FINDING_COLUMNS = _columns(None, "rule:规则", "severity:级别", "path:数据路径", "line:行号:integer", "declared:文件所列",
                           "computed:计算值", "difference:差额", "message:说明")


def _value(value: object, column: Column) -> Cell:
    """A model value as a cell of ``column``: numbers as they are, anything else as its published text."""
    if column.kind == "text":
        return display(value) or None
    return value


def _row(item: object, columns: list[Column], **given: Cell) -> list[Cell]:
    return [given[c.key] if c.key in given else _value(getattr(item, c.key, None), c) for c in columns]


def _figure_rows(figures: list[Figure], prefix: str, parent: str, out: list[list[Cell]]) -> None:
    for i, figure in enumerate(figures):
        path = f"{prefix}[{i}]"
        out.append(_row(figure, FIGURE_COLUMNS, path=path, parent=parent or None))
        _figure_rows(figure.parts, f"{path}.parts", path, out)


def document_tables(doc: LoadedDocument, findings: list[Finding]) -> list[DataTable]:
    """The document's tables, in a fixed order; empty tables are left out."""
    model = doc.model
    figure_rows: list[list[Cell]] = []
    _figure_rows(model.figures, "figures", "", figure_rows)
    evaluations: list[tuple[str, Evaluation]] = []
    if getattr(model, "department_wide", None) is not None:
        evaluations.append(("department_wide", model.department_wide))
    evaluations += [(f"projects[{i}]", p) for i, p in enumerate(getattr(model, "projects", []))]
    summary = getattr(model, "project_summary", None)
    tables = [
        DataTable("figures", labels.title(Document, "figures"), FIGURE_COLUMNS, figure_rows),
        DataTable("evaluations", "绩效表", EVALUATION_COLUMNS, [_row(e, EVALUATION_COLUMNS, path=path) for path, e in evaluations]),
        DataTable("funding", labels.title(Evaluation, "funding"), FUNDING_COLUMNS,
                  [_row(r, FUNDING_COLUMNS, evaluation=e.slug) for _, e in evaluations for r in e.funding]),
        DataTable("goals", labels.title(Evaluation, "goals"), GOAL_COLUMNS,
                  [_row(g, GOAL_COLUMNS, evaluation=e.slug) for _, e in evaluations for g in e.goals]),
        DataTable("indicators", labels.title(Evaluation, "indicators"), INDICATOR_COLUMNS,
                  [_row(i, INDICATOR_COLUMNS, evaluation=e.slug) for _, e in evaluations for i in e.indicators]),
        DataTable("summary", labels.title(SelfEvaluation, "project_summary"), SUMMARY_COLUMNS, [_row(r, SUMMARY_COLUMNS) for r in summary.rows] if summary else []),
        DataTable("findings", "一致性核对发现", FINDING_COLUMNS,
                  [[f.rule_id, f.severity, f.dotted_path, f.line, f.declared, f.computed, f.difference, f.message]
                   for f in findings]),
    ]
    tables[1:1] = [_standard_table(table) for table in getattr(model, "tables", [])]
    return [t for t in tables if t.rows]


STANDARD_EXTRA = {"side": Column("side", "栏"), "line": Column("line", "行次", "integer"), "group": Column("group", "分组")}


def _standard_table(table: StandardTable) -> DataTable:
    """A standard table as printed: one row per printed row, its code and name, then a column per
    declared column (its printed header, money in the table's own unit; blank where the cell is
    blank); side/line/group only where used."""
    extra = [key for key in STANDARD_EXTRA if any(getattr(row, key) is not None for row in table.rows)]
    headers = ["／".join(column.header) for column in table.columns]
    columns = [STANDARD_EXTRA[key] for key in extra] + [Column("code", "科目编码"), Column("name", "项目")] + [
        Column(column.key, header if headers.count(header) == 1 else f"{header}（{column.key}）", "money", table.money_unit)
        for column, header in zip(table.columns, headers)]
    rows = [[getattr(row, key) for key in extra] + [row.code, row.name] + [row.cells.get(column.key) for column in table.columns]
            for row in table.rows]
    return DataTable(f"table-{table.id.replace('_', '-')}", table.title, columns, rows)


def csv_cell(value: Cell) -> str:
    """A value as CSV text: numbers plain (no thousands separator, published places), a
    percentage as its number of percent, blank as empty."""
    if value is None:
        return ""
    if isinstance(value, Percent):
        return format(value.value, "f")
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def csv_text(table: DataTable) -> str:
    """CSV with a byte-order mark (Excel reads UTF-8 only with one); text cells neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header for c in table.columns])
    writer.writerows([neutralised(csv_cell(v)) for v in row] for row in table.rows)
    return "\ufeff" + buffer.getvalue()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SIGNED_NUMBER = re.compile(r"[+-]?\d+(\.\d+)?%?")


def neutralised(cell: str) -> str:
    """A CSV text cell a spreadsheet would run as a formula (it begins with ``=``, ``+``, ``-``,
    ``@``, tab or carriage return) with a single quote in front, as OWASP's CSV injection
    guidance recommends; a signed number (``-5.00``, ``+10``, ``-13.91%``) is no formula and stays
    a number."""
    if cell.startswith(_FORMULA_START) and not _SIGNED_NUMBER.fullmatch(cell):
        return "'" + cell
    return cell


def document_json(doc: LoadedDocument, findings: list[Finding]) -> str:
    """The document's model and findings as compact JSON (the C encoder: ``indent`` would
    make the standard library use its pure-Python one, several ms per document)."""
    data = {"unit": doc.unit_id, "document": doc.model.model_dump(mode="json", exclude_none=True),
            "findings": [{k: v for k, v in f.as_dict().items() if k != "file"} for f in findings]}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _places(value: Decimal) -> int:
    return max(0, -value.as_tuple().exponent)  # type: ignore[operator]


def xlsx_bytes(tables: list[DataTable]) -> bytes:
    """One sheet per table, Chinese headers in a frozen first row. Money and points are
    numbers formatted to their published places (``#,##0.00``), percentages are fractions
    formatted as percentages at their published places (``0.00%``), text is text.

    XlsxWriter rather than openpyxl: several times faster on write, which dominated the
    open-data cost of a build; its container timestamps come from the fixed ``created``
    date, so the same tables give the same bytes.
    """
    from datetime import datetime

    import xlsxwriter

    buffer = io.BytesIO()
    # Text cells are published text: never let XlsxWriter turn one into a number, formula or link.
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                        "strings_to_urls": False})
    book.set_properties({"created": datetime(2000, 1, 1)})
    formats: dict[str, object] = {}

    def number_format(pattern: str):
        if pattern not in formats:
            formats[pattern] = book.add_format({"num_format": pattern})
        return formats[pattern]

    header = book.add_format({"bold": True})
    if not tables:  # a workbook needs a sheet
        book.add_worksheet("说明").write_string(0, 0, "本文件没有可导出的表格数据。")
    taken: set[str] = set()
    for table in tables:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        sheet.write_row(0, 0, [c.header for c in table.columns], header)
        sheet.freeze_panes(1, 0)
        for i, row in enumerate(table.rows, 1):
            for j, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, Percent):
                    places = value.places
                    sheet.write_number(i, j, float(value.value / 100),
                                       number_format("0" + ("." + "0" * places if places else "") + "%"))
                elif isinstance(value, Decimal):
                    places = _places(value)
                    sheet.write_number(i, j, float(value), number_format("#,##0" + ("." + "0" * places if places else "")))
                elif isinstance(value, int):
                    sheet.write_number(i, j, value)
                else:
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


FIELD_TYPES = {"money": "number", "points": "number", "percent": "number", "integer": "integer", "text": "string"}


def _field(column: Column, money_unit: str) -> dict:
    """A Table Schema field: named by the CSV's Chinese header, with the machine key, the
    type, and the unit in its description."""
    units = {"money": f"单位：{column.unit or money_unit}", "points": "单位：分", "percent": "单位：%（百分数，55.97 即 55.97%）"}
    field = {"name": column.header, "type": FIELD_TYPES[column.kind], "description": f"键：{column.key}"}
    if column.kind in units:
        field["description"] += f"；{units[column.kind]}"
    return field


class TableResource(NamedTuple):
    """A CSV of a document as its data package needs it, kept small (a build holds one for every
    CSV of the portal): the table's file name (``figures``: ``figures.csv``), its Chinese title and
    the path of its Table Schema file (``data/schemas/figures-<hash>.json``).
    ``resource_descriptor`` makes the resource of the package from it."""

    table: str
    title: str
    schema: str


@lru_cache(maxsize=512)
def table_schema(name: str, columns: tuple[Column, ...], money_unit: str) -> tuple[str, bytes]:
    """(path, bytes) of the Table Schema file of a table ``name`` with ``columns`` in a document
    of ``money_unit``: ``SCHEMAS`` + ``<name>-<12 hex digits of its SHA-256>.json``, so documents
    whose tables have the same columns share one file (every figures table in 万元) and a
    different one (a standard table printed with other headers) gets its own. Each field is named
    by the CSV's Chinese header, with its type and, in its description, the machine key and unit."""
    data = json.dumps({"fields": [_field(c, money_unit) for c in columns]}, ensure_ascii=False, indent=1).encode("utf-8")
    return f"{SCHEMAS}{name}-{digest(data)[:12]}.json", data


def resources(doc: LoadedDocument, tables: list[DataTable]) -> list[TableResource]:
    """The data-package resources of a document's CSVs, their schemas by reference (``table_schema``)."""
    return [TableResource(table.name, table.title, table_schema(table.name, tuple(table.columns), doc.model.money_unit)[0])
            for table in tables]


def schema_key(relative: str) -> str:
    """The build-cache key of a Table Schema file (or of one of its compressed copies): its path
    holds the hash of its bytes, so the path alone names them."""
    return digest("table-schema", relative)


def store_schemas(cache: BuildCache, doc: LoadedDocument, tables: list[DataTable]) -> None:
    """Put the Table Schema file of each of ``tables`` and its ``.gz``/``.br`` copies in the build
    cache, each under ``schema_key`` of its path, unless it holds them already; the portal's
    outputs link them from there (a document keeps only their paths, ``TableResource``).
    Runs where the document is built (a worker), once per changed document."""
    for table in tables:
        path, data = table_schema(table.name, tuple(table.columns), doc.model.money_unit)
        if all(cache.has_files(schema_key(name)) for name in compressed_names(path)):
            continue
        for name, payload in with_compressed({path: data}).items():
            cache.put_files(schema_key(name), {name: payload})


def resource_descriptor(doc: LoadedDocument, resource: TableResource) -> dict:
    """The Frictionless tabular-data-resource of one CSV of ``doc`` (a slim document will do)."""
    return {"name": f"{doc.unit_id}-{doc.year}-{doc.kind.replace('_', '-')}-{resource.table}",
            "title": f"{doc.title}：{resource.title}", "path": f"{data_folder(doc)}{resource.table}.csv",
            "format": "csv", "mediatype": "text/csv", "encoding": "utf-8-sig", "profile": "tabular-data-resource",
            "schema": resource.schema}


def datapackage(name: str, title: str, package_resources: list[dict]) -> bytes:
    """A tabular data package's ``datapackage.json``, its resources in document order.

    Compact JSON: with ``indent`` the standard library falls back to its pure-Python encoder."""
    package = {"name": name, "title": title, "profile": "tabular-data-package", "resources": package_resources}
    return json.dumps(package, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


@dataclass
class PlaceArchive:
    """The open data of the units placed exactly at one place (``render.regions``), at
    ``urls.region_archive(name)``: every download of their documents, the Table Schema files
    their CSVs refer to and a ``datapackage.json`` describing the CSVs, so that the archive,
    unpacked, is a self-contained Frictionless tabular data package (Frictionless also reads it
    zipped: ``Package("….zip")``).

    Not the place's whole subtree: then one edit would re-zip the archive of every place above
    the unit, up to a province holding a large share of the portal, and a rebuild would grow
    with the portal. A place's page links the places below it, each with its own archive.
    ``stamp`` hashes everything the bytes are made from — the cache keys of its units (each a
    hash of sitegen's code and every file of the unit folder, of which its documents, their
    members, resources and schemas are a function), the portal's title and the place — so an
    archive is zipped again only when one of its own units changed, and nothing of it is
    computed until then, its documents not even listed.
    """

    name: str           # the place's anchor: the package's name
    place: str          # the place's names, province first (``上海市普陀区``)
    title: str          # of its data package
    units: list         # ``unitbuild.UnitEntry`` of the units placed there that have documents

    @property
    def documents(self) -> list:
        """``unitbuild.DocumentEntry`` of its units, in order."""
        return [doc for entry in self.units for doc in entry.documents]

    @property
    def relative(self) -> str:
        return urls.region_archive(self.name)

    @property
    def names(self) -> list[str]:
        """Output-relative downloads of its documents."""
        return [name for doc in self.documents for name in doc.downloads]

    @property
    def schemas(self) -> list[str]:
        """Output-relative Table Schema files its CSVs refer to, sorted."""
        return sorted({resource.schema for doc in self.documents for resource in doc.resources})

    @property
    def stamp(self) -> str:
        # One part for all the keys (hex, so a space cannot be in one): a rebuild stamps every place.
        return digest("place-archive", self.relative, self.title, " ".join(entry.key for entry in self.units))

    def package(self) -> bytes:
        """Its ``datapackage.json``."""
        return datapackage(self.name, self.title,
                           [resource_descriptor(doc.slim, r) for doc in self.documents for r in doc.resources])

    def make(self, root: Path) -> bytes:
        """The archive's bytes, its members read from the build folder ``root``."""
        return archive_bytes(root, self.names + self.schemas, {DATAPACKAGE: self.package()})


def place_archives(title: str, units: list) -> list[PlaceArchive]:
    """The archive of every place where a unit with documents is placed, in tree order.
    ``units``: the build's ``unitbuild.UnitEntry`` of loaded units; ``title``: the portal's,
    the data packages are titled ``<title>：<place names>``."""
    found = []
    for node in walk(region_tree([(entry.unit.model.region, entry.id, entry) for entry in units])):
        holding = [entry for entry in node.units if entry.documents]
        if holding:
            found.append(PlaceArchive(node.anchor, "".join(node.path), f"{title}：{''.join(node.path)}", holding))
    return found


def archive_index(title: str, archives: list[PlaceArchive], root: Path) -> bytes:
    """The portal's root ``datapackage.json``: a data package whose resources are the places'
    archives (``root`` holds them, for their sizes), each a zipped tabular data package. One
    small entry per place, none per document, so a rebuild does not grow with the documents."""
    package = {"name": "sitegen-portal", "title": title, "profile": "data-package",
               "description": "每个资源是一个地区本级单位的开放数据（ZIP）；解压后是一个 Frictionless 表格数据包："
                              "根目录的 datapackage.json 描述其中每个 CSV，字段说明见 data/schemas/。",
               "resources": [{"name": archive.name, "title": archive.place, "path": archive.relative, "format": "zip",
                              "mediatype": "application/zip", "bytes": (root / archive.relative).stat().st_size}
                             for archive in archives]}
    return json.dumps(package, ensure_ascii=False, indent=1).encode("utf-8")


def archive_bytes(root: Path, names: list[str], extra: dict[str, bytes]) -> bytes:
    """A ZIP of ``root/<name>`` for every name and of ``extra`` (member name → bytes), members in
    sorted order with fixed timestamps, so the same files give the same bytes. XLSX files are
    stored, not deflated: they are zip containers already.

    Made in memory: an archive holds one place's documents (``place_archives``), not the portal."""
    members = {name: None for name in names} | extra
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(members):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".xlsx") else zipfile.ZIP_DEFLATED
            data = members[name]
            archive.writestr(info, (root / name).read_bytes() if data is None else data)
    return buffer.getvalue()
