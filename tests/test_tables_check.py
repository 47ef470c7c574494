"""The table checks' building blocks: direction statements, the code lists, flattened narratives."""
from __future__ import annotations

from decimal import Decimal

import pytest

from sitegen.check.arith import Approx, Verdict
from sitegen.check.prose import Passage
from sitegen.check.statements import Direction, direction_of, find_directions, judge
from sitegen.check.tables_frame import standard_names
from sitegen.check.tables_narrative import Flat, sections


def money(text: str) -> Approx:
    return Approx.money(Decimal(text))


def test_direction_words_longest_first():
    found = [(s.word, s.direction, s.roughly) for s in find_directions("决算数与预算数基本持平，未达到目标，支出减少")]
    assert found == [("基本持平", Direction.SAME, True), ("未达到", Direction.LESS, False), ("减少", Direction.LESS, False)]
    assert direction_of("超过") is Direction.MORE and direction_of("支出") is None


@pytest.mark.parametrize("direction, subject, reference, roughly, verdict", [
    (Direction.LESS, "1511.89", "1560.05", False, Verdict.CONSISTENT),      # 财政局 item 1: 决算数小于预算数
    (Direction.MORE, "1511.89", "1560.05", False, Verdict.INCONSISTENT),
    (Direction.SAME, "10.00", "10.00", False, Verdict.CONSISTENT),          # 决算数与预算数基本持平
    (Direction.SAME, "10.00", "10.01", False, Verdict.ROUNDING),            # equal within the printed rounding
    (Direction.SAME, "10.00", "10.05", True, Verdict.CONSISTENT),           # 基本持平: 0.5% apart
    (Direction.SAME, "10.00", "10.50", True, Verdict.INCONSISTENT),         # 5% apart is not 基本持平
    (Direction.LESS, "10.00", "10.00", False, Verdict.INCONSISTENT),        # 小于 of two equal amounts
    (Direction.MORE, "10.01", "10.00", False, Verdict.ROUNDING),            # 大于 by less than the rounding
])
def test_judge(direction, subject, reference, roughly, verdict):
    assert judge(direction, money(subject), money(reference), roughly=roughly) is verdict


def test_judge_word_reads_the_printed_word():
    from sitegen.check.statements import judge_word
    assert judge_word("基本持平", money("10.00"), money("10.05")) is Verdict.CONSISTENT
    assert judge_word("持平", money("10.00"), money("10.05")) is Verdict.INCONSISTENT
    assert judge_word("未达到", money("95"), money("100")) is Verdict.CONSISTENT
    assert judge_word("主要原因", money("1"), money("2")) is None


def test_code_lists_cover_the_template_and_the_real_tables():
    functional, economic = standard_names("functional"), standard_names("economic")
    assert all(len(code) in (3, 5, 7) and code.isdigit() and name for code, name in functional.items())
    assert all(len(code) in (3, 5) and code.isdigit() and name for code, name in economic.items())
    # the template's 24 classes of 收入支出决算总表 plus 债务还本/付息 (财政局 prints 26)
    classes = {code for code in functional if len(code) == 3}
    assert {"201", "208", "210", "212", "220", "221", "231", "232", "234"} <= classes and len(classes) == 29
    assert functional["2080599"] == "其他行政事业单位养老支出" and functional["22102"] == "住房改革支出"
    # template p.11: 2 + 25 items on the left, 2 + 36 on the right
    assert len(economic) == 65 and economic["30212"] == "因公出国（境）费用" and economic["31007"] == "信息网络及软件购置更新"


def test_flat_text_keeps_the_original_positions():
    text = "## 四、财政拨款收入支出决算总体情况说明\n上海市普陀区财政局2024 年度财政拨款收入支\n出总计 0.3 万元。"
    flat = Flat.of(Passage(("narrative",), text, None, 1, 1, True))
    assert "财政拨款收入支出总计0.3万元" in flat.text
    start = flat.text.index("0.3")
    assert flat.at(start)[1:] == (3, 5)  # line 3, column 5 of the Markdown
    assert [kind for kind, _, _ in sections(flat)] == ["fiscal_total"]
