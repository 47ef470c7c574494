"""The stated figures of a 部门决算's 情况说明 that follow the template's sentences closely enough
to map without guessing (template pp.15–16: sections 一 to 四):

* 一 ``收入支出总计 X 万元。与 Y 年度相比，收入支出总计增加/减少 C 万元，增长/下降 G%`` → ``total_revenue_expenditure``
* 二 ``本年收入合计 X 万元，其中：财政拨款收入 A 万元，占 P%；其他收入 B 万元，占 Q%`` → ``revenue`` and its parts
* 三 ``本年支出合计 X 万元，其中：基本支出 A 万元，占 P%；项目支出 B 万元，占 Q%`` → ``expenditure`` and its parts
* 四 ``财政拨款收入支出总计 X 万元 … 增加/减少 C 万元，增长/下降 G%`` (or ``持平``) → ``fiscal_total``

Numbers are kept as printed (``6.2`` stays ``6.2``); a sentence that does not match is left to
the editor — the figures are a draft, the narrative Markdown holds every word.
"""
from __future__ import annotations

import re

from ..model.documents import Figure

_NUMBER = r"(-?\d+(?:\.\d+)?)"
_PART_KEYS = {"财政拨款收入": "fiscal_appropriation", "其他收入": "other_revenue", "事业收入": "service_revenue",
              "经营收入": "business_revenue", "基本支出": "basic", "项目支出": "project"}  # content-format's standard keys


def _sections(markdown: str) -> dict[str, str]:
    """The text under each ``### 一、…`` heading of 第三部分, by its numeral."""
    out: dict[str, str] = {}
    current = None
    for line in markdown.splitlines():
        heading = re.match(r"^### ([一二三四五六七八九十]+)、(.*)", line)
        if heading:
            current = heading[1] if "说明" in heading[2] or "情况" in heading[2] else None
            if current in out:  # the first 一、 of the body is 主要职能; keep the 情况说明 one
                current = None
            if current:
                out[current] = f"{heading[1]}、{heading[2]}\n"
            continue
        if line.startswith(("## ", "### ")):
            current = None
        elif current:
            out[current] += line
    return out


def _change(text: str, label: str, section: str, key: str) -> Figure | None:
    match = re.search(rf"{label}{_NUMBER}万元", text)
    if not match:
        return None
    fields: dict = {"label": label, "key": key, "section": section, "amount": match[1]}
    change = re.search(rf"{label}(增加|减少){_NUMBER}万元，(增长|下降){_NUMBER}(%|％)", text)
    if change:
        sign = "-" if change[1] == "减少" else ""
        fields["change"] = sign + change[2]
        fields["growth"] = ("-" if change[3] == "下降" else "") + change[4] + "%"
    elif re.search(rf"{label}持平", text):
        fields["text"] = "持平"
    return Figure(**fields)


def _with_parts(text: str, label: str, section: str, key: str) -> Figure | None:
    match = re.search(rf"{label}{_NUMBER}万元，其中：(.*)", text)
    if not match:
        return None
    parts = []
    for name, amount, share in re.findall(rf"([\u4e00-\u9fff]+?){_NUMBER}万元，占{_NUMBER}%", match[2]):
        parts.append(Figure(label=name, key=_PART_KEYS.get(name), amount=amount, share=f"{share}%"))
    return Figure(label=label, key=key, section=section, amount=match[1], parts=parts)


def stated_figures(markdown: str) -> list[Figure]:
    """The figures of sections 一–四 that match the template's sentences (see the module docstring)."""
    sections = _sections(markdown)
    found: list[Figure | None] = []
    if "一" in sections:
        text = sections["一"]
        found.append(_change(text, "收入支出总计", text.split("\n")[0], "total_revenue_expenditure"))
    if "二" in sections:
        found.append(_with_parts(sections["二"], "本年收入合计", sections["二"].split("\n")[0], "revenue"))
    if "三" in sections:
        found.append(_with_parts(sections["三"], "本年支出合计", sections["三"].split("\n")[0], "expenditure"))
    if "四" in sections:
        found.append(_change(sections["四"], "财政拨款收入支出总计", sections["四"].split("\n")[0], "fiscal_total"))
    return [figure for figure in found if figure is not None]
