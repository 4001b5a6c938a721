"""Comparing arms with common random numbers: paired differences, costs and the ripple.

Replicate k of every arm runs with the same seed, so the difference between two arms in
replicate k is a paired difference: most of the chance variation cancels and the
confidence intervals are narrow (common random numbers; Law 2015, Simulation Modeling and
Analysis, ch. 11). An arm that trains nobody reproduces the first arm exactly.

Over a calibration, replicate k of every arm also runs parameter set k, so each
replicate is one plausible world: the table's uncertainty intervals and ``p_better`` are
over those worlds, and ``Comparison.value_of_information`` says what learning each
uncertain quantity would be worth (``conflictsim.uncertainty``).

``compare`` runs the arms; ``Comparison`` is the one comparison every reader uses: the
Python API, the batch runner's stored runs (``batch.comparisons``), the planner, the
report and the console. ``Comparison.wide`` gives each arm's figures on one row, with
the outcomes where less is better turned into what the arm avoids.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from conflictsim import outcomes, uncertainty
from conflictsim.evidence import TRAINING_EFFECTS
from conflictsim.graph import distances_to
from conflictsim.outcomes import OUTCOMES, RIPPLE_CLASSES, RIPPLE_OUTCOMES
from conflictsim.runs import DEFAULT_ENGINE, ArmRuns, runner_for
from conflictsim.scenario import Scenario


class Comparison:
    """Arms compared with the first, replicate by replicate.

    Attributes:
        arms: Arm names, the first being the reference.
        scenarios: The scenario of each arm.
        runs: The replicates of each arm.
        paired: One row per arm (but the first) and replicate: each outcome's difference
            from the first arm, and ``net_benefit`` and ``roi``.
        table: Per arm and outcome: the mean paired difference from the first arm with a
            95% confidence interval of that mean (``ci_low``, ``ci_high``), the 90%
            uncertainty interval of the difference itself (``ui_low``, ``ui_high``: where
            the middle 90% of replicates fall; over a calibration, of plausible worlds),
            ``p_better`` (the share of replicates in which the arm does better than the
            first; ties count half), and the two arms' means.
        worlds: With a calibration, one row per replicate (in ``paired`` order): the
            values of the parameter set it ran with; None otherwise.
        apart: For each arm whose trainees act as responders, its runs with them not
            acting (``without_responders``): the same replicates, seeds and parameter
            sets; empty when they were not run.
    """

    def __init__(
        self,
        scenarios: dict[str, Scenario],
        runs: dict[str, ArmRuns],
        worlds: pd.DataFrame | None = None,
        apart: dict[str, ArmRuns] | None = None,
    ) -> None:
        self.arms = list(scenarios)
        self.scenarios = scenarios
        self.runs = runs
        self.worlds = worlds
        self.apart = dict(apart or {})
        self._ripple_base: dict[tuple[str, str], np.ndarray] = {}
        self.paired = self._paired()
        self.table = self._table()

    @functools.cached_property
    def ripple(self) -> pd.DataFrame:
        """The spillover per untrained person, per arm and distance class.

        Returns:
            ``arm``, ``distance`` (1, 2, 3+), ``people`` (untrained, in that class),
            ``change_per_person`` (in conflicts among untrained colleagues), ``ci_low``,
            ``ci_high`` (``ripple_per_person``).
        """
        org = self.scenarios[self.arms[0]].org
        base = self.runs[self.arms[0]]
        frames = []
        for name in self.arms[1:]:
            frame = ripple_per_person(org, self.runs[name], base)
            if not frame.empty:
                frame.insert(0, "arm", name)
                frames.append(frame)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def net_benefit(self) -> pd.DataFrame:
        """Net benefit of every arm against the first, one row per replicate.

        Returns:
            A column per arm, the first arm's being 0 (money, whole organisation, over
            the horizon: the conflict cost avoided minus the extra cost of training).
        """
        out = {self.arms[0]: np.zeros(len(self.runs[self.arms[0]].summary))}
        for name in self.arms[1:]:
            out[name] = self.paired.loc[self.paired["arm"] == name, "net_benefit"].to_numpy()
        return pd.DataFrame(out)

    @property
    def best(self) -> pd.DataFrame:
        """How often each arm is the best choice, the first arm included.

        The best arm of a replicate is the one with the highest net benefit against the
        first arm (whose own is 0); arms tied at the top share it equally. Over a
        calibration each replicate is one plausible world (a parameter set and one draw
        of chance), so ``p_best`` is the share of plausible worlds where the arm is best.

        Returns:
            One row per arm: ``arm``, ``net_benefit`` (mean), ``ui_low``, ``ui_high`` (its
            90% uncertainty interval) and ``p_best``.
        """
        nb = self.net_benefit()
        values = nb.to_numpy(float)
        top = values == values.max(axis=1, keepdims=True)
        share = (top / top.sum(axis=1, keepdims=True)).mean(axis=0)
        rows = []
        for j, name in enumerate(nb.columns):
            low, high = uncertainty_interval(values[:, j])
            rows.append(
                {
                    "arm": name,
                    "net_benefit": float(values[:, j].mean()),
                    "ui_low": low,
                    "ui_high": high,
                    "p_best": float(share[j]),
                }
            )
        return pd.DataFrame(rows)

    @functools.cached_property
    def responders(self) -> pd.DataFrame:
        """How much of each arm's effect rests on trained responders defusing conflicts.

        No study has measured bystanders defusing conflicts (responder_success is an
        assumption), so each arm whose trainees act as responders is also run with them
        not acting, replicate by replicate with the same numbers; the difference is what
        rests on them.

        Returns:
            One row per arm run apart: ``arm``, ``avoided`` (conflicts avoided, mean)
            with ``ui_low``, ``ui_high`` (90% uncertainty interval), ``avoided_without``
            with ``without_ui_low``, ``without_ui_high`` (with responders not acting),
            ``share`` (of the conflicts avoided that rest on responders: 1 - without /
            with, NaN where nothing is avoided), ``net_benefit`` and
            ``net_benefit_without``.
        """
        base = self.runs[self.arms[0]].summary
        rows = []
        for name in self.arms[1:]:
            if name not in self.apart:
                continue
            with_ = base["conflicts"].to_numpy(float) - self.runs[name].summary["conflicts"]
            without = base["conflicts"].to_numpy(float) - self.apart[name].summary["conflicts"]
            nb = self.paired.loc[self.paired["arm"] == name, "net_benefit"].to_numpy(float)
            nb_without = -(
                (self.apart[name].summary["cost_conflict"] - base["cost_conflict"])
                + (self.apart[name].summary["cost_training"] - base["cost_training"])
            ).to_numpy(float)
            a, b = float(np.mean(with_)), float(np.mean(without))
            lo, hi = uncertainty_interval(np.asarray(with_, float))
            wlo, whi = uncertainty_interval(np.asarray(without, float))
            rows.append(
                {
                    "arm": name,
                    "avoided": a,
                    "ui_low": lo,
                    "ui_high": hi,
                    "avoided_without": b,
                    "without_ui_low": wlo,
                    "without_ui_high": whi,
                    "share": 1 - b / a if a > 0 else np.nan,
                    "net_benefit": float(nb.mean()),
                    "net_benefit_without": float(nb_without.mean()),
                }
            )
        return pd.DataFrame(rows)

    @functools.cached_property
    def break_even(self) -> pd.DataFrame:
        """What each arm must achieve to pay for itself, against what it is expected to.

        An arm pays for itself once the conflict costs it avoids match its extra cost of
        training. A conflict avoided is valued at the first arm's average cost of a
        conflict: its hours at the wage, with the cost of replacing people who quit
        spread over the conflicts (so conflicts avoided are taken to be like the rest,
        and fewer conflicts to mean proportionally fewer quits).

        Returns:
            One row per arm but the first: ``arm``, ``cost`` (extra training cost, mean),
            ``value_per_conflict``, ``conflicts`` (the fewest conflicts avoided at which
            the expected net benefit is 0), ``share`` (of the first arm's conflicts), and
            what the runs expect: ``expected`` conflicts avoided and ``expected_share``,
            with ``ui_low``, ``ui_high`` (the 90% uncertainty interval of the share).
        """
        base = self.runs[self.arms[0]].summary
        conflicts = float(base["conflicts"].mean())
        value = float(base["cost_conflict"].mean()) / conflicts if conflicts > 0 else np.nan
        rows = []
        for name in self.arms[1:]:
            pair = self.paired[self.paired["arm"] == name]
            cost = float(pair["cost_training"].mean())
            need = cost / value if value > 0 else np.nan
            avoided = -pair["conflicts"].to_numpy(float)
            share = avoided / base["conflicts"].to_numpy(float)
            low, high = uncertainty_interval(share)
            rows.append(
                {
                    "arm": name,
                    "cost": cost,
                    "value_per_conflict": value,
                    "conflicts": need,
                    "share": need / conflicts if conflicts > 0 else np.nan,
                    "expected": float(avoided.mean()),
                    "expected_share": float(avoided.mean()) / conflicts
                    if conflicts > 0
                    else np.nan,
                    "ui_low": low,
                    "ui_high": high,
                }
            )
        return pd.DataFrame(rows)

    def _paired(self) -> pd.DataFrame:
        base_name = self.arms[0]
        base = self.runs[base_name]
        org = self.scenarios[base_name].org
        frames = []
        for name in self.arms[1:]:
            arm = self.runs[name]
            cols = [c for c in base.summary.columns if c != "replicate"]
            diff = arm.summary[cols].to_numpy(float) - base.summary[cols].to_numpy(float)
            df = pd.DataFrame(diff, columns=cols)
            extra_training = df["cost_training"].to_numpy()
            df["net_benefit"] = -df["cost_conflict"] - extra_training
            # The same money in two kinds: cash that stays in the bank (fewer people
            # replaced, less spent on fees), and working time given back.
            if "cost_cash" in df:  # runs stored before money was split have no split
                df["net_benefit_cash"] = -df["cost_cash"]
                df["net_benefit_time"] = -df["cost_time"]
            with np.errstate(divide="ignore", invalid="ignore"):
                df["roi"] = np.where(extra_training > 0, df["net_benefit"] / extra_training, np.nan)
            for col, (change, before) in ripple(org, arm, base).items():
                df[col] = change
                self._ripple_base[(name, col)] = before
            df.insert(0, "replicate", arm.summary["replicate"].to_numpy())
            df.insert(0, "arm", name)
            frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def _table(self) -> pd.DataFrame:
        rows = []
        base = self.runs[self.arms[0]].summary
        for name in self.arms[1:]:
            pair = self.paired[self.paired["arm"] == name]
            arm = self.runs[name].summary
            for outcome in [c for c in pair.columns if c not in ("arm", "replicate")]:
                d = pair[outcome].to_numpy(float)
                mean, low, high = mean_ci(d)
                ui_low, ui_high = uncertainty_interval(d)
                if outcome in arm:
                    arm_mean, base_mean = float(arm[outcome].mean()), float(base[outcome].mean())
                elif (name, outcome) in self._ripple_base:
                    # The same untrained people's conflicts in the first arm.
                    base_mean = float(self._ripple_base[(name, outcome)].mean())
                    arm_mean = base_mean + mean
                else:  # net benefit and ROI exist only as differences
                    arm_mean, base_mean = mean, np.nan
                rows.append(
                    {
                        "arm": name,
                        "outcome": outcome,
                        "mean": mean,
                        "ci_low": low,
                        "ci_high": high,
                        "ui_low": ui_low,
                        "ui_high": ui_high,
                        "p_better": p_better(outcome, d),
                        "arm_mean": arm_mean,
                        "baseline_mean": base_mean,
                    }
                )
        return pd.DataFrame(rows)

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
            groups = {uncertainty.TRAINING_GROUP: members} if len(members) > 1 else {}
        return uncertainty.value_of_information(self.net_benefit(), self.worlds, groups, relevant)

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

    def wide(self, names: Sequence[str] | None = None) -> pd.DataFrame:
        """Each arm's figures on one row (``wide_table`` of ``table``)."""
        return wide_table(self.table, names)

    def __repr__(self) -> str:
        return (
            f"Comparison({', '.join(self.arms)}; {len(self.runs[self.arms[0]].summary)} replicates)"
        )


def _untrained(arm: ArmRuns, base: ArmRuns, k: int) -> np.ndarray:
    """Posts trained in neither arm in replicate ``k``: the people the ripple is about."""
    return ~(arm.trained[k].astype(bool) | base.trained[k].astype(bool))


def ripple(org, arm: ArmRuns, base: ArmRuns) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Direct and spillover effects: conflicts split by who is party to them.

    For replicate k, a trainee is anyone the arm trained; the untrained are those trained
    in neither arm (a post the first arm trains is not an untrained colleague of the
    other). Counted per tie, in the arm and in the first arm, for the same ties:
    ``conflicts_with_trained`` (a trainee is party: the direct effect),
    ``conflicts_among_untrained`` (both parties untrained: the spillover, Halloran &
    Struchiner 1991), split by the nearer party's ties to the nearest trainee (1, 2, 3 or
    more; no path counts as 3 or more), and ``conflicts_untrained`` (an untrained party).
    A distance class with no untrained person in it is NaN, not 0.

    Returns:
        Outcome name to (change per replicate, first arm's conflicts of the same ties);
        empty when the runs kept no conflicts per tie.
    """
    if arm.edge_conflicts is None or base.edge_conflicts is None:
        return {}
    src, dst = org.edge_src, org.edge_dst
    names = ["conflicts_with_trained", *RIPPLE_OUTCOMES, "conflicts_untrained"]
    change = {name: [] for name in names}
    before = {name: [] for name in names}
    distances = distances_to(org, arm.trained.astype(bool))
    for k in range(arm.trained.shape[0]):
        trained = arm.trained[k].astype(bool)
        untrained = _untrained(arm, base, k)
        among = untrained[src] & untrained[dst]
        dist = distances[k]
        nearer = np.minimum(dist[src], dist[dst])  # the nearer party's distance
        masks = {
            "conflicts_with_trained": trained[src] | trained[dst],
            "conflicts_among_untrained": among,
            "conflicts_untrained": untrained[src] | untrained[dst],
        }
        people = {}
        for name, lo, hi in RIPPLE_CLASSES:
            in_class = (nearer >= lo) & ((nearer <= hi) if hi is not None else True)
            masks[f"conflicts_among_untrained_{name}"] = among & in_class
            who = (dist >= lo) & ((dist <= hi) if hi is not None else True)
            people[f"conflicts_among_untrained_{name}"] = int((untrained & who).sum())
        for name in names:
            a = arm.edge_conflicts[k][masks[name]].sum()
            b = base.edge_conflicts[k][masks[name]].sum()
            empty = people.get(name, 1) == 0
            change[name].append(np.nan if empty else a - b)
            before[name].append(np.nan if empty else b)
    return {
        name: (np.asarray(change[name], float), np.asarray(before[name], float)) for name in names
    }


def ripple_per_person(org, arm: ArmRuns, base: ArmRuns, level: float = 0.95) -> pd.DataFrame:
    """The spillover per untrained person, by distance to the nearest trainee.

    For replicate k and each class: the untrained people in it (trained in neither arm),
    and the change in their conflicts with other untrained colleagues (arm minus first
    arm), per person. Means over replicates with a Student-t interval; NaN where a class
    is empty in every replicate.

    Returns:
        One row per class: ``distance`` (1, 2, 3+), ``people`` (mean), ``change_per_person``,
        ``ci_low``, ``ci_high``; empty when the runs kept no conflicts per tie.
    """
    if arm.edge_conflicts is None or base.edge_conflicts is None:
        return pd.DataFrame()
    src, dst = org.edge_src, org.edge_dst
    labels = {"d1": "1", "d2": "2", "d3plus": "3+"}
    per = {name: ([], []) for name, _, _ in RIPPLE_CLASSES}
    distances = distances_to(org, arm.trained.astype(bool))
    for k in range(arm.trained.shape[0]):
        untrained = _untrained(arm, base, k)
        among = untrained[src] & untrained[dst]
        diff = np.where(among, arm.edge_conflicts[k] - base.edge_conflicts[k], 0)
        # Each party of a conflict among the untrained counts it as one of theirs.
        own = np.bincount(src, diff, org.size) + np.bincount(dst, diff, org.size)
        dist = distances[k]
        for name, lo, hi in RIPPLE_CLASSES:
            who = untrained & (dist >= lo) & ((dist <= hi) if hi is not None else True)
            per[name][0].append(who.sum())
            per[name][1].append(own[who].sum() / who.sum() if who.any() else np.nan)
    rows = []
    for name, _, _ in RIPPLE_CLASSES:
        people, change = (np.asarray(v, float) for v in per[name])
        mean, low, high = mean_ci(change, level)
        rows.append(
            {
                "distance": labels[name],
                "people": float(people.mean()),
                "change_per_person": mean,
                "ci_low": low,
                "ci_high": high,
            }
        )
    return pd.DataFrame(rows)


def mean_ci(values: np.ndarray, level: float = 0.95) -> tuple[float, float, float]:
    """Mean and a Student-t confidence interval (NaNs dropped; NaN if none are left)."""
    v = values[~np.isnan(values)]
    if v.size == 0:
        return (np.nan, np.nan, np.nan)
    from scipy import stats  # imported here: it is slow to load and only needed now

    mean = float(v.mean())
    if v.size < 2:
        return (mean, np.nan, np.nan)
    half = stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size)
    return (mean, mean - float(half), mean + float(half))


def uncertainty_interval(values: np.ndarray, level: float = 0.9) -> tuple[float, float]:
    """Where the middle ``level`` of the values fall (NaNs dropped; NaN if none are left).

    Unlike ``mean_ci``, which says how well the mean is known, this is the spread of the
    difference itself: over a calibration, across plausible worlds and chance.
    """
    v = values[~np.isnan(values)]
    if v.size == 0:
        return (np.nan, np.nan)
    tail = (1 - level) / 2
    low, high = np.quantile(v, [tail, 1 - tail])
    return (float(low), float(high))


def p_better(name: str, diff: np.ndarray) -> float:
    """Share of replicates where the arm beats the first arm (ties count half)."""
    spec = outcomes.outcome(name)
    if spec.better is None:
        return np.nan
    d = diff[~np.isnan(diff)]
    if d.size == 0:
        return np.nan
    return float(spec.is_better(d).mean() + 0.5 * (d == 0).mean())


def _org_difference(a: Any, b: Any) -> str:
    """How two organisations differ, in words ("" when they are the same)."""
    if a is b or a.fingerprint() == b.fingerprint():
        return ""
    if a.size != b.size:
        return f"other people: {a.size} and {b.size} employees"
    if not np.array_equal(a.ids, b.ids):
        return f"other people: {a.size} employees each, not the same ids"
    if a.n_edges != b.n_edges or not (
        np.array_equal(a.edge_src, b.edge_src) and np.array_equal(a.edge_dst, b.edge_dst)
    ):
        return f"other ties: {a.n_edges} and {b.n_edges}"
    if not np.array_equal(a.edge_prob, b.edge_prob):
        return "the same ties, met with other daily chances"
    return "the same people and ties, with other teams, managers or traits"


def without_responders(scenario: Scenario) -> Scenario | None:
    """The scenario with its trainees not acting as responders, or None if none would."""
    programmes = list(scenario.programmes)
    if not any(p.makes_responders for p in programmes):
        return None
    quiet = [dataclasses.replace(p, responders=False) for p in programmes]
    return scenario.with_(programmes=quiet)


def run_arms(
    arms: Mapping[str, Scenario],
    replicates: int = 100,
    seed: int = 1,
    *,
    engine: str = DEFAULT_ENGINE,
    calibration: Any = None,
    responders_apart: bool = True,
    model_cls: Any = None,
) -> tuple[dict[str, Scenario], dict[str, ArmRuns], pd.DataFrame | None, dict[str, ArmRuns]]:
    """Run every arm with common random numbers (what ``compare`` compares).

    Args:
        arms: Arm name to scenario; the first arm is the reference (usually no training).
            Every arm must use the same organisation (the same people, ties, teams and
            traits) and horizon.
        replicates: Replicates per arm (replicate k of every arm shares its seed).
        seed: Seed of the whole comparison.
        engine: ``fast`` (``conflictsim.simulate``, the default) or ``mesa`` (the Mesa
            model, agent by agent; the same rules, other random numbers).
        calibration: A ``Calibration`` of the arms' organisation: replicate ``k`` of every
            arm runs its parameter set ``k`` (cycling) with the same random numbers.

        responders_apart: Also run every arm (but the first) whose trainees act as
            responders without them acting (``Comparison.responders``).
        model_cls: A subclass of ``ConflictModel`` (a behaviour of your own) for
            ``engine="mesa"`` to run; the fast engine ignores it, with a ``UserWarning``
            (``conflictsim.runs.runner_for``).

    Returns:
        The scenarios, the runs of each arm, with a calibration the parameter set of
        each replicate (one row per replicate, a column per calibrated parameter), and
        the runs of the arms without responders.
    """
    scenarios = dict(arms)
    if len(scenarios) < 2:
        raise ValueError("compare needs at least two arms: a reference and an alternative")
    first = next(iter(scenarios.values()))
    for name, scn in scenarios.items():
        if not isinstance(scn, Scenario):
            raise ValueError(f"arm {name!r} must be a Scenario, got {type(scn).__name__}")
        difference = _org_difference(first.org, scn.org)
        if difference:
            raise ValueError(
                f"arm {name!r} simulates a different organisation from the first "
                f"({difference}): common random numbers pair the same people and ties"
            )
        if scn.days != first.days:
            raise ValueError(f"arm {name!r} runs {scn.days} days, the first arm {first.days}")
    if isinstance(replicates, bool) or not isinstance(replicates, int) or replicates < 2:
        raise ValueError(f"replicates must be a whole number of at least 2, got {replicates!r}")
    runner = runner_for(engine, model_cls)
    runs = {name: runner(scn, replicates, seed, 0, calibration) for name, scn in scenarios.items()}
    worlds = None if calibration is None else worlds_of(calibration, replicates)
    apart = {}
    for name in list(scenarios)[1:] if responders_apart else []:
        quiet = without_responders(scenarios[name])
        if quiet is not None:
            apart[name] = runner(quiet, replicates, seed, 0, calibration)
    return scenarios, runs, worlds, apart


def compare(
    arms: Mapping[str, Scenario],
    replicates: int = 100,
    seed: int = 1,
    *,
    engine: str = DEFAULT_ENGINE,
    calibration: Any = None,
    responders_apart: bool = True,
    model_cls: Any = None,
) -> Comparison:
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
        A ``Comparison``: ``table`` (arm, outcome, mean, ci_low, ci_high, ui_low, ui_high,
        p_better, arm_mean, baseline_mean), ``wide``, ``best``, ``break_even``,
        ``responders`` and, over a calibration, ``value_of_information()``.
    """
    return Comparison(
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


def wide_table(table: pd.DataFrame, names: Sequence[str] | None = None) -> pd.DataFrame:
    """Each arm's figures on one row: what the planner, the report and the console show.

    An outcome where less is better (conflicts, hours, costs) is turned into what
    the arm avoids (``OUTCOMES[name].better`` is ``lower``): the difference with its sign turned
    and its interval swapped, so that a positive figure is good news for every
    column. Net benefit and return on investment keep their sign.

    Args:
        table: Comparison rows (``Comparison.table``, or a stored run's pooled one).
        names: The outcomes (default: every outcome of ``table``).

    Returns:
        One row per arm but the first: ``arm``, and per outcome ``name`` (its column,
        ``<outcome>_avoided`` where turned), ``name_ci_low``, ``name_ci_high`` (95%
        interval of the mean), ``name_ui_low``, ``name_ui_high`` (90% uncertainty
        interval), ``name_p_better`` (share of replicates where the arm does better),
        ``<outcome>_arm`` and ``<outcome>_baseline`` (the arm's and the first arm's
        means; for net benefit and return on investment, the difference and NaN).
    """
    if names is None:
        names = list(dict.fromkeys(table["outcome"]))
    rows = []
    for arm, t in table.groupby("arm", sort=False):
        t = t.set_index("outcome")
        row: dict[str, Any] = {"arm": arm}
        for outcome in names:
            r = t.loc[outcome]
            turn = OUTCOMES[outcome].better == "lower" if outcome in OUTCOMES else False
            name = f"{outcome}_avoided" if turn else outcome
            sign = -1.0 if turn else 1.0
            low, high = ("ci_high", "ci_low") if turn else ("ci_low", "ci_high")
            ui_low, ui_high = ("ui_high", "ui_low") if turn else ("ui_low", "ui_high")
            row.update(
                {
                    name: sign * float(r["mean"]),
                    f"{name}_ci_low": sign * float(r[low]),
                    f"{name}_ci_high": sign * float(r[high]),
                    f"{name}_ui_low": sign * float(r[ui_low]),
                    f"{name}_ui_high": sign * float(r[ui_high]),
                    f"{name}_p_better": float(r["p_better"]),
                    f"{outcome}_arm": float(r["arm_mean"]),
                    f"{outcome}_baseline": float(r["baseline_mean"]),
                }
            )
        rows.append(row)
    return pd.DataFrame(rows)


def ripple_table(table: pd.DataFrame, names: Sequence[str] = RIPPLE_OUTCOMES) -> pd.DataFrame:
    """The ripple by distance class: conflicts avoided among untrained colleagues.

    Read from a comparison table (``Comparison.table``, or a stored run's pooled one):
    the conflicts among the colleagues an arm leaves untrained that it avoids, against
    the same people in the first arm, and as a share of theirs there.

    Args:
        table: Comparison rows ``arm, outcome, mean, ci_low, ci_high, p_better,
            baseline_mean``.
        names: The ripple outcomes, in order (the whole spillover, then its classes).

    Returns:
        One row per arm and outcome: ``arm``, ``outcome``, ``baseline`` (the first arm's
        conflicts among those people), ``fewer``, ``fewer_low``, ``fewer_high`` (avoided,
        with its 95% interval), the same in percent of ``baseline`` (``fewer_pct``, ...;
        NaN where nobody is at that distance) and ``p_better``.
    """
    present = [n for n in names if n in set(table["outcome"])]
    rows = []
    for _, w in wide_table(table, present).iterrows():
        for outcome in present:
            base = float(w[f"{outcome}_baseline"])
            scale = 100 / base if base > 0 else float("nan")
            fewer, low, high = (
                float(w[f"{outcome}_avoided{x}"]) for x in ("", "_ci_low", "_ci_high")
            )
            rows.append(
                {
                    "arm": w["arm"],
                    "outcome": outcome,
                    "baseline": base,
                    "fewer": fewer,
                    "fewer_low": low,
                    "fewer_high": high,
                    "fewer_pct": fewer * scale,
                    "fewer_pct_low": low * scale,
                    "fewer_pct_high": high * scale,
                    "p_better": float(w[f"{outcome}_avoided_p_better"]),
                }
            )
    return pd.DataFrame(rows)


def worlds_of(calibration: Any, replicates: int) -> pd.DataFrame:
    """The parameter set replicate ``k`` runs over a calibration, for ``k < replicates``.

    Replicate ``k`` runs set ``k`` (cycling), so each row is one plausible world's
    parameters: what ``Comparison.worlds`` holds.
    """
    draws = calibration.draws
    return draws.iloc[np.arange(replicates) % len(draws)].reset_index(drop=True)
