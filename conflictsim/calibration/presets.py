"""Stored calibrations of the four presets, so that the dashboard answers at once.

Each preset at the dashboard's default size and seed (``conflictsim.planner`` uses 200
employees, seed 1) ships a calibration to the published targets in
``conflictsim/data/calibrations/<preset>-<size>-seed<seed>/``. Regenerate them all with
one command (about a minute a preset on two cores)::

    uv run python experiments/store_calibrations.py

``tests/calibration/test_presets.py`` checks that they still reproduce their targets
with the current code. Reading them (``stored``) lives in ``store``, which imports no
pyabc; its names are also here.
"""

from __future__ import annotations

from pathlib import Path

from conflictsim.calibration.fitting import calibrate
from conflictsim.calibration.store import SEED, SIZE, STORE, folder, stored
from conflictsim.calibration.targets import Targets
from conflictsim.organisation import PRESETS, Organisation

#: Seed and parameter sets of the stored calibrations.
CALIBRATION_SEED = 1
DRAWS = 200

# Reading them needs no pyabc: ``store`` holds that part, and its names stay here too.
__all__ = ["CALIBRATION_SEED", "DRAWS", "SEED", "SIZE", "STORE", "folder",
           "regenerate", "stored"]  # fmt: skip


def regenerate(presets: list[str] | None = None, *, workers: int | None = None) -> list[Path]:
    """Calibrate the presets to the published targets and store them.

    Args:
        presets: Which presets (default: all four).
        workers: Local processes (default: all cores).

    Returns:
        The folders written.
    """
    written = []
    for preset in presets or list(PRESETS):
        org = Organisation.generate(SIZE, preset, seed=SEED)
        cal = calibrate(
            org, Targets.published(), seed=CALIBRATION_SEED, draws=DRAWS, workers=workers
        )
        written.append(cal.save(folder(preset)))
        print(f"{preset}: {cal.meta['seconds']:.0f} s, converged {cal.converged}")
    return written
