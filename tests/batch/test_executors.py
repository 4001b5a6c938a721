"""Executors: a local process pool and a Dask cluster give the results of one worker."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_files import assert_same, reference_results, results, write_experiment

from conflictsim import batch


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory):
    return write_experiment(tmp_path_factory)


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> dict:
    return reference_results(experiment_file, tmp_path_factory)


def test_two_workers_give_identical_results(experiment_file, reference, tmp_path):
    units = batch.run(experiment_file, tmp_path / "w2", workers=2, progress=False)
    assert units["done"].all() and len(units) == 48
    assert_same(results(tmp_path / "w2"), reference)


def test_dask_cluster_gives_identical_results(experiment_file, reference, tmp_path):
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
                + ["--nworkers", "2", "--nthreads", "1", "--no-dashboard"]
                + ["--host", "127.0.0.1"],
                stdout=logs[1],
                stderr=subprocess.STDOUT,
            )
        )
        address = json.loads(scheduler_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        # Wait for both workers so that the work is really spread over them.
        from distributed import Client

        with Client(address, timeout="20s") as client:
            client.wait_for_workers(2, timeout=30)
        units = batch.run(experiment_file, tmp_path / "dask", scheduler=address, progress=False)
        assert units["done"].all()
        assert units["host"].nunique() == 2  # both worker processes ran units
        assert_same(results(tmp_path / "dask"), reference)
        manifest = batch.read_manifest(tmp_path / "dask")
        assert manifest["sessions"][0]["executor"] == f"dask {address}"
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
