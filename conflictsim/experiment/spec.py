"""What an experiment is: its arms, design points, sensitivity question and units of work.

The dataclasses here are the checked form of an experiment file (``load`` builds them,
``conflictsim.experiment.load``). Replicate ``k`` of every arm and point runs with
``replicate_seed(seed, k)`` (and, over a calibration, with its parameter set ``k``), so a
unit's numbers do not depend on how the replicates are split, on the number of workers, or
on the machine (see ``conflictsim.batch``).
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.evidence import check_evidence
from conflictsim.organisation import Organisation
from conflictsim.outcomes import OUTCOMES
from conflictsim.params import REGISTRY, Params
from conflictsim.scenario import Scenario

#: Sweep designs and sensitivity methods.
SWEEP_DESIGNS = ("grid", "lhs", "sobol")
SENSITIVITY_METHODS = ("sobol", "morris", "delta")
#: Suffix of the arm added to show an arm without its trainees acting as responders.
NO_RESPONDERS = "-no-responders"


@dataclass(frozen=True)
class Arm:
    """One arm: the programmes it runs and any parameters it changes.

    Attributes:
        name: Arm name (letters, digits, ``_`` and ``-``; used in file names).
        programmes: Training programmes (``conflictsim.Training``).
        parameters: Parameters this arm sets on top of the experiment's.
        description: Free text.
        apart_from: For an arm added to show an arm without its trainees acting as
            responders (``responders_apart``), that arm's name; else empty.
    """

    name: str
    programmes: tuple[Any, ...] = ()
    parameters: Mapping[str, float] = field(default_factory=dict)
    description: str = ""
    apart_from: str = ""

    def without_responders(self) -> Arm | None:
        """This arm with its trainees not acting as responders, or None if none would.

        No study has measured bystanders defusing conflicts, so a run shows each arm that
        relies on them beside the same arm without them (``responders_apart``).
        """
        if not any(p.makes_responders for p in self.programmes):
            return None
        quiet = tuple(dataclasses.replace(p, responders=False) for p in self.programmes)
        return Arm(
            f"{self.name[:26]}{NO_RESPONDERS}",
            quiet,
            self.parameters,
            f"{self.name} with its trainees not acting as responders (no study has measured "
            "bystanders defusing conflicts)",
            apart_from=self.name,
        )


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
        method: ``sobol`` (Saltelli 2010), ``morris`` (Morris 1991), or ``delta``
            (Borgonovo 2007, given data: over a calibration's parameter sets, each
            replicate one plausible world).
        outcome: A per-replicate outcome (``outcomes.SUMMARY_COLUMNS``) or ``net_benefit``.
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
        """The analysed quantity in words (the outcome's label from ``OUTCOMES``)."""
        what = OUTCOMES[self.outcome].label
        if self.contrast:
            what = f"{what}: {self.contrast[0]} minus {self.contrast[1]}"
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
        days: Working days simulated and counted (250 is a year).
        warmup: Working days simulated before day 0 and not counted (whole weeks).
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
        calibration: The calibration the arms run over (replicate ``k`` with its parameter
            set ``k``), or None.
        calibration_dir: Its folder (absolute), or None.
        calibration_sha256: SHA-256 of its ``draws.parquet`` as read: what a resume must
            match.
        evidence: The file's evidence setting (``sceptical``, ``central`` or
            ``enthusiastic``: what training does at work, ``conflictsim.evidence``), or
            None: the calibration's sets as saved, or the parameters as given.
        currency: The name of the currency of wage and costs, or empty for none.
    """

    path: Path | None
    text: str
    name: str
    description: str
    seed: int
    replicates: int
    days: int
    warmup: int
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
    calibration: Calibration | None = None
    calibration_dir: Path | None = None
    calibration_sha256: str | None = None
    evidence: str | None = None
    currency: str = ""

    @cached_property
    def org(self):
        """The organisation (built once)."""
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

    def calibration_record(self) -> dict[str, Any] | None:
        """What the manifest keeps of the calibration (None without one).

        ``folder``, ``org_fingerprint`` and ``draws_sha256`` identify it; ``org_name``,
        ``parameters`` and ``draws`` (the number of parameter sets) are for readers.
        """
        cal = self.calibration
        if cal is None:
            return None
        return {
            "folder": str(self.calibration_dir),
            "org_fingerprint": cal.org_fingerprint,
            "org_name": cal.org_name,
            "parameters": cal.parameters,
            "draws": len(cal),
            "draws_sha256": self.calibration_sha256,
        }

    @cached_property
    def run_calibration(self) -> Calibration | None:
        """The parameter sets the replicates run: set ``k`` for replicate ``k`` (cycling).

        The file's calibration with its training effects drawn from the file's evidence
        setting, or, without a calibration, the training effects alone (``evidence_sets``);
        without an evidence setting, the calibration as saved (None without one).
        """
        if self.evidence is None:
            return self.calibration
        arm = self.arms[0]
        return evidence_sets(
            self.calibration,
            self.evidence,
            self.org,
            self.params_at(0, arm),
            self.replicates,
            self.seed,
        )

    @property
    def evidence_used(self) -> str | None:
        """The evidence setting the training effects come from (None: not drawn)."""
        cal = self.run_calibration
        return None if cal is None else cal.evidence

    def params_at(self, point: int, arm: Arm | str) -> Params:
        """Parameters of one arm at one design point."""
        if isinstance(arm, str):
            arm = self.arms[self.arm_names.index(arm)]
        return Params(**self.parameters, **arm.parameters, **self.design.values(point))

    def scenarios(self, point: int = 0) -> dict[str, Any]:
        """Arm name to ``Scenario`` at a design point."""
        return {
            arm.name: Scenario(
                org=self.org,
                params=self.params_at(point, arm),
                programmes=arm.programmes,
                days=self.days,
                warmup=self.warmup,
                initial_upset=self.initial_upset
                if isinstance(self.initial_upset, float)
                else list(self.initial_upset),
            )
            for arm in self.arms
        }

    def points_frame(self):
        """One row per design point: ``point`` and the swept parameters' values."""
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
        over = f", over {len(self.calibration)} calibrated sets" if self.calibration else ""
        if self.evidence is not None:
            over += f", {self.evidence} evidence"
        return (
            f"Experiment({self.name!r}: {len(self.arms)} arms x {self.n_points} points x "
            f"{self.replicates} replicates, {self.days} days, engine {self.engine}{over})"
        )


