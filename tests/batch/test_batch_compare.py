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
    next((out / "units" / "summary").glob("*.parquet")).unlink()
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


def test_a_sweep_is_compared_point_by_point_not_as_plausible_worlds(tmp_path, capsys):
    # Design points are values chosen to be explored, not beliefs: the console shows each
    # point with its swept values, and no share of plausible worlds, P(best) or value of
    # information (nothing but chance varies between a point's replicates). The average
    # over the points comes only when asked, and says what it is.
    from conflictsim.cli import main

    path = tmp_path / "sweep.toml"
    path.write_text(
        SMALL.replace("days = 20", "days = 60")
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.3]\n'
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    cmps = batch.comparisons(tmp_path / "out")
    assert all(c.worlds is None for c in cmps.values())  # the swept values are no worlds
    assert main(["compare", str(tmp_path / "out")]) == 0
    text = capsys.readouterr().out
    assert "Design point 0 of 2 (grid): transmission = 0.1" in text
    assert "Design point 1 of 2 (grid): transmission = 0.3" in text
    head, body = text.split("Design point 0", 1)
    assert "differ by chance only" in " ".join(head.split())
    for absent in ("plausible worlds", "P(best)", "What would change", "pays for itself"):
        assert absent not in body, absent
    assert "Averaged over" not in text and "--pooled" in text
    # Each point's block holds that point's numbers.
    table = batch.compare(tmp_path / "out").set_index(["point", "outcome"])
    block = text.split("Design point 1 of 2")[1]
    line = next(x for x in block.splitlines() if x.startswith("  conflicts "))
    assert f"{table.loc[(1, 'conflicts'), 'mean']:+.1f}" in line
    assert main(["compare", str(tmp_path / "out"), "--pooled"]) == 0
    pooled = " ".join(capsys.readouterr().out.split())
    assert "Averaged over the 2 design points (grid)" in pooled and "not a belief" in pooled
    with pytest.raises(ValueError, match="differ by chance only"):
        batch.value_of_information(tmp_path / "out")


def test_a_run_shows_what_rests_on_responders_beside_the_arm(tmp_path, capsys):
    # An arm whose trainees act as responders is also run without them: the same
    # replicates and numbers, so the difference is what rests on responders, as in
    # cs.compare (Comparison.responders).
    import conflictsim as cs
    from conflictsim.cli import main
    from conflictsim.experiment import load

    path = tmp_path / "resp.toml"
    path.write_text(
        SMALL.replace("days = 20", "days = 60").replace('engine = "mesa"', 'engine = "fast"')
        + '\n[[arms]]\nname = "deesc"\nprogrammes = [{kind = "deescalation", coverage = 0.5}]\n'
    )
    exp = load(path)
    assert exp.arm_names == ["baseline", "listen", "deesc", "deesc-no-responders"]
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    rest = batch.responders(tmp_path / "out").set_index("arm").loc["deesc"]
    cmp = cs.compare(
        {name: scn for name, scn in exp.scenarios().items() if name in ("baseline", "deesc")},
        replicates=5,
        seed=5,
    )
    r = cmp.responders.set_index("arm").loc["deesc"]
    for col in ("avoided", "avoided_without", "net_benefit", "net_benefit_without"):
        assert rest[col] == pytest.approx(r[col])
    assert main(["compare", str(tmp_path / "out")]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "rest on trained responders, which no study has measured" in text
    assert f"avoids {rest['avoided_without']:,.1f} instead of {rest['avoided']:,.1f}" in text
    off = load(tmp_path / "resp.toml")  # the key switches it off
    path.write_text(
        path.read_text().replace(
            "replicates_per_unit = 2", "replicates_per_unit = 2\nresponders_apart = false"
        )
    )
    assert load(path).arm_names == ["baseline", "listen", "deesc"] and off.arms[-1].apart_from


def test_a_named_currency_is_shown_with_the_money(tmp_path, capsys):
    from conflictsim import report
    from conflictsim.cli import main
    from conflictsim.experiment import load

    path = tmp_path / "eur.toml"
    path.write_text(
        SMALL.replace('engine = "mesa"', 'engine = "fast"\ncurrency = " EUR "')
        + '\n[[arms]]\nname = "deesc"\nprogrammes = [{kind = "deescalation", coverage = 0.5}]\n'
    )
    assert load(path).currency == "EUR"
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    assert main(["compare", str(tmp_path / "out")]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "Money is in EUR." in text
    rest = batch.responders(tmp_path / "out").set_index("arm").loc["deesc"]
    assert f"net benefit EUR {rest['net_benefit_without']:+,.0f} instead of EUR" in text
    page = report.write_report(tmp_path / "out").read_text(encoding="utf-8")
    assert "<th>money</th><td>in EUR</td>" in page
    # Without a name, the unit is said to be that of the wage.
    path.write_text(path.read_text().replace('currency = " EUR "\n', ""))
    batch.run(path, tmp_path / "plain", workers=1, progress=False)
    assert main(["compare", str(tmp_path / "plain")]) == 0
    assert "Money is in the currency of the hourly cost of work (wage)." in " ".join(
        capsys.readouterr().out.split()
    )
