"""Design points of sweeps and sensitivity analyses: grids, and seeded SALib samples.

``sweep_design`` reads a ``[sweep]`` table (a grid, a Latin hypercube or a Sobol' design),
``sensitivity_design`` a ``[sensitivity]`` table (Sobol' or Morris), and ``sample`` draws
the points with SALib, seeded, so that every machine draws the same ones.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from conflictsim.experiment.checks import (
    check_keys,
    check_parameter_name,
    describe,
    get_bool,
    get_float,
    get_int,
    get_str,
)
from conflictsim.experiment.spec import (
    SENSITIVITY_METHODS,
    SWEEP_DESIGNS,
    Design,
    SensitivitySpec,
)
from conflictsim.experiment.toml_lines import Context
from conflictsim.outcomes import SUMMARY_COLUMNS
from conflictsim.params import REGISTRY

#: Most design points a file may ask for.
MAX_POINTS = 100_000

SWEEP_KEYS = ("design", "samples", "levels", "seed", "parameters")
SENSITIVITY_KEYS = (
    "method",
    "samples",
    "levels",
    "second_order",
    "seed",
    "outcome",
    "contrast",
    "scale",
    "statistic",
    "parameters",
)


def swept(
    ctx: Context, table: dict, keys: tuple, base_params: dict, arms, grid: bool, levels: int = 3
):
    """Names, bounds and (for a grid) values of swept parameters."""
    params = table.get("parameters")
    if not isinstance(params, dict) or not params:
        raise ctx.error(
            keys + ("parameters",), "name at least one parameter to vary, e.g. transmission = {}"
        )
    names, bounds, values = [], [], []
    for name, spec in params.items():
        pk = keys + ("parameters", name)
        check_parameter_name(ctx, name, pk)
        if name in base_params:
            raise ctx.error(pk, f"{name!r} is set in [parameters] and varied here; remove one")
        for i, arm in enumerate(arms):
            if name in arm.parameters:
                raise ctx.error(
                    ("arms", i, "parameters", name),
                    f"{name!r} is varied by the design and set by arm {arm.name!r}; remove one",
                )
        reg = REGISTRY[name]
        if grid and isinstance(spec, list):
            spec = {"values": spec}
        if not isinstance(spec, dict):
            raise ctx.error(
                pk,
                "must be a table such as {} (the registry's plausible range), "
                "{low = 0.1, high = 0.3}" + (" or a list of values" if grid else ""),
            )
        allowed = ("low", "high", "values", "levels") if grid else ("low", "high")
        check_keys(ctx, spec, allowed, pk)
        if "values" in spec:
            vals = spec["values"]
            if set(spec) - {"values"}:
                raise ctx.error(pk, "give values, or low/high/levels, not both")
            if not isinstance(vals, list) or not vals:
                raise ctx.error(pk + ("values",), "must be a non-empty array of numbers")
            checked = []
            for v in vals:
                if isinstance(v, (bool, str)):
                    raise ctx.error(pk + ("values",), f"must hold numbers, got {describe(v)}")
                try:
                    checked.append(reg.check(v))
                except ValueError as exc:
                    raise ctx.error(pk + ("values",), str(exc)) from None
            names.append(name)
            bounds.append((float(min(checked)), float(max(checked))))
            values.append(checked)
            continue
        lo_d, hi_d = reg.sweep_range
        lo = get_float(ctx, spec, "low", pk, default=float(lo_d), low=reg.low, high=reg.high)
        hi = get_float(ctx, spec, "high", pk, default=float(hi_d), low=reg.low, high=reg.high)
        if not lo < hi:
            raise ctx.error(pk, f"low ({lo:g}) must be below high ({hi:g})")
        names.append(name)
        bounds.append((lo, hi))
        if grid:
            n = get_int(ctx, spec, "levels", pk, default=levels, low=2, high=1000)
            vals = np.linspace(lo, hi, n)
            values.append([int(round(v)) if reg.integer else float(v) for v in vals])
    return names, bounds, values


def sweep_design(ctx: Context, s: dict, seed: int, base_params: dict, arms) -> Design:
    """The design of a ``[sweep]`` table: a grid, a Latin hypercube or a Sobol' design."""
    k = ("sweep",)
    check_keys(ctx, s, SWEEP_KEYS, k)
    kind = get_str(ctx, s, "design", k, choices=list(SWEEP_DESIGNS))
    sseed = get_int(ctx, s, "seed", k, default=seed, low=0, high=2**32 - 1)
    if kind == "grid":
        if "samples" in s:
            raise ctx.error(
                k + ("samples",), "a grid takes levels (or values) per parameter, not samples"
            )
        levels = get_int(ctx, s, "levels", k, default=3, low=2, high=1000)
        names, bounds, values = swept(ctx, s, k, base_params, arms, grid=True, levels=levels)
        n = math.prod(len(v) for v in values)
        if n > MAX_POINTS:
            raise ctx.error(
                k + ("parameters",), f"the grid has {n:,} points, more than {MAX_POINTS:,}"
            )
        mesh = np.meshgrid(*[np.asarray(v, float) for v in values], indexing="ij")
        points = np.stack([m.ravel() for m in mesh], axis=1)
        return Design("grid", tuple(names), tuple(bounds), points, 0, 0, False, sseed)
    if "levels" in s:
        raise ctx.error(k + ("levels",), f"levels is for grid designs, not {kind}")
    samples = get_int(ctx, s, "samples", k, low=2, high=MAX_POINTS)
    names, bounds, _ = swept(ctx, s, k, base_params, arms, grid=False)
    design = Design(
        kind, tuple(names), tuple(bounds), np.zeros((0, len(names))), samples, 4, False, sseed
    )
    return sample(ctx, design, k)


