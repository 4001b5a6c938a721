"""The planner's words: labels of every choice, and every sentence the dashboard shows.

Numbers, money, shares of worlds and fit words come from the one vocabulary
(``conflictsim.words``) and outcome names from ``conflictsim.outcomes.OUTCOMES``; this
module adds the planner's own labels (organisations, horizons, who is trained) and
writes its long sentences: the explanation of each figure (``EXPLAIN``), each option's
headline sentence and cards, what would change the answer, and which baseline the
figures rest on. It reads plans and results but imports neither module (they import
it), so every sentence is written here and nowhere else.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from conflictsim.calibration.result import FREE, Calibration, targets_met
from conflictsim.calibration.store import SIZE
from conflictsim.calibration.tables import RECORDS_SOURCE, fit_frame, missed_labels
from conflictsim.calibration.targets import Targets
from conflictsim.evidence import EVIDENCE_LABELS, TRAINING_EFFECTS
from conflictsim.outcomes import OUTCOMES, SEVERITIES
from conflictsim.params import REGISTRY
from conflictsim.plans import NO_TRAINING
from conflictsim.scenario import DAYS_PER_WEEK, DAYS_PER_YEAR
from conflictsim.uncertainty import ALL
from conflictsim.virtual_trials import findings_text
from conflictsim.words import (
    EVIDENCE_WORDS,
    capitalised,
    could_be_nothing,
    in_worlds,
    interval_in_worlds,
    listed,
    money,
    pays_for_itself,
    percent,
    place,
    rounded,
    short,
    statistic,
)

if TYPE_CHECKING:  # they import this module
    from conflictsim.planner.baseline import Baseline
    from conflictsim.planner.plan import Plan
    from conflictsim.planner.results import PlanResults

# ---------------------------------------------------------------------------- choices
#: Name of the reference arm.
BASELINE = "No training"
#: Organisation name of an uploaded org chart (it is not part of a link's data).
UPLOADED = "uploaded"
#: Organisation choices in words.
ORG_LABELS = {
    "office": "Office",
    "call_centre": "Call centre",
    "hospital_ward": "Hospital wards",
    "school": "School",
    UPLOADED: "Your organisation (uploaded)",
}
#: A preset as a noun in a sentence ("a hospital of 900 employees", not "a hospital wards").
ORG_NOUNS = {
    "office": "office",
    "call_centre": "call centre",
    "hospital_ward": "hospital",
    "school": "school",
}
#: Horizons offered, in working days, with their names.
HORIZONS = {125: "6 months", 250: "1 year", 500: "2 years", 750: "3 years"}
#: The group a coverage share is a share of, per target.
TARGET_GROUP = {
    "random": "employees",
    "managers": "managers",
    "customer_facing": "customer-facing staff",
    "best_connected": "employees",
    "hotspots": "employees",
    "whole_teams": "employees",
}
#: How many are trained, in words.
AMOUNT_LABELS = {
    "coverage": "A share of the group",
    "headcount": "A number of people",
    "budget": "A budget",
}
#: Parameter groups of ``conflictsim.params.REGISTRY`` in words.
PARAMETER_GROUPS = {
    "traits": "Skills of the staff",
    "presence": "Absence",
    "triggers": "What upsets people from outside",
    "encounters": "What happens when colleagues meet",
    "severity": "How serious conflicts get",
    "training": "What training does at work",
    "responders": "Colleagues who step in",
    "recovery": "Calming down",
    "turnover": "Quitting and hiring",
    "costs": "Hours and money",
    "reporting": "How many conflicts get recorded",
}

#: Severity classes in words (``OUTCOMES``), mildest first.
SEVERITY_LABELS = {f"conflicts_{s}": OUTCOMES[f"conflicts_{s}"].plain for s in SEVERITIES}
#: Ripple distance classes in words (``OUTCOMES``), in the order of ``compare``'s outcomes.
RIPPLE_LABELS = {
    name: o.plain for name, o in OUTCOMES.items() if o.parent == "conflicts_among_untrained"
}


def start_text(months: int) -> str:
    """When training starts, as a choice: ``now`` or ``in 3 months``."""
    return "now" if months == 0 else f"in {months} month{'s' * (months != 1)}"


def refresher_text(months: int) -> str:
    """How often training is refreshed, as a choice: ``none`` or ``every 6 months``."""
    return "none" if months == 0 else f"every {months} months"


# ---------------------------------------------------------------------------- periods
def horizon_text(days: int) -> str:
    """A horizon in words: ``1 year``, ``6 months`` or ``60 working days``."""
    if days in HORIZONS:
        return HORIZONS[days]
    return f"{days} working days"


def period_noun(days: int, plural: bool = True) -> str:
    """What one simulated period is called: ``years``, ``six-month periods``, ``periods``."""
    noun = {
        125: "six-month period",
        250: "year",
        500: "two-year period",
        750: "three-year period",
    }.get(days, "period")
    return noun + "s" * plural


# ---------------------------------------------------------------------------- explanations
#: What each figure means, in plain words (shown under the figures and in the summary).
#: ``{periods}`` and ``{period}`` name the simulated period (``explain`` fills them in).
EXPLAIN = {
    "conflicts_avoided": "Conflicts avoided: how many fewer conflicts there were than with "
    "no training over the whole period, on average over the simulated {periods}. A conflict "
    "is one disagreement between two colleagues that costs working time: {costs}.",
    "hours_saved": "Hours saved: the working hours that the avoided conflicts would have "
    "cost, counting both people in each conflict.",
    "net_benefit": "Net benefit: the money saved (hours saved at the hourly cost of work, "
    "{wage}, plus fewer people quitting at the cost of replacing them, {replacement}) minus "
    "the cost of the training itself (fees and the working hours spent in training). It "
    "comes in two kinds: cash, which leaves the bank (fees, replacing people who quit), and "
    "working time, hours given back that are valued at the wage but paid in any case; a "
    "board may count only the first. The break-even is how many conflicts an option must "
    "avoid to pay for itself, at the average cost of a conflict without training.",
    "roi": "Return on investment: the net benefit as a share of what the training cost, "
    "shown as the range of 9 in 10 plausible worlds. 0% means it just paid for itself; 100% "
    "means it returned twice what it cost. A cheap course can show a large return on a "
    "small fall in conflict: read it with the break-even and the net benefit in cash.",
    "interval": "Each figure is an expected value over the plausible worlds, and the "
    "range after it holds 9 in 10 of them (a 90% uncertainty interval). A plausible world "
    "is one set of the calibrated parameters (what is known about conflict in "
    "organisations like this one), one effect of training drawn from the evidence "
    "setting (what is known about what training does at work) and one simulated "
    "{period}. So the range shows what is not known as well as chance: with sceptical "
    "evidence it reaches further towards no effect, with enthusiastic evidence it moves "
    "towards the hoped-for one.",
    "p_better": "'In about K of 10 plausible worlds': each option is simulated in the same "
    "worlds as no training (the same parameters, people and bad days), so each world can "
    "be compared like for like. K is how often the option came out ahead (a tie counts "
    "half), rounded to tenths; 'pays for itself' means its net benefit was above zero; "
    "'the best choice' means no other option, and not training at all, did better in that "
    "world.",
    "value": "What would change the answer: choosing now, on what is known, the planner "
    "takes the option with the best expected net benefit. If some uncertain quantity were "
    "known for sure, the choice could be made world by world, and the gain on average is "
    "what knowing it is worth (in the literature, its expected value of perfect "
    "information). It is estimated from the expected net benefit given each quantity, with "
    "each simulated {period}'s own chance taken out (a regression over the plausible "
    "worlds, Strong, Oakley & Brennan 2014, and a choice rule fitted on other worlds than "
    "the one it is applied to), so chance alone is worth nothing. 'Knowing everything' is "
    "the most any study or pilot could be worth. A quantity worth little would hardly "
    "change the choice, however uncertain it is; one worth much is where a pilot or "
    "better records would pay.",
    "trajectory": "Conflicts per week over the period, on average (line), and the range "
    "that 8 of 10 simulated {periods} fall in (band). The gap between no training and an "
    "option is what the option avoids; training takes effect the day after it is given "
    "and fades unless refreshed.",
    "severity": "Conflicts over the whole period by how serious they were: minor (a "
    "disagreement), major (personal, costs a day) and critical (threats, sick leave). "
    "Bars are averages over the simulated {periods}; the number above an option's bar is "
    "how many fewer conflicts of that kind it had than no training (point at a bar for its "
    "95% interval).",
    "ripple": "The ripple effect: how much conflict fell between two colleagues neither of "
    "whom was trained (in this option or in no training), by how close the nearer of the "
    "two works to a trainee. Conflicts a trainee is party to are the direct effect and are "
    "not counted here. 'One step' means they work directly with a trainee (a team-mate, "
    "their manager or a regular contact). Calmer trainees draw fewer colleagues into "
    "conflict, so fewer upset colleagues carry it on to others: the benefit can spread "
    "beyond the people trained.",
    "spread": "One simulated {period}, day by day. Each dot is an employee, grouped by team "
    "(a team's manager in the middle); lines join people who meet. Red: upset (in or just "
    "out of a conflict); grey: absent; white: an empty post after someone quit. A black "
    "ring marks people trained so far.",
    "heatmap": "Conflicts each team was part of, week by week, in the same simulated "
    "{period}. Darker cells are weeks with more conflict: you can see hot spots form, "
    "spread to neighbouring teams and fade.",
}


#: Parameters the explanations quote.
QUOTED = ("hours_minor", "hours_major", "hours_critical", "wage", "replacement_cost")
#: The model's defaults, quoted when no values in use are given.
_DEFAULT_VALUES = {name: (REGISTRY[name].default,) * 3 for name in QUOTED}


def value_text(values: tuple[float, float, float], unit: str = "") -> str:
    """A value in use: ``0.93 hours (0.55 to 1.6 in 9 of 10 worlds)`` or ``8 hours``."""
    mid, low, high = values
    text = f"{rounded(mid)}{unit}"
    if high > low:
        text += f" ({interval_in_worlds(low, high)})"
    return text


def money_text(value: float, currency: str = "") -> str:
    """A sum of money as planners read it: ``12,000`` or ``EUR 12,000`` (two figures)."""
    return money(value, currency, exact=False)


def explain(
    name: str,
    days: int = DAYS_PER_YEAR,
    values: dict[str, tuple[float, float, float]] | None = None,
) -> str:
    """The plain-language explanation of a figure, for a period of ``days``.

    Args:
        name: The figure (a key of ``EXPLAIN``).
        days: The simulated period.
        values: The values in use of the parameters it quotes (``PlanResults.values``);
            the model's defaults where not given.
    """
    v = {**_DEFAULT_VALUES, **(values or {})}
    costs = (
        f"a minor one costs each party {value_text(v['hours_minor'], ' hours')}, a major "
        f"one {value_text(v['hours_major'], ' hours')}, a critical one "
        f"{value_text(v['hours_critical'], ' hours')}"
    )
    return EXPLAIN[name].format(
        periods=period_noun(days),
        period=period_noun(days, False),
        costs=costs,
        wage=f"{value_text(v['wage'])} an hour",
        replacement=value_text(v["replacement_cost"]),
    )


# ---------------------------------------------------------------------------- headlines
def headline_sentence(
    row: Mapping[str, Any], days: int, programme: str = "", currency: str = ""
) -> str:
    """One option's result in plain words (a row of ``PlanResults.headlines``).

    Expected values over the plausible worlds, the range 9 in 10 of them fall in, the
    money in cash and in working time, what it must achieve to pay (its break-even)
    against what the trials found, how much rests on trained responders, and how often
    the option pays for itself and is the best choice.
    """
    n = rounded(row["trained"])
    if row["trained"] < 0.5:
        return (
            f"Option {row['option']} trains nobody: the group is empty or the budget is "
            "smaller than the cost of training one person (fee plus working hours). "
            "Choose another group, or a larger share or budget."
        )
    lo, hi = row["conflicts_avoided_ui_low"], row["conflicts_avoided_ui_high"]
    parts = [
        f"Option {row['option']} trains {n} {'person' if n == '1' else 'people'} for "
        f"{money_text(row['cost_training'], currency)}.",
        f"Over {horizon_text(days)} it is expected to avoid about "
        f"{rounded(row['conflicts_avoided'])} conflicts "
        f"({percent(row['conflicts_avoided_pct'])} of the "
        f"{rounded(row['conflicts_baseline'])} expected without training; "
        f"{interval_in_worlds(lo, hi)}) and to save "
        f"about {rounded(row['hours_saved'])} working hours.",
    ]
    if row.get("p_no_change", 0) >= 0.1:
        parts.append(
            f"In {percent(row['p_no_change'])} of the plausible worlds it changes "
            "conflict by less than half a percent: what is known about training cannot rule "
            "out that it changes nothing."
        )
    elif math.isfinite(lo) and lo <= 0:
        parts.append(
            "In some plausible worlds it avoids no conflicts at all: what is known about "
            "training cannot rule out that it changes nothing."
        )
    parts.append(
        f"It pays for itself if it avoids at least {rounded(row['break_even'])} "
        f"conflicts ({percent(row['break_even_pct'])} of them)."
    )
    if programme:
        parts.append(findings_text(programme, "see Assumptions"))
    share = row.get("responders_share", float("nan"))
    if share is not None and math.isfinite(share):
        parts.append(
            f"About {percent(share)} of the conflicts it avoids rest on trained "
            "responders defusing colleagues' conflicts, which no study has measured; "
            f"without them it would avoid about {rounded(row['avoided_without_responders'])}."
        )
    nb_lo, nb_hi = row["net_benefit_ui_low"], row["net_benefit_ui_high"]
    verdict = "a net benefit" if row["net_benefit"] >= 0 else "a net cost"
    parts.append(
        f"Counting working time and the cost of replacing people who quit, that is "
        f"expected to be {verdict} of {money_text(abs(row['net_benefit']), currency)} "
        f"({interval_in_worlds(nb_lo, nb_hi)}): it "
        f"{pays_for_itself(row['p_pays'])}."
    )
    cash = row["net_benefit_cash"]
    in_cash = "a saving" if cash >= 0 else "a net cost"
    parts.append(
        f"In cash it is {in_cash} of {money_text(abs(cash), currency)} (training fees, against "
        "fewer people to replace); the rest is working time given back, valued at the wage "
        f"but not money in the bank. In cash alone it {pays_for_itself(row['p_pays_cash'])}."
    )
    parts.append(f"It is the best choice {in_worlds(row['p_best'])}.")
    return " ".join(parts)


@dataclass(frozen=True)
class Card:
    """One headline figure of one option, as the landing page shows it.

    Attributes:
        label: What the figure is.
        value: The figure in words (``rounded`` or ``percent``).
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
            rounded(r.conflicts_avoided),
            f"{interval_in_worlds(r.conflicts_avoided_ui_low, r.conflicts_avoided_ui_high)}. Fewer "
            f"conflicts {in_worlds(r.p_fewer_conflicts)}."
            + could_be_nothing(r.conflicts_avoided_ui_low, r.conflicts_avoided_ui_high)
            + f" Pays for itself from {rounded(r.break_even)} "
            f"({percent(r.break_even_pct)}).",
            "conflicts_avoided",
            delta=f"{percent(r.conflicts_avoided_pct)} of all conflicts",
            good=r.conflicts_avoided >= 0,
        ),
        Card(
            "Working hours saved",
            rounded(r.hours_saved),
            f"{interval_in_worlds(r.hours_saved_ui_low, r.hours_saved_ui_high)}.",
            "hours_saved",
        ),
        Card(
            "Net benefit",
            money_text(r.net_benefit, currency),
            f"{interval_in_worlds(r.net_benefit_ui_low, r.net_benefit_ui_high)}. In cash "
            f"{money_text(r.net_benefit_cash, currency)} ({rounded(r.net_benefit_cash_ui_low)} "
            f"to {rounded(r.net_benefit_cash_ui_high)}), in working time "
            f"{money_text(r.net_benefit_time, currency)}. "
            f"{pays_for_itself(r.p_pays).capitalize()}; the best choice "
            f"{in_worlds(r.p_best)}. Training {rounded(r.trained)} people cost "
            f"{money_text(r.cost_training, currency)}.",
            "net_benefit",
        ),
        Card(
            "Return on investment",
            f"{percent(r.roi_ui_low)} to {percent(r.roi_ui_high)}",
            f"In 9 of 10 plausible worlds; {percent(r.roi)} expected.",
            "roi",
        ),
    ]


