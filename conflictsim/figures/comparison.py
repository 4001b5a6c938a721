"""Charts of a comparison: what each option does, what it costs, and what would change it.

The report and the dashboard draw these same charts: each arm's course over time
(``trajectory``), the differences from the reference (``forest``, ``severity``,
``headline``), costs (``costs``), the ripple to untrained colleagues (``ripple``) and the
value of information (``value_of_information``). A table in, a figure out.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from conflictsim.figures.style import PALETTE, band, error_bars, layout
from conflictsim.outcomes import NO_ONE, OUTCOMES
from conflictsim.uncertainty import ALL
from conflictsim.words import interval_in_worlds, money, parameter_labels, rounded


def trajectory(
    data: pd.DataFrame,
    colours: Mapping[str, str],
    *,
    x: str = "week",
    panels: Sequence[tuple[str, str]] | None = None,
    what: str = "conflicts",
    band_words: str = "8 in 10 years",
    x_title: str = "Week",
    y_title: str = "Conflicts per week",
    reference: str | None = None,
) -> go.Figure:
    """Each arm over time: its mean as a line inside a band, a panel per series.

    Args:
        data: ``arm``, the time column ``x``, ``mean``, ``low``, ``high`` (the band) and,
            with ``panels``, ``series``; arms in the order drawn.
        colours: The colour of each arm (``arm_colours``).
        x: The time column (``week`` or ``day``).
        panels: (series, title) of each panel; None: one panel of every row.
        what: What one panel counts, for the hover (one panel only).
        band_words: What the band holds, for the hover.
        x_title: Title of the time axis.
        y_title: Title of the first panel's axis (one panel only).
        reference: The arm drawn thicker (the reference), if any.
    """
    series = list(panels) if panels else [(None, y_title)]
    fig = make_subplots(
        rows=1, cols=len(series), subplot_titles=[t for _, t in series] if panels else None
    )
    for arm in dict.fromkeys(data["arm"]):
        colour = colours[arm]
        shown = False  # each arm once in the legend, from the first panel it is in
        for j, (name, title) in enumerate(series, start=1):
            s = data[(data["arm"] == arm) & ((data["series"] == name) if panels else True)]
            if s.empty:
                continue
            band(fig, s[x], s["low"], s["high"], colour, arm, row=1, col=j)
            unit = title.lower() if panels else what
            fig.add_scatter(
                x=s[x],
                y=s["mean"],
                name=arm,
                legendgroup=arm,
                showlegend=not shown,
                line={"color": colour, "width": 2.5 if arm == reference else 2},
                customdata=np.stack([s["low"], s["high"]], axis=1),
                hovertemplate=f"{x_title.lower()} %{{x}}: %{{y:,.1f}} {unit}"
                f"<br>{band_words}: %{{customdata[0]:,.1f}} to %{{customdata[1]:,.1f}}"
                f"<extra>{arm}</extra>",
                row=1,
                col=j,
            )
            shown = True
    fig.update_xaxes(title=x_title, rangemode="tozero")
    fig.update_yaxes(rangemode="tozero")
    if not panels:
        fig.update_yaxes(title=y_title)
    return layout(fig, height=420 if panels else 380, hovermode="x unified")


def trajectory_by_option(
    data: pd.DataFrame, colours: Mapping[str, str], reference: str, **kwargs
) -> go.Figure:
    """Small multiples of ``trajectory``: a panel per option, each beside the reference.

    Four options in one panel are five overlapping bands; one panel each, with the
    reference repeated in every panel, shows each option's own gap.

    Args:
        data: ``trajectory``'s table (``arm``, the time column, ``mean``, ``low``, ``high``).
        colours: The colour of each arm.
        reference: The arm every panel shows (no training).
        **kwargs: Passed to ``trajectory`` (``x``, ``band_words``, ``x_title``...).
    """
    options = [a for a in dict.fromkeys(data["arm"]) if a != reference]
    base = data[data["arm"] == reference]
    parts = []
    for option in options:
        parts.append(base.assign(series=option))
        parts.append(data[data["arm"] == option].assign(series=option))
    panels = [(o, textwrap.shorten(o, 40, placeholder="...")) for o in options]
    fig = trajectory(
        pd.concat(parts, ignore_index=True), colours, panels=panels, reference=reference, **kwargs
    )
    fig.update_yaxes(matches="y")  # the same scale in every panel, so gaps compare
    fig.update_yaxes(title=kwargs.get("y_title", "Conflicts per week"), row=1, col=1)
    return fig


def ripple(df: pd.DataFrame, colours: Mapping[str, str]) -> go.Figure:
    """The ripple: how much less conflict untrained colleagues have, by distance to a trainee.

    Args:
        df: ``arm, distance, fewer, fewer_pct, fewer_pct_low, fewer_pct_high``: conflicts
            among untrained colleagues avoided (against the same people in the reference
            arm), as a share of theirs there with its 95% interval; ``fewer`` is NaN for a
            class nobody is in, which is drawn as no bar and hovers in words.
        colours: The colour of each arm.
    """
    fig = go.Figure()
    numbers = (
        "%{x}: %{y:.1f}% fewer conflicts"
        "<br>95% interval %{customdata[0]:.1f}% to %{customdata[1]:.1f}%"
    )
    for arm, g in df.groupby("arm", sort=False):
        # A class nobody is in (no change at all: NaN, not 0) hovers its words from the
        # one vocabulary, not "NaN%".
        empty = g["fewer"].isna() if "fewer" in g else pd.Series(False, index=g.index)
        fig.add_bar(
            x=g["distance"],
            y=np.nan_to_num(g["fewer_pct"].to_numpy(float)),
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
                f"%{{x}}: {NO_ONE}<extra>{arm}</extra>" if e else f"{numbers}<extra>{arm}</extra>"
                for e in empty
            ],
        )
    fig.add_hline(y=0, line_color="#333", line_width=1)
    fig.update_yaxes(title="Fewer conflicts than without training (%)", ticksuffix="%")
    fig.update_xaxes(title="Distance to the nearest trainee")
    return layout(fig, barmode="group")


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
        data: ``Comparison.wide`` columns: ``arm``, ``training_cost`` (the extra cost of
            training), ``cost_conflict_avoided``, ``net_benefit`` and, if given,
            ``net_benefit_cash``, each with ``_ci_low`` and ``_ci_high``.
    """
    fig = go.Figure()
    fig.add_bar(
        x=data["arm"], y=data["training_cost"], name="cost of training", marker_color="#7f7f7f"
    )
    for name, label, colour in (
        ("cost_conflict_avoided", "conflict cost avoided", "#009E73"),
        ("net_benefit", "net benefit", "#0072B2"),
        ("net_benefit_cash", "of it in cash", "#CC79A7"),
    ):
        if name not in data:
            continue
        fig.add_bar(
            x=data["arm"],
            y=data[name],
            name=label,
            marker_color=colour,
            error_y=error_bars(data[name], data[f"{name}_ci_low"], data[f"{name}_ci_high"]),
        )
    fig.update_layout(barmode="group", height=420, yaxis_title="currency of wage", margin={"t": 30})
    return fig


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
    layout(fig, height=420, barmode="group", bargap=0.25)
    # Below the panels, so the legend does not cover their titles.
    fig.update_layout(legend={"y": -0.08, "yanchor": "top"}, margin={"b": 40, "t": 60})
    return fig


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
                    hovertemplate=f"{rounded(m)} ({interval_in_worlds(low, high)})"
                    f"<extra>{r.arm}</extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_vline(x=0, line_color="#333", line_width=1, row=1, col=col)
    fig.update_yaxes(autorange="reversed")
    return layout(fig, height=120 + 45 * len(df))


VOI_TITLE = "What would change the answer: what knowing each uncertain quantity for sure is worth"


VOI_COLOURS = {"bar": "#0072B2", "evpi": "#D55E00"}


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
    layout(fig, height=160 + 45 * max(len(shown), 1), showlegend=False)
    fig.update_layout(title={"text": VOI_TITLE, "font": {"size": 15}}, margin={"t": 70})
    return fig
