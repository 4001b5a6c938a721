"""The small calibration the batch and experiment tests run over."""

import conflictsim as cs


def quick_calibration() -> cs.Calibration:
    """Ten parameter sets for the 60-person office (seed 3), from one generation of ABC."""
    org = cs.Organisation.generate(size=60, preset="office", seed=3)
    return cs.calibrate(org, seed=1, draws=10, workers=1, progress=False, max_generations=1)
