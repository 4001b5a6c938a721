"""Docking per team: conflicts counted in each party's team, and hotspot targeting.

An 80-person office in which two teams deal with customers all day and the others never
(``customer_multiplier`` 5) and ties across teams are many (8 a person), so teams differ
several-fold in conflict; a strong grievance spiral (weight 2, decay 0.1 a day) makes the
counts depend on how grievance is kept. A de-escalation programme targets the hotspots:
the 20 people (two and a half teams) of the teams with most conflict in the 5 days up to
day 15. Nobody quits, so everyone selected is trained.

The same runs serve every test here (a module-scoped fixture): Mesa 150 replicates, the
engine 2000.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from docking_helpers import check, engine_runs, mesa_runs, power_check, welch

import conflictsim as cs
from conflictsim.seeds import targeting_rngs

MESA_REPLICATES = 150
ENGINE_REPLICATES = 2000
START, LEAD_IN = 15, 5
# Power per team, a share of the team's mean conflicts per day.
TEAM_SHIFT = 0.25
# Power of the hotspot shares, in percentage points of the share of replicates.
SHARE_SHIFT = 0.25


def scenario() -> cs.Scenario:
    org = cs.Organisation.generate(80, "office", seed=2, cross_ties=8.0)
    org = dataclasses.replace(org, customer_facing=np.isin(org.team, [0, 1]))
    params = cs.Params(
        trigger=0.1,
        customer_multiplier=5.0,
        recovery=0.8,
        grievance_weight=2.0,
        grievance_decay=0.1,
        escalation=0.5,
        quit_base=0.0,
        quit_strain=0.0,
        skill_transfer=1.0,  # the effect these tests were sized for
    )
    programme = cs.Training(
        "deescalation", target="hotspots", coverage=0.25, start_day=START, lead_in_days=LEAD_IN
    )
    return cs.Scenario(org, params, days=60, programmes=[programme])


@pytest.fixture(scope="module")
def runs():
    scn = scenario()
    return scn, mesa_runs(scn, MESA_REPLICATES, 4000), engine_runs(scn, ENGINE_REPLICATES, 11)


def test_team_daily_counts_agree(runs):
    # Each team's mean conflicts per day over the run (each party counted in their own
    # team), Mesa against engine, team by team within Z standard errors. Power asserted:
    # a shift of 25% of each team's mean (measured se about 2-4% of the team means;
    # the grievance spiral makes team counts vary widely from run to run).
    scn, mesa, eng = runs
    problems = []
    a = mesa.team_daily[:, 1:, :].mean(axis=1)  # (replicates, teams)
    b = eng.team_daily[:, 1:, :].mean(axis=1)
    assert a.shape[1] == b.shape[1] == len(scn.org.team_names)
    for t, name in enumerate(scn.org.team_names):
        diff, se = welch(a[:, t], b[:, t])
        check(
            name,
            diff,
            se,
            problems,
            f"Mesa {a[:, t].mean():.3f}, engine {b[:, t].mean():.3f}/day; ",
        )
        power_check(name, b[:, t].mean(), TEAM_SHIFT, se, problems)
    # Each conflict counted twice, once per party.
    for r in (mesa, eng):
        assert np.array_equal(
            r.team_daily[:, 1:, :].sum(axis=(1, 2)), 2 * r.summary["conflicts"].to_numpy()
        )
    # Teams differ: the customer-facing teams have well over the conflict of others.
    means = b.mean(axis=0)
    assert means[:2].min() > 1.5 * means[2:].max()
    assert not problems, "; ".join(problems)


def test_team_shares_and_totals_agree(runs):
    # Each team's share of all conflict counts in a run (the replicate's overall level
    # cancels, so a count moved from one party's team to the other's shows), team by team,
    # and the run totals of conflicts and severe conflicts (which the grievance spiral
    # drives: severity grows with grievance), Mesa against engine within Z standard
    # errors. Power asserted: 1.5 percentage points on each share (measured se about
    # 0.2-0.3 points); on the totals 6% of the mean for conflicts and 9% for severe ones
    # (measured se 1.2% and 1.8%).
    scn, mesa, eng = runs
    problems = []
    a = mesa.team_daily[:, 1:, :].sum(axis=1)
    b = eng.team_daily[:, 1:, :].sum(axis=1)
    a = a / a.sum(axis=1, keepdims=True)
    b = b / b.sum(axis=1, keepdims=True)
    for t, name in enumerate(scn.org.team_names):
        diff, se = welch(a[:, t], b[:, t])
        check(
            f"{name} share",
            diff,
            se,
            problems,
            f"Mesa {a[:, t].mean():.4f}, engine {b[:, t].mean():.4f}; ",
        )
        power_check(f"{name} share", 1.0, 0.015, se, problems)
    for name in ("conflicts", "severe"):
        x, y = mesa.summary[name].to_numpy(float), eng.summary[name].to_numpy(float)
        diff, se = welch(x, y)
        check(name, diff, se, problems, f"Mesa {x.mean():.4g}, engine {y.mean():.4g}; ")
        power_check(name, y.mean(), {"conflicts": 0.06, "severe": 0.09}[name], se, problems)
    assert not problems, "; ".join(problems)


def selections(scn, runs, lead_in=LEAD_IN, shift=0):
    """Who ``Training.select`` picks in each replicate from the run's own team history.

    ``lead_in`` and ``shift`` give the wrong answers the test must tell apart: a lead-in a
    day shorter, or the window moved a day earlier.
    """
    prog = dataclasses.replace(scn.programmes[0], lead_in_days=lead_in)
    picked = np.zeros(runs.trained.shape, dtype=bool)
    for r, seed in enumerate(runs.seeds):
        if shift:  # the same window length, ending a day earlier
            counts = runs.team_daily[r][START - lead_in : START].sum(axis=0)
        else:
            counts = prog.lead_in_conflicts(runs.team_daily[r][: START + 1])
        rng = targeting_rngs(seed, 1)[0]
        waves = prog.select(scn.org, scn.params, scn.days, rng, counts)
        picked[r, np.concatenate(waves)] = True
    return picked


@pytest.mark.parametrize("which", ["mesa", "engine"])
def test_hotspots_read_the_runs_own_history(runs, which):
    # Exact: the people each simulator trained are those Training.select picks from the
    # run's own team history up to the start day and the replicate's targeting stream.
    # The setting is sensitive: a lead-in one day shorter, or a day earlier, picks other
    # people in at least a tenth of the replicates (asserted), so either error fails.
    scn, mesa, eng = runs
    r = mesa if which == "mesa" else eng
    n = 300 if which == "engine" else len(r.seeds)  # the engine's first 300 suffice
    sub = dataclasses.replace(
        r, trained=r.trained[:n], team_daily=r.team_daily[:n], seeds=r.seeds[:n]
    )
    expected = selections(scn, sub)
    wrong = np.flatnonzero((expected != sub.trained).any(axis=1))
    assert wrong.size == 0, (
        f"{which}: trained people differ from the hotspot selection in {wrong.size} of {n} "
        f"replicates (first: {wrong[:5].tolist()})"
    )
    shorter = (selections(scn, sub, lead_in=LEAD_IN - 1) != expected).any(axis=1).mean()
    earlier = (selections(scn, sub, shift=1) != expected).any(axis=1).mean()
    assert shorter >= 0.1 and earlier >= 0.1, (shorter, earlier)


def test_hotspot_shares_agree(runs):
    # The share of replicates in which each team is chosen (anyone in it trained), Mesa
    # against engine, within Z standard errors (teams chosen in every replicate or in
    # none by both must agree exactly). Power asserted for teams chosen in 10-90% of
    # replicates: a difference of 25 percentage points (measured se about 4 points).
    scn, mesa, eng = runs
    problems = []
    n_teams = len(scn.org.team_names)

    def chosen(r):
        return np.stack([(r.trained & (scn.org.team == t)).any(axis=1) for t in range(n_teams)], 1)

    a, b = chosen(mesa).astype(float), chosen(eng).astype(float)
    for t, name in enumerate(scn.org.team_names):
        diff, se = welch(a[:, t], b[:, t])
        check(
            name,
            diff,
            se,
            problems,
            f"chosen in {a[:, t].mean():.2f} (Mesa), {b[:, t].mean():.2f} (engine); ",
        )
        if 0.1 <= b[:, t].mean() <= 0.9:
            power_check(name, 1.0, SHARE_SHIFT, se, problems)
    assert not problems, "; ".join(problems)
