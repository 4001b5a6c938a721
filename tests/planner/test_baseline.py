"""conflictsim.planner.baseline: the calibration every run of a plan goes through, in words."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.calibration import anchor, presets
from conflictsim.calibration.result import targets_met
from conflictsim.calibration.tables import fit_frame
from conflictsim.engine import simulate
from conflictsim.evidence import TRAINING_EFFECTS
from conflictsim.orgchart import TEMPLATE_CSV
from conflictsim.planner import baseline as bl
from conflictsim.planner import words as pw
from conflictsim.planner.assumptions import calibrated_table, parameter_table
from conflictsim.planner.plan import Plan, build_org
from conflictsim.planner.results import evaluate
from conflictsim.planner.spread import spread
from conflictsim.planner.summary import summary_html
from conflictsim.runs import run_arm
from conflictsim.words import parameter_label, statistic

#: A quick plan on the office at the stored calibration's size and seed.
QUICK = dict(days=30, replicates=3)


@functools.cache
def office():
    """The default office, its stored calibration and its baseline."""
    plan = Plan(**QUICK)
    org = build_org(plan)
    return plan, org, bl.preset_baseline(plan, org)


def template_records(weeks: int = 6) -> str:
    """Incident records for the org chart template's teams, ``weeks`` weeks of day numbers."""
    rows = ["day,team,severity,count"]
    for day in range(0, weeks * 5, 2):
        team = ("Support", "Finance", "Leadership")[day % 3]
        rows.append(f"{day},{team},{('minor', 'major', 'minor')[day % 3]},{1 + day % 4}")
    rows.append(f"{weeks * 5 - 1},Support,minor,0")  # the records run to the last day
    return "\n".join(rows) + "\n"


# ---------------------------------------------------------------------------- presets
def test_the_default_preset_uses_its_stored_calibration():
    plan, org, found = office()
    assert found.how == "stored" and not found.needs_calibrating
    stored = presets.stored(org)
    pd.testing.assert_frame_equal(found.calibration.draws, stored.draws)
    # Replicate k of every arm runs parameter set k of the stored calibration.
    for k in (0, 1, 2, len(stored) + 1):
        params = bl.run_params(plan, found.calibration, k)
        for name in stored.parameters:
            assert params[name] == stored.params(k)[name]
    sentence = pw.baseline_sentence(plan, found)
    assert sentence.startswith("Baseline calibrated to published base rates (CPP 2008")
    assert "stored for this preset (200 parameter sets)" in sentence


def test_the_runs_parameters_are_the_calibrations_sets():
    plan, org, found = office()
    cal = found.calibration
    given = []

    def runner(key, scenario, used):
        given.append((key, used))
        return run_arm(scenario, plan.replicates, plan.seed, calibration=used)

    res = evaluate(plan, org, runner=runner, calibration=cal)
    # Central evidence, nothing changed: the stored calibration's sets with central
    # training effects, the stored one named in every key.
    expected = bl.for_plan(cal, plan)
    assert expected.evidence == "central"
    assert all(used.draws.equals(expected.draws) for _, used in given)
    assert all(f"cal={cal.key}" in key for key, _ in given)
    # The same as one compare call with the calibration, and not the uncalibrated answer.
    cmp = cs.compare(
        plan.arms(org), replicates=plan.replicates, seed=plan.seed, calibration=expected
    )
    pd.testing.assert_frame_equal(res.table, cmp.table)
    plain = evaluate(plan, org)
    assert not res.table["baseline_mean"].equals(plain.table["baseline_mean"])
    # The engine records each replicate's parameters: set k, as run_params says.
    scn = plan.arms(org)["No training"]
    sim = simulate(scn, plan.replicates, seed=plan.seed, calibration=expected)
    for k in range(plan.replicates):
        assert sim.params_of(k) == bl.run_params(plan, cal, k)


def test_the_spread_view_runs_the_same_parameter_set_as_the_comparison():
    plan, org, found = office()
    sp = spread(plan, org, arm=0, replicate=1, calibration=found.calibration)
    mesa = run_arm(
        plan.arms(org)["No training"],
        1,
        plan.seed,
        first=1,
        engine="mesa",
        calibration=bl.for_plan(found.calibration, plan),
    )
    daily = mesa.daily.drop(columns="replicate").reset_index(drop=True)
    pd.testing.assert_frame_equal(sp.daily.reset_index(drop=True), daily)
    uncalibrated = spread(plan, org, arm=0, replicate=1)
    assert not sp.daily.equals(uncalibrated.daily)


def test_another_size_uses_the_stored_sets_once_checked_there():
    plan = Plan(size=40, **QUICK)
    org = build_org(plan)
    found = bl.preset_baseline(plan, org)
    assert found.how == "transferred" and found.calibration.converged
    cal = found.calibration
    cal.check_org(org)  # it is this organisation's now
    home = presets.stored(cs.Organisation.generate(presets.SIZE, "office", seed=presets.SEED))
    assert len(cal) == anchor.CHECK_SETS
    pd.testing.assert_frame_equal(cal.draws, home.draws.iloc[: anchor.CHECK_SETS])
    assert cal.meta["transferred_from"]["org_size"] == presets.SIZE
    # The fit is the check at this size: every target's simulated mean in its interval.
    assert list(cal.fit["target"]) == cs.Targets.published().names
    assert targets_met(cal.fit).all()
    assert not np.allclose(cal.fit["simulated"], home.fit["simulated"])
    assert cal.key != home.key
    assert "checked at this size (every target met)" in pw.baseline_sentence(plan, found)


def test_a_size_the_stored_sets_do_not_fit_must_be_calibrated():
    # A call centre of 40 has far fewer teams of customer-facing staff than one of 200.
    plan = Plan(org="call_centre", size=40, **QUICK)
    found = bl.preset_baseline(plan, build_org(plan))
    assert found.needs_calibrating and found.calibration is None
    assert "miss conflict hours per employee per week" in found.reason
    assert pw.baseline_sentence(plan, found).startswith("Not calibrated yet")
    with pytest.raises(ValueError, match="uploaded"):
        bl.preset_baseline(Plan(org="uploaded"), build_org(plan))


# ---------------------------------------------------------------------------- the plan
def test_the_evidence_setting_and_the_planners_values_apply_and_are_said():
    _, org, found = office()
    cal = found.calibration
    # An evidence setting gives every set its training effects; the baseline stays.
    plan = Plan(evidence="sceptical", **QUICK)
    used = bl.for_plan(cal, plan)
    assert used.evidence == "sceptical"
    assert set(TRAINING_EFFECTS) <= set(used.parameters)
    baseline_cols = [c for c in cal.parameters if c not in TRAINING_EFFECTS]
    assert used.draws[baseline_cols].equals(cal.draws[baseline_cols])
    assert used.base == {k: v for k, v in cal.base.items() if k not in TRAINING_EFFECTS}
    assert pw.plan_notes(plan, cal) == [] and not bl.baseline_caution(plan, found)
    # A calibrated parameter the planner sets leaves the sets: every period runs her value.
    plan = Plan(**QUICK).with_override("absence_base", 0.03).with_override("hours_major", 6)
    used = bl.for_plan(cal, plan)
    assert "absence_base" not in used.parameters and used.base["absence_base"] == 0.03
    for k in range(3):
        params = bl.run_params(plan, cal, k)
        assert params["absence_base"] == 0.03 and params["hours_major"] == 6
        assert params["trigger"] == cal.params(k)["trigger"]
    sentence = pw.baseline_sentence(plan, found)
    assert "(absence_base) replaces its calibrated values" in sentence
    assert "made with the default work hours lost" in sentence and "(hours_major)" in sentence
    assert bl.baseline_caution(plan, found)  # hours_major moves the baseline
    # Costs do not change the baseline: nothing to say.
    plan = Plan(**QUICK).with_override("wage", 50)
    assert pw.plan_notes(plan, cal) == []
    assert bl.for_plan(cal, plan).draws[baseline_cols].equals(cal.draws[baseline_cols])
    assert not bl.baseline_caution(plan, found)
    # Nor does a calibrated parameter the planner knows better: said, not a warning.
    assert not bl.baseline_caution(Plan(**QUICK).with_override("absence_base", 0.03), found)
    assert bl.baseline_caution(Plan(**QUICK), bl.missing_baseline("no reason"))


# ---------------------------------------------------------------------------- the fit
def test_the_fit_table_in_words():
    _, _, found = office()
    table = pw.fit_table(found.calibration)
    assert list(table.columns) == [
        "Target",
        "Observed or published",
        "Simulated (mean)",
        "90% of simulations",
        "Met",
    ]
    row = table.set_index("Target").loc["Conflict hours per employee per week"]
    assert row["Observed or published"] == "2.1 to 2.8, CPP 2008"
    assert row["Met"] == "yes"
    rude = table.set_index("Target").loc["Share of employees treated rudely in a week"]
    assert rude["Observed or published"] == "40% to 60%, Porath & Pearson 2013"
    assert rude["Simulated (mean)"].endswith("%")
    frame = fit_frame(found.calibration)
    assert frame["met"].all() and list(frame["percent"]) == [False, True, False, True]


def test_a_missed_target_is_said_and_shown():
    plan, _, found = office()
    fit = found.calibration.fit.copy()
    fit.loc[0, "simulated"] = 3.5  # conflict hours above 2.8
    cal = cs.Calibration(
        draws=found.calibration.draws,
        fit=fit,
        targets=found.calibration.targets,
        org_fingerprint=found.calibration.org_fingerprint,
        org_name="office",
        base=found.calibration.base,
        seed=1,
        meta={**found.calibration.meta, "converged": False},
    )
    assert pw.fit_summary(cal) == "3 of 4 targets met"
    assert pw.missed_text(cal) == "conflict hours per employee per week"
    assert pw.fit_table(cal)["Met"].tolist() == ["no", "yes", "yes", "yes"]
    sentence = pw.baseline_sentence(plan, bl.calibrated_baseline(cal))
    assert "calibrated here for this organisation (200 parameter sets" in sentence
    assert "does not reach every target (missed: conflict hours per employee per week)" in sentence


