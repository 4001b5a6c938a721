"""The best plan for a budget: the plans' net benefit over worlds, and the frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from conflictsim.figures.style import PALETTE, error_bars, layout
from conflictsim.words import money, money_unit, rounded


def plan_net_benefit(table: pd.DataFrame, currency: str = "") -> go.Figure:
    """Each plan's expected net benefit with the middle 90% of worlds; the best on top.

    Args:
        table: ``Plans.table`` (``plan``, ``net_benefit``, ``ui_low``, ``ui_high``,
            ``p_pays``).
        currency: The currency's name, if any.
    """
    t = table.iloc[::-1]  # Plotly draws the first row at the bottom
    colours = [PALETTE[0] if i else PALETTE[1] for i in range(len(table))][::-1]
    fig = go.Figure(
        go.Scatter(
            x=t["net_benefit"],
            y=t["plan"],
            mode="markers",
            marker={"size": 12, "color": colours},
            error_x=error_bars(t["net_benefit"], t["ui_low"], t["ui_high"], color="#555"),
            customdata=np.stack([t["ui_low"], t["ui_high"]], axis=1),
            hovertemplate="%{y}<br>expected %{x:,.0f}<br>9 of 10 worlds: "
            "%{customdata[0]:,.0f} to %{customdata[1]:,.0f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": "#333", "width": 1})
    layout(fig, height=140 + 45 * len(table), showlegend=False)
    fig.update_xaxes(title=f"Net benefit over the period ({money_unit(currency)})")
    fig.update_yaxes(automargin=True)
    return fig


def frontier(front: pd.DataFrame, recommended: str = "", currency: str = "") -> go.Figure:
    """Cost against conflicts avoided: the plans no cheaper plan beats, joined in order.

    Args:
        front: ``Plans.frontier`` (``plan``, ``cost``, ``conflicts_avoided``, ``worlds``).
        recommended: The recommended plan, marked if it is on the frontier.
        currency: The currency's name, if any.
    """
    mine = front["plan"] == recommended
    fig = go.Figure()
    fig.add_scatter(
        x=front["cost"],
        y=front["conflicts_avoided"],
        mode="lines+markers",
        line={"color": PALETTE[0], "shape": "hv"},
        marker={"size": 9, "color": PALETTE[0]},
        text=front["plan"],
        hovertemplate="%{text}<br>cost %{x:,.0f}<br>%{y:,.0f} conflicts avoided<extra></extra>",
        name="Frontier",
    )
    if mine.any():
        r = front[mine].iloc[0]
        fig.add_scatter(
            x=[r["cost"]],
            y=[r["conflicts_avoided"]],
            mode="markers+text",
            marker={"size": 15, "color": PALETTE[1], "symbol": "star"},
            text=[
                f"Recommended: {money(r['cost'], currency, exact=False)}, "
                f"{rounded(r['conflicts_avoided'])} avoided"
            ],
            textposition="middle left",
            hoverinfo="skip",
            name="Recommended",
        )
    layout(fig, height=380, showlegend=False)
    fig.update_xaxes(title=f"Cost of training ({money_unit(currency)})", rangemode="tozero")
    fig.update_yaxes(title="Conflicts avoided (expected)", rangemode="tozero")
    return fig
