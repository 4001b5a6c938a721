"""The baseline in use: which calibration anchors a plan's no-training arm.

Every run the dashboard makes goes through the calibration of the organisation in use
(docs/dashboard.md, "Calibration in the dashboard"):

- a preset at the dashboard's defaults (200 employees, seed 1) uses its stored
  calibration (``conflictsim.calibration.store``);
- a preset at another size or seed uses the same preset's stored parameter sets, once a
  check at that size (each set simulated once, about a second) finds every target still
  met (``calibration.anchor.transferred_to``); if one is missed, the organisation is
  calibrated;
- an uploaded organisation is calibrated on upload, to the published targets and, when
  given, its own incident records (``calibration_targets``).

Calibrating needs pyabc, which takes seconds to import, so this module does not call
``calibrate``: the dashboard calls ``conflictsim.calibrate`` (imported on first use)
with ``Budget.options`` and draws ``words.progress_step``; everything else is decided
here. What the baseline is, in words, is ``planner.words.baseline_sentence``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from conflictsim.calibration.anchor import anchor
from conflictsim.calibration.result import Calibration
from conflictsim.calibration.targets import Targets
from conflictsim.incidents import parse_incidents
from conflictsim.incidents import summary as incidents_summary
from conflictsim.organisation import Organisation
from conflictsim.params import Params
from conflictsim.planner.plan import Plan
from conflictsim.planner.words import UPLOADED, plan_changes

#: Environment variable with the dashboard's calibration budget, as ``draws=20,
#: generations=3,simulations=400,workers=1`` (for tests; any part may be left out).
BUDGET_ENV = "CONFLICTSIM_DASHBOARD_CALIBRATION"


# ---------------------------------------------------------------------------- budget
@dataclass(frozen=True)
class Budget:
    """How hard the dashboard calibrates an organisation (``calibrate``'s arguments).

    Attributes:
        draws: Parameter sets kept. 100 halves the time of the stored presets' 200;
            simulated period ``k`` runs set ``k mod 100``, so the dashboard's 200 plausible
            worlds hold each set twice, with different random numbers.
        generations: Most generations of ABC-SMC.
        simulations: Most simulations in all (None: ``calibrate``'s default).
        workers: Local processes (None: all cores).
        seed: The calibration's seed (fixed, so a link gives the same figures anywhere).
    """

    draws: int = 100
    generations: int = 30
    simulations: int | None = None
    workers: int | None = None
    seed: int = 1

    def options(self) -> dict[str, Any]:
        """Keyword arguments of ``conflictsim.calibrate``."""
        return {
            "seed": self.seed,
            "draws": self.draws,
            "max_generations": self.generations,
            "max_simulations": self.simulations,
            "workers": self.workers,
        }

    def text(self) -> str:
        """The budget as plain text, for cache keys and ``BUDGET_ENV``."""
        parts = [f"draws={self.draws}", f"generations={self.generations}"]
        if self.simulations is not None:
            parts.append(f"simulations={self.simulations}")
        if self.workers is not None:
            parts.append(f"workers={self.workers}")
        return ",".join([*parts, f"seed={self.seed}"])


def budget_from_env(environ: Mapping[str, str]) -> Budget:
    """The budget set in ``BUDGET_ENV``, else the default.

    Raises:
        ValueError: If the variable has a part that cannot be read, naming it.
    """
    text = environ.get(BUDGET_ENV, "").strip()
    if not text:
        return Budget()
    values: dict[str, int] = {}
    for part in text.split(","):
        name, _, value = part.partition("=")
        name = name.strip()
        if name not in ("draws", "generations", "simulations", "workers", "seed"):
            raise ValueError(f"{BUDGET_ENV}: unknown part {part.strip()!r}")
        try:
            values[name] = int(value)
        except ValueError:
            raise ValueError(f"{BUDGET_ENV}: {part.strip()!r} is not a whole number") from None
    return Budget(**values)


# ---------------------------------------------------------------------------- baseline
@dataclass(frozen=True)
class Baseline:
    """The calibration that anchors a plan's no-training arm, and how it was obtained.

    Attributes:
        calibration: The calibration of the plan's organisation, or None.
        how: ``stored`` (shipped for this preset), ``transferred`` (a preset's stored
            sets, checked at this size), ``calibrated`` (here, for this organisation),
            ``needed`` (a preset whose stored sets miss a target at this size: calibrate
            it) or ``missing`` (none: ``reason`` says why).
        records: ``conflictsim.incidents.summary`` of the incident records it was
            calibrated to, or None.
        reason: Why there is no calibration, or which target the stored sets missed.
    """

    calibration: Calibration | None
    how: str
    records: dict[str, Any] | None = None
    reason: str = ""

    @property
    def needs_calibrating(self) -> bool:
        """Whether the organisation must be calibrated before it is simulated."""
        return self.how == "needed"

    @property
    def key(self) -> str:
        """A short text naming the calibration, for the caches' keys."""
        if self.calibration is None:
            return f"uncalibrated:{self.how}"
        return self.calibration.key


def preset_baseline(plan: Plan, org: Organisation) -> Baseline:
    """The baseline of a preset: stored, or the stored sets checked at this size.

    Args:
        plan: A plan on a preset (not an upload).
        org: Its organisation (``build_org``).

    Returns:
        ``stored``, ``transferred``, or ``needed`` when the stored sets miss a target at
        this size (the organisation must then be calibrated): ``anchor``.
    """
    if plan.org == UPLOADED:
        raise ValueError("an uploaded organisation has no stored calibration: calibrate it")
    found = anchor(org, plan.org)
    return Baseline(found.calibration, found.how, reason=found.reason)


def calibrated_baseline(cal: Calibration, records: dict[str, Any] | None = None) -> Baseline:
    """The baseline of an organisation calibrated here (``records``: their summary)."""
    return Baseline(cal, "calibrated", records=records)


def missing_baseline(reason: str) -> Baseline:
    """No calibration (a calibration that failed, or one still to come), and why."""
    return Baseline(None, "missing", reason=reason)


def calibration_targets(org: Organisation, records: pd.DataFrame | None = None) -> Targets:
    """What the dashboard calibrates an organisation to.

    The published base rates, plus the statistics of its incident records when given
    (``read_records``).
    """
    targets = Targets.published()
    if records is not None:
        targets = targets + Targets.from_incidents(records, org)
    return targets


def for_plan(
    cal: Calibration | None, plan: Plan, org: Organisation | None = None
) -> Calibration | None:
    """The calibration as a plan's runs use it.

    Without a calibration, the plan's parameters in every set with the evidence
    setting's training effects (``Calibration.evidence_only``; given ``org``, else None).

    Its sets get training effects drawn from the plan's evidence setting
    (``Calibration.with_evidence``: the baseline is the same in every setting). A
    calibration holds only together with the parameters it was made with, and
    ``Calibration.scenario_params`` refuses others. The dashboard lets planners change
    them on purpose, so here: a parameter the planner set wins over its calibrated
    values (it leaves the sets); any other parameter takes the plan's value.
    ``words.plan_notes`` says so in words.
    """
    if cal is None:
        if org is None:
            return None
        return Calibration.evidence_only(
            org, plan.params, plan.evidence, plan.replicates, plan.seed
        )
    if cal.evidence != plan.evidence:
        cal = cal.with_evidence(plan.evidence)
    params = plan.params
    mine = [name for name in cal.parameters if name in dict(plan.overrides)]
    base = {name: float(params[name]) for name in [*cal.base, *mine]}
    if not mine and base == cal.base:
        return cal
    return replace(cal, draws=cal.draws.drop(columns=mine), base=base)


def run_params(
    plan: Plan, cal: Calibration | None, replicate: int, org: Organisation | None = None
) -> Params:
    """The parameters simulated period ``replicate`` of every arm of the plan runs with."""
    used = for_plan(cal, plan, org)
    return plan.params if used is None else used.scenario_params(plan.params, replicate)


def baseline_caution(plan: Plan, baseline: Baseline) -> bool:
    """Whether the baseline may not match its targets, so the words are a warning.

    True without a calibration, with one that misses a target, and when the plan sets
    parameters that move the baseline away from what was calibrated (a parameter the
    calibration kept at its default).
    """
    cal = baseline.calibration
    if cal is None or not cal.converged:
        return True
    return bool(plan_changes(plan, cal)[1])


# ---------------------------------------------------------------------------- records
def read_records(data: bytes | str, org: Organisation, label: str) -> tuple[pd.DataFrame, dict]:
    """An uploaded incident record file, read from memory and checked for calibration.

    Args:
        data: The file's contents (never written to disk).
        org: The organisation the records are about.
        label: The file's name, for messages.

    Returns:
        The daily counts (``conflictsim.incidents.parse_incidents``) and their summary.

    Raises:
        ValueError: With one message naming the file (and row and column, where there
            is one) if the file cannot be read or the records are too few to calibrate to.
    """
    frame = parse_incidents(data, org, label)
    try:
        Targets.from_incidents(frame, org)
    except ValueError as exc:
        raise ValueError(f"{label}: {exc}") from None
    return frame, incidents_summary(frame, org)
