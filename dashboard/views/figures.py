"""Plotly figures of the dashboard: each draws a table computed by ``conflictsim.planner``."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflictsim import planner

FONT = {"size": 14}


def _rgba(hex_colour: str, alpha: float) -> str:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(fig: go.Figure, height: int = 380, **kwargs) -> go.Figure:
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 13},
        **kwargs,
    )
    return fig


def trajectory(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Conflicts per week: a line per arm (mean) with a band (middle 80% of years)."""
    fig = go.Figure()
    for arm, g in df.groupby("arm", sort=False):
        c = colours[arm]
        fig.add_trace(
            go.Scatter(
                x=np.concatenate([g["week"], g["week"][::-1]]),
                y=np.concatenate([g["high"], g["low"][::-1]]),
                fill="toself",
                fillcolor=_rgba(c, 0.15),
                line={"width": 0},
                hoverinfo="skip",
                showlegend=False,
                legendgroup=arm,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=g["week"],
                y=g["mean"],
                name=arm,
                legendgroup=arm,
                line={"color": c, "width": 2.5 if arm == planner.BASELINE else 2},
                customdata=np.stack([g["low"], g["high"]], axis=1),
                hovertemplate="week %{x}: %{y:.0f} conflicts"
                "<br>8 in 10 years: %{customdata[0]:.0f} to %{customdata[1]:.0f}"
                f"<extra>{arm}</extra>",
            )
        )
    fig.update_xaxes(title="Week", rangemode="tozero")
    fig.update_yaxes(title="Conflicts per week", rangemode="tozero")
    return _layout(fig, hovermode="x unified")


