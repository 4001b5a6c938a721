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
from conflictsim.planner.words import BASELINE, RIPPLE_LABELS, headline_sentence, value_sentences
from conflictsim.runs import run_arm
from conflictsim.scenario import DAYS_PER_WEEK
from conflictsim.words import percent, rounded


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
        break_even=20,
        break_even_pct=0.0667,
        net_benefit_cash=-4000,
        p_pays_cash=0.0,
        p_no_change=0.0,
    )
    text = headline_sentence(row, 250)
    assert "cannot rule out that it changes nothing" in text
    assert "-4 to 10 in 9 of 10 plausible worlds" in text
    assert "a net cost of 1,200 (-5,000 to 2,600 in 9 of 10 plausible worlds)" in text
    assert "pays for itself in about 3 of 10 plausible worlds" in text
    assert "best choice in almost none of the plausible worlds" in text
    # The break-even, and money in cash apart from working time.
    assert "It pays for itself if it avoids at least 20 conflicts (7% of them)" in text
    assert "In cash it is a net cost of 4,000 (training fees" in text
    assert "In cash alone it pays for itself in almost none of the plausible worlds" in text
    # A currency is named with every sum; what the trials found, for a programme.
    named = headline_sentence(row, 250, "deescalation", "EUR")
    assert "for EUR 5,000" in named and "a net cost of EUR 1,200" in named
    assert "studies of de-escalation training on incidents" in named
    # Many worlds where it changes nothing: said with their share.
    many = headline_sentence({**row, "p_no_change": 0.45}, 250)
    assert "In 45% of the plausible worlds it changes conflict by less than half a percent" in many
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
    assert rounded(v["evppi"].iloc[-1]) in " ".join(words)


def test_results_pickle_for_the_cache(small):
    _, _, res = small
    again = pickle.loads(pickle.dumps(res))
    assert again.plan == res.plan
    assert again.headlines.equals(res.headlines)


def _with_value(res, shares: list[float], evpi: float = 10_000.0, se: float = 0.0):
    """``res`` with a value table of parameters worth ``shares`` of an EVPI of ``evpi``.

    Each value has standard error ``se``; one worth exactly 0 is one no option depends on.
    """
    from dataclasses import replace

    rows = [
        {
            "parameter": f"p{k}",
            "label": f"Quantity {k}",
            "evppi": s * evpi,
            "se": se,
            "share": s,
            "relevant": s > 0,
        }  # fmt: skip
        for k, s in enumerate(shares)
    ]
    rows.append({"parameter": "all", "label": "Knowing everything", "evppi": evpi, "se": se,
                 "share": 1.0, "relevant": True})  # fmt: skip
    return replace(res, value=pd.DataFrame(rows))


def test_value_words_name_what_matters_and_what_hardly_does(small):
    # Values within twice their standard error of 0 are not named as mattering; those no
    # option depends on are said to be worth nothing, and why.
    _, _, res = small
    words = " ".join(value_sentences(_with_value(res, [0.6, 0.2, 0.01, 0.02, 0.0], se=500.0)))
    assert "What would be worth knowing most: quantity 0 (about 6,000); quantity 1 (about " in words
    assert "quantity 2" not in words and "quantity 3" not in words
    assert "Worth nothing here, because no option depends on them: quantity 4." in words


def test_value_words_when_no_quantity_matters_alone(small):
    # Each one within its chance, everything together not: none is named as mattering.
    _, _, res = small
    text = " ".join(value_sentences(_with_value(res, [0.02, 0.01, 0.004], se=300.0)))
    assert "What would be worth knowing most" not in text
    assert "No single quantity can be shown to matter on its own" in text


def test_value_words_when_knowing_everything_cannot_be_told_from_nothing(small):
    _, _, res = small
    text = " ".join(value_sentences(_with_value(res, [0.5, 0.3], evpi=400.0, se=300.0)))
    assert "would hardly change the choice" in text and "not worth waiting for" in text
    assert "Knowing everything for sure would be worth" not in text


def test_cards_lead_with_conflicts_and_give_the_return_only_as_its_range(small):
    # A return on investment is never shown alone, nor first; money in cash and working
    # time and the break-even come with the net benefit.
    from conflictsim.planner.words import headline_cards

    _, _, res = small
    r = next(res.headlines.itertuples())
    cards = headline_cards(r, 30, "EUR")
    assert [c.label for c in cards] == ["Conflicts avoided", "Working hours saved",
                                        "Net benefit", "Return on investment"]  # fmt: skip
    roi = cards[-1]
    assert roi.value == f"{percent(r.roi_ui_low)} to {percent(r.roi_ui_high)}"
    assert "expected" in roi.caption and "9 of 10" in roi.caption
    net = cards[2]
    assert net.value.startswith("EUR ") and "In cash EUR" in net.caption
    assert "in working time EUR" in net.caption
    assert f"Pays for itself from {rounded(r.break_even)}" in cards[0].caption
