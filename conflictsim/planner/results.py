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
from conflictsim.comparison import (
    Comparison,
    mean_ci,
    ripple_table,
    without_responders,
    worlds_of,
)
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
    return results_from_comparison(plan, org, Comparison(arms, runs, worlds, apart))


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
        ripple=_ripple(cmp),
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
    if cmp.worlds is None:
        return pd.DataFrame(columns=columns)
    try:
        voi = cmp.value_of_information()
    except ValueError:  # no parameter varies between the worlds
        return pd.DataFrame(columns=columns)
    voi.insert(1, "label", [parameter_label(p) for p in voi["parameter"]])
    return voi


def _figures(
    w: pd.Series, name: str, as_: str | None = None, ci: bool = True, ui: bool = False
) -> dict[str, float]:
    """One figure of a ``Comparison.wide`` row with its intervals, under the planner's name.

    ``_low``, ``_high``: the 95% interval of the mean; ``_ui_low``, ``_ui_high``: the 90%
    uncertainty interval.
    """
    as_ = as_ or name
    out = {as_: float(w[name])}
    if ci:
        out.update(
            {f"{as_}_low": float(w[f"{name}_ci_low"]), f"{as_}_high": float(w[f"{name}_ci_high"])}
        )
    if ui:
        out.update(
            {
                f"{as_}_ui_low": float(w[f"{name}_ui_low"]),
                f"{as_}_ui_high": float(w[f"{name}_ui_high"]),
            }
        )
    return out


# ---------------------------------------------------------------------------- headlines
def _headlines(plan: Plan, cmp: Comparison) -> pd.DataFrame:
    wide = cmp.wide().set_index("arm")
    p_best = dict(zip(cmp.best["arm"], cmp.best["p_best"], strict=True))
    even = cmp.break_even.set_index("arm")
    apart = cmp.responders.set_index("arm") if not cmp.responders.empty else pd.DataFrame()
    base = cmp.runs[cmp.arms[0]].summary["conflicts"].to_numpy(float)
    rows = []
    for letter, name, option in zip(LETTERS, plan.arm_names()[1:], plan.options, strict=False):
        w = wide.loc[name]
        avoided = -cmp.paired.loc[cmp.paired["arm"] == name, "conflicts"].to_numpy(float)
        row = {
            "option": letter,
            "arm": name,
            "programme": PROGRAMME_LABELS[option.programme],
            "who": TARGET_LABELS[option.target],
            "how_many": option.amount_text(),
            "when": option.when_text(),
            "trained": w["trained_arm"],
            "cost_training": w["cost_training_arm"],
            "replicates": plan.replicates,
            "conflicts_baseline": w["conflicts_baseline"],
            **_figures(w, "conflicts_avoided", ui=True),
            "conflicts_avoided_pct": w["conflicts_avoided"] / w["conflicts_baseline"]
            if w["conflicts_baseline"]
            else float("nan"),
            "p_fewer_conflicts": w["conflicts_avoided_p_better"],
            "p_no_change": float((np.abs(avoided) <= NO_CHANGE * base).mean()),
            **_figures(w, "conflict_hours_avoided", "hours_saved", ui=True),
            "cost_avoided": w["cost_conflict_avoided"],
            **_figures(w, "net_benefit", ui=True),
            **_figures(w, "net_benefit_cash", ci=False, ui=True),
            **_figures(w, "net_benefit_time", ci=False, ui=True),
            "p_pays": w["net_benefit_p_better"],
            "p_pays_cash": w["net_benefit_cash_p_better"],
            "p_best": float(p_best[name]),
            "break_even": float(even.loc[name, "conflicts"]),
            "break_even_pct": float(even.loc[name, "share"]),
            **_figures(w, "roi", ui=True),
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
    wide = cmp.wide(list(SEVERITY_LABELS)).set_index("arm")
    rows = []
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
                w = wide.loc[arm]
                row.update(
                    avoided=float(w[f"{col}_avoided"]),
                    avoided_low=float(w[f"{col}_avoided_ci_low"]),
                    avoided_high=float(w[f"{col}_avoided_ci_high"]),
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _ripple(cmp: Comparison) -> pd.DataFrame:
    out = ripple_table(cmp.table, list(RIPPLE_LABELS))
    out.insert(1, "distance", out.pop("outcome").map(RIPPLE_LABELS))
    return out


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
