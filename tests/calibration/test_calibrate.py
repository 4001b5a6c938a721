"""calibrate: ABC-SMC with pyabc, one seed one answer, and what the Calibration holds."""

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.calibration.sampler import SeededSampler
from conflictsim.evidence import TRAINING_EFFECTS


@pytest.fixture(scope="module")
def small_org():
    return cs.Organisation.generate(60, "office", seed=3)


@pytest.fixture(scope="module")
def quick(small_org):
    return cs.calibrate(small_org, seed=5, draws=20, workers=1, progress=False, max_generations=3)


def test_one_seed_one_answer_on_any_number_of_workers(small_org, quick):
    again = cs.calibrate(small_org, seed=5, draws=20, workers=2, progress=False, max_generations=3)
    pd.testing.assert_frame_equal(quick.draws, again.draws)
    pd.testing.assert_frame_equal(quick.fit, again.fit)
    other = cs.calibrate(small_org, seed=6, draws=20, workers=1, progress=False, max_generations=3)
    assert not quick.draws.equals(other.draws)


def test_the_callers_global_generators_are_left_alone(small_org):
    import random

    np.random.seed(123)
    random.seed(9)
    cs.calibrate(small_org, seed=5, draws=10, workers=1, progress=False, max_generations=1)
    a, b = np.random.random(), random.random()
    np.random.seed(123)
    random.seed(9)
    assert (a, b) == (np.random.random(), random.random())


class Particle:
    def __init__(self, value):
        self.value = value
        self.accepted = value < 0.3
        self.preliminary = False


def simulate_one():
    return Particle(np.random.random())


def test_a_generation_keeps_the_first_accepted_by_index_whatever_the_batches():
    """The sampler's rule: candidate i's result depends on (seed, t, i) only."""

    from pyabc.sampler.base import Sample

    def run(workers):
        s = SeededSampler(seed=4, workers=workers)
        s.sample_factory = lambda: Sample(record_rejected=False)
        s._create_empty_sample = lambda: Sample()
        out = s.sample_until_n_accepted(25, simulate_one, 0)
        s.stop()
        return [p.value for p in out.accepted_particles], s.nr_evaluations_

    one, n1 = run(1)
    two, n2 = run(2)
    assert one == two and n1 == n2
    # Known answer: the first 25 draws below 0.3 of the candidates' own streams, in order.
    from conflictsim.calibration.sampler import candidate_seed

    expected, i = [], 0
    while len(expected) < 25:
        np.random.seed(candidate_seed(4, 0, i)[0])
        v = np.random.random()
        if v < 0.3:
            expected.append(v)
        i += 1
    assert one == expected and n1 == i


def test_the_calibration_holds_its_draws_fit_and_targets(small_org, quick):
    # The calibrated parameters, then the training effects drawn from the evidence.
    assert list(quick.draws.columns) == [*cs.Targets.published().parameters, *TRAINING_EFFECTS]
    assert len(quick.draws) == 20
    assert set(quick.fit["target"]) == set(cs.Targets.published().names)
    assert {"observed", "simulated", "low", "high"} <= set(quick.fit.columns)
    assert (quick.fit["low"] <= quick.fit["high"]).all()
    p = quick.params(3)
    assert p.transmission == quick.draws["transmission"].iloc[3]
    assert p.wage == cs.Params().wage  # not calibrated: the default
    assert quick.params(23) == quick.params(3)  # cycling
    for name in quick.parameters:
        prior = cs.REGISTRY[name].prior
        assert quick.draws[name].between(prior.low, prior.high).all()


def test_save_and_load_are_plain_files_and_refuse_another_org(tmp_path, small_org, quick):
    quick.save(tmp_path / "cal")
    names = sorted(p.name for p in (tmp_path / "cal").iterdir())
    assert names == ["calibration.json", "draws.parquet", "fit.parquet"]
    back = cs.Calibration.load(tmp_path / "cal")
    pd.testing.assert_frame_equal(back.draws, quick.draws)
    assert back.params(2) == quick.params(2)
    back.check_org(small_org)
    with pytest.raises(ValueError, match="belongs to"):
        back.check_org(cs.Organisation.generate(60, "office", seed=4))


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda d: (d / "draws.parquet").unlink(), "missing"),
        (lambda d: (d / "calibration.json").write_text("{not json"), "not valid JSON"),
        (lambda d: (d / "calibration.json").write_text('{"kind": "x"}'), "not a conflictsim"),
        (lambda d: (d / "draws.parquet").write_bytes(b"PAR1 junk"), "cannot be read"),
    ],
)
def test_a_damaged_calibration_is_refused_naming_the_file(tmp_path, quick, damage, message):
    quick.save(tmp_path / "cal")
    damage(tmp_path / "cal")
    with pytest.raises(ValueError, match=message):
        cs.Calibration.load(tmp_path / "cal")


