"""conflictsim.planner.plan: options and plans, validated and turned into arms."""

from __future__ import annotations

import pickle

import pytest

import conflictsim as cs
from conflictsim.params import REGISTRY
from conflictsim.planner.links import to_query
from conflictsim.planner.plan import (
    DEFAULT_REPLICATES,
    HOTSPOT_LEAD_IN_DAYS,
    Option,
    Plan,
    build_org,
    option_preview,
)
from conflictsim.planner.words import UPLOADED
from conflictsim.scenario import DAYS_PER_MONTH


def test_option_becomes_a_training_programme():
    t = Option("active_listening", "customer_facing", "budget", 20000, 3, 6).training()
    assert (t.kind, t.target, t.budget, t.coverage, t.headcount) == (
        "active_listening",
        "customer_facing",
        20000,
        None,
        None,
    )
    assert t.start_day == round(3 * DAYS_PER_MONTH)
    assert t.refresher_days == round(6 * DAYS_PER_MONTH)
    t = Option("deescalation", "random", "headcount", 7).training()
    assert t.headcount == 7 and t.refresher_days is None and t.start_day == 0


def test_hotspots_start_after_a_lead_in():
    option = Option("deescalation", "hotspots", "coverage", 0.2)
    assert option.start_day == HOTSPOT_LEAD_IN_DAYS
    assert "to find the hot teams" in option.when_text()
    option.training()  # Training refuses hotspots on day 0; the planner never asks for it


def test_option_words():
    o = Option("deescalation", "managers", "coverage", 0.5, 3, 12)
    assert o.short() == "De-escalation · managers · 50%"
    assert o.when_text() == "starting after 3 months, a refresher every 12 months"
    assert Option(amount="budget", value=20000).amount_text() == "budget 20,000"
    assert Option(amount="headcount", value=4).amount_text() == "4 people"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"org": "factory"}, "unknown organisation 'factory'"),
        ({"size": 5}, "size must be a whole number from 20"),
        ({"days": 2.5}, "days must be a whole number"),
        ({"replicates": 1}, "replicates must be a whole number from 2"),
        ({"options": ()}, "compare 1 to 4 options"),
        ({"options": (Option(),) * 5}, "compare 1 to 4 options"),
        ({"days": 60, "options": (Option(start_month=6),)}, "option A starts after the end"),
        ({"overrides": (("transmission", 2.0),)}, "'transmission' = 2.0 is out of range"),
        ({"overrides": (("contagion", 0.1),)}, "unknown parameter 'contagion'"),
    ],
)
def test_plan_refuses_what_cannot_be_simulated(changes, message):
    with pytest.raises(ValueError, match=message):
        Plan(**changes)


def test_overrides_win_over_the_defaults():
    plan = Plan(evidence="enthusiastic").with_override("responder_success", 0.05)
    assert plan.params.responder_success == 0.05
    assert plan.params.listening_calm == REGISTRY["listening_calm"].default
    # Setting a value back to its default is no change at all.
    assert plan.with_override("responder_success", 0.15).overrides == ()
    assert plan.with_override("responder_success", None).overrides == ()


def test_arms_are_no_training_then_each_option():
    plan = Plan(size=60, options=(Option(), Option("active_listening", "random", "headcount", 5)))
    org = build_org(plan)
    arms = plan.arms(org)
    assert list(arms) == [
        "No training",
        "A. De-escalation · managers · 50%",
        "B. Active listening · anyone · 5 people",
    ]
    assert arms["No training"].programmes == ()
    assert arms["B. Active listening · anyone · 5 people"].programmes[0].headcount == 5
    assert all(s.org is org and s.days == plan.days for s in arms.values())


def test_an_option_that_does_not_fit_names_the_option():
    plan = Plan(size=40, options=(Option(), Option(amount="headcount", value=500)))
    org = build_org(plan)
    with pytest.raises(ValueError, match="option B: headcount 500 is more than"):
        plan.arms(org)
    with pytest.raises(ValueError, match="option B"):
        option_preview(plan, org, 1)
    assert option_preview(plan, org, 0).startswith("Trains ")


def test_uploaded_organisation_must_be_given():
    plan = Plan(org=UPLOADED)
    with pytest.raises(ValueError, match="upload the org chart"):
        build_org(plan)
    org = cs.Organisation.generate(30, "school", seed=1)
    assert build_org(plan, org) is org
    assert "size" not in to_query(plan)


def test_describe_in_words():
    assert Plan().describe().startswith("An office of 200 employees, over 1 year, central")
    assert f"{DEFAULT_REPLICATES} simulated years per option" in Plan().describe()
    assert "six-month periods" in Plan(days=125).describe()


def test_plans_pickle_without_their_parameters():
    plan = Plan(overrides=(("wage", 50.0),))
    assert pickle.loads(pickle.dumps(plan)) == plan
