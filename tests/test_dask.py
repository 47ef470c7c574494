"""The unit stage on a Dask cluster gives the same site as local worker processes."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sitegen.synth import synthesize

distributed = pytest.importorskip("dask.distributed")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _build(site: Path, output: str, *extra: str) -> dict:
    timings = site / f"{output}.json"
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-search", "--no-cache", "--jobs", "2",
                           "--output", output, "--timings-json", str(timings), *extra],
                          cwd=site, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Traceback" not in done.stderr
    return json.loads(timings.read_text(encoding="utf-8"))


def test_a_two_worker_local_cluster_builds_the_same_site_as_local_processes(tmp_path):
    site = tmp_path / "site"
    synthesize(site, units=6, years=1, seed=7)  # 6 units: more than 2 × jobs, so the local build uses its pool
    local = _build(site, "local")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream:  # records every client's tasks on the scheduler
            remote = _build(site, "dask", "--scheduler", cluster.scheduler_address)
    ran = [task for task in stream.data if str(task["key"]).startswith("_work")]
    assert len(ran) == 6, stream.data  # every unit was built by the cluster's workers
    assert remote["rendered"] == local["rendered"] == local["pages"]
    local_files, dask_files = _tree(site / "local"), _tree(site / "dask")
    assert local_files.keys() == dask_files.keys()
    differing = [name for name in local_files if local_files[name] != dask_files[name]]
    assert differing == []


def test_an_unreachable_scheduler_is_a_clear_error_and_keeps_the_output(tmp_path):
    site = tmp_path / "site"
    synthesize(site, units=1, years=1, seed=7)
    done = subprocess.run([sys.executable, "-m", "sitegen", "build", "--no-search", "--scheduler", "tcp://127.0.0.1:9"],
                          cwd=site, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3  # the build failed (not the content, not the site's settings)
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (site / "output").exists()
