"""conflictsim simulate: the summary table, a programme's effect, bad programme options."""

from __future__ import annotations

import pytest
from cli_process import SIM, run_cli

from conflictsim.cli import main


def test_simulate_prints_a_summary(capsys):
    assert main(SIM) == 0
    out = capsys.readouterr().out
    assert "80 employees, 20 days" in out
    for label in ("conflicts", "conflict hours", "per employee per week", "quits", "cost"):
        assert label in out


def test_simulate_with_a_programme_compares_with_no_training(capsys):
    args = [*SIM, "--programme", "deescalation", "--target", "managers", "--replicates", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Effect of deescalation training (managers)" in out
    assert "net benefit" in out and "conflicts among the untrained" in out
    assert "conflicts with a trainee" in out
    assert "cost of training" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--programme", "yoga"], "--programme"),
        (["--coverage", "0.5"], "training options need --programme"),
        (["--programme", "deescalation", "--coverage", "2"], "coverage"),
        (["--programme", "deescalation", "--target", "E999,E1"], "unknown employee id 'E999'"),
        (["--programme", "deescalation", "--headcount", "5", "--budget", "9"], "not allowed"),
    ],
)
def test_bad_programme_options_exit_2(args, message):
    result = run_cli(*SIM, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr
