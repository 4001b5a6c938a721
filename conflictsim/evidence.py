"""Evidence settings: sceptical, central and enthusiastic priors on what training does.

How well training works is the most uncertain part of the model: controlled studies find
clear gains in skills and confidence and little or no change in incidents (EVIDENCE.md).
An evidence setting is a prior on the parameters that say what training does at work
(``TRAINING_EFFECTS``), in the sense of Spiegelhalter, Freedman & Parmar (1994, J R Stat
Soc A 157:357-416):

- *sceptical*: most likely no effect; a 5% chance that the effect is at least the one
  hoped for (``HOPED``): a normal centred on 0, cut at 0;
- *central*: anything from no effect to the one hoped for, equally plausible;
- *enthusiastic*: most likely the effect hoped for; a 5% chance of no effect at all: a
  normal centred on the hope, cut at 0.

These parameters act only through training, so an evidence setting never moves the
baseline: a calibration to the published targets (or an organisation's records) is the
same in every setting, and only the training-effect columns of its parameter sets differ
(``conflictsim.calibration.Calibration.with_evidence``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictsim.params import REGISTRY

#: Parameters that say what training does, and nothing about the baseline; valued
#: together as one group by ``conflictsim.uncertainty`` ("what would change the answer").
TRAINING_EFFECTS = ("skill_transfer", "responder_success")

#: Evidence settings, from least to most favourable to training.
EVIDENCE = ("sceptical", "central", "enthusiastic")
EVIDENCE_LABELS = {
    "sceptical": "Sceptical",
    "central": "Central",
    "enthusiastic": "Enthusiastic",
}

#: The effect enthusiasts hope for, per parameter, and why.
HOPED = {
    "skill_transfer": (
        1.0,
        "all of the measured skill gain shows at work (the gains in confidence and "
        "simulated performance: Price et al. 2015; Baig et al. 2018, d about 0.9)",
    ),
    "responder_success": (
        0.3,
        "a responder defuses three conflicts in ten (crisis-intervention officers were "
        "twice as likely to stop at verbal engagement: Compton et al. 2014)",
    ),
}

#: Normal quantiles: 5% in one tail (enthusiastic), and 5% above the hope for a normal
#: cut at 0 (sceptical: half the mass of a centred normal is above 0).
_Z_ONE_TAIL = 1.6448536269514722
_Z_HALF = 1.959963984540054
#: Correlation of the training effects' normal scores within a world: whether trained
#: skills show at work decides both how trainees behave and how well responders do, so a
#: world where training does little does little in both ways (an assumption).
CORRELATION = 0.7
#: Tag of the stream that draws training effects (with the calibration's seed).
_STREAM = 0xEF1D


@dataclass(frozen=True)
class EffectPrior:
    """A prior on one training-effect parameter under one evidence setting.

    Attributes:
        name: The parameter.
        kind: ``normal`` (``centre``, ``spread`` its mean and SD) or ``uniform``
            (``centre`` to ``spread``, its ends); cut to [``low``, ``high``].
        centre: Mean of the normal, or low end of the uniform.
        spread: SD of the normal, or high end of the uniform.
        low: Smallest value (the parameter's plausible range).
        high: Largest value.
    """

    name: str
    kind: str
    centre: float
    spread: float
    low: float
    high: float

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at cumulative probabilities ``u`` (in (0, 1))."""
        u = np.asarray(u, float)
        if self.kind == "uniform":
            return self.centre + u * (self.spread - self.centre)
        from scipy import stats

        a, b = ((self.low - self.centre) / self.spread, (self.high - self.centre) / self.spread)
        return stats.truncnorm.ppf(u, a, b, loc=self.centre, scale=self.spread)

    def quantiles(self) -> tuple[float, float, float]:
        """The 5th percentile, median and 95th percentile."""
        return tuple(float(v) for v in self.ppf(np.array([0.05, 0.5, 0.95])))

    def describe(self) -> str:
        """In words, for tables: "normal at 0 (SD 0.51), cut at 0; median 0.34, 90% 0.03-1.00"."""
        lo, mid, hi = self.quantiles()
        if self.kind == "uniform":
            shape = f"uniform {self.centre:g}-{self.spread:g}"
        else:
            cut = f"cut to {self.low:g}-{self.high:g}"
            shape = f"normal at {self.centre:g} (SD {self.spread:.2g}), {cut}"
        return f"{shape}; median {mid:.2g}, 90% {lo:.2g}-{hi:.2g}"


def check_evidence(setting: str) -> None:
    """Refuse an unknown evidence setting.

    Raises:
        ValueError: Naming the setting and the ones there are.
    """
    if setting not in EVIDENCE:
        raise ValueError(
            f"unknown evidence setting {setting!r}; choose one of {', '.join(EVIDENCE)}"
        )


def prior(setting: str, name: str) -> EffectPrior:
    """The prior of training-effect parameter ``name`` under an evidence setting."""
    check_evidence(setting)
    hope = HOPED[name][0]
    low, high = REGISTRY[name].sweep_range
    if setting == "sceptical":
        return EffectPrior(name, "normal", 0.0, hope / _Z_HALF, low, high)
    if setting == "enthusiastic":
        return EffectPrior(name, "normal", hope, hope / _Z_ONE_TAIL, low, high)
    return EffectPrior(name, "uniform", low, hope, low, high)


def training_draws(setting: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` sets of training effects drawn from an evidence setting's priors.

    A Latin hypercube (each parameter's n strata hit once, in an order of their own), so
    that 200 sets cover each prior evenly. The same seed gives the same draws anywhere.

    Args:
        setting: ``sceptical``, ``central`` or ``enthusiastic``.
        n: Number of sets.
        seed: Seed (a calibration's own).

    Returns:
        A column per ``TRAINING_EFFECTS`` parameter.
    """
    from scipy import stats

    check_evidence(setting)
    rng = np.random.default_rng([int(seed), _STREAM])
    # Normal scores of a Latin hypercube, the later ones leaning on the first
    # (a Gaussian copula): marginals exactly as the priors, correlation CORRELATION.
    z = stats.norm.ppf((rng.permutation(n)[:, None] + rng.random((n, 1))) / n).ravel()
    out = {}
    for k, name in enumerate(TRAINING_EFFECTS):
        if k == 0:
            score = z
        else:
            own = stats.norm.ppf((rng.permutation(n) + rng.random(n)) / n)
            score = CORRELATION * z + np.sqrt(1 - CORRELATION**2) * own
        out[name] = prior(setting, name).ppf(stats.norm.cdf(score))
    return pd.DataFrame(out)


def evidence_table() -> pd.DataFrame:
    """What each evidence setting believes: one row per training-effect parameter."""
    rows = [
        {
            "what": name,
            "meaning": REGISTRY[name].meaning,
            **{s: prior(s, name).describe() for s in EVIDENCE},
            "hoped-for effect": f"{HOPED[name][0]:g}: {HOPED[name][1]}",
        }
        for name in TRAINING_EFFECTS
    ]
    return pd.DataFrame(rows)
