"""Running an arm: replicates of one scenario with either simulator, seeded per replicate.

Replicate ``k`` always runs with ``replicate_seed(seed, k)``, so arms run separately (in
other processes, on a cluster, or cached one by one in the dashboard) are paired exactly
as in one ``compare`` call.
"""

from __future__ import annotations

import functools
import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.engine import simulate
from conflictsim.model import ConflictModel
from conflictsim.scenario import Scenario
from conflictsim.seeds import replicate_seed


@dataclass
class ArmRuns:
    """Replicates of one arm.

    Attributes:
        summary: One row per replicate (``conflictsim.outcomes.summarise`` columns).
        daily: Tidy daily outcomes with a ``replicate`` column.
        employee_conflicts: Conflicts each post was party to, shape (replicates, size).
        trained: Whether each post was trained during the run, shape (replicates, size).
        edge_conflicts: Conflicts on each tie, shape (replicates, ties); None where not
            kept (the batch store keeps conflicts per post only).
    """

    summary: pd.DataFrame
    daily: pd.DataFrame
    employee_conflicts: np.ndarray
    trained: np.ndarray
    edge_conflicts: np.ndarray | None = None


def run_mesa(
    scenario: Scenario,
    replicates: int,
    seed: int,
    first: int = 0,
    calibration: Any = None,
    *,
    model_cls: type[ConflictModel] = ConflictModel,
) -> ArmRuns:
    """Run replicates ``first .. first + replicates - 1`` with the Mesa model.

    With a calibration, replicate ``k`` runs its parameter set ``k``. ``model_cls`` is
    the model to run: ``ConflictModel`` or a subclass of it (a behaviour of your own).
    """
    summaries, dailies, conflicts, trained, ties = [], [], [], [], []
    if calibration is not None:
        calibration.check_org(scenario.org)
    for k in range(first, first + replicates):
        scn = scenario
        if calibration is not None:
            scn = scenario.with_(params=calibration.scenario_params(scenario.params, k))
        model = model_cls(scn, rng=replicate_seed(seed, k))
        model.run_for(scenario.days)
        daily = model.daily_frame()
        daily.insert(0, "replicate", k)
        dailies.append(daily)
        summaries.append({"replicate": k, **model.summary()})
        conflicts.append(model.employee_conflicts)
        trained.append(model.ever_trained.copy())
        ties.append(model.edge_conflicts.copy())
    return ArmRuns(
        summary=pd.DataFrame(summaries),
        daily=pd.concat(dailies, ignore_index=True),
        employee_conflicts=np.array(conflicts),
        trained=np.array(trained),
        edge_conflicts=np.array(ties),
    )


def run_fast(
    scenario: Scenario, replicates: int, seed: int, first: int = 0, calibration: Any = None
) -> ArmRuns:
    """Run replicates ``first .. first + replicates - 1`` with the fast engine.

    With a calibration, replicate ``k`` runs its parameter set ``k``.
    """
    res = simulate(
        scenario,
        replicates,
        seed,
        first_replicate=first,
        record_teams=False,
        calibration=calibration,
    )
    return ArmRuns(
        summary=res.summary,
        daily=res.daily,
        employee_conflicts=res.employee_conflicts,
        trained=res.trained,
        edge_conflicts=res.edge_conflicts,
    )


#: Runners by name: each runs replicates ``first ..`` of a scenario, seeded per replicate.
ENGINES = {"fast": run_fast, "mesa": run_mesa}

#: The simulator used wherever none is named (comparisons, experiment files, dashboard).
DEFAULT_ENGINE = "fast"


def check_engine(engine: str) -> str:
    """``engine`` if it names a simulator.

    Raises:
        ValueError: If it does not.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return engine


def runner_for(engine: str, model_cls: type[ConflictModel] | None = None) -> Callable:
    """The runner of ``engine`` (a key of ``ENGINES``), running ``model_cls`` if given.

    ``model_cls`` (``ConflictModel`` or a subclass) is run by the Mesa engine. The fast
    engine runs the rules of ``ConflictModel`` only: given a subclass with the fast
    engine, it warns (``UserWarning``) that the subclass is ignored and runs as before.

    Raises:
        ValueError: If ``engine`` names no simulator, or ``model_cls`` is not a
            ``ConflictModel``.
    """
    run = ENGINES[check_engine(engine)]
    if model_cls is None:
        return run
    if not (isinstance(model_cls, type) and issubclass(model_cls, ConflictModel)):
        raise ValueError(f"model_cls must be ConflictModel or a subclass, got {model_cls!r}")
    if engine == "mesa":
        return functools.partial(run_mesa, model_cls=model_cls)
    if model_cls is not ConflictModel:
        warnings.warn(
            f"model_cls={model_cls.__name__} is ignored: the {engine} engine runs "
            f"ConflictModel's rules only; pass engine='mesa' to run {model_cls.__name__}",
            UserWarning,
            skip_file_prefixes=(os.path.dirname(__file__),),  # point at the caller's line
        )
    return run


def run_arm(
    scenario: Scenario,
    replicates: int,
    seed: int,
    first: int = 0,
    engine: str = DEFAULT_ENGINE,
    calibration: Any = None,
    model_cls: type[ConflictModel] | None = None,
) -> ArmRuns:
    """Replicates ``first ..`` of one arm with the named simulator (and calibration).

    ``model_cls``: a subclass of ``ConflictModel`` to run with ``engine="mesa"``
    (``runner_for``: the fast engine warns that it ignores one).
    """
    return runner_for(engine, model_cls)(scenario, replicates, seed, first, calibration)
