"""Build progress: a bar per stage on a terminal, nothing in a pipe or a log."""
from __future__ import annotations

import fcntl
import os
import pty
import subprocess
import struct
import sys
import termios
import threading

from sitegen.synth import synthesize


def _build(site, stderr) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-cache", "--jobs", "1"], cwd=site,
                          stdout=subprocess.PIPE, stderr=stderr, timeout=300)


def test_a_terminal_sees_each_stage_with_its_count_and_time_left_and_a_pipe_sees_none(tmp_path):
    site = tmp_path / "site"
    synthesize(site, units=3, years=1, seed=2)
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))  # a new pty is 0×0: no room for a bar
    chunks: list[bytes] = []

    def read() -> None:  # read while the build runs: a full terminal buffer would block it
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the last writer closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    done = _build(site, follower)
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    shown = b"".join(chunks)
    assert done.returncode == 0
    text = shown.decode("utf-8", "replace")
    assert "units: 100%" in text and "3/3" in text
    assert "search index: 100%" in text and "1/1" in text
    assert "<00:00" in text  # tqdm's estimate of the time left
    piped = _build(site, subprocess.PIPE)
    assert piped.returncode == 0
    assert b"units" not in piped.stderr and b"%|" not in piped.stderr  # no bar, only the summary and warnings
