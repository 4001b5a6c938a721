"""Charts of one simulated period on the contact network: the animation and the heatmap.

``network`` draws every employee at a position (teams grouped), coloured by state day by
day, with a play button and a day slider; ``heatmap`` draws conflicts per team and week.
Both take plain arrays and tables (``planner.spread`` computes them).
"""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from conflictsim.figures.style import FONT, STATE_COLOURS, layout
from conflictsim.organisation import Organisation
from conflictsim.words import natural_key

#: Most frames in the network animation (longer periods show every k-th day).
MAX_FRAMES = 260
#: The states in the legend, in words, with their marker.
LEGEND = (
    ("composed", STATE_COLOURS[0], "circle"),
    ("upset", STATE_COLOURS[1], "circle"),
    ("absent", STATE_COLOURS[2], "circle"),
    ("empty post (someone quit)", STATE_COLOURS[3], "circle"),
    ("trained", "#111", "circle-open"),
)
#: How the animation plays: frames only restyle the markers, so no redraw.
_PLAY = {"frame": {"duration": 120, "redraw": False}, "transition": {"duration": 0},
         "mode": "immediate"}  # fmt: skip
_STILL = {"frame": {"duration": 0, "redraw": False}, "mode": "immediate"}


def network(
    org: Organisation,
    positions: np.ndarray,
    state: np.ndarray,
    trained: np.ndarray,
    edges_limit: int = 6000,
) -> go.Figure:
    """One simulated period on the contact network, with a play button and a day slider.

    Args:
        org: The organisation (its ties, teams and managers).
        positions: Drawing position of each employee, shape (size, 2).
        state: State code of each employee each day, shape (days + 1, size): 0
            composed, 1 upset, 2 absent, 3 empty post.
        trained: Whether each employee had been trained by each day, same shape.
        edges_limit: Most ties drawn (a fixed sample of them beyond it).
    """
    trained = np.asarray(trained, dtype=bool)
    days = state.shape[0] - 1
    step = max(1, int(np.ceil((days + 1) / MAX_FRAMES)))
    shown = list(range(0, days + 1, step))
    if shown[-1] != days:
        shown.append(days)
    upset = (state == 1).sum(axis=1)
    # Open on the busiest day, so the picture says something before Play is pressed.
    first = shown[int(np.argmax(upset[shown]))]
    size = 9 if org.size <= 300 else (6 if org.size <= 1000 else 4)
    fig = go.Figure(
        data=[
            _ties(org, positions, edges_limit),
            _employees(org, positions, state[first], size),
            _trained(positions, trained[first], size),
        ]
    )
    if len(org.team_names) <= 60:  # team names while there is room for them
        fig.add_trace(_team_names(org, positions))
    for label, colour, symbol in LEGEND:
        # Empty traces, so that the legend explains the colours in words.
        fig.add_scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=label,
            marker={"color": colour, "symbol": symbol, "size": 11,
                    "line": {"color": "#555", "width": 1}},
        )  # fmt: skip
    # Frames carry only what changes (the colours, who is trained), so that a year of
    # days stays a small page and quick to build: Plotly merges them into the traces.
    fig.frames = [
        go.Frame(
            data=[
                {"marker.color": state[d]},
                {"x": positions[trained[d], 0], "y": positions[trained[d], 1]},
            ],
            traces=[1, 2],
            name=str(d),
            layout={"title.text": f"Day {d}: {upset[d]} upset"},
        )
        for d in shown
    ]
    fig.update_layout(
        title={"text": f"Day {first}: {upset[first]} upset (the busiest day)", "x": 0.01},
        xaxis={"visible": False},
        yaxis={"visible": False, "scaleanchor": "x"},
        plot_bgcolor="white",
        height=560,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0.35},
        font=FONT,
        updatemenus=[_buttons(shown)],
        sliders=[_slider(shown, first)],
    )
    return fig


