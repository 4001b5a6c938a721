"""Experiment files and helpers of the tests of conflictsim.batch.

Helpers, not a conftest.py: one here would shadow tests/conftest.py, which other test
modules import as ``conftest``.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from conflictsim import batch

# Long enough (96 runs of 100 people x 60 days) to be killed part-way, short enough for CI.
EXPERIMENT = """\
[experiment]
name = "batch-test"
seed = 11
replicates = 48
days = 60
engine = "mesa"
replicates_per_unit = 2

[organisation]
preset = "office"
size = 100
seed = 3

[parameters]
transmission = 0.3

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
[[arms.programmes]]
kind = "deescalation"
coverage = 0.5
"""


SMALL = """\
[experiment]
seed = 5
replicates = 5
days = 20
engine = "mesa"
replicates_per_unit = 2

[organisation]
preset = "call_centre"
size = 40

[[arms]]
name = "baseline"

[[arms]]
name = "listen"
programmes = [{kind = "active_listening", target = "managers"}]
"""


def results(out) -> dict[str, pd.DataFrame]:
    return {
        "summary": batch.read_summary(out),
        "daily": batch.read_daily(out),
        "employees": batch.read_employees(out),
    }


def assert_same(a: dict, b: dict) -> None:
    for kind in a:
        pd.testing.assert_frame_equal(a[kind], b[kind], check_exact=True, obj=kind)


def cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictsim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )


def write_small(tmp_path: Path) -> Path:
    """The small experiment file, written to ``tmp_path``."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def write_experiment(tmp_path_factory) -> Path:
    """The experiment long enough to be killed part-way, in a new folder."""
    path = tmp_path_factory.mktemp("exp") / "batch.toml"
    path.write_text(EXPERIMENT)
    return path


def reference_results(experiment_file: Path, tmp_path_factory) -> dict:
    """An uninterrupted run with one worker, in this process."""
    out = tmp_path_factory.mktemp("ref") / "run"
    batch.run(experiment_file, out, workers=1, progress=False)
    return results(out)


@contextlib.contextmanager
def dask_cluster(tmp_path: Path, workers: int = 2):
    """A Dask scheduler and ``workers`` one-thread worker processes on 127.0.0.1.

    Yields the scheduler's address once every worker has joined; skips the test when
    dask.distributed or its ``dask`` command is missing.
    """
    pytest.importorskip("distributed")
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed next to this Python")
    scheduler_file = tmp_path / "scheduler.json"
    logs = [open(tmp_path / f"dask{i}.log", "w") for i in range(2)]  # noqa: SIM115
    procs = []
    try:
        procs.append(
            subprocess.Popen(
                [str(dask), "scheduler", "--host", "127.0.0.1", "--port", "0"]
                + ["--no-dashboard", "--scheduler-file", str(scheduler_file)],
                stdout=logs[0],
                stderr=subprocess.STDOUT,
            )
        )
        deadline = time.monotonic() + 30
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler_file.exists(), (tmp_path / "dask0.log").read_text()
        procs.append(
            subprocess.Popen(
                [str(dask), "worker", "--scheduler-file", str(scheduler_file)]
                + ["--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"]
                + ["--host", "127.0.0.1"],
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        # Wait for every worker so that the work is really spread over them.
        from distributed import Client

        with Client(address, timeout="20s") as client:
            client.wait_for_workers(workers, timeout=30)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in reversed(procs):
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        for f in logs:
            f.close()
