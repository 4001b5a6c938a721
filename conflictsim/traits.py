"""Traits on the latent scale: trait = logistic(z), z ~ Normal(mean, sd) (MODEL.md section 2).

Training adds to z, so an effect size d from the literature (Cohen's d, in trait SDs) is a
shift of ``d * sd`` on the latent scale.
"""

from __future__ import annotations

import numpy as np

from conflictsim.params import Params


def logistic(z: np.ndarray | float) -> np.ndarray | float:
    """The logistic function, mapping a latent score to a trait in (0, 1)."""
    return 1.0 / (1.0 + np.exp(-z))


def logit(p: np.ndarray | float) -> np.ndarray | float:
    """Inverse of ``logistic``."""
    return np.log(p) - np.log1p(-p)


def latent_scores(given: np.ndarray, mean: float, sd: float, normals: np.ndarray) -> np.ndarray:
    """Latent scores: the logit of given traits, ``mean + sd * normal`` elsewhere.

    The one day-0 rule of both simulators; each brings its own standard normals, one for
    every employee (used or not), so the draws do not depend on which traits a file gives.
    """
    z = mean + sd * normals
    known = ~np.isnan(given)
    z[known] = logit(given[known])
    return z


def draw_population(
    regulation: np.ndarray, listening: np.ndarray, params: Params, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Latent regulation and listening for a workforce: regulation first, then listening."""
    z_reg = latent_scores(
        regulation,
        params.regulation_mean,
        params.regulation_sd,
        rng.standard_normal(regulation.shape),
    )
    z_lis = latent_scores(
        listening, params.listening_mean, params.listening_sd, rng.standard_normal(listening.shape)
    )
    return z_reg, z_lis
