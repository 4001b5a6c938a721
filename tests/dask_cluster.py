"""A Dask cluster of separate processes on 127.0.0.1 for tests: a scheduler and workers."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest


@contextlib.contextmanager
def dask_cluster(folder: Path, workers: int = 2):
    """Start ``dask scheduler`` and ``dask worker --nworkers N``; yield the address.

    Waits for the scheduler file and for every worker (conditions, not times), and stops
    the processes afterwards.
    """
    pytest.importorskip("distributed")
    dask = Path(sys.executable).with_name("dask")
    if not dask.exists():
        pytest.skip("the dask command is not installed next to this Python")
    scheduler_file = folder / "scheduler.json"
    logs = [open(folder / f"dask{i}.log", "w") for i in range(2)]  # noqa: SIM115
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
        deadline = time.monotonic() + 60
        while not scheduler_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert scheduler_file.exists(), (folder / "dask0.log").read_text()
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
        from distributed import Client

        # Wait for every worker so that the work is really spread over them.
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=120)
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
