"""Batch runs of experiment files: all cores or a Dask cluster, results streamed to Parquet.

``run`` splits an experiment (``conflictsim.experiment``) into units, one design point,
one arm and a block of replicates each, and runs them through a ``concurrent.futures``
executor: the calling process for one worker, a process pool for several (all cores by
default), or a Dask cluster (``dask.distributed``) when a scheduler is named. Workers send
each unit's tables back as Parquet bytes and this process writes them, so a cluster needs
no shared file system.

Results stream to disk as units finish and nothing is kept in memory, so memory does not
grow with the number of replicates (docs/benchmarks.md). Each file is written to a
temporary name and renamed into place (``os.replace`` is atomic), and a unit's summary file
is written last: a unit is finished exactly when its summary file exists. A run killed at
any moment and resumed (``resume=True``) runs only the unfinished units; because replicate
``k`` always runs with ``replicate_seed(seed, k)``, the results are those of an
uninterrupted run, whatever the number of workers, the executor or the machine.

Layout of a results directory::

    manifest.json         the experiment file, its hash, versions, seeds, units, timings
    design.parquet        design points (sweeps and sensitivity analyses)
    inputs/               copies of the files the experiment reads (org.csv, edges.csv)
    units/<unit>.summary.parquet     one row per replicate
    units/<unit>.daily.parquet       one row per replicate and day (outputs.daily)
    units/<unit>.employees.parquet   conflicts and training of each post (outputs.employees)
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import datetime as _dt
import hashlib
import io
import json
import multiprocessing as mp
import os
import platform
import socket
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.experiment import Experiment, Unit, load, loads

FORMAT = "conflictsim-batch/1"
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
UNITS = "units"
INPUTS = "inputs"
#: File kinds of a unit, in the order they are written (summary last: it marks the unit done).
KINDS = ("employees", "daily", "summary")
_TMP = ".tmp-"


class BatchError(RuntimeError):
    """A unit failed while running (not a problem with the experiment file)."""


# ----------------------------------------------------------------------------- running
def run(
    experiment: str | Path | Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
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

    Returns:
        One row per unit: ``unit, point, arm, first, count, done, seconds, host``.

    Raises:
        ValueError: If the experiment file is invalid, ``out`` is not empty (without
            ``resume``) or holds another experiment, or the scheduler cannot be reached.
        BatchError: If a unit fails; the finished units are kept (resume later).
    """
    exp = experiment if isinstance(experiment, Experiment) else load(experiment)
    out = Path(out)
    if scheduler is not None and workers is not None:
        raise ValueError("give --workers or --scheduler, not both: a cluster has its own workers")
    if workers is not None and (isinstance(workers, bool) or int(workers) < 1):
        raise ValueError(f"workers must be at least 1, got {workers!r}")
    # Connect to the cluster before writing anything: an unreachable scheduler is bad input.
    with _executor(workers, scheduler) as (executor, capacity, n_workers):
        exp, manifest = _prepare(exp, out, resume)
        _run_units(exp, out, manifest, executor, capacity, n_workers, resume, scheduler, progress)
    return units_frame(out)


