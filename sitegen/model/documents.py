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
DocumentKind = str
"""A registered document kind's name (``sitegen.kinds``): budget, final_accounts, self_evaluation
and any a plugin registers."""


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

    rule: Annotated[str, Field(pattern=r"^[A-Z]+-\d{3}$", title="规则", description="a rule ID such as XREF-003 (built-in or a plugin's)")]
    reason: Text = Field(title="说明", description="why the finding is accepted; shown on the page")
    path: str | None = Field(None, title="数据路径", description="narrows it to a data path and what lies under it (project_summary.rows[3])")
    unit: str | None = Field(None, title="单位", description="site.yaml only: a unit id")
    year: int | None = Field(None, title="年度", description="site.yaml only")
    document: DocumentKind | None = Field(None, title="文件类型", description="site.yaml only: a document kind (budget, final_accounts, self_evaluation, or a plugin's)")

    @field_validator("rule")
    @classmethod
    def _known_rule(cls, value: str) -> str:
        """Any registered rule, built-in or a plugin's (one named above in ``plugins:`` too)."""
        from ..check.rules import RULES_BY_ID  # the registry reads the plugins; imported late to avoid a cycle
        if value not in RULES_BY_ID:
            raise ValueError(f"unknown rule '{value}' — see the rules pages for the IDs")
        return value

    @field_validator("document")
    @classmethod
    def _known_kind(cls, value: str | None) -> str | None:
        from ..plugins import kinds
        if value is not None and value not in kinds():
            raise ValueError(f"unknown document kind '{value}' — expected one of {', '.join(kinds())}")
        return value


class Site(Model):
    """``content/site.yaml``: the portal's own settings."""

    title: Text = Field(title="门户名称")
    subtitle: str | None = Field(None, title="副标题")
    # Where the portal is published: an absolute http(s) URL (sitemap and feed need one) or a
    # path from the server's root; it becomes link targets, so no other scheme gets in.
    base_url: Annotated[str, Field(pattern=r"^(https?://[^\s<>\"'`]+|/([^/\s<>\"'`:][^\s<>\"'`:]*)?)$", title="网址",
                                   description="the portal's address: https://host/path/ (or /path/)")] = "/"
    # A BCP 47 tag: it becomes <html lang> and names Pagefind's index (which fails on a long one).
    language: Annotated[str, Field(pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", title="语言",
                                   description="a BCP 47 language tag such as zh-CN")] = "zh-CN"
    theme: str | None = Field(None, title="主题", description="a folder of themes/ beside content/, or a shipped theme")
    publisher: str | None = Field(None, title="发布单位")
    plugins: list[str] = Field([], title="插件", description="plugin modules to register (importable module names or installed sitegen.plugins entry points); see docs/plugins.md")
    suppress: list[Suppression] = Field([], title="已说明的核对发现", description="site-wide suppressions, scoped by unit, year and document")

    @field_validator("plugins")
    @classmethod
    def _load_plugins(cls, value: list[str]) -> list[str]:
        """Registers each plugin as ``site.yaml`` is read (before ``suppress:``, which may name
        its rules), so a name that cannot be loaded fails at its line, listing the choices."""
        from ..plugins import PluginError, use  # imported late: the plugin manager imports the model
        try:
            use(value)
        except PluginError as exc:
            raise ValueError(str(exc)) from None
        return value

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

    province: Text = Field(title="省")
    city: str | None = Field(None, title="市", description="prefecture-level city")
    county: str | None = Field(None, title="县", description="county-level place")


class Unit(Model):
    """``units/<unit-id>/unit.yaml``: a reporting unit (预算单位)."""

    name: Text = Field(title="单位名称")
    short_name: str | None = Field(None, title="简称")
    region: Region = Field(title="地区")
    level: Literal["省", "市", "县"] = Field(title="级次")
    kind: str | None = Field(None, title="单位类型")
    parent: str | None = Field(None, title="上级单位", description="unit id of the parent unit")
    code: str | None = Field(None, title="单位编码")


# ---------------------------------------------------------------- stated figures


class Figure(Model):
    """One quantity a document states, with what it says about it, and its stated parts.

    Used for narrative statements and the standard tables' figures alike, e.g.
    ``收入合计 1058.66 万元，其中：财政拨款收入 1056.66 万元，占 99.81%``.
    Money in the document's ``money_unit``. ``amount`` is the figure the sentence is
    about (executed for final accounts, budgeted for budgets); the other columns are
    what the document gives next to it. ``parts`` are the stated 其中 items.
    """

    label: Text = Field(title="项目", description="the figure's name as printed (收入合计)")
    key: str | None = Field(None, title="键", description="a stable key the checks and key figures read: revenue, expenditure, functional, three_public, …")
    code: str | None = Field(None, title="科目编码", description="its classification code as printed (2010301)")
    amount: Money | None = Field(None, title="金额", description="the figure the sentence is about: executed (决算) or budgeted (预算), in money_unit")
    initial: Money | None = Field(None, title="年初预算数")
    adjusted: Money | None = Field(None, title="全年预算数", description="调整预算数")
    previous: Money | None = Field(None, title="上年数")
    change: Money | None = Field(None, title="增减额")
    growth: PercentValue | None = Field(None, title="增减率", description="as published, e.g. 2.38%")
    share: PercentValue | None = Field(None, title="占比", description="share of its total, as published")
    completion: PercentValue | None = Field(None, title="完成年初预算", description="完成年初预算的比例, as published")
    execution_rate: PercentValue | None = Field(None, title="执行率")
    quantity: str | None = Field(None, title="数量", description="a stated count with its unit (3辆)")
    text: str | None = Field(None, title="说明")
    section: str | None = Field(None, title="所在部分", description="the section of the document the figure belongs to; one table per section on the page")
    parts: list[Figure] = Field([], title="其中", description="the stated 其中 items")


