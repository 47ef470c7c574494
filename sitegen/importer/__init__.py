"""``sitegen import``: a published 部门决算 (PDF, or an XLSX workbook with one sheet per standard
table) into ``content/units/<unit>/<year>/``: ``final-accounts.yaml`` with the standard tables
and the document's metadata, the narrative as Markdown beside it, and ``unit.yaml`` when the
unit is new — then a report of what was found, what could not be mapped and which simple
identities fail.

Faithful first: cells are written as printed (blank left out, ``0.00`` kept), nothing is
reordered or corrected; what cannot be mapped is reported with its page and table and left out.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

from ..content.loader import load_document
from ..model.documents import SLUG, Region, Unit
from ..model.tables import StandardTable
from .figures import stated_figures
from .grid import TITLES, Grid, ImportProblem, to_table
from .identities import Failure, failures
from .pdf import NotADisclosure
from .yamlout import document_yaml, unit_yaml

__all__ = ["ImportResult", "NotADisclosure", "ImportRefused", "import_disclosure", "report"]

DOCUMENT_FILE = "final-accounts.yaml"
NARRATIVE_FILE = "final-accounts.md"
_MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")


class ImportRefused(Exception):
    """The import cannot start (no site folder, the document exists, a bad unit id, …)."""


@dataclass
class ImportResult:
    """What one import wrote and found."""

    source: Path
    folder: Path
    title: str
    tables: list[StandardTable]
    problems: list[ImportProblem]
    failures: list[Failure]
    written: list[Path]
    new_unit: Unit | None
    seconds: float
    pages: int | None = None
    figures: int = 0

    @property
    def missing(self) -> list[str]:
        """Standard tables (by title) the source does not hold."""
        found = {table.title for table in self.tables} | {p.where.split(", ", 1)[-1] for p in self.problems}
        return [title for title in TITLES if title not in found]


def import_disclosure(source: Path, content: Path, unit_id: str, year: int, kind: str = "final_accounts",
                      force: bool = False) -> ImportResult:
    """Import ``source`` (``.pdf`` or ``.xlsx``) as unit ``unit_id``'s ``year`` document.

    Raises ``ImportRefused`` when ``content`` has no ``site.yaml``, ``unit_id`` is not a slug,
    ``kind`` is not supported or the document exists (unless ``force``); ``NotADisclosure``
    when the file is not a readable disclosure (no text layer, no standard table).
    """
    started = time.perf_counter()
    if kind != "final_accounts":
        raise ImportRefused(f"--kind {kind}: only final_accounts (部门决算) can be imported so far")
    if not (content / "site.yaml").is_file():
        raise ImportRefused(f"{content}/site.yaml not found — run sitegen import in a site folder (one with content/site.yaml)")
    if not SLUG.match(unit_id):
        raise ImportRefused(f"unit id '{unit_id}' is not a slug — use lower-case ASCII letters, digits and '-', e.g. putuo-czj")
    folder = content / "units" / unit_id / str(year)
    if (folder / DOCUMENT_FILE).exists() and not force:
        raise ImportRefused(f"{folder / DOCUMENT_FILE} exists — pass --force to replace it")
    if not source.is_file():
        raise ImportRefused(f"{source}: no such file")

    suffix = source.suffix.lower()
    narrative = ""
    pages: int | None = None
    if suffix == ".pdf":
        from .narrative import to_markdown
        from .pdf import read_pdf
        reading = read_pdf(source)
        grids, cover, pages = reading.grids, reading.cover, reading.pages
        narrative = to_markdown(reading)
    elif suffix in (".xlsx", ".xlsm"):
        from .xlsx import read_xlsx
        grids, cover = read_xlsx(source)
    else:
        raise NotADisclosure(f"{source}: expected a .pdf or an .xlsx workbook")

    name, printed_year = _cover(cover)
    if name and re.search(r"[XＸ×xｘ*＊]{2,}|某某", name):
        raise NotADisclosure(f"{source}: the cover names the unit '{name}', a template placeholder — this is the blank "
                             "template, not a unit's disclosure; nothing to import")
    tables, problems = _tables(grids)
    if printed_year is not None and printed_year != year:
        problems.append(ImportProblem("cover", f"the document reports on {printed_year}, not --year {year}"))
    title = cover or f"{name or unit_id}{year}年度部门决算"

    unit_file = content / "units" / unit_id / "unit.yaml"
    new_unit = None
    written: list[Path] = []
    if not unit_file.exists() and not name:
        raise NotADisclosure(f"{source}: the cover names no unit (expected '<单位名称>{year}年度部门决算')")
    folder.mkdir(parents=True, exist_ok=True)
    if not unit_file.exists():
        new_unit = _unit(name)  # type: ignore[arg-type]
        unit_file.write_text(unit_yaml(new_unit), encoding="utf-8")
        written.append(unit_file)
    header = (f"Imported by `sitegen import` from {source.name}.\n"
              "Review every table against the original before publishing; cells are as printed.")
    (folder / NARRATIVE_FILE).write_text(narrative or f"# {title}\n", encoding="utf-8")
    (folder / DOCUMENT_FILE).write_text(document_yaml(
        kind=kind, year=year, title=title, publisher=name, money_unit=tables[0].money_unit if tables else "万元",
        source=source.name, narrative=NARRATIVE_FILE, tables=tables, header=header, figures=stated_figures(narrative)),
        encoding="utf-8")
    written += [folder / DOCUMENT_FILE, folder / NARRATIVE_FILE]
    doc, errors = load_document(unit_id, folder / DOCUMENT_FILE)
    for error in errors:  # the written file must load; if it does not, say so rather than leave it silently broken
        problems.append(ImportProblem(f"{error.file.name}:{error.line}:{error.column}", error.message))
    found = [failure for table in tables for failure in failures(table)]
    return ImportResult(source, folder, title, tables, problems, found, written, new_unit,
                        time.perf_counter() - started, pages, len(doc.model.figures) if doc else 0)


def _tables(grids: list[Grid]) -> tuple[list[StandardTable], list[ImportProblem]]:
    tables: list[StandardTable] = []
    problems: list[ImportProblem] = []
    seen: set[str] = set()
    for grid in grids:
        try:
            table = to_table(grid)
        except ImportProblem as problem:
            problems.append(problem)
            continue
        if table.id in seen:
            problems.append(ImportProblem(grid.where, f"a second {grid.title} — the first one was kept"))
            continue
        seen.add(table.id)
        tables.append(table)
    return tables, problems


def _cover(cover: str) -> tuple[str | None, int | None]:
    """The unit's name and the year as the cover prints them (``上海市普陀区财政局2024年度部门决算``)."""
    match = re.search(r"^(?P<name>.+?)\s*(?P<year>(19|20)\d\d)\s*年度?\s*部门决算", re.sub(r"\s+", "", cover))
    if not match:
        return None, None
    return match["name"], int(match["year"])


