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
    assert "(the cost-effectiveness frontier)" in " ".join(out.split())
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


def test_your_prices_change_the_plans_costs(capsys):
    # Known answer: with no fee and no hours, a plan costs its session days alone.
    prices = ["--price", "deescalation=0,0,700", "--price", "active_listening=0,0,700"]
    prices += ["--price", "emotional_regulation=,,700"]
    assert main([*SMALL, *prices]) == 0
    out = capsys.readouterr().out
    assert "Prices: De-escalation 0 a trainee, 0 hours, 700 a session day (yours)" in out
    org = cs.Organisation.generate(size=60, preset="call_centre", seed=3)
    free = {"cost_per_trainee": 0.0, "hours_per_trainee": 0.0, "cost_per_session": 700.0}
    quote = {
        "deescalation": free,
        "active_listening": free,
        "emotional_regulation": {"cost_per_session": 700.0},
    }
    plans = best_plans(cs.Scenario(org=org, days=60), 6000, worlds=24, seed=3, prices=quote)
    only = plans.table["programmes"].map(
        lambda ps: {p.kind for p in ps} <= {"deescalation", "active_listening"} and bool(ps)
    )
    free_plans = plans.table[only]
    assert not free_plans.empty and (free_plans["planned_cost"] % 700 == 0).all()
    top = plans.table.iloc[0]
    if top["plan"] != "No training":
        flat = " ".join(out.split())  # the paragraph is wrapped
        assert f"It costs {top['cost']:,.0f} (planned {top['planned_cost']:,.0f})" in flat


def test_simulate_takes_a_price_for_its_programme(capsys):
    args = [*PLAN[1:7], "--as-given", "--replicates", "2", "--programme", "deescalation"]
    assert main(["simulate", *args, "--target", "managers", "--price", "deescalation=0,0,900"]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if line.strip().startswith("cost of training"))
    assert row.split()[3:6] == ["900", "900", "900"], row  # one session day, nothing else


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--price", "yoga=1"], "expected PROGRAMME=FEE,HOURS,SESSION"),
        (["--price", "deescalation=1,2,3,4"], "at most three numbers"),
        (["--price", "deescalation=x"], "'x' in 'deescalation=x' is not a number"),
        (["--price", "deescalation=-1"], "must be at least 0"),
    ],
)
def test_bad_prices_exit_2(args, message):
    result = run_cli(*PLAN, "--as-given", "--budget", "100", *args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_plan_writes_a_board_report(tmp_path, capsys):
    out = tmp_path / "board.html"
    assert main([*SMALL, "--report", str(out), "--name", "Northfield Council"]) == 0
    assert f"Board report: {out}" in capsys.readouterr().out
    text = out.read_text()
    assert "<title>Training plan for Northfield Council</title>" in text
    assert "With 6,000 to spend on conflict training" in text and "cs.trials()" not in text
    assert not list(tmp_path.glob("*.part"))  # written whole


def test_a_board_report_into_a_missing_folder_exits_2(tmp_path):
    result = run_cli(*SMALL, "--report", str(tmp_path / "nowhere" / "board.html"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr
