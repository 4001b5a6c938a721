"""Record statistics and the engine's incident and incivility counts, against known answers."""

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.calibration.statistics import (
    count_statistics,
    poisson_standard_errors,
    record_statistics,
    simulation_statistics,
    team_week_counts,
)
from conflictsim.incidents import read_incidents

ORG = cs.Organisation.generate(120, "office", seed=4)


def test_count_statistics_by_hand():
    counts = np.array([[1, 3, 2], [0, 0, 3]])
    severity = np.array([[4, 1, 1], [1, 1, 1]])
    size = np.array([5, 5])
    s = count_statistics(counts, severity, size)
    assert s["reported_per_employee_week"] == pytest.approx(9 / (10 * 3))
    assert s["share_severe"] == pytest.approx(4 / 9)
    # Deviations from each team's mean: (-1, 1, 0) and (-1, -1, 2).
    # Within-team variances 1 and 3 (each over 2 degrees of freedom), mean count 1.5.
    assert s["team_week_dispersion"] == pytest.approx(((2 + 6) / (2 * 2)) / 1.5)
    assert s["team_week_autocorrelation"] == pytest.approx((-1 + 0 + 1 - 2) / 8)


def test_poisson_counts_look_unclustered_and_bursts_do_not():
    rng = np.random.default_rng(1)
    size = np.full(40, 10)
    poisson = rng.poisson(3.0, size=(40, 100))
    s = count_statistics(poisson, None, size)
    assert s["team_week_dispersion"] == pytest.approx(1.0, abs=0.06)
    assert s["team_week_autocorrelation"] == pytest.approx(-1 / 100, abs=0.03)
    # Persistent bursts: a team's rate follows a slow two-state chain.
    state = np.zeros((40, 100), bool)
    for w in range(1, 100):
        flip = rng.random(40) < 0.1
        state[:, w] = state[:, w - 1] ^ flip
    bursty = rng.poisson(np.where(state, 6.0, 1.0))
    b = count_statistics(bursty, None, size)
    assert b["team_week_dispersion"] > 2
    assert b["team_week_autocorrelation"] > 0.4


def test_team_week_counts_drop_a_partial_week_and_need_four_weeks():
    frame = pd.DataFrame(
        {"day": [0, 4, 5, 19, 20], "team": ["T1", "T1", "T2", "T3", "T1"],
         "severity": ["minor", "major", "critical", "minor", "minor"], "count": [1, 2, 1, 5, 7]}
    )  # fmt: skip
    counts, sev = team_week_counts(frame, ORG, days=22)
    assert counts.shape == (len(ORG.team_names), 4)
    assert counts[0, 0] == 3 and counts[1, 1] == 1 and counts[2, 3] == 5
    assert counts.sum() == 9  # day 20 is in the partial fifth week
    assert sev[0].tolist() == [1, 2, 0]
    with pytest.raises(ValueError, match="at least 4 full weeks"):
        team_week_counts(frame, ORG, days=19)
    anyframe = frame.assign(severity="any")
    assert team_week_counts(anyframe, ORG, days=22)[1] is None


def test_incident_daily_counts_every_conflict_once_by_severity():
    res = cs.simulate(cs.Scenario(ORG, days=80), 3, seed=2)
    by_sev = res.incident_daily.sum(axis=(1, 2))
    summary = res.summary[["conflicts_minor", "conflicts_major", "conflicts_critical"]]
    np.testing.assert_array_equal(by_sev, summary.to_numpy())
    # Per day too.
    daily = res.daily.pivot(index="day", columns="replicate", values="conflicts").to_numpy().T
    np.testing.assert_array_equal(res.incident_daily.sum(axis=(2, 3)), daily)


def test_reporting_rates_thin_conflicts_into_records():
    scn = cs.Scenario(ORG, days=80)
    everything = cs.simulate(
        scn.with_(params=cs.Params(report_minor=1, report_major=1, report_critical=1)), 1, seed=2
    )
    inc = everything.incidents(0)
    assert inc["count"].sum() == everything.summary.conflicts.iloc[0]
    assert inc["day"].min() >= 0 and inc["day"].max() < 80
    nothing = cs.simulate(
        scn.with_(params=cs.Params(report_minor=0, report_major=0, report_critical=0)), 1, seed=2
    )
    assert len(nothing.incidents(0)) == 0
    half = cs.simulate(scn.with_(params=cs.Params(report_minor=0.5)), 1, seed=2)
    n = half.summary.conflicts_minor.iloc[0]
    got = half.incidents(0).query("severity == 'minor'")["count"].sum()
    assert abs(got - n / 2) < 4 * np.sqrt(n / 4)  # binomial, 4 standard deviations
    pd.testing.assert_frame_equal(half.incidents(0), half.incidents(0))  # keyed, not drawn anew
    with pytest.raises(ValueError, match="not simulated"):
        half.incidents(5)


