"""The fast engine: MODEL.md's daily process on arrays, many replicates in one pass.

``simulate`` (``driver``) runs the Mesa model's rules with numba kernels (``kernels``),
counter-based random numbers (``philox``) and the training rollout on arrays
(``rollout``).
"""

from conflictsim.engine.driver import Results, simulate

__all__ = ["Results", "simulate"]
