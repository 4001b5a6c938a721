"""Running an experiment: units streamed to the results directory, resumable at any point.

``run`` splits an experiment (``conflictsim.experiment``) into units, one design point,
one arm and a block of replicates each, and runs them through an executor
(``conflictsim.batch.executors``). Results stream to disk as units finish and nothing is
kept in memory, so memory does not grow with the number of replicates
(docs/benchmarks.md). A run killed at any moment and resumed (``resume=True``) runs only
the unfinished units; because replicate ``k`` always runs with ``replicate_seed(seed, k)``
(and, over a calibration, with its parameter set ``k``), the results are those of an
uninterrupted run, whatever the number of workers, the executor or the machine.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm.auto import tqdm

from conflictsim.batch.executors import open_executor
from conflictsim.batch.store import (
    ManifestWriter,
    finished_units,
    machine,
    parquet_bytes,
    prepare,
    units_frame,
    utc_now,
    write_unit,
)
from conflictsim.experiment import Experiment, Unit, load
from conflictsim.params import Params
from conflictsim.runs import runner_for
from conflictsim.scenario import Scenario


class BatchError(RuntimeError):
    """A unit failed while running (not a problem with the experiment file)."""


def run(
    experiment: str | Path | Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
    model_cls: type | None = None,
) -> pd.DataFrame:
    """Run an experiment file, streaming each unit's results to ``out``.

    Args:
        experiment: An experiment file (or a loaded ``Experiment``).
        out: Results directory. Without ``resume`` it must be new or empty.
        workers: Local worker processes (default: every core; 1 runs in this process).
        scheduler: Address of a Dask scheduler (``tcp://host:8786``) or the path of a
            scheduler file (``dask scheduler --scheduler-file``): run on that cluster.
        resume: Continue the run in ``out``: finished units are kept, the others run.
            The experiment (and any file it reads) must be unchanged.
        progress: Show a progress bar on standard error.
        model_cls: A subclass of ``ConflictModel`` (a behaviour of your own) to run, for
            an experiment with ``engine = "mesa"``; the fast engine ignores it, with a
            ``UserWarning``. Its name is kept in the manifest, and a run is resumed only
            with the same class. Worker processes import it by name: define it in a
            module, not in ``__main__`` (or run with ``workers=1``).

    Returns:
        One row per unit: ``unit, point, arm, first, count, done, seconds, host``.

    Raises:
        ValueError: If the experiment file is invalid, ``out`` is not empty (without
            ``resume``) or holds another experiment (or model class), or the scheduler
            cannot be reached.
        BatchError: If a unit fails; the finished units are kept (resume later).
    """
    exp = experiment if isinstance(experiment, Experiment) else load(experiment)
    out = Path(out)
    runner_for(exp.engine, model_cls)  # checks the class; warns if the engine ignores it
    model_cls = model_cls if exp.engine == "mesa" else None
    if scheduler is not None and workers is not None:
        raise ValueError("give --workers or --scheduler, not both: a cluster has its own workers")
    if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    # Connect to the cluster before writing anything: an unreachable scheduler is bad input.
    with open_executor(workers, scheduler) as (executor, capacity, n_workers):
        exp, manifest = prepare(exp, out, resume, model=model_name(model_cls))
        _run_units(
            exp,
            out,
            manifest,
            executor,
            capacity,
            n_workers,
            resume,
            scheduler,
            progress,
            model_cls,
        )
    return units_frame(out)


def model_name(model_cls: type | None) -> str | None:
    """``module.QualName`` of a model class, or None for none (``ConflictModel``'s rules)."""
    return None if model_cls is None else f"{model_cls.__module__}.{model_cls.__qualname__}"


def _run_units(
    exp, out, manifest, executor, capacity, n_workers, resume, scheduler, progress, model_cls
):
    """Run the unfinished units, writing each as it finishes and the manifest as it goes."""
    units = exp.units()
    done = finished_units(out, units)
    todo = [u for u in units if u.id not in done]
    session = {
        "started": utc_now(),
        "resumed": bool(resume and done),
        "executor": f"dask {scheduler}" if scheduler else "processes",
        "workers": n_workers,
        "machine": machine(),
        "units_run": 0,
        "replicates_run": 0,
        "status": "running",
    }
    manifest.setdefault("sessions", []).append(session)
    writer = ManifestWriter(out, manifest)
    writer.write(force=True)
    bar = Progress(
        total=exp.n_points * len(exp.arms) * exp.replicates,
        done=sum(u.count for u in units if u.id in done),
        units=len(units),
        units_done=len(done),
        enabled=progress,
    )
    status = "interrupted"
    try:
        for unit, result in _stream(exp, todo, executor, capacity, model_cls):
            write_unit(out, unit, result["files"])
            manifest["units"][unit.id].update(
                seconds=round(result["seconds"], 4),
                host=result["host"],
                finished=utc_now(),
                session=len(manifest["sessions"]) - 1,
            )
            session["units_run"] += 1
            session["replicates_run"] += unit.count
            bar.advance(unit.count)
            writer.write()
        status = "complete"
    except BatchError:
        status = "failed"
        raise
    finally:
        bar.close()
        session["finished"] = utc_now()
        session["status"] = status
        manifest["complete"] = len(finished_units(out, units)) == len(units)
        writer.write(force=True)


def _stream(
    exp: Experiment, todo: Sequence[Unit], executor: cf.Executor, capacity, model_cls=None
) -> Iterator[tuple[Unit, dict]]:
    """Submit units, at most ``capacity()`` at a time, and yield each as it finishes.

    A bounded window keeps memory flat: finished results are written and dropped before
    more work is sent out.
    """
    pending: dict[cf.Future, Unit] = {}
    queue = iter(todo)
    scenarios: dict[int, dict] = {}
    exhausted = False
    try:
        while True:
            while not exhausted and len(pending) < capacity():
                unit = next(queue, None)
                if unit is None:
                    exhausted = True
                    break
                if unit.point not in scenarios:  # scenarios of the latest point only
                    scenarios = {unit.point: exp.scenarios(unit.point)}
                task = {
                    "unit": unit,
                    "scenario": _scenario_spec(scenarios[unit.point][unit.arm]),
                    "engine": exp.engine,
                    "seed": exp.seed,
                    "outputs": dict(exp.outputs),
                    # Plain data (DataFrames and dicts, a few kB for hundreds of sets):
                    # sent with each task, so a worker needs no file of the run. With an
                    # evidence setting, the sets carry its training effects.
                    "calibration": exp.run_calibration,
                    "model_cls": model_cls,
                }
                pending[executor.submit(run_unit, task)] = unit
            if not pending:
                return
            finished, _ = cf.wait(pending, return_when=cf.FIRST_COMPLETED)
            # Keep every unit that succeeded before reporting one that failed.
            failed = None
            for fut in sorted(finished, key=lambda f: pending[f].id):
                unit = pending.pop(fut)
                if fut.exception() is not None:
                    failed = failed or (unit, fut.exception())
                    continue
                yield unit, fut.result()
            if failed is not None:
                unit, exc = failed
                raise BatchError(
                    f"unit {unit.id} failed: {type(exc).__name__}: {exc}" + _engine_hint(exp, exc)
                ) from exc
    finally:
        for fut in pending:
            fut.cancel()


def _engine_hint(exp: Experiment, exc: Exception) -> str:
    if isinstance(exc, NotImplementedError) and exp.engine != "mesa":
        return (
            f' (the {exp.engine} engine cannot run this yet; set engine = "mesa" in [experiment])'
        )
    return ""


def run_unit(task: dict) -> dict:
    """Run one unit (in a worker) and return its tables as Parquet bytes.

    Args:
        task: ``unit``, ``scenario``, ``engine`` (a key of ``runs.ENGINES``),
            ``seed``, ``outputs``, ``calibration`` (a ``Calibration``, or None) and
            ``model_cls`` (the Mesa engine's model class, or None).

    Returns:
        ``files`` (kind to bytes, or None when not kept), ``seconds`` and ``host``.
    """
    start = time.perf_counter()
    unit: Unit = task["unit"]
    scenario = _scenario_from_spec(task["scenario"])
    calibration = task.get("calibration")
    # Without a calibration, call the runner as before (a runner need not know of one).
    extra = {} if calibration is None else {"calibration": calibration}
    run = runner_for(task["engine"], task.get("model_cls"))
    runs = run(scenario, unit.count, task["seed"], first=unit.first, **extra)
    tables = unit_tables(unit, runs, task["outputs"])
    files = {kind: (None if t is None else parquet_bytes(t)) for kind, t in tables.items()}
    return {
        "files": files,
        "seconds": time.perf_counter() - start,
        "host": f"{socket.gethostname()}:{os.getpid()}",
    }


def _scenario_spec(scn) -> dict:
    """A scenario as plain picklable parts (``Params`` itself does not pickle)."""
    return {
        "org": scn.org,
        "params": scn.params.to_dict(),
        "contact_certain": scn.params.contact_certain,
        "programmes": tuple(scn.programmes),
        "days": scn.days,
        "warmup": scn.warmup,
        "initial_upset": scn.initial_upset,
    }


def _scenario_from_spec(spec: dict) -> Scenario:
    return Scenario(
        org=spec["org"],
        params=Params(_contact_certain=spec["contact_certain"], **spec["params"]),
        programmes=spec["programmes"],
        days=spec["days"],
        warmup=spec["warmup"],
        initial_upset=spec["initial_upset"],
    )


def unit_tables(unit: Unit, runs, outputs: dict) -> dict[str, pd.DataFrame | None]:
    """A unit's summary, daily, employee and tie tables (``None`` for what is not kept)."""

    def tag(df: pd.DataFrame) -> pd.DataFrame:
        df = df.reset_index(drop=True).copy()
        df["replicate"] = df["replicate"].astype(np.int64)
        df.insert(0, "arm", pd.Series([unit.arm] * len(df), dtype=object))
        df.insert(0, "point", np.full(len(df), unit.point, dtype=np.int32))
        return df

    summary = tag(runs.summary)
    replicates = summary["replicate"].to_numpy()
    daily = tag(runs.daily) if outputs.get("daily", True) else None

    def per(key: str, conflicts: np.ndarray, **more: np.ndarray) -> pd.DataFrame:
        """One row per replicate and post (or tie): its conflicts, and ``more`` columns."""
        r, n = np.asarray(conflicts).shape
        columns = {
            "replicate": np.repeat(replicates, n),
            key: np.tile(np.arange(n, dtype=np.int32), r),
            "conflicts": np.asarray(conflicts, dtype=np.int32).ravel(),
            **{name: np.asarray(v).ravel() for name, v in more.items()},
        }
        return tag(pd.DataFrame(columns))

    employees = ties = None
    if outputs.get("employees", True):
        trained = np.asarray(runs.trained, dtype=bool)
        employees = per("employee", runs.employee_conflicts, trained=trained)
        if getattr(runs, "edge_conflicts", None) is not None:
            ties = per("tie", runs.edge_conflicts)
    return {"employees": employees, "ties": ties, "daily": daily, "summary": summary}


class _Lines:
    """A log file seen by tqdm: each redraw becomes a line of its own.

    tqdm redraws in place with a carriage return, which a log without a terminal (a batch
    system's) would keep as one ever longer line.
    """

    def __init__(self, stream) -> None:
        self.stream = stream

    def write(self, text: str) -> None:
        line = text.replace("\r", "").rstrip()
        if line:
            self.stream.write(line + "\n")

    def flush(self) -> None:
        self.stream.flush()


class Progress:
    """Runs and units done, rate and time left, on standard error (a ``tqdm`` bar).

    ``tqdm.auto`` draws it in place on a terminal and as a widget in a notebook; in a log
    file without a terminal (a batch system's) it writes a line at most every 30 seconds,
    and one at the end.
    """

    _FORMAT = (
        "{percentage:3.0f}% |{bar:24}| {n_fmt}/{total_fmt} runs{postfix} | {rate_fmt} | "
        "{elapsed} elapsed, {remaining} left"
    )

    def __init__(
        self,
        total: int,
        done: int = 0,
        units: int = 0,
        units_done: int = 0,
        enabled: bool = True,
        stream=None,
    ) -> None:
        stream = stream or sys.stderr
        tty = bool(getattr(stream, "isatty", lambda: False)())
        self.units, self.units_done = units, units_done
        self.bar = tqdm(
            total=total,
            initial=done,
            unit=" runs",
            file=stream if tty else _Lines(stream),
            disable=not enabled,
            mininterval=0.1 if tty else 30.0,
            bar_format=self._FORMAT,
        )
        self.bar.set_postfix_str(self._units(), refresh=False)

    def _units(self) -> str:
        return f"{self.units_done}/{self.units} units"

    def advance(self, replicates: int) -> None:
        """Record a finished unit of ``replicates`` replicates."""
        self.units_done += 1
        self.bar.set_postfix_str(self._units(), refresh=False)
        self.bar.update(replicates)

    def line(self) -> str:
        """The current state as one line."""
        return str(self.bar)

    def close(self) -> None:
        """Draw the final state and finish the bar's line."""
        self.bar.close()


@contextlib.contextmanager
def stop_on_sigterm():
    """Treat SIGTERM (a batch system's time limit) like Ctrl-C while inside the block.

    Finished units are on disk either way; this only lets the manifest say "interrupted".
    The previous handler is restored afterwards.
    """

    def handler(signum, frame):
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
