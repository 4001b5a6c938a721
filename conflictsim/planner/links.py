"""The page address: a plan as plain query parameters and back, so that a link reproduces it.

An option reads ``programme.target.amount.start.refreshers`` (``deescalation.managers.
c50.m0.r0``); a plan adds ``org``, ``size``, ``days``, ``ev``, ``p.<parameter>``, and
``reps``, ``seed``, ``cur`` and ``budget`` when they are not the defaults. The same text
keys the dashboard's caches: ``key`` a whole plan, ``arm_keys`` each arm.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode

from conflictsim.planner.plan import (
    DEFAULT_BUDGET,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    MAX_OPTIONS,
    PRICES,
    Option,
    Plan,
)
from conflictsim.planner.words import UPLOADED
from conflictsim.words import short

#: Letters of the ways of saying how many in an option's text.
AMOUNT_CODES = {"c": "coverage", "n": "headcount", "b": "budget"}


# ---------------------------------------------------------------------------- options
def option_to_text(option: Option) -> str:
    """The option as it appears in a link: ``deescalation.managers.c50.m0.r0``."""
    code = {v: k for k, v in AMOUNT_CODES.items()}[option.amount]
    amount = option.value * 100 if option.amount == "coverage" else option.value
    return (
        f"{option.programme}.{option.target}.{code}{short(round(amount, 6))}"
        f".m{option.start_month}.r{option.refresher_months}"
    )


def option_from_text(text: str) -> Option:
    """Read an option written by ``option_to_text``; ``ValueError`` says what is wrong."""
    parts = str(text).strip().split(".")
    # A number with a decimal point splits in two; join it back.
    if len(parts) == 6 and parts[3].isdigit():
        parts = [parts[0], parts[1], f"{parts[2]}.{parts[3]}", parts[4], parts[5]]
    if len(parts) != 5:
        raise ValueError(
            f"option {text!r} should read programme.target.amount.start.refreshers, "
            "e.g. deescalation.managers.c50.m0.r0"
        )
    programme, target, amount, start, refresh = parts
    if not amount or amount[0] not in AMOUNT_CODES:
        raise ValueError(f"option {text!r}: the amount should start with c, n or b")
    try:
        value = float(amount[1:])
    except ValueError:
        raise ValueError(f"option {text!r}: {amount[1:]!r} is not a number") from None
    kind = AMOUNT_CODES[amount[0]]
    if kind == "coverage":
        value /= 100
    if not (start.startswith("m") and start[1:].isdigit()):
        raise ValueError(f"option {text!r}: the start should read m0, m3, ...")
    if not (refresh.startswith("r") and refresh[1:].isdigit()):
        raise ValueError(f"option {text!r}: refreshers should read r0, r6, r12, ...")
    return Option(programme, target, kind, value, int(start[1:]), int(refresh[1:]))


# ---------------------------------------------------------------------------- plans
def to_query(plan: Plan) -> dict[str, str]:
    """The plan as page-address parameters (plain text; a link reproduces the plan)."""
    q = {"org": plan.org}
    if plan.org != UPLOADED:
        q["size"] = str(plan.size)
    q["days"] = str(plan.days)
    q["ev"] = plan.evidence
    for i, o in enumerate(plan.options, start=1):
        q[f"o{i}"] = option_to_text(o)
    for name, value in plan.overrides:
        q[f"p.{name}"] = short(value)
    if plan.replicates != DEFAULT_REPLICATES:
        q["reps"] = str(plan.replicates)
    if plan.seed != DEFAULT_SEED:
        q["seed"] = str(plan.seed)
    if plan.currency:
        q["cur"] = plan.currency
    if plan.budget != DEFAULT_BUDGET:
        q["budget"] = short(plan.budget)
    for kind, prices in plan.price_table().items():
        q[f"price.{kind}"] = ",".join(
            short(prices[what]) if what in prices else "" for what in PRICES
        )
    return q


def key(plan: Plan) -> str:
    """A canonical text of the plan (a query string), for caching results."""
    return urlencode(sorted(to_query(plan).items()))


def from_key(text: str) -> Plan:
    """The plan of a ``key``; ``ValueError`` if any part cannot be read."""
    plan, problems = from_query(dict(parse_qsl(text, keep_blank_values=True)))
    if problems:
        raise ValueError("; ".join(problems))
    return plan


def arm_keys(plan: Plan, calibration: str = "") -> list[str]:
    """A canonical text of each arm (no training first), for caching arms one by one.

    Two plans share an arm's key exactly when they simulate that arm the same way
    (organisation, period, assumptions, replicates, seed, calibration and, for an
    option, the option itself), whatever the other options are.

    Args:
        plan: The plan.
        calibration: A text naming the calibration the arms run with
            (``Calibration.key``); empty for none.
    """
    # The currency names the money and the budget is the plan search's; neither changes a run.
    shared = {
        k: v
        for k, v in to_query(plan).items()
        if not re.fullmatch(r"o\d", k) and k not in ("cur", "budget")
    }
    shared.setdefault("reps", str(plan.replicates))
    shared.setdefault("seed", str(plan.seed))
    if calibration:
        shared["cal"] = calibration
    base = urlencode(sorted(shared.items()))
    return [base] + [f"{base}&arm={option_to_text(o)}" for o in plan.options]


def link(plan: Plan, base_url: str) -> str:
    """The page address that reproduces the plan, from the app's address."""
    return f"{base_url.split('?')[0]}?{key(plan)}"


