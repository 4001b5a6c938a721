"""conflictsim.figures.network: each builder draws its table, checked without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim import figures
from conflictsim.planner.plan import Plan, build_org
from conflictsim.planner.spread import spread


def test_network_and_heatmap_draw_one_simulated_period():
    plan = Plan(size=40, days=20, replicates=2)
    org = build_org(plan)
    sp = spread(plan, org, arm=1)
    fig = figures.network(sp.org, sp.positions, sp.state, sp.trained)
    slider = fig.layout.sliders[0]
    first = int(slider.steps[slider.active].label)  # it opens on the busiest day
    assert sp.upset()[first] == sp.upset().max()
    np.testing.assert_array_equal(fig.data[1].marker.color, sp.state[first])
    assert len(fig.frames) == plan.days + 1
    heat = figures.heatmap(sp.team_weekly)
    assert np.nansum(heat.data[0].z) == sp.team_weekly["conflicts"].sum()
    assert len(heat.data[0].y) == sp.team_weekly["team"].nunique()


def test_heatmap_sorts_teams_naturally():
    df = pd.DataFrame(
        {
            "department": ["D1"] * 3,
            "team": ["T10", "T2", "T1"],
            "week": [1, 1, 1],
            "conflicts": [3, 2, 1],
        }
    )
    assert list(figures.heatmap(df).data[0].y) == ["T1 (D1)", "T2 (D1)", "T10 (D1)"]
