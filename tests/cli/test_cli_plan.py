"""conflictsim plan: the best plan for a budget on the command line."""

from __future__ import annotations

import pytest
from cli_process import run_cli

import conflictsim as cs
from conflictsim.cli import main
from conflictsim.plans import best_plans

PLAN = ["plan", "--preset", "call_centre", "--size", "60", "--days", "60", "--seed", "3"]
SMALL = [*PLAN, "--as-given", "--worlds", "24", "--budget", "6000"]


def test_plan_prints_the_search_s_recommendation_and_frontier(capsys):
    assert main(SMALL) == 0
    out = capsys.readouterr().out
    org = cs.Organisation.generate(size=60, preset="call_centre", seed=3)
    plans = best_plans(cs.Scenario(org=org, days=60), 6000, worlds=24, seed=3)
    top = plans.table.iloc[0]
    assert "Best plan for a budget of 6,000: 60 employees, 60 days, 24 plausible worlds." in out
    if top["plan"] == "No training":
        assert "Recommended: no training." in out
    else:
        assert f"Recommended: {top['plan']}. It costs {top['cost']:,.0f}" in out
        assert "Break-even:" in out
        assert "fails to pay in" in out or "It pays in every" in out
    for plan in plans.table["plan"]:
        assert f"  {plan} " in out
    assert "Cost-effectiveness frontier" in out
    assert f"{plans.candidates} plans within the budget" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--budget", "-5"], "expected a sum of at least 0"),
        (["--budget", "lots"], "expected a sum of money"),
        ([], "the following arguments are required: --budget"),
        (["--budget", "100", "--worlds", "1"], "at least 2"),
    ],
)
def test_bad_plan_options_exit_2(args, message):
    result = run_cli(*PLAN, "--as-given", *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
