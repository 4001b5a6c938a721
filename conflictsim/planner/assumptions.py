"""The Assumptions page's tables: evidence settings, every parameter, the programmes.

Each table is what the page shows, numbers already written (``:g``), and what its CSV
download holds; which setting set a parameter (default, evidence setting or the planner)
is decided here.
"""

from __future__ import annotations

import math

import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.evidence import EVIDENCE_LABELS, TRAINING_EFFECTS, evidence_table
from conflictsim.params import REGISTRY, ParamSpec
from conflictsim.planner.plan import Plan
from conflictsim.training import HALF_LIFE_DAYS, KINDS, Training
from conflictsim.virtual_trials import trials
from conflictsim.words import PROGRAMME_LABELS, parameter_label


def evidence_shown() -> pd.DataFrame:
    """``evidence_table`` with its columns in words."""
    given = {f"{s} given the trials": f"{label} given the trials" for s, label in
             EVIDENCE_LABELS.items()}  # fmt: skip
    return (
        evidence_table()
        .rename(
            columns={
                "what": "Assumption",
                "meaning": "Meaning",
                **{s: f"{label}, before the trials" for s, label in EVIDENCE_LABELS.items()},
                **given,
                "hoped-for effect": "The effect hoped for",
            }
        )
        .set_index("Assumption")
    )


def trials_shown() -> pd.DataFrame:
    """The studies of training on incidents the evidence settings were updated by, in words."""
    t = trials()
    return pd.DataFrame(
        {
            "Study": t["citation"],
            "Programme": [PROGRAMME_LABELS[p] for p in t["programme"]],
            "Setting": t["setting"],
            "Design": t["design"],
            "What was counted": t["outcome"],
            "Change in incidents (95% interval)": [
                f"{'no change' if e == 0 else f'{e:+.0%}'} ({lo:+.0%} to {hi:+.0%})"
                for e, lo, hi in zip(t["estimate"], t["low"], t["high"], strict=True)
            ],
            "Where the interval comes from": t["how"],
        }
    ).set_index("Study")


def value_step(spec: ParamSpec) -> float:
    """A step for typing a parameter's value: about a hundredth of its plausible range."""
    lo, hi = spec.sweep_range
    return float(10 ** (round(math.log10(max(hi - lo, 1e-9))) - 2))


def parameter_note(spec: ParamSpec) -> str:
    """A parameter's plausible and allowed ranges, default and source (Markdown)."""
    lo, hi = spec.sweep_range
    prior = (
        ""
        if spec.prior is None
        else (f" **Prior for calibration:** {spec.prior.describe()} ({spec.prior.source}).")
    )
    return (
        f"**Plausible range** {lo:g} to {hi:g} (allowed {spec.low:g} to {spec.high:g}). "
        f"**Default** {spec.default:g}. **Source:** {spec.source}.{prior}"
    )


def changes_text(plan: Plan) -> str:
    """The parameters the planner changed, with their defaults (Markdown; empty if none)."""
    return "; ".join(
        f"{REGISTRY[k].meaning} (`{k}`) = {v:g}, default {REGISTRY[k].default:g}"
        for k, v in plan.overrides
    )


def parameter_table(plan: Plan, calibration: Calibration | None = None) -> pd.DataFrame:
    """Every parameter: meaning, value now, default, range, unit, source, who set it, group.

    With a calibration, a calibrated parameter's value now is its calibrated median and
    90% interval (each simulated period runs one of its sets), unless the planner set it.
    """
    values = plan.params
    overrides = dict(plan.overrides)
    calibrated = {}
    if calibration is not None:
        calibrated = {r.parameter: r for r in calibration.summary().itertuples()}
    rows = []
    for spec in REGISTRY.values():
        p_lo, p_hi = spec.sweep_range
        mine = spec.name in overrides
        by_calibration = spec.name in calibrated and not mine
        now = f"{values[spec.name]:g}"
        if by_calibration:
            c = calibrated[spec.name]
            now = f"{c.median:.3g} ({c.low:.3g} to {c.high:.3g})"
        rows.append(
            {
                "assumption": parameter_label(spec.name),
                "name": spec.name,
                "meaning": spec.meaning,
                "value now": now,
                "default": f"{spec.default:g}",
                "plausible range": f"{p_lo:g} to {p_hi:g}",
                "prior": "fixed" if spec.prior is None else spec.prior.describe(),
                "unit": spec.unit,
                "source": spec.source,
                "set by": "you"
                if mine
                else "evidence setting"
                if spec.name in TRAINING_EFFECTS
                else ("calibration" if by_calibration else "default"),
                "group": spec.group,
            }
        )
    return pd.DataFrame(rows)


def calibrated_table(calibration: Calibration, plan: Plan) -> pd.DataFrame:
    """The calibrated parameters: meaning, prior, calibrated median and 90% interval.

    ``used`` says whether the simulations run the calibrated values or the planner's own
    (a value set on this page wins, ``baseline.for_plan``).
    """
    overrides = dict(plan.overrides)
    rows = []
    for r in calibration.summary().itertuples():
        rows.append(
            {
                "assumption": parameter_label(r.parameter),
                "name": r.parameter,
                "meaning": REGISTRY[r.parameter].meaning,
                "prior": r.prior,
                "calibrated median": f"{r.median:.3g}",
                "90% interval": f"{r.low:.3g} to {r.high:.3g}",
                "used": f"your value {overrides[r.parameter]:g}"
                if r.parameter in overrides
                else "calibrated: each simulated period runs one set",
            }
        )
    return pd.DataFrame(rows)


def programme_table(plan: Plan) -> pd.DataFrame:
    """The programmes: measured skill gains, costs and half-life.

    The shifts are the gains training studies measure; how much of them shows at work
    (``skill_transfer``) is drawn from the plan's evidence setting in each plausible world.
    """
    rows = []
    for k in KINDS.values():
        prog = Training(k.name, **plan.prices_of(k.name))
        rows.append(
            {
                "programme": PROGRAMME_LABELS[k.name],
                "listening gain (SD)": f"{k.listening_d:.2f}",
                "regulation gain (SD)": f"{k.regulation_d:.2f}",
                "trainees step in when colleagues clash": "yes" if k.responders else "no",
                "fee per trainee": f"{prog.fee:g}",
                "hours per trainee": f"{prog.hours:g}",
                "cost per session day": f"{prog.fixed:g}",
                "prices": "yours" if plan.prices_of(k.name) else "defaults (assumptions)",
                "half-life (working days)": f"{HALF_LIFE_DAYS:g}",
            }
        )
    return pd.DataFrame(rows)
