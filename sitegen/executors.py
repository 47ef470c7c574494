"""Where the unit stage runs: in this process, in local worker processes, or on a Dask cluster.

Every executor runs the same function (``unitbuild.build_unit``) on the same ``UnitJob``s and
returns their ``UnitEntry``s in job order; the output files a unit makes go into the build
cache, which the parent links into the output. So a build's bytes do not depend on the
executor, only its speed does. A Dask cluster beyond one machine needs the content folder and
the cache at the same path on every machine (a shared folder) and the same sitegen installed,
since the cache keys hash sitegen's own code.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from .progress import Progress
from .unitbuild import UnitEntry, UnitJob, build_unit

EXECUTORS = ("process", "dask")


class BuildError(RuntimeError):
    """The build failed for a reason other than content (a worker died or failed); nothing
    was published and the previous output is kept."""


class ExecutorError(BuildError):
    """The executor could not run the unit stage (a Dask scheduler that cannot be reached)."""


# One renderer per worker process: templates are compiled once, not once per unit.
_worker_renderer = None
_worker_args: tuple | None = None


def _renderer_for(args: tuple):
    global _worker_renderer, _worker_args
    if _worker_args != args:
        from .builder import Renderer  # the worker imports what the parent already has
        from .plugins import use

        use(args[1].plugins)  # a forked worker has them already; a Dask worker unpickled the site without its validators
        _worker_renderer, _worker_args = Renderer(*args), args
    return _worker_renderer


def _work(job: UnitJob, args: tuple) -> UnitEntry:
    return _build_unit(job, _renderer_for(args))


def _build_unit(job: UnitJob, renderer) -> UnitEntry:
    """``build_unit``, its failures (content errors are results, not failures) named by unit.
    An ``OSError`` (a full disk) passes unchanged: the command reports it as it is."""
    try:
        return build_unit(job, renderer)
    except (OSError, BuildError):
        raise
    except Exception as exc:
        raise BuildError(f"building unit {job.unit_dir.name} failed: {type(exc).__name__}: {exc}") from exc


def run_units(jobs: list[UnitJob], renderer, *, workers: int | None = None, executor: str = "process",
              scheduler: str | None = None, progress: Progress | None = None) -> list[UnitEntry]:
    """Build every job; the entries come back in ``jobs`` order.

    ``executor``: ``"process"`` spreads the jobs over ``workers`` local processes (default one per
    core; a few units are built in this process, where a pool would cost more than it saves);
    ``"dask"`` runs them on the Dask cluster at ``scheduler`` (``tcp://HOST:PORT``) or, without
    one, on a local cluster of ``workers`` processes. ``renderer`` is the parent's
    ``builder.Renderer``; workers make their own from its arguments.
    Raises ``BuildError`` naming the unit when building one fails for a reason other than its
    content, or when a worker process dies; ``ExecutorError`` when the Dask scheduler cannot be
    reached; ``OSError`` as it is (a full disk).
    """
    if executor not in EXECUTORS:
        raise ValueError(f"unknown executor {executor!r} — expected one of {', '.join(EXECUTORS)}")
    progress = progress or Progress(enabled=False)
    args = renderer.args
    workers = workers or os.cpu_count() or 1
    with progress.stage("units", total=len(jobs)) as advance:
        if executor == "dask" or scheduler:
            return _on_dask(jobs, args, workers, scheduler, advance)
        if workers == 1 or len(jobs) < 2 * workers:
            return [_advanced(_build_unit(job, renderer), advance) for job in jobs]
        try:
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
                return [_advanced(entry, advance) for entry in pool.map(_work, jobs, [args] * len(jobs), chunksize=4)]
        except BrokenProcessPool as exc:
            raise BuildError("a worker process died (killed, or out of memory)") from exc


def _advanced(entry: UnitEntry, advance: Callable[[int], None]) -> UnitEntry:
    advance(1)
    return entry


def _on_dask(jobs: list[UnitJob], args: tuple, workers: int, scheduler: str | None,
             advance: Callable[[int], None]) -> list[UnitEntry]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ExecutorError("the Dask executor needs dask[distributed]: pip install 'sitegen[dask]'") from None
    cluster = None if scheduler else LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                  dashboard_address=None)
    try:
        try:
            client = Client(scheduler or cluster, timeout="20s")
        except OSError as exc:
            raise ExecutorError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            futures = client.map(_work, jobs, args=args, pure=False)  # keyword arguments go to _work
            for _ in as_completed(futures):
                advance(1)
            return client.gather(futures)
    finally:
        if cluster is not None:
            cluster.close()
