"""The one vocabulary: labels, numbers and money as written, shares of worlds, fit words.

Every place that shows a number or names a quantity (the console tables, the report,
the figures, the planner and through it the dashboard) writes it with these functions,
so a figure reads the same wherever it appears. Outcome labels and their decimals stay
with the outcomes (``conflictsim.outcomes.OUTCOMES``); each parameter's longer meaning
and source stay in ``conflictsim.params.REGISTRY``; the planner's long sentences are in
``conflictsim.planner.sentences``.

Simulated figures are uncertain, so the planner's numbers carry two significant figures
(``rounded``); the console and the report, read by researchers, give the outcome's own
decimals (``Outcome.fmt``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable

from conflictsim.evidence import EVIDENCE_LABELS
from conflictsim.params import REGISTRY

# ---------------------------------------------------------------------------- labels
#: Each model parameter in a few plain words (what a planner would call it).
PARAMETER_LABELS = {
    "regulation_mean": "Staff's usual emotional regulation",
    "regulation_sd": "How much emotional regulation varies between staff",
    "listening_mean": "Staff's usual active listening",
    "listening_sd": "How much active listening varies between staff",
    "absence_base": "Everyday absence",
    "absence_strain": "Absence caused by strain",
    "strain_scale": "How fast strain builds up",
    "trigger": "How often people are upset from outside",
    "customer_multiplier": "How much more customers upset front-line staff",
    "regulation_shield": "How much emotional regulation protects",
    "transmission": "How easily upset spreads between colleagues",
    "listening_shield": "How much listening keeps encounters calm",
    "listening_calm": "How well listening calms an upset colleague",
    "clash": "How often two upset colleagues clash",
    "escalation": "How often conflicts escalate",
    "critical_share": "How many escalated conflicts become critical",
    "grievance_weight": "How much old grievances fuel new conflict",
    "grievance_decay": "How fast grievances are forgotten",
    "skill_transfer": "How much of the trained skill shows at work",
    "responder_success": "How often trained responders defuse a conflict",
    "recovery": "How fast upset people calm down",
    "regulation_recovery": "How much emotional regulation speeds calming down",
    "strain_decay": "How fast strain fades",
    "quit_base": "Everyday quitting",
    "quit_strain": "Quitting caused by strain",
    "vacancy_days": "How long a post stays empty",
    "hours_minor": "Hours lost to a minor conflict",
    "hours_major": "Hours lost to a major conflict",
    "hours_critical": "Hours lost to a critical conflict",
    "report_minor": "How many minor conflicts get recorded",
    "report_major": "How many major conflicts get recorded",
    "report_critical": "How many critical conflicts get recorded",
    "wage": "Cost of an hour of work",
    "replacement_cost": "Cost of replacing someone who quits",
}

#: Groups of parameters valued together by ``conflictsim.uncertainty`` (keys: its
#: ``TRAINING_GROUP`` and ``ALL``), in words.
GROUP_LABELS = {
    "training effects": "What training achieves at work (both training effects together)",
    "all": "Everything at once (knowing every uncertain quantity)",
}


#: What each evidence setting (``conflictsim.evidence``) believes training does, in words.
EVIDENCE_WORDS = {
    "sceptical": "half the belief on training changing nothing at work, a 5% chance of the "
    "effect hoped for, then updated by the controlled trials",
    "central": "anything from no effect at work to the effect hoped for, then updated by "
    "the controlled trials",
    "enthusiastic": "most likely the effect hoped for, then updated by the controlled trials",
}
#: The baseline when no calibration is used.
AS_GIVEN = "parameters as given, not calibrated to this organisation"


def evidence_text(setting: str | None) -> str:
    """An evidence setting in words: "Central (anything from ... equally likely)".

    None (training effects not drawn) is "training effects as given".
    """
    if setting is None:
        return "training effects as given (not drawn)"
    return f"{EVIDENCE_LABELS[setting]} ({EVIDENCE_WORDS[setting]})"


def parameter_label(name: str) -> str:
    """A parameter, or a group of them, in plain words.

    Args:
        name: A parameter of ``REGISTRY``, a group of ``GROUP_LABELS``, or anything else
            (given back as it is).

    Returns:
        Its label; for a parameter without one, its meaning with a capital letter.
    """
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    if name in GROUP_LABELS:
        return GROUP_LABELS[name]
    if name in REGISTRY:
        meaning = REGISTRY[name].meaning
        return meaning[:1].upper() + meaning[1:]
    return name


def parameter_labels(names: Iterable[str]) -> dict[str, str]:
    """``parameter_label`` of each name, as a mapping (for figures and tables)."""
    return {name: parameter_label(name) for name in names}


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
    "best_connected": "The best-connected people",
    "hotspots": "Teams with the most conflict",
    "whole_teams": "Whole teams (at random)",
}


# ---------------------------------------------------------------------------- text
def capitalised(text: str) -> str:
    """``text`` with its first letter in upper case (the rest as it is)."""
    return f"{text[0].upper()}{text[1:]}" if text else text


def with_article(noun: str) -> str:
    """``an office``, ``a school``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def listed(items: Iterable[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = list(items)
    if len(items) > 1:
        return f"{', '.join(items[:-1])} and {items[-1]}"
    return items[0] if items else ""


def natural_key(text: str) -> tuple:
    """A sort key that puts T2 before T10 (numbers compared as numbers)."""
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(text))
    )