# ---------------------------------------------------------------- performance tables


class FundingRow(Model):
    """A row of a performance table's funding block (项目资金 / 预算执行情况).

    ``key``: ``total`` (年度资金总额 / 预算数), ``fiscal`` (其中：财政拨款), ``carryover``
    (上年结转), ``other`` (其他资金), or ``basic`` / ``project`` for department-wide tables.
    """

    label: Text = Field(title="资金")
    key: Literal["total", "fiscal", "carryover", "other", "basic", "project"] | None = Field(None, title="资金类别", description="total, fiscal, carryover, other; basic or project in department-wide tables")
    initial: Money | None = Field(None, title="年初预算数")
    adjusted: Money | None = Field(None, title="全年预算数")
    received: Money | None = Field(None, title="到位数")
    executed: Money | None = Field(None, title="全年执行数")
    weight: Points | None = Field(None, title="分值", description="points of the execution-rate indicator")
    execution_rate: PercentValue | None = Field(None, title="执行率")
    score: Points | None = Field(None, title="得分")


class Goal(Model):
    """A goal (预期目标) and what was achieved (实际完成情况)."""

    target: str | None = Field(None, title="预期目标")
    result: str | None = Field(None, title="实际完成情况")
    completion: str | None = Field(None, title="完成情况")


class Indicator(Model):
    """One row of a three-level indicator table (绩效指标).

    ``weight`` is 分值 (points, or 权重占比 % where the table converts); ``score`` is 得分
    (折算得分 where the table converts from ``item_score``, the 0–100 单项指标得分).
    """

    level1: str | None = Field(None, title="一级指标")
    level2: str | None = Field(None, title="二级指标")
    name: str | None = Field(None, title="三级指标")
    description: str | None = Field(None, title="指标说明")
    target: MeasureValue | None = Field(None, title="年度指标值", description="as printed, e.g. ≥95%")
    actual: MeasureValue | None = Field(None, title="实际完成值")
    completion: str | None = Field(None, title="完成情况")
    item_score: Points | None = Field(None, title="单项得分", description="0–100 before conversion by weight")
    weight: Points | None = Field(None, title="分值", description="points, or 权重占比 % where the table converts")
    score: Points | None = Field(None, title="得分")
    basis: str | None = Field(None, title="指标值确定依据")
    deviation: str | None = Field(None, title="偏差原因及改进措施")


class Evaluation(Model):
    """A performance table: department-wide (部门整体) or one project (项目支出).

    In a self-evaluation it carries actuals and scores; in a budget it carries only the
    targets (绩效目标表). ``group_weights`` are level-1 group weights printed in the table
    (大厂: 产出指标（50）). ``total_weight``/``total_score``/``grade`` are as stated in the
    table's 总分/合计 row; ``execution_weight`` is the execution-rate weight a table states
    only in its notes (乐亭: 预算执行率指标权重占比固定为10%).
    """

    slug: Annotated[str, Field(title="项目代号", description="ASCII slug used in the project's URL")]
    name: Text = Field(title="项目名称")
    department: str | None = Field(None, title="主管部门")
    implementer: str | None = Field(None, title="实施单位")
    budget_unit: str | None = Field(None, title="预算单位")
    level: str | None = Field(None, title="级次")
    funding: list[FundingRow] = Field([], title="项目资金")
    goals: list[Goal] = Field([], title="年度总体目标")
    indicators: list[Indicator] = Field([], title="绩效指标")
    group_weights: dict[str, Points] = Field({}, title="一级指标分值", description="level-1 group weights printed in the table, e.g. 产出指标: 50")
    total_weight: Points | None = Field(None, title="总分值")
    total_score: Points | None = Field(None, title="自评得分")
    grade: str | None = Field(None, title="自评等级", description="优, 良, 中 or 差")
    execution_weight: Points | None = Field(None, title="预算执行率指标分值", description="stated only in the table's notes")
    deviation: str | None = Field(None, title="偏差原因及改进措施")
    notes: str | None = Field(None, title="表注")
    narrative: str | None = Field(None, title="情况说明", description="a Markdown file beside the YAML")

    _slug = field_validator("slug")(check_slug)


