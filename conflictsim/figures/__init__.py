"""Plotly figures shared by the report and the dashboard: a table in, a figure out.

Each builder draws a table computed elsewhere (``conflictsim.report`` for a batch run,
``conflictsim.planner`` for the dashboard) and returns a ``plotly.graph_objects.Figure``;
nothing here reads files or session state, so every figure is tested without a browser.
One module per job:

- ``style``: the one palette, the shared layout, bands and error bars;
- ``comparison``: an arm's course over time, differences, costs, the ripple and the value
  of information (the report and the dashboard draw the same ones);
- ``design``: a result across a sweep's values, sensitivity indices;
- ``calibration``: priors against posteriors, each target against the simulations;
- ``network``: one simulated period on the contact network, conflicts per team and week;
- ``plans``: the best plan for a budget: plans' net benefit over worlds, the frontier.
"""

from __future__ import annotations

from conflictsim.figures.calibration import calibration_fit, prior_posterior
from conflictsim.figures.comparison import (
    VOI_TITLE,
    costs,
    forest,
    headline,
    ripple,
    severity,
    trajectory,
    trajectory_by_option,
    value_of_information,
)
from conflictsim.figures.design import sensitivity, sweep
from conflictsim.figures.network import heatmap, network
from conflictsim.figures.plans import frontier, plan_net_benefit
from conflictsim.figures.style import (
    FIT_COLOURS,
    PALETTE,
    STATE_COLOURS,
    arm_colours,
    error_bars,
    rgba,
)

__all__ = [
    "FIT_COLOURS",
    "PALETTE",
    "STATE_COLOURS",
    "VOI_TITLE",
    "arm_colours",
    "calibration_fit",
    "costs",
    "error_bars",
    "forest",
    "frontier",
    "headline",
    "heatmap",
    "network",
    "plan_net_benefit",
    "prior_posterior",
    "rgba",
    "ripple",
    "sensitivity",
    "severity",
    "sweep",
    "trajectory",
    "trajectory_by_option",
    "value_of_information",
]
