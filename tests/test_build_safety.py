"""A build never loses the published site: concurrent builds, a full disk, a failing worker;
and what it publishes is readable by a web server running as another user."""
from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sitegen.builder import build_portal
from sitegen.content import load_portal
from sitegen.render import urls

from .conftest import CONTENT, kill_when_marked


def sitegen(*args: str, env: dict | None = None) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "sitegen", *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env=env)


def assert_complete(output: Path, content: Path) -> None:
    """The home page, the rules and places, and every page of every unit and document."""
    assert (output / "index.html").is_file()
    assert (output / "rules" / "index.html").is_file() and any((output / "regions").iterdir())
    portal = load_portal(content)
    assert portal.units
    for unit in portal.units:
        assert (output / urls.file_for(urls.unit(unit.id))).is_file(), unit.id
        for doc in unit.documents:
            assert (output / urls.file_for(urls.document(doc))).is_file(), urls.document(doc)


# The first build lingers in its staging folder (its search index waits 4 s), so that the
# second starts while the first is mid-build: the moment a build's recovery of stale staging
# folders, or its swap, would wreck the other's.
LINGERING = """
import sys, time
import sitegen.builder
index = sitegen.builder.build_index
def lingering(*args, **kwargs):
    time.sleep(4)
    return index(*args, **kwargs)
sitegen.builder.build_index = lingering
from sitegen.cli import main
sys.argv[0] = "sitegen"
main()
"""


@pytest.mark.parametrize("cache", ["shared", "none"])
def test_two_concurrent_builds_leave_a_complete_site(tmp_path, cache):
    output = tmp_path / "output"
    options = ["build", "--content", str(CONTENT), "--output", str(output)]
    options += ["--cache", str(tmp_path / "cache")] if cache == "shared" else ["--no-cache"]
    assert subprocess.run([sys.executable, "-m", "sitegen", *options], capture_output=True).returncode == 0
    first = subprocess.Popen([sys.executable, "-c", LINGERING, *options], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".output-build-*")) and first.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    second = sitegen(*options)
    errors = {}
    for name, build in (("first", first), ("second", second)):
        errors[name] = build.communicate()[1]
        assert build.returncode == 0 and "Traceback" not in errors[name], errors[name]
    assert f"waiting for another build of {output}" in errors["second"]
    assert_complete(output, CONTENT)
    assert (output / "pagefind").is_dir()
    assert list(tmp_path.glob(".output-build-*")) == []


def test_the_output_follows_the_umask_and_holds_no_build_bookkeeping(tmp_path):
    output = tmp_path / "output"
    old = os.umask(0o022)
    try:
        build_portal(CONTENT, output, search=False, cache=tmp_path / "cache", workers=1)
    finally:
        os.umask(old)
    folders = [output] + [p for p in output.rglob("*") if p.is_dir()]
    assert {stat.S_IMODE(p.stat().st_mode) for p in folders} == {0o755}
    assert {stat.S_IMODE(p.stat().st_mode) for p in output.rglob("*") if p.is_file()} == {0o644}
    assert not list(output.rglob("*folders*"))
    assert (tmp_path / ".output-folders.json").is_file()


# Run `sitegen build` with one failure planted (the patches are inherited by the forked workers).
FAILING = """
import errno, os, pathlib, sys
import sitegen.executors
where = sys.argv.pop(1)
if where == "worker-dies":
    parent, build_unit = os.getpid(), sitegen.executors.build_unit
    def dying(job, renderer):
        if os.getpid() != parent and job.unit_dir.name == "dingxi-zfw":
            os._exit(1)
        return build_unit(job, renderer)
    sitegen.executors.build_unit = dying
else:
    write_bytes, write_text = pathlib.Path.write_bytes, pathlib.Path.write_text
    def full(write):
        def failing(self, data, *args, **kwargs):
            if where in str(self):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(self))
            return write(self, data, *args, **kwargs)
        return failing
    pathlib.Path.write_bytes, pathlib.Path.write_text = full(write_bytes), full(write_text)
from sitegen.cli import main
sys.argv[0] = "sitegen"
main()
"""


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("where, message", [
    ("/cache/files/", "build failed: No space left on device: {tmp}/cache/files/"),  # a worker storing a unit
    (".output-build-", "build failed: No space left on device: {tmp}/.output-build-"),  # writing the output
    (".sitegen-folders.json", "build failed: No space left on device: {tmp}/.output-build-"),  # the last write, all taken over
    ("worker-dies", "build failed: a worker process died (killed, or out of memory)"),
])
def test_a_failed_build_says_what_failed_in_one_line_and_keeps_the_previous_output(tmp_path, where, message):
    output = tmp_path / "output"
    build_portal(CONTENT, output, search=False, cache=tmp_path / "first-cache")
    before = snapshot(output)
    result = subprocess.run([sys.executable, "-c", FAILING, where, "build", "--content", str(CONTENT), "--output", str(output),
                             "--cache", str(tmp_path / "cache"), "--jobs", "2", "--no-search"], capture_output=True, text=True)
    assert result.returncode == 3, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(message.format(tmp=tmp_path)) and line.endswith("; the previous output was kept."), line
    assert snapshot(output) == before
    assert list(tmp_path.glob(".output-build-*")) == []


