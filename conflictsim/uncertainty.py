"""Decisions under uncertainty: every arm over the plausible worlds, and what would change it.

A comparison over a calibration runs replicate ``k`` of every arm with parameter set ``k``
and the same random numbers, so each replicate is one plausible world. Its table then
gives the uncertainty interval of each difference and the share of worlds where an arm
wins (``conflictsim.comparison``); this module adds the value of information.

The expected value of perfect information (EVPI) is what a planner would gain, on
average, by learning everything before choosing: E[max_d NB_d] - max_d E[NB_d]. The
partial EVPI (EVPPI) of a parameter, or a group of them, is the same when only those are
learnt. Both are estimated by regression (Strong, Oakley & Brennan 2014, Med Decis Making
34:311-326): each arm's net benefit is regressed on the parameters, and the fitted values
stand for the expected net benefit given them. Regression also removes the chance in each
run, so the EVPI is the EVPPI of all the parameters together (Strong et al. 2014, section
on simulation models): a calibration whose sets are all the same has an EVPI of 0, not the
spread of chance.

The regression is an additive penalised spline model (a generalised additive model with a
ridge penalty chosen by generalised cross-validation), from scikit-learn: the same kind of
model as the GAMs Strong et al. fit, and fast enough to redraw a dashboard. Interactions
between the parameters of a group are not modelled; an EVPPI is then, if anything, too low.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.comparison import Comparison, run_arms
from conflictsim.evidence import TRAINING_EFFECTS
from conflictsim.runs import DEFAULT_ENGINE
from conflictsim.scenario import Scenario

#: Name of the row that holds the EVPI (the value of learning every parameter).
ALL = "all"
#: Name of the group of parameters that say what training does.
TRAINING_GROUP = "training effects"
#: Penalties tried by the cross-validation, for outcomes scaled to unit spread.
_ALPHAS = np.logspace(-3, 6, 19)
#: Scale of each parameter's linear term, so large that its penalty is negligible.
_LINE = 1e3
#: Knots per parameter of the spline basis (cubic splines; Strong et al. use 5-10).
_KNOTS = 6


class UncertainComparison(Comparison):
    """A ``Comparison`` that can say what learning each uncertain parameter is worth."""

    def value_of_information(
        self, groups: Mapping[str, Sequence[str]] | None = None
    ) -> pd.DataFrame:
        """The EVPI, and the EVPPI of each uncertain parameter and group of them.

        Money of the whole organisation over the horizon, like ``net_benefit``.

        Args:
            groups: Named groups of parameters to value together; by default the group of
                training-effect parameters the calibration varies, if any.

        Returns:
            One row per parameter that varies across the parameter sets, per group and a
            last row ``all`` (the EVPI): ``parameter``, ``evppi`` and ``share`` (of the
            EVPI; NaN when the EVPI is 0).

        Raises:
            ValueError: If the comparison ran one parameter set (no calibration), or a
                group names a parameter the calibration does not vary.
        """
        if self.worlds is None:
            raise ValueError(
                "this comparison ran one parameter set, so nothing is uncertain in it: "
                "compare over a calibration (compare(..., calibration=cal)) to value "
                "what learning a parameter would be worth"
            )
        if groups is None:
            members = [p for p in TRAINING_EFFECTS if p in self.worlds.columns]
            groups = {TRAINING_GROUP: members} if members else {}
        return value_of_information(self.net_benefit(), self.worlds, groups)


def compare(
    arms: Mapping[str, Scenario],
    replicates: int = 100,
    seed: int = 1,
    *,
    engine: str = DEFAULT_ENGINE,
    calibration: Any = None,
) -> UncertainComparison:
    """Run every arm with common random numbers and compare each with the first.

    Args:
        arms: Arm name to scenario; the first arm is the reference (usually no training).
            Every arm must use the same organisation and horizon.
        replicates: Replicates per arm (replicate k of every arm shares its seed).
        seed: Seed of the whole comparison.
        engine: ``fast`` (the default) or ``mesa``.
        calibration: A ``Calibration`` of the arms' organisation: replicate ``k`` of every
            arm runs its parameter set ``k`` (cycling) with the same random numbers.

    Returns:
        An ``UncertainComparison``: ``table`` (arm, outcome, mean, ci_low, ci_high,
        ui_low, ui_high, p_better, arm_mean, baseline_mean), ``best`` and, over a
        calibration, ``value_of_information()``.
    """
    return UncertainComparison(
        *run_arms(arms, replicates, seed, engine=engine, calibration=calibration)
    )


def value_of_information(
    net_benefit: pd.DataFrame,
    worlds: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] | None = None,
) -> pd.DataFrame:
    """EVPI and EVPPIs by regression (Strong, Oakley & Brennan 2014).

    Learning every parameter is worth at least learning some of them, so where the joint
    regression's EVPI comes out below a partial one (chance in the regressions), the
    largest partial value is the better estimate and is given instead.

    Args:
        net_benefit: One row per replicate, a column per option (the reference's may be
            all 0): net benefit in money.
        worlds: One row per replicate (the same order): the parameter values it ran with.
        groups: Named groups of parameters to value together.

    Returns:
        ``parameter``, ``evppi``, ``share``: a row per parameter that varies, per group,
        and ``all`` (the EVPI) last.

    Raises:
        ValueError: If the two tables differ in length or a group names an unknown or
            unvarying parameter.
    """
    nb = net_benefit.to_numpy(float)
    if len(worlds) != len(nb):
        raise ValueError(f"{len(nb)} replicates of net benefit but {len(worlds)} parameter sets")
    varying = [c for c in worlds.columns if np.ptp(worlds[c].to_numpy(float)) > 0]
    subsets: dict[str, list[str]] = {name: [name] for name in varying}
    for name, members in (groups or {}).items():
        unknown = [m for m in members if m not in varying]
        if unknown:
            raise ValueError(
                f"group {name!r} names {', '.join(map(repr, unknown))}, which the parameter "
                "sets do not vary"
            )
        subsets[name] = list(members)
    regression = AdditiveRegression(nb, worlds[varying])
    values = {name: regression.evppi(members) for name, members in subsets.items()}
    evpi = max([regression.evppi(varying), *values.values()])
    rows = [
        {"parameter": name, "evppi": v, "share": v / evpi if evpi > 0 else np.nan}
        for name, v in [*values.items(), (ALL, evpi)]
    ]
    return pd.DataFrame(rows)


class AdditiveRegression:
    """Expected net benefit given some of the parameters: additive penalised splines.

    Each parameter gets a cubic spline basis and its own penalty, chosen by generalised
    cross-validation when it is fitted alone; a group's model adds its members' bases,
    each scaled by its own penalty, and one common factor is cross-validated again (the
    way a GAM keeps a smoothing parameter per term).

    Args:
        outcomes: Net benefit of each option, shape (replicates, options).
        parameters: The parameter values of each replicate, a column per parameter.
    """

    def __init__(self, outcomes: np.ndarray, parameters: pd.DataFrame) -> None:
        from sklearn.preprocessing import SplineTransformer

        self.y = np.asarray(outcomes, float)
        self.centre = self.y.mean(axis=0)
        scale = self.y.std(axis=0)
        scale[scale == 0] = 1.0
        self.scale = scale
        # Unit spread, so that one grid of penalties suits any currency and any size.
        self.z = (self.y - self.centre) / scale
        self.basis: dict[str, np.ndarray] = {}
        self.alpha: dict[str, np.ndarray] = {}
        if len(self.y) < 3:
            return
        for name in parameters.columns:
            x = parameters[[name]].to_numpy(float)
            splines = SplineTransformer(n_knots=_KNOTS, degree=3, include_bias=False)
            # The straight line goes in almost unpenalised (scaled up), as a GAM leaves
            # a term's linear part unpenalised: only the wiggles are shrunk.
            line = (x - x.mean()) / x.std() * _LINE
            b = np.hstack([line, splines.fit_transform(x)])
            self.basis[name] = b
            self.alpha[name] = _ridge(b, self.z, _ALPHAS).alpha_

    def fitted(self, members: Sequence[str]) -> np.ndarray:
        """Each option's expected net benefit given ``members``, shape (replicates, options).

        Each column's mean is the option's mean net benefit; with no members (or too few
        replicates to fit), every row is that mean.
        """
        members = [m for m in members if m in self.basis]
        if not members:
            return np.broadcast_to(self.centre, self.y.shape).copy()
        out = np.empty_like(self.z)
        for j in range(self.z.shape[1]):
            if len(members) == 1:
                basis, alphas = self.basis[members[0]], [self.alpha[members[0]][j]]
            else:
                basis = np.hstack([self.basis[m] / np.sqrt(self.alpha[m][j]) for m in members])
                alphas = _COMMON
            model = _ridge(basis, self.z[:, [j]], alphas)
            out[:, j] = model.predict(basis).ravel()
        return out * self.scale + self.centre

    def evppi(self, members: Sequence[str]) -> float:
        """Mean best fitted net benefit minus the best mean (0 when nothing is learnt)."""
        if not any(m in self.basis for m in members):
            return 0.0
        fitted = self.fitted(members)
        value = float(fitted.max(axis=1).mean() - fitted.mean(axis=0).max())
        # The fitted means are the sample means, so only rounding can take it below 0.
        return max(value, 0.0)


#: Common factors tried on a group's penalties (1: each member's own penalty).
_COMMON = np.logspace(-2, 2, 9)


def _ridge(basis: np.ndarray, z: np.ndarray, alphas: Any):
    """A ridge regression with its penalty chosen by generalised cross-validation."""
    from sklearn.linear_model import RidgeCV

    return RidgeCV(alphas=alphas, alpha_per_target=z.shape[1] > 1).fit(basis, z)
