"""Which calibration anchors an organisation's baseline, and moving one to another size.

Every run that compares options goes through a calibration of the organisation in use
(issue 25, "one calibrated baseline everywhere"): the dashboard, ``conflictsim simulate``
and the planner all take it from here.

- a preset at the stored size and seed (200 employees, seed 1) uses its stored
  calibration (``conflictsim.calibration.store``);
- a preset at another size or seed uses the same preset's stored parameter sets, once a
  check at that size (each set simulated once, about a second) finds every target still
  met (``transferred_to``);
- anything else (a preset whose stored sets miss a target at this size, an org chart)
  must be calibrated (``conflictsim.calibrate``) before it is simulated.

This module imports no pyabc (seconds to import): calibrating is the caller's call.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from conflictsim.calibration.result import Calibration, predictive_fit, targets_met
from conflictsim.calibration.statistics import RECORD_STATISTICS, simulation_statistics
from conflictsim.calibration.store import SEED, SIZE, stored
from conflictsim.engine import simulate
from conflictsim.organisation import PRESETS, Organisation
from conflictsim.params import Params
from conflictsim.scenario import Scenario

#: Parameter sets simulated to check a preset's stored calibration at another size; the
#: sets moved there are these (the dashboard's most precise setting runs 100 periods).
CHECK_SETS = 100
#: Seed of that check (fixed: one organisation, one answer).
CHECK_SEED = 11


@dataclass(frozen=True)
class Anchor:
    """The calibration found for an organisation, and how.

    Attributes:
        calibration: The calibration, or None.
        how: ``stored`` (shipped for this preset), ``transferred`` (a preset's stored
            sets, checked at this size) or ``needed`` (none: calibrate the
            organisation; ``reason`` says why).
        reason: Why none was found.
    """

    calibration: Calibration | None
    how: str
    reason: str = ""


def anchor(org: Organisation, preset: str | None = None) -> Anchor:
    """The stored calibration of ``org``, or a preset's stored sets checked on it.

    Args:
        org: The organisation.
        preset: The preset it was generated from (None: an org chart, which has none).

    Returns:
        ``stored``, ``transferred``, or ``needed`` (calibrate it) with the reason.
    """
    cal = stored(org)
    if cal is not None:
        return Anchor(cal, "stored")
    if preset is None:
        return Anchor(None, "needed", "an organisation from an org chart has no stored calibration")
    if preset not in PRESETS:
        raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    home = stored(Organisation.generate(size=SIZE, preset=preset, seed=SEED))
    if home is None:
        return Anchor(None, "needed", "this preset has no stored calibration")
    moved = transferred_to(home, org)
    if not moved.converged:
        missed = ", ".join(moved.fit.loc[~targets_met(moved.fit), "label"].astype(str))
        return Anchor(
            None,
            "needed",
            f"the parameter sets stored for this preset at {SIZE} employees miss {missed} "
            "at this size",
        )
    return Anchor(moved, "transferred")


def transferred_to(
    cal: Calibration, org: Organisation, sets: int = CHECK_SETS, seed: int = CHECK_SEED
) -> Calibration:
    """A calibration's parameter sets moved to another organisation, checked there.

    A preset's structure (team sizes, managers, ties) is the same at any size, so its
    sets usually reproduce the targets at another size too; this checks that they do:
    each of the first ``sets`` sets is simulated once on ``org`` as the calibration
    simulated its candidates (the same days and start-up), and the fit is that check.

    Returns:
        The calibration of ``org`` with the first ``sets`` sets and the check as its fit;
        ``converged`` is whether every target's simulated mean lies in its interval.

    Raises:
        ValueError: For a calibration to incident records (they belong to their own
            organisation).
    """
    if any(t.name in RECORD_STATISTICS for t in cal.targets):
        raise ValueError("a calibration to incident records cannot move to another organisation")
    n = min(int(sets), len(cal))
    moved = replace(
        cal,
        draws=cal.draws.iloc[:n].reset_index(drop=True),
        org_fingerprint=org.fingerprint(),
        org_name=org.name,
    )
    days, warmup = int(cal.meta["days"]), int(cal.meta["warmup_days"])
    scenario = Scenario(org, params=Params(**moved.base), days=days, warmup=0)
    res = simulate(scenario, n, seed=seed, calibration=moved, record_teams=False)
    names = [t.name for t in cal.targets]
    stats = [simulation_statistics(res, names, warmup, replicate=k) for k in range(n)]
    fit = predictive_fit(cal.targets, stats)
    meta = {
        **cal.meta,
        "converged": bool(targets_met(fit).all()),
        "org_size": org.size,
        "transferred_from": {
            "org_name": cal.org_name,
            "org_size": cal.meta.get("org_size"),
            "org_fingerprint": cal.org_fingerprint,
        },
        "check": {"sets": n, "seed": int(seed)},
    }
    return replace(moved, fit=fit, meta=meta)
