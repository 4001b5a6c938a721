"""Plotly figures shared by the report and the dashboard: a table in, a figure out.

Each builder draws a table computed elsewhere (``conflictsim.report`` for a batch run,
``conflictsim.planner`` for the dashboard) and returns a ``plotly.graph_objects.Figure``;
nothing here reads files or session state, so every figure is tested without a browser.
The report and the dashboard share the band, error-bar and colour helpers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflictsim.outcomes import NO_ONE, OUTCOMES
from conflictsim.planner.spread import Spread
from conflictsim.planner.words import BASELINE
from conflictsim.uncertainty import ALL
from conflictsim.words import money, natural_key, parameter_labels, rounded

# ---------------------------------------------------------------------------- colours
#: Colours of the report's arms, reference first (Plotly's qualitative default).
PALETTE = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#9467bd",
    "#ff7f0e",
    "#17becf",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
)
#: Colours of the dashboard's arms: no training in grey, options A-D in colour-blind-safe
#: hues (Okabe & Ito).
ARM_COLOURS = ("#7f7f7f", "#0072B2", "#E69F00", "#009E73", "#CC79A7")
#: Colours of the states in the network view (composed, upset, absent, empty post).
STATE_COLOURS = ["#9ecae1", "#d62728", "#bdbdbd", "#ffffff"]
#: Font of the dashboard's charts.
FONT = {"size": 14}
#: Most frames in the network animation (longer periods show every k-th day).
MAX_FRAMES = 260


def arm_colours(arms: Sequence[str], palette: Sequence[str] = ARM_COLOURS) -> dict[str, str]:
    """The colour of each arm, in order, the same on every chart."""
    return {arm: palette[i % len(palette)] for i, arm in enumerate(arms)}


def rgba(hex_colour: str, alpha: float) -> str:
    """``#1f77b4`` with transparency ``alpha`` as a CSS ``rgba(...)``."""
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


# ---------------------------------------------------------------------------- helpers
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


def _band(fig: go.Figure, x, low, high, colour: str, group: str, **where) -> None:
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


def _planner_layout(fig: go.Figure, height: int = 380, **kwargs) -> go.Figure:
    """The dashboard's layout: tight margins, large type, the legend on top."""
    fig.update_layout(
        height=height,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font=FONT,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        hoverlabel={"font_size": 13},
        **kwargs,
    )
    return fig


# ---------------------------------------------------------------------------- report
def trajectories(data: pd.DataFrame, series: Sequence[tuple[str, str]]) -> go.Figure:
    """Daily trajectories of each arm: a panel per series, a mean line and a 5-95% band.

    Args:
        data: ``arm, series, day, mean, p05, p95``; arms in the order drawn.
        series: (column, title) of each panel.
    """
    fig = make_subplots(rows=1, cols=len(series), subplot_titles=[lab for _, lab in series])
    arms = list(dict.fromkeys(data["arm"]))
    for arm, colour in arm_colours(arms, PALETTE).items():
        for j, (col, _) in enumerate(series, start=1):
            s = data[(data["arm"] == arm) & (data["series"] == col)]
            _band(fig, s["day"], s["p05"], s["p95"], colour, arm, row=1, col=j)
            fig.add_scatter(
                x=s["day"],
                y=s["mean"],
                name=arm,
                line={"color": colour, "width": 2},
                legendgroup=arm,
                showlegend=j == 1,
                row=1,
                col=j,
            )
    fig.update_xaxes(title_text="working day")
    fig.update_layout(height=420, margin={"t": 40})
    return fig


