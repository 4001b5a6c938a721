"""The stored calibrations of the four presets: where they are and which one fits.

Each preset at the dashboard's default size and seed (200 employees, seed 1) ships a
calibration to the published targets in
``conflictsim/data/calibrations/<preset>-<size>-seed<seed>/``; ``presets`` regenerates
them. This module only reads them, and imports no pyabc (which takes seconds to import),
so that the dashboard's first answer does not wait for it.
"""

from __future__ import annotations

import json
from pathlib import Path

from conflictsim.calibration.result import Calibration
from conflictsim.organisation import Organisation

#: Where the stored calibrations live (inside the package, so installs carry them).
STORE = Path(__file__).resolve().parents[1] / "data" / "calibrations"
#: Size and seed of the stored presets' organisations (the dashboard's defaults).
SIZE = 200
SEED = 1


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
