"""The baseline in use: which calibration anchors a plan's no-training arm, in words.

Every run the dashboard makes goes through the calibration of the organisation in use
(docs/dashboard.md, "Calibration in the dashboard"):

- a preset at the dashboard's defaults (200 employees, seed 1) uses its stored
  calibration (``conflictsim.calibration.store``);
- a preset at another size or seed uses the same preset's stored parameter sets, once a
  check at that size (each set simulated once, about a second) finds every target still
  met (``transfer``); if one is missed, the organisation is calibrated;
- an uploaded organisation is calibrated on upload, to the published targets and, when
  given, its own incident records (``calibration_targets``).

Calibrating needs pyabc, which takes seconds to import, so this module does not call
``calibrate``: the dashboard calls ``conflictsim.calibrate`` (imported on first use)
with ``Budget.options`` and draws ``progress_step``; everything else is decided here.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from conflictsim.calibration.anchor import anchor, fit_met
from conflictsim.calibration.result import FREE, Calibration
from conflictsim.calibration.statistics import RECORD_STATISTICS
from conflictsim.calibration.store import SIZE
from conflictsim.calibration.targets import Target, Targets
from conflictsim.evidence import EVIDENCE_LABELS, TRAINING_EFFECTS
from conflictsim.incidents import parse_incidents
from conflictsim.incidents import summary as incidents_summary
from conflictsim.organisation import Organisation
from conflictsim.params import REGISTRY, Params
from conflictsim.plain import EVIDENCE_WORDS
from conflictsim.planner.plan import BASELINE, WEEK_DAYS, Plan
from conflictsim.planner.words import UPLOADED, capitalised, fmt_number, num_text

if TYPE_CHECKING:  # results imports this module
    from conflictsim.planner.results import PlanResults

#: The published targets in a few words (``Targets.published``).
PUBLISHED_WORDS = (
    "published base rates (CPP 2008 conflict hours, weekly incivility, absence, quits)"
)
#: Statistics that are shares, written as percentages.
SHARES = ("weekly_rude_share", "quits_per_year", "share_severe")
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


def progress_step(event: Mapping[str, int]) -> tuple[float, str]:
    """A calibration's progress (``calibrate(progress=...)``) as a bar's share and text."""
    draws = max(int(event["draws"]), 1)
    accepted = min(int(event["accepted"]), draws)
    generation = int(event["generation"])
    stage = "sampling the priors" if generation == 0 else f"round {generation}"
    return accepted / draws, (
        f"Calibrating the baseline ({stage}, usually about 10 rounds): {accepted} of "
        f"{draws} parameter sets found"
    )


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
        return calibration_key(self.calibration)


def calibration_key(cal: Calibration) -> str:
    """A digest of a calibration's draws, fixed parameters, targets, organisation and seed."""
    doc = json.dumps(
        {
            "columns": list(cal.draws.columns),
            "base": cal.base,
            "targets": [t.to_dict() for t in cal.targets],
            "org": cal.org_fingerprint,
            "seed": cal.seed,
        },
        sort_keys=True,
    )
    digest = hashlib.sha256(doc.encode())
    digest.update(np.ascontiguousarray(cal.draws.to_numpy(float)).tobytes())
    return digest.hexdigest()[:16]


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
    ``plan_notes`` says so in words.
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


# ---------------------------------------------------------------------------- words
def evidence_sentence(plan: Plan) -> str:
    """The evidence setting in use, in a sentence (every page shows it)."""
    return (
        f"{EVIDENCE_LABELS[plan.evidence]} evidence: {EVIDENCE_WORDS[plan.evidence]}; each "
        "plausible world draws one effect of training from this range (change it in the "
        "sidebar; the no-training baseline is the same in every setting)."
    )


