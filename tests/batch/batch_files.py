"""Experiment files and helpers for the tests of conflictsim.batch."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd

from conflictsim import batch

# Long enough (96 runs of 100 people x 60 days) to be killed part-way, short enough for CI.
EXPERIMENT = """\
[experiment]
name = "batch-test"
seed = 11
replicates = 48
days = 60
engine = "mesa"
replicates_per_unit = 2

[organisation]
preset = "office"
size = 100
seed = 3

[parameters]
transmission = 0.3

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
[[arms.programmes]]
kind = "deescalation"
coverage = 0.5
"""


SMALL = """\
[experiment]
seed = 5
replicates = 5
days = 20
engine = "mesa"
replicates_per_unit = 2

[organisation]
preset = "call_centre"
size = 40

[[arms]]
name = "baseline"

[[arms]]
name = "listen"
programmes = [{kind = "active_listening", target = "managers"}]
"""


def results(out) -> dict[str, pd.DataFrame]:
    return {
        "summary": batch.read_summary(out),
        "daily": batch.read_daily(out),
        "employees": batch.read_employees(out),
    }


def assert_same(a: dict, b: dict) -> None:
    for kind in a:
        pd.testing.assert_frame_equal(a[kind], b[kind], check_exact=True, obj=kind)


def cli(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "conflictsim.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        **kw,
    )