def _ties(org: Organisation, pos: np.ndarray, limit: int) -> go.Scatter:
    """Every tie as a segment, in one trace; very large graphs show a fixed sample."""
    src, dst = org.edge_src, org.edge_dst
    if src.size > limit:
        keep = np.linspace(0, src.size - 1, limit).astype(int)
        src, dst = src[keep], dst[keep]
    gap = np.full(src.size, np.nan)
    return go.Scatter(
        x=np.column_stack([pos[src, 0], pos[dst, 0], gap]).ravel(),
        y=np.column_stack([pos[src, 1], pos[dst, 1], gap]).ravel(),
        mode="lines",
        line={"color": "rgba(120,120,120,0.18)", "width": 0.7},
        hoverinfo="skip",
        showlegend=False,
    )


def _employees(org: Organisation, pos: np.ndarray, state: np.ndarray, size: int) -> go.Scatter:
    """A marker per employee, coloured by state (the frames restyle the colours)."""
    teams = np.asarray(org.team_names, dtype=object)[org.team]
    hover = [
        f"{i} · team {t}" + (" · manager" if m else "")
        for i, t, m in zip(org.ids, teams, org.is_manager, strict=True)
    ]
    # A stepped colour scale: state k (0-3) gets exactly colour k.
    scale = [x for k, c in enumerate(STATE_COLOURS) for x in ([k / 4, c], [(k + 1) / 4, c])]
    return go.Scatter(
        x=pos[:, 0],
        y=pos[:, 1],
        mode="markers",
        marker={"color": state, "cmin": -0.5, "cmax": 3.5, "colorscale": scale, "size": size,
                "line": {"color": "#555", "width": 0.6}},
        text=hover,
        hovertemplate="%{text}<extra></extra>",
        name="employees",
        showlegend=False,
    )  # fmt: skip


def _trained(pos: np.ndarray, trained: np.ndarray, size: int) -> go.Scatter:
    """A ring around each employee trained so far."""
    return go.Scatter(
        x=pos[trained, 0],
        y=pos[trained, 1],
        mode="markers",
        marker={"symbol": "circle-open", "size": size + 7, "color": "#111", "line": {"width": 2}},
        hoverinfo="skip",
        name="trained",
        showlegend=False,
    )


def _team_names(org: Organisation, pos: np.ndarray) -> go.Scatter:
    """Each team's name under its circle of employees."""
    n = len(org.team_names)
    centre = np.array([pos[org.team == t].mean(axis=0) for t in range(n)])
    low = np.array([pos[org.team == t, 1].min() for t in range(n)])
    return go.Scatter(
        x=centre[:, 0],
        y=low - 0.08,
        mode="text",
        # Long names wrap rather than being cut short.
        text=["<br>".join(textwrap.wrap(str(t), 16)) or str(t) for t in org.team_names],
        textposition="bottom center",
        textfont={"size": 11, "color": "#666"},
        hoverinfo="skip",
        showlegend=False,
    )


def _buttons(shown: list[int]) -> dict:
    """Play from day 0, and pause."""
    return {
        "type": "buttons",
        "direction": "left",
        "x": 0.0,
        "y": -0.02,
        "xanchor": "left",
        "yanchor": "top",
        "pad": {"r": 10, "t": 10},
        "buttons": [
            {"label": "▶ Play from day 0", "method": "animate",
             "args": [[str(d) for d in shown], _PLAY]},
            {"label": "❚❚ Pause", "method": "animate", "args": [[None], _STILL]},
        ],
    }  # fmt: skip


def _slider(shown: list[int], first: int) -> dict:
    """A day slider, at the day first shown."""
    return {
        "active": shown.index(first),
        "x": 0.3,
        "len": 0.7,
        "y": -0.02,
        "yanchor": "top",
        "currentvalue": {"prefix": "Day ", "font": {"size": 14}},
        "pad": {"t": 10},
        "steps": [
            {"label": str(d), "method": "animate", "args": [[str(d)], _STILL]} for d in shown
        ],
    }


def heatmap(df: pd.DataFrame) -> go.Figure:
    """Conflicts per team and week, teams grouped by department.

    Args:
        df: ``department, team, week, conflicts``.
    """
    wide = df.pivot_table(
        index=["department", "team"], columns="week", values="conflicts", aggfunc="sum"
    )
    wide = wide.loc[sorted(wide.index, key=lambda dt: (natural_key(dt[0]), natural_key(dt[1])))]
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
    return layout(fig, height=min(1200, 160 + 16 * len(labels)))
