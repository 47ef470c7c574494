"""Broken and hostile content: each case gives the exact error (file:line:col and message)
or the harmless output it must produce. Nothing here may raise an unhandled exception."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from sitegen.builder import build_portal
from sitegen.content import ContentErrors, load_portal

from .conftest import HEADER, UNIT, write_portal

DOC = "2023/self-evaluation.yaml"
FIG = HEADER + "figures:\n  - label: 合计\n    amount: {}\n"          # amount value at line 7, column 13
PCT = HEADER + "figures:\n  - label: 执行\n    execution_rate: {}\n"  # value at line 7, column 21


def narrative(path: str) -> str:
    return HEADER + f"narrative: {path}\n"


# (id, {file under units/demo: text or bytes}, expected "file:line:col: fragment")
ERROR_CASES = [
    ("duplicate-top-key", {DOC: HEADER + "year: 2024\n"}, f"{DOC}:5:1: duplicate key 'year'"),
    ("duplicate-nested-key", {DOC: HEADER + "figures:\n  - label: a\n    label: b\n"}, f"{DOC}:7:5: duplicate key 'label'"),
    ("alias", {DOC: HEADER + "figures:\n  - &x {label: a}\n  - *x\n"}, f"{DOC}:6:5: anchors and aliases"),
    ("merge-key", {DOC: HEADER + "figures:\n  - <<: {label: a}\n"}, f"{DOC}:6:5: merge keys (<<) are not allowed"),
    ("python-tag", {DOC: HEADER + "publisher: !!python/object/apply:os.system [ls]\n"}, f"{DOC}:5:12: YAML tag tag:yaml.org,2002:python/object/apply:os.system is not allowed"),
    ("local-tag", {DOC: HEADER + "publisher: !evil x\n"}, f"{DOC}:5:12: YAML tag !evil is not allowed"),
    ("tab-indent", {DOC: HEADER + "figures:\n\t- label: a\n"}, f"{DOC}:6:1: YAML syntax: found character that cannot start any token — the line has a tab"),
    ("unclosed-flow", {DOC: HEADER + "figures: [\n"}, f"{DOC}:6:1: YAML syntax"),
    ("gbk", {DOC: (HEADER + "publisher: 中共政法委\n").encode("gbk")}, f"{DOC}:3:8: bytes are not UTF-8 — the file looks GBK-encoded; save it as UTF-8"),
    ("latin1-garbage", {DOC: HEADER.encode() + b"publisher: \xff\xfe\n"}, f"{DOC}:5:12: bytes are not UTF-8 — save it as UTF-8"),
    ("empty-file", {DOC: ""}, f"{DOC}:1:1: file is empty — expected a mapping of keys to values"),
    ("comment-only", {DOC: "# nothing here\n"}, f"{DOC}:1:1: file is empty"),
    ("list-root", {DOC: "- kind: budget\n"}, f"{DOC}:1:1: the file's top level must be a mapping"),
    ("scalar-root", {DOC: "hello\n"}, f"{DOC}:1:1: the file's top level must be a mapping"),
    ("huge-file", {DOC: HEADER + "publisher: " + "x" * (8 * 1024 * 1024) + "\n"}, f"{DOC}:1:1: file is"),
    ("thousands-separator", {DOC: FIG.format("'1,677.95'")}, f"{DOC}:7:13: '1,677.95' is not an amount — remove the thousands separator"),
    ("unit-suffix", {DOC: FIG.format("12万元")}, f"{DOC}:7:13: '12万元' is not an amount — remove the unit '万元'"),
    ("percent-as-money", {DOC: FIG.format("55%")}, f"{DOC}:7:13: '55%' is not an amount — this is a percentage"),
    ("sexagesimal", {DOC: FIG.format("1:30")}, f"{DOC}:7:13: '1:30' is not an amount — a colon-separated value"),
    ("octal-looking", {DOC: FIG.format("010")}, f"{DOC}:7:13: '010' has a leading zero"),
    ("exponent", {DOC: FIG.format("1e3")}, f"{DOC}:7:13: '1e3' is not an amount — expected digits"),
    ("nan", {DOC: FIG.format(".nan")}, f"{DOC}:7:13: '.nan' is not an amount"),
    ("dash-amount", {DOC: FIG.format("'—'")}, f"{DOC}:7:13: '—' is not an amount — leave a value the document does not print out"),
    ("yes-as-amount", {DOC: FIG.format("yes")}, f"{DOC}:7:13: 'yes' is not an amount"),
    ("percent-without-sign", {DOC: PCT.format("'55.97'")}, f"{DOC}:7:21: '55.97' is not a percentage — expected a number followed by %"),
    ("percent-words", {DOC: PCT.format("百分之五十")}, f"{DOC}:7:21: '百分之五十' is not a percentage"),
    ("year-words", {DOC: "kind: self_evaluation\nyear: 二〇二三\ntitle: t\nsource: s\n"}, f"{DOC}:2:7: '二〇二三' is not a year"),
    ("year-date", {DOC: "kind: self_evaluation\nyear: 2023-01-01\ntitle: t\nsource: s\n"}, f"{DOC}:2:7: '2023-01-01' is not a year"),
    ("year-folder-mismatch", {"2022/self-evaluation.yaml": HEADER}, "2022/self-evaluation.yaml:2:7: year 2023 does not match its folder '2022'"),
    ("kind-file-mismatch", {"2023/budget.yaml": HEADER}, "2023/budget.yaml:1:7: kind 'self_evaluation' does not match the file name — expected 'budget'"),
    ("unknown-kind", {DOC: "kind: forecast\nyear: 2023\ntitle: t\nsource: s\n"}, f"{DOC}:1:1: Input tag 'forecast' found using 'kind' does not match any of the expected tags"),
    ("unknown-key", {DOC: HEADER + "titel: x\n"}, f"{DOC}:5:8: unknown key 'titel' — check its spelling"),
    ("missing-key", {DOC: "kind: self_evaluation\nyear: 2023\nsource: s\n"}, f"{DOC}:1:1: missing required key 'title'"),
    ("mapping-for-list", {DOC: HEADER + "figures: {label: a}\n"}, f"{DOC}:5:10: Input should be a valid list"),
    ("complex-key", {DOC: HEADER + "? [a, b]\n: c\n"}, f"{DOC}:5:3: keys must be plain text"),
    ("money-unit-invalid", {DOC: HEADER + "money_unit: 美元\n"}, f"{DOC}:5:13: Input should be '万元' or '元'"),
    ("slug-traversal", {DOC: HEADER + "projects:\n  - slug: ../../evil\n    name: x\n"}, f"{DOC}:6:11: '../../evil' is not a slug"),
    ("slug-uppercase", {DOC: HEADER + "projects:\n  - slug: Xueliang\n    name: x\n"}, f"{DOC}:6:11: 'Xueliang' is not a slug"),
    ("narrative-traversal", {DOC: narrative("../../../../../etc/passwd")}, f"{DOC}:5:12: narrative '../../../../../etc/passwd' must be a .md file in the same folder"),
    ("narrative-absolute", {DOC: narrative("/etc/passwd.md")}, f"{DOC}:5:12: narrative '/etc/passwd.md' must be a .md file in the same folder"),
    ("narrative-missing", {DOC: narrative("missing.md")}, f"{DOC}:5:12: narrative file 'missing.md' not found"),
    ("narrative-gbk", {DOC: narrative("n.md"), "2023/n.md": "情况说明".encode("gbk")}, "2023/n.md:1:1: bytes are not UTF-8"),
    ("unit-level", {"unit.yaml": UNIT.replace("level: 县", "level: 乡")}, "unit.yaml:3:8: Input should be '省', '市' or '县'"),
    ("grade-type", {DOC: HEADER + "projects:\n  - slug: a\n    name: x\n    total_score: [1]\n"}, f"{DOC}:8:18: expected a score in points, got list"),
]


@pytest.mark.parametrize("case, files, expected", ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_content_error_is_located_and_explained(tmp_path, case, files, expected):
    content = write_portal(tmp_path, {})
    for relative, text in files.items():
        target = content / "units" / "demo" / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    with pytest.raises(ContentErrors) as exc:
        load_portal(content, strict=True)
    messages = [str(error).replace(str(content / "units" / "demo") + "/", "") for error in exc.value.errors]
    assert any(m.startswith(expected) for m in messages), messages


def test_unit_folder_that_is_not_a_slug(tmp_path):
    content = write_portal(tmp_path, {})
    (content / "units" / "demo").rename(content / "units" / "Demo Unit")
    with pytest.raises(ContentErrors) as exc:
        load_portal(content, strict=True)
    assert "unit folder 'Demo Unit' is not a slug" in str(exc.value.errors[0])


def test_byte_order_mark_is_accepted(tmp_path):
    content = write_portal(tmp_path, {})
    (content / "units" / "demo" / "2023").mkdir()
    (content / "units" / "demo" / DOC).write_bytes(b"\xef\xbb\xbf" + HEADER.encode())
    assert load_portal(content, strict=True).documents()[0].model.title == "测试"


HOSTILE_MARKDOWN = """## 情况说明
<script>alert('x')</script>
<img src=x onerror="alert(1)">
[点击](javascript:alert(1)) [数据](data:text/html;base64,PHNjcmlwdD4=) <a href="vbscript:msgbox(1)">vb</a>
<iframe src="https://evil.example/"></iframe>
<style>body{display:none}</style><p style="position:fixed">覆盖</p>
<form action="https://evil.example/"><input name=p></form>
正文<b onclick="steal()">加粗</b>
"""
HOSTILE_DOC = """kind: self_evaluation
year: 2023
title: "<script>alert('title')</script>标题"
source: "<img src=x onerror=alert(1)>"
narrative: n.md
figures:
  - label: "</script><script>alert('label')</script>"
    amount: 10
    parts:
      - {label: "<b>甲</b>", amount: 4}
      - {label: 乙, amount: 6}
