"""The faster perturbation kernel draws from pyabc's own kernel (a known answer).

``PopulationTransition`` replaces only the draw of ``pyabc.MultivariateNormalTransition``:
a weighted mixture of normals centred on the population's sets. Its draws must have the
mixture's mean and covariance (the sets' weighted mean; their weighted covariance plus
the kernel's) and agree with pyabc's own draws.
"""

import numpy as np
import pandas as pd
import pyabc
from scipy import stats

from conflictsim.calibration.fitting import PopulationTransition, population_covariance


def population() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(4)
    frame = pd.DataFrame({"a": rng.normal(0, 1, 30), "b": rng.normal(2, 0.5, 30)})
    frame["b"] += 0.4 * frame["a"]  # correlated, as posteriors are
    weights = rng.gamma(1.0, size=30)
    return frame, weights / weights.sum()


def test_draws_have_the_mixtures_mean_and_covariance_and_match_pyabc():
    frame, w = population()
    ours = PopulationTransition(bandwidth_selector=population_covariance)
    ours.fit(frame, w)
    np.random.seed(1)
    draws = np.array([[p["a"], p["b"]] for p in (ours.rvs_single() for _ in range(20000))])
    x = frame.to_numpy()
    mean = w @ x
    centred = x - mean
    mixture_cov = (w[:, None] * centred).T @ centred + ours.cov
    se = np.sqrt(np.diag(mixture_cov) / len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - mean) < 4 * se)
    assert np.allclose(np.cov(draws.T), mixture_cov, rtol=0.06, atol=0.02)
    theirs = pyabc.MultivariateNormalTransition(bandwidth_selector=population_covariance)
    theirs.fit(frame, w)
    np.random.seed(2)
    reference = theirs.rvs(size=20000).to_numpy()
    for j in range(2):
        assert stats.ks_2samp(draws[:, j], reference[:, j]).pvalue > 0.001
    # The density is pyabc's own, unchanged.
    assert ours.pdf(frame.iloc[0]) == theirs.pdf(frame.iloc[0])
