"""Shared fixtures: the real content, a built copy of the real portal, and tiny portals."""
from __future__ import annotations

import contextlib
import signal
import textwrap
from pathlib import Path

import pytest

from sitegen.builder import build_portal
from sitegen.check import check_document
from sitegen.content import load_portal

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


@pytest.fixture(scope="session")
def portal():
    return load_portal(CONTENT, strict=True)


@pytest.fixture(scope="session")
def findings(portal):
    return {doc.key: check_document(doc, portal.site.suppress) for doc in portal.documents()}


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """The real content built once, search index included."""
    output = tmp_path_factory.mktemp("site") / "output"
    result = build_portal(CONTENT, output)
    return output, result


SITE = "title: 测试门户\n"
UNIT = "name: 测试县委政法委\nregion: {province: 河北省, city: 测试市, county: 测试县}\nlevel: 县\n"


def write_portal(root: Path, documents: dict[str, str], unit: str = UNIT) -> Path:
    """A content folder with one unit ``demo`` and the given ``{relative path: YAML}`` files."""
    content = root / "content"
    (content / "units" / "demo").mkdir(parents=True, exist_ok=True)
    (content / "site.yaml").write_text(SITE, encoding="utf-8")
    (content / "units" / "demo" / "unit.yaml").write_text(unit, encoding="utf-8")
    for relative, text in documents.items():
        file = content / "units" / "demo" / relative
        file.parent.mkdir(parents=True, exist_ok=True)
        file.write_text(textwrap.dedent(text), encoding="utf-8")
    return content


HEADER = """\
kind: self_evaluation
year: 2023
title: 测试
source: test
"""


@pytest.fixture
def check_yaml(tmp_path):
    """Findings of one self-evaluation whose body (after the header) is ``body``."""
    def run(body: str, header: str = HEADER, file: str = "2023/self-evaluation.yaml"):
        content = write_portal(tmp_path, {file: header + textwrap.dedent(body)})
        portal = load_portal(content, strict=True)
        return [f for doc in portal.documents() for f in check_document(doc, portal.site.suppress)]
    return run


@contextlib.contextmanager
def deadline(seconds: int, what: str):
    """Fail the test, rather than hang the run, when the block takes more than ``seconds``
    (a blocking open of a named pipe is interrupted too)."""
    def expire(signum, frame):
        pytest.fail(f"{what} took more than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def kill_when_marked(process, marker: Path, what: str, seconds: int = 60) -> None:
    """SIGKILL ``process`` (no handler, no cleanup runs) once it has written ``marker``; fail
    with ``what`` if it ends or takes ``seconds`` first."""
    import os
    import time
    deadline = time.monotonic() + seconds
    while not marker.exists():
        assert process.poll() is None and time.monotonic() < deadline, what
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
