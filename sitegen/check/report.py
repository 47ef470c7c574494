"""Findings and content errors as text, JSON or SARIF 2.1.0, for `sitegen check` in web teams' CI."""
from __future__ import annotations

import json
import re
from pathlib import Path

from ..content.files import relative_file
from .findings import Finding
from .rules import registered_rules

SARIF_LEVELS = {"error": "error", "warning": "warning", "notice": "note"}


def _relative(file: Path) -> str:
    return relative_file(file, Path.cwd())


# Control characters (ESC starts a terminal command: colours, cursor moves, window titles) and the
# bidirectional overrides that reorder what a terminal shows. Content can hold them through YAML's
# escapes ("\e"), Markdown and file names.
_UNSHOWABLE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def terminal_line(text: str) -> str:
    """``text`` safe to print as one line: each control character written as its escape
    (``\\x1b``, ``\\n``, ``\\u202e``) instead of acting on the terminal."""
    return _UNSHOWABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def as_text(findings: list[Finding], content_errors: list) -> str:
    """``file:line:col: RULE-ID severity message``, content errors first; one line each, whatever
    the content holds (``terminal_line``)."""
    lines = [terminal_line(str(e)) for e in content_errors] + [terminal_line(f.one_line()) for f in findings]
    return "\n".join(lines) + ("\n" if lines else "")


def as_json(findings: list[Finding], content_errors: list) -> str:
    """A list of findings (keys rule, severity, unit, year, document, path, file, line, column,
    declared, computed, difference, message, project, suppressed); content errors as rule ``CONTENT``."""
    items = [{"rule": "CONTENT", "severity": "error", "file": _relative(e.file), "line": e.line, "column": e.column,
              "path": e.path, "message": e.message} for e in content_errors]
    items += [{**f.as_dict(), "file": _relative(f.file)} for f in findings]
    return json.dumps(items, ensure_ascii=False, indent=1) + "\n"


def _location(file: Path, line: int, column: int) -> dict:
    return {"physicalLocation": {"artifactLocation": {"uri": _relative(file)},
                                 "region": {"startLine": line, "startColumn": column}}}


def as_sarif(findings: list[Finding], content_errors: list) -> str:
    """SARIF 2.1.0: one run, the rule catalogue as the driver's rules."""
    rules = [{"id": r.id, "name": r.id.replace("-", ""), "shortDescription": {"text": r.title},
              "fullDescription": {"text": r.explanation}, "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
              "properties": {"source": r.source}} for r in registered_rules()]
    rules.append({"id": "CONTENT", "name": "ContentError", "shortDescription": {"text": "内容文件有误"},
                  "defaultConfiguration": {"level": "error"}})
    results = [{"ruleId": "CONTENT", "level": "error", "message": {"text": e.message}, "locations": [_location(e.file, e.line, e.column)]}
               for e in content_errors]
    results += [{"ruleId": f.rule_id, "level": SARIF_LEVELS[f.severity], "message": {"text": f.message},
                 "locations": [_location(f.file, f.line, f.column)],
                 "properties": {"declared": f.declared, "computed": f.computed, "difference": f.difference,
                                "path": f.dotted_path, "unit": f.unit_id, "year": f.year, "document": f.document},
                 **({"suppressions": [{"kind": "external", "justification": f.suppressed}]} if f.suppressed else {})}
                for f in findings]
    sarif = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "sitegen", "rules": rules}}, "results": results}]}
    return json.dumps(sarif, ensure_ascii=False, indent=1) + "\n"


FORMATS = {"text": as_text, "json": as_json, "sarif": as_sarif}
