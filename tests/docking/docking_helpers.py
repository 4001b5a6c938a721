"""Helpers of the paired docking tests (tests/docking): runs of both simulators, z-tests.

A plain module, not a conftest.py (a second conftest.py would hide tests/conftest.py).
The test modules keep their runs in module-scoped fixtures, so tests that dock the same
runs pay for the Mesa side once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

import conflictsim as cs
from conflictsim.engine import simulate
from conflictsim.seeds import replicate_seed

#: Flag a difference beyond this many standard errors (two-sided p about 7e-6).
Z = 4.5


def phi(x: float) -> float:
    """Standard normal distribution function."""
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def with_severe(summary: pd.DataFrame) -> pd.DataFrame:
    """Per-run summary with ``severe`` = major + critical conflicts."""
    return summary.assign(severe=summary["conflicts_major"] + summary["conflicts_critical"])


@dataclass
class Runs:
    """Replicates of one arm: summaries, conflicts per team and day, who was trained.

    ``seeds`` are the replicates' seeds (``replicate_seed(seed, k)``), from which the
    targeting streams are spawned in both simulators.
    """

    summary: pd.DataFrame
    team_daily: np.ndarray  # (replicates, days + 1, teams)
    trained: np.ndarray  # (replicates, size)
    seeds: list[int]


def mesa_runs(scn: cs.Scenario, replicates: int, seed: int) -> Runs:
    """Replicates 0.. of the Mesa model, seeded as ``conflictsim.runs.run_mesa`` does."""
    summaries, teams, trained, seeds = [], [], [], []
    for k in range(replicates):
        model = cs.ConflictModel(scn, rng=replicate_seed(seed, k))
        model.run_for(scn.days)
        summaries.append(model.summary())
        teams.append(np.array(model.team_daily))
        trained.append(model.ever_trained.copy())
        seeds.append(model.seed)
    return Runs(with_severe(pd.DataFrame(summaries)), np.array(teams), np.array(trained), seeds)


def engine_runs(scn: cs.Scenario, replicates: int, seed: int) -> Runs:
    """Replicates 0.. of the fast engine, with teams recorded."""
    res = simulate(scn, replicates, seed, record_teams=True)
    seeds = [replicate_seed(seed, int(k)) for k in res.replicate_ids]
    return Runs(with_severe(res.summary), res.team_daily, res.trained, seeds)


def welch(a: np.ndarray, b: np.ndarray) -> tuple[float, float]:
    """Difference of means and its standard error (independent samples)."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
    return float(a.mean() - b.mean()), se


def check(name: str, diff: float, se: float, problems: list[str], detail: str = "") -> float:
    """Flag ``diff`` beyond ``Z`` standard errors (exact agreement if ``se`` is 0)."""
    z = diff / se if se > 0 else (0.0 if diff == 0 else math.inf)
    if abs(diff) > max(Z * se, 1e-9):
        problems.append(f"{name}: {detail}difference {diff:.4g}, z {z:.1f}")
    return z


def power_check(name: str, scale: float, shift: float, se: float, problems: list[str]) -> float:
    """Require that a true difference of ``shift * scale`` is caught half the time or more.

    That is ``shift * scale >= Z * se``; the power is ``Phi(shift * scale / se - Z)``.
    Returns the power.
    """
    ratio = shift * abs(scale) / se if se > 0 else math.inf
    power = phi(ratio - Z)
    if ratio < Z:
        problems.append(
            f"{name}: a shift of {shift:.0%} of {scale:.4g} is caught with probability "
            f"{power:.2f} only (se {se:.3g}); run more replicates"
        )
    return power
