"""`sitegen check` as a web team's CI uses it: text, JSON and SARIF, and truthful exit codes."""
from __future__ import annotations

import json
import subprocess
import sys

from .conftest import CONTENT, HEADER, write_portal


def run(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", *args], capture_output=True, text=True, cwd=cwd)


def test_check_text_json_and_sarif_agree_on_the_real_content():
    text = run("check", "--content", str(CONTENT))
    as_json = json.loads(run("check", "--content", str(CONTENT), "--format", "json").stdout)
    sarif = json.loads(run("check", "--content", str(CONTENT), "--format", "sarif").stdout)
    assert text.returncode == 0 and len(text.stdout.splitlines()) == len(as_json) == len(sarif["runs"][0]["results"])
    sum_002 = next(f for f in as_json if f["rule"] == "SUM-002")
    assert {"rule", "severity", "unit", "year", "document", "path", "file", "line", "declared", "computed", "difference",
            "message"} <= set(sum_002)
    assert (sum_002["unit"], sum_002["declared"], sum_002["computed"]) == ("quannan-zfw", "1480.41 万元", "1480.14 万元")
    assert f"{sum_002['file']}:{sum_002['line']}:" in text.stdout
    result = next(r for r in sarif["runs"][0]["results"] if r["ruleId"] == "SUM-002")
    assert result["level"] == "error" and result["locations"][0]["physicalLocation"]["region"]["startLine"] == sum_002["line"]
    assert {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]} >= {"SUM-001", "RATIO-001", "SCORE-003"}


def test_check_exit_codes(tmp_path):
    assert run("check", "--content", str(CONTENT), "--strict").returncode == 1  # the seeds have errors
    clean = write_portal(tmp_path / "clean", {"2023/self-evaluation.yaml": HEADER})
    assert run("check", "--content", str(clean), "--strict").returncode == 0
    broken = write_portal(tmp_path / "broken", {"2023/self-evaluation.yaml": HEADER + "year: 1\n"})
    result = run("check", "--content", str(broken), "--format", "json")
    assert result.returncode == 2
    [error] = json.loads(result.stdout)
    assert error["rule"] == "CONTENT" and error["line"] == 5 and "duplicate key 'year'" in error["message"]
