"""Regenerate the stored calibrations of the four presets (about a minute each on 2 cores).

    uv run python experiments/store_calibrations.py [PRESET ...] [--workers N]

Writes ``conflictsim/data/calibrations/<preset>-200-seed1/``
(``conflictsim.calibration.presets.regenerate``); tests/calibration/test_presets.py checks
that the stored ones still reproduce their targets with the current code.
"""

from __future__ import annotations

import argparse

from conflictsim.calibration.presets import regenerate
from conflictsim.organisation import PRESETS


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and regenerate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help=f"default: all ({', '.join(PRESETS)})")
    parser.add_argument("--workers", type=int, default=None, help="default: all cores")
    args = parser.parse_args(argv)
    regenerate(args.presets or None, workers=args.workers)


if __name__ == "__main__":
    main()
