"""Executors for fan-out work: a local process pool, threads, or a dask.distributed cluster."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager

from creative_workbench.errors import WorkbenchError

DASK_PREFIX = "dask://"
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def default_workers() -> int:
    """Worker count for local pools: the machine's cores (at least 1)."""
    return max(1, os.cpu_count() or 1)


def die_with_parent(parent_pid: int) -> None:
    """Pool initializer: on Linux the kernel kills this worker when its parent dies (even by
    kill -9), so no orphan finishes a report or idles on after the CLI is gone.

    PR_SET_PDEATHSIG fires when the thread that started the worker ends: pools are opened
    and used from one thread (the `with` block), which outlives its workers.
    """
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # no prctl: workers then end with the pool as before
        return
    if os.getppid() != parent_pid:  # the parent died before the request took effect
        os._exit(1)


@contextmanager
def open_executor(spec: str | None = None, max_workers: int | None = None) -> Iterator[Executor]:
    """Open the executor SPEC names: None/'process', 'thread', or 'dask://HOST:PORT'.

    'dask://local' starts a LocalCluster on this machine (used by the tests).
    """
    spec = (spec or "process").strip()
    if max_workers is not None and max_workers < 1:
        raise WorkbenchError(f"workers = {max_workers}: use at least 1 parallel worker")
    workers = max_workers if max_workers is not None else default_workers()
    if spec == "process":
        with ProcessPoolExecutor(
            max_workers=workers, initializer=die_with_parent, initargs=(os.getpid(),)
        ) as pool:
            yield pool
    elif spec == "thread":
        with ThreadPoolExecutor(max_workers=workers) as pool:
            yield pool
    elif spec.startswith(DASK_PREFIX):
        with _dask_executor(spec.removeprefix(DASK_PREFIX), workers) as pool:
            yield pool
    else:
        raise WorkbenchError(
            f"unknown executor {spec!r}: use 'process', 'thread' or 'dask://HOST:PORT'"
        )


@contextmanager
def _dask_executor(address: str, workers: int) -> Iterator[Executor]:
    from distributed import Client, LocalCluster

    if address == "local":
        with (
            LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            yield client.get_executor()
        return
    try:
        client = Client(f"tcp://{address}", timeout="10s")
    except OSError as exc:
        raise WorkbenchError(f"cannot reach dask scheduler at {address}: {exc}") from None
    with client:
        yield client.get_executor()
