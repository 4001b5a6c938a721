"""Charts of a calibration: each parameter's prior against its posterior, and the fit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflictsim.figures.style import (
    FIT_COLOURS,
    POSTERIOR_COLOUR,
    PRIOR_COLOUR,
    error_bars,
    layout,
    rgba,
)


def _panel_grid(n: int, cols: int = 3) -> tuple[int, int]:
    """Rows and columns of a grid of ``n`` panels, at most ``cols`` wide."""
    cols = max(1, min(cols, n))
    return -(-n // cols), cols


def _log_ticks(low: float, high: float) -> list[float]:
    """Ticks at 1, 2 and 5 times the powers of ten from ``low`` to ``high``, ends included."""
    ticks = [
        m * 10.0**k
        for k in range(int(np.floor(np.log10(low))), int(np.ceil(np.log10(high))) + 1)
        for m in (1, 2, 5)
    ]
    inside = [t for t in ticks if low * (1 + 1e-9) < t < high * (1 - 1e-9)]
    return [low, *inside, high]


def prior_posterior(densities: pd.DataFrame, summary: pd.DataFrame) -> go.Figure:
    """Each calibrated parameter's prior and posterior on the same bins, a panel each.

    Args:
        densities: One row per parameter and bin: ``parameter``, ``scale`` (``linear``
            or ``log``, the prior's own scale), ``left``, ``right`` (the bin's ends),
            ``prior`` (the prior's probability of the bin) and ``posterior`` (the share
            of parameter sets in it); parameters in the order drawn.
        summary: ``Calibration.summary()``: ``parameter``, ``median``, ``low``, ``high``.
    """
    names = list(dict.fromkeys(densities["parameter"]))
    rows, cols = _panel_grid(len(names))
    fig = make_subplots(
        rows=rows, cols=cols, subplot_titles=names, vertical_spacing=0.5 / max(rows, 1) ** 1.2
    )
    s = summary.set_index("parameter")
    for i, name in enumerate(names):
        r, c = i // cols + 1, i % cols + 1
        d = densities[densities["parameter"] == name]
        # Steps over the bins' edges: the last bin's value is repeated to close it.
        edges = np.append(d["left"].to_numpy(float), d["right"].to_numpy(float)[-1])
        post = np.append(d["posterior"].to_numpy(float), d["posterior"].to_numpy(float)[-1])
        prior = np.append(d["prior"].to_numpy(float), d["prior"].to_numpy(float)[-1])
        fig.add_scatter(
            x=edges,
            y=post,
            mode="lines",
            line={"shape": "hv", "color": POSTERIOR_COLOUR},
            fill="tozeroy",
            fillcolor=rgba(POSTERIOR_COLOUR, 0.35),
            name="posterior (sets kept)",
            legendgroup="posterior",
            showlegend=i == 0,
            hovertemplate="from %{x:.3g}: %{y:.0%} of the sets<extra>posterior</extra>",
            row=r,
            col=c,
        )
        fig.add_scatter(
            x=edges,
            y=prior,
            mode="lines",
            line={"shape": "hv", "color": PRIOR_COLOUR, "dash": "dash", "width": 2},
            name="prior (before calibration)",
            legendgroup="prior",
            showlegend=i == 0,
            hovertemplate="from %{x:.3g}: %{y:.0%} of the prior<extra>prior</extra>",
            row=r,
            col=c,
        )
        top = 1.08 * max(float(np.nanmax(post)), float(np.nanmax(prior)))
        m, lo, hi = (float(s.loc[name, k]) for k in ("median", "low", "high"))
        # The median and 90% interval as traces, not shapes: they then sit right on log axes.
        fig.add_scatter(
            x=[lo, m, hi],
            y=[top, top, top],
            mode="lines+markers",
            marker={
                "symbol": ["line-ns", "diamond", "line-ns"],
                "size": [12, 10, 12],
                "color": POSTERIOR_COLOUR,
                "line": {"width": 2, "color": POSTERIOR_COLOUR},
            },
            line={"color": POSTERIOR_COLOUR, "width": 2},
            name="median and 90% interval",
            legendgroup="median",
            showlegend=i == 0,
            hovertemplate=f"median {m:.3g}, 90% interval {lo:.3g} to {hi:.3g}<extra></extra>",
            row=r,
            col=c,
        )
        if d["scale"].iloc[0] == "log":
            ticks = _log_ticks(edges[0], edges[-1])
            fig.update_xaxes(
                type="log",
                range=[np.log10(edges[0]), np.log10(edges[-1])],
                tickvals=ticks,
                ticktext=[f"{t:g}" for t in ticks],
                row=r,
                col=c,
            )
        else:
            fig.update_xaxes(range=[edges[0], edges[-1]], row=r, col=c)
        fig.update_yaxes(rangemode="tozero", tickformat=".0%", row=r, col=c)
    height, top_margin = 80 + 260 * rows, 90
    fig.update_layout(
        height=height,
        margin={"t": top_margin},
        # Above the first row's titles: 45 pixels over the plotting area.
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1 + 45 / (height - top_margin - 80),
            "x": 0,
        },
    )
    return fig


# ---------------------------------------------------------------------------- calibration


def calibration_fit(df: pd.DataFrame) -> go.Figure:
    """Each calibration target: its observed or published interval against the simulations.

    One row per target, each on its own scale: the interval the calibration had to reach
    as a wide grey bar (a diamond at the observed value), and the simulations' 90% range
    as a line with a dot at their mean, blue where the mean is inside the interval and
    orange where it is not.

    Args:
        df: ``conflictsim.calibration.tables.fit_frame``: ``label``, ``source``,
            ``observed``, ``target_low``, ``target_high``, ``simulated``, ``low``,
            ``high``, ``met`` and ``percent`` (a share, drawn as a percentage).
    """
    n = max(len(df), 1)
    fig = make_subplots(
        rows=n, cols=1, subplot_titles=list(df["label"]) or None, vertical_spacing=0.5 / n
    )
    for row, r in enumerate(df.itertuples(), start=1):
        fmt = ".0%" if r.percent else "~.3g"
        colour = FIT_COLOURS["met" if r.met else "missed"]
        fig.add_trace(
            go.Scatter(
                x=[r.target_low, r.target_high],
                y=["Target", "Target"],
                mode="lines",
                line={"color": FIT_COLOURS["target"], "width": 14},
                name="Observed or published interval",
                legendgroup="target",
                showlegend=row == 1,
                hovertemplate=f"%{{x:{fmt}}}<extra>{r.source}</extra>",
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=[r.observed],
                y=["Target"],
                mode="markers",
                marker={"symbol": "diamond", "size": 11, "color": "#333"},
                name="Observed or published value",
                legendgroup="observed",
                showlegend=row == 1,
                hovertemplate=f"%{{x:{fmt}}}<extra>{r.source}</extra>",
            ),
            row=row,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=[r.simulated],
                y=["Simulated"],
                mode="markers",
                marker={"size": 10, "color": colour},
                error_x=error_bars([r.simulated], [r.low], [r.high], color=colour, width=6),
                name="Simulated: mean and 90% range",
                legendgroup="simulated",
                showlegend=row == 1,
                hovertemplate=f"mean %{{x:{fmt}}}, 90% of simulations {r.low:{fmt[-3:]}} "
                f"to {r.high:{fmt[-3:]}}<extra>{'met' if r.met else 'missed'}</extra>",
            ),
            row=row,
            col=1,
        )
        fig.update_xaxes(tickformat=fmt, row=row, col=1)
        fig.update_yaxes(categoryorder="array", categoryarray=["Simulated", "Target"], row=row)
    height = 90 + 115 * n
    layout(fig, height=height)
    # Room for the legend above the first target's title.
    fig.update_layout(margin={"t": 70}, legend={"y": 1 + 34 / (height - 80)})
    return fig
