"""conflictsim.figures.comparison: each builder draws its table, checked without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictsim import figures, words
from conflictsim.figures import arm_colours
from conflictsim.planner.words import BASELINE


@pytest.fixture(scope="module")
def weekly() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "arm": [BASELINE] * 3 + ["A. x"] * 3,
            "week": [1, 2, 3] * 2,
            "mean": [5.0, 6.0, 7.0, 4.0, 4.5, 5.0],
            "low": [3.0, 4.0, 5.0, 2.0, 3.0, 3.5],
            "high": [7.0, 8.0, 9.0, 6.0, 6.5, 7.0],
        }
    )


def test_trajectory_draws_a_band_and_a_line_per_arm(weekly):
    colours = figures.arm_colours([BASELINE, "A. x"])
    fig = figures.trajectory(weekly, colours)
    assert len(fig.data) == 4
    band, line = fig.data[0], fig.data[1]
    base = weekly[weekly["arm"] == BASELINE]
    # The band runs along the upper edge, then back along the lower one.
    np.testing.assert_array_equal(band.y[:3], base["high"])
    np.testing.assert_array_equal(band.y[3:], base["low"][::-1])
    assert band.fill == "toself" and band.fillcolor == figures.rgba(colours[BASELINE], 0.15)
    np.testing.assert_array_equal(line.y, base["mean"])
    assert line.name == BASELINE and line.line.color == colours[BASELINE]


def test_trajectory_panels_one_series_each_with_the_band_given():
    data = pd.DataFrame(
        {
            "arm": ["base"] * 4,
            "series": ["conflicts", "conflicts", "upset", "upset"],
            "day": [1, 2, 1, 2],
            "mean": [1.0, 2.0, 3.0, 4.0],
            "low": [0.5, 1.5, 2.5, 3.5],
            "high": [1.5, 2.5, 3.5, 4.5],
        }
    )
    colours = figures.arm_colours(["base"])
    panels = (("conflicts", "per day"), ("upset", "upset"))
    fig = figures.trajectory(data, colours, x="day", panels=panels, reference="base")
    assert len(fig.data) == 4
    np.testing.assert_array_equal(fig.data[0].y[:2], [1.5, 2.5])
    np.testing.assert_array_equal(fig.data[2].y[:2], [3.5, 4.5])
    assert [a.text for a in fig.layout.annotations] == ["per day", "upset"]
    assert fig.data[1].line.color == figures.PALETTE[0] and fig.data[1].line.width == 2.5
    assert fig.data[1].showlegend and not fig.data[3].showlegend  # one legend entry an arm


def _comparison_rows() -> pd.DataFrame:
    rows = []
    for arm, shift in (("deesc", -10.0), ("listen", -4.0)):
        for outcome in ("conflicts", "net_benefit", "cost_training", "cost_conflict", "roi"):
            rows.append(
                {
                    "arm": arm,
                    "outcome": outcome,
                    "mean": shift,
                    "ci_low": shift - 2,
                    "ci_high": shift + 3,
                    "p_better": 0.8,
                }
            )
    return pd.DataFrame(rows)


def test_forest_has_a_panel_per_outcome_titled_from_outcomes():
    table = _comparison_rows()
    fig = figures.forest(table, ["conflicts", "net_benefit"])
    assert [a.text for a in fig.layout.annotations] == ["conflicts", "net benefit"]
    dots = fig.data[0]
    assert list(dots.y) == ["deesc", "listen"]
    np.testing.assert_allclose(dots.x, [-10.0, -4.0])
    np.testing.assert_allclose(dots.error_x.array, [3.0, 3.0])
    np.testing.assert_allclose(dots.error_x.arrayminus, [2.0, 2.0])


def test_costs_draws_the_bars_with_their_intervals_and_no_bare_return():
    data = pd.DataFrame(
        {
            "arm": ["deesc"],
            "training_cost": [100.0],
            "cost_conflict_avoided": [300.0],
            "cost_conflict_avoided_ci_low": [200.0],
            "cost_conflict_avoided_ci_high": [450.0],
            "net_benefit": [200.0],
            "net_benefit_ci_low": [50.0],
            "net_benefit_ci_high": [260.0],
            "roi": [2.0],
        }
    )
    fig = figures.costs(data)
    names = [t.name for t in fig.data]
    assert names == ["cost of training", "conflict cost avoided", "net benefit"]
    net = fig.data[2]
    np.testing.assert_allclose(net.error_y.array, [60.0])
    np.testing.assert_allclose(net.error_y.arrayminus, [150.0])
    # A return is never shown without its interval: the bars carry no ROI text.
    assert all(t.text is None for t in fig.data)
    cash = data.assign(
        net_benefit_cash=[-40.0], net_benefit_cash_ci_low=[-70.0], net_benefit_cash_ci_high=[10.0]
    )
    fig = figures.costs(cash)
    assert [t.name for t in fig.data][-1] == "of it in cash"
    np.testing.assert_allclose(fig.data[-1].y, [-40.0])
    np.testing.assert_allclose(fig.data[-1].error_y.array, [50.0])
    np.testing.assert_allclose(fig.data[-1].error_y.arrayminus, [30.0])


def test_the_ripple_draws_the_percentages():
    planner_rows = pd.DataFrame(
        {
            "arm": ["A. x", "A. x"],
            "distance": ["One step", "Two steps"],
            "fewer_pct": [12.0, np.nan],
            "fewer_pct_low": [2.0, np.nan],
            "fewer_pct_high": [20.0, np.nan],
        }
    )
    fig = figures.ripple(planner_rows, {"A. x": "#0072B2"})
    np.testing.assert_allclose(fig.data[0].y, [12.0, 0.0])  # nobody there: no bar
    np.testing.assert_allclose(fig.data[0].error_y.array, [8.0, 0.0])
    # ... and its hover says why in words (no one there: no change at all, NaN).
    fig = figures.ripple(planner_rows.assign(fewer=[1.0, np.nan]), {"A. x": "#0072B2"})
    assert "fewer conflicts" in fig.data[0].hovertemplate[0]
    assert "no one at this distance" in fig.data[0].hovertemplate[1]
    assert "%{y" not in fig.data[0].hovertemplate[1]


def test_severity_labels_each_option_with_the_change_from_no_training():
    df = pd.DataFrame(
        {
            "arm": [BASELINE, "A. x"],
            "severity": ["Minor", "Minor"],
            "mean": [50.0, 40.0],
            "low": [45.0, 35.0],
            "high": [55.0, 45.0],
            "avoided": [np.nan, 10.0],
            "avoided_low": [np.nan, 6.0],
            "avoided_high": [np.nan, 14.0],
        }
    )
    fig = figures.severity(df, figures.arm_colours([BASELINE, "A. x"]))
    assert [t.text[0] for t in fig.data] == ["", "−10"]
    assert [t.y[0] for t in fig.data] == [50.0, 40.0]


def test_headline_bars_hold_each_figure_and_its_uncertainty_interval():
    df = pd.DataFrame(
        {
            "option": ["A"],
            "arm": ["A. x"],
            "conflicts_avoided": [12.0],
            "conflicts_avoided_ui_low": [4.0],
            "conflicts_avoided_ui_high": [20.0],
            "net_benefit": [-300.0],
            "net_benefit_ui_low": [-900.0],
            "net_benefit_ui_high": [100.0],
        }
    )
    fig = figures.headline(df, {"A. x": "#0072B2"})
    assert [t.x[0] for t in fig.data] == [12.0, -300.0]
    assert fig.data[1].error_x.array == (400.0,) and fig.data[1].error_x.arrayminus == (600.0,)


def test_value_of_information_draws_each_evppi_largest_on_top_and_the_evpi_line():
    voi = pd.DataFrame(
        {
            "parameter": ["trigger", "skill_transfer", "recovery", "training effects", "all"],
            "evppi": [120.0, 900.0, 0.0, 1500.0, 2000.0],
            "share": [0.06, 0.45, 0.0, 0.75, 1.0],
        }
    )
    fig = figures.value_of_information(
        voi, labels={"trigger": "Upsets from outside"}, currency="EUR"
    )
    (bars,) = fig.data
    assert bars.orientation == "h"
    # Drawn bottom up: the last category is on top, so values rise along the bars.
    np.testing.assert_array_equal(bars.x, [0.0, 120.0, 900.0, 1500.0])
    assert list(bars.y) == [
        words.parameter_label("recovery"),
        "Upsets from outside",  # the label given wins over the plain words
        words.parameter_label("skill_transfer"),
        words.parameter_label("training effects"),
    ]
    assert list(fig.layout.yaxis.categoryarray) == list(bars.y)
    assert list(bars.text) == ["EUR 0", "EUR 120", "EUR 900", "EUR 1,500"]
    (line,) = fig.layout.shapes
    assert line.x0 == line.x1 == 2000.0 and line.line.dash == "dash"
    assert fig.layout.annotations[0].text == "Knowing everything: EUR 2,000"
    assert "knowing each uncertain quantity for sure" in fig.layout.title.text
    assert "(EUR)" in fig.layout.xaxis.title.text


def test_value_of_information_draws_a_real_comparisons_frame():
    from conflictsim.uncertainty import value_of_information

    rng = np.random.default_rng(3)
    worlds = pd.DataFrame({"trigger": rng.uniform(size=200), "recovery": rng.uniform(size=200)})
    # The option wins exactly where trigger > 0.5: only trigger is worth knowing.
    nb = pd.DataFrame({"none": np.zeros(200), "train": worlds["trigger"].to_numpy() - 0.5})
    voi = value_of_information(nb, worlds)
    fig = figures.value_of_information(voi)
    parts = voi[voi["parameter"] != "all"].set_index("parameter")["evppi"]
    assert list(fig.data[0].y)[-1] == words.parameter_label("trigger")
    np.testing.assert_allclose(sorted(fig.data[0].x), sorted(parts))
    assert fig.layout.shapes[0].x0 == pytest.approx(voi["evppi"].iloc[-1])


def test_trajectory_by_option_puts_each_option_beside_the_reference():
    weeks = np.arange(3)
    arms = ["No training", "A. one", "B. two", "C. three"]
    data = pd.concat(
        [
            pd.DataFrame(
                {"arm": a, "week": weeks, "mean": 10.0 - i, "low": 9.0 - i, "high": 11.0 - i}
            )
            for i, a in enumerate(arms)
        ]
    )
    fig = figures.trajectory_by_option(data, arm_colours(arms), reference="No training")
    lines = [t for t in fig.data if t.fill != "toself"]
    # A panel per option, each with the reference and the option itself.
    panels = {}
    for t in lines:
        panels.setdefault(t.xaxis or "x", []).append(t.name)
    assert list(panels.values()) == [["No training", "A. one"], ["No training", "B. two"],
                                     ["No training", "C. three"]]  # fmt: skip
    assert [a.text for a in fig.layout.annotations] == arms[1:]
    np.testing.assert_array_equal(lines[-1].y, [7.0, 7.0, 7.0])  # C's own line
    assert [t.name for t in lines if t.showlegend] == arms  # each arm once in the legend
