import subprocess
import sys

import pytest

from conflictsim.cli import main

SIM = ["simulate", "--size", "80", "--days", "20", "--seed", "1"]


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "conflictsim.cli", *args], capture_output=True, text=True
    )


def test_simulate_prints_a_summary(capsys):
    assert main(SIM) == 0
    out = capsys.readouterr().out
    assert "80 employees, 20 days" in out
    for label in ("conflicts", "conflict hours", "per employee per week", "quits", "cost"):
        assert label in out


def test_same_seed_same_output_in_two_processes():
    first, second = run_cli(*SIM), run_cli(*SIM)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    other = run_cli(*SIM[:-1], "2")
    assert other.stdout != first.stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["simulate", "--set", "transmision=0.1"], "unknown parameter 'transmision'"),
        (["simulate", "--set", "recovery=3"], "'recovery' = 3.0 is out of range"),
        (["simulate", "--set", "recovery"], "NAME=VALUE"),
        (["simulate", "--size", "zero"], "--size"),
        (["simulate", "--preset", "factory"], "--preset"),
        (["simulate", "--org", "no/such/file.csv"], "no/such/file.csv"),
    ],
)
def test_bad_input_exits_2_with_one_message(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_simulate_with_a_programme_compares_with_no_training(capsys):
    args = [*SIM, "--programme", "deescalation", "--target", "managers", "--replicates", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Effect of deescalation training (managers)" in out
    assert "net benefit" in out and "conflicts of the untrained" in out
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