def test_the_no_training_arm_is_checked_against_the_published_hours():
    plan, org, found = office()
    res = evaluate(plan, org, calibration=found.calibration)
    hours = float(res.table.query("outcome == 'conflict_hours'")["baseline_mean"].iloc[0]) / (
        org.size * plan.days / 5
    )
    text = pw.baseline_check(res)
    assert f"loses {statistic(hours)} conflict hours per employee a week" in text
    assert "the published 2.1 to 2.8 (CPP 2008)" in text


# ---------------------------------------------------------------------------- records
def test_incident_records_are_read_from_memory_and_become_targets():
    org = cs.Organisation.parse_csv(TEMPLATE_CSV.encode(), name="team.csv")
    frame, summary = bl.read_records(template_records(), org, "incidents.csv")
    assert summary["days"] == 30 and summary["incidents"] == frame["count"].sum()
    assert pw.records_text(summary) == f"{summary['incidents']} incidents over 6 weeks"
    assert "in 3 of 3 teams" in pw.records_sentence(summary)
    targets = bl.calibration_targets(org, frame)
    assert targets.names[:4] == cs.Targets.published().names
    assert "reported_per_employee_week" in targets.names and targets.record_days == 30
    assert bl.calibration_targets(org).names == cs.Targets.published().names


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"day,team,severity\n0,Nowhere,minor\n", "incidents.csv, row 2, column team"),
        (b"day,team,severity\n0,Support,awful\n", "row 2, column severity"),
        (
            b"day,team\n0,Support\n4,Finance\n",
            "incidents.csv: the incident records cover 5 working days; at least 4 full weeks",
        ),
    ],
    ids=["unknown team", "bad severity", "too short"],
)
def test_bad_incident_records_give_one_message(content, expected):
    org = cs.Organisation.parse_csv(TEMPLATE_CSV.encode(), name="team.csv")
    with pytest.raises(ValueError, match="incidents.csv") as exc:
        bl.read_records(content, org, "incidents.csv")
    assert expected in str(exc.value) and "\n" not in str(exc.value)


# ---------------------------------------------------------------------------- budget
def test_the_budget_comes_from_the_environment():
    assert bl.budget_from_env({}) == bl.Budget()
    small = bl.budget_from_env({bl.BUDGET_ENV: "draws=20, generations=3,workers=1"})
    assert small == bl.Budget(draws=20, generations=3, workers=1)
    assert small.options() == {
        "seed": 1,
        "draws": 20,
        "max_generations": 3,
        "max_simulations": None,
        "workers": 1,
    }
    assert bl.budget_from_env({bl.BUDGET_ENV: small.text()}) == small
    with pytest.raises(ValueError, match="unknown part 'speed=2'"):
        bl.budget_from_env({bl.BUDGET_ENV: "speed=2"})
    with pytest.raises(ValueError, match="'draws=x' is not a whole number"):
        bl.budget_from_env({bl.BUDGET_ENV: "draws=x"})


def test_progress_in_words():
    share, text = pw.progress_step({"generation": 0, "accepted": 50, "draws": 100})
    assert share == 0.5 and "sampling the priors" in text and "50 of 100 parameter sets" in text
    share, text = pw.progress_step({"generation": 4, "accepted": 100, "draws": 100})
    assert share == 1.0 and "round 4" in text


# ---------------------------------------------------------------------------- other pages
def test_the_assumptions_tables_show_the_calibrated_values():
    _, _, found = office()
    cal = found.calibration
    plan = Plan(**QUICK).with_override("absence_base", 0.03)
    table = calibrated_table(cal, plan).set_index("name")
    assert list(table.index) == cal.parameters
    trigger = cal.summary().set_index("parameter").loc["trigger"]
    assert table.loc["trigger", "calibrated median"] == f"{trigger['median']:.3g}"
    assert table.loc["absence_base", "used"] == "your value 0.03"
    every = parameter_table(plan, cal).set_index("name")
    assert every.loc["trigger", "set by"] == "calibration"
    assert every.loc["trigger", "value now"].startswith(f"{trigger['median']:.3g} (")
    assert every.loc["absence_base", "set by"] == "you"
    assert parameter_table(plan).set_index("name").loc["trigger", "set by"] == "default"
    # Planners read labels; the name experiment files use is a column of its own.
    assert every.loc["absence_base", "assumption"] == parameter_label("absence_base")


def test_the_summary_names_the_calibration():
    plan, org, found = office()
    res = evaluate(plan, org, calibration=found.calibration)
    page = summary_html(res, baseline_text=pw.baseline_sentence(plan, found))
    assert "<b>Baseline.</b> Baseline calibrated to published base rates" in page
    assert "<b>Baseline.</b>" not in summary_html(res)
