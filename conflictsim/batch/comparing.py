"""Comparisons of a finished run: per design point, pooled over a sweep, as one table."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.batch.store import load_experiment, read_employees, read_summary, read_ties
from conflictsim.comparison import Comparison, mean_ci
from conflictsim.outcomes import PARTY_OUTCOMES
from conflictsim.runs import ArmRuns


def comparisons(out: str | Path) -> dict[Any, Comparison]:
    """``Comparison`` objects of a finished run: one per design point, and ``"all"``.

    With one design point the dict holds that point only (key 0). With several, ``"all"``
    pools every point and replicate (each (point, replicate) pair is one paired
    difference): the average effect over the design's spread of parameters. Its table's
    interval treats the pairs as independent; ``compare`` replaces it with one over the
    points' means.

    Each comparison's ``worlds`` hold, in paired order, the parameter set each replicate
    ran (``Experiment.run_calibration``: over a calibration or an evidence setting), as
    ``cs.compare(..., calibration=)`` gives them, so ``value_of_information()`` works on a
    run as on a comparison; they are None when nothing varied between replicates but
    chance. The swept parameters are never among them: design points are values chosen to
    be explored, not beliefs about the organisation, so they are not plausible worlds.
    """
    out = Path(out)
    exp = load_experiment(out)
    if len(exp.arms) < 2:
        raise ValueError(f"{out}: a comparison needs at least two arms; the run has one")
    if exp.replicates < 2:
        raise ValueError(f"{out}: a comparison needs at least 2 replicates per arm")
    summary = read_summary(out)
    employees = read_employees(out) if exp.outputs["employees"] else None
    ties = None
    if exp.outputs["employees"]:
        try:
            ties = read_ties(out)
        except ValueError:  # a run written before ties were kept: no party outcomes
            ties = None
    n, n_ties = exp.org.size, exp.org.n_edges
    cal = exp.run_calibration

    def worlds(rows: pd.DataFrame, pooled: bool) -> pd.DataFrame | None:
        """The plausible parameter set each of ``rows`` (the first arm's summary) ran with."""
        if cal is None or not len(cal.draws.columns):
            return None
        k = rows["replicate"].to_numpy() % len(cal.draws)
        return cal.draws.iloc[k].reset_index(drop=True)

    def arm_runs(mask_s: pd.Series, mask_e: pd.Series | None, mask_t: pd.Series | None) -> ArmRuns:
        s = summary[mask_s].drop(columns=["point", "arm"]).reset_index(drop=True)
        r = len(s)
        if employees is not None and mask_e is not None:
            e = employees[mask_e]
            conflicts = e["conflicts"].to_numpy().reshape(r, n)
            trained = e["trained"].to_numpy().reshape(r, n)
        else:
            conflicts, trained = np.zeros((r, n), np.int64), np.zeros((r, n), bool)
        per_tie = None
        if ties is not None and mask_t is not None:
            per_tie = ties[mask_t]["conflicts"].to_numpy().astype(np.int64).reshape(r, n_ties)
        return ArmRuns(
            summary=s,
            daily=pd.DataFrame(),
            employee_conflicts=conflicts,
            trained=trained,
            edge_conflicts=per_tie,
        )

    def build(points: Sequence[int] | None) -> Comparison:
        runs, first = {}, None
        for arm in exp.arm_names:
            ms = summary["arm"] == arm
            me = employees["arm"] == arm if employees is not None else None
            mt = ties["arm"] == arm if ties is not None else None
            if points is not None:
                ms &= summary["point"].isin(points)
                if me is not None:
                    me &= employees["point"].isin(points)
                if mt is not None:
                    mt &= ties["point"].isin(points)
            runs[arm] = arm_runs(ms, me, mt)
            if first is None:
                first = summary[ms]
        return Comparison(
            exp.scenarios(points[0] if points else 0), runs, worlds(first, points is None)
        )

    if exp.n_points == 1:
        return {0: build([0])}
    out_cmp: dict[Any, Any] = {p: build([p]) for p in range(exp.n_points)}
    out_cmp["all"] = build(None)
    return out_cmp


def pooled_over_points(pooled: pd.DataFrame, points: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The pooled table with its mean and 95% interval taken over the points' means.

    The replicates of one design point share its parameters (and, by common random
    numbers, their seeds with every other point), so pooling every (point, replicate) pair
    as if independent understates how uncertain the average over the design is. The
    design point is the unit instead: the mean of the points' mean differences and a
    Student-t interval over them (n points - 1 degrees of freedom; a cluster-level
    analysis). ``ui_low``, ``ui_high`` and ``p_better`` stay over every pair: they describe
    the spread of single runs across the design, not a mean.
    """
    means = pd.concat(
        [t.set_index(["arm", "outcome"])["mean"].rename(k) for k, t in enumerate(points)], axis=1
    )
    out = pooled.copy()
    for j, (arm, outcome) in enumerate(zip(out["arm"], out["outcome"], strict=True)):
        m = means.loc[(arm, outcome)].to_numpy(float) if (arm, outcome) in means.index else []
        mean, low, high = mean_ci(np.asarray(m, float))
        out.loc[out.index[j], ["mean", "ci_low", "ci_high"]] = [mean, low, high]
    return out


def compare(out: str | Path, cmps: dict[Any, Comparison] | None = None) -> pd.DataFrame:
    """The comparison table of a finished run (as ``conflictsim.compare``'s ``table``).

    Columns: arm, outcome, mean, ci_low, ci_high (the mean paired difference from the
    first arm with a 95% interval), p_better, arm_mean, baseline_mean. With a sweep, rows
    per design point come with ``point`` and the swept parameters, and rows with
    ``point == "all"`` pool every point: their mean and interval over the points' means
    (``pooled_over_points``). Without per-employee results (``[outputs]
    employees = false``) the ripple outcomes are left out.

    Args:
        out: The results directory.
        cmps: Its ``comparisons(out)``, if already at hand (they are read otherwise).
    """
    out = Path(out)
    exp = load_experiment(out)
    cmps = comparisons(out) if cmps is None else cmps
    frames = []
    for key, cmp in cmps.items():
        t = cmp.table.copy()
        if key == "all":
            t = pooled_over_points(t, [c.table for k, c in cmps.items() if k != "all"])
        if not exp.outputs["employees"]:
            t = t[~t["outcome"].isin(PARTY_OUTCOMES)]
        if exp.n_points > 1:
            values = exp.design.values(key) if key != "all" else {}
            for j, name in enumerate(exp.design.names):
                t.insert(j, name, values.get(name, np.nan))
            t.insert(0, "point", key)
        frames.append(t)
    return pd.concat(frames, ignore_index=True)


def value_of_information(
    out: str | Path, cmps: dict[Any, Comparison] | None = None
) -> pd.DataFrame:
    """What learning each uncertain parameter would be worth, for a finished run.

    ``Comparison.value_of_information`` of the run's comparison: the EVPI (row
    ``all``) and the EVPPI of each parameter that varied between replicates and of the
    training-effect group, in money of the whole organisation over the horizon. After a
    sweep, one per design point (with ``point`` and the swept values): a design point is
    a choice to explore, not a belief, so the points are never pooled into one answer.

    Args:
        out: The results directory.
        cmps: Its ``comparisons(out)``, if already at hand (they are read otherwise).

    Raises:
        ValueError: If nothing but chance varied between the replicates (a run neither over
            a calibration nor under an evidence setting).
    """
    out = Path(out)
    exp = load_experiment(out)
    cmps = comparisons(out) if cmps is None else cmps
    first = cmps[0]
    if first.worlds is None:
        raise ValueError(
            f"{out}: the run's replicates differ by chance only, so learning a parameter "
            'is worth nothing; run over a calibration (calibration = "folder") or under '
            'an evidence setting (evidence = "central") to value what would change the answer'
        )
    if exp.n_points == 1:
        return first.value_of_information()
    frames = []
    for point in range(exp.n_points):
        v = cmps[point].value_of_information()
        for j, (name, value) in enumerate(exp.design.values(point).items()):
            v.insert(j, name, value)
        v.insert(0, "point", point)
        frames.append(v)
    return pd.concat(frames, ignore_index=True)


def responders(out: str | Path, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """How much of each arm's effect rests on trained responders, for a finished run.

    A run shows each arm whose trainees act as responders beside the same arm without them
    (``[experiment] responders_apart``, on by default): no study has measured bystanders
    defusing conflicts.

    Args:
        out: The results directory.
        table: Its ``compare(out)``, if already at hand.

    Returns:
        One row per such arm (and design point, after a sweep: ``point``): ``arm``,
        ``without`` (the arm without responders), ``avoided`` and ``avoided_without``
        (conflicts avoided against the first arm, means), ``share`` (of the conflicts
        avoided that rest on responders; NaN where nothing is avoided), ``net_benefit``
        and ``net_benefit_without``; empty when the run has no such pair.
    """
    out = Path(out)
    exp = load_experiment(out)
    table = compare(out) if table is None else table
    pairs = [(a.apart_from, a.name) for a in exp.arms if a.apart_from]
    rows = []
    points = list(dict.fromkeys(table["point"])) if "point" in table.columns else [None]
    for point in points:
        t = table if point is None else table[table["point"] == point]
        m = t.set_index(["arm", "outcome"])["mean"]
        for arm, quiet in pairs:
            if (arm, "conflicts") not in m.index or (quiet, "conflicts") not in m.index:
                continue
            a, b = -float(m[(arm, "conflicts")]), -float(m[(quiet, "conflicts")])
            row = {} if point is None else {"point": point}
            row.update(
                arm=arm,
                without=quiet,
                avoided=a,
                avoided_without=b,
                share=1 - b / a if a > 0 else np.nan,
                net_benefit=float(m[(arm, "net_benefit")]),
                net_benefit_without=float(m[(quiet, "net_benefit")]),
            )
            rows.append(row)
    return pd.DataFrame(rows)
