"""The engine on every core: replicates spread over threads give the numbers of one thread."""

import multiprocessing as mp

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.engine import threads as engine_threads

ORG = cs.Organisation.generate(120, "office", seed=4)


def _assert_same(a, b):
    pd.testing.assert_frame_equal(a.daily, b.daily)
    assert np.array_equal(a.employee_conflicts, b.employee_conflicts)
    assert np.array_equal(a.edge_conflicts, b.edge_conflicts)
    assert np.array_equal(a.trained, b.trained)
    assert np.array_equal(a.team_daily, b.team_daily)
    assert np.array_equal(a.incident_daily, b.incident_daily)
    assert np.array_equal(a.rude_weekly, b.rude_weekly)


def _sets(scn, n):
    rng = np.random.default_rng(0)  # parameter values only; the runs' randomness is keyed
    return [
        scn.params.replace(
            transmission=float(rng.uniform(0.05, 0.3)),
            recovery=float(rng.uniform(0.2, 0.5)),
            skill_transfer=float(rng.uniform(0, 1)),
            responder_success=float(rng.uniform(0, 0.3)),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("case", ["no_training", "training", "worlds"])
def test_two_threads_give_the_numbers_of_one(case):
    # Every path of the kernel: all days in one call (no training), day by day with
    # training, responders and grievance, and a parameter set per replicate.
    progs = []
    if case != "no_training":
        progs = [
            cs.Training("deescalation", target="managers", coverage=0.6, refresher_days=40),
            cs.Training("emotional_regulation", coverage=0.3, start_day=10),
        ]
    scn = cs.Scenario(ORG, days=90, programmes=progs, params=cs.Params(grievance_weight=0.5))
    sets = _sets(scn, 16) if case == "worlds" else None
    one = cs.simulate(scn, 16, seed=7, threads=1, replicate_params=sets)
    two = cs.simulate(scn, 16, seed=7, threads=2, replicate_params=sets)
    _assert_same(one, two)
    # The replicates differ, so a mix-up between them would show.
    assert one.summary["conflicts"].nunique() > 8


def test_threads_are_checked():
    scn = cs.Scenario(ORG, days=2)
    for bad in (0, -1, True, 2.0, "2"):
        with pytest.raises(ValueError, match="threads"):
            cs.simulate(scn, 2, seed=1, threads=bad)


def test_the_environment_sets_the_default(monkeypatch):
    monkeypatch.setenv(engine_threads.THREADS_ENV, "1")
    assert engine_threads.default_threads() == 1
    for bad in ("0", "-2", "many"):
        monkeypatch.setenv(engine_threads.THREADS_ENV, bad)
        with pytest.raises(ValueError, match=engine_threads.THREADS_ENV):
            engine_threads.default_threads()
    monkeypatch.delenv(engine_threads.THREADS_ENV)
    assert engine_threads.default_threads() == engine_threads.cores()


def _worker_default() -> int:
    return engine_threads.default_threads()


def test_a_pool_worker_uses_one_thread(monkeypatch):
    # The pool keeps every core busy already: threads on top would only compete.
    monkeypatch.delenv(engine_threads.THREADS_ENV, raising=False)
    with mp.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_worker_default) == 1


def test_blocks_split_the_replicates_evenly():
    assert engine_threads.blocks(5, 2) == [slice(0, 3), slice(3, 5)]
    assert engine_threads.blocks(1, 4) == [slice(0, 1)]
    assert engine_threads.blocks(6, 3) == [slice(0, 2), slice(2, 4), slice(4, 6)]


def test_more_threads_than_replicates_or_cores_change_nothing():
    scn = cs.Scenario(ORG, days=30, programmes=[cs.Training("active_listening", coverage=0.5)])
    one = cs.simulate(scn, 3, seed=2, threads=1)
    many = cs.simulate(scn, 3, seed=2, threads=engine_threads.cores() + 3)
    _assert_same(one, many)
