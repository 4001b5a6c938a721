"""Experiment files: what a batch run simulates, read from TOML and checked before anything runs.

An experiment file (docs/experiments.md) names an organisation, parameters, arms (training
programmes compared with common random numbers), replicates, a seed, a horizon and what to
keep; optionally a sweep over parameters (a grid, a Latin hypercube or a Sobol' design) or
a sensitivity analysis. ``load`` reads one and refuses anything it does not understand: an
unknown key, parameter or programme kind, a wrong type or an out-of-range value raises
``ValueError`` naming the file, the line (when it can be found) and the key.

The run is then split into *units*: one design point, one arm and a block of replicates.
Replicate ``k`` of every arm and point runs with ``replicate_seed(seed, k)``, so a unit's
numbers do not depend on how the replicates are split, on the number of workers, or on the
machine (see ``conflictsim.batch``).
"""

from __future__ import annotations

import dataclasses
import difflib
import hashlib
import math
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from conflictsim.outcomes import SUMMARY_COLUMNS
from conflictsim.params import REGISTRY, Params

#: Per-replicate outcomes a sensitivity analysis can look at (``outcomes.summarise``).
SUMMARY_OUTCOMES = SUMMARY_COLUMNS
#: Sweep designs and sensitivity methods.
SWEEP_DESIGNS = ("grid", "lhs", "sobol")
SENSITIVITY_METHODS = ("sobol", "morris")

_ARM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_MAX_POINTS = 100_000
_MAX_REPLICATES = 10_000_000


def default_engine() -> str:
    """The project's default simulator (``conflictsim.runs.DEFAULT_ENGINE``)."""
    from conflictsim.runs import DEFAULT_ENGINE

    return DEFAULT_ENGINE


# ----------------------------------------------------------------------------- the model
@dataclass(frozen=True)
class Arm:
    """One arm: the programmes it runs and any parameters it changes.

    Attributes:
        name: Arm name (letters, digits, ``_`` and ``-``; used in file names).
        programmes: Training programmes (``conflictsim.Training``).
        parameters: Parameters this arm sets on top of the experiment's.
        description: Free text.
    """

    name: str
    programmes: tuple[Any, ...] = ()
    parameters: Mapping[str, float] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True)
class Design:
    """Design points of a sweep or sensitivity analysis.

    Attributes:
        kind: ``none`` (one point: the experiment's parameters), ``grid``, ``lhs``,
            ``sobol`` or ``morris``.
        names: Swept parameters.
        bounds: ``(low, high)`` of each swept parameter (for grid: the smallest and largest
            value).
        points: Parameter values, shape (points, len(names)).
        samples: The sample size asked for (LHS points, Sobol' base samples, Morris
            trajectories).
        levels: Morris grid levels.
        second_order: Whether a Sobol' design supports second-order indices.
        seed: Seed of the sampler.
    """

    kind: str = "none"
    names: tuple[str, ...] = ()
    bounds: tuple[tuple[float, float], ...] = ()
    points: np.ndarray = field(default_factory=lambda: np.zeros((1, 0)))
    samples: int = 0
    levels: int = 4
    second_order: bool = False
    seed: int = 0

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return int(self.points.shape[0])

    def problem(self) -> dict[str, Any]:
        """The SALib problem: names and bounds."""
        return {
            "num_vars": len(self.names),
            "names": list(self.names),
            "bounds": [list(b) for b in self.bounds],
        }

    def values(self, point: int) -> dict[str, float]:
        """The swept parameters' values at a point (whole numbers where the registry says)."""
        out: dict[str, float] = {}
        for j, name in enumerate(self.names):
            v = float(self.points[point, j])
            out[name] = int(round(v)) if REGISTRY[name].integer else v
        return out


@dataclass(frozen=True)
class SensitivitySpec:
    """What a sensitivity analysis summarises at each design point.

    Attributes:
        method: ``sobol`` (Saltelli 2010) or ``morris`` (Morris 1991).
        outcome: A per-replicate outcome (``SUMMARY_OUTCOMES``) or ``net_benefit``.
        contrast: Two arm names ``(a, b)``: the outcome of ``a`` minus that of ``b``,
            replicate by replicate; or None for the first arm's outcome.
        scale: ``absolute`` or ``relative`` (the difference as a share of ``b``'s mean).
        statistic: ``mean`` or ``median`` over replicates.
    """

    method: str
    outcome: str
    contrast: tuple[str, str] | None = None
    scale: str = "absolute"
    statistic: str = "mean"

    @property
    def label(self) -> str:
        """The analysed quantity in words."""
        what = self.outcome
        if self.contrast:
            what = f"{self.outcome}: {self.contrast[0]} minus {self.contrast[1]}"
            if self.scale == "relative":
                what += f" (share of {self.contrast[1]})"
        return f"{self.statistic} of {what}"


