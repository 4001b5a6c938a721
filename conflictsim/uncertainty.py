"""Decisions under uncertainty: every arm over the plausible worlds, and what would change it.

A comparison over a calibration runs replicate ``k`` of every arm with parameter set ``k``
and the same random numbers, so each replicate is one plausible world. Its table then
gives the uncertainty interval of each difference and the share of worlds where an arm
wins (``conflictsim.comparison``); this module adds the value of information.

The expected value of perfect information (EVPI) is what a planner would gain, on
average, by learning everything uncertain before choosing: E[max_d NB_d(theta)] -
max_d E[NB_d], where NB_d(theta) is option d's *expected* net benefit given the
parameters theta. The partial EVPI (EVPPI) of a parameter, or a group of them, is the
same when only those are learnt.

Each world here is one stochastic run: its net benefit is the expected one plus the
run's own chance, often larger than anything the parameters do. Taking the best option
world by world from such runs, or from a regression fitted to them, counts that chance
as information (O'Hagan, Stevenson & Madan 2007, Health Econ 16:1009-1023, on
patient-level simulation). So the value is estimated in two steps:

1. the expected net benefit given the parameters is a regression of the runs on them
   (Strong, Oakley & Brennan 2014, Med Decis Making 34:311-326): additive penalised
   splines (scikit-learn's spline basis), a penalty per parameter chosen by leave-one-out
   error;
2. the decision rule "choose the option the regression says is best in this world" is
   fitted without the world it is applied to (cross-fitting: each fold's rule comes from
   the other folds; Chernozhukov et al. 2018, Econometrics J 21:C1-C68), and its value is
   read off the runs themselves: the mean, over worlds, of the chosen option's net
   benefit less that of the option chosen without learning. A world's own chance cannot
   steer the choice made for it, so chance adds nothing on average: an option better in
   every world, or a parameter no option depends on, is worth about 0. The estimate is,
   if anything, low (a fitted rule is never better than the true one; Athey & Wager
   2021, Econometrica 89:133-161, value a learnt policy the same way).

Learning a group of parameters is worth at least learning any one of them (the member's
rule can still be used), and learning everything at least any group: the estimates are
held to that order. A parameter that no option's outcome can depend on (what responders
achieve, when no option trains responders) is worth exactly 0 and is not fitted.
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
#: Common factors tried on a group's penalties (1: each member's own penalty).
_COMMON = np.logspace(-2, 2, 9)
#: Scale of each parameter's linear term, so large that its penalty is negligible.
_LINE = 1e3
#: Knots per parameter of the spline basis (cubic splines; Strong et al. use 5-10).
_KNOTS = 6
#: Folds of the cross-fitting.
FOLDS = 5
#: Tag of the stream that splits worlds into folds.
_FOLD_STREAM = 0x701D


class UncertainComparison(Comparison):
    """A ``Comparison`` that can say what learning each uncertain parameter is worth."""

    def value_of_information(
        self, groups: Mapping[str, Sequence[str]] | None = None
    ) -> pd.DataFrame:
        """The EVPI, and the EVPPI of each uncertain parameter and group of them.

        Money of the whole organisation over the horizon, like ``net_benefit``.

        Args:
            groups: Named groups of parameters to value together; by default the group of
                training-effect parameters the calibration varies and some option can
                depend on, if any.

        Returns:
            One row per parameter that varies across the parameter sets, per group and a
            last row ``all`` (the EVPI): ``parameter``, ``evppi``, ``se`` (its standard
            error from the runs' chance), ``share`` (of the EVPI; NaN when the EVPI is 0)
            and ``relevant`` (False: no option's outcome can depend on it, worth 0).

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
        relevant = self.relevant_parameters()
        if groups is None:
            members = [p for p in TRAINING_EFFECTS if p in self.worlds.columns and p in relevant]
            groups = {TRAINING_GROUP: members} if len(members) > 1 else {}
        return value_of_information(self.net_benefit(), self.worlds, groups, relevant)

    def relevant_parameters(self) -> list[str]:
        """The varying parameters some option's outcome can depend on.

        Every parameter of the baseline moves every arm; what training does at work
        moves only arms that train (``skill_transfer``), and what responders achieve
        only arms whose programmes make responders (``responder_success``).
        """
        trains = [p for name in self.arms[1:] for p in self.scenarios[name].programmes]
        out = []
        for name in [] if self.worlds is None else self.worlds.columns:
            if name == "skill_transfer" and not trains:
                continue
            if name == "responder_success" and not any(p.makes_responders for p in trains):
                continue
            out.append(name)
        return out


def compare(
    arms: Mapping[str, Scenario],
    replicates: int = 100,
    seed: int = 1,
    *,
    engine: str = DEFAULT_ENGINE,
    calibration: Any = None,
    responders_apart: bool = True,
    model_cls: Any = None,
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
        responders_apart: Also run every arm whose trainees act as responders without
            them (``responders``: how much of its effect rests on them).
        model_cls: A subclass of ``ConflictModel`` (a behaviour of your own) to run with
            ``engine="mesa"``; the fast engine runs ``ConflictModel``'s rules only and
            warns (``UserWarning``) that it ignores one.

    Returns:
        An ``UncertainComparison``: ``table`` (arm, outcome, mean, ci_low, ci_high,
        ui_low, ui_high, p_better, arm_mean, baseline_mean), ``best``,
        ``break_even``, ``responders`` and, over a calibration,
        ``value_of_information()``.
    """
    return UncertainComparison(
        *run_arms(
            arms,
            replicates,
            seed,
            engine=engine,
            calibration=calibration,
            responders_apart=responders_apart,
            model_cls=model_cls,
        )
    )


def value_of_information(
    net_benefit: pd.DataFrame,
    worlds: pd.DataFrame,
    groups: Mapping[str, Sequence[str]] | None = None,
    relevant: Sequence[str] | None = None,
    folds: int = FOLDS,
    seed: int = 0,
) -> pd.DataFrame:
    """EVPI and EVPPIs of noisy runs: regression, then a cross-fitted decision rule.

    See the module's description for the method.

    Args:
        net_benefit: One row per replicate, a column per option (the reference's may be
            all 0): net benefit in money.
        worlds: One row per replicate (the same order): the parameter values it ran with.
        groups: Named groups of parameters to value together.
        relevant: The parameters any option can depend on (default: every one); the
            others are worth exactly 0.
        folds: Folds of the cross-fitting.
        seed: Seed of the split into folds.

    Returns:
        ``parameter``, ``evppi``, ``se``, ``share``, ``relevant``: a row per parameter
        that varies, per group, and ``all`` (the EVPI) last.

    Raises:
        ValueError: If the two tables differ in length or a group names an unknown or
            unvarying parameter.
    """
    nb = net_benefit.to_numpy(float)
    if len(worlds) != len(nb):
        raise ValueError(f"{len(nb)} replicates of net benefit but {len(worlds)} parameter sets")
    varying = [c for c in worlds.columns if np.ptp(worlds[c].to_numpy(float)) > 0]
    matter = [c for c in varying if relevant is None or c in set(relevant)]
    subsets: dict[str, list[str]] = {name: [name] for name in varying}
    for name, members in (groups or {}).items():
        unknown = [m for m in members if m not in varying]
        if unknown:
            raise ValueError(
                f"group {name!r} names {', '.join(map(repr, unknown))}, which the parameter "
                "sets do not vary"
            )
        subsets[name] = list(members)
    rule = RuleValue(nb, worlds[matter], folds, seed)
    values = {name: rule.value([m for m in members if m in matter]) for name, members in
              subsets.items()}  # fmt: skip
    # A group is worth at least its members (their rules remain open to it), and
    # everything at least any part.
    for name, members in (groups or {}).items():
        values[name] = max([values[name], *(values[m] for m in members)], key=lambda v: v[0])
    evpi = max([rule.value(matter), *values.values()], key=lambda v: v[0])
    rows = [
        {
            "parameter": name,
            "evppi": v,
            "se": se,
            "share": v / evpi[0] if evpi[0] > 0 else np.nan,
            "relevant": name == ALL or any(m in matter for m in subsets.get(name, [name])),
        }
        for name, (v, se) in [*values.items(), (ALL, evpi)]
    ]
    out = pd.DataFrame(rows)
    out.attrs["worlds"] = len(nb)
    return out


class RuleValue:
    """The value of choosing, world by world, by what some parameters say.

    For a set of parameters: each option's net benefit gain over the option chosen on
    what is known (``baseline``), regressed on those parameters (``AdditiveRegression``)
    by folds, each fold's worlds predicted by the regression of the others; the rule
    picks the option with the largest predicted gain where one is above 0, and its value
    is the mean gain the runs themselves show for the options picked.

    Args:
        outcomes: Net benefit of each option, shape (replicates, options).
        parameters: The parameter values of each replicate, a column per parameter.
        folds: Folds of the cross-fitting.
        seed: Seed of the split.
    """

    def __init__(self, outcomes: np.ndarray, parameters: pd.DataFrame, folds: int, seed: int):
        y = np.asarray(outcomes, float)
        self.baseline = int(np.argmax(y.mean(axis=0))) if y.size else 0
        self.gain = y - y[:, [self.baseline]]  # the chosen option's gain is 0
        self.mean_gain = self.gain.mean(axis=0)
        self.regression = AdditiveRegression(parameters)
        n = len(y)
        k = max(2, min(int(folds), n))
        order = np.random.default_rng([int(seed), _FOLD_STREAM]).permutation(n)
        self.fold = np.empty(n, dtype=np.int64)
        self.fold[order] = np.arange(n) % k

    def value(self, members: Sequence[str]) -> tuple[float, float]:
        """(EVPPI, its standard error) of learning ``members`` (0 for none)."""
        members = [m for m in members if m in self.regression.basis]
        n = len(self.gain)
        if not members or n < 10 or self.gain.shape[1] < 2:
            return (0.0, 0.0)
        predicted = np.empty_like(self.gain)
        for f in np.unique(self.fold):
            test = self.fold == f
            # Only how the gain varies with the parameters is learnt from the other
            # folds; its level is the whole sample's mean, which the choice without
            # learning was made on, so a fold's own mean cannot tip the choice.
            dev = self.regression.predict(self.gain[~test], ~test, test, members)
            predicted[test] = self.mean_gain + dev
        pick = np.argmax(predicted, axis=1)
        pick[predicted[np.arange(n), pick] <= 0] = self.baseline
        realised = self.gain[np.arange(n), pick]
        value = float(realised.mean())
        se = float(realised.std(ddof=1) / np.sqrt(n))
        return (max(value, 0.0), se)


class AdditiveRegression:
    """Expected outcomes given some of the parameters: additive penalised splines.

    Each parameter gets a cubic spline basis (knots from every world: no outcome is read)
    and a straight line left almost unpenalised; a fit chooses each member's penalty by
    leave-one-out error on it alone, then one common factor for a group's members
    together (the way a GAM keeps a smoothing parameter per term).

    Args:
        parameters: The parameter values of each replicate, a column per parameter.
    """

    def __init__(self, parameters: pd.DataFrame) -> None:
        from sklearn.preprocessing import SplineTransformer

        self.basis: dict[str, np.ndarray] = {}
        self._own: dict[tuple[bytes, str], Any] = {}
        if len(parameters) < 3:
            return
        for name in parameters.columns:
            x = parameters[[name]].to_numpy(float)
            splines = SplineTransformer(n_knots=_KNOTS, degree=3, include_bias=False)
            line = (x - x.mean()) / x.std() * _LINE
            b = np.hstack([line, splines.fit_transform(x)])
            self.basis[name] = b - b.mean(axis=0)

    def predict(
        self, y: np.ndarray, train: np.ndarray, test: np.ndarray, members: Sequence[str]
    ) -> np.ndarray:
        """Fitted deviations of ``y`` (rows ``train``) from its mean, at rows ``test``.

        Args:
            y: Outcomes of the training rows, shape (train rows, options).
            train: Rows fitted (a mask over every world).
            test: Rows predicted.
            members: The parameters regressed on.

        Returns:
            Shape (test rows, options): each option's expected outcome given ``members``
            less its mean over the training rows.
        """
        centre = y.mean(axis=0)
        scale = y.std(axis=0)
        scale[scale == 0] = 1.0
        z = (y - centre) / scale  # unit spread: one grid of penalties suits any money
        out = np.zeros((int(test.sum()), y.shape[1]))
        key = train.tobytes()
        own = {}
        for m in members:  # each member's own penalty, once per fold
            if (key, m) not in self._own:
                self._own[(key, m)] = _ridge(self.basis[m][train], z, _ALPHAS).alpha_
            own[m] = self._own[(key, m)]
        for j in range(y.shape[1]):
            if scale[j] == 1.0 and not np.any(y[:, j] - centre[j]):
                continue  # nothing varies: no deviation to learn
            if len(members) == 1:
                basis, alphas = self.basis[members[0]], [own[members[0]][j]]
            else:
                basis = np.hstack([self.basis[m] / np.sqrt(own[m][j]) for m in members])
                alphas = _COMMON
            model = _ridge(basis[train], z[:, [j]], alphas)
            level = model.predict(basis[train]).mean()
            out[:, j] = (model.predict(basis[test]).ravel() - level) * scale[j]
        return out


class _Ridge:
    """Ridge regression with an intercept, each target's penalty chosen by leave-one-out error.

    What scikit-learn's ``RidgeCV(alpha_per_target=True)`` does by default (the efficient
    leave-one-out of one decomposition, Golub, Heath & Wahba 1979), written out on one
    singular value decomposition: the value of information fits a few hundred such small
    regressions per answer, and the library's checks of its inputs took most of their time
    (0.43 s of the dashboard's answer against 0.1 s here).
    """

    def __init__(self, basis: np.ndarray, z: np.ndarray, alphas: Any) -> None:
        x = np.asarray(basis, float)
        y = np.asarray(z, float)
        n = len(x)
        self.x_mean, self.y_mean = x.mean(axis=0), y.mean(axis=0)
        u, sv, vt = np.linalg.svd(x - self.x_mean, full_matrices=False)
        uty = u.T @ (y - self.y_mean)
        s2 = sv**2
        alphas = np.atleast_1d(np.asarray(alphas, float))
        errors = np.empty((len(alphas), y.shape[1]))
        for i, a in enumerate(alphas):
            d = s2 / (s2 + a)
            resid = (y - self.y_mean) - u @ (d[:, None] * uty)
            leverage = (u**2) @ d + 1.0 / n  # the intercept's share too
            errors[i] = ((resid / (1.0 - leverage)[:, None]) ** 2).mean(axis=0)
        pick = errors.argmin(axis=0)
        self.alpha_ = alphas[pick]
        shrink = sv[:, None] / (s2[:, None] + self.alpha_[None, :])  # (rank, targets)
        self.coef_ = vt.T @ (shrink * uty)

    def predict(self, basis: np.ndarray) -> np.ndarray:
        """Fitted values at ``basis``, shape (rows, targets)."""
        return (np.asarray(basis, float) - self.x_mean) @ self.coef_ + self.y_mean


def _ridge(basis: np.ndarray, z: np.ndarray, alphas: Any) -> _Ridge:
    """A ridge regression with each target's penalty chosen by leave-one-out error."""
    return _Ridge(basis, z, alphas)