# ---------------------------------------------------------------------------- numbers
def _missing(x) -> bool:
    return x is None or not math.isfinite(x)


def fixed(value: float, decimals: int = 0, signed: bool = False) -> str:
    """A number with thousands separators and fixed decimals ("n/a" if missing)."""
    if _missing(value):
        return "n/a"
    return f"{value:{'+' if signed else ''},.{decimals}f}"


def short(x: float) -> str:
    """A number as short plain text (``50``, ``42.5``), for links and parameter values."""
    return f"{x:g}"


def rounded(x: float, exact: bool = False) -> str:
    """A number for planners: two significant figures from 100 up, whole below.

    Simulated figures are uncertain, so more digits would suggest a precision they do not
    have. ``exact`` keeps every whole unit (for budgets the planner typed).
    """
    if _missing(x):
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


def percent(share: float) -> str:
    """A share as a whole percentage (``0.123`` -> ``12%``; below 1%: one decimal)."""
    if _missing(share):
        return "n/a"
    p = share * 100
    return f"{p:.1f}%" if abs(p) < 1 and p != 0 else f"{p:,.0f}%"


def number_text(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant figures, never in scientific notation.

    "23,281" (whole units are kept), "0.1235", "-1.5"; trailing zeros dropped; "n/a" if
    missing. For numbers
    with no outcome of their own (indices, fit statistics); outcomes use
    ``conflictsim.outcomes.OUTCOMES[name].fmt``.
    """
    if _missing(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = min(max(digits - 1 - math.floor(math.log10(abs(value))), 0), 12)
    text = f"{round(value, decimals):,.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


def statistic(value: float, share: bool = False) -> str:
    """A calibration target's statistic: three significant figures, shares as percentages.

    Three, not two: a mean just outside its interval (2.81 against 2.1 to 2.8) must not
    read as if it were inside.
    """
    if _missing(value):
        return "n/a"
    if share:
        return f"{value * 100:.3g}%"
    if abs(value) >= 1000:
        return rounded(value)
    return f"{value:.3g}"


# ---------------------------------------------------------------------------- money
#: Longest currency name (a code or a symbol).
MAX_CURRENCY = 12


def currency_problem(currency: str) -> str | None:
    """What is wrong with a currency's name ("EUR", "GBP", "$"), or None if nothing."""
    text = str(currency).strip()
    if len(text) > MAX_CURRENCY or not all(c.isprintable() for c in text):
        return (
            f"the currency must be at most {MAX_CURRENCY} printable characters "
            f"(EUR, GBP, $), got {currency!r}"
        )
    return None


def money_unit(currency: str = "") -> str:
    """What sums of money are in: the currency named, or the unit of ``wage``."""
    return currency.strip() or "the currency of the hourly cost of work (wage)"


def money(value: float, currency: str = "", signed: bool = False, exact: bool = True) -> str:
    """A sum of money: ``12,345``, ``EUR +12,345``, or rounded for planners ``12,000``.

    Args:
        value: The sum.
        currency: The currency's name, if any, written before it.
        signed: Whether to write the sign of a positive sum too.
        exact: Whole units (the console, the report); False: ``rounded`` (the planner).
    """
    if _missing(value):
        return "n/a"
    text = fixed(value, 0, signed) if exact else rounded(value)
    if signed and not exact and value > 0:
        text = f"+{text}"
    return f"{currency.strip()} {text}" if currency.strip() else text


# ---------------------------------------------------------------------------- shares of worlds
def in_ten(share: float) -> int | None:
    """A share as the nearest whole number of ten (0.66 -> 7; None if not a number)."""
    if share is None or not math.isfinite(share):
        return None
    return int(math.floor(share * 10 + 0.5))


def in_worlds(share: float, worlds: str = "plausible worlds") -> str:
    """A share of the worlds in words: "in about 7 of 10 plausible worlds".

    Args:
        share: The share (ties count half).
        worlds: What the share is of.

    Returns:
        "in almost none of the ..." where the share rounds to 0 of 10 and "in almost
        all ..." where it rounds to 10, so that a rounded share never claims a certainty
        the runs cannot give; "n/a" if missing.
    """
    k = in_ten(share)
    if k is None:
        return "n/a"
    if k == 0:
        return f"in almost none of the {worlds}"
    if k == 10:
        return f"in almost all {worlds}"
    return f"in about {k} of 10 {worlds}"


def pays_for_itself(share: float, worlds: str = "plausible worlds") -> str:
    """How often an option pays for itself, in words.

    Args:
        share: The share of worlds where its net benefit is above 0 (``p_better`` of
            ``net_benefit``; ties count half).
        worlds: What the share is of.

    Returns:
        "pays for itself in about 7 of 10 plausible worlds" (see ``in_worlds``); "n/a"
        if missing.
    """
    where = in_worlds(share, worlds)
    return where if where == "n/a" else f"pays for itself {where}"


def interval_in_worlds(
    low: float, high: float, fmt=rounded, worlds: str = "plausible worlds"
) -> str:
    """A 90% uncertainty interval in words: ``3 to 12 in 9 of 10 plausible worlds``."""
    return f"{fmt(low)} to {fmt(high)} in 9 of 10 {worlds}"


def could_be_nothing(low: float, high: float) -> str:
    """A warning when an interval spans zero (the simulation cannot tell it from none)."""
    return " Could be no effect at all." if low <= 0 <= high else ""


# ---------------------------------------------------------------------------- fit words
def place(value: float, low: float, high: float) -> str:
    """Where a value lies against an interval: ``inside``, ``above`` or ``below``."""
    if low <= value <= high:
        return "inside"
    return "above" if value > high else "below"


def narrowing_words(width: float) -> str:
    """Plain words for a posterior interval's width as a share of the prior's."""
    if width >= 0.8:
        return "about as wide as its prior: the targets say little about it"
    if width >= 0.4:
        return "narrowed by the targets"
    return "pinned down by the targets"


def converged_text(converged: bool, epsilon: float | None, fix: str) -> str:
    """Whether a calibration converged, in two sentences.

    Args:
        converged: ``Calibration.converged``.
        epsilon: Its final tolerance (1 or less: every target inside its interval).
        fix: What to do if it did not ("raise --max-generations, ...").
    """
    if converged:
        return (
            "Converged: every kept parameter set reproduces every target within its "
            f"interval (final epsilon {fixed(epsilon, 2)}; 1 or less means inside every "
            "interval)."
        )
    if epsilon is None or not math.isfinite(epsilon):
        return f"Not converged: {fix}."
    return (
        f"Not converged: the kept sets come within {epsilon:.2f} times each target's "
        f"half-width of its centre (1 or less would put every target inside its interval). "
        f"{capitalised(fix)}."
    )
