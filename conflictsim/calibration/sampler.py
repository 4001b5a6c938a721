"""A pyabc sampler whose answer depends on the seed alone, not on the number of workers.

pyabc's own parallel samplers (``MulticoreEvalParallelSampler``, ``DaskDistributedSampler``)
accept whichever particles finish first and seed each worker from the operating system,
so two runs never give the same draws. This sampler keeps pyabc's ABC-SMC (Toni et al.
2009; Klinger, Rickert & Hasenauer 2018) and changes only how a generation's candidates
are evaluated:

- candidate ``i`` of generation ``t`` draws every random number (its proposal and its
  simulation) from a stream seeded by ``(seed, t, i)``; pyabc draws from numpy's legacy
  global generator, so that generator is seeded for the candidate and restored after;
- candidates are evaluated in batches, in this process, in a pool of local processes
  or on a Dask cluster, and the generation keeps the first ``n`` accepted *by index*.

So the accepted set is the same whether one worker or forty evaluate the batches, and
whatever order they finish in: one seed, one answer.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import threading
from collections.abc import Callable, Sequence
from typing import Any

import cloudpickle
import numpy as np
from pyabc.sampler import Sampler
from tqdm.auto import tqdm

# Functions shipped to this worker process, by key (each is unpickled once per worker).
_SHIPPED: dict[str, Callable[..., Any]] = {}


def candidate_seed(seed: int, generation: int, index: int) -> tuple[int, int]:
    """Seeds for numpy's and Python's global generators for one candidate.

    pyabc numbers the generation that calibrates the first epsilon -1, hence the shift.
    """
    state = np.random.SeedSequence([seed, generation + 1, index]).generate_state(2)
    return int(state[0]), int(state[1])


def evaluate(simulate_one: Callable[[], Any], seed: int, generation: int, index: int) -> Any:
    """One candidate: its proposal and simulation drawn from its own seeded stream."""
    np_seed, py_seed = candidate_seed(seed, generation, index)
    np.random.seed(np_seed)
    random.seed(py_seed)
    return simulate_one()


def _candidates(simulate_one, seed: int, generation: int, indices: Sequence[int]) -> list[Any]:
    """A batch of candidates, leaving the caller's global generators as they were."""
    state = np.random.get_state(), random.getstate()
    try:
        return [evaluate(simulate_one, seed, generation, i) for i in indices]
    finally:
        np.random.set_state(state[0])
        random.setstate(state[1])


def _call_shipped(key: str, blob: bytes, args: tuple) -> Any:
    """Run a function sent as cloudpickle bytes (to our own worker processes only)."""
    shipped = _SHIPPED.get(key)
    if shipped is None:
        _SHIPPED.clear()  # the last generation's evaluator is no longer needed
        shipped = _SHIPPED[key] = cloudpickle.loads(blob)
    fn, shared = shipped
    return fn(*shared, *args)


def _call_shipped_star(item: tuple[str, bytes, tuple]) -> Any:
    return _call_shipped(*item)


def _call_remote(shipped: tuple, args: tuple) -> Any:
    fn, shared = shipped
    return fn(*shared, *args)