def _run_units(exp, out, manifest, executor, capacity, n_workers, resume, scheduler, progress):
    """Run the unfinished units, writing each as it finishes and the manifest as it goes."""
    units = exp.units()
    done = finished_units(out, units)
    todo = [u for u in units if u.id not in done]
    session = {
        "started": _now(),
        "resumed": bool(resume and done),
        "executor": f"dask {scheduler}" if scheduler else "processes",
        "workers": n_workers,
        "machine": machine(),
        "units_run": 0,
        "replicates_run": 0,
        "status": "running",
    }
    manifest.setdefault("sessions", []).append(session)
    writer = _ManifestWriter(out, manifest)
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
        for unit, result in _stream(exp, todo, executor, capacity):
            write_unit(out, unit, result["files"])
            manifest["units"][unit.id].update(
                seconds=round(result["seconds"], 4),
                host=result["host"],
                finished=_now(),
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
        session["finished"] = _now()
        session["status"] = status
        manifest["complete"] = len(finished_units(out, units)) == len(units)
        writer.write(force=True)


def _stream(
    exp: Experiment, todo: Sequence[Unit], executor: cf.Executor, capacity
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
            ``seed`` and ``outputs``.

    Returns:
        ``files`` (kind to bytes, or None when not kept), ``seconds`` and ``host``.
    """
    from conflictsim.runs import ENGINES

    start = time.perf_counter()
    unit: Unit = task["unit"]
    scenario = _scenario_from_spec(task["scenario"])
    runs = ENGINES[task["engine"]](scenario, unit.count, task["seed"], first=unit.first)
    tables = unit_tables(unit, runs, task["outputs"])
    files = {kind: (None if t is None else _parquet_bytes(t)) for kind, t in tables.items()}
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
        "initial_upset": scn.initial_upset,
    }


def _scenario_from_spec(spec: dict):
    from conflictsim.params import Params
    from conflictsim.scenario import Scenario

    return Scenario(
        org=spec["org"],
        params=Params(_contact_certain=spec["contact_certain"], **spec["params"]),
        programmes=spec["programmes"],
        days=spec["days"],
        initial_upset=spec["initial_upset"],
    )


def unit_tables(unit: Unit, runs, outputs: dict) -> dict[str, pd.DataFrame | None]:
    """A unit's summary, daily and employee tables (``None`` for what is not kept)."""

    def tag(df: pd.DataFrame) -> pd.DataFrame:
        df = df.reset_index(drop=True).copy()
        df["replicate"] = df["replicate"].astype(np.int64)
        df.insert(0, "arm", pd.Series([unit.arm] * len(df), dtype=object))
        df.insert(0, "point", np.full(len(df), unit.point, dtype=np.int32))
        return df

    summary = tag(runs.summary)
    replicates = summary["replicate"].to_numpy()
    daily = tag(runs.daily) if outputs.get("daily", True) else None
    employees = None
    if outputs.get("employees", True):
        r, n = np.asarray(runs.employee_conflicts).shape
        employees = tag(
            pd.DataFrame(
                {
                    "replicate": np.repeat(replicates, n),
                    "employee": np.tile(np.arange(n, dtype=np.int32), r),
                    "conflicts": np.asarray(runs.employee_conflicts, dtype=np.int32).ravel(),
                    "trained": np.asarray(runs.trained, dtype=bool).ravel(),
                }
            )
        )
    return {"employees": employees, "daily": daily, "summary": summary}


def _parquet_bytes(df: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def write_unit(out: Path, unit: Unit, files: dict[str, bytes | None]) -> None:
    """Write a unit's files atomically, the summary last (it marks the unit finished)."""
    for kind in KINDS:
        data = files.get(kind)
        if data is not None:
            atomic_write(out / UNITS / f"{unit.id}.{kind}.parquet", data)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed into place (``os.replace`` is atomic on POSIX and Windows).
    """
    tmp = path.with_name(f"{path.name}{_TMP}{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def finished_units(out: Path, units: Sequence[Unit]) -> set[str]:
    """Ids of the units whose results are on disk."""
    folder = Path(out) / UNITS
    if not folder.is_dir():
        return set()
    present = {p.name for p in folder.iterdir()}
    return {u.id for u in units if f"{u.id}.summary.parquet" in present}


# ----------------------------------------------------------------------------- executors
@contextlib.contextmanager
def _executor(workers: int | None, scheduler: str | None):
    """Yield (executor, capacity function, number of workers) and shut it down after."""
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
        yield _InlineExecutor(), lambda: 1, 1
        return
    # Not fork: this process may already run threads (pyarrow's pools, Dask's loop), and
    # forking a threaded process can deadlock the child. The fork server starts clean.
    method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
    pool = cf.ProcessPoolExecutor(max_workers=n, mp_context=mp.get_context(method))
    try:
        yield pool, lambda: 2 * n, n
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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


class _InlineExecutor(cf.Executor):
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


# ----------------------------------------------------------------------------- manifest
def _prepare(exp: Experiment, out: Path, resume: bool) -> tuple[Experiment, dict]:
    """Check ``out`` and write the manifest, the inputs and the design; return the manifest.

    The manifest is written first, so a directory killed at any moment is either empty
    (start afresh) or has a manifest (resume); inputs and design are rewritten on resume.
    """
    fingerprint = exp.fingerprint()
    manifest_path = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a results directory")
    leftovers = [p for p in out.iterdir()] if out.is_dir() else []
    if manifest_path.is_file():
        if not resume:
            raise ValueError(
                f"{out} already holds a run; continue it with --resume, or choose a new "
                "--out (nothing was written)"
            )
        manifest = read_manifest(out)
        old = manifest["experiment"]
        if old["sha256"] != fingerprint:
            what = (
                "the experiment file"
                if old.get("text_sha256") != _sha(exp.text.encode())
                else "a file the experiment reads (org chart or contacts)"
            )
            raise ValueError(
                f"{out} holds a run of {old.get('file')}, and {what} has changed since; "
                "a resumed run must use the same experiment. Start a new run with another "
                "--out (nothing was written)"
            )
        if manifest.get("design_sha256") != _design_sha(exp):
            raise ValueError(
                f"{out}: the design points drawn now differ from those of the run (was "
                "SALib upgraded?); resume with the versions of the run, or start a new run"
            )
        if not exp.engine_given and manifest.get("engine") != exp.engine:
            # The default engine changed between sessions: keep the run's own engine.
            exp = _with_engine(exp, manifest["engine"])
        from conflictsim import __version__

        if manifest.get("conflictsim_version") != __version__:
            print(
                f"warning: {out} was started with conflictsim "
                f"{manifest.get('conflictsim_version')}, this is {__version__}",
                file=sys.stderr,
            )
        for p in [*out.glob(f"*{_TMP}*"), *(out / UNITS).glob(f"*{_TMP}*")]:
            p.unlink(missing_ok=True)  # a killed run's half-written files
    else:
        if any(_TMP not in p.name for p in leftovers):
            if resume:
                raise ValueError(
                    f"{out} is not empty and holds no {MANIFEST}: it is not a conflictsim "
                    "run to resume (nothing was written)"
                )
            raise ValueError(
                f"{out} is not empty; choose a new or empty --out, or --resume a run "
                "there (nothing was written)"
            )
        for p in leftovers:  # only a killed run's temporary files
            p.unlink()
        manifest = _new_manifest(exp, fingerprint)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(manifest_path, _json(manifest))
    (out / UNITS).mkdir(exist_ok=True)
    (out / INPUTS).mkdir(exist_ok=True)
    for name, path in exp.input_files().items():
        atomic_write(out / INPUTS / name, Path(path).read_bytes())
    if exp.design.kind != "none":
        # The points as drawn (before rounding whole-number parameters): what analyses read.
        points = pd.DataFrame(exp.design.points, columns=list(exp.design.names))
        points.insert(0, "point", np.arange(exp.n_points))
        atomic_write(out / DESIGN, _parquet_bytes(points))
    return exp, manifest


def _with_engine(exp: Experiment, engine: str) -> Experiment:
    import dataclasses

    return dataclasses.replace(exp, engine=engine)


def _new_manifest(exp: Experiment, fingerprint: str) -> dict:
    from conflictsim import __version__
    from conflictsim.seeds import replicate_seed

    units = exp.units()
    return {
        "format": FORMAT,
        "created": _now(),
        "experiment": {
            "file": str(exp.path.resolve()) if exp.path else None,
            "name": exp.name,
            "sha256": fingerprint,
            "text_sha256": _sha(exp.text.encode()),
            "text": exp.text,
            "inputs": {
                name: {"source": str(p), "sha256": _sha(Path(p).read_bytes())}
                for name, p in exp.input_files().items()
            },
        },
        "conflictsim_version": __version__,
        "versions": versions(),
        "engine": exp.engine,
        "seed": exp.seed,
        "replicates": exp.replicates,
        "seed_rule": "replicate k of every arm and design point runs with "
        "numpy.random.SeedSequence([seed, k]).generate_state(1)[0]",
        "replicate_seeds": [replicate_seed(exp.seed, k) for k in range(exp.replicates)]
        if exp.replicates <= 100_000
        else None,
        "arms": exp.arm_names,
        "design": {
            "kind": exp.design.kind,
            "parameters": list(exp.design.names),
            "bounds": [list(b) for b in exp.design.bounds],
            "points": exp.n_points,
            "samples": exp.design.samples,
            "seed": exp.design.seed,
        },
        "design_sha256": _design_sha(exp),
        "units": {
            u.id: {"point": u.point, "arm": u.arm, "first": u.first, "count": u.count}
            for u in units
        },
        "complete": False,
    }


class _ManifestWriter:
    """Rewrites the manifest atomically, at most once a second unless forced."""

    def __init__(self, out: Path, manifest: dict) -> None:
        self.path = out / MANIFEST
        self.manifest = manifest
        self.last = 0.0

    def write(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self.last >= 1.0:
            atomic_write(self.path, _json(self.manifest))
            self.last = now


def read_manifest(out: str | Path) -> dict:
    """The manifest of a results directory."""
    path = Path(out) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{out}: not a results directory (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a valid manifest: {exc}") from None
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown format {manifest.get('format')!r}")
    return manifest


def machine() -> dict[str, Any]:
    """The machine running this process: host, system, Python, cores."""
    return {
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": available_cores(),
    }


def versions() -> dict[str, str]:
    """Versions of the packages whose behaviour shapes the results."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("numpy", "pandas", "mesa", "numba", "pyarrow", "SALib", "dask", "distributed"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


def _design_sha(exp: Experiment) -> str:
    return _sha(np.ascontiguousarray(exp.design.points, dtype=np.float64).tobytes())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1) + "\n").encode()


def _now() -> str:
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


# ----------------------------------------------------------------------------- progress
class Progress:
    """A progress bar on standard error: replicates done, rate and time left.

    On a terminal the bar is redrawn in place; otherwise (a batch system's log file) a
    line is printed every 10% or every 30 seconds.
    """

    def __init__(
        self,
        total: int,
        done: int = 0,
        units: int = 0,
        units_done: int = 0,
        enabled: bool = True,
        stream=None,
    ) -> None:
        self.total, self.done = total, done
        self.units, self.units_done = units, units_done
        self.start_done = done
        self.stream = stream or sys.stderr
        self.enabled = enabled
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.t0 = time.monotonic()
        self.last_print = 0.0
        self.last_decile = -1
        if enabled:
            self._draw(force=True)

    def advance(self, replicates: int) -> None:
        """Record a finished unit of ``replicates`` replicates."""
        self.done += replicates
        self.units_done += 1
        if self.enabled:
            self._draw()

    def line(self) -> str:
        """The current state as one line."""
        share = self.done / self.total if self.total else 1.0
        width = 24
        filled = int(round(share * width))
        elapsed = time.monotonic() - self.t0
        ran = self.done - self.start_done
        rate = ran / elapsed if elapsed > 0 and ran else 0.0
        left = (self.total - self.done) / rate if rate > 0 else None
        return (
            f"{share:4.0%} |{'#' * filled}{'.' * (width - filled)}| "
            f"{self.done:,}/{self.total:,} runs, {self.units_done}/{self.units} units | "
            f"{rate:,.1f} runs/s | {_clock(elapsed)} elapsed, "
            f"{_clock(left) if left is not None else '?'} left"
        )

    def _draw(self, force: bool = False) -> None:
        now = time.monotonic()
        if self.tty:
            if force or now - self.last_print >= 0.1 or self.done >= self.total:
                self.stream.write("\r" + self.line() + "\x1b[K")
                self.stream.flush()
                self.last_print = now
            return
        decile = int(10 * self.done / self.total) if self.total else 10
        if force or decile > self.last_decile or now - self.last_print >= 30:
            self.stream.write(self.line() + "\n")
            self.stream.flush()
            self.last_print, self.last_decile = now, decile

    def close(self) -> None:
        """Finish the bar's line."""
        if self.enabled and self.tty:
            self.stream.write("\r" + self.line() + "\x1b[K\n")
            self.stream.flush()


def _clock(seconds: float) -> str:
    s = int(round(seconds))
    h, rem = divmod(s, 3600)
    m, s = divmod(rem, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


# ----------------------------------------------------------------------------- reading
def load_experiment(out: str | Path) -> Experiment:
    """The experiment of a results directory, rebuilt from the manifest and input copies."""
    out = Path(out)
    manifest = read_manifest(out)
    exp_info = manifest["experiment"]
    overrides = {name: out / INPUTS / name for name in exp_info.get("inputs", {})}
    file = exp_info.get("file")
    exp = loads(
        exp_info["text"],
        path=Path(file) if file else None,
        base_dir=out,
        input_overrides=overrides,
        engines=[manifest["engine"]] if manifest.get("engine") else None,
    )
    if manifest.get("engine") and manifest["engine"] != exp.engine:
        exp = _with_engine(exp, manifest["engine"])
    design_file = out / DESIGN
    if design_file.is_file():
        # Use the points the run used, not a fresh draw (a newer SALib could draw others).
        import dataclasses

        stored = pd.read_parquet(design_file).sort_values("point")
        points = stored[list(exp.design.names)].to_numpy(dtype=float)
        if points.shape != exp.design.points.shape:
            raise ValueError(f"{design_file} does not match the experiment's design")
        exp = dataclasses.replace(exp, design=dataclasses.replace(exp.design, points=points))
    return exp


def units_frame(out: str | Path) -> pd.DataFrame:
    """One row per unit of a run: ``unit, point, arm, first, count, done, seconds, host``."""
    out = Path(out)
    manifest = read_manifest(out)
    present = {p.name for p in (out / UNITS).iterdir()} if (out / UNITS).is_dir() else set()
    rows = [
        {
            "unit": uid,
            "point": info["point"],
            "arm": info["arm"],
            "first": info["first"],
            "count": info["count"],
            "done": f"{uid}.summary.parquet" in present,
            "seconds": info.get("seconds"),
            "host": info.get("host"),
        }
        for uid, info in manifest["units"].items()
    ]
    return pd.DataFrame(rows)


def _read(
    out: Path,
    kind: str,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    exp_units = _manifest_units(out)
    done = finished_units(out, exp_units)
    if complete and len(done) < len(exp_units):
        raise ValueError(
            f"{out}: the run is not finished ({len(done)} of {len(exp_units)} units); "
            "finish it with `conflictsim run FILE --out DIR --resume`"
        )
    manifest_arms = read_manifest(out)["arms"]
    selected = [
        u
        for u in exp_units
        if u.id in done
        and (arms is None or u.arm in arms)
        and (points is None or u.point in points)
    ]
    cols = None
    if columns is not None:
        cols = ["point", "arm", "replicate", *[c for c in columns if c not in ("point", "arm")]]
        cols = list(dict.fromkeys(cols))
    tables = []
    for u in selected:
        path = out / UNITS / f"{u.id}.{kind}.parquet"
        if not path.is_file():
            raise ValueError(f"{out}: no {kind} results were kept (see [outputs] {kind})")
        tables.append(pq.read_table(path, columns=cols))
    if not tables:
        return pd.DataFrame(columns=cols or ["point", "arm", "replicate"])
    df = pa.concat_tables(tables).to_pandas()
    df["arm"] = pd.Categorical(df["arm"], categories=manifest_arms, ordered=True)
    keys = ["point", "arm", "replicate"] + [k for k in ("day", "employee") if k in df.columns]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def _manifest_units(out: Path) -> list[Unit]:
    manifest = read_manifest(out)
    units = []
    for uid, info in manifest["units"].items():
        u = Unit(info["point"], info["arm"], info["first"], info["count"])
        # Rebuild with the id's own digit widths.
        p_digits = len(uid.split("__")[0]) - 1
        r_digits = len(uid.rsplit("__r", 1)[1].split("-")[0])
        units.append(Unit(u.point, u.arm, u.first, u.count, p_digits, r_digits))
    return units


def read_summary(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """One row per design point, arm and replicate: the per-run outcomes.

    Args:
        out: Results directory.
        arms: Only these arms.
        points: Only these design points.
        complete: Refuse an unfinished run (False: read the finished units).
    """
    return _read(Path(out), "summary", arms, points, complete=complete)


def read_daily(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """Daily outcomes: one row per design point, arm, replicate and day.

    ``columns`` limits what is read (``point``, ``arm`` and ``replicate`` always come).
    """
    return _read(Path(out), "daily", arms, points, columns, complete=complete)


def read_employees(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """Per post and replicate: conflicts the post was party to and whether it was trained."""
    return _read(Path(out), "employees", arms, points, complete=complete)


# ----------------------------------------------------------------------------- comparing
def comparisons(out: str | Path) -> dict[Any, Any]:
    """``Comparison`` objects of a finished run: one per design point, and ``"all"``.

    With one design point the dict holds that point only (key 0). With several, ``"all"``
    pools every point and replicate (each (point, replicate) pair is one paired
    difference): the average effect over the design's spread of parameters.
    """
    from conflictsim.comparison import Comparison
    from conflictsim.runs import ArmRuns

    out = Path(out)
    exp = load_experiment(out)
    if len(exp.arms) < 2:
        raise ValueError(f"{out}: a comparison needs at least two arms; the run has one")
    if exp.replicates < 2:
        raise ValueError(f"{out}: a comparison needs at least 2 replicates per arm")
    summary = read_summary(out)
    employees = read_employees(out) if exp.outputs["employees"] else None
    n = exp.org.size

    def arm_runs(mask_s: pd.Series, mask_e: pd.Series | None) -> ArmRuns:
        s = summary[mask_s].drop(columns=["point", "arm"]).reset_index(drop=True)
        r = len(s)
        if employees is not None and mask_e is not None:
            e = employees[mask_e]
            conflicts = e["conflicts"].to_numpy().reshape(r, n)
            trained = e["trained"].to_numpy().reshape(r, n)
        else:
            conflicts, trained = np.zeros((r, n), np.int64), np.zeros((r, n), bool)
        return ArmRuns(
            summary=s, daily=pd.DataFrame(), employee_conflicts=conflicts, trained=trained
        )

    def build(points: Sequence[int] | None) -> Comparison:
        runs = {}
        for arm in exp.arm_names:
            ms = summary["arm"] == arm
            me = employees["arm"] == arm if employees is not None else None
            if points is not None:
                ms &= summary["point"].isin(points)
                if me is not None:
                    me &= employees["point"].isin(points)
            runs[arm] = arm_runs(ms, me)
        return Comparison(exp.scenarios(points[0] if points else 0), runs)

    if exp.n_points == 1:
        return {0: build([0])}
    out_cmp: dict[Any, Any] = {p: build([p]) for p in range(exp.n_points)}
    out_cmp["all"] = build(None)
    return out_cmp


def compare(out: str | Path) -> pd.DataFrame:
    """The comparison table of a finished run (as ``conflictsim.compare``'s ``table``).

    Columns: arm, outcome, mean, ci_low, ci_high (the mean paired difference from the
    first arm with a 95% interval), p_better, arm_mean, baseline_mean. With a sweep, rows
    per design point come with ``point`` and the swept parameters, and rows with
    ``point == "all"`` pool every point. Without per-employee results (``[outputs]
    employees = false``) the ripple outcomes are left out.
    """
    out = Path(out)
    exp = load_experiment(out)
    cmps = comparisons(out)
    frames = []
    for key, cmp in cmps.items():
        t = cmp.table.copy()
        if not exp.outputs["employees"]:
            t = t[~t["outcome"].str.startswith("conflicts_untrained")]
        if exp.n_points > 1:
            values = exp.design.values(key) if key != "all" else {}
            for j, name in enumerate(exp.design.names):
                t.insert(j, name, values.get(name, np.nan))
            t.insert(0, "point", key)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


_TABLE_ROWS = [
    ("conflicts", "conflicts", "{:+,.1f}", "{:,.1f}"),
    ("conflicts_major", "  major", "{:+,.1f}", "{:,.1f}"),
    ("conflicts_critical", "  critical", "{:+,.1f}", "{:,.1f}"),
    ("conflict_hours", "conflict hours", "{:+,.0f}", "{:,.0f}"),
    ("absent_days", "absent days", "{:+,.1f}", "{:,.1f}"),
    ("quits", "quits", "{:+,.2f}", "{:,.2f}"),
    ("trained", "people trained", "{:+,.1f}", "{:,.1f}"),
    ("cost_conflict", "cost of conflict", "{:+,.0f}", "{:,.0f}"),
    ("cost_training", "cost of training", "{:+,.0f}", "{:,.0f}"),
    ("net_benefit", "net benefit", "{:+,.0f}", "{:,.0f}"),
    ("roi", "return per unit spent", "{:+,.2f}", "{:,.2f}"),
    ("conflicts_untrained", "conflicts of the untrained", "{:+,.1f}", "{:,.1f}"),
    ("conflicts_untrained_d1", "  1 tie from a trainee", "{:+,.1f}", "{:,.1f}"),
    ("conflicts_untrained_d2", "  2 ties", "{:+,.1f}", "{:,.1f}"),
    ("conflicts_untrained_d3plus", "  3 or more", "{:+,.1f}", "{:,.1f}"),
]


def format_table(table: pd.DataFrame, replicates: int | None = None, reference: str = "") -> str:
    """A comparison table as readable text: one block per arm against the reference."""
    lines = []
    t = table
    if "point" in t.columns:
        t = t[t["point"] == "all"]
    width = max(len(lab) for _, lab, _, _ in _TABLE_ROWS)
    for arm in dict.fromkeys(t["arm"]):
        rows = t[t["arm"] == arm].set_index("outcome")
        head = f"{arm} against {reference or 'the first arm'}"
        if replicates:
            head += f" ({replicates:,} paired replicates)"
        lines += [
            head,
            f"  {'outcome'.ljust(width)}  {'difference':>11}  {'95% interval':>25}  "
            f"{'P(better)':>9}  {'arm mean':>11}  {'reference':>11}",
        ]
        for col, lab, fmt, fmt_mean in _TABLE_ROWS:
            if col not in rows.index:
                continue
            r = rows.loc[col]
            interval = (
                f"{fmt.format(r['ci_low'])} to {fmt.format(r['ci_high'])}"
                if pd.notna(r["ci_low"])
                else ""
            )
            pb = f"{r['p_better']:.2f}" if pd.notna(r["p_better"]) else ""
            # Net benefit and ROI exist only as differences: no means to show.
            has_means = pd.notna(r["baseline_mean"])
            am = fmt_mean.format(r["arm_mean"]) if has_means else ""
            bm = fmt_mean.format(r["baseline_mean"]) if has_means else ""
            lines.append(
                f"  {lab.ljust(width)}  {fmt.format(r['mean']):>11}  {interval:>25}  "
                f"{pb:>9}  {am:>11}  {bm:>11}"
            )
        lines.append("")
    lines.append(
        "Differences are arm minus reference, replicate by replicate (common random "
        "numbers); negative conflicts and costs mean the arm helps. P(better): share of "
        "replicates in which the arm does better. Conflicts of the untrained count a "
        "conflict once for each untrained party, against the same people in the reference."
    )
    return "\n".join(lines)


# ----------------------------------------------------------------------------- command line
def add_run_arguments(p, *, what: str = "run") -> None:
    """Options of ``conflictsim run`` (and ``conflictsim sensitivity``)."""
    from conflictsim.simulate_cli import _positive_int

    p.add_argument("experiment", metavar="FILE", help="experiment file (TOML), see experiments/")
    p.add_argument("--out", required=True, metavar="DIR", help="results directory (new or empty)")
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=_positive_int,
        metavar="N",
        help=f"local worker processes (default: all {available_cores()} cores)",
    )
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on a Dask cluster: the scheduler's address (tcp://host:8786) or its "
        "scheduler file",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help=f"continue the {what} in DIR: keep finished units, run the rest",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


@contextlib.contextmanager
def stop_on_sigterm():
    """Treat SIGTERM (a batch system's time limit) like Ctrl-C while inside the block.

    Finished units are on disk either way; this only lets the manifest say "interrupted".
    The previous handler is restored afterwards.
    """
    import signal
    import threading

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


def guarded(command: str, out, work):
    """Run ``work()`` for a command line, stopping cleanly on SIGTERM or Ctrl-C.

    Returns:
        ``(result, 0)``, or ``(None, status)`` after a message saying that finished
        units are kept and how to resume.
    """
    try:
        with stop_on_sigterm():
            return work(), 0
    except BatchError as exc:
        print(f"conflictsim {command}: error: {exc}", file=sys.stderr)
        print(f"finished units are kept: resume with --resume --out {out}", file=sys.stderr)
        return None, 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: resume with --resume --out {out}", file=sys.stderr)
        return None, 130


def cmd_run(args) -> int:
    """``conflictsim run``: run an experiment file."""
    t0 = time.monotonic()
    units, status = guarded(
        "run",
        args.out,
        lambda: run(
            args.experiment,
            args.out,
            workers=args.workers,
            scheduler=args.scheduler,
            resume=args.resume,
            progress=not args.quiet,
        ),
    )
    if status:
        return status
    print(
        f"{args.out}: {int(units['done'].sum())} units, {int(units['count'].sum()):,} runs "
        f"({time.monotonic() - t0:.1f} s)"
    )
    print(f"next: conflictsim compare {args.out}   |   conflictsim report {args.out}")
    return 0


def add_compare_arguments(p) -> None:
    """Options of ``conflictsim compare``."""
    p.add_argument("out", metavar="DIR", help="results directory of conflictsim run")
    p.add_argument(
        "--csv",
        metavar="PATH",
        help="also write the full table as CSV to PATH ('-': print CSV instead of the table)",
    )


def cmd_compare(args) -> int:
    """``conflictsim compare``: the comparison table of a finished run."""
    exp = load_experiment(args.out)
    table = compare(args.out)
    if args.csv == "-":
        sys.stdout.write(table.to_csv(index=False))
        return 0
    n = exp.replicates * (exp.n_points if exp.n_points > 1 else 1)
    if exp.n_points > 1:
        print(f"Pooled over {exp.n_points:,} design points ({exp.design.kind}):")
        print()
    print(format_table(table, n, exp.arm_names[0]))
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"\nwrote {args.csv}")
    return 0