def baseline_sentence(plan: Plan, baseline: Baseline) -> str:
    """Which calibration the figures rest on, in a sentence or three (every page shows it)."""
    cal = baseline.calibration
    if cal is None:
        if baseline.how == "needed":
            return (
                f"Not calibrated yet: {baseline.reason}, so this organisation is calibrated "
                "before it is simulated."
            )
        return (
            f"Not calibrated: {baseline.reason}. The no-training baseline uses the model's "
            "default parameters, so it may have more or less conflict than the published "
            "rates."
        )
    what = PUBLISHED_WORDS
    if baseline.records is not None:
        what = f"your organisation's incident records ({records_text(baseline.records)}) and {what}"
    if baseline.how == "stored":
        how = f"the calibration stored for this preset ({len(cal)} parameter sets)"
    elif baseline.how == "transferred":
        how = (
            f"the parameter sets stored for this preset at {SIZE} employees, checked at "
            f"this size ({fit_summary(cal)})"
        )
    else:
        seconds = cal.meta.get("seconds")
        took = f", {fmt_number(seconds)} s" if seconds is not None else ""
        how = f"calibrated here for this organisation ({len(cal)} parameter sets{took})"
    sentence = f"Baseline calibrated to {what}: {how}."
    if not cal.converged:
        sentence += (
            f" It does not reach every target (missed: {missed_text(cal)}): read the "
            "figures with care."
        )
    notes = plan_notes(plan, cal)
    return " ".join([sentence, *notes])


def baseline_caution(plan: Plan, baseline: Baseline) -> bool:
    """Whether the baseline may not match its targets, so the words are a warning.

    True without a calibration, with one that misses a target, and when the plan sets
    parameters that move the baseline away from what was calibrated (a parameter the
    calibration kept at its default).
    """
    cal = baseline.calibration
    if cal is None or not cal.converged:
        return True
    return any(moves for _, moves in _notes(plan, cal))


def plan_notes(plan: Plan, cal: Calibration) -> list[str]:
    """What the plan changes that the calibration was not made with, in words."""
    return [text for text, _ in _notes(plan, cal)]


def _notes(plan: Plan, cal: Calibration) -> list[tuple[str, bool]]:
    """``plan_notes``, each with whether it moves the baseline away from the targets."""
    notes = []
    overrides = dict(plan.overrides)
    # The training effects are in every set the plan runs (``for_plan``).
    drawn = [*cal.parameters, *(n for n in TRAINING_EFFECTS if n not in cal.parameters)]
    mine = [name for name in drawn if name in overrides]
    if mine:
        notes.append(
            (
                "Your value of "
                + ", ".join(f"{REGISTRY[n].meaning} ({n})" for n in mine)
                + " replaces its calibrated values.",
                False,
            )
        )
    moved = [name for name in overrides if name not in FREE and name not in mine]
    if moved:
        notes.append(
            (
                "The calibration was made with the default "
                + ", ".join(f"{REGISTRY[n].meaning} ({n})" for n in moved)
                + "; with your value the baseline may no longer match its targets.",
                True,
            )
        )
    return notes


def baseline_check(results: PlanResults) -> str:
    """How much conflict the simulated no-training arm has, against the published rate.

    Args:
        results: ``PlanResults`` of the plan.
    """
    table = results.table
    row = table[(table["outcome"] == "conflict_hours") & (table["arm"] != BASELINE)]
    if row.empty:
        return ""
    employees = results.org_summary["employees"]
    hours = float(row.iloc[0]["baseline_mean"]) / (employees * results.plan.days / WEEK_DAYS)
    target = next(t for t in Targets.published() if t.name == "hours_per_week")
    where = (
        "within"
        if target.low <= hours <= target.high
        else ("above" if hours > target.high else "below")
    )
    return (
        f"With no training, the simulated organisation loses {stat_text('', hours)} conflict "
        f"hours per employee a week over the period: {where} the published "
        f"{stat_text('', target.low)} to {stat_text('', target.high)} (CPP 2008)."
    )


def stat_text(name: str, value: float) -> str:
    """A target's statistic as planners read it: shares as percentages, three figures.

    Three, not two: a mean just outside its interval (2.81 against 2.1 to 2.8) must not
    read as if it were inside.
    """
    if value is None or not math.isfinite(value):
        return "n/a"
    if name in SHARES:
        return f"{value * 100:.3g}%"
    if abs(value) >= 1000:
        return fmt_number(value)
    return f"{value:.3g}"


