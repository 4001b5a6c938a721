"""Where units run: this process, a pool of local processes, or a Dask cluster.

``open_executor`` yields a ``concurrent.futures`` executor and how many units to keep in
flight: the calling process for one worker (``InlineExecutor``), a process pool for several
(all cores by default), or a Dask cluster (``dask.distributed``) when a scheduler is named.
Workers send each unit's tables back as Parquet bytes, so a cluster needs no shared file
system.

Local workers end when the process that started them dies, even by ``kill -9``
(``watch_parent``), and the fork server and resource tracker of ``multiprocessing`` end
with them: a killed run leaves no process behind. A Dask cluster's workers are the
cluster's own: a client that dies leaves them running, and the scheduler drops its tasks.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import multiprocessing as mp
import os
import threading
import time
from pathlib import Path


@contextlib.contextmanager
def open_executor(workers: int | None, scheduler: str | None):
    """Yield (executor, capacity function, number of workers) and shut it down after.

    Args:
        workers: Local worker processes (default: every core; 1 runs in this process).
        scheduler: Address or scheduler file of a Dask cluster to run on instead.

    Raises:
        ValueError: If the scheduler cannot be reached.
    """
    if scheduler is not None:
        client = _dask_client(scheduler)
        try:
            executor = client.get_executor(pure=False)
            cache = {"at": -1e9, "value": 4}

            def capacity() -> int:
                # Two units per worker thread keep every worker busy; workers may join
                # or leave a cluster while it runs, so ask the scheduler now and then.
                now = time.monotonic()
                if now - cache["at"] > 2.0:
                    cache["value"] = max(4, 2 * sum(client.nthreads().values()))
                    cache["at"] = now
                return cache["value"]

            try:
                yield executor, capacity, len(client.nthreads())
            finally:
                executor.shutdown(wait=False)
        finally:
            client.close()
        return
    n = workers or available_cores()
    if n == 1:
        yield InlineExecutor(), lambda: 1, 1
        return
    # Not fork: this process may already run threads (pyarrow's pools, Dask's loop), and
    # forking a threaded process can deadlock the child. The fork server starts clean.
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    context = mp.get_context(method)
    # This process holds the only writing end of the pipe: workers see it close when this
    # process ends, however it ends.
    alive, holder = context.Pipe(duplex=False)
    pool = cf.ProcessPoolExecutor(
        max_workers=n, mp_context=context, initializer=watch_parent, initargs=(alive,)
    )
    try:
        yield pool, lambda: 2 * n, n
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        holder.close()
        alive.close()


def watch_parent(alive) -> None:
    """End this worker process as soon as the process that started it has died.

    A pool's worker waits for work on a queue whose writing end it holds itself, so it
    never notices that the run is gone: after ``kill -9`` of the run it would wait for
    ever, and keep alive the fork server and the resource tracker, which stay while any
    worker holds their pipes. ``alive`` is the reading end of a pipe whose one writing end
    the parent holds: reading it returns (end of file) only when the parent has ended. A
    daemon thread waits on it, so a worker in the middle of a unit ends too (the engine's
    kernels release the GIL). Used as the pool's ``initializer``.

    Args:
        alive: The reading end (``multiprocessing.connection.Connection``).
    """

    def wait() -> None:
        with contextlib.suppress(EOFError, OSError):
            alive.recv_bytes()
        os._exit(1)  # no clean-up to do: workers write no files, the parent writes them

    threading.Thread(target=wait, name="conflictsim-watch-parent", daemon=True).start()


def _dask_client(scheduler: str):
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a declared dependency
        raise ValueError(
            "--scheduler needs dask.distributed: pip install 'dask[distributed]'"
        ) from None
    try:
        if Path(scheduler).is_file():
            return Client(scheduler_file=scheduler, timeout="20s")
        return Client(scheduler, timeout="20s")
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        raise ValueError(
            f"could not reach the Dask scheduler at {scheduler!r}: {exc} "
            "(start one with `dask scheduler`; see docs/experiments.md)"
        ) from None


class InlineExecutor(cf.Executor):
    """Runs each task when it is submitted, in this process (one worker, no pool)."""

    def submit(self, fn, /, *args, **kwargs) -> cf.Future:  # noqa: D102 - Executor API
        fut: cf.Future = cf.Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except Exception as exc:
            fut.set_exception(exc)
        return fut


def available_cores() -> int:
    """Cores this process may use (its CPU affinity where the system reports it)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)
