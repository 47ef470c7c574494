"""The portal's URL scheme: stable, readable, ASCII (``units/<unit-id>/<year>/<kind>/``)."""
from __future__ import annotations

from ..model.portal import LoadedDocument
from ..plugins import kind as kind_spec


def unit(unit_id: str) -> str:
    return f"units/{unit_id}/"


def document(doc: LoadedDocument) -> str:
    return document_at(doc.unit_id, doc.year, doc.kind)


def document_at(unit_id: str, year: int, kind: str) -> str:
    """URL of a document by its coordinates (also for one that failed to load)."""
    return f"units/{unit_id}/{year}/{kind_spec(kind).url}/"


def project(doc: LoadedDocument, slug: str) -> str:
    return f"{document(doc)}projects/{slug}/"


def rule(rule_id: str) -> str:
    return f"rules/{rule_id.lower()}/"


def region(anchor: str) -> str:
    """A place's page; ``anchor`` is the place's ASCII anchor (``regions.anchor``)."""
    return f"regions/{anchor}/"


def region_archive(anchor: str) -> str:
    """The ZIP of the open data of the units placed at a place (``export.PlaceArchive``)."""
    return f"downloads/{anchor}.zip"


def region_quality(anchor: str) -> str:
    """The findings of the units placed at a place."""
    return f"data-quality/{anchor}/"


RULES = "rules/"
SEARCH = "search/"
DATA_QUALITY = "data-quality/"


def file_for(url: str) -> str:
    """Output file of a page URL: ``units/x/`` → ``units/x/index.html``."""
    return f"{url}index.html"


def root_from(url: str) -> str:
    """Relative prefix from the page at ``url`` back to the portal root (works from file:// too)."""
    return "../" * url.count("/") if url else ""
