"""Model parameters: one registry of defaults, ranges, meanings and sources.

Every parameter of the model is declared once, in ``REGISTRY``. Validation, the ODD
description (docs/ODD.md), sensitivity analysis and the dashboard all read it, so a
parameter cannot be documented in one place and forgotten in another.

Sources name a row of shared/EVIDENCE.md (author and year) or say "assumption".
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Prior:
    """A prior distribution of one parameter: what is believed before calibration.

    Attributes:
        kind: ``"uniform"`` (every value in the range equally plausible) or
            ``"loguniform"`` (every order of magnitude equally plausible; ``low > 0``).
        low: Smallest plausible value.
        high: Largest plausible value.
        source: Why this range: a study in shared/EVIDENCE.md, or "assumption".
    """

    kind: str
    low: float
    high: float
    source: str

    def __post_init__(self) -> None:
        if self.kind not in ("uniform", "loguniform"):
            raise ValueError(f"prior kind must be uniform or loguniform, got {self.kind!r}")
        if not self.low < self.high or (self.kind == "loguniform" and self.low <= 0):
            raise ValueError(f"prior range {self.low!r}-{self.high!r} is empty or not positive")

    def ppf(self, u: Any) -> Any:
        """Values at cumulative probabilities ``u`` in [0, 1] (the quantile function)."""
        import numpy as np

        u = np.asarray(u, dtype=float)
        if self.kind == "uniform":
            return self.low + u * (self.high - self.low)
        return np.exp(np.log(self.low) + u * (np.log(self.high) - np.log(self.low)))

    def cdf(self, x: Any) -> Any:
        """Cumulative probability of values ``x`` (inverse of ``ppf``)."""
        import numpy as np

        x = np.clip(np.asarray(x, dtype=float), self.low, self.high)
        if self.kind == "uniform":
            return (x - self.low) / (self.high - self.low)
        return (np.log(x) - np.log(self.low)) / (np.log(self.high) - np.log(self.low))

    def describe(self) -> str:
        """The prior in words, for tables: "uniform from 0.01 to 0.5"."""
        kind = "log-uniform" if self.kind == "loguniform" else self.kind
        return f"{kind} from {self.low:g} to {self.high:g}"


@dataclass(frozen=True)
class ParamSpec:
    """Declaration of one model parameter.

    Attributes:
        name: Python name of the parameter.
        default: Calibrated baseline value.
        low: Smallest allowed value (inclusive).
        high: Largest allowed value (inclusive).
        meaning: One line, in plain words, of what the parameter does.
        source: Where the default comes from: a study in shared/EVIDENCE.md or "assumption".
        group: Section of the model the parameter belongs to.
        unit: Unit of the value ("probability/day", "hours", ...).
        integer: Whether the value must be a whole number.
        plausible: Range the evidence supports, for sensitivity analysis; defaults to
            ``(low, high)``.
        prior: Prior distribution for calibration and uncertainty analysis; by default
            uniform over ``plausible`` with the parameter's own source. ``None`` for
            parameters that are not uncertain (scale conventions such as the latent
            trait mean and SD).
    """

    name: str
    default: float
    low: float
    high: float
    meaning: str
    source: str
    group: str
    unit: str = ""
    integer: bool = False
    plausible: tuple[float, float] | None = None
    prior: Prior | None = None

    def __post_init__(self) -> None:
        if self.prior is None and self.plausible is not None:
            object.__setattr__(self, "prior", Prior("uniform", *self.plausible, self.source))
        prior = self.prior
        if prior is not None and not self.low <= prior.low < prior.high <= self.high:
            raise ValueError(f"prior of {self.name!r} leaves its allowed range")

    @property
    def sweep_range(self) -> tuple[float, float]:
        """Range used by sensitivity analysis and evidence settings."""
        return self.plausible if self.plausible is not None else (self.low, self.high)

    def check(self, value: Any) -> float | int:
        """Return ``value`` as a number if it is allowed, else raise ``ValueError``."""
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            try:
                value = float(value)
            except (TypeError, ValueError):
                raise ValueError(
                    f"parameter {self.name!r} must be a number, got {value!r}"
                ) from None
        if not math.isfinite(value):
            raise ValueError(f"parameter {self.name!r} must be finite, got {value!r}")
        if not self.low <= value <= self.high:
            raise ValueError(
                f"parameter {self.name!r} = {value!r} is out of range "
                f"[{self.low:g}, {self.high:g}] ({self.meaning})"
            )
        if self.integer:
            if value != int(value):
                raise ValueError(f"parameter {self.name!r} must be a whole number, got {value!r}")
            return int(value)
        return float(value)


_P = ParamSpec

#: Every model parameter, in the order of MODEL.md's daily process.
REGISTRY: dict[str, ParamSpec] = {
    p.name: p
    for p in [
        # --- Population traits (latent scale: trait = logistic(z), z ~ Normal(mean, sd)) ---
        _P(
            "regulation_mean",
            0.0,
            -3.0,
            3.0,
            "mean latent emotional regulation (0 gives a median trait of 0.5)",
            "assumption (latent scale; training effects are shifts in SDs, Hodzic et al. 2018)",
            "traits",
            "latent units",
        ),
        _P(
            "regulation_sd",
            1.0,
            0.1,
            3.0,
            "spread of latent emotional regulation between employees",
            "assumption (unit SD, so Cohen's d is a shift in latent units)",
            "traits",
            "latent units",
        ),
        _P(
            "listening_mean",
            0.0,
            -3.0,
            3.0,
            "mean latent active listening (0 gives a median trait of 0.5)",
            "assumption (latent scale; Kubota, Mishima & Nagata 2004 measure it as a skill score)",
            "traits",
            "latent units",
        ),
        _P(
            "listening_sd",
            1.0,
            0.1,
            3.0,
            "spread of latent active listening between employees",
            "assumption (unit SD, so Cohen's d is a shift in latent units)",
            "traits",
            "latent units",
        ),
        # --- 1. Presence ---
        _P(
            "absence_base",
            0.02,
            0.0,
            0.5,
            "daily chance an unstrained employee is absent",
            "assumption (typical sickness absence of 2-3% of working days)",
            "presence",
            "probability/day",
            plausible=(0.01, 0.05),
        ),
        _P(
            "absence_strain",
            0.06,
            0.0,
            0.5,
            "extra daily absence chance at full strain",
            "CPP 2008 (25% saw sickness or absence follow conflict); size is an assumption",
            "presence",
            "probability/day",
            plausible=(0.0, 0.15),
        ),
        _P(
            "strain_scale",
            5.0,
            0.1,
            100.0,
            "days of accumulated strain at which strain is half its maximum effect",
            "assumption",
            "presence",
            "days",
            plausible=(2.0, 15.0),
        ),
        # --- 2. Triggers ---
        _P(
            "trigger",
            0.05,
            0.0,
            1.0,
            "daily chance a composed employee is upset from outside the team",
            "calibrated to CPP 2008 (2.8 conflict hours per week) and Porath & Pearson 2013",
            "triggers",
            "probability/day",
            plausible=(0.02, 0.08),
            prior=Prior(
                "loguniform",
                0.002,
                0.2,
                "assumption: wide, from once a year to once a week; calibration narrows it",
            ),
        ),
        _P(
            "customer_multiplier",
            2.0,
            1.0,
            10.0,
            "how many times more often customer-facing staff are upset from outside",
            "assumption: Liu et al. 2019 give a prevalence (61.9% of healthcare workers "
            "exposed to violence a year), not a ratio to staff without customers",
            "triggers",
            "ratio",
            plausible=(1.0, 4.0),
        ),
        _P(
            "regulation_shield",
            0.5,
            0.0,
            1.0,
            "how much emotional regulation protects against being upset or drawn in",
            "assumption (Valente et al. 2020: higher EI goes with integrating conflict styles)",
            "triggers",
            "share",
            plausible=(0.2, 0.8),
        ),
        # --- 4. Encounters ---
        _P(
            "transmission",
            0.25,
            0.0,
            1.0,
            "chance an upset colleague draws a composed one into conflict in an encounter",
            "Foulk, Woolum & Erez 2016 (rudeness is contagious); Fowler & Christakis 2008 "
            "saw no spread between coworkers, hence the wide range",
            "encounters",
            "probability/encounter",
            plausible=(0.05, 0.4),
            prior=Prior(
                "uniform",
                0.0,
                0.5,
                "Foulk, Woolum & Erez 2016 (contagious); Fowler & Christakis 2008 (none "
                "between coworkers): reaches zero",
            ),
        ),
        _P(
            "listening_shield",
            0.5,
            0.0,
            1.0,
            "how much the composed party's listening keeps an encounter from becoming conflict",
            "assumption: Kluger et al. 2023 give a correlation (perceived listening r=.51 "
            "with relationship quality), not an effect on conflict",
            "encounters",
            "share",
            plausible=(0.2, 0.8),
        ),
        _P(
            "listening_calm",
            0.2,
            0.0,
            1.0,
            "chance per unit of listening that a composed colleague calms an upset one",
            "Mineyama et al. 2007; Min, Jung & Ryu 2021 (listening soothes after a failure)",
            "encounters",
            "probability/encounter",
            plausible=(0.05, 0.4),
        ),
        _P(
            "clash",
            0.25,
            0.0,
            1.0,
            "chance two upset colleagues who meet have a conflict",
            "assumption (Andersson & Pearson 1999: tit-for-tat incivility spiral)",
            "encounters",
            "probability/encounter",
            plausible=(0.1, 0.5),
        ),
        # --- 5. Severity ---
        _P(
            "escalation",
            0.25,
            0.0,
            1.0,
            "chance a conflict escalates above minor when the calmer party has no regulation",
            "CPP 2008 (27% saw personal attacks); size is an assumption",
            "severity",
            "probability/conflict",
            plausible=(0.1, 0.4),
        ),
        _P(
            "critical_share",
            0.1,
            0.0,
            1.0,
            "share of escalated conflicts that become critical",
            "Liu et al. 2019 (24.4% physical vs 57.6% verbal abuse, healthcare); assumption "
            "for other sectors",
            "severity",
            "share",
            plausible=(0.05, 0.3),
        ),
        _P(
            "grievance_weight",
            0.3,
            0.0,
            5.0,
            "how much each remembered conflict between a pair raises the next one's chances",
            "Andersson & Pearson 1999 (incivility spiral; conceptual, no numbers)",
            "severity",
            "per conflict",
            plausible=(0.0, 1.0),
        ),
        _P(
            "grievance_decay",
            0.05,
            0.0,
            1.0,
            "share of a pair's grievance forgotten each day",
            "assumption: 0.05 a day is a half-life of 14 days, longer than the week over "
            "which Foulk, Woolum & Erez 2016 saw rudeness carry over",
            "severity",
            "share/day",
            plausible=(0.02, 0.2),
        ),
        # --- 5b. What training changes at work ---
        _P(
            "skill_transfer",
            0.5,
            0.0,
            2.0,
            "share of a programme's measured skill gain that shows in trainees' daily "
            "conduct (1: all of it)",
            "assumption: controlled studies find clear gains in skills and confidence but "
            "little or no change in incidents (Price et al. 2015; Khan et al. 2021; Baig et "
            "al. 2018); the evidence settings give it sceptical, central and enthusiastic "
            "priors (Spiegelhalter, Freedman & Parmar 1994), updated by those trials "
            "(conflictsim.virtual_trials)",
            "training",
            "share",
            plausible=(0.0, 1.5),
            prior=Prior("uniform", 0.0, 1.0, "central evidence: anything from none to all"),
        ),
        # --- 6. Responders ---
        _P(
            "responder_success",
            0.15,
            0.0,
            1.0,
            "chance a nearby de-escalation trainee defuses a conflict (at full skill)",
            "assumption: Compton et al. 2014 measured officers' own encounters (CIT officers "
            "twice as likely to stop at verbal engagement), not bystanders'; Taheri 2016 "
            "found no significant effect on outcomes; the evidence settings' priors are "
            "updated by the controlled trials (conflictsim.virtual_trials)",
            "responders",
            "probability/conflict",
            plausible=(0.0, 0.4),
            prior=Prior(
                "uniform", 0.0, 0.3, "central evidence: from no effect (Taheri 2016) to 0.3"
            ),
        ),
        # --- 7. Recovery ---
        _P(
            "recovery",
            0.35,
            0.0,
            1.0,
            "daily chance an upset employee with no regulation becomes composed",
            "Foulk, Woolum & Erez 2016 (effects of rudeness lasted up to a week); assumption",
            "recovery",
            "probability/day",
            plausible=(0.15, 0.6),
            prior=Prior(
                "uniform",
                0.1,
                0.6,
                "Foulk, Woolum & Erez 2016 (effects lasted up to a week); assumption",
            ),
        ),
        _P(
            "regulation_recovery",
            0.5,
            0.0,
            3.0,
            "how much regulation speeds recovery (1 doubles it at full regulation)",
            "Hodzic et al. 2018; Mattingly & Kraiger 2019 (EI training helps); size assumed",
            "recovery",
            "ratio",
            plausible=(0.0, 1.0),
        ),
        # --- 8. Strain and turnover ---
        _P(
            "strain_decay",
            0.1,
            0.0,
            1.0,
            "share of accumulated strain that fades each day an employee is composed",
            "assumption",
            "turnover",
            "share/day",
            plausible=(0.03, 0.3),
        ),
        _P(
            "quit_base",
            0.0003,
            0.0,
            0.05,
            "daily chance an unstrained employee quits (0.0003 is about 7% a year)",
            "assumption (voluntary turnover of 10-15% a year once strain is added)",
            "turnover",
            "probability/day",
            plausible=(0.0002, 0.001),
        ),
        _P(
            "quit_strain",
            0.0008,
            0.0,
            0.1,
            "extra daily quit chance at full strain",
            "Porath & Pearson 2013 (12% of targets of incivility quit)",
            "turnover",
            "probability/day",
            plausible=(0.0, 0.003),
        ),
        _P(
            "vacancy_days",
            30,
            0,
            500,
            "working days a post stays empty after someone quits",
            "assumption (about six weeks to hire)",
            "turnover",
            "days",
            integer=True,
            plausible=(10, 60),
        ),
        # --- Outcomes: hours and money ---
        _P(
            "hours_minor",
            1.7,
            0.0,
            200.0,
            "work hours lost per party to a minor conflict",
            "calibrated to CPP 2008 (2.8 h per employee per week, US)",
            "costs",
            "hours",
            plausible=(1.0, 4.0),
            prior=Prior(
                "uniform",
                0.5,
                4.0,
                "assumption (CPP 2008 gives the hours per week, not per conflict)",
            ),
        ),
        _P(
            "hours_major",
            8.0,
            0.0,
            200.0,
            "work hours lost per party to a major conflict",
            "calibrated to CPP 2008",
            "costs",
            "hours",
            plausible=(4.0, 16.0),
        ),
        _P(
            "hours_critical",
            24.0,
            0.0,
            500.0,
            "work hours lost per party to a critical conflict (including sick leave)",
            "calibrated to CPP 2008; assumption",
            "costs",
            "hours",
            plausible=(12.0, 48.0),
        ),
        # --- Reporting: the share of conflicts that reach an incident record ---
        _P(
            "report_minor",
            0.1,
            0.0,
            1.0,
            "share of minor conflicts that reach an incident record",
            "EEOC 2016 (about 3 in 4 never tell a supervisor; 6-13% file a formal complaint)",
            "reporting",
            "probability",
            plausible=(0.02, 0.3),
        ),
        _P(
            "report_major",
            0.25,
            0.0,
            1.0,
            "share of major conflicts that reach an incident record",
            "EEOC 2016; Arnetz et al. 2015 (most incidents never reach the reporting system)",
            "reporting",
            "probability",
            plausible=(0.05, 0.6),
        ),
        _P(
            "report_critical",
            0.5,
            0.0,
            1.0,
            "share of critical conflicts that reach an incident record",
            "Arnetz et al. 2015 (most never reach the formal system); assumption",
            "reporting",
            "probability",
            plausible=(0.2, 0.9),
        ),
        _P(
            "wage",
            35.0,
            0.0,
            1000.0,
            "cost of one hour of work, wages plus overheads",
            "assumption (CPP 2008 valued US conflict time at about $17.95 an hour in wages alone)",
            "costs",
            "currency/hour",
            plausible=(20.0, 60.0),
        ),
        _P(
            "replacement_cost",
            15000.0,
            0.0,
            500000.0,
            "cost of replacing one employee who quits",
            "assumption (commonly cited at a fifth to a half of a year's pay)",
            "costs",
            "currency",
            plausible=(5000.0, 40000.0),
        ),
    ]
}

#: Parameters that the SIS limit of MODEL.md switches off.
_SIS_OFF = (
    "trigger",
    "listening_shield",
    "regulation_shield",
    "listening_calm",
    "regulation_recovery",
    "grievance_weight",
    "absence_base",
    "absence_strain",
    "quit_base",
    "quit_strain",
)


class Params(Mapping[str, float]):
    """Validated model parameters.

    Every parameter has a default (the calibrated baseline); keyword arguments override
    them. Unknown names and out-of-range values raise ``ValueError`` naming the parameter.
    See ``REGISTRY`` for each parameter's meaning, range and source.

    Params is immutable and behaves as a mapping: ``params["transmission"]``,
    ``params.transmission``, ``dict(params)``.

    Example:
        >>> Params(transmission=0.1).transmission
        0.1
    """

    __slots__ = ("_values", "contact_certain")

    def __init__(self, _contact_certain: bool = False, **values: Any) -> None:
        defaults = {name: spec.default for name, spec in REGISTRY.items()}
        object.__setattr__(self, "_values", {**defaults, **_checked(values)})
        # In the SIS limit every tie is met every day, whatever the organisation says.
        object.__setattr__(self, "contact_certain", bool(_contact_certain))

    @classmethod
    def sis(cls, transmission: float = 0.1, recovery: float = 0.2, **values: Any) -> Params:
        """The SIS limit of MODEL.md: every mechanism but transmission and recovery off.

        Triggers, listening and regulation effects, grievance, absence and turnover are
        switched off and every contact happens every day, so the upset count follows
        discrete-time SIS on the contact graph (Kermack-McKendrick SIS in discrete time).

        Args:
            transmission: Chance an upset neighbour upsets a composed employee in a day.
            recovery: Daily chance an upset employee recovers.
            **values: Other parameters to set (for example severity or costs).
        """
        off = {name: 0 for name in _SIS_OFF}
        clash = set(off) & set(values)
        if clash:
            raise ValueError(f"parameter {sorted(clash)[0]!r} is fixed at 0 in the SIS limit")
        return cls(
            _contact_certain=True, transmission=transmission, recovery=recovery, **off, **values
        )

    def __reduce__(self):
        # Rebuild through the constructor (validated) when unpickled in a worker process.
        return (_rebuild, (self._values, self.contact_certain))

    def replace(self, **values: Any) -> Params:
        """Return a copy with some parameters changed (validated like the constructor)."""
        # Only the changed values are checked: this runs once per calibration candidate.
        copy = object.__new__(Params)
        object.__setattr__(copy, "_values", {**self._values, **_checked(values)})
        object.__setattr__(copy, "contact_certain", self.contact_certain)
        return copy

    def __getattr__(self, name: str) -> float:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"Params has no parameter {name!r}") from None

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("Params is immutable; use params.replace(...)")

    def __getitem__(self, name: str) -> float:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Params):
            return NotImplemented
        return self._values == other._values and self.contact_certain == other.contact_certain

    def __hash__(self) -> int:
        return hash((tuple(self._values.items()), self.contact_certain))

    def __repr__(self) -> str:
        changed = {k: v for k, v in self._values.items() if v != REGISTRY[k].default}
        inner = ", ".join(f"{k}={v!r}" for k, v in changed.items())
        return f"Params({'SIS limit; ' if self.contact_certain else ''}{inner})"

    def to_dict(self) -> dict[str, float]:
        """Plain dict of every parameter value."""
        return dict(self._values)


def _checked(values: dict[str, Any]) -> dict[str, float | int]:
    """The given values, each checked against its registry entry; unknown names refused."""
    unknown = sorted(set(values) - set(REGISTRY))
    if unknown:
        raise ValueError(
            f"unknown parameter {unknown[0]!r}"
            + (f" (and {len(unknown) - 1} more)" if len(unknown) > 1 else "")
            + f"; known parameters are: {', '.join(REGISTRY)}"
        )
    return {name: REGISTRY[name].check(value) for name, value in values.items()}


def _rebuild(values: dict[str, float], contact_certain: bool) -> Params:
    return Params(_contact_certain=contact_certain, **values)


def registry_frame():
    """The registry as a pandas DataFrame (one row per parameter), for docs and dashboards."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "parameter": s.name,
                "group": s.group,
                "default": s.default,
                "low": s.low,
                "high": s.high,
                "plausible_low": s.sweep_range[0],
                "plausible_high": s.sweep_range[1],
                "prior": "" if s.prior is None else s.prior.describe(),
                "prior_source": "" if s.prior is None else s.prior.source,
                "unit": s.unit,
                "meaning": s.meaning,
                "source": s.source,
            }
            for s in REGISTRY.values()
        ]
    )


def markdown_table() -> str:
    """The registry as a Markdown table, for docs/ODD.md."""
    lines = [
        "| parameter | default | range | plausible | prior | unit | meaning | source |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in REGISTRY.values():
        lo, hi = s.sweep_range
        prior = "fixed (a scale convention)" if s.prior is None else s.prior.describe()
        if s.prior is not None and s.prior.source != s.source:
            prior += f" ({s.prior.source})"
        lines.append(
            f"| `{s.name}` | {s.default:g} | {s.low:g}-{s.high:g} | {lo:g}-{hi:g} | {prior} "
            f"| {s.unit} | {s.meaning} | {s.source} |"
        )
    return "\n".join(lines)