def test_a_failed_rebuild_gives_back_every_folder_it_took_over_and_the_next_one_equals_a_clean_build(tmp_path):
    """A rebuild takes the previous output's folder of units (and of places, rules, data quality)
    over whole and sets aside the folders that changed: one unit edited, one removed, one broken.
    A full disk after that, in a multi-process build, gives the previous output back byte for
    byte; the next build equals a clean build of the same content."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output = tmp_path / "output"
    build_portal(content, output, search=False, cache=tmp_path / "cache")
    before = snapshot(output)
    with open(content / "units" / "dachang-zfw" / "unit.yaml", "a", encoding="utf-8") as unit_yaml:
        unit_yaml.write("# edited\n")
    shutil.rmtree(content / "units" / "dingxi-zfw")
    (content / "units" / "laoting-zfw" / "unit.yaml").write_text("name: [broken\n", encoding="utf-8")
    command = ["build", "--content", str(content), "--output", str(output), "--cache", str(tmp_path / "cache"), "--jobs", "2", "--no-search"]
    failed = subprocess.run([sys.executable, "-c", FAILING, ".output-build-", *command], capture_output=True, text=True)
    assert failed.returncode == 3 and "No space left on device" in failed.stderr, failed.stderr
    assert snapshot(output) == before
    assert list(tmp_path.glob(".output-build-*")) == []
    rebuilt = subprocess.run([sys.executable, "-m", "sitegen", *command], capture_output=True, text=True)
    assert rebuilt.returncode == 1 and "laoting-zfw/unit.yaml:2:1: YAML syntax" in rebuilt.stderr, rebuilt.stderr  # built, with its error page
    build_portal(content, tmp_path / "clean", search=False, cache=tmp_path / "clean-cache")
    assert snapshot(output) == snapshot(tmp_path / "clean") != before
    assert (output / "units" / "laoting-zfw" / "index.html").is_file() and not (output / "units" / "dingxi-zfw").exists()


# Stalls a `sitegen build` right after it has taken the previous output's folder of units over.
STALLED = """
import pathlib, sys, time
import sitegen.write
marker = pathlib.Path(sys.argv.pop(1))
within = sitegen.write.Reuse.within
def stalled(self, parent, folders):
    taken = within(self, parent, folders)
    if parent == "units":
        marker.write_text("taken over")
        time.sleep(600)
    return taken
sitegen.write.Reuse.within = stalled
from sitegen.cli import main
sys.argv[0] = "sitegen"
main()
"""


def test_a_rebuild_killed_after_its_takeovers_has_them_given_back_by_the_next_build(tmp_path):
    """SIGKILL runs no ``undo``: a rebuild killed once it has taken over the folders of units,
    places, rules and data quality (one unit edited, one removed, one broken) leaves the output
    without them, and its journal. The next build gives them back before anything else: one
    that then fails on a full disk leaves the previous output byte for byte; the one after
    equals a clean build."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    output, cache = tmp_path / "output", tmp_path / "cache"
    build_portal(content, output, search=False, cache=cache)
    before = snapshot(output)
    with open(content / "units" / "dachang-zfw" / "unit.yaml", "a", encoding="utf-8") as unit_yaml:
        unit_yaml.write("# edited\n")
    shutil.rmtree(content / "units" / "dingxi-zfw")
    (content / "units" / "laoting-zfw" / "unit.yaml").write_text("name: [broken\n", encoding="utf-8")
    command = ["build", "--content", str(content), "--output", str(output), "--cache", str(cache), "--jobs", "2", "--no-search"]
    marker = tmp_path / "taken"
    process = subprocess.Popen([sys.executable, "-c", STALLED, str(marker), *command])
    kill_when_marked(process, marker, "the build never took the units over", seconds=120)
    assert not (output / "units").exists() and not (output / "regions").exists()
    assert (tmp_path / ".output-takeovers.log").is_file()
    failed = subprocess.run([sys.executable, "-c", FAILING, ".output-build-", *command], capture_output=True, text=True)
    assert failed.returncode == 3 and "No space left on device" in failed.stderr, failed.stderr
    assert snapshot(output) == before
    assert not (tmp_path / ".output-takeovers.log").exists() and list(tmp_path.glob(".output-build-*")) == []
    rebuilt = subprocess.run([sys.executable, "-m", "sitegen", *command], capture_output=True, text=True)
    assert rebuilt.returncode == 1, rebuilt.stderr
    build_portal(content, tmp_path / "clean", search=False, cache=tmp_path / "clean-cache")
    assert snapshot(output) == snapshot(tmp_path / "clean") != before


def test_recovery_leaves_the_staging_folders_of_other_outputs_alone(tmp_path):
    """Stale staging folders of ``output`` go; those of ``output-build-2`` (another lock) stay."""
    other = tmp_path / "output-build-2"
    build_portal(CONTENT, other, search=False, cache=tmp_path / "cache", workers=1)
    theirs = tmp_path / ".output-build-2-build-0123456789abcdef"
    ours = tmp_path / ".output-build-fedcba9876543210"
    theirs.mkdir()
    ours.mkdir()
    build_portal(CONTENT, tmp_path / "output", search=False, cache=tmp_path / "cache", workers=1)
    assert theirs.is_dir() and not ours.exists()
