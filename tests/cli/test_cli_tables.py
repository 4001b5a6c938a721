"""Console tables: words and decimals from OUTCOMES, rows in each table's own order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim.cli import tables
from conflictsim.outcomes import OUTCOMES


def comparison_table(outcomes) -> pd.DataFrame:
    rows = []
    for k, name in enumerate(outcomes):
        means = name not in ("net_benefit", "roi")
        rows.append(
            {
                "arm": "training",
                "outcome": name,
                "mean": -1.23456 * (k + 1),
                "ci_low": -2.5 * (k + 1),
                "ci_high": -0.5,
                "p_better": 0.875,
                "arm_mean": 10.0 + k if means else np.nan,
                "baseline_mean": 12.0 + k if means else np.nan,
            }
        )
    return pd.DataFrame(rows)


def test_every_row_of_every_table_is_an_outcome():
    for rows in (tables.SUMMARY_ROWS, tables.EFFECT_ROWS, tables.COMPARISON_ROWS):
        assert set(rows) <= set(OUTCOMES)


def test_comparison_table_takes_labels_and_decimals_from_outcomes():
    table = comparison_table(tables.COMPARISON_ROWS)
    text = tables.format_table(table, replicates=40, reference="baseline")
    assert text.startswith("training against baseline (40 paired replicates)")
    lines = text.splitlines()
    width = max(len(OUTCOMES[name].row_label) for name in tables.COMPARISON_ROWS)
    for k, name in enumerate(tables.COMPARISON_ROWS):
        o = OUTCOMES[name]
        (line,) = [x for x in lines if x.startswith(f"  {o.row_label.ljust(width)}  ")]
        assert o.fmt(-1.23456 * (k + 1), signed=True) in line
        assert f"{o.fmt(-2.5 * (k + 1), signed=True)} to {o.fmt(-0.5, signed=True)}" in line
        assert "0.88" in line
        if name not in ("net_benefit", "roi"):
            assert line.endswith(o.fmt(12.0 + k))  # the reference's mean, last
    assert "  major " in text and "  1 tie from a trainee" in text  # parts are indented


def test_comparison_table_leaves_out_rows_it_does_not_have():
    table = comparison_table(["conflicts", "quits"])
    text = tables.format_table(table)
    assert "training against the first arm" in text
    assert "quits" in text and "cost of conflict" not in text


def test_summary_shows_mean_and_range_with_each_outcomes_decimals():
    class Org:
        name, size = "office", 10

    class Scn:
        org, days = Org(), 5

    summary = pd.DataFrame(
        {"conflicts": [3, 4, 8], "quits": [0, 1, 1], "hours_per_employee_week": [0.1, 0.2, 0.3]}
    )
    text = tables.format_summary(summary, Scn(), seed=9)
    assert text.startswith("office: 10 employees, 5 days, 3 replicates, seed 9")
    (conflicts,) = [x for x in text.splitlines() if x.startswith("  conflicts ")]
    assert conflicts.split()[1:] == ["5.0", "3", "8"]  # a mean has decimals, a run's count none
    (quits,) = [x for x in text.splitlines() if x.startswith("  quits ")]
    assert quits.split()[1:] == ["0.67", "0", "1"]
    (hours,) = [x for x in text.splitlines() if "per employee per week" in x]
    assert hours.split()[-3:] == ["0.20", "0.10", "0.30"]  # not a count: decimals throughout
    assert "  per employee per week" in text and "absent days" not in text


def test_org_summary_lists_every_row():
    summary = {key: i for i, (_, key) in enumerate(tables.ORG_ROWS)}
    text = tables.format_org_summary(summary)
    assert len(text.splitlines()) == len(tables.ORG_ROWS)
    assert text.splitlines()[4].split() == ["top-level", "managers", "4"]
