"""The ABC-MCMC moves after ABC-SMC leave the ABC posterior as it is (a known answer).

A model whose one statistic is its parameter's own sampling-scale coordinate makes the
ABC posterior at epsilon 1 the standard normal prior cut to the target's interval.
Started from one point, the moved sets must spread over exactly that distribution.
"""

import numpy as np
import pandas as pd
from scipy import stats

from conflictsim.calibration.fitting import move, to_scale
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
