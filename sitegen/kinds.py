"""The document-kind declaration: everything sitegen needs to know about one kind of
disclosure document, in one place. The built-in kinds (部门预算, 部门决算, 绩效自评) are declared
in ``sitegen/builtin.py``; a plugin declares more through ``register_document_kinds``.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model.documents import Document

NAME = re.compile(r"^[a-z][a-z0-9_]{0,40}$")


@dataclass(frozen=True)
class DocumentKindSpec:
    """One kind of document.

    ``name``: the ``kind:`` value in its YAML and the pydantic discriminator (``model`` must
    declare ``kind: Literal[name]``); ``file_name``: its file in ``units/<unit>/<year>/``;
    ``url``: its URL segment (``units/<unit>/<year>/<url>/``); ``order``: its place among a
    year's documents (smaller first); ``label``: its Chinese name (部门预算), used in headings,
    breadcrumbs, feeds and charts; ``charts(doc, marks) -> list[Chart]``: its chart set;
    ``tables(doc, findings) -> list[DataTable]``: its open-data tables; ``template``: the
    theme template of its page. Raises ``ValueError`` for a malformed declaration.
    """

    name: str
    model: type[Document]
    file_name: str
    url: str
    order: int
    label: str
    charts: Callable | None = None
    tables: Callable | None = None
    template: str = "document.html"

    def __post_init__(self) -> None:
        if not NAME.match(self.name):
            raise ValueError(f"document kind name '{self.name}' must be lower-case ASCII letters, digits and '_'")
        if not self.file_name.endswith(".yaml") or "/" in self.file_name:
            raise ValueError(f"document kind '{self.name}': file_name '{self.file_name}' must be a .yaml file name")
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", self.url):
            raise ValueError(f"document kind '{self.name}': url '{self.url}' must be a slug")
        declared = self.model.model_fields["kind"].annotation
        if getattr(declared, "__args__", None) != (self.name,):
            raise ValueError(f"document kind '{self.name}': {self.model.__name__}.kind must be Literal['{self.name}']")
