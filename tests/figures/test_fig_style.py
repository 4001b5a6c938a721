"""conflictsim.figures.style: each builder draws its table, checked without a browser."""

from __future__ import annotations

import numpy as np

from conflictsim import figures


def test_rgba_and_arm_colours():
    assert figures.rgba("#1f77b4", 0.15) == "rgba(31,119,180,0.15)"
    colours = figures.arm_colours(["No training", "A", "B"])
    assert list(colours.values()) == list(figures.PALETTE[:3])
    assert colours["No training"] == "#7f7f7f"  # the reference in grey, on every chart
    ten = figures.arm_colours([str(i) for i in range(11)])
    assert ten["10"] == figures.PALETTE[0]  # cycles


def test_error_bars_are_the_distances_to_the_interval_ends():
    bars = figures.error_bars([2.0, 5.0], [1.0, 4.0], [4.0, np.nan])
    np.testing.assert_allclose(bars["array"], [2.0, np.nan])
    np.testing.assert_allclose(bars["arrayminus"], [1.0, 1.0])
    filled = figures.error_bars([2.0, 5.0], [1.0, 4.0], [4.0, np.nan], fill_missing=True)
    np.testing.assert_allclose(filled["array"], [2.0, 0.0])
