"""Global sensitivity analysis: which parameters move an outcome, and how much.

An experiment file with a ``[sensitivity]`` table (docs/experiments.md) names parameters,
their ranges (the registry's plausible ranges unless the file gives bounds) and an outcome,
for example how many conflicts one programme avoids against another. Its design points are
drawn with SALib and run like any batch run (``conflictsim.batch``: all cores or a Dask
cluster, resumable); at each point the outcome is summarised over replicates, and SALib
computes the indices:

- Sobol' (Saltelli 2010): first-order ``S1`` (the share of the outcome's variance each
  parameter explains alone) and total ``ST`` (alone and with others), with 95% bootstrap
  intervals.
- Morris (1991) elementary effects, for screening many parameters cheaply: ``mu_star``
  (mean absolute effect of moving a parameter across its range) and ``sigma`` (how much
  that effect changes with the other parameters: interactions or non-linearity).

Every design point runs replicate k with the same seed (common random numbers), so the
differences between points are not blurred by chance differences in the runs; what noise
is left adds to the indices, so use enough replicates for a stable outcome.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from conflictsim.batch import load_experiment, read_summary, run
from conflictsim.experiment import Design, Experiment, SensitivitySpec, load

RESULT_FILE = "sensitivity.csv"


def sensitivity(
    experiment: str | Path | Experiment,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    resume: bool = False,
    progress: bool = True,
) -> pd.DataFrame:
    """Run a sensitivity analysis and return its indices (also written to ``out``).

    Args:
        experiment: An experiment file with a ``[sensitivity]`` table.
        out: Results directory (as ``conflictsim.batch.run``).
        workers: Local worker processes (default: every core).
        scheduler: A Dask scheduler's address or scheduler file.
        resume: Continue a run in ``out`` (finished units are kept).
        progress: Show a progress bar on standard error.

    Returns:
        The indices (see ``indices``).
    """
    exp = experiment if isinstance(experiment, Experiment) else load(experiment)
    if exp.sensitivity is None:
        raise ValueError(
            f"{exp.path or 'the experiment'} has no [sensitivity] table; see "
            "docs/experiments.md (for a plain sweep use `conflictsim run`)"
        )
    run(exp, out, workers=workers, scheduler=scheduler, resume=resume, progress=progress)
    result = indices(out)
    result.to_csv(Path(out) / RESULT_FILE, index=False)
    return result


def outcome_by_point(exp: Experiment, summary: pd.DataFrame) -> np.ndarray:
    """The analysed quantity at each design point, in design order.

    Args:
        exp: The experiment (its ``sensitivity`` says what to summarise).
        summary: ``conflictsim.batch.read_summary`` of its run.

    Returns:
        One value per design point: the mean (or median) over replicates of the outcome,
        or of the paired difference between the two arms of the contrast.
    """
    spec: SensitivitySpec = exp.sensitivity
    stat = np.nanmean if spec.statistic == "mean" else np.nanmedian
    values = np.full(exp.n_points, np.nan)
    for p, rows in summary.groupby("point", sort=True, observed=True):
        by_arm = {arm: g.sort_values("replicate") for arm, g in rows.groupby("arm", observed=True)}
        if spec.contrast is None:
            values[p] = stat(_outcome(by_arm[exp.arm_names[0]], spec.outcome))
            continue
        a, b = by_arm[spec.contrast[0]], by_arm[spec.contrast[1]]
        if spec.outcome == "net_benefit":
            # Conflict cost avoided minus the extra training cost (as comparison.py).
            d = -(_outcome(a, "cost_conflict") - _outcome(b, "cost_conflict")) - (
                _outcome(a, "cost_training") - _outcome(b, "cost_training")
            )
        else:
            d = _outcome(a, spec.outcome) - _outcome(b, spec.outcome)
        values[p] = stat(d)
        if spec.scale == "relative":
            ref = stat(_outcome(b, spec.outcome))
            values[p] = values[p] / ref if ref != 0 else np.nan
    return values


def _outcome(rows: pd.DataFrame, name: str) -> np.ndarray:
    return rows[name].to_numpy(dtype=float)


def indices(out: str | Path) -> pd.DataFrame:
    """Sensitivity indices from a finished run of an experiment with ``[sensitivity]``.

    Returns:
        Sobol': one row per parameter with ``S1, S1_conf, ST, ST_conf`` (95% bootstrap
        half-widths) and, with ``second_order = true``, a row per pair ``a x b`` with
        ``S2, S2_conf``. Morris: ``mu, mu_star, mu_star_conf, sigma``. Both carry
        ``parameter, low, high, method, outcome`` and are sorted by importance
        (``ST`` or ``mu_star``, largest first).

    Raises:
        ValueError: If the run has no ``[sensitivity]`` table, is not finished, or the
            outcome is undefined at some design point.
    """
    out = Path(out)
    exp = load_experiment(out)
    spec = exp.sensitivity
    if spec is None:
        raise ValueError(f"{out}: the run's experiment has no [sensitivity] table")
    summary = read_summary(out)
    y = outcome_by_point(exp, summary)
    if np.isnan(y).any():
        n = int(np.isnan(y).sum())
        raise ValueError(
            f"{out}: the outcome is undefined at {n} of {y.size} design points (a relative "
            'change against an arm with no events?); use scale = "absolute"'
        )
    return analyse(exp.design, spec, y)


def analyse(design: Design, spec: SensitivitySpec, y: np.ndarray) -> pd.DataFrame:
    """Sensitivity indices of outcomes ``y`` at the points of ``design`` (see ``indices``).

    Args:
        design: A Sobol' (Saltelli 2010) or Morris (1991) design drawn by
            ``conflictsim.experiment``.
        spec: What was summarised (method and a label for the table).
        y: The outcome at each design point, in design order.
    """
    problem = design.problem()
    d = design
    y = np.asarray(y, dtype=float)
    if y.shape != (d.n_points,):
        raise ValueError(f"expected {d.n_points} outcomes, one per design point, got {y.shape}")
    if spec.method == "sobol":
        from SALib.analyze import sobol

        res = sobol.analyze(problem, y, calc_second_order=d.second_order, seed=d.seed)
        df = pd.DataFrame(
            {
                "parameter": list(d.names),
                "S1": res["S1"],
                "S1_conf": res["S1_conf"],
                "ST": res["ST"],
                "ST_conf": res["ST_conf"],
            }
        )
        df = df.sort_values("ST", ascending=False, kind="stable")
        if d.second_order:
            pairs = []
            for i in range(len(d.names)):
                for j in range(i + 1, len(d.names)):
                    pairs.append(
                        {
                            "parameter": f"{d.names[i]} x {d.names[j]}",
                            "S2": res["S2"][i, j],
                            "S2_conf": res["S2_conf"][i, j],
                        }
                    )
            df = pd.concat([df, pd.DataFrame(pairs)], ignore_index=True)
    else:
        from SALib.analyze import morris

        res = morris.analyze(problem, d.points, y, num_levels=d.levels, seed=d.seed)
        df = pd.DataFrame(
            {
                "parameter": list(d.names),
                "mu": res["mu"],
                "mu_star": res["mu_star"],
                "mu_star_conf": res["mu_star_conf"],
                "sigma": res["sigma"],
            }
        ).sort_values("mu_star", ascending=False, kind="stable")
    bounds = dict(zip(d.names, d.bounds, strict=True))
    df.insert(1, "low", [bounds.get(p, (np.nan, np.nan))[0] for p in df["parameter"]])
    df.insert(2, "high", [bounds.get(p, (np.nan, np.nan))[1] for p in df["parameter"]])
    df["method"] = spec.method
    df["outcome"] = spec.label
    return df.reset_index(drop=True)
