"""The content model: units and their three kinds of disclosure document.

Principle (design.md): store what the document declares, exactly as published; the
checker computes what it implies. Nothing here computes derived values or knows HTML.

Shapes follow the seed tables; field names follow the glossary in design.md.
"""
from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from .base import Model, Text
from .tables import StandardTable
from .values import MeasureValue, Money, PercentValue, Points

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
DocumentKind = Literal["budget", "final_accounts", "self_evaluation"]


def check_slug(value: str) -> str:
    if not SLUG.match(value):
        raise ValueError(f"'{value}' is not a slug — use lower-case ASCII letters, digits and '-'")
    return value


# ---------------------------------------------------------------- site and unit


class Suppression(Model):
    """A reviewed finding the web team accepts, with its reason: the finding stays on the page,
    marked as explained, and no longer counts (nor fails ``sitegen check --strict``).

    In ``site.yaml`` it may be scoped by ``unit``, ``year`` and ``document`` (kind); in a
    document it concerns that document. ``path`` narrows it to a data path and what lies under
    it, written as in findings (``project_summary.rows[3]``, ``narrative``). Raises a content
    error for a rule ID that is not in the catalogue.
    """

    rule: Annotated[str, Field(pattern=r"^[A-Z]+-\d{3}$", description="a rule ID such as XREF-003")]
    reason: Text
    path: str | None = None
    unit: str | None = None
    year: int | None = None
    document: DocumentKind | None = None

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        from ..check.rules import RULES_BY_ID  # the catalogue is data; imported late to avoid a cycle
        if value not in RULES_BY_ID:
            raise ValueError(f"unknown rule '{value}' — see the rules pages for the IDs")
        return value


class Site(Model):
    """``content/site.yaml``: the portal's own settings."""

    title: Text
    subtitle: str | None = None
    base_url: str = "/"
    # A BCP 47 tag: it becomes <html lang> and names Pagefind's index (which fails on a long one).
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$",
                                   description="a BCP 47 language tag such as zh-CN")] = "zh-CN"
    theme: str | None = None
    publisher: str | None = None
    suppress: list[Suppression] = []

    @field_validator("theme")
    @classmethod
    def _known_theme(cls, value: str | None, info: ValidationInfo) -> str | None:
        """A theme's name, looked up where ``site.yaml`` is read (``context["site_root"]``,
        the folder holding ``content/`` and ``themes/``), so a misspelling fails at its line."""
        from ..theme import theme_folder  # imported late: the theme module renders, the model must not
        if value is not None and info.context and "site_root" in info.context:
            theme_folder(info.context["site_root"], value)
        return value


class Region(Model):
    """Administrative place of a unit: 省 / 市 (prefecture) / 县 (county)."""

    province: Text
    city: str | None = None
    county: str | None = None


class Unit(Model):
    """``units/<unit-id>/unit.yaml``: a reporting unit (预算单位)."""

    name: Text
    short_name: str | None = None
    region: Region
    level: Literal["省", "市", "县"]
    kind: str | None = None
    parent: str | None = None
    code: str | None = None


# ---------------------------------------------------------------- stated figures


class Figure(Model):
    """One quantity a document states, with what it says about it, and its stated parts.

    Used for narrative statements and the standard tables' figures alike, e.g.
    ``收入合计 1058.66 万元，其中：财政拨款收入 1056.66 万元，占 99.81%``.
    Money in the document's ``money_unit``. ``amount`` is the figure the sentence is
    about (executed for final accounts, budgeted for budgets); the other columns are
    what the document gives next to it. ``parts`` are the stated 其中 items.
    """

    label: Text
    key: str | None = None
    code: str | None = None
    amount: Money | None = None
    initial: Money | None = None
    adjusted: Money | None = None
    previous: Money | None = None
    change: Money | None = None
    growth: PercentValue | None = None
    share: PercentValue | None = None
    completion: PercentValue | None = None
    execution_rate: PercentValue | None = None
    quantity: str | None = None
    text: str | None = None
    section: str | None = None
    parts: list[Figure] = []


# ---------------------------------------------------------------- performance tables


class FundingRow(Model):
    """A row of a performance table's funding block (项目资金 / 预算执行情况).

    ``key``: ``total`` (年度资金总额 / 预算数), ``fiscal`` (其中：财政拨款), ``carryover``
    (上年结转), ``other`` (其他资金), or ``basic`` / ``project`` for department-wide tables.
    """

    label: Text
    key: Literal["total", "fiscal", "carryover", "other", "basic", "project"] | None = None
    initial: Money | None = None
    adjusted: Money | None = None
    received: Money | None = None
    executed: Money | None = None
    weight: Points | None = None
    execution_rate: PercentValue | None = None
    score: Points | None = None


class Goal(Model):
    """A goal (预期目标) and what was achieved (实际完成情况)."""

    target: str | None = None
    result: str | None = None
    completion: str | None = None


