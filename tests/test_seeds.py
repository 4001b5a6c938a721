"""Replicate seeds and targeting streams, shared by both simulators."""

import numpy as np
import pytest

import conflictsim as cs
from conflictsim.runs import ENGINES, check_engine, run_arm
from conflictsim.seeds import replicate_seed, targeting_rngs


def test_replicate_seeds_depend_on_seed_and_replicate_only():
    assert replicate_seed(1, 0) == replicate_seed(1, 0)
    seeds = {replicate_seed(s, k) for s in range(5) for k in range(50)}
    assert len(seeds) == 250


def test_targeting_streams_are_separate_per_programme_and_repeatable():
    a = [g.random(5) for g in targeting_rngs(123, 3)]
    b = [g.random(5) for g in targeting_rngs(123, 3)]
    assert all((x == y).all() for x, y in zip(a, b, strict=True))
    assert not np.allclose(a[0], a[1]) and not np.allclose(a[1], a[2])
    # The stream of programme k does not depend on how many programmes follow it.
    assert (targeting_rngs(123, 1)[0].random(5) == a[0]).all()


def test_both_simulators_seed_replicate_k_alike():
    org = cs.Organisation.generate(size=30, seed=2)
    scn = cs.Scenario(org=org, days=5, programmes=[cs.Training("deescalation", coverage=0.5)])
    mesa = run_arm(scn, 2, seed=9, first=3, engine="mesa")
    model = cs.ConflictModel(scn, rng=replicate_seed(9, 4))
    model.run_for(5)
    assert mesa.summary["replicate"].tolist() == [3, 4]
    assert (mesa.trained[1] == model.ever_trained).all()
    assert mesa.summary.iloc[1]["conflicts"] == model.summary()["conflicts"]
    fast = run_arm(scn, 2, seed=9, first=3)
    assert (fast.trained == mesa.trained).all()  # the same people, from the same streams


def test_unknown_engines_are_refused():
    assert check_engine("mesa") == "mesa" and set(ENGINES) == {"fast", "mesa"}
    with pytest.raises(ValueError, match="unknown engine 'gpu'; choose one of fast, mesa"):
        run_arm(None, 1, 1, engine="gpu")
