"""The best plan's figures: each plan's net benefit over worlds, and the frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim import figures

TABLE = pd.DataFrame(
    {
        "plan": ["A for 5 managers", "No training", "B for 9 people"],
        "net_benefit": [900.0, 0.0, -300.0],
        "ui_low": [-100.0, 0.0, -900.0],
        "ui_high": [2500.0, 0.0, 400.0],
    }
)
FRONT = pd.DataFrame(
    {
        "plan": ["No training", "B for 9 people", "A for 5 managers"],
        "cost": [0.0, 800.0, 1500.0],
        "conflicts_avoided": [0.0, 3.0, 11.0],
        "worlds": [25, 25, 25],
    }
)


def test_plans_best_on_top_with_their_intervals():
    fig = figures.plan_net_benefit(TABLE, currency="EUR")
    (trace,) = fig.data
    assert list(trace.y) == list(TABLE["plan"][::-1])  # Plotly's first row is the bottom
    np.testing.assert_array_equal(trace.x, TABLE["net_benefit"][::-1])
    np.testing.assert_array_equal(
        trace.error_x.array, (TABLE["ui_high"] - TABLE["net_benefit"])[::-1]
    )
    np.testing.assert_array_equal(
        trace.error_x.arrayminus, (TABLE["net_benefit"] - TABLE["ui_low"])[::-1]
    )
    assert trace.marker.color[-1] != trace.marker.color[0]  # the recommended one stands out
    assert "EUR" in fig.layout.xaxis.title.text


def test_frontier_joins_the_plans_and_marks_the_recommended():
    fig = figures.frontier(FRONT, recommended="A for 5 managers")
    line, star = fig.data
    np.testing.assert_array_equal(line.x, FRONT["cost"])
    np.testing.assert_array_equal(line.y, FRONT["conflicts_avoided"])
    assert (star.x[0], star.y[0]) == (1500.0, 11.0) and "Recommended" in star.text[0]
    assert len(figures.frontier(FRONT, recommended="C, dropped").data) == 1
