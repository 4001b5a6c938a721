"""Evidence settings: what training does at work, before and after the controlled trials.

How well training works is the most uncertain part of the model: controlled studies find
clear gains in skills and confidence and little or no change in incidents (EVIDENCE.md).
An evidence setting is a belief about the parameters that say what training does at work
(``TRAINING_EFFECTS``). Each starts as a prior in the sense of Spiegelhalter, Freedman &
Parmar (1994, J R Stat Soc A 157:357-416):

- *sceptical*: half of the belief on training changing nothing at work (both effects
  exactly 0: a point mass), the other half on a half-normal from 0 with a 5% chance in
  all that the effect is at least the one hoped for (``HOPED``);
- *central*: anything from no effect to the one hoped for, equally plausible;
- *enthusiastic*: most likely the effect hoped for; a 5% chance of no effect at all: a
  normal centred on the hope, cut at 0.

Each prior is then updated by the controlled and before-after trials of training on
incidents, simulated through the model (``conflictsim.virtual_trials``, approximate Bayesian
computation): the posterior draws are stored as plain files in
``conflictsim/data/evidence/`` and are what every comparison, plan and dashboard answer
uses (``training_draws``). ``prior_draws`` gives the priors themselves, for the trials'
update and for showing what the trials changed.

Why a point mass, and not a prior that allows harm: the point mass makes "training
changes nothing at work" an answer the tool can give exactly, which is what a sceptic
claims and what most controlled trials found, and the trials can move belief toward it
or away from it. No study suggests a skills course makes conduct worse (the positive
association of training with incidents in Bowers et al. 2006 is read by its authors as
training given where violence was rising), and the model has no mechanism for it.

These parameters act only through training, so an evidence setting never moves the
baseline: a calibration to the published targets (or an organisation's records) is the
same in every setting, and only the training-effect columns of its parameter sets differ
(``conflictsim.calibration.Calibration.with_evidence``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

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

#: The sceptic's belief that training changes nothing at work (Spiegelhalter et al.'s
#: sceptic puts half of it on no benefit).
NO_EFFECT = 0.5
#: Normal quantile of 5% in one tail: the enthusiast's chance of no effect, and (with
#: the point mass taking half) the sceptic's chance of at least the hope.
_Z_ONE_TAIL = 1.6448536269514722
#: Correlation of the training effects' normal scores within a world: whether trained
#: skills show at work decides both how trainees behave and how well responders do, so a
#: world where training does little does little in both ways (an assumption).
CORRELATION = 0.7
#: Tag of the stream that draws training effects (with the calibration's seed).
_STREAM = 0xEF1D
#: Tag of the stream that draws sets from a stored posterior.
_POSTERIOR_STREAM = 0xEF1E
#: Where the posteriors given the trials are stored (``conflictsim.virtual_trials`` writes them).
POSTERIORS = Path(__file__).resolve().parent / "data" / "evidence"


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
        no_effect: Probability of exactly 0 (a point mass), the rest spread as above.
    """

    name: str
    kind: str
    centre: float
    spread: float
    low: float
    high: float
    no_effect: float = 0.0

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """Values at cumulative probabilities ``u`` (in (0, 1)), the point mass first."""
        u = np.asarray(u, float)
        if self.no_effect > 0:
            rest = np.clip((u - self.no_effect) / (1 - self.no_effect), 0.0, 1.0)
            return np.where(u < self.no_effect, 0.0, self.slab(rest))
        return self.slab(u)

    def slab(self, u: np.ndarray) -> np.ndarray:
        """Values of the continuous part at cumulative probabilities ``u``."""
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
        """In words, for tables: "normal at 0.3 (SD 0.18), cut to 0-0.4; median ..."."""
        lo, mid, hi = self.quantiles()
        if self.kind == "uniform":
            shape = f"uniform {self.centre:g}-{self.spread:g}"
        elif self.centre == 0:
            shape = f"half-normal from 0 (SD {self.spread:.2g}), cut at {self.high:g}"
        else:
            shape = f"normal at {self.centre:g} (SD {self.spread:.2g}), cut to {self.low:g}-"
            shape += f"{self.high:g}"
        if self.no_effect:
            shape = f"{self.no_effect:.0%} exactly 0, else {shape}"
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
        # Of the half that is not exactly 0, a tenth lies above the hope: 5% in all.
        return EffectPrior(name, "normal", 0.0, hope / _Z_ONE_TAIL, low, high, NO_EFFECT)
    if setting == "enthusiastic":
        return EffectPrior(name, "normal", hope, hope / _Z_ONE_TAIL, low, high)
    return EffectPrior(name, "uniform", low, hope, low, high)


