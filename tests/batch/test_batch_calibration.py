"""Batch runs over a calibration: any workers or a cluster give compare's numbers; resume."""

from __future__ import annotations

import hashlib
import pickle

import numpy as np
import pandas as pd
import pytest
from batch_files import assert_same, cli, results
from dask_cluster import dask_cluster
from quick_calibration import quick_calibration

import conflictsim as cs
from conflictsim import batch
from conflictsim import experiment as ex
from conflictsim.runs import run_arm

# 12 replicates over 10 parameter sets: replicates 10 and 11 cycle back to sets 0 and 1.
EXPERIMENT = """\
calibration = "cal"

[experiment]
name = "calibrated"
seed = 13
replicates = 12
days = 40
replicates_per_unit = 5

[organisation]
preset = "office"
size = 60
seed = 3

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
programmes = [{kind = "deescalation", coverage = 0.5}]
"""


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    """A quick calibration of the experiment's organisation (unsaved)."""
    return quick_calibration()


def write_experiment(folder, calibration, text: str = EXPERIMENT):
    """The experiment file in ``folder``, its calibration saved next to it in ``cal/``."""
    calibration.save(folder / "cal")
    path = folder / "calibrated.toml"
    path.write_text(text)
    return path


@pytest.fixture(scope="module")
def experiment_file(calibration, tmp_path_factory):
    return write_experiment(tmp_path_factory.mktemp("exp"), calibration)


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("ref") / "run"
    batch.run(experiment_file, out, workers=1, progress=False)
    return results(out)


