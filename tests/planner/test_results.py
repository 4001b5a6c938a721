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
from conflictsim.planner.plan import BASELINE, WEEK_DAYS
from conflictsim.planner.results import (
    evaluate,
    headline_csv,
    headline_sentence,
    ripple_for_chart,
    run_arm,
    value_sentences,
    weekly_totals,
)
from conflictsim.planner.words import RIPPLE_LABELS, fmt_number


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
        assert fmt_number(row.conflicts_avoided) in row.sentence
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
    assert traj.groupby("arm").size().eq(math.ceil(plan.days / WEEK_DAYS)).all()
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


def test_sentences_say_when_nobody_is_trained_and_when_some_worlds_avoid_nothing():
    row = {"option": "C", "trained": 0, "replicates": 100}
    assert "trains nobody" in headline_sentence(row, 250)
    row = dict(
        option="A",
        trained=10,
        cost_training=5000,
        conflicts_avoided=3,
        conflicts_avoided_ui_low=-4,
        conflicts_avoided_ui_high=10,
        conflicts_avoided_pct=0.01,
        conflicts_baseline=300,
        hours_saved=10,
        p_fewer_conflicts=0.6,
        net_benefit=-1200,
        net_benefit_ui_low=-5000,
        net_benefit_ui_high=2600,
        p_pays=0.3,
        p_best=0.04,
        replicates=100,
    )
    text = headline_sentence(row, 250)
    assert "cannot rule out that it changes nothing" in text
    assert "-4 to 10 in 9 of 10 plausible worlds" in text
    assert "a net cost of 1,200 (-5,000 to 2,600 in 9 of 10 plausible worlds)" in text
    assert "pays for itself in about 3 of 10 plausible worlds" in text
    assert "best choice in almost none of the plausible worlds" in text
    # Where no world avoids nothing, the sentence does not say it could.
    sure = headline_sentence({**row, "conflicts_avoided_ui_low": 1}, 250)
    assert "cannot rule out" not in sure


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
    assert fmt_number(v["evppi"].iloc[-1]) in " ".join(words)


def test_results_pickle_for_the_cache(small):
    _, _, res = small
    again = pickle.loads(pickle.dumps(res))
    assert again.plan == res.plan
    assert again.headlines.equals(res.headlines)


def _with_value(res, shares: list[float], evpi: float = 10_000.0):
    """``res`` with a value table of parameters worth ``shares`` of an EVPI of ``evpi``."""
    from dataclasses import replace

    rows = [
        {"parameter": f"p{k}", "label": f"Quantity {k}", "evppi": s * evpi, "share": s}
        for k, s in enumerate(shares)
    ]
    rows.append({"parameter": "all", "label": "Knowing everything", "evppi": evpi, "share": 1.0})
    return replace(res, value=pd.DataFrame(rows))


def test_value_words_name_what_matters_and_what_hardly_does(small):
    _, _, res = small
    words = " ".join(value_sentences(_with_value(res, [0.6, 0.2, 0.01, 0.02])))
    assert (
        "What matters most is quantity 0: knowing it for sure would be worth about 6,000" in words
    )
    assert "Worth almost nothing to know" in words
    assert "quantity 3, quantity 2." in words  # biggest first, the one that matters not among them
    assert "quantity 0" not in words.split("Worth almost nothing")[1]


def test_value_words_when_no_quantity_matters_alone(small):
    # Every one worth under 5%: none is "what matters most", and none is listed twice.
    _, _, res = small
    words = value_sentences(_with_value(res, [0.02, 0.01, 0.004]))
    text = " ".join(words)
    assert "What matters most" not in text and "Worth almost nothing" not in text
    assert "No single quantity matters on its own: the one worth most, quantity 0" in text
    assert text.count("quantity 0") == 1
