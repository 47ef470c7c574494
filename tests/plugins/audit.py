"""A sitegen plugin written against the public hooks only (nothing under sitegen/ changes):

- a rule, PLUG-001: a document's title should name its year;
- a chart: the document's stated top-level figures;
- an output format: ``catalogue.json``, every document of the portal with its URL and counts;
- a document kind, ``audit_report`` (审计结果公告), read from ``audit-report.yaml``.

Named in a site's ``site.yaml`` as ``plugins: [tests.plugins.audit]``.
"""
from __future__ import annotations

import json
from typing import Literal

from sitegen.check.rules import Rule, RuleSet
from sitegen.hookspecs import hookimpl
from sitegen.kinds import DocumentKindSpec
from sitegen.model.documents import Document
from sitegen.render import urls
from sitegen.render.charts import Bar, bar_chart
from sitegen.render.formatting import money

TITLE_YEAR = Rule("PLUG-001", "PLUG", "warning", "文件标题没有写明年度",
                  "公开文件的标题应写明所属年度（如“2023年度部门决算”），便于公众按年度查找。",
                  "测试插件", "标题“部门决算”没有年度")


def check_title_year(doc, report) -> None:
    if str(doc.year) not in doc.model.title:
        report.add("PLUG-001", ("title",), declared=doc.model.title, computed=f"{doc.year}年", difference="",
                   message=f"标题没有写明 {doc.year} 年")


class AuditReport(Document):
    """审计结果公告: what the audit office found, as stated figures and a narrative."""

    kind: Literal["audit_report"]


@hookimpl
def register_rules():
    return [RuleSet((TITLE_YEAR,), (check_title_year,))]


@hookimpl
def register_document_kinds():
    return [DocumentKindSpec("audit_report", AuditReport, "audit-report.yaml", "audit-report", 40, "审计结果公告")]


@hookimpl
def document_charts(doc, marks):
    figures = [(i, f) for i, f in enumerate(doc.model.figures) if f.amount is not None]
    bars = [Bar(f.label, (f.amount,), (("figures", i, "amount"),)) for i, f in figures]
    chart = bar_chart("plugin", f"文件所列金额（{doc.model.money_unit}，插件图表）", doc.model.money_unit, ("金额",), bars, marks, money)
    return [chart] if chart else []


@hookimpl
def portal_outputs(output):
    entries = [{"unit": doc.unit_id, "year": doc.year, "kind": doc.kind, "url": urls.document(doc),
                "findings": len(output.findings.get(doc.key, []))} for doc in output.portal.documents()]
    output.write("catalogue.json", json.dumps(entries, ensure_ascii=False, sort_keys=True, indent=1))
