"""A portal with markup payloads planted in every text field (the payload matrix of the tests).

The real content is copied and every string value of its YAML that still validates with
text appended gets a payload appended (cycling through ``PAYLOADS``), as do the narratives;
a value that refuses it (an amount, a percentage, a slug, a code) keeps its published text.
Each payload announces itself if it ever runs: a dialog (``alert``), a request or a
navigation to ``evil.example``, or an element carrying ``class=pwn``.
"""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from sitegen.content import ContentErrors, load_portal
from sitegen.content.yamlsource import read_yaml

OUTSIDE = "evil.example"
PAYLOADS = (
    "<script class=pwn>alert(1)</script>",
    "<img src=x class=pwn onerror=alert(2)>",
    "<svg class=pwn onload=alert(3)>",
    f'<meta class=pwn http-equiv="refresh" content="0;url=http://{OUTSIDE}/meta">',
    "javascript:alert(4)",
    '"><img src=x class=pwn onerror=alert(5)>',
    "'><svg class=pwn onload=alert(6)>",
    "{{7*7}}${7*7}<%= 7*7 %>",
    "</script><script class=pwn>alert(7)</script>",
    "</style><img src=x class=pwn onerror=alert(8)>",
    f'<a class=pwn href="http://{OUTSIDE}/a">链接</a>',
    '<span class=pwn style="font-size:97px">巨</span>',
    f"[链接](javascript:alert(9)) [外链](http://{OUTSIDE}/md) <iframe class=pwn src=//{OUTSIDE}/></iframe>",
)
# What no page may hold as live markup (a CSS selector for the DOM). Narrative Markdown may
# link to outside pages (sanitised: no script, no javascript: URL); nothing else may.
LIVE = ", ".join((".pwn", "[onerror]", "[onload]", "meta[http-equiv=refresh i]", "iframe",
                  f"[*|href*='{OUTSIDE}']:not(.narrative a)", "[*|href^='javascript' i]", "[style*='97px']"))
STEP = re.compile(r"\[(\d+)\]|\.?([^.\[]+)")  # of a ContentError.path: projects[0].name


def plant(content: Path, target: Path) -> Path:
    """Copy ``content`` to ``target`` with payloads planted; returns ``target``.

    Raises ``AssertionError`` when a planted value breaks the content in a way that names no
    planted value (the generator would hide a field).
    """
    shutil.copytree(content, target)
    counter = iter(range(1 << 30))
    planted: dict[Path, tuple[object, dict[tuple, str]]] = {}
    for file in sorted(target.rglob("*.yaml")):
        data, _ = read_yaml(file)
        if file.name == "site.yaml":
            data.pop("theme", None)
        elif file.parent.name.isdigit() and "suppress" not in data:
            data["suppress"] = [{"rule": "SUM-001", "reason": "已复核"}]
        originals: dict[tuple, str] = {}
        kind = data.pop("kind", None)  # the document's type: refused, it would hide every other field
        _append(data, (), originals, counter)
        if kind is not None:
            data = {"kind": kind, **data}
        planted[file] = (data, originals)
        _dump(file, data)
    for file in sorted(target.rglob("*.md")):
        text = file.read_text(encoding="utf-8")
        file.write_text(text + "\n\n" + "\n\n".join(PAYLOADS) + "\n", encoding="utf-8")
    for _ in range(20):
        try:
            errors = load_portal(target).errors
        except ContentErrors as exc:  # site.yaml refused a payload
            errors = exc.errors
        if not errors:
            return target
        restored_now: set[tuple[Path, tuple]] = set()
        for error in errors:
            data, originals = planted[error.file]
            if error.path:
                at = [tuple(int(i) if i else key for i, key in STEP.findall(error.path))]
            else:
                _, source = read_yaml(error.file)
                at = [path for path, where in source.items() if where == (error.line, error.column)]
            restored = [p for p in list(originals) if any(p[: len(a)] == a for a in at)]
            for path in restored:
                _set(data, path, originals.pop(path))
                restored_now.add((error.file, path))
            assert any(f == error.file and any(p[: len(a)] == a for a in at) for f, p in restored_now), \
                f"{error} names no planted value"
        for file in {error.file for error in errors}:
            _dump(file, planted[file][0])
    raise AssertionError("payloads still break the content after 20 rounds")


def _append(node, path: tuple, originals: dict, counter) -> object:
    if isinstance(node, dict):
        for key in node:
            node[key] = _append(node[key], (*path, key), originals, counter)
    elif isinstance(node, list):
        for i, item in enumerate(node):
            node[i] = _append(item, (*path, i), originals, counter)
    elif isinstance(node, str):
        originals[path] = node
        return node + PAYLOADS[next(counter) % len(PAYLOADS)]
    return node


def _set(data, path: tuple, value: str) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _dump(file: Path, data) -> None:
    file.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1 << 16), encoding="utf-8")
