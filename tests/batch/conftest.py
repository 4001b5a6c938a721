"""Fixtures of the batch tests: experiment files and one reference run shared by all."""

from __future__ import annotations

from pathlib import Path

import pytest
from batch_files import EXPERIMENT, SMALL, results

from conflictsim import batch


@pytest.fixture(scope="session")
def experiment_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("exp") / "batch.toml"
    path.write_text(EXPERIMENT)
    return path


@pytest.fixture(scope="session")
def reference(experiment_file, tmp_path_factory) -> dict:
    """An uninterrupted run with one worker, in this process."""
    out = tmp_path_factory.mktemp("ref") / "run"
    batch.run(experiment_file, out, workers=1, progress=False)
    return results(out)


@pytest.fixture
def small(tmp_path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL)
    return path