class Indicator(Model):
    """One row of a three-level indicator table (绩效指标).

    ``weight`` is 分值 (points, or 权重占比 % where the table converts); ``score`` is 得分
    (折算得分 where the table converts from ``item_score``, the 0–100 单项指标得分).
    """

    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    description: str | None = None
    target: MeasureValue | None = None
    actual: MeasureValue | None = None
    completion: str | None = None
    item_score: Points | None = None
    weight: Points | None = None
    score: Points | None = None
    basis: str | None = None
    deviation: str | None = None


class Evaluation(Model):
    """A performance table: department-wide (部门整体) or one project (项目支出).

    In a self-evaluation it carries actuals and scores; in a budget it carries only the
    targets (绩效目标表). ``group_weights`` are level-1 group weights printed in the table
    (大厂: 产出指标（50）). ``total_weight``/``total_score``/``grade`` are as stated in the
    table's 总分/合计 row; ``execution_weight`` is the execution-rate weight a table states
    only in its notes (乐亭: 预算执行率指标权重占比固定为10%).
    """

    slug: Annotated[str, Field(description="ASCII slug used in the project's URL")]
    name: Text
    department: str | None = None
    implementer: str | None = None
    budget_unit: str | None = None
    level: str | None = None
    funding: list[FundingRow] = []
    goals: list[Goal] = []
    indicators: list[Indicator] = []
    group_weights: dict[str, Points] = {}
    total_weight: Points | None = None
    total_score: Points | None = None
    grade: str | None = None
    execution_weight: Points | None = None
    deviation: str | None = None
    notes: str | None = None
    narrative: str | None = None

    _slug = field_validator("slug")(check_slug)


class SummaryRow(Model):
    """A row of a project summary table (绩效自评情况汇总表); ``project`` is the slug of the
    project's own table in the same document, when it has one."""

    no: str | None = None
    unit: str | None = None
    name: Text
    project: str | None = None
    initial: Money | None = None
    supplementary: Money | None = None
    adjusted: Money | None = None
    executed: Money | None = None
    fund_type: str | None = None
    score: Points | None = None
    grade: str | None = None
    rate: PercentValue | None = None


class SummaryTotal(Model):
    """The summary table's stated totals (合计 row and the lines under it)."""

    label: str = "合计"
    initial: Money | None = None
    adjusted: Money | None = None
    executed: Money | None = None
    rate: PercentValue | None = None
    score: Points | None = None
    project_count: str | None = None
    evaluated_count: str | None = None
    average_score: Points | None = None
    coverage: PercentValue | None = None
    coverage_definition: str | None = None


class ProjectSummary(Model):
    """A department's summary table of its evaluated projects.

    ``score_column`` says what the rows' 得分 column scores, as its header does: each project's
    total self-evaluation score (``total``: 自评得分, 100 points, with 自评等级 — 大厂) or only its
    budget execution (``execution``: 项目资金绩效自评得分, the 10-point execution indicator —
    全南, 定西).
    """

    title: Text
    score_column: Literal["total", "execution"] = "total"
    rows: list[SummaryRow]
    total: SummaryTotal | None = None


class DepartmentGoal(Model):
    """A budget's department-wide performance goal (部门整体绩效目标) with its indicators text."""

    title: str | None = None
    goal: str | None = None
    indicators: str | None = None


# ---------------------------------------------------------------- documents


class Revision(Model):
    """A republication of the document with corrections (修订): ISO date and what changed."""

    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="YYYY-MM-DD")]
    note: Text


class Document(Model):
    """Fields every disclosure document has."""

    kind: DocumentKind
    year: int
    title: Text
    publisher: str | None = None
    published: str | None = None
    money_unit: Literal["万元", "元"] = "万元"
    source: Text
    narrative: str | None = None
    revisions: list[Revision] = []
    figures: list[Figure] = []
    suppress: list[Suppression] = []

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"(19|20)\d\d", value.strip()):
            raise ValueError(f"'{value}' is not a year — expected four digits such as 2023")
        return value


class Budget(Document):
    """部门预算: figures, its standard tables (部门收支总表 …), department-wide goals and the
    project performance-target tables."""

    kind: Literal["budget"]
    tables: list[StandardTable] = []
    department_goals: list[DepartmentGoal] = []
    projects: list[Evaluation] = []


class FinalAccounts(Document):
    """部门决算: its standard tables (一..九) as printed, the figures the 情况说明 states and
    the 情况说明 itself."""

    kind: Literal["final_accounts"]
    tables: list[StandardTable] = []


class SelfEvaluation(Document):
    """绩效自评: department-wide table, project tables and the projects' summary table."""

    kind: Literal["self_evaluation"]
    department_wide: Evaluation | None = None
    projects: list[Evaluation] = []
    project_summary: ProjectSummary | None = None


AnyDocument = Annotated[Budget | FinalAccounts | SelfEvaluation, Field(discriminator="kind")]

FILE_NAMES: dict[str, DocumentKind] = {
    "budget.yaml": "budget",
    "final-accounts.yaml": "final_accounts",
    "self-evaluation.yaml": "self_evaluation",
}