def _unit(name: str) -> Unit:
    """A new unit named as printed, placed by the place names its name begins with
    (省/自治区/直辖市, 市/州/盟, 区/县/旗). A district of a 直辖市 goes in the city slot, so
    the portal shows 上海市 › 普陀区."""
    match = re.match(r"^(?P<province>.+?(省|自治区|市))(?P<city>[^省市]+?(市|州|盟|地区))?(?P<county>[^省市]+?(区|县|旗))?", name)
    province = match["province"] if match else name
    city = match["city"] if match else None
    county = match["county"] if match else None
    if province in _MUNICIPALITIES and county and not city:
        city, county = county, None
        level = "县"
    else:
        level = "县" if county else "市" if city else "省"
    return Unit(name=name, region=Region(province=province, city=city, county=county), level=level)


def report(result: ImportResult, root: Path) -> str:
    """The import report an editor reads: files written, the tables with their rows and printed
    cells, what could not be mapped, the standard tables missing and the identities that fail."""
    where = lambda path: str(path.relative_to(root)) if path.is_relative_to(root) else str(path)  # noqa: E731
    pages = f"{result.pages} pages, " if result.pages else ""
    out = [f"Imported {result.source.name} ({pages}{result.seconds:.1f} s): {result.title}"]
    if result.new_unit:
        region = " › ".join(p for p in (result.new_unit.region.province, result.new_unit.region.city, result.new_unit.region.county) if p)
        out.append(f"  new unit: {result.new_unit.name} ({region}, level {result.new_unit.level}) — check unit.yaml")
    out += [f"  wrote {where(path)}" for path in result.written]
    cells = sum(len(row.cells) for table in result.tables for row in table.rows)
    out.append(f"Tables found: {len(result.tables)} of {len(TITLES)}, {cells} printed amounts; "
               f"{result.figures} stated figure(s) read from the 情况说明 (sections 一–四)")
    for table in result.tables:
        printed = sum(len(row.cells) for row in table.rows)
        pages_text = f"p. {'–'.join(str(p) for p in (table.pages[0], table.pages[-1]) if p) if len(table.pages) > 1 else table.pages[0]}" if table.pages else ""
        state = "empty" + (f" ({table.notes[-1]})" if table.notes else "") if table.empty else f"{printed} printed amounts"
        out.append(f"  {table.number or ''} {table.title:<24} {pages_text:<9} {len(table.rows):>3} rows, {state}")
    if result.missing:
        out.append("Not found: " + "、".join(result.missing))
    if result.problems:
        out.append(f"Could not map ({len(result.problems)}) — left out, fix by hand or report the layout:")
        out += [f"  error: {problem}" for problem in result.problems]
    else:
        out.append("Could not map: nothing.")
    if result.failures:
        out.append(f"Identities that fail ({len(result.failures)}): small differences (0.01) are usually the publication's own rounding;"
                   " larger ones point to a misread cell or a mistake in the publication — compare with the original:")
        out += [f"  {failure}" for failure in result.failures]
    else:
        out.append("Identities that fail: none.")
    out.append("Next: sitegen check, then sitegen build.")
    return "\n".join(out) + "\n"
