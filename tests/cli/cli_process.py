"""The command line in a new process, as a user runs it."""

from __future__ import annotations

import subprocess
import sys

SIM = ["simulate", "--size", "80", "--days", "20", "--seed", "1"]


def run_cli(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "conflictsim.cli", *args], capture_output=True, text=True, cwd=cwd
    )
