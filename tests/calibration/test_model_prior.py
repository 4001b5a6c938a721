"""The prior over models: the same numbers as pyabc's default, drawn from nothing."""

import numpy as np
import pyabc

from conflictsim.calibration.fitting import SingleModelPrior


def test_single_model_prior_matches_pyabcs_default_and_draws_nothing():
    default = pyabc.RV("randint", 0, 1)  # what pyabc.ABCSMC uses for one model
    ours = SingleModelPrior()
    for x in (-1, 0, 1, 2):
        assert ours.pmf(x) == default.pmf(x), x
        assert ours.cdf(x) == default.cdf(x), x
    # Neither consumes numbers of numpy's global generator, which the sampler seeds for
    # each candidate: the next number is the same after either's draw.
    np.random.seed(5)
    assert int(default.rvs()) == 0
    after_default = np.random.random()
    np.random.seed(5)
    assert ours.rvs() == 0 and ours.copy().rvs() == 0
    assert np.random.random() == after_default