class SummaryRow(Model):
    """A row of a project summary table (绩效自评情况汇总表); ``project`` is the slug of the
    project's own table in the same document, when it has one."""

    no: str | None = Field(None, title="序号")
    unit: str | None = Field(None, title="预算单位")
    name: Text = Field(title="项目名称")
    project: str | None = Field(None, title="项目自评表", description="slug of the project's own table in the same document")
    initial: Money | None = Field(None, title="年初预算数")
    supplementary: Money | None = Field(None, title="年中追加/追减")
    adjusted: Money | None = Field(None, title="全年预算数")
    executed: Money | None = Field(None, title="全年执行数")
    fund_type: str | None = Field(None, title="资金类型")
    score: Points | None = Field(None, title="自评得分")
    grade: str | None = Field(None, title="自评等级")
    rate: PercentValue | None = Field(None, title="自评率")


class SummaryTotal(Model):
    """The summary table's stated totals (合计 row and the lines under it)."""

    label: str = Field("合计", title="合计", description="the total row's name as printed")
    initial: Money | None = Field(None, title="年初预算数")
    adjusted: Money | None = Field(None, title="全年预算数")
    executed: Money | None = Field(None, title="全年执行数")
    rate: PercentValue | None = Field(None, title="自评率")
    score: Points | None = Field(None, title="自评得分")
    project_count: str | None = Field(None, title="部门预算项目总个数")
    evaluated_count: str | None = Field(None, title="开展绩效自评项目数")
    average_score: Points | None = Field(None, title="自评平均分")
    coverage: PercentValue | None = Field(None, title="比例")
    coverage_definition: str | None = Field(None, title="比例的定义", description="the formula printed for 比例")


class ProjectSummary(Model):
    """A department's summary table of its evaluated projects.

    ``score_column`` says what the rows' 得分 column scores, as its header does: each project's
    total self-evaluation score (``total``: 自评得分, 100 points, with 自评等级 — 大厂) or only its
    budget execution (``execution``: 项目资金绩效自评得分, the 10-point execution indicator —
    全南, 定西).
    """

    title: Text = Field(title="表名")
    score_column: Literal["total", "execution"] = Field("total", title="得分列", description="total: 自评得分 out of 100; execution: the 10-point execution indicator")
    rows: list[SummaryRow] = Field(title="项目行")
    total: SummaryTotal | None = Field(None, title="合计")


class DepartmentGoal(Model):
    """A budget's department-wide performance goal (部门整体绩效目标) with its indicators text."""

    title: str | None = Field(None, title="标题")
    goal: str | None = Field(None, title="绩效目标")
    indicators: str | None = Field(None, title="绩效指标")


# ---------------------------------------------------------------- documents


class Revision(Model):
    """A republication of the document with corrections (修订): ISO date and what changed."""

    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$", title="修订日期", description="YYYY-MM-DD")]
    note: Text = Field(title="修订说明")


class Document(Model):
    """Fields every disclosure document has."""

    kind: str = Field(title="文件类型", description="the document kind; must match the file name")
    year: int = Field(title="年度", description="four digits; must match the year folder")
    title: Text = Field(title="标题", description="the document's title as published")
    publisher: str | None = Field(None, title="发布单位")
    published: str | None = Field(None, title="发布日期", description="as printed, e.g. 2024年3月1日")
    money_unit: Literal["万元", "元"] = Field("万元", title="金额单位")
    source: Text = Field(title="来源", description="where the published document can be found")
    narrative: str | None = Field(None, title="情况说明", description="a Markdown file beside the YAML")
    revisions: list[Revision] = Field([], title="修订记录")
    figures: list[Figure] = Field([], title="文件所列数字")
    suppress: list[Suppression] = Field([], title="已说明的核对发现")

    @field_validator("year", mode="before")
    @classmethod
    def _year(cls, value: object) -> object:
        if isinstance(value, str) and not re.fullmatch(r"(19|20)\d\d", value.strip()):
            raise ValueError(f"'{value}' is not a year — expected four digits such as 2023")
        return value


class Budget(Document):
    """部门预算: figures, its standard tables (部门收支总表 …), department-wide goals and the
    project performance-target tables."""

    kind: Literal["budget"] = Field(title="文件类型", description="the document kind; must match the file name")
    tables: list[StandardTable] = Field([], title="部门预算表", description="the standard tables as printed")
    department_goals: list[DepartmentGoal] = Field([], title="部门整体绩效目标")
    projects: list[Evaluation] = Field([], title="项目绩效目标表")


class FinalAccounts(Document):
    """部门决算: its standard tables (一..九) as printed, the figures the 情况说明 states and
    the 情况说明 itself."""

    kind: Literal["final_accounts"] = Field(title="文件类型", description="the document kind; must match the file name")
    tables: list[StandardTable] = Field([], title="部门决算表", description="the standard tables as printed")


class SelfEvaluation(Document):
    """绩效自评: department-wide table, project tables and the projects' summary table."""

    kind: Literal["self_evaluation"] = Field(title="文件类型", description="the document kind; must match the file name")
    department_wide: Evaluation | None = Field(None, title="部门整体支出绩效自评表")
    projects: list[Evaluation] = Field([], title="项目支出绩效自评表")
    project_summary: ProjectSummary | None = Field(None, title="项目自评汇总表")