def responders_note(r: Any, currency: str = "") -> str:
    """What an option achieves without trained responders (a row of the headlines).

    Empty for an option whose trainees do not act as responders.
    """
    share = r.responders_share
    if share is None or not math.isfinite(share):
        return ""
    return (
        "**Without trained responders** (no study has measured them): about "
        f"{rounded(r.avoided_without_responders)} conflicts avoided "
        f"({rounded(r.avoided_without_responders_ui_low)} to "
        f"{rounded(r.avoided_without_responders_ui_high)}), net benefit "
        f"{money_text(r.net_benefit_without_responders, currency)}: "
        f"{percent(share)} of the effect rests on them."
    )


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
            else f" (expected net benefit {money_text(top['net_benefit'], currency)})"
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
            f"(worth about {money_text(evpi, currency)}, within what the {worlds} simulated "
            "worlds' chance can tell from nothing): a study or pilot is not worth waiting for."
        )
        return out
    out.append(
        f"Knowing everything for sure would be worth about {money_text(evpi, currency)} on "
        "average: the most that any pilot, study or better records could be worth before "
        "choosing."
    )
    parts = value[value["parameter"] != ALL].sort_values("evppi", ascending=False)
    worth = parts[[not _about_nothing(r) for _, r in parts.iterrows()]]
    if len(worth):
        listed = [
            f"{r['label'].lower()} (about {money_text(r['evppi'], currency)})"
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


# ---------------------------------------------------------------------------- the baseline
#: The published targets in a few words (``Targets.published``).
PUBLISHED_WORDS = (
    "published base rates (CPP 2008 conflict hours, weekly incivility, absence, quits)"
)


def progress_step(event: Mapping[str, int]) -> tuple[float, str]:
    """A calibration's progress (``calibrate(progress=...)``) as a bar's share and text."""
    draws = max(int(event["draws"]), 1)
    accepted = min(int(event["accepted"]), draws)
    generation = int(event["generation"])
    stage = "sampling the priors" if generation == 0 else f"round {generation}"
    return accepted / draws, (
        f"Calibrating the baseline ({stage}, usually about 10 rounds): {accepted} of "
        f"{draws} parameter sets found"
    )


def evidence_sentence(plan: Plan, printed: bool = False) -> str:
    """The evidence setting in use, in a sentence (every page shows it).

    Args:
        plan: The plan.
        printed: For a document read away from the dashboard: no word of its controls.
    """
    where = "" if printed else "change it in the sidebar; "
    return (
        f"{EVIDENCE_LABELS[plan.evidence]} evidence: {EVIDENCE_WORDS[plan.evidence]}; each "
        f"plausible world draws one effect of training from this range ({where}the "
        "no-training baseline is the same in every setting)."
    )


def baseline_sentence(plan: Plan, baseline: Baseline) -> str:
    """Which calibration the figures rest on, in a sentence or three (every page shows it)."""
    cal = baseline.calibration
    if cal is None:
        if baseline.how == "needed":
            return (
                f"Not calibrated yet: {baseline.reason}, so this organisation is calibrated "
                "before it is simulated."
            )
        return (
            f"Not calibrated: {baseline.reason}. The no-training baseline uses the model's "
            "default parameters, so it may have more or less conflict than the published "
            "rates."
        )
    what = PUBLISHED_WORDS
    if baseline.records is not None:
        what = f"your organisation's incident records ({records_text(baseline.records)}) and {what}"
    if baseline.how == "stored":
        how = f"the calibration stored for this preset ({len(cal)} parameter sets)"
    elif baseline.how == "transferred":
        how = (
            f"the parameter sets stored for this preset at {SIZE} employees, checked at "
            f"this size ({fit_summary(cal)})"
        )
    else:
        seconds = cal.meta.get("seconds")
        took = f", {rounded(seconds)} s" if seconds is not None else ""
        how = f"calibrated here for this organisation ({len(cal)} parameter sets{took})"
    sentence = f"Baseline calibrated to {what}: {how}."
    if not cal.converged:
        sentence += (
            f" It does not reach every target (missed: {missed_text(cal)}): read the "
            "figures with care."
        )
    notes = plan_notes(plan, cal)
    return " ".join([sentence, *notes])


def plan_changes(plan: Plan, cal: Calibration) -> tuple[list[str], list[str]]:
    """What the plan sets that the calibration was not made with.

    Returns:
        The parameters whose calibrated (or drawn) values the plan's replace, and those
        it moves from the default the calibration was made with (these may move the
        baseline away from its targets).
    """
    overrides = dict(plan.overrides)
    # The training effects are in every set the plan runs (``baseline.for_plan``).
    drawn = [*cal.parameters, *(n for n in TRAINING_EFFECTS if n not in cal.parameters)]
    replaced = [name for name in drawn if name in overrides]
    moved = [name for name in overrides if name not in FREE and name not in replaced]
    return replaced, moved


def plan_notes(plan: Plan, cal: Calibration) -> list[str]:
    """What the plan changes that the calibration was not made with, in words."""
    replaced, moved = plan_changes(plan, cal)
    notes = []
    if replaced:
        notes.append(
            "Your value of "
            + ", ".join(f"{REGISTRY[n].meaning} ({n})" for n in replaced)
            + " replaces its calibrated values."
        )
    if moved:
        notes.append(
            "The calibration was made with the default "
            + ", ".join(f"{REGISTRY[n].meaning} ({n})" for n in moved)
            + "; with your value the baseline may no longer match its targets."
        )
    return notes


def baseline_check(results: PlanResults) -> str:
    """How much conflict the simulated no-training arm has, against the published rate.

    Args:
        results: ``PlanResults`` of the plan.
    """
    table = results.table
    row = table[(table["outcome"] == "conflict_hours") & (table["arm"] != BASELINE)]
    if row.empty:
        return ""
    employees = results.org_summary["employees"]
    hours = float(row.iloc[0]["baseline_mean"]) / (employees * results.plan.days / DAYS_PER_WEEK)
    target = Targets.published()["hours_per_week"]
    return (
        f"With no training, the simulated organisation loses {statistic(hours)} conflict "
        f"hours per employee a week over the period: {place(hours, target.low, target.high)} "
        f"the published {statistic(target.low)} to {statistic(target.high)} (CPP 2008)."
    )


def fit_table(cal: Calibration) -> pd.DataFrame:
    """The fit as a plain table, numbers written as planners read them.

    Columns: the target in words, its observed or published range (and source), the
    simulated mean and 90% range, and whether it is met (``calibration.tables.fit_frame``).
    """
    f = fit_frame(cal)
    rows = []
    for r in f.itertuples():
        band = f"{statistic(r.target_low, r.percent)} to {statistic(r.target_high, r.percent)}"
        if r.source == RECORDS_SOURCE:
            band = f"{statistic(r.observed, r.percent)} ({band})"
        rows.append(
            {
                "Target": r.label,
                "Observed or published": f"{band}, {r.source}",
                "Simulated (mean)": statistic(r.simulated, r.percent),
                "90% of simulations": f"{statistic(r.low, r.percent)} to "
                f"{statistic(r.high, r.percent)}",
                "Met": "yes" if r.met else "no",
            }
        )
    return pd.DataFrame(rows)


def fit_summary(cal: Calibration) -> str:
    """``every target met`` or ``3 of 4 targets met``."""
    met = targets_met(cal.fit)
    if met.all():
        return "every target met"
    return f"{int(met.sum())} of {len(met)} targets met"


def missed_text(cal: Calibration) -> str:
    """The targets whose simulated mean lies outside their interval, in words."""
    return listed(missed_labels(cal)) or "none"


def records_text(summary: Mapping[str, Any]) -> str:
    """Incident records in a few words: ``142 incidents over 52 weeks``."""
    weeks = short(round(summary["days"] / DAYS_PER_WEEK, 1))
    n = summary["incidents"]
    return f"{n:,} incident{'s' * (n != 1)} over {weeks} week{'s' * (weeks != '1')}"


def records_sentence(summary: Mapping[str, Any]) -> str:
    """What an upload of incident records holds, in a sentence."""
    by = ", ".join(f"{v:,} {k}" for k, v in summary["by_severity"].items())
    span = (
        f" from {summary['first_date']} to {summary['last_date']}"
        if summary.get("first_date")
        else ""
    )
    return (
        f"{capitalised(records_text(summary))}{span} ({by}), in "
        f"{summary['teams_with_incidents']} of {summary['teams']} teams."
    )


def recommendation_text(
    plans, currency: str = "", exact: bool = False, trials_where: str = "cs.trials()"
) -> str:
    """The best plan for a budget in a paragraph: what, cost, return, risk, break-even.

    Args:
        plans: ``conflictsim.plans.best_plans``'s result.
        currency: The currency's name, if any.
        exact: Whole units (the console); False: rounded as planners read them.
        trials_where: Where a reader finds the trials (``findings_text``).
    """

    def cash(value: float, signed: bool = True) -> str:
        return money(value, currency, signed=signed, exact=exact)

    top = plans.table.iloc[0]
    if top["plan"] == NO_TRAINING:
        runner = plans.table.iloc[1] if len(plans.table) > 1 else None
        text = (
            "Recommended: no training. No plan within the budget is expected to pay for itself here"
        )
        if runner is not None:
            text += (
                f"; the best of them, {runner['plan'][0].lower()}{runner['plan'][1:]}, is "
                f"expected to return {cash(runner['net_benefit'])} "
                f"({interval_in_worlds(runner['ui_low'], runner['ui_high'], cash)})"
            )
        return text + "."
    kinds = dict.fromkeys(p.kind for p in plans.best)
    return (
        f"Recommended: {top['plan']}. It costs {cash(top['cost'], signed=False)} "
        f"(planned {cash(top['planned_cost'], signed=False)}) and is expected to return "
        f"{cash(top['net_benefit'])} "
        f"({interval_in_worlds(top['ui_low'], top['ui_high'], cash)}): "
        f"{cash(top['net_benefit_cash'])} in cash, {cash(top['net_benefit_time'])} in "
        f"working time. It {pays_for_itself(top['p_pays'])} and is the best plan in "
        f"{percent(top['p_best'])} of them; its regret (what choosing it loses against the "
        f"best plan of each world, 90th percentile) is {cash(top['regret'], signed=False)}. "
        f"Break-even: {rounded(top['break_even'])} conflicts avoided "
        f"({percent(top['break_even_share'])}); expected "
        f"{rounded(top['conflicts_avoided'])} "
        f"({percent(top['conflicts_avoided_share'])}). {plans.when_it_fails().text} "
        + " ".join(findings_text(kind, where=trials_where) for kind in kinds)
    )


def frontier_note(plans) -> str:
    """What the cost-effectiveness frontier shows, and over which worlds."""
    worlds = int(plans.table["worlds"].iloc[0])
    dropped = (
        f"; those dropped early over the worlds they were run in (at least {plans.first_worlds})"
        if len(plans.dropped)
        else ""
    )
    return (
        "Cost against conflicts avoided: each point is a plan no cheaper plan beats (the "
        "cost-effectiveness frontier). Plans that reached the end are shown over all "
        f"{worlds} plausible worlds{dropped}. Spending more along the line avoids more "
        "conflicts; whether it pays is the net benefit."
    )
