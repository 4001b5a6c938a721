"""The fast engine's driver (``conflictsim.simulate``): outputs, reproducibility, bad input."""

import hashlib
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import from_start, with_traits
from engine_helpers import on_day
from scipy import stats

import conflictsim as cs
from conflictsim.engine import philox as crng
from conflictsim.engine import simulate
from conflictsim.engine.kernels import COLUMNS
from conflictsim.outcomes import summarise

ROOT = Path(__file__).resolve().parents[2]


# ---------------------------------------------------------------------------- outputs
def test_results_have_the_documented_shape():
    org = cs.Organisation.generate(60, "office", seed=3)
    scn = from_start(org, days=7, initial_upset=0.1)  # day 0 is the initial state
    res = simulate(scn, replicates=3, seed=5)
    assert list(res.daily.columns) == ["replicate", "day", *COLUMNS]
    assert len(res.daily) == 3 * 8
    assert (on_day(res, 0, "upset") == 6).all()
    assert (on_day(res, 0, "conflicts") == 0).all()
    d = res.daily
    assert (
        d["conflicts"]
        == d[["conflicts_minor", "conflicts_major", "conflicts_critical"]].sum(axis=1)
    ).all()
    assert res.employee_conflicts.shape == (3, 60)
    assert res.team_daily.shape == (3, 8, len(org.team_names))
    assert res.trained.shape == (3, 60) and not res.trained.any()
    assert res.replicates == 3 and res.seed == 5 and res.scenario is scn
    assert list(res.replicate_ids) == [0, 1, 2]
    # Each conflict counts once for each party, in their post and their team.
    per_rep = d.groupby("replicate")["conflicts"].sum().to_numpy()
    assert (res.employee_conflicts.sum(axis=1) == 2 * per_rep).all()
    assert (res.team_daily.sum(axis=(1, 2)) == 2 * per_rep).all()
    tf = res.team_frame()
    assert list(tf.columns) == ["replicate", "day", "team", "conflicts"]
    assert len(tf) == 3 * 8 * len(org.team_names)
    assert tf.groupby("replicate")["conflicts"].sum().to_numpy().tolist() == (2 * per_rep).tolist()
    assert "3 replicates" in repr(res)


def test_summary_is_summarise_of_each_replicate():
    org = cs.Organisation.generate(80, "call_centre", seed=4)
    scn = cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)
    res = simulate(scn, replicates=4, seed=2)
    assert list(res.summary.columns) == ["replicate", *summarise(res.daily, scn)]
    for k in range(4):
        expected = summarise(res.daily[res.daily.replicate == k], scn)
        row = res.summary.iloc[k]
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_vacant_column_and_daily_hours_follow_the_conflicts():
    org = cs.Organisation.generate(50, "office", seed=1)
    p = cs.Params(hours_minor=1.0, hours_major=10.0, hours_critical=100.0)
    res = simulate(cs.Scenario(org, p, days=30), replicates=3, seed=1)
    d = res.daily
    hours = 2 * (d.conflicts_minor + 10 * d.conflicts_major + 100 * d.conflicts_critical)
    assert np.allclose(d.conflict_hours, hours)


# ---------------------------------------------------------------------------- reproducibility
@pytest.fixture(scope="module")
def office():
    org = cs.Organisation.generate(120, "call_centre", seed=9)
    return cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)


def test_same_seed_same_numbers_and_different_seed_differs(office):
    a = simulate(office, 3, seed=11)
    b = simulate(office, 3, seed=11)
    c = simulate(office, 3, seed=12)
    assert a.daily.equals(b.daily) and a.summary.equals(b.summary)
    assert (a.employee_conflicts == b.employee_conflicts).all()
    assert not a.daily.equals(c.daily)


def test_replicate_k_does_not_depend_on_batching(office):
    big = simulate(office, 10, seed=1)
    small = simulate(office, 4, seed=1)
    late = simulate(office, 3, seed=1, first_replicate=7)
    picked = simulate(office, seed=1, replicate_ids=[8, 3])
    for res in (small, late, picked):
        for pos, k in enumerate(res.replicate_ids):
            mine = res.daily[res.daily.replicate == k].reset_index(drop=True)
            theirs = big.daily[big.daily.replicate == k].reset_index(drop=True)
            assert mine.equals(theirs), k
            assert (res.employee_conflicts[pos] == big.employee_conflicts[k]).all()
            assert (res.team_daily[pos] == big.team_daily[k]).all()
    # Replicates differ from each other.
    assert (
        not big.daily[big.daily.replicate == 0]
        .upset.reset_index(drop=True)
        .equals(big.daily[big.daily.replicate == 1].upset.reset_index(drop=True))
    )


