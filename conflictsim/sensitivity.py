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
- Borgonovo's delta (2007; the given-data estimator of Plischke, Borgonovo & Smith 2013)
  over a calibration: no design over chosen ranges, but the plausible worlds themselves,
  each replicate one parameter set of the calibration the file runs over (with its draw
  of what training does under an evidence setting). Sobol' and Morris designs range over
  whole plausible ranges, most of whose combinations give organisations the published
  base rates rule out (in experiments/contagion_sensitivity.toml before issue 25, 9% of
  the points had a baseline in the published band); over a calibration's sets every world
  is on target, as a behavioural filter (GLUE, Beven & Binley 1992; EMA Workbench's
  scenario filtering) would leave it. ``delta`` (with its 95% bootstrap interval) is the
  shift in the outcome's whole distribution a parameter explains; ``S1`` the share of
  its variance.

Every design point runs replicate k with the same seed (common random numbers), so the
differences between points are not blurred by chance differences in the runs; what noise
is left adds to the indices, so use enough replicates for a stable outcome.
"""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import numpy as np
import pandas as pd

from conflictsim.batch import load_experiment, read_summary, run
from conflictsim.experiment import Design, Experiment, SensitivitySpec, load

RESULT_FILE = "sensitivity.csv"
#: The row of the delta method's dummy parameter (nothing depends on it).
DUMMY = "(dummy: nothing depends on it)"


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
    if spec.method == "delta":
        return over_worlds(exp, summary)
    y = outcome_by_point(exp, summary)
    if np.isnan(y).any():
        n = int(np.isnan(y).sum())
        raise ValueError(
            f"{out}: the outcome is undefined at {n} of {y.size} design points (a relative "
            'change against an arm with no events?); use scale = "absolute"'
        )
    return analyse(exp.design, spec, y)


def outcome_by_replicate(exp: Experiment, summary: pd.DataFrame) -> np.ndarray:
    """The analysed quantity of each replicate (one design point), in replicate order."""
    spec: SensitivitySpec = exp.sensitivity
    by_arm = {a: g.sort_values("replicate") for a, g in summary.groupby("arm", observed=True)}
    if spec.contrast is None:
        return _outcome(by_arm[exp.arm_names[0]], spec.outcome)
    a, b = by_arm[spec.contrast[0]], by_arm[spec.contrast[1]]
    if spec.outcome == "net_benefit":
        d = -(_outcome(a, "cost_conflict") - _outcome(b, "cost_conflict")) - (
            _outcome(a, "cost_training") - _outcome(b, "cost_training")
        )
    else:
        d = _outcome(a, spec.outcome) - _outcome(b, spec.outcome)
    if spec.scale == "relative":
        ref = _outcome(b, spec.outcome)
        with np.errstate(divide="ignore", invalid="ignore"):
            d = np.where(ref != 0, d / ref, np.nan)
    return d


def over_worlds(exp: Experiment, summary: pd.DataFrame) -> pd.DataFrame:
    """Delta indices of the outcome over the calibration's plausible worlds (given data).

    Replicate ``k`` ran parameter set ``k`` of the run's calibration (cycling), with its
    draw of the training effects; each parameter that varies between the sets is
    analysed (SALib's ``delta``, bootstrap of 100, seeded by the experiment).

    Returns:
        One row per parameter: ``parameter``, ``low``, ``high`` (its range over the
        worlds), ``delta``, ``delta_conf``, ``S1``, ``S1_conf``, ``method``, ``outcome``,
        ``worlds``; the largest ``delta`` first.

    Raises:
        ValueError: If the outcome is undefined in some world.
    """
    from SALib.analyze import delta

    y = outcome_by_replicate(exp, summary)
    if np.isnan(y).any():
        raise ValueError(
            f"the outcome is undefined in {int(np.isnan(y).sum())} of {y.size} worlds (a "
            'relative change against an arm with no events?); use scale = "absolute"'
        )
    cal = exp.run_calibration
    reps = np.sort(summary["replicate"].unique())
    worlds = cal.draws.iloc[reps % len(cal.draws)].reset_index(drop=True)
    names = [c for c in worlds.columns if np.ptp(worlds[c].to_numpy(float)) > 0]
    # A dummy that the outcome cannot depend on shows how large an index chance alone
    # gives with this many worlds (the estimator is biased upward on few samples).
    dummy = np.random.default_rng([int(exp.seed), 0xD0]).random(len(worlds))
    x = np.column_stack([worlds[names].to_numpy(float), dummy])
    names = [*names, DUMMY]
    problem = {
        "num_vars": len(names),
        "names": names,
        "bounds": [[float(x[:, j].min()), float(x[:, j].max())] for j in range(len(names))],
    }
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        # SALib reports how it merged bins, on every call: not for the user.
        res = delta.analyze(problem, x, y, num_resamples=100, seed=exp.seed)
    key = "delta_balanced" if "delta_balanced" in res else "delta"  # SALib 1.5 renamed it
    df = pd.DataFrame(
        {
            "parameter": names,
            "low": x.min(axis=0),
            "high": x.max(axis=0),
            "delta": res[key],
            "delta_conf": res[f"{key}_conf"],
            "S1": res["S1"],
            "S1_conf": res["S1_conf"],
        }
    ).sort_values("delta", ascending=False, kind="stable")
    df["method"] = "delta"
    df["outcome"] = exp.sensitivity.label.replace("mean of ", "")
    df["worlds"] = len(y)
    return df.reset_index(drop=True)


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
