"""How many threads the engine spreads a call's replicates over.

The kernels release the GIL (numba's ``nogil``), so the driver runs blocks of replicates
on threads of its own, each block with its own scratch arrays. A replicate's numbers depend
on its own rows and keyed random numbers alone, so any number of threads gives the same
numbers (tests/engine/test_threads.py).

By default every core is used, except in a worker process of a pool (``conflictsim run``'s
workers, Dask's, the calibration's): the pool keeps every core busy already, and more
threads than cores only slow each other down. ``CONFLICTSIM_THREADS`` overrides the
default; ``simulate(..., threads=n)`` overrides both.
"""

from __future__ import annotations

import multiprocessing
import os

#: Environment variable with the default number of threads.
THREADS_ENV = "CONFLICTSIM_THREADS"


def cores() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_threads() -> int:
    """Threads used when none are asked for: see the module's docstring.

    Raises:
        ValueError: If ``CONFLICTSIM_THREADS`` is not a whole number of at least 1.
    """
    text = os.environ.get(THREADS_ENV, "").strip()
    if text:
        try:
            n = int(text)
        except ValueError:
            n = 0
        if n < 1:
            raise ValueError(f"{THREADS_ENV} must be a whole number of at least 1, got {text!r}")
        return n
    return 1 if multiprocessing.parent_process() is not None else cores()


def check_threads(threads: int | None) -> int:
    """``threads`` checked (None: ``default_threads()``).

    Raises:
        ValueError: If it is not a whole number of at least 1.
    """
    if threads is None:
        return default_threads()
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a whole number of at least 1, got {threads!r}")
    return threads


def blocks(replicates: int, threads: int) -> list[slice]:
    """Replicates ``0..replicates-1`` in at most ``threads`` contiguous, near-equal blocks."""
    parts = max(1, min(threads, replicates))
    base, extra = divmod(replicates, parts)
    out, start = [], 0
    for k in range(parts):
        stop = start + base + (1 if k < extra else 0)
        out.append(slice(start, stop))
        start = stop
    return out
