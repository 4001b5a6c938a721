"""The command line's entry point: same seed, same output; bad input ends with status 2."""

from __future__ import annotations

import pytest
from cli_process import SIM, run_cli


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
