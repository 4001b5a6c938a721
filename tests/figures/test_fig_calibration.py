"""conflictsim.figures.calibration: each builder draws its table, checked without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from conflictsim import figures


# ---------------------------------------------------------------------------- calibration
@pytest.fixture(scope="module")
def stored_cal():
    from pathlib import Path

    import conflictsim
    from conflictsim.calibration.result import Calibration

    return Calibration.load(
        Path(conflictsim.__file__).parent / "data" / "calibrations" / "office-200-seed1"
    )


def test_prior_posterior_draws_each_parameter_on_its_priors_axis(stored_cal):
    from conflictsim.calibration.tables import POSTERIOR_BINS, prior_posterior_table

    table = prior_posterior_table(stored_cal)
    fig = figures.prior_posterior(table, stored_cal.summary())
    titles = [a.text for a in fig.layout.annotations]
    assert titles == stored_cal.parameters
    assert len(fig.data) == 3 * len(stored_cal.parameters)  # posterior, prior, median
    trigger = stored_cal.parameters.index("trigger")
    axis = fig.layout["xaxis" if trigger == 0 else f"xaxis{trigger + 1}"]
    assert axis.type == "log" and axis.tickvals[0] == pytest.approx(0.002)
    assert fig.layout.xaxis.type != "log"  # absence_base: uniform
    prior = fig.data[1]
    np.testing.assert_allclose(prior.y, 1 / POSTERIOR_BINS)
    median = fig.data[2]
    row = stored_cal.summary().iloc[0]
    np.testing.assert_allclose(median.x, [row["low"], row["median"], row["high"]])


def test_calibration_fit_draws_each_target_against_the_simulations():
    fit = pd.DataFrame(
        {
            "target": ["hours_per_week", "weekly_rude_share"],
            "label": ["Conflict hours per employee per week", "Share treated rudely"],
            "source": ["CPP 2008", "Porath & Pearson 2013"],
            "observed": [2.45, 0.5],
            "target_low": [2.1, 0.4],
            "target_high": [2.8, 0.6],
            "simulated": [2.5, 0.65],
            "low": [2.0, 0.55],
            "high": [3.1, 0.75],
            "met": [True, False],
            "percent": [False, True],
        }
    )
    fig = figures.calibration_fit(fit)
    titles = [a.text for a in fig.layout.annotations]
    assert titles == list(fit["label"])
    # Per target: the interval, the observed value, the simulations (one legend entry each).
    assert len(fig.data) == 6 and sum(bool(t.showlegend) for t in fig.data) == 3
    interval, observed, simulated = fig.data[:3]
    assert list(interval.x) == [2.1, 2.8] and list(observed.x) == [2.45]
    np.testing.assert_allclose(simulated.error_x.array, [0.6])
    np.testing.assert_allclose(simulated.error_x.arrayminus, [0.5])
    assert simulated.marker.color == figures.FIT_COLOURS["met"]
    assert fig.data[5].marker.color == figures.FIT_COLOURS["missed"]
    assert fig.layout.xaxis2.tickformat == ".0%" and fig.layout.xaxis.tickformat == "~.3g"
