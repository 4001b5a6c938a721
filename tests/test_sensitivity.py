"""Sensitivity analysis: known answers (Ishigami, linear models) and the full pipeline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictsim import batch
from conflictsim import experiment as ex
from conflictsim import sensitivity as sa
from conflictsim.runs import ENGINES, ArmRuns

HEAD = """\
[experiment]
seed = 3
replicates = {replicates}
days = 20
engine = "{engine}"

[organisation]
preset = "office"
size = 30
"""


def toy(scenario, replicates, seed, first=0):
    """A runner whose 'conflicts' are a known linear function of two parameters."""
    p = scenario.params
    value = 10 * p.transmission + 2 * p.recovery
    ids = np.arange(first, first + replicates)
    summary = pd.DataFrame({"replicate": ids, "conflicts": np.full(replicates, value)})
    n = scenario.org.size
    return ArmRuns(
        summary=summary,
        daily=pd.DataFrame({"replicate": ids}),
        employee_conflicts=np.zeros((replicates, n), int),
        trained=np.zeros((replicates, n), bool),
    )


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def test_sobol_indices_of_the_ishigami_function(tmp_path):
    """Saltelli 2010 estimators on the design the loader draws recover the known indices."""
    path = tmp_path / "ishigami.toml"
    path.write_text(
        HEAD.format(replicates=1, engine="mesa")
        + """
[sensitivity]
samples = 1024
seed = 42
[sensitivity.parameters]
transmission = {low = 0, high = 1}
recovery = {low = 0, high = 1}
clash = {low = 0, high = 1}
"""
    )
    exp = ex.load(path)
    x = -np.pi + 2 * np.pi * exp.design.points  # the unit cube onto [-pi, pi]^3
    df = sa.analyse(exp.design, exp.sensitivity, ishigami(x)).set_index("parameter")
    # Analytic values (Ishigami & Homma 1990; Sobol' & Levitan 1999).
    np.testing.assert_allclose(
        df.loc[["transmission", "recovery", "clash"], "S1"], [0.3139, 0.4424, 0.0], atol=0.05
    )
    np.testing.assert_allclose(
        df.loc[["transmission", "recovery", "clash"], "ST"], [0.5576, 0.4424, 0.2437], atol=0.05
    )
    assert list(df.index) == ["transmission", "recovery", "clash"]  # sorted by ST


@pytest.fixture
def toy_engine(monkeypatch):
    monkeypatch.setitem(ENGINES, "toy", toy)


def test_pipeline_keeps_design_order_sobol(tmp_path, toy_engine):
    """Run through batch: the indices of y = 10 t + 2 r match their variance shares."""
    path = tmp_path / "lin.toml"
    path.write_text(
        HEAD.format(replicates=2, engine="toy")
        + """
[outputs]
daily = false
employees = false

[sensitivity]
samples = 64
[sensitivity.parameters]
transmission = {low = 0.05, high = 0.4}
recovery = {low = 0.15, high = 0.6}
"""
    )
    df = sa.sensitivity(path, tmp_path / "out", workers=1, progress=False).set_index("parameter")
    v_t, v_r = (10 * 0.35) ** 2, (2 * 0.45) ** 2  # variances of uniform inputs, times 12
    assert df.loc["transmission", "S1"] == pytest.approx(v_t / (v_t + v_r), abs=0.05)
    assert df.loc["recovery", "S1"] == pytest.approx(v_r / (v_t + v_r), abs=0.05)
    assert df.loc["transmission", "ST"] == pytest.approx(df.loc["transmission", "S1"], abs=0.05)
    saved = pd.read_csv(tmp_path / "out" / sa.RESULT_FILE)
    assert list(saved["parameter"]) == ["transmission", "recovery"]
    assert saved["outcome"].iloc[0] == "mean of conflicts"


def test_morris_elementary_effects_of_a_linear_model(tmp_path, toy_engine):
    path = tmp_path / "morris.toml"
    path.write_text(
        HEAD.format(replicates=1, engine="toy")
        + """
