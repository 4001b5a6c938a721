"""The warm-up: four weeks simulated before day 0 and not counted, in both simulators.

A run with a warm-up must be exactly the later days of the same run without one (with
programmes moved on by the warm-up), and the days it counts must be past the start-up
transient that the warm-up is there to drop.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import conflictsim as cs
from conflictsim.engine import simulate
from conflictsim.scenario import WARMUP_DAYS

W, D = WARMUP_DAYS, 30


@pytest.fixture(scope="module")
def org():
    return cs.Organisation.generate(60, "office", seed=4)


def programme(start: int) -> cs.Training:
    return cs.Training("deescalation", coverage=0.5, start_day=start, refresher_days=12)


def test_the_engine_counts_the_days_after_the_warm_up_of_the_same_run(org):
    counted = cs.Scenario(org, days=D, programmes=[programme(3)])
    whole = cs.Scenario(org, days=W + D, programmes=[programme(W + 3)], warmup=0)
    warm = cs.Scenario(org, days=W, warmup=0)  # the warm-up alone: training starts after it
    a, b, c = (simulate(s, 4, seed=9) for s in (counted, whole, warm))
    assert a.scenario is counted and a.daily_values.shape[1] == D + 1
    # Days 1..D are the whole run's days W+1..W+D, every column.
    np.testing.assert_array_equal(a.daily_values[:, 1:], b.daily_values[:, W + 1 :])
    np.testing.assert_array_equal(a.team_daily[:, 1:], b.team_daily[:, W + 1 :])
    np.testing.assert_array_equal(a.incident_daily[:, 1:], b.incident_daily[:, W + 1 :])
    # Day 0 is the state at the end of the warm-up, with nothing counted on it.
    assert (a.daily.query("day == 0")["upset"].to_numpy() == b.daily.query(f"day == {W}")["upset"]
            .to_numpy()).all()  # fmt: skip
    assert (a.daily.query("day == 0")[["conflicts", "quits", "conflict_hours"]] == 0).all().all()
    # Per post and per tie: the whole run's counts less the warm-up's.
    np.testing.assert_array_equal(a.edge_conflicts, b.edge_conflicts - c.edge_conflicts)
    np.testing.assert_array_equal(a.employee_conflicts, b.employee_conflicts - c.employee_conflicts)
    assert a.edge_conflicts.sum() == a.summary["conflicts"].sum() > 0
    # Weeks of rudeness: the whole run's weeks after the warm-up's four.
    np.testing.assert_array_equal(a.rude_weekly, b.rude_weekly[:, W // 5 :])
    # Training and its cost are the same people and sessions.
    np.testing.assert_array_equal(a.trained, b.trained)
    np.testing.assert_array_equal(a.summary["cost_training"], b.summary["cost_training"])
    assert a.summary["conflicts"].sum() == b.daily.query(f"day > {W}")["conflicts"].sum()


def test_the_mesa_model_counts_the_days_after_the_warm_up_of_the_same_run(org):
    counted = cs.Scenario(org, days=D, programmes=[programme(3)])
    whole = cs.Scenario(org, days=W + D, programmes=[programme(W + 3)], warmup=0)
    a, b = cs.ConflictModel(counted, rng=3), cs.ConflictModel(whole, rng=3)
    a.run_for(D)
    b.run_for(W)
    ties_at_w = b.edge_conflicts.copy()
    b.run_for(D)
    da, db = a.daily_frame(), b.daily_frame()
    assert a.day == D and len(da) == D + 1
    cols = ["upset", "conflicts", "conflicts_major", "absent", "quits", "conflict_hours"]
    np.testing.assert_array_equal(da.loc[1:, cols].to_numpy(), db.loc[W + 1 :, cols].to_numpy())
    assert da.loc[0, "upset"] == db.loc[W, "upset"] and da.loc[0, "conflicts"] == 0
    np.testing.assert_array_equal(a.edge_conflicts, b.edge_conflicts - ties_at_w)
    np.testing.assert_array_equal(a.ever_trained, b.ever_trained)
    assert a.summary()["conflicts"] == db.loc[W + 1 :, "conflicts"].sum()
    teams = np.array(a.team_daily)
    assert teams.shape[0] == D + 1 and teams[0].sum() == 0
    assert teams[1:].sum() == 2 * a.summary()["conflicts"]


def test_the_counted_days_start_near_the_steady_state(org):
    # Without the warm-up the first two weeks run at about 60% of the rest of the year
    # (few upset and nobody strained at the start); with it at about 92% (strain and
    # grievance still build up slowly over the next two months: docs/ODD.md, 2.3).
    def first_share(warmup: int) -> float:
        scn = cs.Scenario(org, days=250, warmup=warmup)
        daily = simulate(scn, 200, seed=2).daily
        per_day = daily[daily["day"] > 0].groupby("day")["conflicts"].mean()
        return float(per_day.loc[1:10].mean() / per_day.loc[51:].mean())

    cold, warm = first_share(0), first_share(W)
    assert cold < 0.8, cold
    assert 0.88 < warm < 1.05, warm


def test_a_warm_up_must_be_whole_weeks(org):
    with pytest.raises(ValueError, match="whole weeks"):
        cs.Scenario(org, warmup=7)
    with pytest.raises(ValueError, match="warmup must be a whole number"):
        cs.Scenario(org, warmup=-5)
    scn = cs.Scenario(org, programmes=[programme(3)])
    run = scn.simulated()
    assert run.warmup == 0 and run.days == scn.days + W
    assert [p.start_day for p in run.programmes] == [W + 3]
    assert dataclasses.replace(run.programmes[0], start_day=3) == scn.programmes[0]
