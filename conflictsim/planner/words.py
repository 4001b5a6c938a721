"""The planner's words: labels of every choice, numbers as planners read them, explanations.

Outcome names come from ``conflictsim.outcomes.OUTCOMES`` (their ``plain`` words); this
module adds the planner's own vocabulary (organisations, programmes, who is trained) and
the rules for writing uncertain simulated figures without false precision.
"""

from __future__ import annotations

import math
import re

from conflictsim.outcomes import OUTCOMES, SEVERITIES
from conflictsim.scenario import DAYS_PER_YEAR

# ---------------------------------------------------------------------------- choices
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
#: Horizons offered, in working days, with their names.
HORIZONS = {125: "6 months", 250: "1 year", 500: "2 years", 750: "3 years"}
#: Programmes in words.
PROGRAMME_LABELS = {
    "deescalation": "De-escalation",
    "active_listening": "Active listening",
    "emotional_regulation": "Emotional regulation",
}
#: Who is trained, in words.
TARGET_LABELS = {
    "random": "Anyone (drawn at random)",
    "managers": "Managers",
    "customer_facing": "Customer-facing staff",
    "central": "The best-connected people",
    "hotspots": "Teams with the most conflict",
    "whole_teams": "Whole teams (at random)",
}
#: The group a coverage share is a share of, per target.
TARGET_GROUP = {
    "random": "everyone",
    "managers": "managers",
    "customer_facing": "customer-facing staff",
    "central": "everyone",
    "hotspots": "everyone",
    "whole_teams": "everyone",
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


def with_article(noun: str) -> str:
    """``an office``, ``a school``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case (the rest as it is)."""
    return f"{text[0].upper()}{text[1:]}"


# ---------------------------------------------------------------------------- numbers
def num_text(x: float) -> str:
    """A number as short plain text (``50``, ``42.5``), for links and parameter values."""
    return f"{x:g}"


def fmt_number(x: float, exact: bool = False) -> str:
    """A number for planners: two significant figures from 100 up, whole below.

    Simulated figures are uncertain, so more digits would suggest a precision they do not
    have. ``exact`` keeps every whole unit (for budgets the planner typed).
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if exact:
        return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}"
    a = abs(x)
    if a >= 100:
        digits = int(math.floor(math.log10(a))) - 1
        x = round(x, -digits)
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".") if a > 0 else "0"


def fmt_percent(share: float) -> str:
    """A share as a whole percentage (``0.123`` -> ``12%``; below 1%: one decimal)."""
    if share is None or not math.isfinite(share):
        return "n/a"
    p = share * 100
    return f"{p:.1f}%" if abs(p) < 1 and p != 0 else f"{p:,.0f}%"


def fmt_worlds(low: float, high: float, fmt=fmt_number) -> str:
    """A 90% uncertainty interval in words: ``3 to 12 in 9 of 10 plausible worlds``."""
    return f"{fmt(low)} to {fmt(high)} in 9 of 10 plausible worlds"


def could_be_nothing(low: float, high: float) -> str:
    """A warning when an interval spans zero (the simulation cannot tell it from none)."""
    return " Could be no effect at all." if low <= 0 <= high else ""


def natural_key(text: str) -> tuple:
    """A sort key that puts T2 before T10 (numbers compared as numbers)."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(text))
    )


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


#: The model's defaults, quoted when no values in use are given.
_DEFAULT_VALUES = {
    "hours_minor": (1.7, 1.7, 1.7),
    "hours_major": (8.0, 8.0, 8.0),
    "hours_critical": (24.0, 24.0, 24.0),
    "wage": (35.0, 35.0, 35.0),
    "replacement_cost": (15000.0, 15000.0, 15000.0),
}


def value_text(values: tuple[float, float, float], unit: str = "") -> str:
    """A value in use: ``0.93 hours (0.55 to 1.6 in 9 of 10 worlds)`` or ``8 hours``."""
    mid, low, high = values
    text = f"{fmt_number(mid)}{unit}"
    if high > low:
        text += f" ({fmt_number(low)} to {fmt_number(high)} in 9 of 10 plausible worlds)"
    return text


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
