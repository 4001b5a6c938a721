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
        SMALL.replace("replicates = 5", "replicates = 3")
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.3]\n'
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    table = batch.compare(tmp_path / "out")
    assert set(table["point"]) == {0, 1, "all"}
    rows = table[table["outcome"] == "conflicts"].set_index("point")
    assert rows.loc[0, "transmission"] == 0.1 and rows.loc[1, "transmission"] == 0.3
    assert np.isnan(rows.loc["all", "transmission"])
    s = batch.read_summary(tmp_path / "out")
    assert set(s["point"]) == {0, 1} and len(s) == 2 * 2 * 3