[outputs]
daily = false
employees = false

[sensitivity]
method = "morris"
samples = 6
[sensitivity.parameters]
transmission = {low = 0.05, high = 0.4}
recovery = {low = 0.15, high = 0.6}
"""
    )
    df = sa.sensitivity(path, tmp_path / "out", workers=1, progress=False).set_index("parameter")
    # A linear model has constant effects: mu* = slope x range, sigma = 0 (Morris 1991).
    assert df.loc["transmission", "mu_star"] == pytest.approx(10 * 0.35)
    assert df.loc["recovery", "mu_star"] == pytest.approx(2 * 0.45)
    assert df["sigma"].abs().max() < 1e-9


def test_contrast_and_relative_scale():
    spec_abs = ex.SensitivitySpec("sobol", "conflicts", ("a", "b"))
    spec_rel = ex.SensitivitySpec("sobol", "conflicts", ("a", "b"), scale="relative")
    spec_net = ex.SensitivitySpec("sobol", "net_benefit", ("a", "b"))

    class Exp:
        n_points = 2
        arm_names = ["a", "b"]

    rows = []
    for point, (ca, cb) in enumerate([(8, 10), (15, 20)]):
        for arm, c in (("a", ca), ("b", cb)):
            for k in range(2):
                rows.append(
                    {
                        "point": point,
                        "arm": arm,
                        "replicate": k,
                        "conflicts": c + k,
                        "cost_conflict": 100 * (c + k),
                        "cost_training": 50 if arm == "a" else 0,
                    }
                )
    summary = pd.DataFrame(rows)
    for spec, expected in (
        (spec_abs, [-2, -5]),
        (spec_rel, [-2 / 10.5, -5 / 20.5]),
        (spec_net, [200 - 50, 500 - 50]),
    ):
        e = Exp()
        e.sensitivity = spec
        np.testing.assert_allclose(sa.outcome_by_point(e, summary), expected)


def test_mesa_run_end_to_end_and_cli(tmp_path, capsys):
    from conflictsim.cli import main

    path = tmp_path / "sens.toml"
    path.write_text(
        HEAD.format(replicates=2, engine="mesa")
        + """
[[arms]]
name = "baseline"
[[arms]]
name = "deesc"
programmes = [{kind = "deescalation", coverage = 0.5}]

[sensitivity]
samples = 4
outcome = "conflicts"
contrast = ["baseline", "deesc"]
[sensitivity.parameters]
transmission = {}
responder_success = {low = 0.0, high = 0.3}
"""
    )
    out = str(tmp_path / "out")
    assert main(["sensitivity", str(path), "--out", out, "--workers", "1", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert (
        "Sobol' indices (Saltelli 2010) of the mean of conflicts: baseline minus deesc" in printed
    )
    assert "transmission" in printed and "responder_success" in printed
    df = pd.read_csv(tmp_path / "out" / sa.RESULT_FILE)
    assert {"S1", "S1_conf", "ST", "ST_conf", "low", "high"} <= set(df.columns)
    assert len(batch.read_summary(tmp_path / "out")) == 4 * 4 * 2 * 2
    # Resuming a finished analysis runs nothing and gives the same indices.
    again = sa.sensitivity(path, tmp_path / "out", resume=True, progress=False)
    pd.testing.assert_frame_equal(again, df, check_dtype=False)


def test_file_without_sensitivity_table_is_refused(tmp_path):
    path = tmp_path / "plain.toml"
    path.write_text(HEAD.format(replicates=2, engine="mesa"))
    with pytest.raises(ValueError, match=r"has no \[sensitivity\] table"):
        sa.sensitivity(path, tmp_path / "out", progress=False)
    assert not (tmp_path / "out").exists()


def toy_over_worlds(scenario, replicates, seed, first=0, calibration=None):
    """A runner whose conflicts are 10 x transmission of each replicate's parameter set."""
    ids = np.arange(first, first + replicates)
    ps = [calibration.scenario_params(scenario.params, int(k)) for k in ids]
    summary = pd.DataFrame(
        {"replicate": ids, "conflicts": np.array([10 * p.transmission for p in ps])}
    )
    n = scenario.org.size
    return ArmRuns(summary, pd.DataFrame({"replicate": ids}), np.zeros((replicates, n), int),
                   np.zeros((replicates, n), bool))  # fmt: skip


