"""The loader: YAML traps refused, every error located at file:line:col."""
from decimal import Decimal

import pytest

from sitegen.content import ContentErrors, load_portal

from .conftest import HEADER, write_portal


def errors_of(tmp_path, text: str, file: str = "2023/self-evaluation.yaml") -> list[str]:
    content = write_portal(tmp_path, {file: text})
    with pytest.raises(ContentErrors) as exc:
        load_portal(content, strict=True)
    return [str(e) for e in exc.value.errors]


def test_numbers_stay_text_until_decimal(tmp_path):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": HEADER + "figures:\n  - {label: 合计, amount: 939.10, growth: '0.10%'}\n"})
    doc = load_portal(content).documents()[0]
    assert doc.model.figures[0].amount == Decimal("939.10")
    assert str(doc.model.figures[0].amount) == "939.10"
    assert doc.locate(("figures", 0, "amount")) == (6, 25)


def test_duplicate_key_is_an_error_with_its_line(tmp_path):
    [error] = errors_of(tmp_path, HEADER + "title: again\n")
    assert error.endswith("self-evaluation.yaml:5:1: duplicate key 'title' — each key may appear once in a mapping")


def test_aliases_are_refused(tmp_path):
    [error] = errors_of(tmp_path, HEADER + "figures:\n  - &a {label: x}\n  - *a\n")
    assert ":6:5: anchors and aliases" in error  # the anchor: compose shares the node


def test_wrong_type_names_path_line_and_fix(tmp_path):
    [error] = errors_of(tmp_path, HEADER + "figures:\n  - label: 合计\n    amount: 1,677.95\n")
    assert ":7:13: '1,677.95' is not an amount — remove the thousands separator at figures[0].amount" in error


def test_unknown_key_and_missing_key(tmp_path):
    errors = errors_of(tmp_path, "kind: self_evaluation\nyear: 2023\ntitle: 测试\nfigurez: []\n")
    assert any("unknown key 'figurez'" in e and ":4:10:" in e for e in errors)
    assert any("missing required key 'source'" in e for e in errors)


def test_year_must_match_folder(tmp_path):
    [error] = errors_of(tmp_path, HEADER, file="2022/self-evaluation.yaml")
    assert "year 2023 does not match its folder '2022'" in error and ":2:7:" in error


def test_syntax_error_and_gbk(tmp_path):
    [error] = errors_of(tmp_path, HEADER + "figures: [\n")
    assert "YAML syntax" in error
    content = write_portal(tmp_path, {})
    (content / "units" / "demo" / "2023").mkdir(exist_ok=True)
    (content / "units" / "demo" / "2023" / "self-evaluation.yaml").write_bytes((HEADER + "publisher: 政法委\n").encode("gbk"))
    with pytest.raises(ContentErrors) as exc:
        load_portal(content, strict=True)
    assert "GBK" in str(exc.value.errors[0])


def test_all_errors_reported_together(tmp_path):
    content = write_portal(tmp_path, {"2023/self-evaluation.yaml": HEADER + "year: 2\n", "2023/budget.yaml": "kind: [\n"})
    with pytest.raises(ContentErrors) as exc:
        load_portal(content, strict=True)
    assert len(exc.value.errors) == 2


def test_null_and_tilde_are_empty_but_quoted_null_is_text(tmp_path):
    from sitegen.content.yamlsource import read_yaml
    file = tmp_path / "x.yaml"
    file.write_text('a: null\nb: ~\nc: "null"\nd:\n', encoding="utf-8")
    data, _ = read_yaml(file)
    assert data == {"a": None, "b": None, "c": "null", "d": None}