def sensitivity_design(ctx: Context, s: dict, seed: int, base_params: dict, arms):
    """The design and ``SensitivitySpec`` of a ``[sensitivity]`` table."""
    k = ("sensitivity",)
    check_keys(ctx, s, SENSITIVITY_KEYS, k)
    method = get_str(ctx, s, "method", k, default="sobol", choices=list(SENSITIVITY_METHODS))
    samples = get_int(ctx, s, "samples", k, default=2, low=2, high=MAX_POINTS)
    levels = get_int(ctx, s, "levels", k, default=4, low=2, high=100)
    if method == "sobol" and "levels" in s:
        raise ctx.error(k + ("levels",), "levels is for the Morris method")
    second = get_bool(ctx, s, "second_order", k, False)
    if method == "morris" and "second_order" in s:
        raise ctx.error(k + ("second_order",), "second_order is for the Sobol' method")
    sseed = get_int(ctx, s, "seed", k, default=seed, low=0, high=2**32 - 1)
    outcomes = (*SUMMARY_COLUMNS, "net_benefit")
    outcome = get_str(ctx, s, "outcome", k, default="conflicts", choices=list(outcomes))
    contrast = None
    names = [a.name for a in arms]
    if "contrast" in s:
        c = s["contrast"]
        if not (isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)):
            raise ctx.error(
                k + ("contrast",),
                f'must be two arm names, e.g. ["{names[-1]}", "{names[0]}"], got {describe(c)}',
            )
        for x in c:
            if x not in names:
                raise ctx.error(
                    k + ("contrast",), f"unknown arm {x!r}; arms are {', '.join(names)}"
                )
        if c[0] == c[1]:
            raise ctx.error(k + ("contrast",), "the two arms must differ")
        contrast = (c[0], c[1])
    if outcome == "net_benefit" and contrast is None:
        raise ctx.error(k + ("outcome",), "net_benefit needs a contrast of two arms")
    scale = get_str(ctx, s, "scale", k, default="absolute", choices=["absolute", "relative"])
    if scale == "relative" and contrast is None:
        raise ctx.error(k + ("scale",), "a relative scale needs a contrast of two arms")
    statistic = get_str(ctx, s, "statistic", k, default="mean", choices=["mean", "median"])
    spec = SensitivitySpec(method, outcome, contrast, scale, statistic)
    if method == "delta":
        # Given data: the replicates' own plausible worlds (a calibration's parameter sets
        # with their draws of what training does), not a design over chosen ranges.
        for key in ("samples", "levels", "second_order", "parameters"):
            if key in s:
                raise ctx.error(
                    k + (key,),
                    f"{key} is not for the delta method: it reads the parameter sets of the "
                    'calibration the file runs over (calibration = "folder"), each '
                    "replicate one",
                )
        return Design(), spec
    if "samples" not in s:
        raise ctx.error(k + ("samples",), "is required")
    pnames, bounds, _ = swept(ctx, s, k, base_params, arms, grid=False)
    design = Design(
        method,
        tuple(pnames),
        tuple(bounds),
        np.zeros((0, len(pnames))),
        samples,
        levels,
        second,
        sseed,
    )
    return sample(ctx, design, k), spec


def sample(ctx: Context, d: Design, keys: tuple) -> Design:
    """Draw the design's points with SALib (seeded: the same points on every machine).

    - ``lhs``: Latin hypercube sampling (McKay, Beckman & Conover 1979): each parameter's
      range is cut into ``samples`` equal strata, each used once.
    - ``sobol``: Saltelli's scheme on a scrambled Sobol' sequence (Saltelli et al. 2010,
      Comput. Phys. Commun. 181:259-270): ``samples * (D + 2)`` points, or
      ``samples * (2D + 2)`` with second-order terms, from which Sobol' indices follow.
    - ``morris``: ``samples`` one-at-a-time trajectories of ``D + 1`` points on a grid of
      ``levels`` levels (Morris 1991, Technometrics 33:161-174).
    """
    problem = d.problem()
    n = d.samples
    if d.kind in ("sobol",):
        if n & (n - 1):
            lo = 1 << (n.bit_length() - 1)
            raise ctx.error(
                keys + ("samples",),
                "Sobol' designs need a power of 2 (their balance properties hold only "
                f"then), e.g. {lo} or {lo * 2}; got {n}",
            )
        from SALib.sample import sobol

        points = sobol.sample(problem, n, calc_second_order=d.second_order, seed=d.seed)
    elif d.kind == "lhs":
        from SALib.sample import latin

        points = latin.sample(problem, n, seed=d.seed)
    elif d.kind == "morris":
        from SALib.sample import morris

        if len(d.names) < 2:
            raise ctx.error(
                keys + ("parameters",), "the Morris method needs at least two parameters"
            )
        points = morris.sample(problem, n, num_levels=d.levels, seed=d.seed)
    else:  # pragma: no cover - checked by the callers
        raise ValueError(d.kind)
    points = np.asarray(points, dtype=float)
    if points.shape[0] > MAX_POINTS:
        raise ctx.error(
            keys + ("samples",),
            f"the design has {points.shape[0]:,} points, more than {MAX_POINTS:,}",
        )
    # Whole-number parameters are rounded when used; keep the stored points as drawn so
    # that SALib's analysis sees the design it made.
    return dataclasses.replace(d, points=points)
