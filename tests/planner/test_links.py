"""conflictsim.planner.links: options and plans as page addresses, and back."""

from __future__ import annotations

import pytest

from conflictsim.planner.links import (
    arm_keys,
    from_key,
    from_query,
    key,
    link,
    option_from_text,
    option_to_text,
    to_query,
)
from conflictsim.planner.plan import Option, Plan


@pytest.mark.parametrize(
    "option",
    [
        Option(),
        Option("emotional_regulation", "central", "coverage", 0.125, 6, 12),
        Option("active_listening", "whole_teams", "budget", 12345.5, 1, 0),
        Option("deescalation", "hotspots", "headcount", 9, 0, 6),
    ],
)
def test_option_text_round_trip(option):
    assert option_from_text(option_to_text(option)) == option


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deescalation.managers", "should read programme.target"),
        ("yoga.managers.c50.m0.r0", "unknown programme 'yoga'"),
        ("deescalation.everyone.c50.m0.r0", "unknown target 'everyone'"),
        ("deescalation.managers.x50.m0.r0", "should start with c, n or b"),
        ("deescalation.managers.cfifty.m0.r0", "'fifty' is not a number"),
        ("deescalation.managers.c150.m0.r0", "at most 100%"),
        ("deescalation.managers.n2.5.m0.r0", "whole number"),
        ("deescalation.managers.c50.soon.r0", "the start should read"),
        ("deescalation.managers.c50.m0.rx", "refreshers should read"),
    ],
)
def test_option_text_errors_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        option_from_text(text)


def test_link_round_trip_reproduces_the_plan():
    plan = Plan(
        org="call_centre",
        size=350,
        days=500,
        options=(
            Option("emotional_regulation", "customer_facing", "budget", 15000, 1, 6),
            Option("deescalation", "central", "coverage", 0.2),
            Option("active_listening", "whole_teams", "headcount", 24, 3, 12),
        ),
        evidence="sceptical",
        overrides=(("wage", 42.5), ("transmission", 0.1)),
        replicates=100,
        seed=7,
    )
    query = to_query(plan)
    assert all(isinstance(v, str) for v in query.values())
    again, problems = from_query(query)
    assert problems == [] and again == plan
    assert from_key(key(plan)) == plan
    assert link(plan, "http://127.0.0.1:8501/?old=1").startswith("http://127.0.0.1:8501/?")
    assert from_query({})[0] == Plan()


def test_a_damaged_link_still_opens_and_says_what_was_not_read():
    plan, problems = from_query(
        {
            "org": "school",
            "size": "lots",
            "days": ["125", "250"],  # repeated: the last one counts
            "ev": "enthusiastic",
            "o1": "deescalation.managers.c50.m0.r0",
            "o2": "nonsense",
            "p.wage": "40",
            "p.transmission": "9",
        }
    )
    assert (plan.org, plan.size, plan.days, plan.evidence) == ("school", 200, 250, "enthusiastic")
    assert plan.options == (Option("deescalation", "managers", "coverage", 0.5),)
    assert plan.overrides == (("wage", 40.0),)
    assert len(problems) == 3
    assert any(p.startswith("size:") for p in problems)
    assert any(p.startswith("option 2:") for p in problems)
    assert any("transmission" in p for p in problems)


def test_arm_keys_change_only_with_what_the_arm_simulates():
    plan = Plan()
    keys = arm_keys(plan)
    assert len(keys) == 3 and len(set(keys)) == 3
    # Changing option B leaves no training and option A as they were.
    other = plan.with_option(1, programme="emotional_regulation")
    assert arm_keys(other)[:2] == keys[:2] and arm_keys(other)[2] != keys[2]
    # The same option in another slot is the same arm.
    swapped = plan.with_(options=plan.options[::-1])
    assert set(arm_keys(swapped)) == set(keys)
    # Anything that changes every arm changes every key.
    for changed in (
        plan.with_(days=125),
        plan.with_(evidence="sceptical"),
        plan.with_override("wage", 50),
        plan.with_(replicates=41),
        plan.with_(seed=2),
        plan.with_(org="school"),
    ):
        assert not set(arm_keys(changed)) & set(keys)


def test_the_currency_is_in_the_link_and_changes_no_arm():
    plan = Plan(currency="EUR")
    assert to_query(plan)["cur"] == "EUR"
    again, problems = from_query(to_query(plan))
    assert again == plan and not problems
    assert arm_keys(plan) == arm_keys(Plan())  # it names the money only
    with pytest.raises(ValueError, match="the currency must be at most 12"):
        Plan(currency="x" * 13)
    _, problems = from_query({"cur": "x" * 20})
    assert problems and problems[0].startswith("currency:")


def test_the_budget_is_in_the_link_and_changes_no_arm():
    plan = Plan(budget=12500)
    assert to_query(plan)["budget"] == "12500" and "budget" not in to_query(Plan())
    again, problems = from_query(to_query(plan))
    assert again == plan and not problems
    assert arm_keys(plan) == arm_keys(Plan())  # the plan search's, not the options'
    for bad in (-1, float("nan"), 2e9):
        with pytest.raises(ValueError, match="the budget must be from 0"):
            Plan(budget=bad)
    _, problems = from_query({"budget": "lots"})
    assert problems and problems[0].startswith("budget:")


def test_an_old_link_naming_central_opens_as_best_connected():
    plan, problems = from_query({"o1": "deescalation.central.c20.m0.r0"})
    assert not problems and plan.options[0].target == "best_connected"
    assert "best_connected" in to_query(plan)["o1"]


def test_your_prices_are_in_the_link_and_change_the_arms():
    plan = Plan().with_price("deescalation", "cost_per_session", 1500)
    plan = plan.with_price("active_listening", "cost_per_trainee", 250)
    q = to_query(plan)
    assert q["price.deescalation"] == ",,1500" and q["price.active_listening"] == "250,,"
    again, problems = from_query(q)
    assert again == plan and not problems
    assert arm_keys(plan)[1] != arm_keys(Plan())[1]  # the option is priced differently
    assert plan.with_price("deescalation", "cost_per_session", 0).prices_of("deescalation") == {}
    for bad, says in (("a,b", "write fee,hours,session"), ("-5,,", "must be from 0")):
        _, problems = from_query({"price.deescalation": bad})
        assert problems and says in problems[0], problems
    _, problems = from_query({"price.yoga": "1,,"})
    assert problems and "a price is a programme" in problems[0]


def test_your_prices_reach_the_options_and_the_search():
    from conflictsim import planner

    plan = Plan(size=40, days=60, replicates=3, budget=3000).with_price(
        "deescalation", "cost_per_trainee", 0
    )
    plan = plan.with_price("deescalation", "hours_per_trainee", 0)
    plan = plan.with_price("deescalation", "cost_per_session", 600)
    org = planner.build_org(plan)
    arm = plan.arms(org)[plan.arm_names()[1]]  # option A: de-escalation for managers
    (prog,) = arm.programmes
    assert (prog.fee, prog.hours, prog.fixed) == (0, 0, 600)
    assert prog.planned_cost(org, plan.params, plan.days) == 600  # one session day
    plans = planner.search(plan, org, None)
    deesc = plans.table[plans.table["plan"].str.startswith("De-escalation for")]
    assert not deesc.empty and (deesc["planned_cost"] % 600 == 0).all()
