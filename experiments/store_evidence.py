"""Regenerate the evidence settings' posteriors given the trials (about four minutes).

    uv run python experiments/store_evidence.py [SETTING ...] [--draws N]

Writes ``conflictsim/data/evidence/<setting>.csv`` and ``.json``
(``conflictsim.virtual_trials.write_posteriors``): each prior (sceptical, central,
enthusiastic) updated by the encoded trials through the simulator. Run it after changing
a trial's figures or the model; tests/test_virtual_trials.py checks the stored files.
"""

from __future__ import annotations

import argparse

from conflictsim.evidence import EVIDENCE
from conflictsim.virtual_trials import DRAWS, write_posteriors


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and regenerate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("settings", nargs="*", help=f"default: all ({', '.join(EVIDENCE)})")
    parser.add_argument("--draws", type=int, default=DRAWS, help=f"default: {DRAWS}")
    args = parser.parse_args(argv)
    write_posteriors(tuple(args.settings) or EVIDENCE, args.draws)


if __name__ == "__main__":
    main()