def evidence_sets(
    calibration: Calibration | None,
    setting: str,
    org: Organisation,
    params: Params,
    sets: int,
    seed: int,
) -> Calibration:
    """Parameter sets whose training effects come from an evidence setting.

    The planner's rule (``conflictsim.planner.baseline.for_plan``), for the command line
    and experiment files: a calibration gets the setting's training effects
    (``Calibration.with_evidence``; the baseline is the same in every setting);
    without one, ``sets`` draws of the training effects alone
    (``Calibration.evidence_only`` with ``seed``), and every other parameter is each
    scenario's own (arms and design points may set them as they please).

    Args:
        calibration: A calibration, or None.
        setting: ``sceptical``, ``central`` or ``enthusiastic``.
        org: The organisation (used without a calibration).
        params: The parameters (used without a calibration).
        sets: Draws of the training effects without a calibration (one per replicate).
        seed: Their seed.

    Raises:
        ValueError: For an unknown setting, naming the ones there are.
    """
    check_evidence(setting)
    if calibration is not None:
        if calibration.evidence == setting:
            return calibration
        return calibration.with_evidence(setting)
    drawn = Calibration.evidence_only(org, params, setting, sets, seed)
    # Nothing was calibrated, so nothing binds the other parameters to these sets.
    return replace(drawn, base={})