def forest(table: pd.DataFrame, outcomes: Sequence[str]) -> go.Figure:
    """Paired differences from the reference arm: a panel per outcome, a dot per arm.

    Args:
        table: Comparison rows ``arm, outcome, mean, ci_low, ci_high, p_better``.
        outcomes: The outcomes to draw, titled by their ``OUTCOMES`` label.
    """
    fig = make_subplots(
        rows=1,
        cols=len(outcomes),
        shared_yaxes=True,
        subplot_titles=[OUTCOMES[c].label for c in outcomes],
    )
    arms = list(dict.fromkeys(table["arm"]))
    for j, col in enumerate(outcomes, start=1):
        rows = table[table["outcome"] == col].set_index("arm").reindex(arms)
        fig.add_scatter(
            x=rows["mean"],
            y=arms,
            mode="markers",
            marker={
                "size": 10,
                "color": [PALETTE[(i + 1) % len(PALETTE)] for i in range(len(arms))],
            },
            error_x=error_bars(rows["mean"], rows["ci_low"], rows["ci_high"]),
            customdata=np.stack([rows["ci_low"], rows["ci_high"], rows["p_better"]], axis=1),
            hovertemplate="%{y}: %{x:,.1f} (95% interval %{customdata[0]:,.1f} to "
            "%{customdata[1]:,.1f}); P(better) %{customdata[2]:.2f}<extra></extra>",
            showlegend=False,
            row=1,
            col=j,
        )
        fig.add_vline(x=0, line={"color": "#888", "dash": "dot"}, row=1, col=j)
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(height=120 + 60 * len(arms), margin={"t": 40})
    return fig


def costs(data: pd.DataFrame) -> go.Figure:
    """Training cost, conflict cost avoided and net benefit (in all and in cash) per arm.

    With 95% intervals of the means. The return on investment is not drawn: a ratio on a
    bar without its interval reads as a promise (the report's table gives it with both).

    Args:
        data: ``arm, training_cost, conflict_cost_avoided, avoided_ci_low, avoided_ci_high,
            net_benefit, net_ci_low, net_ci_high`` and, if given, ``net_benefit_cash,
            cash_ci_low, cash_ci_high``.
    """
    fig = go.Figure()
    fig.add_bar(
        x=data["arm"], y=data["training_cost"], name="cost of training", marker_color="#7f7f7f"
    )
    fig.add_bar(
        x=data["arm"],
        y=data["conflict_cost_avoided"],
        name="conflict cost avoided",
        marker_color="#2ca02c",
        error_y=error_bars(
            data["conflict_cost_avoided"], data["avoided_ci_low"], data["avoided_ci_high"]
        ),
    )
    fig.add_bar(
        x=data["arm"],
        y=data["net_benefit"],
        name="net benefit",
        marker_color="#1f77b4",
        error_y=error_bars(data["net_benefit"], data["net_ci_low"], data["net_ci_high"]),
    )
    if "net_benefit_cash" in data:
        fig.add_bar(
            x=data["arm"],
            y=data["net_benefit_cash"],
            name="of it in cash",
            marker_color="#9467bd",
            error_y=error_bars(data["net_benefit_cash"], data["cash_ci_low"], data["cash_ci_high"]),
        )
    fig.update_layout(barmode="group", height=420, yaxis_title="currency of wage", margin={"t": 30})
    return fig


def ripple_change(data: pd.DataFrame) -> go.Figure:
    """Change in the untrained's conflicts by distance class, a bar group per arm.

    Args:
        data: ``arm, distance, change, reference_conflicts, change_pct, pct_ci_low,
            pct_ci_high``; arms in the order drawn.
    """
    fig = go.Figure()
    for i, arm in enumerate(dict.fromkeys(data["arm"])):
        s = data[data["arm"] == arm]
        fig.add_bar(
            x=s["distance"],
            y=s["change_pct"],
            name=arm,
            marker_color=PALETTE[(i + 1) % len(PALETTE)],
            error_y=error_bars(s["change_pct"], s["pct_ci_low"], s["pct_ci_high"]),
            customdata=np.stack([s["change"], s["reference_conflicts"]], axis=1),
            hovertemplate="%{x}: %{y:+.1f}% (%{customdata[0]:+,.1f} of "
            "%{customdata[1]:,.1f} conflicts)<extra>" + arm + "</extra>",
        )
    fig.update_layout(
        barmode="group",
        height=400,
        yaxis_title="change in their conflicts (%)",
        xaxis_title="ties to the nearest trainee",
        margin={"t": 30},
    )
    return fig


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


# ---------------------------------------------------------------------------- calibration
#: Colours of the prior and posterior panels.
PRIOR_COLOUR, POSTERIOR_COLOUR = "#7f7f7f", "#1f77b4"


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


