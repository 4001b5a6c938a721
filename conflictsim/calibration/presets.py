"""Stored calibrations of the four presets, so that the dashboard answers at once.

Each preset at the dashboard's default size and seed (``conflictsim.planner`` uses 200
employees, seed 1) ships a calibration to the published targets in
``conflictsim/data/calibrations/<preset>-<size>-seed<seed>/``. Regenerate them all with
one command (about a minute a preset on two cores)::

    uv run python -m conflictsim.calibration.presets

``tests/calibration/test_presets.py`` checks that they still reproduce their targets
with the current code.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from conflictsim.calibration.fitting import calibrate
from conflictsim.calibration.result import Calibration
from conflictsim.calibration.targets import Targets
from conflictsim.organisation import PRESETS, Organisation

#: Where the stored calibrations live (inside the package, so installs carry them).
STORE = Path(__file__).resolve().parents[1] / "data" / "calibrations"
#: Size and seed of the stored presets' organisations (the dashboard's defaults).
SIZE = 200
SEED = 1
#: Seed and parameter sets of the stored calibrations.
CALIBRATION_SEED = 1
DRAWS = 200


def folder(preset: str, size: int = SIZE, seed: int = SEED) -> Path:
    """The folder of a preset's stored calibration."""
    return STORE / f"{preset}-{size}-seed{seed}"


def stored(org: Organisation) -> Calibration | None:
    """The stored calibration of this very organisation, or ``None``.

    Matched by the organisation's fingerprint, so a preset of another size or seed (or
    an uploaded org chart) has none and must be calibrated.
    """
    if not STORE.is_dir():
        return None
    fingerprint = org.fingerprint()
    for path in sorted(STORE.iterdir()):
        doc = path / "calibration.json"
        if doc.is_file() and json.loads(doc.read_text("utf-8"))["org_fingerprint"] == fingerprint:
            return Calibration.load(path)
    return None


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


def main(argv: list[str] | None = None) -> None:
    """Command line: regenerate the stored calibrations."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help=f"default: all ({', '.join(PRESETS)})")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    regenerate(args.presets or None, workers=args.workers)


if __name__ == "__main__":
    main()
