"""Plain words for what is uncertain: parameters by name, and how often an option pays.

Shared by the console tables, the report, the figures and the planner: a parameter's
short label (``parameter_label``), and the sentence that says in how many of ten
plausible worlds an option pays for itself (``pays_for_itself``). Each parameter's longer
meaning stays in ``conflictsim.params.REGISTRY``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from conflictsim.evidence import EVIDENCE_LABELS
from conflictsim.params import REGISTRY

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


def money_text(value: float, currency: str = "", signed: bool = False) -> str:
    """A sum of money: "12,300" or "EUR 12,300" (no decimals; "n/a" if missing)."""
    if value is None or not math.isfinite(value):
        return "n/a"
    text = f"{value:{'+' if signed else ''},.0f}"
    return f"{currency.strip()} {text}" if currency.strip() else text


def number_text(value: float, digits: int = 4) -> str:
    """A number to ``digits`` significant figures, never in scientific notation.

    "23,280", "0.1235", "-1.5"; trailing zeros dropped; "n/a" if missing. For numbers
    with no outcome of their own (indices, fit statistics); outcomes use
    ``conflictsim.outcomes.OUTCOMES[name].fmt``.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if value == 0:
        return "0"
    decimals = min(max(digits - 1 - math.floor(math.log10(abs(value))), 0), 12)
    text = f"{round(value, decimals):,.{decimals}f}"
    text = text.rstrip("0").rstrip(".") if "." in text else text
    return "0" if text == "-0" else text


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
