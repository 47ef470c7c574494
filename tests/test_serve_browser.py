"""`sitegen serve` in a real headless Chromium: edits appear without a manual reload, errors
show an overlay with their line, and fixing the file clears it."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import pytest

from .conftest import CONTENT
from .test_browser import ARGS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"), reason="Debian's chromium is not installed"),
]

DOCUMENT = "units/quannan-zfw/2022/self-evaluation/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def run_serve(content, *, search: bool = False, log_file=None):
    """``sitegen serve`` of ``content`` on a free loopback port, its log to ``log_file`` (or a
    temporary file); yields its base URL once it answers (and, with ``search``, once its
    search index is written)."""
    # Not a pipe: a preview that logs much would block on a full one.
    log = open(log_file, "w+", encoding="utf-8") if log_file else tempfile.TemporaryFile("w+")
    try:
        for _ in range(3):  # the port, free when chosen, may be taken by another process before the preview binds it
            port = free_port()
            process = subprocess.Popen([sys.executable, "-m", "sitegen", "serve", "--content", str(content), "--port", str(port)],
                                       stdout=log, stderr=subprocess.STDOUT, text=True)
            base = f"http://127.0.0.1:{port}/"
            # The preview's own status file: a server that took the port has none.
            if _answers(process, [base + "__preview__/status.json"] + ([base + "pagefind/pagefind-entry.json"] if search else [])):
                break
            process.wait(timeout=10)
        else:
            raise AssertionError(log.seek(0) or log.read())
        try:
            yield base
        finally:
            process.terminate()
            process.wait(timeout=10)
    finally:
        log.close()


def _answers(process, addresses: list[str]) -> bool:
    """Whether ``process`` serves every address within a minute (False once it has exited)."""
    deadline = time.monotonic() + 60
    for url in addresses:
        while True:
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                if process.poll() is not None:
                    return False
                assert time.monotonic() < deadline, f"the preview did not serve {url}"
                time.sleep(0.2)
    return process.poll() is None


@pytest.fixture
def server(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    with run_serve(content) as base:
        yield base, content / "units" / "quannan-zfw" / "2022" / "self-evaluation.yaml"


def test_edit_reloads_break_shows_overlay_fix_clears_it(server):
    from playwright.sync_api import expect, sync_playwright
    base, yaml_file = server
    good = yaml_file.read_text(encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page()
        page.goto(base + DOCUMENT)
        # Predicates go through locators: the pages' CSP forbids the eval behind wait_for_function.
        expect(page.locator("#preview-banner")).to_contain_text("生成于")
        assert "1480.14" in page.content()  # the SUM-002 finding: the column sums to 1480.14

        yaml_file.write_text(good.replace("executed: 342.67", "executed: 342.94"), encoding="utf-8")
        expect(page.locator("main")).to_contain_text("342.94", timeout=15000)
        assert "1480.14" not in page.content()  # the finding changed with the figure

        lines = good.splitlines()
        broken_line = next(i for i, line in enumerate(lines) if "executed: 342.67" in line)
        lines[broken_line] = lines[broken_line].replace("executed: 342.67", "executed: [342.67")
        yaml_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        page.wait_for_selector("#preview-overlay", timeout=15000)
        overlay = page.inner_text("#preview-overlay")
        assert "units/quannan-zfw/2022/self-evaluation.yaml:" in overlay
        assert "342.94" in page.inner_text("main")  # still the last good page: the edit before the break

        yaml_file.write_text(good, encoding="utf-8")
        expect(page.locator("#preview-overlay")).to_have_count(0, timeout=15000)
        expect(page.locator("main")).to_contain_text("342.67")
        browser.close()


def test_preview_serves_nothing_outside_its_output(server):
    import http.client
    base, _ = server
    host, port = base.split("//")[1].rstrip("/").split(":")
    for path in ("/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2f..%2fetc/passwd"):
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request("GET", path)
        response = connection.getresponse()
        body = response.read()
        assert response.status in (403, 404) and b"root:" not in body, (path, response.status)


def test_preview_logging_into_the_content_folder_stays_idle(tmp_path):
    """The log is no input: writing it must not rebuild (and log, and rebuild …)."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    log = content / "serve.log"
    with run_serve(content, log_file=log):
        time.sleep(1)
        before = log.read_text(encoding="utf-8").count("rebuilt")
        time.sleep(2)
        after = log.read_text(encoding="utf-8").count("rebuilt")
    assert before == after == 0


def request(base: str, path: str, headers: dict[str, str]) -> int:
    import http.client
    host, port = base.split("//")[1].rstrip("/").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    for name, value in headers.items():
        connection.putheader(name, value)
    connection.endheaders()
    status = connection.getresponse().status
    connection.close()
    return status


WEBSOCKET = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
             "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


def test_preview_answers_only_to_its_own_name(server):
    """A page of another site re-bound to 127.0.0.1 (DNS rebinding) sends its own Host and Origin."""
    base, _ = server
    own = base.split("//")[1].rstrip("/")
    port = own.split(":")[1]
    for host in (own, f"localhost:{port}"):
        assert request(base, "/", {"Host": host}) == 200, host
        assert request(base, "/livereload.js", {"Host": host}) == 200, host
        assert request(base, "/livereload", {"Host": host, "Origin": f"http://{host}", **WEBSOCKET}) == 101, host
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1.evil.example:{port}", ""):
        for path in ("/", "/units/", "/__preview__/status.json", "/livereload.js", "/livereload"):
            assert request(base, path, {"Host": host}) == 421, (host, path)
    for origin in (f"http://evil.example:{port}", "http://evil.example", "null", f"http://{own}.evil.example"):
        assert request(base, "/livereload", {"Host": own, "Origin": origin, **WEBSOCKET}) == 403, origin
