"""Charts of a design: a result across the swept values, and sensitivity indices."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflictsim.figures.style import PALETTE, error_bars


def sweep(
    data: pd.DataFrame,
    arms: Sequence[str],
    names: Sequence[str],
    ylabel: str,
    first_colour: int = 0,
) -> go.Figure:
    """A result at each design point against each swept parameter, a panel per parameter.

    Args:
        data: One row per arm and design point: ``arm``, ``mean``, optionally ``ci_low``
            and ``ci_high``, and a column per parameter in ``names``.
        arms: The arms to draw, in order.
        names: The swept parameters.
        ylabel: What ``mean`` is.
        first_colour: Index in ``PALETTE`` of the first arm's colour (1 skips the
            reference arm's, when the rows are differences from it).
    """
    fig = make_subplots(rows=1, cols=len(names), shared_yaxes=True, subplot_titles=names)
    for i, arm in enumerate(arms):
        s = data[data["arm"] == arm]
        for j, name in enumerate(names, start=1):
            kw = {}
            if "ci_low" in s:
                kw["error_y"] = error_bars(s["mean"], s["ci_low"], s["ci_high"])
            fig.add_scatter(
                x=s[name],
                y=s["mean"],
                mode="markers",
                name=str(arm),
                legendgroup=str(arm),
                showlegend=j == 1,
                marker={"color": PALETTE[(i + first_colour) % len(PALETTE)]},
                row=1,
                col=j,
                **kw,
            )
    fig.update_yaxes(title_text=ylabel, row=1, col=1)
    fig.update_layout(height=420, margin={"t": 40})
    return fig


def sensitivity(indices: pd.DataFrame) -> go.Figure:
    """Sensitivity indices per parameter: Sobol' S1 and ST, Morris mu* and sigma, or delta.

    Args:
        indices: ``conflictsim.sensitivity.indices``; rows of interactions (``a x b``)
            are left out.
    """
    fig = go.Figure()
    first = indices[~indices["parameter"].str.contains(" x ")]
    if indices["method"].iloc[0] == "delta":
        for col, name in (("delta", "delta (whole distribution)"), ("S1", "first-order S1")):
            fig.add_bar(
                x=first["parameter"],
                y=first[col],
                name=name,
                error_y={"type": "data", "array": first[f"{col}_conf"].to_numpy()},
            )
        fig.update_layout(barmode="group", height=400, yaxis_title="index", margin={"t": 30})
        return fig
    if indices["method"].iloc[0] == "sobol":
        for col, name in (("S1", "first-order S1"), ("ST", "total ST")):
            fig.add_bar(
                x=first["parameter"],
                y=first[col],
                name=name,
                error_y={"type": "data", "array": first[f"{col}_conf"].to_numpy()},
            )
        ytitle = "share of variance"
    else:
        fig.add_bar(
            x=first["parameter"],
            y=first["mu_star"],
            name="mu*",
            error_y={"type": "data", "array": first["mu_star_conf"].to_numpy()},
        )
        fig.add_bar(x=first["parameter"], y=first["sigma"], name="sigma")
        ytitle = "elementary effect"
    fig.update_layout(barmode="group", height=400, yaxis_title=ytitle, margin={"t": 30})
    return fig
