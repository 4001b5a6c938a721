"""Batch runs: identical results whatever the workers, executor, chunking or interruptions."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim import batch
from conflictsim.runs import ENGINES

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


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "batch.toml"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> dict:
    """An uninterrupted run with one worker, in this process."""
    out = tmp_path_factory.mktemp("ref") / "run"
    batch.run(experiment_file, out, workers=1, progress=False)
    return results(out)


def test_results_are_complete_and_match_in_memory_compare(experiment_file, reference, tmp_path):
    s = reference["summary"]
    assert len(s) == 96 and list(s["arm"].cat.categories) == ["baseline", "deesc"]
    assert (s.groupby("arm", observed=True)["replicate"].apply(list) == [list(range(48))] * 2).all()
    assert len(reference["daily"]) == 96 * 61 and len(reference["employees"]) == 96 * 100
    # The stored runs are those cs.compare makes in memory (same seeds, same engine).
    from conflictsim.experiment import load

    exp = load(experiment_file)
    cmp = cs.compare(exp.scenarios(0), replicates=4, seed=11, engine="mesa")
    for arm in ("baseline", "deesc"):
        stored = s[(s["arm"] == arm) & (s["replicate"] < 4)].drop(columns=["point", "arm"])
        pd.testing.assert_frame_equal(
            stored.reset_index(drop=True), cmp.runs[arm].summary, check_dtype=False
        )


def test_two_workers_give_identical_results(experiment_file, reference, tmp_path):
    units = batch.run(experiment_file, tmp_path / "w2", workers=2, progress=False)
    assert units["done"].all() and len(units) == 48
    assert_same(results(tmp_path / "w2"), reference)


def test_chunking_does_not_change_results(experiment_file, reference, tmp_path):
    other = tmp_path / "chunks.toml"
    other.write_text(EXPERIMENT.replace("replicates_per_unit = 2", "replicates_per_unit = 7"))
    batch.run(other, tmp_path / "c7", workers=1, progress=False)
    assert_same(results(tmp_path / "c7"), reference)


@pytest.mark.skipif("fast" not in ENGINES, reason="the fast engine is not registered")
def test_fast_engine_results_do_not_depend_on_the_split(tmp_path):
    runs = {}
    for name, per_unit, workers in (("a", 2, 1), ("b", 3, 2)):
        path = tmp_path / f"{name}.toml"
        path.write_text(
            SMALL.replace('engine = "mesa"', 'engine = "fast"').replace(
                "replicates_per_unit = 2", f"replicates_per_unit = {per_unit}"
            )
        )
        batch.run(path, tmp_path / name, workers=workers, progress=False)
        runs[name] = results(tmp_path / name)
    assert_same(runs["a"], runs["b"])
    assert runs["a"]["summary"]["trained"].gt(0).any()  # programmes ran


def test_killed_run_resumed_equals_uninterrupted(experiment_file, reference, tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictsim.cli", "run", str(experiment_file), "--out", str(out)]
        + ["--workers", "1", "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            units = out / "units"
            if units.is_dir() and len(list(units.glob("*.summary.parquet"))) >= 6:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)  # no chance to clean up: the worst case
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    finished = len(list((out / "units").glob("*.summary.parquet")))
    assert 6 <= finished < 48, f"{finished} units finished before the kill"
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is False

    r = cli("run", experiment_file, "--out", out, "--resume", "--workers", "2", "--quiet")
    assert r.returncode == 0, r.stderr
    assert_same(results(out), reference)
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["complete"] is True
    assert [s["status"] for s in manifest["sessions"]] == ["running", "complete"]
    assert manifest["sessions"][1]["units_run"] == 48 - finished
    assert not list((out / "units").glob("*.tmp-*"))  # no half-written file survives


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


# ---------------------------------------------------------------- directories and manifest
@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def test_manifest_records_the_run(small, tmp_path):
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    m = batch.read_manifest(out)
    assert m["experiment"]["text"] == SMALL
    assert m["conflictsim_version"] == cs.__version__
    assert m["engine"] == "mesa" and m["seed"] == 5
    from conflictsim.seeds import replicate_seed

    assert m["replicate_seeds"] == [replicate_seed(5, k) for k in range(5)]
    assert len(m["units"]) == 6 and all(u["seconds"] > 0 for u in m["units"].values())
    assert m["sessions"][0]["machine"]["cores"] >= 1 and m["complete"]
    assert "numpy" in m["versions"] and "pyarrow" in m["versions"]


def test_existing_directory_is_never_overwritten(small, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is not empty"):
        batch.run(small, out, workers=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    with pytest.raises(ValueError, match="not a conflictsim run"):
        batch.run(small, out, workers=1, resume=True, progress=False)
    batch.run(small, tmp_path / "run", workers=1, progress=False)
    with pytest.raises(ValueError, match="already holds a run; continue it with --resume"):
        batch.run(small, tmp_path / "run", workers=1, progress=False)


def test_resume_refuses_a_changed_experiment(small, tmp_path):
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    small.write_text(SMALL.replace("seed = 5", "seed = 6"))
    with pytest.raises(ValueError, match="has changed since"):
        batch.run(small, out, workers=1, resume=True, progress=False)


def test_resume_on_an_empty_directory_starts_afresh(small, tmp_path):
    out = tmp_path / "new"
    out.mkdir()
    units = batch.run(small, out, workers=1, resume=True, progress=False)
    assert units["done"].all()


def test_unfinished_run_is_not_compared(small, tmp_path):
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    next((out / "units").glob("*.summary.parquet")).unlink()
    with pytest.raises(ValueError, match="not finished .5 of 6 units"):
        batch.compare(out)
    assert len(batch.read_summary(out, complete=False)) == 10 - 2
    batch.run(small, out, workers=1, resume=True, progress=False)
    assert len(batch.read_summary(out)) == 10


def test_outputs_can_be_left_out(small, tmp_path):
    small.write_text(SMALL + "\n[outputs]\ndaily = false\nemployees = false\n")
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    assert not list((out / "units").glob("*.daily.parquet"))
    with pytest.raises(ValueError, match="no daily results were kept"):
        batch.read_daily(out)
    table = batch.compare(out)
    assert "conflicts" in set(table["outcome"])
    assert not table["outcome"].str.startswith("conflicts_untrained").any()


def test_failing_unit_stops_the_run_and_keeps_finished_units(small, tmp_path, monkeypatch):
    calls = {"n": 0}

    def flaky(scenario, replicates, seed, first=0):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk on fire")
        return ENGINES["mesa"](scenario, replicates, seed, first=first)

    monkeypatch.setitem(ENGINES, "flaky", flaky)
    small.write_text(SMALL.replace('engine = "mesa"', 'engine = "flaky"'))
    out = tmp_path / "out"
    with pytest.raises(batch.BatchError, match="p0000__baseline__r0002-0003 failed.*disk on fire"):
        batch.run(small, out, workers=1, progress=False)
    assert len(list((out / "units").glob("*.summary.parquet"))) == 2
    assert batch.read_manifest(out)["sessions"][0]["status"] == "failed"
    batch.run(small, out, workers=1, resume=True, progress=False)
    assert batch.units_frame(out)["done"].all()


def test_sweep_compare_has_points_and_pooled_rows(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        SMALL.replace("replicates = 5", "replicates = 3")
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.3]\n'
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    table = batch.compare(tmp_path / "out")
    assert set(table["point"]) == {0, 1, "all"}
    rows = table[table["outcome"] == "conflicts"].set_index("point")
    assert rows.loc[0, "transmission"] == 0.1 and rows.loc[1, "transmission"] == 0.3
    assert np.isnan(rows.loc["all", "transmission"])
    s = batch.read_summary(tmp_path / "out")
    assert set(s["point"]) == {0, 1} and len(s) == 2 * 2 * 3


# ---------------------------------------------------------------- command line
def test_cli_run_compare_and_bad_input(small, tmp_path, capsys):
    from conflictsim.cli import main

    out = tmp_path / "out"
    r = cli("run", small, "--out", out, "--workers", "1")  # the real entry point
    assert r.returncode == 0, r.stderr
    assert "6 units, 10 runs" in r.stdout
    assert "runs/s" in r.stderr and "left" in r.stderr  # the progress bar
    capsys.readouterr()
    assert main(["compare", str(out), "--csv", str(tmp_path / "table.csv")]) == 0
    printed = capsys.readouterr().out
    assert "listen against baseline (5 paired replicates)" in printed
    assert "95% interval" in printed and "P(better)" in printed
    table = pd.read_csv(tmp_path / "table.csv")
    assert {"arm", "outcome", "mean", "ci_low", "ci_high", "p_better"} <= set(table.columns)

    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace("size = 40", "size = 40\nsise = 3"))
    assert main(["run", str(bad), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conflictsim run: error: ") and "Traceback" not in err
    assert f"{bad}, line 11, key organisation.sise: unknown key 'sise'" in err
    assert not (tmp_path / "never").exists()  # nothing written

    assert main(["run", str(small), "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "nothing")]) == 2
    assert "not a results directory" in capsys.readouterr().err


def test_progress_bar_shows_rate_and_time_left():
    import io

    stream = io.StringIO()
    bar = batch.Progress(total=100, done=20, units=10, units_done=2, stream=stream)
    bar.bar.start_t -= 10  # ten seconds ago
    bar.advance(40)
    line = bar.line()
    assert "60/100 runs" in line and "3/10 units" in line
    assert "4.00 runs/s" in line and "0:10 left" in line and "60%" in line
    bar.close()
    assert stream.getvalue().endswith("\n")  # the bar's line is finished


def test_progress_bar_is_off_when_not_wanted():
    import io

    stream = io.StringIO()
    bar = batch.Progress(total=10, units=2, enabled=False, stream=stream)
    bar.advance(5)
    bar.close()
    assert stream.getvalue() == ""


def test_atomic_write_leaves_old_or_new(tmp_path):
    path = tmp_path / "f.bin"
    batch.atomic_write(path, b"old")
    batch.atomic_write(path, b"new" * 1000)
    assert path.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
