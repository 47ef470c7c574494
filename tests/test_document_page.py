"""A document page answers first: its key figures and finding counts before anything else."""
from __future__ import annotations

import re

from sitegen.render import urls
from sitegen.render.keyfigures import headline


def _doc(portal, unit_id, kind):
    return next(d for d in portal.documents() if d.unit_id == unit_id and d.kind == kind)


def test_final_accounts_headline_is_what_the_document_states(portal):
    figures = {h.label: (h.text, h.unit, h.stated) for h in headline(_doc(portal, "dingxi-zfw", "final_accounts"))}
    assert figures == {"收入合计": ("1,058.66", "万元", True), "支出合计": ("1,055.32", "万元", True),
                       "“三公”经费支出": ("0.66", "万元", True)}


def test_self_evaluation_headline_gives_execution_rate_scores_and_grades(portal):
    dachang = {h.label: h for h in headline(_doc(portal, "dachang-zfw", "self_evaluation"))}
    assert (dachang["预算执行率"].text, dachang["预算执行率"].stated) == ("98.81", False)  # computed from the summary table
    assert dachang["项目平均得分"].text == "94.09" and dachang["项目平均得分"].note == "11 个项目：优 9、中 2"
    laoting = {h.label: h for h in headline(_doc(portal, "laoting-zfw", "self_evaluation"))}
    assert (laoting["预算执行率"].text, laoting["预算执行率"].stated) == ("55.97", True)  # as printed
    assert (laoting["部门整体自评得分"].text, laoting["部门整体自评得分"].note) == ("95.6", "等级 优（按分数）")


def test_key_figures_and_finding_counts_come_first_and_carry_their_findings(built, portal, findings):
    output, _ = built
    doc = _doc(portal, "dingxi-zfw", "final_accounts")
    html = (output / urls.file_for(urls.document(doc))).read_text(encoding="utf-8")
    main = html[html.index('<main'):]
    assert main.index('class="key-figures"') < main.index('<dl class="meta">') < main.index('id="findings-title"')
    # SUM-001 on 支出合计 is a rounding notice (尾差) in the real document
    box = re.search(r'<div class="key-figure flagged notice">\s*<dt>支出合计</dt>\s*<dd>(.*?)</dd>', main, re.S)
    assert box and '<span class="figure">1,055.32</span> 万元' in box.group(1) and ">SUM-001</a>" in box.group(1)
    counts = re.search(r'<a class="finding-counts" href="#findings-title">(.*?)</a>', main, re.S).group(1)
    for severity, word in (("error", "错误"), ("warning", "警告"), ("notice", "提示")):
        expected = sum(f.severity == severity and f.counts for f in findings[doc.key])
        assert f"{word} {expected}<" in counts


def test_a_final_accounts_of_standard_tables_heads_with_their_printed_totals(portal):
    """上海普陀规划资源局: its 三公经费 is the 合计 cell of the standard table, in that table's unit."""
    figures = {h.label: (h.text, h.unit, h.stated, h.path[0]) for h in headline(_doc(portal, "putuo-ghj", "final_accounts"))}
    assert figures == {"本年收入合计": ("9,746.50", "万元", True, "figures"), "本年支出合计": ("9,759.38", "万元", True, "figures"),
                       "“三公”经费支出合计": ("0.39", "万元", True, "tables")}
