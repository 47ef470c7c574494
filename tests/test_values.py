from decimal import Decimal

import pytest

from sitegen.model.values import Measure, Percent, parse_decimal


def test_decimal_keeps_published_places():
    assert parse_decimal("939.10") == Decimal("939.10")
    assert str(parse_decimal("939.10")) == "939.10"
    assert str(parse_decimal("１６７７．９５")) == "1677.95"


@pytest.mark.parametrize("bad, hint", [("1,677.95", "thousands separator"), ("12万", "remove the unit"), ("abc", "expected digits"), (1.5, "as text")])
def test_decimal_refuses_with_a_hint(bad, hint):
    with pytest.raises(ValueError, match=hint):
        parse_decimal(bad)


def test_percent_precision_and_full_width():
    p = Percent.model_validate("55.97%")
    assert (p.value, p.places, p.text) == (Decimal("55.97"), 2, "55.97%")
    assert Percent.model_validate("100％").places == 0
    assert Percent.model_validate("-13.91%").value == Decimal("-13.91")
    with pytest.raises(ValueError):
        Percent.model_validate("55.97")


@pytest.mark.parametrize("text, comparator, number, unit", [
    ("≥95%", "≥", Decimal("95"), "%"), ("≥ 30 万人", "≥", Decimal("30"), "万人"), ("＝1629条", "=", Decimal("1629"), "条"),
    ("100元/人/年", None, Decimal("100"), "元/人/年"), ("及时", None, None, None),
])
def test_measure_parses_targets(text, comparator, number, unit):
    m = Measure.model_validate(text)
    assert (m.text, m.comparator, m.number, m.unit) == (text, comparator, number, unit)


def test_measure_from_split_columns():
    m = Measure.model_validate({"comparator": "≥", "value": "30", "unit": "万"})
    assert (m.text, m.comparator, m.number, m.unit, m.split) == ("≥30万", "≥", Decimal("30"), "万", True)
