"""conflictsim: how conflict spreads through an organisation, and how training changes it.

An agent-based model (Mesa) of employees whose emotional regulation and active listening
shape how upset colleagues draw others into conflict; training programmes raise those
traits. See docs/ODD.md for the model and README.md for examples.
"""

from conflictsim.compare import Comparison, compare
from conflictsim.model import ConflictModel, Employee
from conflictsim.organisation import PRESETS, Organisation
from conflictsim.params import REGISTRY, Params
from conflictsim.scenario import Scenario
from conflictsim.training import KINDS, Training

__version__ = "0.1.0"

__all__ = [
    "PRESETS",
    "KINDS",
    "REGISTRY",
    "Comparison",
    "ConflictModel",
    "Employee",
    "Organisation",
    "Params",
    "Scenario",
    "Training",
    "__version__",
    "compare",
]