def frame_hash(df) -> str:
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


def test_a_new_process_gives_identical_numbers(office):
    code = (
        "import hashlib, conflictsim as cs\n"
        "from conflictsim.engine import simulate\n"
        "org = cs.Organisation.generate(120, 'call_centre', seed=9)\n"
        "scn = cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)\n"
        "df = simulate(scn, 3, seed=11, first_replicate=2).daily\n"
        "print(hashlib.sha256(df.to_csv(index=False).encode()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == frame_hash(simulate(office, 3, seed=11, first_replicate=2).daily)


def test_arms_that_differ_in_a_few_traits_share_their_randomness(office):
    # Common random numbers: the same uniform decides the same event in both arms, so
    # paired differences are far smaller than the spread between replicates.
    org = office.org
    better = org.listening.copy()
    better[:10] = 0.95
    arm = office.with_(org=with_traits(org, listening=np.where(np.isnan(better), 0.5, better)))
    same = office.with_(org=with_traits(org, listening=0.5))
    a = simulate(same, 40, seed=3).summary["conflicts"].to_numpy(float)
    b = simulate(arm, 40, seed=3).summary["conflicts"].to_numpy(float)
    assert np.corrcoef(a, b)[0, 1] > 0.8
    assert np.std(b - a) < 0.5 * np.std(a)
    # An arm identical to the first reproduces it exactly.
    assert simulate(same, 5, seed=3).daily.equals(simulate(same, 5, seed=3).daily)


def test_day_zero_draws_follow_the_population_and_the_org_chart():
    org = cs.Organisation.generate(2000, "office", seed=1)
    given = org.regulation.copy()
    given[:100] = 0.9
    org = with_traits(org, regulation=given)
    p = cs.Params(regulation_mean=0.5, regulation_sd=2.0, listening_mean=-1.0)
    from conflictsim.engine.driver import _initial_state

    state = _initial_state(cs.Scenario(org, p, initial_upset=0.1), 7, np.arange(3), None)
    z = state.z_reg[:, 100:].ravel()
    assert abs(z.mean() - 0.5) < 4.5 * 2.0 / np.sqrt(z.size)
    assert abs(z.std() / 2.0 - 1) < 0.03
    assert np.allclose(state.reg[:, :100], 0.9)
    assert abs(state.z_lis.mean() + 1.0) < 4.5 / np.sqrt(state.z_lis.size)
    assert (state.upset.sum(axis=1) == 200).all()
    assert not (state.upset[0] == state.upset[1]).all()


def test_initial_upset_is_a_uniform_choice():
    n, k, reps = 20, 5, 4000
    counts = np.zeros(n)
    for rep in range(reps):
        chosen = crng.choose(3, rep, n, k)
        assert chosen.size == k and np.unique(chosen).size == k
        counts[chosen] += 1
    expected = reps * k / n
    _, pvalue = stats.chisquare(counts, np.full(n, expected))
    assert pvalue > 1e-4


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_bad_replicates_are_refused(bad):
    org = cs.Organisation.generate(20, seed=1)
    with pytest.raises(ValueError, match="replicates"):
        simulate(cs.Scenario(org, days=1), replicates=bad)


@pytest.mark.parametrize("bad", [None, 3, "scenario"])
def test_a_non_scenario_is_refused(bad):
    with pytest.raises(ValueError, match="scenario must be a Scenario"):
        simulate(bad)


def test_bad_seeds_and_replicate_ids_are_refused():
    scn = cs.Scenario(cs.Organisation.generate(20, seed=1), days=1)
    for seed in (-1, 2**64, 1.5, "1"):
        with pytest.raises(ValueError, match="seed"):
            simulate(scn, 1, seed=seed)
    with pytest.raises(ValueError, match="replicate"):
        simulate(scn, seed=1, replicate_ids=[])
    with pytest.raises(ValueError, match="replicate"):
        simulate(scn, seed=1, replicate_ids=[-1])
    with pytest.raises(ValueError, match="first_replicate"):
        simulate(scn, 1, first_replicate=-1)