def from_query(query: Mapping[str, Any]) -> tuple[Plan, list[str]]:
    """Read a plan from page-address parameters.

    A part that cannot be read is left at its default and reported, so a damaged link
    still opens.

    Args:
        query: Parameter name to value (a list takes its last value).

    Returns:
        The plan and a list of problems in plain words (empty if all was read).
    """

    def get(name: str) -> str | None:
        v = query.get(name)
        if isinstance(v, (list, tuple)):
            v = v[-1] if v else None
        return None if v is None else str(v)

    problems: list[str] = []
    plan = Plan()

    def attempt(label: str, fn) -> None:
        nonlocal plan
        try:
            plan = fn(plan)
        except (ValueError, TypeError) as exc:
            problems.append(f"{label}: {exc}")

    if (org := get("org")) is not None:
        attempt("organisation", lambda p: p.with_(org=org))
    for name in ("size", "days", "reps", "seed"):
        if (text := get(name)) is not None:
            field = {"reps": "replicates"}.get(name, name)
            attempt(name, lambda p, f=field, t=text: p.with_(**{f: _int_text(t, f)}))
    if (ev := get("ev")) is not None:
        attempt("evidence setting", lambda p: p.with_(evidence=ev))
    if (cur := get("cur")) is not None:
        attempt("currency", lambda p: p.with_(currency=cur))
    if (budget := get("budget")) is not None:
        attempt("budget", lambda p: p.with_(budget=_float_text(budget, "budget")))
    for name in sorted(query):
        if name.startswith("price."):
            text = get(name)
            attempt(f"prices of {name[6:]}", lambda p, k=name[6:], t=text: _with_prices(p, k, t))
    options = []
    for i in range(1, MAX_OPTIONS + 1):
        if (text := get(f"o{i}")) is None:
            continue
        try:
            options.append(option_from_text(text))
        except ValueError as exc:
            problems.append(f"option {i}: {exc}")
    if options:
        attempt("options", lambda p: p.with_(options=tuple(options)))
    for name in sorted(query):
        if name.startswith("p."):
            param = name[2:]
            attempt(
                f"parameter {param}",
                lambda p, n=param, k=name: p.with_override(n, _float_text(get(k), n)),
            )
    return plan, problems


def _with_prices(plan: Plan, kind: str, text: str | None) -> Plan:
    """``fee,hours,session`` (a blank part: the default) set on ``plan``."""
    parts = str(text).split(",")
    if len(parts) != len(PRICES):
        raise ValueError(f"write fee,hours,session (blank for a default), got {text!r}")
    for what, part in zip(PRICES, parts, strict=True):
        if part.strip():
            plan = plan.with_price(kind, what, _float_text(part, PRICES[what]))
    return plan


def _int_text(text: str, name: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {text!r}") from None
    if not value.is_integer():
        raise ValueError(f"{name} must be a whole number, got {text!r}")
    return int(value)


def _float_text(text: str | None, name: str) -> float:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {text!r}") from None
