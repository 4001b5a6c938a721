"""conflictsim.planner.results: headline figures, trajectories, severity and ripple."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest
from small_plan import small_plan

import conflictsim as cs
from conflictsim.planner.baseline import for_plan
from conflictsim.planner.links import arm_keys
from conflictsim.planner.results import evaluate, headline_csv, ripple_for_chart, weekly_totals
from conflictsim.planner.words import BASELINE, RIPPLE_LABELS, value_sentences
from conflictsim.runs import run_arm
from conflictsim.scenario import DAYS_PER_WEEK
from conflictsim.words import rounded


@pytest.fixture(scope="module")
def small():
    return small_plan()


def test_headlines_follow_the_comparison_table(small):
    plan, org, res = small
    table = res.table
    assert list(res.headlines["option"]) == ["A", "B"]
    for row in res.headlines.itertuples():
        t = table[table["arm"] == row.arm].set_index("outcome")
        assert row.conflicts_avoided == pytest.approx(-t.loc["conflicts", "mean"])
        assert row.conflicts_avoided_low == pytest.approx(-t.loc["conflicts", "ci_high"])
        assert row.hours_saved == pytest.approx(-t.loc["conflict_hours", "mean"])
        assert row.net_benefit == pytest.approx(t.loc["net_benefit", "mean"])
        assert row.p_pays == t.loc["net_benefit", "p_better"]
        assert row.trained == t.loc["trained", "arm_mean"]
        assert row.conflicts_avoided_low <= row.conflicts_avoided <= row.conflicts_avoided_high
        assert row.net_benefit == pytest.approx(row.cost_avoided - row.cost_training)
        assert f"Option {row.option} trains" in row.sentence
        assert rounded(row.conflicts_avoided) in row.sentence
    assert "sentence" not in headline_csv(res)


def test_arms_run_one_by_one_give_the_same_table_as_one_compare(small):
    plan, org, res = small
    # Uncalibrated, the plan's parameters in every set, with the evidence's training effects.
    used = for_plan(None, plan, org)
    cmp = cs.compare(plan.arms(org), replicates=plan.replicates, seed=plan.seed, calibration=used)
    pd.testing.assert_frame_equal(res.table, cmp.table)
    plain = cs.compare(plan.arms(org), replicates=plan.replicates, seed=plan.seed)
    assert not res.table["mean"].equals(plain.table["mean"])  # the draws were used


def test_evaluate_asks_the_runner_for_each_arm_by_key(small):
    plan, org, res = small
    asked = []

    def runner(arm_key, scenario, calibration):
        asked.append(arm_key)
        assert calibration.evidence == plan.evidence and not calibration.converged
        return run_arm(scenario, plan.replicates, plan.seed, calibration=calibration)

    again = evaluate(plan, org, runner=runner)
    # Each arm, then each option whose trainees act as responders without them.
    keys = arm_keys(plan)
    apart = [f"{k}&responders=off" for k, o in zip(keys[1:], plan.options, strict=True)
             if o.programme == "deescalation"]  # fmt: skip
    assert apart and asked == keys + apart
    pd.testing.assert_frame_equal(again.headlines, res.headlines)


def test_trajectory_bands_and_weeks(small):
    plan, _, res = small
    traj = res.trajectory
    assert list(traj["arm"].unique()) == plan.arm_names()
    assert traj.groupby("arm").size().eq(math.ceil(plan.days / DAYS_PER_WEEK)).all()
    assert (traj["low"] <= traj["mean"] + 1e-9).all() and (
        traj["mean"] <= traj["high"] + 1e-9
    ).all()


def test_weekly_totals_add_up_to_the_conflicts_of_each_replicate(small):
    plan, org, _ = small
    cmp = cs.compare(
        plan.arms(org),
        replicates=plan.replicates,
        seed=plan.seed,
        calibration=for_plan(None, plan, org),
    )
    for arm in cmp.arms:
        weekly = weekly_totals(cmp.runs[arm].daily)
        np.testing.assert_allclose(weekly.sum(axis=1), cmp.runs[arm].summary["conflicts"])


def test_severity_adds_up_to_all_conflicts(small):
    _, _, res = small
    sev = res.severity.groupby("arm", sort=False)["mean"].sum()
    for arm, total in sev.items():
        if arm == BASELINE:
            continue
        conflicts = res.table[(res.table["arm"] == arm) & (res.table["outcome"] == "conflicts")]
        assert total == pytest.approx(conflicts["arm_mean"].iloc[0])
    base = res.severity[res.severity["arm"] == BASELINE]
    assert base["avoided"].isna().all()


def test_ripple_percentages(small):
    _, _, res = small
    rip = res.ripple
    assert set(rip["distance"]) == set(RIPPLE_LABELS.values())
    ok = rip["baseline"] > 0
    np.testing.assert_allclose(
        rip.loc[ok, "fewer_pct"], 100 * rip.loc[ok, "fewer"] / rip.loc[ok, "baseline"]
    )


def test_ripple_for_chart_leaves_out_distances_nobody_is_at():
    rip = pd.DataFrame(
        {
            "arm": ["A", "A", "A"],
            "distance": list(RIPPLE_LABELS.values()),
            "baseline": [10.0, 0.0, 0.0],
        }
    )
    shown, note = ripple_for_chart(rip)
    assert len(shown) == 1 and "within one step of a trainee" in note
    shown, note = ripple_for_chart(rip.assign(baseline=1.0))
    assert len(shown) == 3 and note == ""


def test_headline_intervals_are_the_worlds_not_the_mean(small):
    # The headline range is the middle 90% of the plausible worlds (the uncertainty
    # interval of the table), not the 95% interval of the mean.
    _, _, res = small
    t = res.table
    for r in res.headlines.itertuples():
        c = t[(t["arm"] == r.arm) & (t["outcome"] == "conflicts")].iloc[0]
        assert r.conflicts_avoided_ui_low == -c["ui_high"]
        assert r.conflicts_avoided_ui_high == -c["ui_low"]
        b = res.best.set_index("arm").loc[r.arm]
        assert r.p_best == b["p_best"]
    assert abs(res.best["p_best"].sum() - 1) < 1e-12


def test_value_of_information_comes_with_words(small):
    _, _, res = small
    v = res.value
    assert v["parameter"].iloc[-1] == "all"
    assert (v["evppi"] <= v["evppi"].iloc[-1] + 1e-9).all()
    assert v["label"].str.len().min() > 0
    words = value_sentences(res)
    assert "the best choice is" in words[0]
    assert rounded(v["evppi"].iloc[-1]) in " ".join(words)


def test_results_pickle_for_the_cache(small):
    _, _, res = small
    again = pickle.loads(pickle.dumps(res))
    assert again.plan == res.plan
    assert again.headlines.equals(res.headlines)