def source_text(target: Target | Mapping[str, Any]) -> str:
    """A target's source in a few words: ``CPP 2008`` or ``your incident records``."""
    name = target["target"] if isinstance(target, Mapping) else target.name
    if name in RECORD_STATISTICS:
        return "your incident records"
    source = target["source"] if isinstance(target, Mapping) else target.source
    return source.split(":")[0]


# ---------------------------------------------------------------------------- the fit
def fit_frame(cal: Calibration) -> pd.DataFrame:
    """The fit as the dashboard draws it: one row per target, in words and numbers.

    Columns: ``target``, ``label`` (capitalised), ``source``, ``observed``,
    ``target_low``, ``target_high`` (the published or observed interval), ``simulated``
    (mean of the simulations), ``low``, ``high`` (their 90% range), ``met``, ``percent``
    (whether the statistic is a share, drawn as a percentage).
    """
    fit = cal.fit.reset_index(drop=True)
    sources = {t.name: source_text(t) for t in cal.targets}
    return pd.DataFrame(
        {
            "target": fit["target"],
            "label": [capitalised(str(x)) for x in fit["label"]],
            "source": [sources.get(t, "") for t in fit["target"]],
            "observed": fit["observed"].astype(float),
            "target_low": fit["target_low"].astype(float),
            "target_high": fit["target_high"].astype(float),
            "simulated": fit["simulated"].astype(float),
            "low": fit["low"].astype(float),
            "high": fit["high"].astype(float),
            "met": fit_met(fit).to_numpy(),
            "percent": [t in SHARES for t in fit["target"]],
        }
    )


def fit_table(cal: Calibration) -> pd.DataFrame:
    """The fit as a plain table, numbers written as planners read them.

    Columns: the target in words, its observed or published range (and source), the
    simulated mean and 90% range, and whether it is met (``fit_met``).
    """
    f = fit_frame(cal)
    rows = []
    for r in f.itertuples():
        band = f"{stat_text(r.target, r.target_low)} to {stat_text(r.target, r.target_high)}"
        if r.source == "your incident records":
            band = f"{stat_text(r.target, r.observed)} ({band})"
        rows.append(
            {
                "Target": r.label,
                "Observed or published": f"{band}, {r.source}",
                "Simulated (mean)": stat_text(r.target, r.simulated),
                "90% of simulations": f"{stat_text(r.target, r.low)} to "
                f"{stat_text(r.target, r.high)}",
                "Met": "yes" if r.met else "no",
            }
        )
    return pd.DataFrame(rows)


def fit_summary(cal: Calibration) -> str:
    """``every target met`` or ``3 of 4 targets met``."""
    met = fit_met(cal.fit)
    if met.all():
        return "every target met"
    return f"{int(met.sum())} of {len(met)} targets met"


def missed_text(cal: Calibration) -> str:
    """The targets whose simulated mean lies outside their interval, in words."""
    fit = cal.fit
    labels = [str(x) for x in fit.loc[~fit_met(fit), "label"]]
    if len(labels) > 1:
        return f"{', '.join(labels[:-1])} and {labels[-1]}"
    return labels[0] if labels else "none"


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


def records_text(summary: Mapping[str, Any]) -> str:
    """Incident records in a few words: ``142 incidents over 52 weeks``."""
    weeks = num_text(round(summary["days"] / WEEK_DAYS, 1))
    n = summary["incidents"]
    return f"{n:,} incident{'s' * (n != 1)} over {weeks} week{'s' * (weeks != '1')}"


def records_sentence(summary: Mapping[str, Any]) -> str:
    """What an upload of incident records holds, in a sentence."""
    by = ", ".join(f"{v:,} {k}" for k, v in summary["by_severity"].items())
    span = (
        f" from {summary['first_date']} to {summary['last_date']}"
        if summary.get("first_date")
        else ""
    )
    return (
        f"{capitalised(records_text(summary))}{span} ({by}), in "
        f"{summary['teams_with_incidents']} of {summary['teams']} teams."
    )
