"""conflictsim: how conflict spreads through an organisation, and how training changes it.

An agent-based model (Mesa) of employees whose emotional regulation and active listening
shape how upset colleagues draw others into conflict; training programmes raise those
traits. See docs/ODD.md for the model and README.md for examples.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from conflictsim.version import __version__

# Public names and the module each lives in. They are imported on first use, so that the
# command line starts quickly and `conflictsim check-org` does not load Mesa or SciPy.
_EXPORTS = {
    "PRESETS": "organisation",
    "Organisation": "organisation",
    "REGISTRY": "params",
    "Params": "params",
    "Scenario": "scenario",
    "KINDS": "training",
    "Training": "training",
    "ConflictModel": "model",
    "Employee": "agents",
    "Comparison": "comparison",
    "compare": "comparison",
    "simulate": "engine",
    "Results": "engine",
    "Targets": "calibration.targets",
    "Calibration": "calibration.result",
    "calibrate": "calibration.fitting",
    "trials": "virtual_trials",
    "replicate_trial": "virtual_trials",
    "best_plans": "plans",
    "Plans": "plans",
}

__all__ = [
    "KINDS",
    "PRESETS",
    "REGISTRY",
    "Calibration",
    "Comparison",
    "ConflictModel",
    "Employee",
    "Organisation",
    "Params",
    "Plans",
    "Results",
    "Scenario",
    "Targets",
    "Training",
    "__version__",
    "best_plans",
    "calibrate",
    "compare",
    "replicate_trial",
    "simulate",
    "trials",
]


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(importlib.import_module(f"conflictsim.{_EXPORTS[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'conflictsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)


if TYPE_CHECKING:  # for type checkers and IDEs
    from conflictsim.agents import Employee
    from conflictsim.calibration.fitting import calibrate
    from conflictsim.calibration.result import Calibration
    from conflictsim.calibration.targets import Targets
    from conflictsim.comparison import Comparison, compare
    from conflictsim.engine import Results, simulate
    from conflictsim.model import ConflictModel
    from conflictsim.organisation import PRESETS, Organisation
    from conflictsim.params import REGISTRY, Params
    from conflictsim.plans import Plans, best_plans
    from conflictsim.scenario import Scenario
    from conflictsim.training import KINDS, Training
    from conflictsim.virtual_trials import replicate_trial, trials
