"""The best plan for a budget: racing against exhaustive runs, budgets, known answers."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import conflictsim as cs
from conflictsim.plans import NO_TRAINING, best_plans, candidates, failure_box

GRID = {
    "kinds": ("deescalation", "active_listening", "emotional_regulation"),
    "targets": ("random", "managers", "best_connected"),
    "shares": (1.0, 0.25),
    "refreshers": (None,),
    "pairs": False,
}


@pytest.fixture(scope="module")
def scenario():
    org = cs.Organisation.generate(size=60, preset="call_centre", seed=3)
    return cs.Scenario(org=org, days=120)


@pytest.fixture(scope="module")
def raced_and_exhaustive(scenario):
    kw = {"worlds": 48, "seed": 2, "evidence": "central", **GRID}
    return (
        best_plans(scenario, 12000, first_worlds=12, **kw),
        best_plans(scenario, 12000, racing=False, **kw),
    )


def test_racing_finds_the_exhaustive_best_and_drops_only_worse_plans(raced_and_exhaustive):
    raced, full = raced_and_exhaustive
    assert len(raced.dropped) >= 3, "nothing was dropped: the check would be empty"
    assert full.dropped.empty and raced.runs < full.runs
    assert raced.recommended == full.recommended != NO_TRAINING
    best = full.per_world[full.recommended].mean()
    for plan in raced.dropped["plan"]:
        assert full.per_world[plan].mean() < best, plan
    # Each was clearly worse when dropped: on the worlds it had run, the upper end of a
    # one-sided 99.9% interval (Student's t) of its paired difference from the leader (or
    # from doing nothing, if nothing led) was below zero.
    for row in raced.dropped.itertuples():
        earlier = set(raced.dropped.loc[raced.dropped["worlds"] < row.worlds, "plan"])
        alive = full.per_world.drop(columns=[NO_TRAINING, *earlier]).iloc[: row.worlds]
        leader = alive[alive.mean().idxmax()]
        leader = leader if leader.mean() > 0 else leader * 0
        diff = alive[row.plan] - leader
        t = stats.t.ppf(0.999, row.worlds - 1)
        assert diff.mean() + t * diff.std() / np.sqrt(row.worlds) < 0, row.plan
    # Common random numbers: a plan's worlds are the same runs however it got there.
    for plan in raced.per_world:
        np.testing.assert_array_equal(raced.per_world[plan], full.per_world[plan])


def test_table_reads_as_the_decision_table(raced_and_exhaustive):
    _, full = raced_and_exhaustive
    t = full.table.set_index("plan")
    nb = full.per_world
    assert list(full.table["plan"]) == list(nb.mean().sort_values(ascending=False).index)
    winners = nb.to_numpy().argmax(axis=1)
    for j, plan in enumerate(nb.columns):
        row = t.loc[plan]
        assert row["net_benefit"] == pytest.approx(nb[plan].mean())
        assert row["p_best"] == pytest.approx((winners == j).mean())
        shortfall = nb.max(axis=1) - nb[plan]
        assert row["regret"] == pytest.approx(np.quantile(shortfall, 0.9))
        if plan != NO_TRAINING:
            assert row["p_pays"] == pytest.approx((nb[plan] > 0).mean())
            assert row["ui_low"] <= row["net_benefit"] <= row["ui_high"]
    assert t["p_best"].sum() == pytest.approx(1.0)
    assert full.best == list(t.iloc[0]["programmes"])


@pytest.mark.parametrize("budget", [0, 900, 5000, 12000, 40000])
def test_no_plan_costs_more_than_the_budget(scenario, budget):
    plans = candidates(scenario, budget)
    assert all(c.planned_cost <= budget + 1e-6 for c in plans)
    if budget == 0:
        assert plans == []
    names = [c.name for c in plans]
    assert len(names) == len(set(names))


def test_budget_holds_in_every_world_run(scenario):
    budget = 5000
    res = best_plans(scenario, budget, worlds=10, seed=4, first_worlds=10, racing=False, **GRID)
    assert (res.table["cost"] <= budget + 1e-6).all()
    assert (res.table["planned_cost"] <= budget + 1e-6).all()


def test_a_plan_dominated_in_every_world_is_never_recommended(scenario):
    # Without triggers or anyone upset on day 0 nobody is ever in conflict: every plan
    # costs its fees and avoids nothing, so doing nothing beats each in every world.
    calm = scenario.with_(params=cs.Params(trigger=0.0), initial_upset=0.0)
    res = best_plans(calm, 12000, worlds=12, seed=1, racing=False, **GRID)
    assert res.recommended == NO_TRAINING and res.best == []
    others = res.per_world.drop(columns=NO_TRAINING)
    assert (others.to_numpy() < 0).all()
    assert res.table.set_index("plan").loc[NO_TRAINING, "p_best"] == 1.0


def test_failure_box_finds_the_region_where_failures_are():
    rng = np.random.default_rng(5)
    worlds = pd.DataFrame({"transmission": rng.uniform(0, 1, 400), "recovery": rng.random(400)})
    fails = worlds["transmission"].to_numpy() < 0.3
    box = failure_box(worlds, fails)
    assert box.conditions[0][:2] == ("transmission", "below")
    assert box.conditions[0][2] == pytest.approx(0.3, abs=0.02)
    assert box.density == 1.0 and box.coverage == 1.0
    assert box.share == pytest.approx(fails.mean())
    assert "mainly where" in box.text and "is low (below 0.3" in box.text


def test_failure_box_in_words_when_nothing_fails_or_all_does():
    worlds = pd.DataFrame({"transmission": np.linspace(0, 1, 20)})
    assert failure_box(worlds, np.zeros(20, bool)).text.startswith("It pays in every")
    assert failure_box(worlds, np.ones(20, bool)).text.startswith("It fails to pay in every")


def test_when_it_fails_reads_the_recommended_plan(raced_and_exhaustive):
    raced, _ = raced_and_exhaustive
    f = raced.when_it_fails()
    assert f.share == pytest.approx((raced.per_world[raced.recommended] <= 0).mean())
    with pytest.raises(ValueError, match="no plan"):
        raced.when_it_fails(NO_TRAINING)


def test_bad_arguments_are_refused(scenario):
    with pytest.raises(ValueError, match="budget must be"):
        best_plans(scenario, -1)
    with pytest.raises(ValueError, match="without"):
        best_plans(scenario.with_(programmes=[cs.Training("deescalation")]), 1000)
    with pytest.raises(ValueError, match="worlds"):
        best_plans(scenario, 1000, worlds=1)


def test_the_frontier_is_cost_against_conflicts_avoided_with_no_cheaper_plan_better(
    raced_and_exhaustive,
):
    raced, full = raced_and_exhaustive
    for plans in (raced, full):
        f = plans.frontier
        assert f.iloc[0]["plan"] == NO_TRAINING and f.iloc[0]["cost"] == 0
        assert f["cost"].is_monotonic_increasing
        assert (f["conflicts_avoided"].diff().dropna() > 0).all()
        # The plans that reached the end read as in the table (every world).
        table = plans.table.set_index("plan")
        for row in f[f["plan"].isin(table.index)].itertuples():
            assert row.conflicts_avoided == pytest.approx(table.loc[row.plan, "conflicts_avoided"])
            assert row.worlds == table.loc[row.plan, "worlds"]
    # Exhaustive: no plan outside the frontier is both cheaper and avoids more than one on it.
    t = full.table
    for row in full.frontier.itertuples():
        cheaper = t[(t["cost"] < row.cost)]
        assert not (cheaper["conflicts_avoided"] > row.conflicts_avoided + 1e-9).any()
