"""conflictsim.planner.spread: one run, person by person, and the team layout."""

from __future__ import annotations

import numpy as np
import pytest

import conflictsim as cs
from conflictsim.planner.plan import Plan, build_org
from conflictsim.planner.spread import STATES, spread, team_layout


def test_spread_records_every_employee_every_day():
    plan = Plan(size=50, days=40, replicates=2)
    org = build_org(plan)
    sp = spread(plan, org, arm=1, replicate=0)
    assert sp.state.shape == sp.trained.shape == (41, 50)
    assert set(np.unique(sp.state)) <= set(STATES)
    # The upset dots are the upset employees who are at work.
    assert ((sp.state == 1).sum(axis=1) <= sp.daily["upset"].to_numpy()).all()
    # Trainees stay marked once trained; managers are the target here.
    assert (np.diff(sp.trained.astype(int), axis=0) >= 0).all()
    assert sp.trained[-1].sum() == sp.trained[1].sum() > 0
    assert set(np.flatnonzero(sp.trained[-1])) <= set(np.flatnonzero(org.is_manager))
    # Each conflict counts once in each party's team.
    assert sp.team_weekly["conflicts"].sum() == 2 * sp.daily["conflicts"].iloc[1:].sum()
    assert sp.arm == plan.arm_names()[1]
    frame = sp.frame(every=10)
    assert list(frame.columns) == ["day", "employee_id", "team", "state", "trained"]
    assert len(frame) == 5 * 50
    with pytest.raises(ValueError, match="arm must be from 0 to 2"):
        spread(plan, org, arm=3)


def test_team_layout_puts_teams_apart_and_managers_in_the_middle():
    org = cs.Organisation.generate(size=64, preset="office", seed=2)
    pos = team_layout(org)
    assert pos.shape == (64, 2) and np.isfinite(pos).all()
    assert len({tuple(p) for p in np.round(pos, 6)}) == 64
    for t in range(len(org.team_names)):
        members = np.flatnonzero(org.team == t)
        centre = pos[members].mean(axis=0)
        assert np.abs(pos[members] - centre).max() < 0.5