def prior_draws(setting: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` sets of training effects drawn from an evidence setting's priors.

    A Latin hypercube (each parameter's strata hit once, in an order of their own), so
    that a few hundred sets cover each prior evenly; the later effects lean on the first
    (a Gaussian copula with correlation ``CORRELATION``, marginals as the priors). Under
    the sceptical prior, exactly ``round(NO_EFFECT * n)`` sets, chosen at random, have
    both effects 0 (training changes nothing at work) and the rest cover the half-normal
    part. The same seed gives the same draws anywhere.

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
    n = int(n)
    priors = {name: prior(setting, name) for name in TRAINING_EFFECTS}
    nothing = np.zeros(n, dtype=bool)
    share = priors[TRAINING_EFFECTS[0]].no_effect
    if share > 0:
        nothing[rng.permutation(n)[: int(round(share * n))]] = True
    m = int((~nothing).sum())
    # Normal scores of a Latin hypercube, the later ones leaning on the first.
    z = stats.norm.ppf((rng.permutation(m)[:, None] + rng.random((m, 1))) / m).ravel()
    out = {}
    for k, name in enumerate(TRAINING_EFFECTS):
        if k == 0:
            score = z
        else:
            own = stats.norm.ppf((rng.permutation(m) + rng.random(m)) / m)
            score = CORRELATION * z + np.sqrt(1 - CORRELATION**2) * own
        values = np.zeros(n)
        values[~nothing] = priors[name].slab(stats.norm.cdf(score))
        out[name] = values
    return pd.DataFrame(out)


@cache
def stored_posterior(setting: str) -> tuple[pd.DataFrame, dict]:
    """The stored posterior of a setting given the trials: its sets and how it was made.

    Raises:
        ValueError: If the files are missing (regenerate them:
            ``uv run python experiments/store_evidence.py``).
    """
    check_evidence(setting)
    table, about = POSTERIORS / f"{setting}.csv", POSTERIORS / f"{setting}.json"
    if not table.is_file() or not about.is_file():
        raise ValueError(
            f"{table}: the {setting} evidence given the trials is missing; regenerate it "
            "with: uv run python experiments/store_evidence.py"
        )
    sets = pd.read_csv(table, dtype=float)
    return sets[list(TRAINING_EFFECTS)], json.loads(about.read_text(encoding="utf-8"))


def training_draws(setting: str, n: int, seed: int) -> pd.DataFrame:
    """``n`` sets of training effects from an evidence setting given the trials.

    The stored posterior (``stored_posterior``) is a few thousand equally weighted sets;
    ``n`` of them are taken by systematic sampling along ``skill_transfer`` (so that even
    a few hundred cover the posterior evenly, as a Latin hypercube would), in an order
    shuffled by ``seed``. The same seed gives the same sets anywhere.

    Args:
        setting: ``sceptical``, ``central`` or ``enthusiastic``.
        n: Number of sets.
        seed: Seed (a calibration's own).

    Returns:
        A column per ``TRAINING_EFFECTS`` parameter.
    """
    sets, _ = stored_posterior(setting)
    rng = np.random.default_rng([int(seed), _POSTERIOR_STREAM])
    n = int(n)
    order = np.lexsort((sets[TRAINING_EFFECTS[1]].to_numpy(), sets[TRAINING_EFFECTS[0]].to_numpy()))
    picks = order[np.minimum(((rng.random() + np.arange(n)) / n * len(sets)).astype(int),
                             len(sets) - 1)]  # fmt: skip
    chosen = sets.iloc[picks[rng.permutation(n)]].reset_index(drop=True)
    return chosen.astype(float)


def no_effect_share(setting: str) -> tuple[float, float]:
    """The share of the belief on training changing nothing at work: before, after the trials."""
    sets, _ = stored_posterior(setting)
    after = float((sets == 0).all(axis=1).mean())
    return prior(setting, TRAINING_EFFECTS[0]).no_effect, after


def evidence_table() -> pd.DataFrame:
    """What each evidence setting believes: one row per training-effect parameter.

    The prior of each setting, and its posterior given the trials (median and the
    middle 90%, with the share of worlds where training changes nothing at work).
    """
    rows = []
    for name in TRAINING_EFFECTS:
        row = {"what": name, "meaning": REGISTRY[name].meaning}
        for s in EVIDENCE:
            row[s] = prior(s, name).describe()
            sets, _ = stored_posterior(s)
            v = sets[name].to_numpy()
            lo, mid, hi = np.quantile(v, [0.05, 0.5, 0.95])
            nothing = (sets == 0).all(axis=1).mean()
            row[f"{s} given the trials"] = f"median {mid:.2g}, 90% {lo:.2g}-{hi:.2g}" + (
                f"; {nothing:.0%} exactly 0" if nothing > 0 else ""
            )
        row["hoped-for effect"] = f"{HOPED[name][0]:g}: {HOPED[name][1]}"
        rows.append(row)
    return pd.DataFrame(rows)