class SeededSampler(Sampler):
    """Evaluates candidates in index order, in batches, anywhere; keeps the first n by index.

    Args:
        seed: The calibration's seed.
        workers: Local processes (1: this process only).
        client: A ``dask.distributed.Client``; when given, batches run on its cluster.
        progress: Show a progress bar of accepted parameter sets per generation; or a
            function, called as batches finish with ``{"generation", "accepted",
            "draws"}`` (for the dashboard's own progress bar).
        warm_up: Run once in each new local worker (loading the compiled engine).
    """

    def __init__(
        self,
        seed: int,
        workers: int = 1,
        client: Any = None,
        progress: bool | Callable[[dict], None] = False,
        warm_up: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.seed = int(seed)
        self.workers = max(int(workers), 1)
        self.client = client
        self.progress = progress
        self.history: list[dict[str, float]] = []
        self._pool: Any = None
        self._starting: tuple[threading.Thread, dict[str, Any]] | None = None
        self.warm_up = warm_up

    def start(self) -> None:
        """Start the local workers now, in the background (they warm up meanwhile).

        Their fork server imports the engine and pyabc before it forks them, which takes
        seconds; ``map`` evaluates in this process until they are ready.
        """
        if self.client is not None or self.workers == 1:
            return
        if self._pool is not None or self._starting is not None:
            return
        holder: dict[str, Any] = {}

        def launch() -> None:
            try:
                ctx = multiprocessing.get_context("forkserver")
                ctx.set_forkserver_preload(["conflictsim.calibration.fitting"])
                holder["pool"] = ctx.Pool(self.workers, initializer=self.warm_up)
            except BaseException as exc:  # handed to the thread that waits for the pool
                holder["error"] = exc

        thread = threading.Thread(target=launch, name="conflictsim-workers", daemon=True)
        self._starting = (thread, holder)
        thread.start()

    def _ready_pool(self, wait: bool) -> Any:
        """The local pool; ``None`` while it is still starting and ``wait`` is false."""
        if self._pool is None and self._starting is not None:
            thread, holder = self._starting
            if not wait and thread.is_alive():
                return None
            thread.join()
            self._starting = None
            if "error" in holder:
                raise holder["error"]
            self._pool = holder["pool"]
        return self._pool

    def slots(self) -> int:
        """Candidates that can run at once: local workers, or the cluster's threads."""
        if self.client is not None:
            return max(sum(self.client.nthreads().values()), 1)
        return self.workers

    def map(
        self,
        fn: Callable[..., Any],
        calls: list[tuple],
        shared: tuple = (),
        done: Callable[[Any], None] | None = None,
    ) -> list[Any]:
        """``[fn(*shared, *args) for args in calls]``, here, in the pool or on the cluster.

        ``fn`` and ``shared`` are pickled once (cloudpickle, as pyabc and Dask do) and
        unpickled once per worker; results come back in the order of ``calls``, and
        ``done`` sees each as it arrives in that order (for progress bars).
        """
        done = done or (lambda _result: None)
        if not calls:
            return []
        if self.client is not None:
            # A fresh key each call: a key hashed from the data would be shared with the
            # last call's, whose release can then cancel this call's tasks.
            [remote] = self.client.scatter([(fn, shared)], broadcast=True, hash=False)
            futures = [self.client.submit(_call_remote, remote, args, pure=False) for args in calls]
            out = []
            for future in futures:
                out.append(future.result())
                done(out[-1])
            return out
        if self.workers == 1 or len(calls) == 1:
            out = []
            for args in calls:
                out.append(fn(*shared, *args))
                done(out[-1])
            return out
        # forkserver: workers fork from a clean single-threaded server (forking this
        # process, whose threads may hold locks, can deadlock), which has imported the
        # engine and pyabc once; numba loads the compiled kernels from its cache.
        self.start()
        out = []
        # While the workers start, evaluate here: whoever evaluates a call, its answer
        # is the same (every candidate draws from its own seeded stream).
        while len(out) < len(calls) and self._ready_pool(wait=False) is None:
            out.append(fn(*shared, *calls[len(out)]))
            done(out[-1])
        if len(out) == len(calls):
            return out
        blob = cloudpickle.dumps((fn, shared))
        key = f"{len(blob)}-{hash(blob)}"
        rest = [(key, blob, args) for args in calls[len(out) :]]
        for result in self._ready_pool(wait=True).imap(_call_shipped_star, rest):
            out.append(result)
            done(result)
        return out

    def stop(self) -> None:
        """Close the local pool (pyabc calls this when the analysis ends)."""
        if self._starting is not None:  # still starting: wait, then close it
            thread, holder = self._starting
            thread.join()
            self._starting = None
            self._pool = holder.get("pool")
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def _run_batches(
        self, simulate_one, t: int, batches: list[list[int]], done: Callable[[Any], None]
    ) -> list[list[Any]]:
        return self.map(_candidates, [(b,) for b in batches], (simulate_one, self.seed, t), done)

    def sample_until_n_accepted(
        self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None
    ):
        """A generation: the first ``n`` accepted candidates by index (pyabc's interface)."""
        sample = self._create_empty_sample()
        accepted = 0
        evaluated = 0
        index = 0
        rate = 1.0 if all_accepted or not self.history else max(self.history[-1]["rate"], 0.01)
        report = self.progress if callable(self.progress) else None
        bar = tqdm(
            total=n,
            desc=f"calibration, generation {t + 1}",
            unit="sets",
            disable=not self.progress or report is not None,
            leave=False,
            mininterval=0.5,
        )
        state = np.random.get_state(), random.getstate()
        try:
            while accepted < n and evaluated < max_eval:
                need = int(np.ceil((n - accepted) / rate * 1.02)) + self.slots()
                need = int(min(need, max(max_eval - evaluated, 1), 20 * n))
                per = max(int(np.ceil(need / (4 * self.slots()))), 1)
                batches = [
                    list(range(s, min(s + per, index + need)))
                    for s in range(index, index + need, per)
                ]
                index += need
                seen = accepted

                def tick(batch: list[Any]) -> None:
                    nonlocal seen  # progress only; the sample is built below, in order
                    new = min(sum(p.accepted for p in batch), n - seen)
                    seen += new
                    bar.update(new)
                    if report is not None:
                        report({"generation": t + 1, "accepted": seen, "draws": n})

                for batch in self._run_batches(simulate_one, t, batches, tick):
                    for particle in batch:
                        if accepted >= n:
                            break  # candidates past the n-th accepted are not used
                        evaluated += 1
                        sample.append(particle)
                        if particle.accepted:
                            accepted += 1
                rate = max(accepted / max(evaluated, 1), 0.01)
        finally:
            np.random.set_state(state[0])
            random.setstate(state[1])
            bar.close()
        self.nr_evaluations_ = evaluated
        self.history.append(
            {"generation": t, "evaluations": evaluated, "simulated": index, "rate": rate}
        )
        if sample.n_accepted < n:
            sample.ok = False
        return sample


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1
