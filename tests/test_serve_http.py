"""`sitegen serve` serves what `sitegen build` writes: every file of a build of the real content,
fetched over HTTP from a running serve, is byte-identical apart from the two scripts the
preview adds before </head> (livereload's client and the banner/overlay script); a site-wide
suppression gives the serve's banner the counts of `build` and `check`."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from sitegen.export import DATAPACKAGE
from sitegen.preview.server import injected

from .conftest import CONTENT
from .test_serve_browser import free_port

REASON = "原文如此，已向财政局核实。"


@pytest.fixture
def content(tmp_path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    with open(content / "site.yaml", "a", encoding="utf-8") as site:
        site.write(f"suppress:\n  - {{rule: SUM-001, reason: {REASON}}}\n")
    return content


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_serve_serves_the_build_byte_for_byte(content, tmp_path):
    output = tmp_path / "output"
    built = subprocess.run([sys.executable, "-m", "sitegen", "build", "--content", str(content), "--output", str(output)],
                           capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    checked = subprocess.run([sys.executable, "-m", "sitegen", "check", "--content", str(content), "--format", "json"],
                             capture_output=True, text=True)
    counts = dict.fromkeys(("error", "warning", "notice"), 0)
    for finding in json.loads(checked.stdout):
        counts[finding["severity"]] += finding["suppressed"] is None
    assert f"findings: error {counts['error']}, warning {counts['warning']}, notice {counts['notice']}" in built.stdout

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--content", str(content), "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(base, timeout=1)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, "sitegen serve did not start"
                time.sleep(0.2)
        status = json.loads(fetch(base + "__preview__/status.json")[1])
        assert status["findings"] == counts and status["errors"] == []

        script = injected(port)
        files = sorted(p.relative_to(output).as_posix() for p in output.rglob("*") if p.is_file())
        assert {"404.html", "sitemap.xml", "feed.xml", DATAPACKAGE, "pagefind/pagefind-entry.json"} <= set(files)
        assert len([f for f in files if f.startswith("downloads/") and f.endswith(".zip")]) == 6  # one per place with units
        differing, injected_into = [], 0
        for relative in files:
            code, served = fetch(base + relative)
            expected = (output / relative).read_bytes()
            if relative.endswith(".html") and b"</head>" in expected:
                assert served.count(script) == 1, relative
                served = served.replace(script, b"", 1)
                injected_into += 1
            if code != 200 or served != expected:
                differing.append(relative)
        assert differing == []
        assert injected_into > 90 and len(files) > 200
        code, missing = fetch(base + "no/such/page/")
        assert code == 404 and missing.replace(script, b"") == (output / "404.html").read_bytes()
    finally:
        server.terminate()
        server.wait(timeout=10)