# ---------------------------------------------------------------------------- dashboard
def trajectory(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Conflicts per week: a line per arm (mean) with a band (middle 80% of years)."""
    fig = go.Figure()
    for arm, g in df.groupby("arm", sort=False):
        c = colours[arm]
        _band(fig, g["week"], g["low"], g["high"], c, arm)
        fig.add_trace(
            go.Scatter(
                x=g["week"],
                y=g["mean"],
                name=arm,
                legendgroup=arm,
                line={"color": c, "width": 2.5 if arm == BASELINE else 2},
                customdata=np.stack([g["low"], g["high"]], axis=1),
                hovertemplate="week %{x}: %{y:.0f} conflicts"
                "<br>8 in 10 years: %{customdata[0]:.0f} to %{customdata[1]:.0f}"
                f"<extra>{arm}</extra>",
            )
        )
    fig.update_xaxes(title="Week", rangemode="tozero")
    fig.update_yaxes(title="Conflicts per week", rangemode="tozero")
    return _planner_layout(fig, hovermode="x unified")


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
    _planner_layout(fig, height=420, barmode="group", bargap=0.25)
    # Below the panels, so the legend does not cover their titles.
    fig.update_layout(legend={"y": -0.08, "yanchor": "top"}, margin={"b": 40, "t": 60})
    return fig


def ripple(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """The ripple: % fewer conflicts for untrained colleagues by distance to a trainee."""
    fig = go.Figure()
    for arm, g in df.groupby("arm", sort=False):
        y = g["fewer_pct"].to_numpy(float)
        numbers = (
            "%{x}: %{y:.1f}% fewer conflicts"
            "<br>95% interval %{customdata[0]:.1f}% to %{customdata[1]:.1f}%"
        )
        # A class nobody is in (no change at all: NaN, not 0) hovers its words from the
        # one vocabulary, not "NaN%".
        empty = g["fewer"].isna() if "fewer" in g else pd.Series(False, index=g.index)
        notes = [NO_ONE if e else "" for e in empty]
        fig.add_trace(
            go.Bar(
                x=g["distance"],
                y=np.nan_to_num(y),
                name=arm,
                marker_color=colours[arm],
                error_y=error_bars(
                    g["fewer_pct"],
                    g["fewer_pct_low"],
                    g["fewer_pct_high"],
                    fill_missing=True,
                    color="#333",
                    thickness=1.2,
                ),
                customdata=np.stack([g["fewer_pct_low"], g["fewer_pct_high"]], axis=1),
                hovertemplate=[
                    f"%{{x}}: {note}<extra>{arm}</extra>"
                    if note
                    else f"{numbers}<extra>{arm}</extra>"
                    for note in notes
                ],
            )
        )
    fig.add_hline(y=0, line_color="#333", line_width=1)
    fig.update_yaxes(title="Fewer conflicts than without training (%)", ticksuffix="%")
    return _planner_layout(fig, barmode="group")


def headline(df: pd.DataFrame, colours: dict[str, str]) -> go.Figure:
    """Conflicts avoided and net benefit per option, side by side.

    Expected values over the plausible worlds, with the range 9 in 10 of them fall in
    (``_ui_low``, ``_ui_high`` of ``PlanResults.headlines``).
    """
    fig = make_subplots(
        rows=1,
        cols=2,
        subplot_titles=[
            "Conflicts avoided (9 in 10 plausible worlds)",
            "Net benefit (9 in 10 plausible worlds)",
        ],
        horizontal_spacing=0.12,
    )
    for col, (mid, lo, hi) in enumerate(
        [
            ("conflicts_avoided", "conflicts_avoided_ui_low", "conflicts_avoided_ui_high"),
            ("net_benefit", "net_benefit_ui_low", "net_benefit_ui_high"),
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
                    hovertemplate=f"{rounded(m)} ({rounded(low)} to "
                    f"{rounded(high)} in 9 of 10 plausible worlds)"
                    f"<extra>{r.arm}</extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_vline(x=0, line_color="#333", line_width=1, row=1, col=col)
    fig.update_yaxes(autorange="reversed")
    return _planner_layout(fig, height=120 + 45 * len(df))


# ---------------------------------------------------------------------------- calibration
#: Colours of the calibration fit: the target's interval, and the simulations.
FIT_COLOURS = {"target": "#bdbdbd", "met": "#0072B2", "missed": "#D55E00"}


def calibration_fit(df: pd.DataFrame) -> go.Figure:
    """Each calibration target: its observed or published interval against the simulations.

    One row per target, each on its own scale: the interval the calibration had to reach
    as a wide grey bar (a diamond at the observed value), and the simulations' 90% range
    as a line with a dot at their mean, blue where the mean is inside the interval and
    orange where it is not.

    Args:
        df: ``conflictsim.planner.baseline.fit_frame``: ``label``, ``source``,
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
    _planner_layout(fig, height=height)
    # Room for the legend above the first target's title.
    fig.update_layout(margin={"t": 70}, legend={"y": 1 + 34 / (height - 80)})
    return fig


# ---------------------------------------------------------------------------- uncertainty
#: Title of the value-of-information chart (and of the sections that show it).
VOI_TITLE = "What would change the answer: what knowing each uncertain quantity for sure is worth"
#: Colours of its bars and of the EVPI line.
VOI_COLOURS = {"bar": "#0072B2", "evpi": "#D55E00"}


def money_text(value: float, currency: str = "") -> str:
    """An amount of money in planners' digits (``rounded``), after its currency if any."""
    text = rounded(value)
    return f"{currency} {text}" if currency and text != "n/a" else text


def value_of_information(
    voi: pd.DataFrame, labels: Mapping[str, str] | None = None, currency: str = ""
) -> go.Figure:
    """What learning each uncertain quantity would be worth: the EVPPIs against the EVPI.

    One horizontal bar per parameter or group (its EVPPI, in money), the largest on top,
    and the EVPI (the worth of knowing everything at once) as a dashed line that no bar
    can pass.

    Args:
        voi: ``Comparison.value_of_information()``: ``parameter``, ``evppi`` and
            a row ``all`` holding the EVPI.
        labels: Names to show for parameters and groups; by default their plain words
            (``conflictsim.words.parameter_label``).
        currency: Shown before each amount and in the axis title (say ``EUR``).
    """
    parts = voi[voi["parameter"] != ALL].sort_values("evppi", ascending=True, kind="stable")
    evpi = voi.loc[voi["parameter"] == ALL, "evppi"]
    names = {**parameter_labels(voi["parameter"]), **(labels or {})}
    shown = [names[p] for p in parts["parameter"]]
    fig = go.Figure()
    # Horizontal bars are drawn from the bottom up, so ascending order puts the largest on top.
    fig.add_bar(
        x=parts["evppi"].to_numpy(float),
        y=shown,
        orientation="h",
        marker_color=VOI_COLOURS["bar"],
        text=[
            "about 0 (chance)" if v <= 2 * se and v > 0 else money(v, currency, exact=False)
            for v, se in zip(
                parts["evppi"], parts["se"] if "se" in parts else [0.0] * len(parts), strict=True
            )
        ],
        textposition="auto",
        name="Knowing this for sure",
        hovertemplate="%{y}: worth %{text}<extra></extra>",
    )
    if len(evpi):
        value = float(evpi.iloc[0])
        fig.add_vline(
            x=value,
            line={"color": VOI_COLOURS["evpi"], "dash": "dash", "width": 2},
            annotation_text=f"Knowing everything: {money(value, currency, exact=False)}",
            annotation_position="top left",
            annotation_font_color=VOI_COLOURS["evpi"],
        )
    unit = f" ({currency})" if currency else ""
    fig.update_xaxes(
        title=f"Expected gain from knowing it before choosing{unit}", rangemode="tozero"
    )
    fig.update_yaxes(categoryorder="array", categoryarray=shown, automargin=True)
    _planner_layout(fig, height=160 + 45 * max(len(shown), 1), showlegend=False)
    fig.update_layout(title={"text": VOI_TITLE, "font": {"size": 15}}, margin={"t": 70})
    return fig


# ---------------------------------------------------------------------------- network


def network(sp: Spread, edges_limit: int = 6000) -> go.Figure:
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
    upset = sp.upset()
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
    return _planner_layout(fig, height=min(1200, 160 + 16 * len(labels)))
