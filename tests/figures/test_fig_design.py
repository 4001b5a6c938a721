"""conflictsim.figures.design: each builder draws its table, checked without a browser."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim import figures


def test_sweep_and_sensitivity():
    data = pd.DataFrame(
        {
            "arm": ["deesc", "deesc"],
            "mean": [-3.0, -5.0],
            "ci_low": [-4.0, -7.0],
            "ci_high": [-1.0, -4.0],
            "transmission": [0.1, 0.3],
        }
    )
    fig = figures.sweep(data, ["deesc"], ["transmission"], "difference", first_colour=1)
    np.testing.assert_allclose(fig.data[0].x, [0.1, 0.3])
    assert fig.data[0].marker.color == figures.PALETTE[1]
    np.testing.assert_allclose(fig.data[0].error_y.array, [2.0, 1.0])
    indices = pd.DataFrame(
        {
            "method": ["morris"] * 3,
            "parameter": ["transmission", "clash", "transmission x clash"],
            "mu_star": [0.5, 0.2, 0.1],
            "mu_star_conf": [0.1, 0.05, 0.01],
            "sigma": [0.3, 0.1, 0.0],
        }
    )
    fig = figures.sensitivity(indices)
    assert list(fig.data[0].x) == ["transmission", "clash"]  # interactions left out
    assert [t.name for t in fig.data] == ["mu*", "sigma"]
