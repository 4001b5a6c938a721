"""The ABC-MCMC moves after ABC-SMC leave the ABC posterior as it is (a known answer).

A model whose one statistic is its parameter's own sampling-scale coordinate makes the
ABC posterior at epsilon 1 the standard normal prior cut to the target's interval.
Started from one point, the moved sets must spread over exactly that distribution.
With normal noise on that statistic, the ABC posterior is the prior times the chance
that a simulation lands inside the interval, also known in closed form; and the number
of sweeps must follow the acceptance rate (Drovandi & Pettitt 2011).
"""

import math

import numpy as np
import pandas as pd
from scipy import stats

from conflictsim.calibration.fitting import MOVE_MOST_STEPS, _planned_steps, move, to_scale
from conflictsim.calibration.sampler import SeededSampler
from conflictsim.calibration.targets import Target
from conflictsim.params import REGISTRY

LOW, HIGH = -0.5, 2.0


class Coordinate:
    """A stand-in model: the statistic is the coordinate itself, with no noise."""

    def statistics(self, values: dict[str, float], seed: int) -> dict[str, float]:
        # ``move`` hands over parameter values; map back to the sampling scale.
        return {"z": float(to_scale(REGISTRY["trigger"].prior, values["trigger"]))}


def test_moves_spread_sets_over_the_abc_posterior_and_never_leave_it():
    target = Target("z", "coordinate", 0.75, LOW, HIGH, "test", ("trigger",))
    start = pd.DataFrame({"trigger": np.full(400, 1.5)})
    population = pd.DataFrame({"trigger": np.linspace(LOW, HIGH, 50)})
    moved, info = move(
        Coordinate(), start, np.ones(50), population, [target], 1.0, 5, SeededSampler(5, workers=1),
        steps=40,
    )  # fmt: skip
    z = moved["trigger"].to_numpy()
    assert ((z >= LOW) & (z <= HIGH)).all()
    assert info["accepted"] > 0 and info["evaluations"] <= 40 * 400
    truncated = stats.truncnorm(LOW, HIGH)
    assert stats.kstest(z, truncated.cdf).pvalue > 0.01
    # Without the prior's ratio the sets would spread evenly over the interval instead.
    assert stats.kstest(z, stats.uniform(LOW, HIGH - LOW).cdf).pvalue < 1e-6


NOISE = 1.0


class NoisyCoordinate:
    """The coordinate plus normal noise drawn from the simulation's own seed."""

    def statistics(self, values: dict[str, float], seed: int) -> dict[str, float]:
        z = float(to_scale(REGISTRY["trigger"].prior, values["trigger"]))
        return {"z": z + NOISE * np.random.default_rng(seed).standard_normal()}


def noisy_posterior_cdf(x: np.ndarray) -> np.ndarray:
    """The ABC posterior's distribution function: prior times P(inside), integrated."""
    grid = np.linspace(-6, 6, 24001)
    inside = stats.norm.cdf((HIGH - grid) / NOISE) - stats.norm.cdf((LOW - grid) / NOISE)
    density = stats.norm.pdf(grid) * inside
    cdf = np.cumsum(density)
    return np.interp(x, grid, cdf / cdf[-1])


def test_sweeps_follow_the_acceptance_rate():
    # Known answers of R = ceil(log c / log(1 - p)).
    assert _planned_steps(0.01, 0.01, 4) == math.ceil(math.log(0.01) / math.log(0.99)) == 459
    assert _planned_steps(0.5, 0.01, 4) == 7
    assert _planned_steps(0.9, 0.01, 4) == 4  # never fewer than the pilot's sweeps
    assert _planned_steps(0.0, 0.01, 4) == MOVE_MOST_STEPS
    assert _planned_steps(1e-6, 0.01, 4) == MOVE_MOST_STEPS


def test_rarely_kept_moves_still_move_almost_every_set_and_keep_the_noisy_posterior():
    target = Target("z", "coordinate", 0.75, LOW, HIGH, "test", ("trigger",))
    n = 400
    start = pd.DataFrame({"trigger": np.full(n, 1.5)})
    population = pd.DataFrame({"trigger": np.linspace(LOW - 1, HIGH + 1, 50)})
    args = (NoisyCoordinate(), start, np.ones(50), population, [target], 1.0, 8)
    moved, info = move(*args, SeededSampler(8, workers=1))
    # The pilot's acceptance rate decides the sweeps; every set then moves with 99%.
    pilot_rate = info["pilot_accepted"] / (n * info["pilot_steps"])
    assert info["steps"] == _planned_steps(pilot_rate, 0.01, info["pilot_steps"]) > 20
    # Each set stays unmoved with chance <= 1%: 4 expected of 400, 12 a generous bound.
    assert info["moved"] >= 1 - 12 / n
    z = moved["trigger"].to_numpy()
    assert stats.kstest(z, noisy_posterior_cdf).pvalue > 0.01
    # The noise-free posterior (the truncated prior) is told apart from it.
    assert stats.kstest(z, stats.truncnorm(LOW, HIGH).cdf).pvalue < 1e-3
    # Four sweeps alone, as before the rule, leave most sets where they started.
    fixed, fixed_info = move(*args, SeededSampler(8, workers=1), unmoved=None)
    assert fixed_info["steps"] == 4 and fixed_info["moved"] < 0.8


def test_a_budget_caps_the_sweeps():
    target = Target("z", "coordinate", 0.75, LOW, HIGH, "test", ("trigger",))
    start = pd.DataFrame({"trigger": np.full(200, 1.5)})
    population = pd.DataFrame({"trigger": np.linspace(LOW - 1, HIGH + 1, 50)})
    args = (NoisyCoordinate(), start, np.ones(50), population, [target], 1.0, 3)
    free = move(*args, SeededSampler(3, workers=1))[1]
    capped = move(*args, SeededSampler(3, workers=1), budget=1000)[1]
    pilot = capped["pilot_evaluations"]
    assert capped["steps"] < free["steps"]
    # The sweeps after the pilot stay within the budget, give or take one sweep's spread.
    assert capped["evaluations"] - pilot <= 1000 + 3 * math.sqrt(pilot)
    assert capped["evaluations"] - pilot >= 1000 - 2 * pilot / capped["pilot_steps"]
