"""The outcome vocabulary and the per-run rules both simulators share."""

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.outcomes import (
    DAILY_COLUMNS,
    OUTCOMES,
    RIPPLE_OUTCOMES,
    SUMMARY_COLUMNS,
    outcome,
    summarise,
    summary_table,
    team_frame,
)


def test_every_table_outcome_has_words_a_format_and_a_direction():
    org = cs.Organisation.generate(size=40, seed=1)
    scn = cs.Scenario(org=org, days=20)
    arms = {"a": scn, "b": scn.with_(programmes=[cs.Training("deescalation", coverage=0.5)])}
    table = cs.compare(arms, replicates=2, seed=1).table
    for name in [*SUMMARY_COLUMNS, *table["outcome"].unique(), *RIPPLE_OUTCOMES]:
        o = outcome(name)
        assert o.label and o.plain and o.better in ("lower", "higher", None)
        assert o.parent is None or o.parent in OUTCOMES


def test_directions_and_formats():
    assert outcome("conflicts").is_better(np.array([-1.0, 0.0, 1.0])).tolist() == [1, 0, 0]
    assert outcome("net_benefit").is_better(np.array([-1.0, 0.0, 1.0])).tolist() == [0, 0, 1]
    assert outcome("trained").better is None
    assert outcome("roi").fmt(1.234, signed=True) == "+123%"  # as on the dashboard
    assert outcome("roi").fmt(-0.5) == "-50%"
    assert outcome("cost_conflict").fmt(12345.6) == "12,346"
    assert outcome("conflicts_major").row_label == "  major"
    with pytest.raises(ValueError, match="unknown outcome 'nope'"):
        outcome("nope")


def test_summary_table_adds_up_the_days_after_day_zero():
    org = cs.Organisation.generate(size=10, seed=1)
    scn = cs.Scenario(org=org, params=cs.Params(wage=10, replacement_cost=1000), days=5)
    run = np.zeros((2, 5, len(DAILY_COLUMNS)))
    col = {c: j for j, c in enumerate(DAILY_COLUMNS)}
    run[:, :, col["conflicts"]] = [[1, 2, 0, 0, 3], [0, 0, 0, 0, 0]]
    run[:, :, col["conflict_hours"]] = [[1.5, 3, 0, 0, 4.5], [0, 0, 0, 0, 0]]
    run[:, :, col["quits"]] = [[0, 1, 0, 0, 0], [0, 0, 0, 0, 2]]
    run[:, :, col["upset"]] = [[2, 2, 2, 2, 2], [1, 0, 0, 0, 0]]
    fees, hours = np.array([30.0, 0.0]), np.array([2.0, 0.0])  # 30 in fees, 2 hours at 10
    t = summary_table(run, scn, np.array([7, 8]), np.array([3, 0]), fees, hours)
    assert t["replicate"].tolist() == [7, 8]
    assert t["conflicts"].tolist() == [6, 0]
    assert t["conflict_hours"].tolist() == [9.0, 0.0]
    assert t["hours_per_employee_week"].tolist() == [9.0 / 10 / 1, 0.0]  # 5 days: one week
    assert t["mean_upset"].tolist() == [2.0, 0.2]
    assert t["cost_conflict"].tolist() == [9 * 10 + 1 * 1000, 2 * 1000]
    assert t["trained"].tolist() == [3, 0] and t["cost_training"].tolist() == [50.0, 0.0]
    # Cash leaves the bank (fees, replacing quitters); time is hours at the wage.
    assert t["cost_cash"].tolist() == [30 + 1 * 1000, 2 * 1000]
    assert t["cost_time"].tolist() == [(9 + 2) * 10, 0.0]
    assert (t["cost_cash"] + t["cost_time"] == t["cost_conflict"] + t["cost_training"]).all()
    # The one-run form reads a daily frame and leaves day 0 out.
    daily = pd.DataFrame(np.vstack([np.full(len(DAILY_COLUMNS), 99.0), run[0]]),
                         columns=list(DAILY_COLUMNS))  # fmt: skip
    daily.insert(0, "day", range(6))
    one = summarise(daily, scn, trained=3, training_fees=30.0, training_hours=2.0)
    assert one == {c: t[c].iloc[0].item() for c in SUMMARY_COLUMNS}


def test_team_frame_is_tidy():
    counts = np.arange(12).reshape(2, 3, 2)
    f = team_frame(counts, ["x", "y"], np.array([4, 5]))
    assert list(f.columns) == ["replicate", "day", "team", "conflicts"]
    row = f[(f.replicate == 5) & (f.day == 2) & (f.team == "y")]
    assert row["conflicts"].tolist() == [counts[1, 2, 1]]
    assert "replicate" not in team_frame(counts[:1], ["x", "y"]).columns


@pytest.mark.parametrize("engine", ["fast", "mesa"])
def test_money_in_cash_and_in_time(engine):
    # Known answers for a programme of one session a trainee: fees are trainees times the
    # fee, training time trainees times the hours; with nobody quitting, training can
    # only cost cash (no replacements to save), whatever it does to conflict.
    org = cs.Organisation.generate(size=60, seed=2)
    params = cs.Params(quit_base=0, quit_strain=0, wage=40, replacement_cost=9000)
    prog = cs.Training("emotional_regulation", coverage=0.5, cost_per_trainee=200,
                       hours_per_trainee=6)  # fmt: skip
    arms = {"none": cs.Scenario(org, params, days=60),
            "er": cs.Scenario(org, params, days=60, programmes=[prog])}  # fmt: skip
    cmp = cs.compare(arms, replicates=4, seed=3, engine=engine)
    s = cmp.runs["er"].summary
    assert (s["trained"] == 30).all()
    np.testing.assert_allclose(s["cost_cash"], 30 * 200)
    np.testing.assert_allclose(s["cost_time"], (s["conflict_hours"] + 30 * 6) * 40)
    np.testing.assert_allclose(s["cost_training"], 30 * (200 + 6 * 40))
    p = cmp.paired
    np.testing.assert_allclose(p["net_benefit_cash"], -30 * 200)
    np.testing.assert_allclose(p["net_benefit"], p["net_benefit_cash"] + p["net_benefit_time"])
    np.testing.assert_allclose(p["net_benefit_time"], -(p["conflict_hours"] + 30 * 6) * 40)