@dataclass(frozen=True)
class Unit:
    """A piece of work: one design point, one arm, replicates ``first .. first + count - 1``."""

    point: int
    arm: str
    first: int
    count: int
    point_digits: int = 4
    replicate_digits: int = 4

    @property
    def id(self) -> str:
        """File-name-safe id, e.g. ``p0000__baseline__r0000-0049``."""
        last = self.first + self.count - 1
        w = self.replicate_digits
        return f"p{self.point:0{self.point_digits}d}__{self.arm}__r{self.first:0{w}d}-{last:0{w}d}"


@dataclass(eq=False)
class Experiment:
    """A validated experiment file.

    Build one with ``load`` (a file) or ``loads`` (text). Everything is checked when it is
    built, so a run never starts on a file it would fail on later.

    Attributes:
        path: The file, or None for text.
        text: The file's text.
        name: Experiment name.
        description: Free text.
        seed: Seed of the whole experiment (replicate k of every arm shares a seed).
        replicates: Replicates per arm and design point.
        days: Working days simulated (250 is a year).
        initial_upset: Share of employees upset on day 0, or a list of employee ids.
        engine: Name of the runner in ``conflictsim.runs.ENGINES``.
        engine_given: Whether the file names the engine (else the default was taken).
        replicates_per_unit: Replicates in one unit of work.
        organisation: How to build the organisation: ``preset``, ``size``, ``seed`` and
            generator options, or ``csv`` and ``edges`` (absolute paths).
        parameters: Parameters set for every arm.
        arms: The arms, the first being the reference of comparisons.
        outputs: ``daily`` and ``employees``: what each unit keeps besides the summary.
        design: The design points (one point when nothing is swept).
        sensitivity: What a sensitivity analysis summarises, or None.
    """

    path: Path | None
    text: str
    name: str
    description: str
    seed: int
    replicates: int
    days: int
    initial_upset: float | tuple[str, ...]
    engine: str
    engine_given: bool
    replicates_per_unit: int
    organisation: dict[str, Any]
    parameters: dict[str, float]
    arms: tuple[Arm, ...]
    outputs: dict[str, bool]
    design: Design
    sensitivity: SensitivitySpec | None = None

    @cached_property
    def org(self):
        """The organisation (built once)."""
        from conflictsim.organisation import Organisation

        o = self.organisation
        if "csv" in o:
            return Organisation.from_csv(o["csv"], edges=o.get("edges"))
        opts = {k: o[k] for k in ("team_size", "cross_ties", "customer_facing") if k in o}
        return Organisation.generate(size=o["size"], preset=o["preset"], seed=o["seed"], **opts)

    @property
    def arm_names(self) -> list[str]:
        """Arm names in file order."""
        return [a.name for a in self.arms]

    @property
    def n_points(self) -> int:
        """Number of design points."""
        return self.design.n_points

    def input_files(self) -> dict[str, Path]:
        """Files the experiment reads besides itself: ``org.csv`` and ``edges.csv``."""
        out = {}
        if "csv" in self.organisation:
            out["org.csv"] = Path(self.organisation["csv"])
            if self.organisation.get("edges"):
                out["edges.csv"] = Path(self.organisation["edges"])
        return out

    def fingerprint(self) -> str:
        """SHA-256 of the file's text and of every file it reads: what a resume must match."""
        h = hashlib.sha256(self.text.encode())
        for name, path in sorted(self.input_files().items()):
            h.update(name.encode())
            h.update(Path(path).read_bytes())
        return h.hexdigest()

    def params_at(self, point: int, arm: Arm | str) -> Params:
        """Parameters of one arm at one design point."""
        if isinstance(arm, str):
            arm = self.arms[self.arm_names.index(arm)]
        return Params(**self.parameters, **arm.parameters, **self.design.values(point))

    def scenarios(self, point: int = 0) -> dict[str, Any]:
        """Arm name to ``Scenario`` at a design point."""
        from conflictsim.scenario import Scenario

        return {
            arm.name: Scenario(
                org=self.org,
                params=self.params_at(point, arm),
                programmes=arm.programmes,
                days=self.days,
                initial_upset=self.initial_upset
                if isinstance(self.initial_upset, float)
                else list(self.initial_upset),
            )
            for arm in self.arms
        }

    def points_frame(self):
        """One row per design point: ``point`` and the swept parameters' values."""
        import pandas as pd

        rows = [{"point": p, **self.design.values(p)} for p in range(self.n_points)]
        return pd.DataFrame(rows, columns=["point", *self.design.names])

    def units(self) -> list[Unit]:
        """Every unit, in the order they are run: point, then block of replicates, then arm.

        Arms alternate within a block so that a run stopped part-way has every arm's
        results for the same replicates.
        """
        per = self.replicates_per_unit
        pd_ = max(4, len(str(self.n_points - 1)))
        rd = max(4, len(str(self.replicates - 1)))
        out = []
        for p in range(self.n_points):
            for first in range(0, self.replicates, per):
                count = min(per, self.replicates - first)
                out.extend(Unit(p, a.name, first, count, pd_, rd) for a in self.arms)
        return out

    def __repr__(self) -> str:
        return (
            f"Experiment({self.name!r}: {len(self.arms)} arms x {self.n_points} points x "
            f"{self.replicates} replicates, {self.days} days, engine {self.engine})"
        )


