"""Comparisons of a finished run: refused before it finishes; sweeps by point and pooled."""

from __future__ import annotations

import numpy as np
import pytest
from batch_files import SMALL, write_small

from conflictsim import batch


def test_unfinished_run_is_not_compared(tmp_path):
    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    next((out / "units").glob("*.summary.parquet")).unlink()
    with pytest.raises(ValueError, match="not finished .5 of 6 units"):
        batch.compare(out)
    assert len(batch.read_summary(out, complete=False)) == 10 - 2
    batch.run(small, out, workers=1, resume=True, progress=False)
    assert len(batch.read_summary(out)) == 10


def test_sweep_compare_has_points_and_pooled_rows(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        # 60 days: in 20, training four managers often changes no conflict at all.
        SMALL.replace("days = 20", "days = 60")
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.3]\n'
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    table = batch.compare(tmp_path / "out")
    assert set(table["point"]) == {0, 1, "all"}
    rows = table[table["outcome"] == "conflicts"].set_index("point")
    assert rows.loc[0, "transmission"] == 0.1 and rows.loc[1, "transmission"] == 0.3
    assert np.isnan(rows.loc["all", "transmission"])
    s = batch.read_summary(tmp_path / "out")
    assert set(s["point"]) == {0, 1} and len(s) == 2 * 2 * 5
    # Pooled rows: mean and 95% interval over the two points' means (the point is the
    # unit: its replicates share its parameters), not over the ten pairs as independent.
    from scipy import stats

    for outcome in ("conflicts", "net_benefit"):
        r = table[table["outcome"] == outcome].set_index("point")
        m = r.loc[[0, 1], "mean"].to_numpy(float)
        half = stats.t.ppf(0.975, 1) * m.std(ddof=1) / np.sqrt(2)
        assert r.loc["all", "mean"] == pytest.approx(m.mean())
        assert (r.loc["all", "ci_low"], r.loc["all", "ci_high"]) == pytest.approx(
            (m.mean() - half, m.mean() + half)
        )
        naive = batch.comparisons(tmp_path / "out")["all"].table.set_index("outcome")
        assert r.loc["all", "ci_high"] - r.loc["all", "ci_low"] > (
            naive.loc[outcome, "ci_high"] - naive.loc[outcome, "ci_low"]
        )


def test_the_direct_effect_and_the_ripple_come_back_from_the_stored_ties(tmp_path):
    # Conflicts per tie are kept with each unit, so a finished run splits conflicts by
    # who is party to them exactly as cs.compare does in memory.
    import pandas as pd

    import conflictsim as cs
    from conflictsim.experiment import load
    from conflictsim.outcomes import PARTY_OUTCOMES

    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    ties = batch.read_ties(out)
    exp = load(small)
    assert len(ties) == 2 * 5 * exp.org.n_edges
    stored = batch.compare(out).set_index(["arm", "outcome"])
    cmp = cs.compare(exp.scenarios(0), replicates=5, seed=5, engine="mesa")
    fresh = cmp.table.set_index(["arm", "outcome"])
    rows = [("listen", o) for o in PARTY_OUTCOMES]
    assert set(rows) <= set(stored.index)
    pd.testing.assert_frame_equal(stored.loc[rows, ["mean", "ci_low", "ci_high"]],
                                  fresh.loc[rows, ["mean", "ci_low", "ci_high"]])  # fmt: skip
