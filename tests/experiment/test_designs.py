"""Design points: grids, Latin hypercubes, Sobol' and Morris samples."""

from __future__ import annotations

import numpy as np
from experiment_files import BASE, write

from conflictsim import experiment as ex
from conflictsim.params import REGISTRY


def test_grid_design(tmp_path):
    e = ex.load(
        write(
            tmp_path,
            BASE
            + """
[sweep]
design = "grid"
[sweep.parameters]
transmission = [0.1, 0.2, 0.3]
recovery = {levels = 2}
vacancy_days = {low = 10, high = 20, levels = 3}
""",
        )
    )
    assert e.n_points == 3 * 2 * 3
    pts = e.points_frame()
    assert sorted(pts["transmission"].unique()) == [0.1, 0.2, 0.3]
    assert sorted(pts["recovery"].unique()) == list(REGISTRY["recovery"].sweep_range)
    assert sorted(pts["vacancy_days"].unique()) == [10, 15, 20]
    assert len(pts.drop_duplicates(subset=["transmission", "recovery", "vacancy_days"])) == 18
    assert e.params_at(17, "baseline").vacancy_days == 20
    assert len(e.units()) == 18 * 2  # 2 blocks of replicates per point


def test_lhs_design_is_seeded_and_inside_bounds(tmp_path):
    text = (
        BASE
        + """
[sweep]
design = "lhs"
samples = 20
[sweep.parameters]
transmission = {}
clash = {low = 0.2, high = 0.3}
"""
    )
    a = ex.load(write(tmp_path, text))
    b = ex.load(write(tmp_path, text))
    assert a.n_points == 20
    np.testing.assert_array_equal(a.design.points, b.design.points)
    lo, hi = REGISTRY["transmission"].sweep_range
    assert a.design.points[:, 0].min() >= lo and a.design.points[:, 0].max() <= hi
    assert a.design.points[:, 1].min() >= 0.2 and a.design.points[:, 1].max() <= 0.3
    # Latin hypercube: one point in each of the 20 strata of every parameter (McKay 1979).
    strata = np.floor((a.design.points[:, 1] - 0.2) / 0.1 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_sobol_and_morris_design_sizes(tmp_path):
    sobol = ex.load(
        write(
            tmp_path,
            BASE
            + """
[[arms]]
name = "baseline"
[[arms]]
name = "deesc"
programmes = [{kind = "deescalation", coverage = 0.5}]

[sensitivity]
samples = 8
contrast = ["baseline", "deesc"]
[sensitivity.parameters]
transmission = {}
recovery = {}
clash = {}
""",
        )
    )
    assert sobol.n_points == 8 * (3 + 2)  # Saltelli 2010 without second-order terms
    assert sobol.sensitivity.contrast == ("baseline", "deesc")
    morris = ex.load(
        write(
            tmp_path,
            BASE
            + """
[sensitivity]
method = "morris"
samples = 5
levels = 4
[sensitivity.parameters]
transmission = {}
recovery = {}
""",
        )
    )
    assert morris.n_points == 5 * (2 + 1)  # trajectories of D + 1 points (Morris 1991)
