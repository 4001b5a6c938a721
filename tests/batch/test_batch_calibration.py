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
from conflictsim.evidence import TRAINING_EFFECTS, training_draws
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
    first = sorted((out / "units" / "summary").glob("*.parquet"))[0]
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
    assert "Replicate k ran the calibration's parameter set k" in capsys.readouterr().out

    (tmp_path / "cal" / "fit.parquet").unlink()
    assert main(["run", str(path), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"conflictsim run: error: {path}, line 1, key calibration: ")
    assert "fit.parquet: missing" in err and "\n" not in err
    assert not (tmp_path / "never").exists()  # nothing written


# ---------------------------------------------------------------------------- evidence
#: The calibration was made under central evidence: sceptical draws other training effects.
EVIDENCE = 'evidence = "sceptical"\n' + EXPERIMENT


def assert_same_as_compare(out, cmp) -> None:
    """A finished run's table, best and value of information equal a comparison's."""
    table = batch.compare(out)
    pd.testing.assert_frame_equal(table, cmp.table, check_dtype=False)
    pd.testing.assert_frame_equal(batch.comparisons(out)[0].best, cmp.best)
    pd.testing.assert_frame_equal(batch.value_of_information(out), cmp.value_of_information())


@pytest.fixture(scope="module")
def evidence_run(calibration, tmp_path_factory):
    """The experiment under sceptical evidence, run on 2 local workers: (file, out)."""
    folder = tmp_path_factory.mktemp("evidence")
    path = write_experiment(folder, calibration, EVIDENCE)
    out = folder / "run"
    units = batch.run(path, out, workers=2, progress=False)
    assert units["host"].nunique() == 2
    return path, out


def test_evidence_over_a_calibration_equals_compare_with_its_training_effects(
    calibration, evidence_run, reference
):
    path, out = evidence_run
    exp = ex.load(path)
    sceptical = calibration.with_evidence("sceptical")
    cmp = cs.compare(exp.scenarios(0), replicates=12, seed=13, calibration=sceptical)
    assert_same_as_compare(out, cmp)
    # Replicate k ran set k (cycling) with the sceptical draws for the calibration's seed.
    worlds = batch.comparisons(out)[0].worlds
    drawn = training_draws("sceptical", 10, calibration.seed)
    np.testing.assert_array_equal(
        worlds["skill_transfer"], drawn["skill_transfer"].to_numpy()[np.arange(12) % 10]
    )
    np.testing.assert_array_equal(
        worlds["trigger"], calibration.draws["trigger"].iloc[np.arange(12) % 10]
    )
    # The baseline is the calibration's in every setting; the trained arm is not.
    s, ref = batch.read_summary(out), reference["summary"]
    base = s["arm"] == "baseline"
    pd.testing.assert_frame_equal(s[base], ref[ref["arm"] == "baseline"])
    assert not s[~base]["conflicts"].equals(ref[ref["arm"] != "baseline"]["conflicts"])
    voi = batch.value_of_information(out)
    assert voi["parameter"].iloc[-1] == "all" and "training effects" in set(voi["parameter"])
    assert batch.read_manifest(out)["evidence"] == "sceptical"


def test_evidence_on_the_dask_cluster_gives_the_local_results(evidence_run, tmp_path):
    path, out = evidence_run
    with dask_cluster(tmp_path) as address:
        units = batch.run(path, tmp_path / "dask", scheduler=address, progress=False)
    assert units["done"].all() and units["host"].nunique() == 2
    assert_same(results(tmp_path / "dask"), results(out))
    pd.testing.assert_frame_equal(
        batch.value_of_information(tmp_path / "dask"), batch.value_of_information(out)
    )


def test_evidence_without_a_calibration_draws_only_the_training_effects(tmp_path):
    text = 'evidence = "enthusiastic"\n' + EXPERIMENT.split("\n", 2)[2]
    path = tmp_path / "uncalibrated.toml"
    path.write_text(text)
    out = tmp_path / "out"
    batch.run(path, out, workers=1, progress=False)
    exp = ex.load(path)
    params = exp.scenarios(0)["baseline"].params
    drawn = cs.Calibration.evidence_only(exp.org, params, "enthusiastic", 12, 13)
    cmp = cs.compare(exp.scenarios(0), replicates=12, seed=13, calibration=drawn)
    assert_same_as_compare(out, cmp)
    worlds = batch.comparisons(out)[0].worlds
    assert list(worlds.columns) == list(TRAINING_EFFECTS)
    # Untrained replicates run the parameters as given.
    s = batch.read_summary(out)
    plain = run_arm(exp.scenarios(0)["baseline"], 12, 13)
    stored = s[s["arm"] == "baseline"].drop(columns=["point", "arm"]).reset_index(drop=True)
    pd.testing.assert_frame_equal(stored, plain.summary, check_dtype=False)
    assert batch.read_manifest(out)["evidence"] == "enthusiastic"


def test_a_run_without_uncertainty_has_no_value_of_information(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(EXPERIMENT.split("\n", 2)[2].replace("replicates = 12", "replicates = 3"))
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    assert batch.comparisons(tmp_path / "out")[0].worlds is None
    assert batch.read_manifest(tmp_path / "out")["evidence"] is None
    with pytest.raises(ValueError, match='chance only.*evidence = "central"'):
        batch.value_of_information(tmp_path / "out")


def test_resume_refuses_a_changed_evidence_setting(calibration, tmp_path):
    path = write_experiment(tmp_path, calibration, EVIDENCE)
    out = tmp_path / "out"
    batch.run(path, out, workers=1, progress=False)
    first = sorted((out / "units" / "summary").glob("*.parquet"))[0]
    first.unlink()
    manifest = (out / "manifest.json").read_bytes()
    path.write_text(EVIDENCE.replace("sceptical", "enthusiastic"))
    with pytest.raises(ValueError, match="evidence setting 'sceptical'.*'enthusiastic'.*nothing"):
        batch.run(path, out, workers=1, resume=True, progress=False)
    # Without the key the calibration's own (central) setting is asked for: refused too.
    path.write_text(EXPERIMENT)
    with pytest.raises(ValueError, match="evidence setting 'sceptical'.*'central'"):
        batch.run(path, out, workers=1, resume=True, progress=False)
    assert (out / "manifest.json").read_bytes() == manifest and not first.exists()
    path.write_text(EVIDENCE)  # the same setting resumes
    assert batch.run(path, out, workers=1, resume=True, progress=False)["done"].all()


def test_cli_compare_shows_the_setting_best_and_what_would_change_the_answer(evidence_run, capsys):
    from conflictsim.cli import main
    from conflictsim.words import GROUP_LABELS, evidence_text, parameter_label, pays_for_itself

    path, out = evidence_run
    assert main(["compare", str(out)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    folder = (path.parent / "cal").resolve()
    head = " ".join(" ".join(lines[:4]).split())
    assert head.startswith(
        f"Evidence on what training does: {evidence_text('sceptical')}. "
        f"Baseline: the calibration {folder} (10 parameter sets)."
    )
    table = batch.compare(out).set_index(["arm", "outcome"])
    p = table.loc[("deesc", "net_benefit"), "p_better"]
    assert f"  It {pays_for_itself(p, 'plausible worlds')}." in lines
    for r in batch.comparisons(out)[0].best.itertuples():
        (row,) = [x for x in lines if x.startswith(f"  {r.arm} ") and "against" not in x]
        assert row.split()[1] == f"{r.p_best:.2f}"
    voi = batch.value_of_information(out)
    start = next(i for i, x in enumerate(lines) if x.startswith("What would change the answer"))
    block = " ".join(" ".join(lines[start:]).split())
    for r in voi.itertuples():
        label = GROUP_LABELS["all"] if r.parameter == "all" else parameter_label(r.parameter)
        if r.evppi == 0 and r.parameter != "all":  # listed together, in words
            assert label.lower() in block.split("Worth 0 to know: ")[1]
            continue
        (row,) = [x for x in lines[start:] if x.startswith(f"  {label}  ")]
        assert row[len(label) + 2 :].split()[0] == f"{r.evppi:,.0f}"


def test_a_sweep_over_a_calibration_values_information_point_by_point(calibration, tmp_path):
    # Over a calibration each point's replicates are plausible worlds; the points are not.
    text = (
        EXPERIMENT.replace("replicates = 12", "replicates = 10").replace(
            "replicates_per_unit = 5", "replicates_per_unit = 10"
        )
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\nwage = [20.0, 60.0]\n'
    )
    path = write_experiment(tmp_path, calibration, text)
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    cmps = batch.comparisons(tmp_path / "out")
    assert "wage" not in cmps["all"].worlds.columns  # a design value is not a world
    voi = batch.value_of_information(tmp_path / "out", cmps)
    assert set(voi["point"]) == {0, 1} and set(voi["wage"]) == {20.0, 60.0}
    for point in (0, 1):
        here = voi[voi["point"] == point].drop(columns=["point", "wage"]).reset_index(drop=True)
        pd.testing.assert_frame_equal(here, cmps[point].value_of_information())