def test_delta_over_a_calibration_finds_what_the_outcome_depends_on(tmp_path, monkeypatch):
    # Given data: the worlds are the calibration's sets. The outcome follows transmission
    # alone; the reporting rate varies as much and decides nothing, like the dummy.
    import conflictsim as cs
    from conflictsim.calibration.result import Calibration

    monkeypatch.setitem(ENGINES, "toy", toy_over_worlds)
    org = cs.Organisation.generate(30, "office", seed=3)  # the file's (its seed's)
    rng = np.random.default_rng(4)
    draws = pd.DataFrame({"transmission": rng.uniform(0.05, 0.4, 300),
                          "report_minor": rng.uniform(0.02, 0.3, 300)})  # fmt: skip
    base = {k: v for k, v in cs.Params().items() if k not in draws}
    Calibration(draws, pd.DataFrame(), (), org.fingerprint(), org.name, base, 1).save(
        tmp_path / "cal"
    )
    path = tmp_path / "delta.toml"
    path.write_text(
        'calibration = "cal"\n\n'
        + HEAD.format(replicates=300, engine="toy")
        + '\n[outputs]\ndaily = false\nemployees = false\n\n[sensitivity]\nmethod = "delta"\n'
    )
    df = sa.sensitivity(path, tmp_path / "out", workers=1, progress=False).set_index("parameter")
    assert set(df.index) == {"transmission", "report_minor", sa.DUMMY}
    assert df.loc["transmission", "S1"] > 0.9 and df.loc["transmission", "delta"] > 0.5
    assert df.loc["report_minor", "S1"] < 0.1
    assert (
        df.loc["report_minor", "delta"]
        < df.loc[sa.DUMMY, "delta"] + 3 * df.loc[sa.DUMMY, "delta_conf"]
    )
    assert (df["worlds"] == 300).all()


@pytest.mark.parametrize(
    "extra, message",
    [
        ("", "the delta method reads the parameter sets of a calibration"),
        ("samples = 8\n", "samples is not for the delta method"),
    ],
)
def test_delta_needs_a_calibration_and_no_design(tmp_path, extra, message):
    path = tmp_path / "bad.toml"
    path.write_text(
        HEAD.format(replicates=2, engine="fast") + f'\n[sensitivity]\nmethod = "delta"\n{extra}'
    )
    with pytest.raises(ValueError, match=message):
        ex.load(path)


def test_the_shipped_sensitivity_example_explores_only_worlds_on_target():
    # experiments/contagion_sensitivity.toml runs over the call centre's stored
    # calibration: every world is a calibrated parameter set, and together their baseline
    # lies in the published band (where 9% of the old Sobol' design's points did).
    from pathlib import Path

    import conflictsim as cs

    exp = ex.load(
        Path(__file__).resolve().parents[1] / "experiments" / "contagion_sensitivity.toml"
    )
    assert exp.sensitivity.method == "delta" and exp.calibration is not None
    cal = exp.run_calibration
    res = cs.simulate(exp.scenarios()["baseline"], exp.replicates, seed=exp.seed, calibration=cal)
    band = next(t for t in cs.Targets.published() if t.name == "hours_per_week")
    assert band.low <= res.summary["hours_per_employee_week"].mean() <= band.high
    calibrated = [c for c in cal.draws.columns if c not in ("skill_transfer", "responder_success")]
    assert calibrated and set(calibrated) <= set(exp.calibration.parameters)
