"""A plan simulated: the comparison turned into the tables the dashboard draws.

``evaluate`` runs every arm (through a caller's cache if given, with the calibration of
the organisation in use, ``planner.baseline``) and builds
``PlanResults``: headline figures with intervals and a sentence each, weekly trajectories,
conflicts by severity and the ripple to untrained colleagues by distance.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.comparison import Comparison, mean_ci, without_responders, worlds_of
from conflictsim.organisation import Organisation
from conflictsim.plain import in_worlds, parameter_label, pays_for_itself
from conflictsim.planner.baseline import calibration_key, for_plan
from conflictsim.planner.links import arm_keys
from conflictsim.planner.plan import LETTERS, WEEK_DAYS, Plan
from conflictsim.planner.words import (
    PROGRAMME_LABELS,
    RIPPLE_LABELS,
    SEVERITY_LABELS,
    TARGET_LABELS,
    could_be_nothing,
    fmt_number,
    fmt_percent,
    fmt_worlds,
    horizon_text,
    period_noun,
)
from conflictsim.runs import ArmRuns, run_arm
from conflictsim.scenario import Scenario
from conflictsim.uncertainty import ALL, UncertainComparison
from conflictsim.virtual_trials import findings_text


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


#: Parameters whose values in use the explanations quote.
QUOTED = ("hours_minor", "hours_major", "hours_critical", "wage", "replacement_cost")
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

    keys = arm_keys(plan, calibration_key(calibration) if calibration is not None else "")
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


def headline_sentence(
    row: Mapping[str, Any], days: int, programme: str = "", currency: str = ""
) -> str:
    """One option's result in plain words (a row of ``PlanResults.headlines``).

    Expected values over the plausible worlds, the range 9 in 10 of them fall in, the
    money in cash and in working time, what it must achieve to pay (its break-even)
    against what the trials found, how much rests on trained responders, and how often
    the option pays for itself and is the best choice.
    """
    n = fmt_number(row["trained"])
    if row["trained"] < 0.5:
        return (
            f"Option {row['option']} trains nobody: the group is empty or the budget is "
            "smaller than the cost of training one person (fee plus working hours). "
            "Choose another group, or a larger share or budget."
        )
    lo, hi = row["conflicts_avoided_ui_low"], row["conflicts_avoided_ui_high"]
    parts = [
        f"Option {row['option']} trains {n} {'person' if n == '1' else 'people'} for "
        f"{money(row['cost_training'], currency)}.",
        f"Over {horizon_text(days)} it is expected to avoid about "
        f"{fmt_number(row['conflicts_avoided'])} conflicts "
        f"({fmt_percent(row['conflicts_avoided_pct'])} of the "
        f"{fmt_number(row['conflicts_baseline'])} expected without training; "
        f"{fmt_number(lo)} to {fmt_number(hi)} in 9 of 10 plausible worlds) and to save "
        f"about {fmt_number(row['hours_saved'])} working hours.",
    ]
    if row.get("p_no_change", 0) >= 0.1:
        parts.append(
            f"In {fmt_percent(row['p_no_change'])} of the plausible worlds it changes "
            "conflict by less than half a percent: what is known about training cannot rule "
            "out that it changes nothing."
        )
    elif math.isfinite(lo) and lo <= 0:
        parts.append(
            "In some plausible worlds it avoids no conflicts at all: what is known about "
            "training cannot rule out that it changes nothing."
        )
    parts.append(
        f"It pays for itself if it avoids at least {fmt_number(row['break_even'])} "
        f"conflicts ({fmt_percent(row['break_even_pct'])} of them)."
    )
    if programme:
        parts.append(findings_text(programme, "see Assumptions"))
    share = row.get("responders_share", float("nan"))
    if share is not None and math.isfinite(share):
        parts.append(
            f"About {fmt_percent(share)} of the conflicts it avoids rest on trained "
            "responders defusing colleagues' conflicts, which no study has measured; "
            f"without them it would avoid about {fmt_number(row['avoided_without_responders'])}."
        )
    nb_lo, nb_hi = row["net_benefit_ui_low"], row["net_benefit_ui_high"]
    verdict = "a net benefit" if row["net_benefit"] >= 0 else "a net cost"
    parts.append(
        f"Counting working time and the cost of replacing people who quit, that is "
        f"expected to be {verdict} of {money(abs(row['net_benefit']), currency)} "
        f"({fmt_number(nb_lo)} to {fmt_number(nb_hi)} in 9 of 10 plausible worlds): it "
        f"{pays_for_itself(row['p_pays'])}."
    )
    cash = row["net_benefit_cash"]
    in_cash = "a saving" if cash >= 0 else "a net cost"
    parts.append(
        f"In cash it is {in_cash} of {money(abs(cash), currency)} (training fees, against "
        "fewer people to replace); the rest is working time given back, valued at the wage "
        f"but not money in the bank. In cash alone it {pays_for_itself(row['p_pays_cash'])}."
    )
    parts.append(f"It is the best choice {in_worlds(row['p_best'])}.")
    return " ".join(parts)


def money(value: float, currency: str = "") -> str:
    """A sum of money as planners read it: ``12,000`` or ``EUR 12,000``."""
    text = fmt_number(value)
    return f"{currency} {text}" if currency else text


@dataclass(frozen=True)
class Card:
    """One headline figure of one option, as the landing page shows it.

    Attributes:
        label: What the figure is.
        value: The figure in words (``fmt_number`` or ``fmt_percent``).
        caption: Its interval and how often the option came out ahead.
        explain: The name of its explanation in ``words.EXPLAIN``.
        delta: A second figure under the value (the share of all conflicts), if any.
        good: Whether the delta is good news (drawn as such).
    """

    label: str
    value: str
    caption: str
    explain: str
    delta: str | None = None
    good: bool = True


def headline_cards(r: Any, days: int, currency: str = "") -> list[Card]:
    """The headline figures of one option (a row of ``PlanResults.headlines``).

    Conflicts and hours first; the net benefit split into cash and working time, with
    the break-even; the return on investment last, as its range.
    """
    return [
        Card(
            "Conflicts avoided",
            fmt_number(r.conflicts_avoided),
            f"{fmt_worlds(r.conflicts_avoided_ui_low, r.conflicts_avoided_ui_high)}. Fewer "
            f"conflicts {in_worlds(r.p_fewer_conflicts)}."
            + could_be_nothing(r.conflicts_avoided_ui_low, r.conflicts_avoided_ui_high)
            + f" Pays for itself from {fmt_number(r.break_even)} "
            f"({fmt_percent(r.break_even_pct)}).",
            "conflicts_avoided",
            delta=f"{fmt_percent(r.conflicts_avoided_pct)} of all conflicts",
            good=r.conflicts_avoided >= 0,
        ),
        Card(
            "Working hours saved",
            fmt_number(r.hours_saved),
            f"{fmt_worlds(r.hours_saved_ui_low, r.hours_saved_ui_high)}.",
            "hours_saved",
        ),
        Card(
            "Net benefit",
            money(r.net_benefit, currency),
            f"{fmt_worlds(r.net_benefit_ui_low, r.net_benefit_ui_high)}. In cash "
            f"{money(r.net_benefit_cash, currency)} ({fmt_number(r.net_benefit_cash_ui_low)} "
            f"to {fmt_number(r.net_benefit_cash_ui_high)}), in working time "
            f"{money(r.net_benefit_time, currency)}. "
            f"{pays_for_itself(r.p_pays).capitalize()}; the best choice "
            f"{in_worlds(r.p_best)}. Training {fmt_number(r.trained)} people cost "
            f"{money(r.cost_training, currency)}.",
            "net_benefit",
        ),
        Card(
            "Return on investment",
            f"{fmt_percent(r.roi_ui_low)} to {fmt_percent(r.roi_ui_high)}",
            f"In 9 of 10 plausible worlds; {fmt_percent(r.roi)} expected.",
            "roi",
        ),
    ]


#: A quantity worth less than this share of knowing everything "hardly changes the choice".
SMALL_SHARE = 0.05


def value_sentences(results: PlanResults) -> list[str]:
    """What would change the answer, in plain words (``PlanResults.value`` and ``best``).

    The option chosen on what is known (the best expected net benefit, no training
    included), what knowing everything would be worth, the quantities worth most to
    know, and those worth nothing or about nothing. A value within twice its standard
    error of 0 is "about nothing": the runs' chance cannot tell it from none.
    """
    best, value = results.best, results.value
    currency = results.plan.currency
    names = {results.plan.arm_names()[0]: "no training"}
    names.update({r.arm: f"Option {r.option}" for r in results.headlines.itertuples()})
    top = best.loc[best["net_benefit"].idxmax()]
    chosen = names.get(top["arm"], top["arm"])
    out = [
        f"On what is known, the best choice is {chosen}"
        + (
            ""
            if top["arm"] == results.plan.arm_names()[0]
            else f" (expected net benefit {money(top['net_benefit'], currency)})"
        )
        + f": it is the best choice {in_worlds(top['p_best'])} (each plausible world is "
        "one calibrated set of the model's parameters, one draw of what training does and "
        "one simulated period)."
    ]
    if value.empty:
        out.append(
            "Nothing uncertain varies between the plausible worlds, so there is nothing "
            "left to learn that could change the answer."
        )
        return out
    total = value[value["parameter"] == ALL].iloc[0]
    evpi = float(total["evppi"])
    worlds = results.plan.replicates
    if _about_nothing(total):
        out.append(
            f"Learning what is not known before choosing would hardly change the choice "
            f"(worth about {money(evpi, currency)}, within what the {worlds} simulated "
            "worlds' chance can tell from nothing): a study or pilot is not worth waiting for."
        )
        return out
    out.append(
        f"Knowing everything for sure would be worth about {money(evpi, currency)} on "
        "average: the most that any pilot, study or better records could be worth before "
        "choosing."
    )
    parts = value[value["parameter"] != ALL].sort_values("evppi", ascending=False)
    worth = parts[[not _about_nothing(r) for _, r in parts.iterrows()]]
    if len(worth):
        listed = [
            f"{r['label'].lower()} (about {money(r['evppi'], currency)})"
            for _, r in worth.head(3).iterrows()
        ]
        out.append("What would be worth knowing most: " + "; ".join(listed) + ".")
    else:
        out.append(
            "No single quantity can be shown to matter on its own with these worlds: what "
            "knowing everything is worth lies in several together."
        )
    none = parts[[not bool(r.get("relevant", True)) for _, r in parts.iterrows()]]
    if len(none):
        out.append(
            "Worth nothing here, because no option depends on them: "
            + ", ".join(none["label"].str.lower())
            + "."
        )
    return out


def value_matters(results: PlanResults) -> bool:
    """Whether knowing everything is worth more than the runs' chance can tell from nothing."""
    value = results.value
    if value.empty:
        return False
    return not _about_nothing(value[value["parameter"] == ALL].iloc[0])


def _about_nothing(r: Mapping[str, Any]) -> bool:
    """Whether a value of information cannot be told from nothing (within 2 se of 0)."""
    return float(r["evppi"]) <= 2 * float(r.get("se", 0.0) or 0.0) or float(r["evppi"]) == 0


def headline_intro(plan: Plan) -> str:
    """What the headline figures are averages of, and the currency they are in."""
    unit = plan.currency or "the currency of the hourly cost of work"
    return (
        f"Over {horizon_text(plan.days)}, compared with no training: expected values over "
        f"{plan.replicates} plausible worlds (each one a calibrated set of parameters, "
        f"an effect of training drawn from the {plan.evidence} evidence given the trials, "
        f"and one simulated {period_noun(plan.days, False)}), with the range that 9 in 10 "
        f"of them fall in. Money is in {unit} ({plan.params.wage:g} an hour of work); "
        "cash is what leaves the bank, working time is hours at the wage."
    )


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
    weeks = math.ceil(days / WEEK_DAYS)
    padded = np.zeros((reps.size, weeks * WEEK_DAYS))
    padded[:, :days] = values
    return padded.reshape(reps.size, weeks, WEEK_DAYS).sum(axis=2)


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
