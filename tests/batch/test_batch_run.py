"""Batch runs: identical results whatever the chunking or interruptions; failures; progress."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from batch_files import (
    EXPERIMENT,
    SMALL,
    assert_same,
    cli,
    reference_results,
    results,
    write_experiment,
    write_small,
)

import conflictsim as cs
from conflictsim import batch
from conflictsim.runs import ENGINES


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory):
    return write_experiment(tmp_path_factory)


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> dict:
    return reference_results(experiment_file, tmp_path_factory)


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
            units = out / "units" / "summary"
            if units.is_dir() and len(list(units.glob("*.parquet"))) >= 6:
                break
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)  # no chance to clean up: the worst case
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    finished = len(list((out / "units" / "summary").glob("*.parquet")))
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
    assert not list((out / "units").rglob("*.tmp-*"))  # no half-written file survives


def test_failing_unit_stops_the_run_and_keeps_finished_units(tmp_path, monkeypatch):
    small = write_small(tmp_path)
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
    assert len(list((out / "units" / "summary").glob("*.parquet"))) == 2
    assert batch.read_manifest(out)["sessions"][0]["status"] == "failed"
    batch.run(small, out, workers=1, resume=True, progress=False)
    assert batch.units_frame(out)["done"].all()


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


def test_progress_in_a_log_file_is_one_line_per_redraw():
    import io

    stream = io.StringIO()  # not a terminal
    bar = batch.Progress(total=10, units=2, stream=stream)
    bar.advance(5)
    bar.bar.refresh()
    bar.advance(5)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert "\r" not in stream.getvalue() and len(lines) >= 2
    assert "10/10 runs" in lines[-1] and "2/2 units" in lines[-1]


def test_progress_bar_is_off_when_not_wanted():
    import io

    stream = io.StringIO()
    bar = batch.Progress(total=10, units=2, enabled=False, stream=stream)
    bar.advance(5)
    bar.close()
    assert stream.getvalue() == ""


class Grudges(cs.ConflictModel):
    """A behaviour of one's own: a composed employee who holds a grudge is upset at work."""

    def triggers(self):
        held = [a for a in self.employees if a.present and not a.upset and a.grievance]
        return super().triggers() + [a for a in held if max(a.grievance.values()) >= 1]


def test_a_model_class_of_ones_own_runs_in_a_mesa_batch_and_only_it_resumes(tmp_path):
    path = write_small(tmp_path)
    batch.run(path, tmp_path / "plain", workers=1, progress=False)
    batch.run(path, tmp_path / "mine", workers=1, progress=False, model_cls=Grudges)
    plain, mine = (batch.read_summary(tmp_path / name) for name in ("plain", "mine"))
    assert mine["mean_upset"].sum() > plain["mean_upset"].sum()
    # The stored runs are those of the class in memory (same seeds).
    exp = batch.load_experiment(tmp_path / "mine")
    cmp = cs.compare(exp.scenarios(0), replicates=5, seed=5, engine="mesa", model_cls=Grudges)
    stored = mine[mine["arm"] == "listen"].drop(columns=["point", "arm"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, cmp.runs["listen"].summary, check_dtype=False)
    manifest = json.loads((tmp_path / "mine" / batch.MANIFEST).read_text())
    assert manifest["model"] == f"{__name__}.Grudges" and "model" not in json.loads(
        (tmp_path / "plain" / batch.MANIFEST).read_text()
    )
    for out, cls in (("mine", None), ("plain", Grudges)):
        with pytest.raises(ValueError, match="a resumed run must run the same model"):
            batch.run(path, tmp_path / out, workers=1, progress=False, resume=True, model_cls=cls)
    fast = tmp_path / "fast.toml"
    fast.write_text(SMALL.replace('engine = "mesa"', 'engine = "fast"'))
    with pytest.warns(UserWarning, match="model_cls=Grudges is ignored"):
        batch.run(fast, tmp_path / "fast", workers=1, progress=False, model_cls=Grudges)


def test_run_on_the_command_line_takes_a_model_of_ones_own(tmp_path):
    path = write_small(tmp_path)
    (tmp_path / "apart_model.py").write_text(
        "import conflictsim as cs\n\n\n"
        "class Apart(cs.ConflictModel):\n"
        "    def contacts(self):\n"
        "        return []\n"
    )
    args = ("run", path, "--workers", "1", "--quiet")
    assert cli(*args, "--out", tmp_path / "plain", cwd=tmp_path).returncode == 0
    done = cli(*args, "--out", tmp_path / "apart", "--model", "apart_model:Apart", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    plain, apart = (batch.read_summary(tmp_path / name) for name in ("plain", "apart"))
    # Known answer: nobody meets, so no conflict starts; the plain model has some.
    assert apart["conflicts"].sum() == 0 < plain["conflicts"].sum()
    manifest = json.loads((tmp_path / "apart" / batch.MANIFEST).read_text())
    assert manifest["model"] == "apart_model.Apart"
