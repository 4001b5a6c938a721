"""The best plan for a planner's budget: the search on the plan's worlds, back to Compare."""

from __future__ import annotations

import numpy as np

import conflictsim as cs
from conflictsim import planner
from conflictsim.planner.best import compare_plan, option_of, search_key
from conflictsim.planner.plan import Option, Plan
from conflictsim.training import Training


def test_a_found_programme_becomes_the_same_option_on_compare():
    plan = Plan(size=60, days=250)
    org = planner.build_org(plan)
    for found in (
        Training("deescalation", target="managers", headcount=5),
        Training("active_listening", target="best_connected", headcount=12, refresher_days=125),
        Training("emotional_regulation", target="hotspots", headcount=8, start_day=20),
    ):
        option = option_of(found)
        assert option.amount == "headcount" and option.value == found.headcount
        again = option.training()
        for name in ("kind", "target", "headcount", "start_day", "refresher_days"):
            assert getattr(again, name) == getattr(found, name), name
        assert again.planned_cost(org, plan.params, plan.days) == found.planned_cost(
            org, plan.params, plan.days
        )


def test_compare_opens_one_programme_and_refuses_a_pair():
    plan = Plan()
    one = [Training("deescalation", target="managers", headcount=5)]
    assert compare_plan(plan, one).options == (option_of(one[0]),)
    pair = [*one, Training("active_listening", target="managers", headcount=5)]
    assert compare_plan(plan, pair) is None


def test_the_search_key_ignores_the_options_only():
    plan = Plan()
    other = plan.with_(options=(Option("active_listening", "central", "headcount", 3),))
    assert search_key(plan) == search_key(other)
    assert search_key(plan) != search_key(plan.with_(budget=5000))
    assert search_key(plan) != search_key(plan.with_(evidence="sceptical"))


def test_the_search_runs_the_compare_page_s_worlds():
    # World k of the search is replicate k of the Compare page: the same plan opened there
    # gives the same net benefit, world by world.
    plan = Plan(size=40, days=60, replicates=4, budget=4000)
    org = planner.build_org(plan)
    found = planner.preset_baseline(plan, org)
    plans = planner.search(plan, org, found.calibration)
    row = plans.table[plans.table["plan"] != "No training"].iloc[0]
    opened = compare_plan(plan, row["programmes"])
    cmp = cs.compare(
        opened.arms(org),
        replicates=plan.replicates,
        seed=plan.seed,
        calibration=planner.for_plan(found.calibration, opened, org),
        responders_apart=False,
    )
    np.testing.assert_allclose(cmp.paired["net_benefit"], plans.per_world[row["plan"]])
