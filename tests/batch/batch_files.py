"""Experiment files and helpers of the tests of conflictsim.batch.

Helpers, not a conftest.py: one here would shadow tests/conftest.py, which other test
modules import as ``conftest``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
responders_apart = false  # the tests count units and rows of these arms alone

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
        "ties": batch.read_ties(out),
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


def write_small(tmp_path: Path) -> Path:
    """The small experiment file, written to ``tmp_path``."""
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path


def write_experiment(tmp_path_factory) -> Path:
    """The experiment long enough to be killed part-way, in a new folder."""
    path = tmp_path_factory.mktemp("exp") / "batch.toml"
    path.write_text(EXPERIMENT)
    return path


def reference_results(experiment_file: Path, tmp_path_factory) -> dict:
    """An uninterrupted run with one worker, in this process."""
    out = tmp_path_factory.mktemp("ref") / "run"
    batch.run(experiment_file, out, workers=1, progress=False)
    return results(out)
