"""Console tables: words and decimals from OUTCOMES, rows in each table's own order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim import words
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
                "ui_low": -7.25 * (k + 1),
                "ui_high": 3.5,
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
        # The 90% uncertainty interval comes after the 95% interval of the mean.
        ui = f"{o.fmt(-7.25 * (k + 1), signed=True)} to {o.fmt(3.5, signed=True)}"
        assert line.index(ui) > line.index(f"{o.fmt(-0.5, signed=True)}")
        assert "0.88" in line
        if name not in ("net_benefit", "roi"):
            assert line.endswith(o.fmt(12.0 + k))  # the reference's mean, last
    assert "  major " in text and "  1 tie from a trainee" in text  # parts are indented
    # Over replicates that differ by chance only, no "pays for itself" share: it would
    # count chance, not plausible worlds; over them, P(better) 0.875 is about 9 of 10.
    assert "pays for itself" not in text
    over = tables.format_table(table, worlds="plausible worlds")
    assert "  It pays for itself in about 9 of 10 plausible worlds." in over


def test_an_empty_ripple_class_is_said_in_words_not_nan():
    """A distance class nobody is in has no value (NaN): the table says why."""
    table = comparison_table(tables.COMPARISON_ROWS)
    empty = table["outcome"] == "conflicts_among_untrained_d3plus"
    cols = ["mean", "ci_low", "ci_high", "ui_low", "ui_high", "p_better", "arm_mean"]
    table.loc[empty, [*cols, "baseline_mean"]] = np.nan
    text = tables.format_table(table)
    (line,) = [x for x in text.splitlines() if x.startswith("    3 or more ")]
    assert line.split("3 or more")[1].strip() == "no one at this distance"
    assert "nan" not in text.lower()
    assert OUTCOMES["conflicts_among_untrained_d2"].fmt(np.nan, signed=True) == (
        "no one at this distance"
    )
    assert OUTCOMES["conflicts"].fmt(float("nan")) == "n/a"
    assert OUTCOMES["cost_conflict"].fmt(2.328e4) == "23,280"  # money: no 2.328e+04


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


def test_a_table_without_uncertainty_intervals_leaves_their_column_empty():
    table = comparison_table(["conflicts"]).drop(columns=["ui_low", "ui_high"])
    (line,) = [x for x in tables.format_table(table).splitlines() if x.startswith("  conflicts")]
    assert "-2.5 to -0.5" in line and line.count(" to ") == 1


BEST = pd.DataFrame(
    {
        "arm": ["none", "coach", "listen"],
        "net_benefit": [0.0, 1234.4, -50.0],
        "ui_low": [0.0, -400.0, -900.0],
        "ui_high": [0.0, 3000.0, 800.0],
        "p_best": [0.25, 0.65, 0.10],
    }
)
VOI = pd.DataFrame(
    {
        "parameter": ["trigger", "skill_transfer", "training effects", "all"],
        "evppi": [12.0, 340.0, 505.0, 600.0],
        "share": [0.02, 0.57, 0.84, 1.0],
    }
)


def test_uncertainty_block_says_how_often_each_pays_which_is_best_and_what_matters():
    table = pd.DataFrame(
        {
            "arm": ["coach", "listen"],
            "outcome": ["net_benefit"] * 2,
            "p_better": [0.72, 0.31],
        }
    )
    text = tables.format_uncertainty(table, BEST, VOI)
    lines = text.splitlines()
    assert "  coach pays for itself in about 7 of 10 plausible worlds." in lines
    assert "  listen pays for itself in about 3 of 10 plausible worlds." in lines
    (coach,) = [x for x in lines if x.startswith("  coach ") and "P" not in x and "pays" not in x]
    assert coach.split() == ["coach", "0.65", "+1,234", "-400", "to", "+3,000"]
    # What would change the answer: the EVPI first, then the rest biggest first.
    block = lines[lines.index(next(x for x in lines if x.startswith("What would change"))) :]
    values = [x.split()[-1] for x in block if x.startswith("  ")]
    assert values == ["600", "505", "340", "12"]
    assert block[3].startswith("  " + words.GROUP_LABELS["all"])
    assert block[4].startswith("  " + words.parameter_label("training effects"))
    assert block[6].startswith("  " + words.PARAMETER_LABELS["trigger"])
    assert "bounds every other" in " ".join(block)
    # Without the value of information (chance only) and without the pays lines.
    short = tables.format_uncertainty(table, BEST, None, "replicates", pays=False)
    assert "What would change" not in short and "pays for itself" not in short
    assert "share of the replicates" in short


def test_settings_name_the_evidence_and_the_calibration():
    text = tables.format_settings("sceptical", "cal/office", 200)
    *evidence, baseline = text.splitlines()
    assert (
        " ".join(evidence) == f"Evidence on what training does: {words.evidence_text('sceptical')}."
    )
    assert baseline == "Baseline: the calibration cal/office (200 parameter sets)."
    assert "Baseline" not in tables.format_settings(None)


VALUES_OF_NOTHING = pd.DataFrame(
    {
        "parameter": ["trigger", "responder_success", "skill_transfer", "all"],
        "evppi": [0.0, 0.0, 30.0, 30.0],
        "se": [0.0, 0.0, 40.0, 40.0],
        "share": [0.0, 0.0, 1.0, 1.0],
        "relevant": [True, False, True, True],
    }
)


def test_values_the_runs_cannot_tell_from_nothing_read_as_about_nothing():
    text = tables.format_value_of_information(VALUES_OF_NOTHING, "EUR")
    flat = " ".join(text.split())
    assert "EUR 30 (about 0: within the runs' chance)" in flat  # 30 < 2 x 40
    assert "Worth 0 to know: how often people are upset from outside; how often trained" in flat
    assert "No uncertain quantity was found to change the choice" in flat
    assert "bounds every other" not in flat
    clear = VALUES_OF_NOTHING.assign(se=1.0)
    flat = " ".join(tables.format_value_of_information(clear).split())
    assert "(about 0" not in flat and "bounds every other" in flat


def test_the_baseline_line_says_where_its_hours_lie_against_the_published_band():
    summary = pd.DataFrame({"hours_per_employee_week": [2.9, 3.1]})  # mean 3.0
    text = " ".join(tables.format_baseline(None, summary).split())
    assert text.startswith(f"Baseline: {words.AS_GIVEN} (--as-given): without training it loses")
    assert "3.00 conflict hours per employee per week, above the published 2.1-2.8" in text
    inside = pd.DataFrame({"hours_per_employee_week": [2.4]})
    text = " ".join(tables.format_baseline("the calibration stored", inside).split())
    assert "calibrated to the published base rates: the calibration stored" in text
    assert "2.40 conflict hours per employee per week, inside the published 2.1-2.8" in text
    below = " ".join(tables.format_baseline(None, summary.assign(hours_per_employee_week=1.0))
                     .split())  # fmt: skip
    assert "below the published" in below and "Calibrate it first (leave out --as-given)" in below
