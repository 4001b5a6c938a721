"""The look every chart shares: one palette, the layout, bands and error bars.

The report and the dashboard draw the same charts (``figures.comparison``), so an arm has
the same colour, a band the same meaning and a chart the same type size in both.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import plotly.graph_objects as go

#: Colours of the arms, reference first: no training in grey, then colour-blind-safe hues
#: (Okabe & Ito 2008; Tol's muted hues after the first four).
PALETTE = (
    "#7f7f7f",
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#999933",
    "#882255",
    "#44AA99",
)
#: Colours of the states in the network view (composed, upset, absent, empty post).
STATE_COLOURS = ("#9ecae1", "#d62728", "#bdbdbd", "#ffffff")
#: Colour of a calibration's prior and posterior, and of its fit.
PRIOR_COLOUR, POSTERIOR_COLOUR = "#7f7f7f", "#0072B2"
#: Colours of a calibration's fit: the target's interval, and the simulations' mean
#: inside it or not.
FIT_COLOURS = {"target": "#bdbdbd", "met": "#0072B2", "missed": "#D55E00"}
#: Type size of every chart.
FONT = {"size": 14}


def arm_colours(arms: Sequence[str], palette: Sequence[str] = PALETTE) -> dict[str, str]:
    """The colour of each arm, in order, the same on every chart."""
    return {arm: palette[i % len(palette)] for i, arm in enumerate(arms)}


def rgba(hex_colour: str, alpha: float) -> str:
    """``#1f77b4`` with transparency ``alpha`` as a CSS ``rgba(...)``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def error_bars(mean, low, high, fill_missing: bool = False, **style) -> dict:
    """Plotly error bars from a mean and its interval (``error_x`` or ``error_y``).

    Args:
        mean: The values drawn.
        low: Lower ends of their intervals.
        high: Upper ends.
        fill_missing: Draw no bar (0) where an end is missing, instead of leaving it out.
        **style: Plotly error-bar settings (``color``, ``thickness``).
    """
    m, lo, hi = (np.asarray(x, dtype=float) for x in (mean, low, high))
    up, down = hi - m, m - lo
    if fill_missing:
        up, down = np.nan_to_num(up), np.nan_to_num(down)
    return {"type": "data", "symmetric": False, "array": up, "arrayminus": down, **style}


def band(fig: go.Figure, x, low, high, colour: str, group: str, **where) -> None:
    """A shaded band from ``low`` to ``high`` (upper edge first), without legend or hover."""
    x = np.asarray(x)
    fig.add_scatter(
        x=np.concatenate([x, x[::-1]]),
        y=np.concatenate([np.asarray(high), np.asarray(low)[::-1]]),
        fill="toself",
        fillcolor=rgba(colour, 0.15),
        line={"width": 0},
        hoverinfo="skip",
        showlegend=False,
        legendgroup=group,
        **where,
    )


def layout(fig: go.Figure, height: int = 380, **kwargs) -> go.Figure:
    """The shared layout: tight margins, large type, the legend on top."""
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 13},
        **kwargs,
    )
    return fig