def test_out_of_range_draws_are_refused_on_load(tmp_path, quick):
    quick.save(tmp_path / "cal")
    bad = quick.draws.copy()
    bad.loc[0, "transmission"] = 1.5
    bad.to_parquet(tmp_path / "cal" / "draws.parquet", index=False)
    with pytest.raises(ValueError, match="transmission"):
        cs.Calibration.load(tmp_path / "cal")


def test_bad_arguments_are_refused(small_org):
    with pytest.raises(ValueError, match="draws"):
        cs.calibrate(small_org, draws=3, progress=False)
    with pytest.raises(ValueError, match="seed"):
        cs.calibrate(small_org, seed=-1, progress=False)
    with pytest.raises(ValueError, match="org"):
        cs.calibrate("office", progress=False)


def test_a_dask_cluster_of_separate_processes_gives_the_same_draws(small_org, quick, tmp_path):
    from dask_cluster import dask_cluster

    with dask_cluster(tmp_path) as address:
        on_dask = cs.calibrate(
            small_org, seed=5, draws=20, scheduler=address, progress=False, max_generations=3
        )
    pd.testing.assert_frame_equal(quick.draws, on_dask.draws)
    pd.testing.assert_frame_equal(quick.fit, on_dask.fit)


def test_progress_can_be_a_function_for_the_dashboard(small_org):
    seen = []
    cs.calibrate(small_org, seed=5, draws=10, workers=1, progress=seen.append, max_generations=2)
    assert seen and all(0 <= s["accepted"] <= s["draws"] == 10 for s in seen)
    assert [s["generation"] for s in seen] == sorted(s["generation"] for s in seen)
    assert seen[-1]["accepted"] == 10


@pytest.mark.parametrize("name", ["trigger", "transmission"])  # loguniform and uniform
def test_the_sampling_scale_carries_each_prior_exactly(name):
    from conflictsim.calibration.fitting import NormalRV, to_parameter, to_scale

    prior = cs.REGISTRY[name].prior
    rv = NormalRV()
    grid = np.linspace(-12, 12, 24_001)
    assert np.trapezoid([rv.pdf(z) for z in grid[::10]], grid[::10]) == pytest.approx(1, abs=1e-6)
    inner = prior.ppf(np.linspace(0.001, 0.999, 50))
    np.testing.assert_allclose(to_parameter(prior, to_scale(prior, inner)), inner, rtol=1e-9)
    # Far out on the sampling scale is the prior's edge, never beyond it.
    assert to_parameter(prior, -40.0) == pytest.approx(prior.low)
    assert to_parameter(prior, 40.0) == pytest.approx(prior.high)
    np.random.seed(3)
    draws = to_parameter(prior, np.array([rv.rvs() for _ in range(4000)]))
    assert draws.min() >= prior.low and draws.max() <= prior.high
    # Each quarter of the prior's mass holds a quarter of the draws (4 standard errors).
    quarters = np.histogram(prior.cdf(draws), bins=4, range=(0, 1))[0] / 4000
    assert np.all(np.abs(quarters - 0.25) < 4 * np.sqrt(0.25 * 0.75 / 4000))


def test_epsilon_follows_the_median_but_never_drops_below_one():
    from conflictsim.calibration.fitting import FlooredQuantileEpsilon

    eps = FlooredQuantileEpsilon(1.0, alpha=0.5)

    def distances(*values):
        return lambda: pd.DataFrame({"distance": values, "w": np.ones(len(values))})

    eps.initialize(0, distances(2.0, 3.0, 4.0), lambda: [], 10, {})
    assert eps(0) == pytest.approx(3.0)  # the median, above the floor
    eps.update(1, distances(0.2, 0.4, 0.6), lambda: [], 0.5, {})
    assert eps(1) == 1.0  # the median is 0.4: floored at every target's interval
