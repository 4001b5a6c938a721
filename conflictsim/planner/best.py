"""The best plan for a planner's budget: the search as the dashboard asks it.

The plan's organisation, period, evidence setting and plausible worlds (its calibration,
``baseline.for_plan``) go to ``conflictsim.plans.best_plans``; a plan found can be opened
on the Compare page as an option (``compare_plan``).
"""

from __future__ import annotations

import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.organisation import Organisation
from conflictsim.params import REGISTRY
from conflictsim.planner.baseline import Baseline, for_plan
from conflictsim.planner.links import key
from conflictsim.planner.plan import DEFAULT_OPTIONS, PRICES, Option, Plan
from conflictsim.planner.words import baseline_sentence, horizon_text, recommendation_text
from conflictsim.plans import Plans, best_plans
from conflictsim.scenario import DAYS_PER_MONTH, Scenario
from conflictsim.training import Training
from conflictsim.words import PROGRAMME_LABELS, in_ten, money, percent, rounded


def search(plan: Plan, org: Organisation, calibration: Calibration | None) -> Plans:
    """Every plan within ``plan.budget``, raced over the plan's plausible worlds.

    World ``k`` is replicate ``k`` of the Compare page's runs (the same seed and parameter
    set), so a plan opened there gives the same figures.
    """
    scenario = Scenario(org=org, params=plan.params, days=plan.days)
    return best_plans(
        scenario,
        plan.budget,
        calibration=for_plan(calibration, plan, org),
        evidence=plan.evidence,
        worlds=plan.replicates,
        seed=plan.seed,
        prices=plan.price_table(),
    )


def search_key(plan: Plan) -> str:
    """The plan's text without its options (which the search does not read), for caching."""
    return key(plan.with_(options=DEFAULT_OPTIONS))


def option_of(training: Training) -> Option:
    """A found programme as a Compare page option (its number of people, start, refreshers)."""
    months = round(training.refresher_days / DAYS_PER_MONTH) if training.refresher_days else 0
    start = 0 if training.target == "hotspots" else round(training.start_day / DAYS_PER_MONTH)
    return Option(
        training.kind,
        training.target,
        "headcount",
        float(training.headcount),
        start_month=start,
        refresher_months=months,
    )


def compare_plan(plan: Plan, programmes: list[Training]) -> Plan | None:
    """The plan with a found plan as its only option; None for a pair of programmes.

    The Compare page compares options of one programme each: a pair would read as two
    options, each with half the budget, which is another question.
    """
    if len(programmes) != 1:
        return None
    return plan.with_(options=(option_of(programmes[0]),))


def plans_table(plans: Plans, currency: str = "") -> pd.DataFrame:
    """The plans that reached the end as planners read them (the page's table)."""
    t = plans.table
    cash = lambda v, signed=False: money(v, currency, signed=signed, exact=False)  # noqa: E731
    return pd.DataFrame(
        {
            "Plan": t["plan"],
            "Cost": t["cost"].map(cash),
            "Expected net benefit": t["net_benefit"].map(lambda v: cash(v, True)),
            "In 9 of 10 plausible worlds": [
                f"{cash(lo, True)} to {cash(hi, True)}"
                for lo, hi in zip(t["ui_low"], t["ui_high"], strict=True)
            ],
            "Pays for itself": t["p_pays"].map(lambda p: "" if pd.isna(p) else percent(p)),
            "Best plan in": t["p_best"].map(percent),
            "Regret": t["regret"].map(cash),
            "Conflicts avoided": t["conflicts_avoided"].map(rounded),
            "Break-even (conflicts)": t["break_even"].map(lambda v: "" if not v else rounded(v)),
        }
    )


def _of_ten(share: float) -> str:
    """A share as ``9 in 10``, ``almost all`` or ``almost none`` (``words.in_worlds``)."""
    k = in_ten(share)
    return {0: "almost none", 10: "almost all"}.get(k, f"{k} in 10")


def recommendation_cards(plans: Plans, currency: str = "") -> list[tuple[str, str, str]]:
    """The recommended plan's figures as (label, value, caption) cards; none for no training."""
    top = plans.table.iloc[0]
    if not plans.best:
        return []
    cash = lambda v, signed=False: money(v, currency, signed=signed, exact=False)  # noqa: E731
    return [
        ("Cost", cash(top["cost"]), f"{top['trainees']:,} people trained"),
        (
            "Expected net benefit",
            cash(top["net_benefit"], True),
            f"{cash(top['ui_low'], True)} to {cash(top['ui_high'], True)} in 9 of 10 "
            "plausible worlds",
        ),
        ("Pays for itself", _of_ten(top["p_pays"]), "of the plausible worlds (about)"),
        (
            "Regret",
            cash(top["regret"]),
            "what choosing it could lose against the best plan of a world (9 of 10 worlds)",
        ),
        (
            "Break-even",
            f"{rounded(top['break_even'])} conflicts",
            f"avoided ({percent(top['break_even_share'])}); expected "
            f"{rounded(top['conflicts_avoided'])}",
        ),
    ]


def board_context(
    plans: Plans, plan: Plan, org: Organisation, baseline: Baseline, organisation: str
) -> dict[str, object]:
    """The words of a board report of the search (``report.board.board_report``'s keywords).

    Args:
        plans: The search's result.
        plan: The plan searched (organisation, period, evidence, changes, prices).
        org: Its organisation.
        baseline: The calibration its runs went through.
        organisation: The organisation's name, as the board knows it.
    """
    s = org.summary()
    money_of = lambda v: money(v, plan.currency, exact=True)  # noqa: E731
    changed = [
        f"{REGISTRY[name].meaning.capitalize()}: {value:g} (default {REGISTRY[name].default:g})."
        for name, value in plan.overrides
    ]
    for kind, prices in plan.price_table().items():
        words = ", ".join(f"{PRICES[what]} {money_of(v)}" for what, v in prices.items())
        changed.append(f"{PROGRAMME_LABELS[kind]} priced from a quote: {words}.")
    if plan.evidence != "central":
        changed.append(f"Evidence on what training does: {plan.evidence} (the default is central).")
    return {
        "organisation": organisation,
        "question": (
            f"With {money_of(plan.budget)} to spend on conflict training (fees and the "
            "working hours trainees spend in sessions), what should we do, and is it worth "
            "it?"
        ),
        "scope": (
            f"Simulated: {s['employees']:,} employees in {s['teams']} teams "
            f"({s['managers']} managers, {s['customer_facing']} customer-facing), over "
            f"{horizon_text(plan.days)}."
        ),
        "baseline": baseline_sentence(plan, baseline),
        "changed": changed,
        "currency": plan.currency,
        "recommendation": recommendation_text(
            plans, plan.currency, trials_where="the next part of this report"
        ),
    }
