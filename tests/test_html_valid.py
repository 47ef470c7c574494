"""Every page of the real portal is valid HTML for the Nu Html Checker (npm ``vnu-jar``, Java)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

VNU = Path(__file__).resolve().parent / ".vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

pytestmark = pytest.mark.skipif((not VNU.is_file() or shutil.which("java") is None) and not os.environ.get("CI"),
                                reason="vnu-jar (npm) or Java not installed")


def test_every_page_is_valid_html(built):
    output, _ = built
    pages = sorted(str(p) for p in output.rglob("*.html"))
    assert len(pages) > 90
    result = subprocess.run(["java", "-jar", str(VNU), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    problems = [(m["url"].rsplit(str(output), 1)[-1], m.get("lastLine"), m["message"]) for m in messages]
    assert problems == []
