"""A small plan simulated once, shared by the planner tests.

A plain module, not a conftest.py: a second conftest.py would take the place of
tests/conftest.py in ``from conftest import ...`` elsewhere in the suite.
"""

from __future__ import annotations

import functools

from conflictsim.planner.plan import Plan, build_org
from conflictsim.planner.results import PlanResults, evaluate

SMALL = dict(size=40, days=30, replicates=3)


@functools.cache
def small_plan() -> tuple[Plan, object, PlanResults]:
    """A small plan, its organisation and its results (computed on first use)."""
    plan = Plan(**SMALL)
    org = build_org(plan)
    return plan, org, evaluate(plan, org)