"""


@pytest.fixture(scope="module")
def hostile_page(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    content = write_portal(root, {DOC: HOSTILE_DOC, "2023/n.md": HOSTILE_MARKDOWN},
                           unit=UNIT.replace("测试县委政法委", "<script>alert('unit')</script>政法委"))
    output = root / "output"
    build_portal(content, output, search=False)
    return (output / "units/demo/2023/self-evaluation/index.html").read_text(encoding="utf-8"), output


class Elements(HTMLParser):
    """Every element of a page with its attributes."""

    def __init__(self):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, {k: v or "" for k, v in attrs}))


def elements(output):
    for page in sorted(output.rglob("*.html")):
        parser = Elements()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, attrs in parser.elements:
            yield page.relative_to(output).as_posix(), tag, attrs


def _own_script(attrs):
    asset = re.sub(r"\.[0-9a-f]{10}\.js$", ".js", attrs.get("src", "").split("assets/")[-1])  # long-cache names
    return attrs.get("type") == "application/json" or asset in ("charts.js", "search.js", "quality.js") \
        or attrs.get("src", "").endswith("pagefind/pagefind-ui.js")


SANITISED = [
    ("no-foreign-script", lambda tag, a: tag == "script" and not _own_script(a)),
    ("no-event-handler", lambda tag, a: any(name.startswith("on") for name in a)),
    ("no-dangerous-url", lambda tag, a: any(a.get(k, "").strip().lower().startswith(("javascript:", "data:", "vbscript:"))
                                            for k in ("href", "src", "action"))),
    ("no-iframe-object-embed", lambda tag, a: tag in ("iframe", "object", "embed", "frame")),
    ("no-style-element-or-attribute", lambda tag, a: tag == "style" or "style" in a),
    ("no-foreign-form", lambda tag, a: tag == "form" and "://" in a.get("action", "")),
    ("no-foreign-input", lambda tag, a: tag == "input" and a.get("name") == "p"),
]


@pytest.mark.parametrize("case, forbidden", SANITISED, ids=[c[0] for c in SANITISED])
def test_hostile_content_is_made_harmless(hostile_page, case, forbidden):
    _, output = hostile_page
    offending = [(page, tag, attrs) for page, tag, attrs in elements(output) if forbidden(tag, attrs)]
    assert offending == []


@pytest.mark.parametrize("text", ["<script>alert('title')", "<img src=x", "<script>alert('label')",
                                  "<script>alert('unit')", "<b>甲</b>"])
def test_hostile_values_are_escaped_text(hostile_page, text):
    _, output = hostile_page
    for page in output.rglob("*.html"):
        assert text not in page.read_text(encoding="utf-8"), page


def test_hostile_text_still_reads(hostile_page):
    html, _ = hostile_page
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;标题" in html
    assert "正文<b>加粗</b>" in html
    assert 'http-equiv="Content-Security-Policy"' in html and "script-src 'self'" in html