def test_weekly_rude_share_docks_with_the_mesa_model():
    """The engine's count and the Mesa model's parties agree (the same rule, other numbers)."""
    scn = cs.Scenario(cs.Organisation.generate(150, "office", seed=1), days=60)
    fast = cs.simulate(scn, 30, seed=3).weekly_rude_share(2)
    mesa = []
    for seed in range(10):
        model = cs.ConflictModel(scn, rng=seed)
        weeks = []
        for week in range(12):
            rude = np.zeros(scn.org.size, bool)
            for _ in range(5):
                upset = np.array([a.upset for a in model.employees])
                model.step()
                for u, other in model.today["parties"]:
                    rude[other] = True
                    rude[u] |= upset[other]  # a clash: both were treated rudely
            if week >= 2:
                weeks.append(rude.mean())
        mesa.append(np.mean(weeks))
    diff = fast.mean() - np.mean(mesa)
    se = np.sqrt(fast.var(ddof=1) / fast.size + np.var(mesa, ddof=1) / len(mesa))
    assert abs(diff) < 4 * se, (fast.mean(), np.mean(mesa), se)
    assert 0.05 < fast.mean() < 0.95


def test_simulated_records_have_the_statistics_of_the_same_records_read_back():
    res = cs.simulate(cs.Scenario(ORG, days=20 + 100), 1, seed=5)
    sim = simulation_statistics(
        res, ["reported_per_employee_week", "team_week_dispersion", "share_severe"], 20, 100
    )
    inc = res.incidents(0)
    inc = inc[inc.day >= 20].assign(day=lambda f: f.day - 20)
    stats, se = record_statistics(inc, ORG, 100)
    for k, v in sim.items():
        assert v == pytest.approx(stats[k])
        assert se[k] > 0


def test_targets_from_incidents_read_a_file_and_add_to_published(tmp_path):
    res = cs.simulate(cs.Scenario(ORG, days=100), 1, seed=6)
    inc = res.incidents(0)
    path = tmp_path / "incidents.csv"
    inc[["day", "team", "severity", "count"]].to_csv(path, index=False)
    from_file = cs.Targets.from_incidents(path, ORG)
    from_frame = cs.Targets.from_incidents(read_incidents(path, ORG), ORG)
    assert from_file.names == from_frame.names
    assert [t.observed for t in from_file] == pytest.approx([t.observed for t in from_frame])
    both = cs.Targets.published() + from_file
    assert both.names[:4] == cs.Targets.published().names
    assert "report_minor" in both.parameters and "hours_minor" in both.parameters
    with pytest.raises(ValueError, match="twice"):
        both + cs.Targets.published()
    with pytest.raises(ValueError, match="another organisation"):
        both.check_org(cs.Organisation.generate(120, "office", seed=5))
    bad = tmp_path / "bad.csv"
    bad.write_text("day,team,count\n1,T1,-2\n")
    with pytest.raises(ValueError, match="bad.csv, row 2"):
        cs.Targets.from_incidents(bad, ORG)


def test_the_poisson_floor_is_the_spread_of_poisson_counts():
    # Known answer: the floor's standard errors against the spread of each statistic
    # over many independent tables of Poisson team-week counts, small means included.
    rng = np.random.default_rng(3)
    teams, weeks, mean = 8, 20, 0.4
    size = np.full(teams, 10)
    tables = rng.poisson(mean, size=(4000, teams, weeks))
    sev = np.stack([rng.binomial(t.sum(axis=1), 0.3) for t in tables])
    stats = pd.DataFrame(
        [
            count_statistics(t, np.stack([t.sum(axis=1) - s, s, 0 * s], axis=1), size)
            for t, s in zip(tables, sev, strict=True)
        ]
    )
    expected = tables[0].copy()
    expected[:] = 0
    expected[:, : int(mean * weeks)] = 1  # a table with the expected total
    floor = poisson_standard_errors(
        expected,
        np.stack([np.full(teams, 6), np.full(teams, 2), np.zeros(teams, int)], axis=1),
        size,
    )
    for name in ("reported_per_employee_week", "team_week_dispersion", "team_week_autocorrelation"):
        assert floor[name] == pytest.approx(stats[name].std(), rel=0.12), name
    assert floor["share_severe"] == pytest.approx(stats["share_severe"].std(), rel=0.2)


def test_a_collapsed_bootstrap_falls_back_on_the_poisson_floor():
    # Every team the same: resampling teams changes nothing, so the bootstrap's standard
    # errors are 0 and each interval is the Poisson floor exactly.
    org = cs.Organisation.generate(40, "office", seed=2)
    team_names = org.team_names
    days = 40
    rows = [(d, t, "minor", 1) for t in team_names for d in range(0, days, 3)]
    frame = pd.DataFrame(rows, columns=["day", "team", "severity", "count"])
    _, se = record_statistics(frame, org, days)
    counts, severity = team_week_counts(frame, org, days)
    size = np.bincount(org.team, minlength=len(team_names))
    assert len(set(size)) == 1  # teams of one size, so the rate cannot vary either
    assert se == pytest.approx(poisson_standard_errors(counts, severity, size))