def severity(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Conflicts by severity: one panel per severity (own scale), a bar per arm.

    Each option's bar is labelled with how many fewer conflicts it has than no training;
    the hover gives that change's 95% interval (paired, year by year), which is what
    decides whether an option really differs.
    """
    levels = list(dict.fromkeys(df["severity"]))
    fig = make_subplots(rows=1, cols=len(levels), subplot_titles=levels)
    for col, level in enumerate(levels, start=1):
        g = df[df["severity"] == level]
        for r in g.itertuples():
            if np.isnan(r.avoided):
                text, extra = "", "no training"
            else:
                text = f"−{r.avoided:.0f}" if r.avoided >= 0 else f"+{-r.avoided:.0f}"
                extra = (
                    f"{r.avoided:.0f} fewer than no training "
                    f"(95% interval {r.avoided_low:.0f} to {r.avoided_high:.0f})"
                )
            fig.add_trace(
                go.Bar(
                    x=[r.arm.split(" · ")[0]],
                    y=[r.mean],
                    name=r.arm,
                    legendgroup=r.arm,
                    showlegend=col == 1,
                    marker_color=colours[r.arm],
                    text=[text],
                    textposition="outside",
                    cliponaxis=False,
                    hovertemplate=f"{level}: %{{y:.0f}} conflicts<br>{extra}<extra>{r.arm}</extra>",
                ),
                row=1,
                col=col,
            )
        fig.update_xaxes(showticklabels=False, row=1, col=col)
        fig.update_yaxes(rangemode="tozero", row=1, col=col)
    fig.update_yaxes(title="Conflicts over the period", row=1, col=1)
    _layout(fig, height=420, barmode="group", bargap=0.25)
    # Below the panels, so the legend does not cover their titles.
    fig.update_layout(legend={"y": -0.08, "yanchor": "top"}, margin={"b": 40, "t": 60})
    return fig


def ripple(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """The ripple: % fewer conflicts for untrained colleagues by distance to a trainee."""
    fig = go.Figure()
    for arm, g in df.groupby("arm", sort=False):
        y = g["fewer_pct"].to_numpy(float)
        fig.add_trace(
            go.Bar(
                x=g["distance"],
                y=np.nan_to_num(y),
                name=arm,
                marker_color=colours[arm],
                error_y={
                    "type": "data",
                    "symmetric": False,
                    "array": np.nan_to_num(g["fewer_pct_high"] - g["fewer_pct"]),
                    "arrayminus": np.nan_to_num(g["fewer_pct"] - g["fewer_pct_low"]),
                    "color": "#333",
                    "thickness": 1.2,
                },
                customdata=np.stack([g["fewer_pct_low"], g["fewer_pct_high"]], axis=1),
                hovertemplate="%{x}: %{y:.1f}% fewer conflicts"
                "<br>95% interval %{customdata[0]:.1f}% to %{customdata[1]:.1f}%"
                f"<extra>{arm}</extra>",
            )
        )
    fig.add_hline(y=0, line_color="#333", line_width=1)
    fig.update_yaxes(title="Fewer conflicts than without training (%)", ticksuffix="%")
    return _layout(fig, barmode="group")


def headline(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Conflicts avoided and net benefit per option, with 95% intervals, side by side."""
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=["Conflicts avoided (95% interval)", "Net benefit (95% interval)"],
        horizontal_spacing=0.12,
    )
    for col, (mid, lo, hi) in enumerate(
        [
            ("conflicts_avoided", "conflicts_avoided_low", "conflicts_avoided_high"),
            ("net_benefit", "net_benefit_low", "net_benefit_high"),
        ],
        start=1,
    ):
        for r in df.itertuples():
            m, low, high = getattr(r, mid), getattr(r, lo), getattr(r, hi)
            fig.add_trace(
                go.Bar(
                    y=[f"Option {r.option}"],
                    x=[m],
                    orientation="h",
                    name=r.arm,
                    showlegend=False,
                    marker_color=colours[r.arm],
                    error_x={
                        "type": "data",
                        "symmetric": False,
                        "array": [max(high - m, 0)],
                        "arrayminus": [max(m - low, 0)],
                        "color": "#333",
                    },
                    hovertemplate=f"{planner.fmt_number(m)} (95% interval "
                    f"{planner.fmt_number(low)} to {planner.fmt_number(high)})"
                    f"<extra>{r.arm}</extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_vline(x=0, line_color="#333", line_width=1, row=1, col=col)
    fig.update_yaxes(autorange="reversed")
    return _layout(fig, height=120 + 45 * len(df))


# ---------------------------------------------------------------------------- network
#: Colours of the states in the network view (composed, upset, absent, empty post).
STATE_COLOURS = ["#9ecae1", "#d62728", "#bdbdbd", "#ffffff"]
#: Most frames in the animation (longer periods show every k-th day).
MAX_FRAMES = 260


def network(sp: planner.Spread, edges_limit: int = 6000) -> go.Figure:
    """One simulated period on the contact network, with a play button and a day slider."""
    org, pos = sp.org, sp.positions
    days = sp.state.shape[0] - 1
    step = max(1, int(np.ceil((days + 1) / MAX_FRAMES)))
    shown = list(range(0, days + 1, step))
    if shown[-1] != days:
        shown.append(days)

    # Ties: one trace of segments; very large graphs show a fixed sample of them.
    src, dst = org.edge_src, org.edge_dst
    if src.size > edges_limit:
        keep = np.linspace(0, src.size - 1, edges_limit).astype(int)
        src, dst = src[keep], dst[keep]
    ex = np.column_stack([pos[src, 0], pos[dst, 0], np.full(src.size, np.nan)]).ravel()
    ey = np.column_stack([pos[src, 1], pos[dst, 1], np.full(src.size, np.nan)]).ravel()

    teams = np.asarray(org.team_names, dtype=object)[org.team]
    hover = [
        f"{i} · team {t}" + (" · manager" if m else "")
        for i, t, m in zip(org.ids, teams, org.is_manager, strict=True)
    ]
    size = 9 if org.size <= 300 else (6 if org.size <= 1000 else 4)
    # A stepped colour scale: state k (0-3) gets exactly colour k.
    colourscale = [x for k, c in enumerate(STATE_COLOURS) for x in ([k / 4, c], [(k + 1) / 4, c])]

    def node_trace(day: int) -> go.Scatter:
        return go.Scatter(
            x=pos[:, 0],
            y=pos[:, 1],
            mode="markers",
            marker={
                "color": sp.state[day],
                "cmin": -0.5,
                "cmax": 3.5,
                "colorscale": colourscale,
                "size": size,
                "line": {"color": "#555", "width": 0.6},
            },
            text=hover,
            hovertemplate="%{text}<extra></extra>",
            name="employees",
            showlegend=False,
        )

    def trained_trace(day: int) -> go.Scatter:
        t = np.flatnonzero(sp.trained[day])
        return go.Scatter(
            x=pos[t, 0],
            y=pos[t, 1],
            mode="markers",
            marker={
                "symbol": "circle-open",
                "size": size + 7,
                "color": "#111",
                "line": {"width": 2},
            },
            hoverinfo="skip",
            name="trained",
            showlegend=False,
        )

    # Open on the busiest day, so the picture says something before Play is pressed.
    upset = (sp.state == 1).sum(axis=1)
    first = shown[int(np.argmax(upset[shown]))]
    fig = go.Figure(
        data=[
            go.Scatter(
                x=ex,
                y=ey,
                mode="lines",
                line={"color": "rgba(120,120,120,0.18)", "width": 0.7},
                hoverinfo="skip",
                showlegend=False,
            ),
            node_trace(first),
            trained_trace(first),
        ]
    )
    # Team names under their circles, while there is room for them.
    n_teams = len(org.team_names)
    if n_teams <= 60:
        centre = np.array([pos[org.team == t].mean(axis=0) for t in range(n_teams)])
        low = np.array([pos[org.team == t, 1].min() for t in range(n_teams)])
        fig.add_trace(
            go.Scatter(
                x=centre[:, 0],
                y=low - 0.08,
                mode="text",
                text=[str(t)[:18] for t in org.team_names],
                textposition="bottom center",
                textfont={"size": 11, "color": "#666"},
                hoverinfo="skip",
                showlegend=False,
            )
        )
    # Legend entries drawn as empty traces, so the legend explains colours in words.
    for label, colour, symbol in (
        ("composed", STATE_COLOURS[0], "circle"),
        ("upset", STATE_COLOURS[1], "circle"),
        ("absent", STATE_COLOURS[2], "circle"),
        ("empty post (someone quit)", STATE_COLOURS[3], "circle"),
        ("trained", "#111", "circle-open"),
    ):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=label,
                marker={
                    "color": colour,
                    "symbol": symbol,
                    "size": 11,
                    "line": {"color": "#555", "width": 1},
                },
            )
        )

    # Frames carry only what changes (the colours, who is trained), so that a year of
    # days stays a small page and quick to build: Plotly merges them into the traces.
    def frame(d: int) -> go.Frame:
        t = np.flatnonzero(sp.trained[d])
        return go.Frame(
            data=[{"marker.color": sp.state[d]}, {"x": pos[t, 0], "y": pos[t, 1]}],
            traces=[1, 2],
            name=str(d),
            layout={"title.text": f"Day {d}: {upset[d]} upset"},
        )

    fig.frames = [frame(d) for d in shown]
    fig.update_layout(
        title={"text": f"Day {first}: {upset[first]} upset (the busiest day)", "x": 0.01},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
        height=560,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.35},
        font=FONT,
        updatemenus=[
            {
                "type": "buttons",
                "direction": "left",
                "x": 0.0,
                "y": -0.02,
                "xanchor": "left",
                "yanchor": "top",
                "pad": {"r": 10, "t": 10},
                "buttons": [
                    {
                        "label": "▶ Play from day 0",
                        "method": "animate",
                        "args": [
                            [str(d) for d in shown],
                            {
                                "frame": {"duration": 120, "redraw": False},
                                "transition": {"duration": 0},
                                "mode": "immediate",
                            },
                        ],
                    },
                    {
                        "label": "❚❚ Pause",
                        "method": "animate",
                        "args": [
                            [None],
                            {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"},
                        ],
                    },
                ],
            }
        ],
        sliders=[
            {
                "active": shown.index(first),
                "x": 0.3,
                "len": 0.7,
                "y": -0.02,
                "yanchor": "top",
                "currentvalue": {"prefix": "Day ", "font": {"size": 14}},
                "pad": {"t": 10},
                "steps": [
                    {
                        "label": str(d),
                        "method": "animate",
                        "args": [
                            [str(d)],
                            {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"},
                        ],
                    }
                    for d in shown
                ],
            }
        ],
    )
    return fig


def heatmap(df: pd.DataFrame) -> go.Figure:
    """Conflicts per team and week, teams grouped by department."""
    wide = df.pivot_table(
        index=["department", "team"], columns="week", values="conflicts", aggfunc="sum"
    )
    wide = wide.loc[sorted(wide.index, key=lambda dt: (_natural(dt[0]), _natural(dt[1])))]
    labels = [f"{t} ({d})" for d, t in wide.index]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=wide.columns,
            y=labels,
            colorscale="Reds",
            colorbar={"title": {"text": "conflicts"}},
            hovertemplate="team %{y}, week %{x}: %{z} conflicts<extra></extra>",
        )
    )
    fig.update_xaxes(title="Week")
    fig.update_yaxes(title="Team (department)", autorange="reversed", tickfont={"size": 11})
    return _layout(fig, height=min(1200, 160 + 16 * len(labels)))


def _natural(text: str) -> tuple:
    """A sort key that puts T2 before T10 (numbers compared as numbers)."""
    import re

    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(text))
    )