# ----------------------------------------------------------------------------- loading
def load(path: str | Path, *, input_overrides: Mapping[str, Path] | None = None) -> Experiment:
    """Read and check an experiment file.

    Args:
        path: A TOML experiment file (docs/experiments.md).
        input_overrides: Replace the files the experiment reads, e.g. ``{"org.csv": p}``
            (a results directory keeps its own copies).

    Returns:
        The checked ``Experiment``.

    Raises:
        ValueError: If the file is missing, is not TOML, or anything in it is unknown,
            of the wrong type or out of range; the message names the file, line and key.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{p}: no such experiment file") from None
    except IsADirectoryError:
        raise ValueError(f"{p}: is a directory, not an experiment file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a text file (experiment files are UTF-8 TOML)") from None
    return loads(text, path=p, input_overrides=input_overrides)


def loads(
    text: str,
    *,
    path: str | Path | None = None,
    base_dir: str | Path | None = None,
    input_overrides: Mapping[str, Path] | None = None,
    engines: Sequence[str] | None = None,
) -> Experiment:
    """Check the text of an experiment file (see ``load``).

    Args:
        text: TOML text.
        path: Where the text came from (named in messages; relative paths in the file are
            taken from its folder).
        base_dir: Folder for relative paths when ``path`` is None (default: current).
        input_overrides: Replace the files the experiment reads (see ``load``).
        engines: Engine names to accept (default: those of ``runs.ENGINES``); a
            finished run is read back with the engine it ran on, even where it is missing.
    """
    label = str(path) if path is not None else "<experiment>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{label}: not valid TOML: {exc}") from None
    base = Path(path).resolve().parent if path is not None else Path(base_dir or ".").resolve()
    ctx = _Context(label, _LineIndex(text))
    return _build(
        data, text, Path(path) if path else None, base, ctx, dict(input_overrides or {}), engines
    )


class _Context:
    """Where an error is: the file, and the line of a key path when it can be found."""

    def __init__(self, label: str, lines: _LineIndex) -> None:
        self.label = label
        self.lines = lines

    def error(self, keys: Sequence[str | int], message: str) -> ValueError:
        where = [self.label]
        line = self.lines.line(tuple(keys))
        if line is not None:
            where.append(f"line {line}")
        if keys:
            where.append(f"key {_key_label(keys)}")
        return ValueError(f"{', '.join(where)}: {message}")


def _key_label(keys: Sequence[str | int]) -> str:
    out = ""
    for k in keys:
        out += f"[{k}]" if isinstance(k, int) else (f".{k}" if out else str(k))
    return out


class _LineIndex:
    """Line numbers of keys and tables in TOML text (best effort: tomllib gives none).

    Table headers (``[a.b]``, ``[[arms]]``), ``key = value`` lines and the keys of inline
    tables written on one line are indexed by their key path; arrays of tables are
    counted, so the second ``[[arms]]`` is ``("arms", 1)``.
    """

    _HEADER_ARRAY = re.compile(r"^\s*\[\[\s*(.+?)\s*\]\]\s*$")
    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*$")
    _BARE = r"""(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')"""
    _KEY = re.compile(rf"^\s*({_BARE}(?:\s*\.\s*{_BARE})*)\s*=(.*)$")
    _INLINE_KEY = re.compile(r"[{,]\s*([A-Za-z0-9_-]+)\s*=")

    def __init__(self, text: str) -> None:
        self.index: dict[tuple, int] = {}
        counters: dict[tuple, int] = {}
        current: tuple = ()
        depth = 0  # open brackets of a multi-line value: its lines hold no keys
        in_string = None  # the quotes of a multi-line string being read
        array_path: tuple = ()
        element = -1
        for n, raw in enumerate(text.splitlines(), start=1):
            if in_string:
                if raw.count(in_string) % 2:
                    in_string = None
                continue
            line = _strip_comment(raw)
            for quotes in ('"""', "'''"):
                if line.count(quotes) % 2:
                    in_string = quotes
            if depth > 0:
                # Inside a multi-line array: index the keys of inline tables, one per line.
                if depth == 1 and line.lstrip().startswith("{"):
                    element += 1
                    for k in self._INLINE_KEY.findall(line):
                        self.index.setdefault(array_path + (element, k), n)
                    self.index.setdefault(array_path + (element,), n)
                depth += _bracket_balance(line)
                continue
            m = self._HEADER_ARRAY.match(line)
            if m:
                keys = _split_keys(m.group(1))
                table = self._resolve(keys[:-1], counters) + (keys[-1],)
                counters[table] = counters.get(table, -1) + 1
                current = table + (counters[table],)
                self.index.setdefault(table, n)
                self.index[current] = n
                continue
            m = self._HEADER.match(line)
            if m:
                current = self._resolve(_split_keys(m.group(1)), counters)
                self.index.setdefault(current, n)
                continue
            m = self._KEY.match(line)
            if m:
                path = current + tuple(_split_keys(m.group(1)))
                self.index.setdefault(path, n)
                value = m.group(2)
                if value.lstrip().startswith("{"):
                    for k in self._INLINE_KEY.findall(value):
                        self.index.setdefault(path + (k,), n)
                elif value.lstrip().startswith("["):
                    # An array of inline tables on this line: [{...}, {...}]
                    for element, item in enumerate(re.findall(r"\{[^{}]*\}", value)):
                        self.index.setdefault(path + (element,), n)
                        for k in self._INLINE_KEY.findall(item):
                            self.index.setdefault(path + (element, k), n)
                depth = max(0, _bracket_balance(value))
                array_path, element = path, -1

    @staticmethod
    def _resolve(keys: Sequence[str], counters: dict[tuple, int]) -> tuple:
        path: tuple = ()
        for k in keys:
            path += (k,)
            if path in counters:  # a table inside the latest element of an array of tables
                path += (counters[path],)
        return path

    def line(self, keys: tuple) -> int | None:
        """Line of a key path, or of the nearest enclosing key or table found."""
        for end in range(len(keys), 0, -1):
            if keys[:end] in self.index:
                return self.index[keys[:end]]
        return None


def _strip_comment(line: str) -> str:
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "#":
            return line[:i]
    return line


def _bracket_balance(text: str) -> int:
    quote, bal = None, 0
    for ch in text:
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            bal += 1
        elif ch in "]}":
            bal -= 1
    return bal


def _split_keys(text: str) -> list[str]:
    return [k.strip().strip("\"'") for k in re.findall(r"""(?:"[^"]*"|'[^']*'|[^.]+)""", text)]


# ----------------------------------------------------------------------------- checking
_TOP = {
    "experiment": "name, seed, replicates, days, ...",
    "organisation": "preset and size, or csv",
    "parameters": "model parameters",
    "arms": "[[arms]] tables",
    "outputs": "daily, employees",
    "sweep": "a sweep over parameters",
    "sensitivity": "a sensitivity analysis",
}
_EXPERIMENT_KEYS = (
    "name",
    "description",
    "seed",
    "replicates",
    "days",
    "initial_upset",
    "engine",
    "replicates_per_unit",
)
_ORG_KEYS = ("preset", "size", "seed", "team_size", "cross_ties", "customer_facing", "csv", "edges")
_ARM_KEYS = ("name", "description", "programmes", "parameters")
_OUTPUT_KEYS = ("daily", "employees")
_SWEEP_KEYS = ("design", "samples", "levels", "seed", "parameters")
_SENS_KEYS = (
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


def _programme_keys() -> tuple[str, ...]:
    from conflictsim.training import Training

    return tuple(f.name for f in dataclasses.fields(Training) if f.init)


def _unknown(ctx: _Context, table: Mapping, allowed: Sequence[str], keys: tuple) -> None:
    for key in table:
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            tip = f"did you mean {hint[0]!r}? " if hint else ""
            raise ctx.error(
                keys + (key,), f"unknown key {key!r}; {tip}allowed here: {', '.join(allowed)}"
            )


def _table(ctx: _Context, data: Mapping, key: str, keys: tuple) -> dict:
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ctx.error(keys + (key,), f"must be a table, got {_kind(value)}")
    return value


def _kind(value: Any) -> str:
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__) + f" ({value!r})"


def _int(ctx, table, key, keys, default=None, low=None, high=None) -> int:
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise ctx.error(keys + (key,), f"must be a whole number, got {_kind(v)}")
    if low is not None and v < low:
        raise ctx.error(keys + (key,), f"must be at least {low}, got {v}")
    if high is not None and v > high:
        raise ctx.error(keys + (key,), f"must be at most {high:,}, got {v:,}")
    return v


def _float(ctx, table, key, keys, default=None, low=None, high=None) -> float:
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ctx.error(keys + (key,), f"must be a number, got {_kind(v)}")
    if (low is not None and v < low) or (high is not None and v > high):
        raise ctx.error(keys + (key,), f"must lie in [{low:g}, {high:g}], got {v!r}")
    return float(v)


def _str(ctx, table, key, keys, default=None, choices=None) -> str:
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if not isinstance(v, str):
        raise ctx.error(keys + (key,), f"must be text, got {_kind(v)}")
    if choices is not None and v not in choices:
        hint = difflib.get_close_matches(v, choices, n=1)
        tip = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ctx.error(
            keys + (key,), f"unknown value {v!r}{tip}; choose one of {', '.join(choices)}"
        )
    return v


def _bool(ctx, table, key, keys, default: bool) -> bool:
    if key not in table:
        return default
    v = table[key]
    if not isinstance(v, bool):
        raise ctx.error(keys + (key,), f"must be true or false, got {_kind(v)}")
    return v


def _parameter_name(ctx: _Context, name: str, keys: tuple) -> None:
    if name not in REGISTRY:
        hint = difflib.get_close_matches(name, list(REGISTRY), n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else "; see docs/ODD.md for the list"
        raise ctx.error(keys, f"unknown parameter {name!r}{tip}")


def _parameters(ctx: _Context, table: Mapping, keys: tuple) -> dict[str, float]:
    out = {}
    for name, value in table.items():
        _parameter_name(ctx, name, keys + (name,))
        if isinstance(value, (bool, str, list, dict)):
            raise ctx.error(
                keys + (name,), f"parameter {name!r} must be a number, got {_kind(value)}"
            )
        try:
            out[name] = REGISTRY[name].check(value)
        except ValueError as exc:
            raise ctx.error(keys + (name,), str(exc)) from None
    return out


def _build(
    data: dict,
    text: str,
    path: Path | None,
    base: Path,
    ctx: _Context,
    overrides: dict,
    engines: Sequence[str] | None = None,
) -> Experiment:
    from conflictsim.runs import ENGINES

    engines = list(ENGINES) if engines is None else list(dict.fromkeys([*engines, *ENGINES]))

    _unknown(ctx, data, list(_TOP), ())

    exp = _table(ctx, data, "experiment", ())
    _unknown(ctx, exp, _EXPERIMENT_KEYS, ("experiment",))
    k = ("experiment",)
    name = _str(ctx, exp, "name", k, default=path.stem if path else "experiment")
    description = _str(ctx, exp, "description", k, default="")
    seed = _int(ctx, exp, "seed", k, default=1, low=0, high=2**63 - 1)
    replicates = _int(ctx, exp, "replicates", k, low=1, high=_MAX_REPLICATES)
    days = _int(ctx, exp, "days", k, default=250, low=1, high=100_000)
    engine_given = "engine" in exp
    engine = _str(ctx, exp, "engine", k, default=default_engine(), choices=engines)
    # Default: about 8 blocks per arm (so every core has work and progress shows; with a
    # sweep the design points give that already), at most 50 replicates each (so a killed
    # unit loses little). It depends on the file only, never on the workers, so a run
    # resumed with other workers has the same units.
    swept = "sweep" in data or "sensitivity" in data
    per_unit = _int(
        ctx,
        exp,
        "replicates_per_unit",
        k,
        default=min(50, replicates if swept else -(-replicates // 8)),
        low=1,
    )
    iu = exp.get("initial_upset", 0.02)
    if isinstance(iu, list):
        if not all(isinstance(i, str) for i in iu):
            raise ctx.error(
                k + ("initial_upset",), "a list of initial_upset must hold employee ids as text"
            )
        initial_upset: float | tuple[str, ...] = tuple(iu)
    else:
        initial_upset = _float(ctx, exp, "initial_upset", k, default=0.02, low=0.0, high=1.0)

    organisation = _organisation(ctx, _table(ctx, data, "organisation", ()), seed, base, overrides)
    parameters = _parameters(ctx, _table(ctx, data, "parameters", ()), ("parameters",))
    arms = _arms(ctx, data, parameters)

    outputs = _table(ctx, data, "outputs", ())
    _unknown(ctx, outputs, _OUTPUT_KEYS, ("outputs",))
    outs = {
        "daily": _bool(ctx, outputs, "daily", ("outputs",), True),
        "employees": _bool(ctx, outputs, "employees", ("outputs",), True),
    }

    if "sweep" in data and "sensitivity" in data:
        raise ctx.error(
            ("sensitivity",),
            "a file has either [sweep] or [sensitivity], not both: a sensitivity analysis "
            "makes its own design",
        )
    design, sens = Design(), None
    if "sweep" in data:
        design = _sweep(ctx, _table(ctx, data, "sweep", ()), seed, parameters, arms)
    if "sensitivity" in data:
        design, sens = _sensitivity(
            ctx, _table(ctx, data, "sensitivity", ()), seed, parameters, arms
        )

    experiment = Experiment(
        path=path,
        text=text,
        name=name,
        description=description,
        seed=seed,
        replicates=replicates,
        days=days,
        initial_upset=initial_upset,
        engine=engine,
        engine_given=engine_given,
        replicates_per_unit=per_unit,
        organisation=organisation,
        parameters=parameters,
        arms=arms,
        outputs=outs,
        design=design,
        sensitivity=sens,
    )
    # Build the organisation and every arm's scenario now: a run never starts on a file
    # that would fail part-way.
    try:
        org = experiment.org
    except ValueError as exc:
        raise ctx.error(("organisation",), str(exc)) from None
    if isinstance(initial_upset, tuple):
        try:
            org.index_of(list(initial_upset))
        except ValueError as exc:
            raise ctx.error(("experiment", "initial_upset"), str(exc)) from None
    from conflictsim.scenario import Scenario

    for i, arm in enumerate(arms):
        for j, prog in enumerate(arm.programmes):
            try:
                Scenario(org=org, params=experiment.params_at(0, arm), programmes=[prog], days=days)
            except ValueError as exc:
                given = {f.name for f in dataclasses.fields(prog) if f.init}
                raise ctx.error(
                    ("arms", i, "programmes", j) + _culprit(exc, given),
                    str(exc),
                ) from None
    return experiment


def _organisation(ctx: _Context, o: dict, seed: int, base: Path, overrides: dict) -> dict:
    from conflictsim.organisation import PRESETS

    k = ("organisation",)
    _unknown(ctx, o, _ORG_KEYS, k)
    if "csv" in o:
        clash = [
            key
            for key in ("preset", "size", "seed", "team_size", "cross_ties", "customer_facing")
            if key in o
        ]
        if clash:
            raise ctx.error(
                k + (clash[0],),
                f"{clash[0]!r} is for generated organisations; "
                "a csv organisation takes only csv and edges",
            )
        out: dict[str, Any] = {}
        for key, fname in (("csv", "org.csv"), ("edges", "edges.csv")):
            if key not in o:
                continue
            rel = _str(ctx, o, key, k)
            p = overrides.get(fname) or (base / rel)
            if not Path(p).is_file():
                raise ctx.error(k + (key,), f"no such file: {p}")
            out[key] = str(Path(p).resolve())
        return out
    if "edges" in o:
        raise ctx.error(k + ("edges",), "edges needs csv (an org chart file)")
    out = {
        "preset": _str(ctx, o, "preset", k, default="office", choices=list(PRESETS)),
        "size": _int(ctx, o, "size", k, default=500, low=2, high=10_000_000),
        "seed": _int(ctx, o, "seed", k, default=seed, low=0, high=2**63 - 1),
    }
    if "team_size" in o:
        out["team_size"] = _int(ctx, o, "team_size", k, low=2)
    if "cross_ties" in o:
        out["cross_ties"] = _float(ctx, o, "cross_ties", k, low=0.0, high=1000.0)
    if "customer_facing" in o:
        out["customer_facing"] = _float(ctx, o, "customer_facing", k, low=0.0, high=1.0)
    return out


def _arms(ctx: _Context, data: dict, base_params: dict) -> tuple[Arm, ...]:
    from conflictsim.training import Training

    raw = data.get("arms")
    if raw is None:
        return (Arm("baseline"),)
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        raise ctx.error(("arms",), "must be [[arms]] tables (an array of tables)")
    if not raw:
        raise ctx.error(("arms",), "needs at least one arm")
    prog_keys = _programme_keys()
    arms, seen = [], set()
    for i, a in enumerate(raw):
        k = ("arms", i)
        _unknown(ctx, a, _ARM_KEYS, k)
        name = _str(ctx, a, "name", k)
        if not _ARM_NAME.match(name):
            raise ctx.error(
                k + ("name",),
                f"arm name {name!r} must start with a letter and hold only letters, "
                "digits, _ and - (at most 40)",
            )
        if name in seen:
            raise ctx.error(k + ("name",), f"two arms are called {name!r}")
        seen.add(name)
        params = _parameters(ctx, _table(ctx, a, "parameters", k), k + ("parameters",))
        progs_raw = a.get("programmes", [])
        if isinstance(progs_raw, dict):
            progs_raw = [progs_raw]
        if not isinstance(progs_raw, list) or not all(isinstance(p, dict) for p in progs_raw):
            raise ctx.error(k + ("programmes",), "must be a table or an array of tables")
        progs = []
        for j, pr in enumerate(progs_raw):
            pk = k + ("programmes", j)
            _unknown(ctx, pr, prog_keys, pk)
            if "kind" not in pr:
                raise ctx.error(
                    pk + ("kind",),
                    "is required: deescalation, active_listening or emotional_regulation",
                )
            target = pr.get("target", "random")
            if not isinstance(target, str) and not (
                isinstance(target, list) and all(isinstance(t, str) for t in target)
            ):
                raise ctx.error(
                    pk + ("target",),
                    "must be a targeting rule or a list of employee ids as text, "
                    f"got {_kind(target)}",
                )
            try:
                progs.append(Training(**pr))
            except ValueError as exc:
                raise ctx.error(pk + _culprit(exc, pr), str(exc)) from None
        arms.append(Arm(name, tuple(progs), params, _str(ctx, a, "description", k, default="")))
    return tuple(arms)


def _culprit(exc: ValueError, present: Iterable[str]) -> tuple[str, ...]:
    """The key of a programme table that a ``TrainingError`` is about, if it holds one."""
    present = set(present)
    for name in getattr(exc, "fields", ()):
        if name in present:
            return (name,)
    return ()


def _swept(
    ctx: _Context, table: dict, keys: tuple, base_params: dict, arms, grid: bool, levels: int = 3
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
        _parameter_name(ctx, name, pk)
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
        _unknown(ctx, spec, allowed, pk)
        if "values" in spec:
            vals = spec["values"]
            if set(spec) - {"values"}:
                raise ctx.error(pk, "give values, or low/high/levels, not both")
            if not isinstance(vals, list) or not vals:
                raise ctx.error(pk + ("values",), "must be a non-empty array of numbers")
            checked = []
            for v in vals:
                if isinstance(v, (bool, str)):
                    raise ctx.error(pk + ("values",), f"must hold numbers, got {_kind(v)}")
                try:
                    checked.append(reg.check(v))
                except ValueError as exc:
                    raise ctx.error(pk + ("values",), str(exc)) from None
            names.append(name)
            bounds.append((float(min(checked)), float(max(checked))))
            values.append(checked)
            continue
        lo_d, hi_d = reg.sweep_range
        lo = _float(ctx, spec, "low", pk, default=float(lo_d), low=reg.low, high=reg.high)
        hi = _float(ctx, spec, "high", pk, default=float(hi_d), low=reg.low, high=reg.high)
        if not lo < hi:
            raise ctx.error(pk, f"low ({lo:g}) must be below high ({hi:g})")
        names.append(name)
        bounds.append((lo, hi))
        if grid:
            n = _int(ctx, spec, "levels", pk, default=levels, low=2, high=1000)
            vals = np.linspace(lo, hi, n)
            values.append([int(round(v)) if reg.integer else float(v) for v in vals])
    return names, bounds, values


def _sweep(ctx: _Context, s: dict, seed: int, base_params: dict, arms) -> Design:
    k = ("sweep",)
    _unknown(ctx, s, _SWEEP_KEYS, k)
    kind = _str(ctx, s, "design", k, choices=list(SWEEP_DESIGNS))
    sseed = _int(ctx, s, "seed", k, default=seed, low=0, high=2**32 - 1)
    if kind == "grid":
        if "samples" in s:
            raise ctx.error(
                k + ("samples",), "a grid takes levels (or values) per parameter, not samples"
            )
        levels = _int(ctx, s, "levels", k, default=3, low=2, high=1000)
        names, bounds, values = _swept(ctx, s, k, base_params, arms, grid=True, levels=levels)
        n = math.prod(len(v) for v in values)
        if n > _MAX_POINTS:
            raise ctx.error(
                k + ("parameters",), f"the grid has {n:,} points, more than {_MAX_POINTS:,}"
            )
        mesh = np.meshgrid(*[np.asarray(v, float) for v in values], indexing="ij")
        points = np.stack([m.ravel() for m in mesh], axis=1)
        return Design("grid", tuple(names), tuple(bounds), points, 0, 0, False, sseed)
    if "levels" in s:
        raise ctx.error(k + ("levels",), f"levels is for grid designs, not {kind}")
    samples = _int(ctx, s, "samples", k, low=2, high=_MAX_POINTS)
    names, bounds, _ = _swept(ctx, s, k, base_params, arms, grid=False)
    design = Design(
        kind, tuple(names), tuple(bounds), np.zeros((0, len(names))), samples, 4, False, sseed
    )
    return _sample(ctx, design, k)


def _sensitivity(ctx: _Context, s: dict, seed: int, base_params: dict, arms):
    k = ("sensitivity",)
    _unknown(ctx, s, _SENS_KEYS, k)
    method = _str(ctx, s, "method", k, default="sobol", choices=list(SENSITIVITY_METHODS))
    samples = _int(ctx, s, "samples", k, low=2, high=_MAX_POINTS)
    levels = _int(ctx, s, "levels", k, default=4, low=2, high=100)
    if method == "sobol" and "levels" in s:
        raise ctx.error(k + ("levels",), "levels is for the Morris method")
    second = _bool(ctx, s, "second_order", k, False)
    if method == "morris" and "second_order" in s:
        raise ctx.error(k + ("second_order",), "second_order is for the Sobol' method")
    sseed = _int(ctx, s, "seed", k, default=seed, low=0, high=2**32 - 1)
    outcomes = (*SUMMARY_OUTCOMES, "net_benefit")
    outcome = _str(ctx, s, "outcome", k, default="conflicts", choices=list(outcomes))
    contrast = None
    names = [a.name for a in arms]
    if "contrast" in s:
        c = s["contrast"]
        if not (isinstance(c, list) and len(c) == 2 and all(isinstance(x, str) for x in c)):
            raise ctx.error(
                k + ("contrast",),
                f'must be two arm names, e.g. ["{names[-1]}", "{names[0]}"], got {_kind(c)}',
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
    scale = _str(ctx, s, "scale", k, default="absolute", choices=["absolute", "relative"])
    if scale == "relative" and contrast is None:
        raise ctx.error(k + ("scale",), "a relative scale needs a contrast of two arms")
    statistic = _str(ctx, s, "statistic", k, default="mean", choices=["mean", "median"])
    pnames, bounds, _ = _swept(ctx, s, k, base_params, arms, grid=False)
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
    return _sample(ctx, design, k), SensitivitySpec(method, outcome, contrast, scale, statistic)


def _sample(ctx: _Context, d: Design, keys: tuple) -> Design:
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
    if points.shape[0] > _MAX_POINTS:
        raise ctx.error(
            keys + ("samples",),
            f"the design has {points.shape[0]:,} points, more than {_MAX_POINTS:,}",
        )
    # Whole-number parameters are rounded when used; keep the stored points as drawn so
    # that SALib's analysis sees the design it made.
    return dataclasses.replace(d, points=points)
