"""Fixtures of the planner tests: a small plan, simulated once."""

from __future__ import annotations

import pytest

from conflictsim.planner.plan import Plan, build_org
from conflictsim.planner.results import evaluate

SMALL = dict(size=40, days=30, replicates=3)


@pytest.fixture(scope="session")
def small():
    """A small plan, its organisation and its results."""
    plan = Plan(**SMALL)
    org = build_org(plan)
    return plan, org, evaluate(plan, org)
