"""Experiment files: what a batch run simulates, read from TOML and checked before anything runs.

An experiment file (docs/experiments.md) names an organisation, parameters, arms (training
programmes compared with common random numbers), replicates, a seed, a horizon and what to
keep; optionally a calibration to run over (replicate k with its parameter set k), an
evidence setting for what training does (``evidence_sets``), and a
sweep over parameters (a grid, a Latin hypercube or a Sobol' design) or a sensitivity
analysis. The run is then split into *units*: one design point, one arm and a
block of replicates.

- ``spec``: the checked experiment (``Experiment``, ``Arm``, ``Design``, ``SensitivitySpec``,
  ``Unit``);
- ``load``: ``load`` and ``loads``, from TOML to an ``Experiment`` or one plain error;
- ``designs``: sweeps and sensitivity designs, sampled with SALib;
- ``checks`` and ``toml_lines``: type checks and the line numbers errors name.
"""

from conflictsim.experiment.designs import MAX_POINTS
from conflictsim.experiment.loader import load, loads
from conflictsim.experiment.spec import (
    SENSITIVITY_METHODS,
    SWEEP_DESIGNS,
    Arm,
    Design,
    Experiment,
    SensitivitySpec,
    Unit,
    evidence_sets,
)

__all__ = [
    "MAX_POINTS",
    "SENSITIVITY_METHODS",
    "SWEEP_DESIGNS",
    "Arm",
    "Design",
    "Experiment",
    "SensitivitySpec",
    "Unit",
    "evidence_sets",
    "load",
    "loads",
]
