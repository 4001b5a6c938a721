"""A plan simulated: the comparison turned into the tables the dashboard draws.

``evaluate`` runs every arm (through a caller's cache if given, with the calibration of
the organisation in use, ``planner.baseline``) and builds
``PlanResults``: headline figures with intervals and a sentence each, weekly trajectories,
conflicts by severity and the ripple to untrained colleagues by distance.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.comparison import Comparison, mean_ci, without_responders, worlds_of
from conflictsim.organisation import Organisation
from conflictsim.planner.baseline import for_plan
from conflictsim.planner.links import arm_keys
from conflictsim.planner.plan import LETTERS, Plan
from conflictsim.planner.words import (
    QUOTED,
    RIPPLE_LABELS,
    SEVERITY_LABELS,
    headline_sentence,
)
from conflictsim.runs import ArmRuns, run_arm
from conflictsim.scenario import DAYS_PER_WEEK, Scenario
from conflictsim.uncertainty import UncertainComparison
from conflictsim.words import PROGRAMME_LABELS, TARGET_LABELS, parameter_label


@dataclass
class PlanResults:
    """What the dashboard draws for a plan: computed once, drawn many times.

    Attributes:
        plan: The plan.
        org_summary: ``Organisation.summary()`` of the organisation simulated.
        headlines: One row per option: people trained, training cost, and each headline
            figure (conflicts avoided, hours saved, net benefit, ROI): its expected value
            over the plausible worlds, the 95% interval of that mean (``_low``, ``_high``:
            how precisely the runs pin it down), and its 90% uncertainty interval
            (``_ui_low``, ``_ui_high``: where 9 in 10 plausible worlds fall); the share of
            worlds where the option has fewer conflicts (``p_fewer_conflicts``) and pays
            for itself (``p_pays``), ``p_best`` (the share where it is the best choice, no
            training included), plus ``sentence``, the option's result in plain words.
        trajectory: Conflicts per week: ``arm, week, mean, low, high`` (the band holds the
            middle 80% of simulated years).
        severity: Conflicts by severity: ``arm, severity, mean, low, high`` (95% interval of
            the arm's mean) and ``avoided``, ``avoided_low``, ``avoided_high``: the change
            from no training with its (paired, narrower) 95% interval.
        ripple: Change for untrained colleagues by distance to the nearest trainee:
            ``arm, distance, fewer, fewer_low, fewer_high`` (involvements in conflict
            avoided) and the same as a share of their conflicts without training
            (``fewer_pct``, ...), with ``baseline``.
        table: ``Comparison.table`` as it came from ``compare``.
        best: ``Comparison.best``: each arm's expected net benefit, its uncertainty
            interval and ``p_best``, no training included.
        value: What would change the answer: ``value_of_information()`` (``parameter``,
            ``evppi``, ``se``, ``share``, ``relevant``; the EVPI in the row ``all``) with
            ``label``, the parameter in plain words; empty when nothing varies between the
            worlds.
        values: The values in use of the parameters the explanations quote (hours a
            conflict costs, the wage, replacing someone who quits): ``name -> (median,
            low, high)`` over the plausible worlds (low and high the middle 90%; all
            three equal for a value that does not vary).
    """

    plan: Plan
    org_summary: dict[str, Any]
    headlines: pd.DataFrame
    trajectory: pd.DataFrame
    severity: pd.DataFrame
    ripple: pd.DataFrame
    table: pd.DataFrame
    best: pd.DataFrame
    value: pd.DataFrame
    values: dict[str, tuple[float, float, float]]


#: A world shows "no change" in conflicts when they move by at most this share.
NO_CHANGE = 0.005


def evaluate(
    plan: Plan,
    org: Organisation,
    runner: Callable[[str, Scenario, Calibration | None], ArmRuns] | None = None,
    calibration: Calibration | None = None,
) -> PlanResults:
    """Simulate a plan and turn the comparison into the tables the dashboard draws.

    Args:
        plan: The plan.
        org: Its organisation (``build_org``).
        runner: Runs one arm, given its key (``links.arm_keys``, naming the calibration),
            scenario and calibration as the plan uses it (``baseline.for_plan``), and
            returns its ``ArmRuns``; for caching arms. Default:
            ``conflictsim.runs.run_arm`` with the plan's replicates, seed and that
            calibration (replicate ``k`` of every arm uses the same seed and parameter
            set whichever call runs it, so arms run one by one are paired exactly as in
            one ``compare`` call).
        calibration: The calibration of ``org`` (``baseline.Baseline.calibration``):
            replicate ``k`` of every arm runs its parameter set ``k``. None: the plan's
            parameters as they are.

    Returns:
        The plan's results: the same as from one ``compare`` call on ``plan.arms(org)``
        with ``calibration=for_plan(calibration, plan, org)``.

    Raises:
        ValueError: If an option does not fit the organisation.
    """
    arms = plan.arms(org)
    used = for_plan(calibration, plan, org)
    if runner is None:

        def runner(key: str, scenario: Scenario, cal: Calibration | None) -> ArmRuns:
            return run_arm(scenario, plan.replicates, plan.seed, calibration=cal)

    keys = arm_keys(plan, calibration.key if calibration is not None else "")
    runs = {
        name: runner(key, scenario, used)
        for (name, scenario), key in zip(arms.items(), keys, strict=True)
    }
    # Each option whose trainees act as responders, also without them: how much of its
    # effect rests on a mechanism no study has measured.
    apart = {}
    for (name, scenario), key in list(zip(arms.items(), keys, strict=True))[1:]:
        quiet = without_responders(scenario)
        if quiet is not None:
            apart[name] = runner(f"{key}&responders=off", quiet, used)
    worlds = None if used is None else worlds_of(used, plan.replicates)
    return results_from_comparison(plan, org, UncertainComparison(arms, runs, worlds, apart))


def results_from_comparison(plan: Plan, org: Organisation, cmp: Comparison) -> PlanResults:
    """The dashboard's tables from a finished ``Comparison`` of ``plan.arms(org)``."""
    table = cmp.table
    best = cmp.best
    return PlanResults(
        plan=plan,
        org_summary=org.summary(),
        headlines=_headlines(plan, cmp),
        trajectory=_trajectory(cmp),
        severity=_severity(cmp),
        ripple=_ripple(table),
        table=table,
        best=best,
        value=_value(cmp),
        values=values_in_use(plan, cmp),
    )


def values_in_use(plan: Plan, cmp: Comparison) -> dict[str, tuple[float, float, float]]:
    """The quoted parameters' values in use: over the worlds, or the plan's own."""
    out = {}
    for name in QUOTED:
        if cmp.worlds is not None and name in cmp.worlds.columns:
            v = cmp.worlds[name].to_numpy(float)
            out[name] = tuple(float(x) for x in np.quantile(v, [0.5, 0.05, 0.95]))
        else:
            x = float(plan.params[name])
            out[name] = (x, x, x)
    return out


def _value(cmp: Comparison) -> pd.DataFrame:
    """``value_of_information()`` with plain labels; empty if nothing is uncertain."""
    columns = ["parameter", "label", "evppi", "share"]
    if not isinstance(cmp, UncertainComparison) or cmp.worlds is None:
        return pd.DataFrame(columns=columns)
    try:
        voi = cmp.value_of_information()
    except ValueError:  # no parameter varies between the worlds
        return pd.DataFrame(columns=columns)
    voi.insert(1, "label", [parameter_label(p) for p in voi["parameter"]])
    return voi


def _row(table: pd.DataFrame, arm: str, outcome: str) -> pd.Series:
    hit = table[(table["arm"] == arm) & (table["outcome"] == outcome)]
    if hit.empty:
        raise ValueError(f"the comparison has no {outcome!r} for {arm!r}")
    return hit.iloc[0]


# ---------------------------------------------------------------------------- headlines
def _headlines(plan: Plan, cmp: Comparison) -> pd.DataFrame:
    table, best = cmp.table, cmp.best
    p_best = dict(zip(best["arm"], best["p_best"], strict=True))
    even = cmp.break_even.set_index("arm")
    apart = cmp.responders.set_index("arm") if not cmp.responders.empty else pd.DataFrame()
    base = cmp.runs[cmp.arms[0]].summary["conflicts"].to_numpy(float)
    rows = []
    for letter, name, option in zip(LETTERS, plan.arm_names()[1:], plan.options, strict=False):
        c = _row(table, name, "conflicts")
        h = _row(table, name, "conflict_hours")
        cc = _row(table, name, "cost_conflict")
        nb = _row(table, name, "net_benefit")
        cash = _row(table, name, "net_benefit_cash")
        time_ = _row(table, name, "net_benefit_time")
        roi = _row(table, name, "roi")
        trained = _row(table, name, "trained")
        cost = _row(table, name, "cost_training")
        avoided = -cmp.paired.loc[cmp.paired["arm"] == name, "conflicts"].to_numpy(float)
        row = {
            "option": letter,
            "arm": name,
            "programme": PROGRAMME_LABELS[option.programme],
            "who": TARGET_LABELS[option.target],
            "how_many": option.amount_text(),
            "when": option.when_text(),
            "trained": float(trained["arm_mean"]),
            "cost_training": float(cost["arm_mean"]),
            "replicates": plan.replicates,
            "conflicts_baseline": float(c["baseline_mean"]),
            "conflicts_avoided": -float(c["mean"]),
            "conflicts_avoided_low": -float(c["ci_high"]),
            "conflicts_avoided_high": -float(c["ci_low"]),
            "conflicts_avoided_ui_low": -float(c["ui_high"]),
            "conflicts_avoided_ui_high": -float(c["ui_low"]),
            "conflicts_avoided_pct": -float(c["mean"]) / float(c["baseline_mean"])
            if c["baseline_mean"]
            else float("nan"),
            "p_fewer_conflicts": float(c["p_better"]),
            "p_no_change": float((np.abs(avoided) <= NO_CHANGE * base).mean()),
            "hours_saved": -float(h["mean"]),
            "hours_saved_low": -float(h["ci_high"]),
            "hours_saved_high": -float(h["ci_low"]),
            "hours_saved_ui_low": -float(h["ui_high"]),
            "hours_saved_ui_high": -float(h["ui_low"]),
            "cost_avoided": -float(cc["mean"]),
            "net_benefit": float(nb["mean"]),
            "net_benefit_low": float(nb["ci_low"]),
            "net_benefit_high": float(nb["ci_high"]),
            "net_benefit_ui_low": float(nb["ui_low"]),
            "net_benefit_ui_high": float(nb["ui_high"]),
            "net_benefit_cash": float(cash["mean"]),
            "net_benefit_cash_ui_low": float(cash["ui_low"]),
            "net_benefit_cash_ui_high": float(cash["ui_high"]),
            "net_benefit_time": float(time_["mean"]),
            "net_benefit_time_ui_low": float(time_["ui_low"]),
            "net_benefit_time_ui_high": float(time_["ui_high"]),
            "p_pays": float(nb["p_better"]),
            "p_pays_cash": float(cash["p_better"]),
            "p_best": float(p_best[name]),
            "break_even": float(even.loc[name, "conflicts"]),
            "break_even_pct": float(even.loc[name, "share"]),
            "roi": float(roi["mean"]),
            "roi_low": float(roi["ci_low"]),
            "roi_high": float(roi["ci_high"]),
            "roi_ui_low": float(roi["ui_low"]),
            "roi_ui_high": float(roi["ui_high"]),
            "responders_share": np.nan,
            "avoided_without_responders": np.nan,
            "avoided_without_responders_ui_low": np.nan,
            "avoided_without_responders_ui_high": np.nan,
            "net_benefit_without_responders": np.nan,
        }
        if name in apart.index:
            r = apart.loc[name]
            row.update(
                responders_share=float(r["share"]),
                avoided_without_responders=float(r["avoided_without"]),
                avoided_without_responders_ui_low=float(r["without_ui_low"]),
                avoided_without_responders_ui_high=float(r["without_ui_high"]),
                net_benefit_without_responders=float(r["net_benefit_without"]),
            )
        row["sentence"] = headline_sentence(row, plan.days, option.programme, plan.currency)
        rows.append(row)
    return pd.DataFrame(rows)


def headline_csv(results: PlanResults) -> pd.DataFrame:
    """The headline figures as a table for download (no plain-language sentence)."""
    return results.headlines.drop(columns=["sentence"])


# ---------------------------------------------------------------------------- over time
def weekly_totals(daily: pd.DataFrame, column: str = "conflicts") -> np.ndarray:
    """Weekly totals per replicate, shape (replicates, weeks); day 0 is left out."""
    d = daily[daily["day"] > 0]
    reps = np.sort(d["replicate"].unique())
    days = int(d["day"].max()) if len(d) else 0
    values = np.zeros((reps.size, days))
    r = np.searchsorted(reps, d["replicate"].to_numpy())
    values[r, d["day"].to_numpy() - 1] = d[column].to_numpy(float)
    weeks = math.ceil(days / DAYS_PER_WEEK)
    padded = np.zeros((reps.size, weeks * DAYS_PER_WEEK))
    padded[:, :days] = values
    return padded.reshape(reps.size, weeks, DAYS_PER_WEEK).sum(axis=2)


def _trajectory(cmp: Comparison) -> pd.DataFrame:
    frames = []
    for arm in cmp.arms:
        w = weekly_totals(cmp.runs[arm].daily)
        frames.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "week": np.arange(1, w.shape[1] + 1),
                    "mean": w.mean(axis=0),
                    "low": np.quantile(w, 0.1, axis=0),
                    "high": np.quantile(w, 0.9, axis=0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------- severity, ripple
def _severity(cmp: Comparison) -> pd.DataFrame:
    rows = []
    table = cmp.table
    for arm in cmp.arms:
        s = cmp.runs[arm].summary
        for col, label in SEVERITY_LABELS.items():
            mean, low, high = mean_ci(s[col].to_numpy(float))
            row = {"arm": arm, "severity": label, "mean": mean, "low": low, "high": high}
            # The change from no training, paired year by year: the interval that matters
            # when comparing (the arms' own intervals overlap even when the change is sure).
            if arm == cmp.arms[0]:
                row.update(avoided=np.nan, avoided_low=np.nan, avoided_high=np.nan)
            else:
                r = _row(table, arm, col)
                row.update(
                    avoided=-float(r["mean"]),
                    avoided_low=-float(r["ci_high"]),
                    avoided_high=-float(r["ci_low"]),
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _ripple(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for arm in table["arm"].unique():
        for outcome, label in RIPPLE_LABELS.items():
            r = _row(table, arm, outcome)
            base = float(r["baseline_mean"])
            scale = 100 / base if base > 0 else float("nan")
            rows.append(
                {
                    "arm": arm,
                    "distance": label,
                    "baseline": base,
                    "fewer": -float(r["mean"]),
                    "fewer_low": -float(r["ci_high"]),
                    "fewer_high": -float(r["ci_low"]),
                    "fewer_pct": -float(r["mean"]) * scale,
                    "fewer_pct_low": -float(r["ci_high"]) * scale,
                    "fewer_pct_high": -float(r["ci_low"]) * scale,
                    "p_better": float(r["p_better"]),
                }
            )
    return pd.DataFrame(rows)


def ripple_for_chart(ripple: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The ripple rows worth drawing, and a note on the distances left out.

    A distance at which no option leaves anyone untrained (everyone is closer to a
    trainee) has nothing to show.

    Returns:
        The rows with someone at that distance, and a sentence (empty if none was left out).
    """
    if ripple.empty:
        return ripple, ""
    someone = ripple.groupby("distance", sort=False)["baseline"].transform("max") > 0
    dropped = list(dict.fromkeys(ripple.loc[~someone, "distance"]))
    if not dropped:
        return ripple, ""
    closest = (
        ripple.loc[someone, "distance"].iloc[-1].split(":")[0].lower() if someone.any() else ""
    )
    note = (
        f"Everyone who was not trained is within {closest} of a trainee, so there is nobody "
        "further away to show."
        if closest
        else "Nobody was left untrained, so there is no ripple to show."
    )
    return ripple[someone].reset_index(drop=True), note