def test_results_equal_compare_over_the_calibration(experiment_file, calibration, reference):
    exp = ex.load(experiment_file)
    cmp = cs.compare(exp.scenarios(0), replicates=12, seed=13, calibration=calibration)
    s = reference["summary"]
    for arm in ("baseline", "deesc"):
        stored = s[s["arm"] == arm].drop(columns=["point", "arm"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(stored, cmp.runs[arm].summary, check_dtype=False)
    # The calibration was used: without it replicate k runs the default parameters.
    plain = run_arm(exp.scenarios(0)["baseline"], 12, 13)
    assert not np.array_equal(
        s[s["arm"] == "baseline"]["conflicts"].to_numpy(), plain.summary["conflicts"].to_numpy()
    )


def test_two_workers_give_identical_results(experiment_file, reference, tmp_path):
    units = batch.run(experiment_file, tmp_path / "w2", workers=2, progress=False)
    assert units["done"].all() and units["host"].nunique() == 2
    assert_same(results(tmp_path / "w2"), reference)


def test_dask_cluster_gives_identical_results(experiment_file, reference, tmp_path):
    with dask_cluster(tmp_path) as address:
        units = batch.run(experiment_file, tmp_path / "dask", scheduler=address, progress=False)
    assert units["done"].all() and units["host"].nunique() == 2
    assert_same(results(tmp_path / "dask"), reference)


def test_mesa_units_equal_run_arm(calibration, tmp_path):
    text = EXPERIMENT.replace("replicates = 12", "replicates = 3").replace(
        "replicates_per_unit = 5", 'replicates_per_unit = 2\nengine = "mesa"'
    )
    path = write_experiment(tmp_path, calibration, text)
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    s = batch.read_summary(tmp_path / "out")
    exp = ex.load(path)
    for arm, scn in exp.scenarios(0).items():
        runs = run_arm(scn, 3, 13, engine="mesa", calibration=calibration)
        stored = s[s["arm"] == arm].drop(columns=["point", "arm"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(stored, runs.summary, check_dtype=False)


def test_the_task_a_worker_gets_is_small_plain_data(experiment_file, calibration):
    exp = ex.load(experiment_file)
    unit = exp.units()[0]
    task = {"calibration": exp.calibration, "unit": unit}
    blob = pickle.dumps(task)
    assert len(blob) < 50_000  # the parameter sets, not the organisation's files
    back = pickle.loads(blob)["calibration"]
    pd.testing.assert_frame_equal(back.draws, calibration.draws)
    assert back.org_fingerprint == calibration.org_fingerprint


def test_manifest_records_the_calibration_and_compare_reads_its_copy(
    experiment_file, calibration, reference, tmp_path
):
    out = tmp_path / "out"
    batch.run(experiment_file, out, workers=1, progress=False)
    folder = experiment_file.parent / "cal"
    record = batch.read_manifest(out)["calibration"]
    assert record["folder"] == str(folder.resolve())
    assert record["org_fingerprint"] == calibration.org_fingerprint
    draws = (folder / "draws.parquet").read_bytes()
    assert record["draws_sha256"] == hashlib.sha256(draws).hexdigest()
    assert record["draws"] == 10 and record["parameters"] == calibration.parameters
    for name in ("calibration.json", "draws.parquet", "fit.parquet"):
        copy = out / "inputs" / "calibration" / name
        assert copy.read_bytes() == (folder / name).read_bytes()

    table = batch.compare(out)
    # compare and report need only the run's own copy, not the folder the file names.
    moved = folder.rename(folder.with_name("elsewhere"))
    try:
        pd.testing.assert_frame_equal(batch.compare(out), table)
        assert batch.load_experiment(out).calibration_sha256 == record["draws_sha256"]
        from conflictsim.report import write_report

        html = write_report(out).read_text()
        assert record["draws_sha256"] in html and "10 parameter sets" in html
    finally:
        moved.rename(folder)


def test_resume_refuses_a_changed_calibration(calibration, tmp_path):
    path = write_experiment(tmp_path, calibration)
    out = tmp_path / "out"
    batch.run(path, out, workers=1, progress=False)
    first = sorted((out / "units").glob("*.summary.parquet"))[0]
    first.unlink()
    # Unchanged, it resumes (the control of the refusal below).
    units = batch.run(path, out, workers=1, resume=True, progress=False)
    assert units["done"].all()
    first.unlink()
    manifest = (out / "manifest.json").read_bytes()
    changed = calibration.draws.copy()
    changed["transmission"] *= 0.9
    calibration.__class__(**{**vars(calibration), "draws": changed}).save(tmp_path / "cal")
    with pytest.raises(ValueError, match="the calibration .* has changed since .*nothing was"):
        batch.run(path, out, workers=1, resume=True, progress=False)
    assert (out / "manifest.json").read_bytes() == manifest  # nothing written
    assert not first.exists()


def test_sensitivity_over_a_free_parameter(calibration, tmp_path):
    from conflictsim.sensitivity import sensitivity

    text = EXPERIMENT.replace("replicates = 12", "replicates = 4").replace(
        "replicates_per_unit = 5", "replicates_per_unit = 4"
    ) + (
        '\n[sensitivity]\nsamples = 2\ncontrast = ["deesc", "baseline"]\n'
        "[sensitivity.parameters]\nwage = {low = 20.0, high = 60.0}\n"
    )
    path = write_experiment(tmp_path, calibration, text)
    indices = sensitivity(path, tmp_path / "out", workers=1, progress=False)
    assert list(indices["parameter"]) == ["wage"]
    s = batch.read_summary(tmp_path / "out")
    # Every point runs the same sets and seeds: the conflicts are the same at every point
    # (the wage changes none), and their cost follows the wage.
    for arm in ("baseline", "deesc"):
        by_point = s[s["arm"] == arm].groupby("point")
        assert by_point["conflicts"].apply(tuple).nunique() == 1 and by_point.ngroups == 6
        assert by_point["cost_conflict"].apply(tuple).nunique() > 1


def test_cli_runs_over_a_calibration_and_refuses_a_bad_one(calibration, tmp_path, capsys):
    from conflictsim.cli import main

    path = write_experiment(tmp_path, calibration)
    r = cli("run", path, "--out", tmp_path / "out", "--workers", "1", "--quiet")
    assert r.returncode == 0, r.stderr
    assert main(["compare", str(tmp_path / "out")]) == 0
    assert "Over the calibration" in capsys.readouterr().out

    (tmp_path / "cal" / "fit.parquet").unlink()
    assert main(["run", str(path), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"conflictsim run: error: {path}, line 1, key calibration: ")
    assert "fit.parquet: missing" in err and "\n" not in err
    assert not (tmp_path / "never").exists()  # nothing written
