"""What-if planning for HR planners: options, evidence settings, links and plain results.

The dashboard (``dashboard/``) only draws. Everything it shows is decided here, so that
it can be tested without a browser and reused by scripts:

- ``Option`` and ``Plan``: a planner's question in their words (a programme, who gets it,
  how many or what budget, when, refreshers; an organisation, a horizon, an evidence
  setting), turned into ``Scenario`` arms for ``conflictsim.compare``.
- Evidence settings (``EVIDENCE``): cautious, central and optimistic values of the
  parameters and programme effects that decide how well training works (``LEVERS``).
- ``Plan.to_query`` / ``Plan.from_query``: the scenario as a page address, so that a link
  reproduces it.
- ``evaluate``: one comparison turned into the tables the dashboard draws (headline
  figures with intervals and a plain sentence each, weekly trajectories, severity, the
  ripple to untrained colleagues) and ``summary_html``, the one-page summary.
- ``spread``: one simulated period, day by day and person by person, for the network view.

See docs/dashboard.md for what each figure means and how the evidence settings are chosen.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.organisation import PRESETS, Organisation
from conflictsim.params import REGISTRY, Params
from conflictsim.scenario import DAYS_PER_YEAR, Scenario
from conflictsim.training import HALF_LIFE_DAYS, KINDS, TARGETS, Training

# ---------------------------------------------------------------------------- vocabulary
#: Working days in a month (a year is 250 working days).
MONTH_DAYS = DAYS_PER_YEAR / 12
#: Working days in a week.
WEEK_DAYS = 5

#: Organisation name of an uploaded org chart (it is not part of a link's data).
UPLOADED = "uploaded"
#: Organisation choices in words.
ORG_LABELS = {
    "office": "Office",
    "call_centre": "Call centre",
    "hospital_ward": "Hospital wards",
    "school": "School",
    UPLOADED: "Your organisation (uploaded)",
}
#: Horizons offered, in working days, with their names.
HORIZONS = {125: "6 months", 250: "1 year", 500: "2 years", 750: "3 years"}
#: Programmes in words.
PROGRAMME_LABELS = {
    "deescalation": "De-escalation",
    "active_listening": "Active listening",
    "emotional_regulation": "Emotional regulation",
}
#: Who is trained, in words.
TARGET_LABELS = {
    "random": "Anyone (drawn at random)",
    "managers": "Managers",
    "customer_facing": "Customer-facing staff",
    "central": "The best-connected people",
    "hotspots": "Teams with the most conflict",
    "whole_teams": "Whole teams (at random)",
}
#: The group a coverage share is a share of, per target.
TARGET_GROUP = {
    "random": "everyone",
    "managers": "managers",
    "customer_facing": "customer-facing staff",
    "central": "everyone",
    "hotspots": "everyone",
    "whole_teams": "everyone",
}
#: How many are trained, in words.
AMOUNT_LABELS = {
    "coverage": "A share of the group",
    "headcount": "A number of people",
    "budget": "A budget",
}
#: Default value of each way of saying how many.
AMOUNT_DEFAULTS = {"coverage": 0.5, "headcount": 10.0, "budget": 20000.0}
#: When training starts, in months from now.
START_MONTHS = (0, 1, 3, 6)
#: Refresher intervals offered, in months (0: none).
REFRESHER_MONTHS = (0, 6, 12)
#: Days of conflict from which hotspot teams are found when training starts "now".
HOTSPOT_LEAD_IN_DAYS = 20

#: Most options compared at once (besides no training).
MAX_OPTIONS = 4
#: Letters naming the options.
LETTERS = "ABCD"
#: Name of the reference arm.
BASELINE = "No training"

#: Organisation size limits for presets (the upload has its own size).
SIZE_RANGE = (20, 5000)
#: Horizon limits in working days.
DAYS_RANGE = (10, 1250)
#: Replicate limits (compare needs two).
REPLICATES_RANGE = (2, 2000)

#: Defaults of a new plan: small enough to answer within about a second.
DEFAULT_SIZE = 200
DEFAULT_DAYS = 250
DEFAULT_REPLICATES = 40
DEFAULT_SEED = 1

# ---------------------------------------------------------------------------- evidence
#: Evidence settings, from least to most favourable to training.
EVIDENCE = ("cautious", "central", "optimistic")
EVIDENCE_LABELS = {
    "cautious": "Cautious",
    "central": "Central",
    "optimistic": "Optimistic",
}


@dataclass(frozen=True)
class Lever:
    """A parameter that decides how well training works, and which way favours it.

    Attributes:
        name: Parameter name (in ``REGISTRY``).
        direction: +1 if a higher value makes training more effective, -1 if lower.
        why: Why that direction, in plain words.
    """

    name: str
    direction: int
    why: str


#: Parameters moved by the evidence settings. Cautious takes each to the end of its
#: plausible range that makes training look less effective, optimistic to the other end.
#: Parameters that set the size of the problem (how often people are upset, how contagious
#: it is, hours and costs) stay at their calibrated values in every setting: they are
#: calibrated to CPP 2008 and moving them would change the baseline, not the training.
LEVERS: tuple[Lever, ...] = (
    Lever(
        "responder_success",
        +1,
        "how often a de-escalation trainee defuses a conflict nearby; the evidence runs "
        "from no effect (Taheri 2016) to clear gains (Compton et al. 2014)",
    ),
    Lever(
        "listening_shield",
        +1,
        "how much listening keeps an encounter from turning into conflict; the more it "
        "matters, the more listening training is worth",
    ),
    Lever(
        "listening_calm",
        +1,
        "how often a listener calms an upset colleague; the more it matters, the more "
        "listening training is worth",
    ),
    Lever(
        "regulation_shield",
        +1,
        "how much emotional regulation protects against being upset or drawn in; the more "
        "it matters, the more regulation training is worth",
    ),
    Lever(
        "regulation_recovery",
        +1,
        "how much emotional regulation speeds recovery; the more it matters, the more "
        "regulation training is worth",
    ),
)

#: Multiplier of every programme's skill shifts (Cohen's d). Cautious halves them: training
#: moves confidence more than behaviour and incident rates barely (Price et al. 2015;
#: Khan et al. 2021). Optimistic takes them 1.5 times the defaults, near the gains in
#: confidence and pre-post skill (d about 0.6-0.9; Baig et al. 2018; Mattingly & Kraiger
#: 2019).
EFFECT_SCALE = {"cautious": 0.5, "central": 1.0, "optimistic": 1.5}
#: Half-life of a training effect in working days: about 6.5, 9 and 13 months (Tatel &
#: Ackerman 2025 find half the gain gone after 6.5-13 months).
HALF_LIFE = {"cautious": 135.0, "central": HALF_LIFE_DAYS, "optimistic": 270.0}


def _check_evidence(setting: str) -> None:
    if setting not in EVIDENCE:
        raise ValueError(
            f"unknown evidence setting {setting!r}; choose one of {', '.join(EVIDENCE)}"
        )


def evidence_params(setting: str) -> dict[str, float]:
    """Parameter values of an evidence setting (only the ``LEVERS`` differ from defaults).

    Args:
        setting: ``cautious``, ``central`` or ``optimistic``.

    Returns:
        Parameter name to value, for every lever.
    """
    _check_evidence(setting)
    out = {}
    for lever in LEVERS:
        spec = REGISTRY[lever.name]
        lo, hi = spec.sweep_range
        if setting == "central":
            out[lever.name] = spec.default
        else:
            favourable = setting == "optimistic"
            out[lever.name] = hi if (lever.direction > 0) == favourable else lo
    return out


def evidence_table() -> pd.DataFrame:
    """What each evidence setting changes: one row per lever, with the reason."""
    rows = [
        {
            "what": lever.name,
            "meaning": REGISTRY[lever.name].meaning,
            **{s: evidence_params(s)[lever.name] for s in EVIDENCE},
            "why it matters": lever.why,
        }
        for lever in LEVERS
    ]
    rows.append(
        {
            "what": "programme skill shifts",
            "meaning": "how far training moves trainees' listening and regulation "
            "(times the defaults of each programme)",
            **{s: EFFECT_SCALE[s] for s in EVIDENCE},
            "why it matters": "training moves confidence more than behaviour (Price et al. "
            "2015); the optimistic end is near published skill gains (Mattingly & Kraiger "
            "2019; Baig et al. 2018)",
        }
    )
    rows.append(
        {
            "what": "half-life of training (working days)",
            "meaning": "working days after which half of a training effect is left",
            **{s: HALF_LIFE[s] for s in EVIDENCE},
            "why it matters": "skills fade: half the gain is gone after 6.5-13 months "
            "(Tatel & Ackerman 2025)",
        }
    )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------- options
def _num_text(x: float) -> str:
    return f"{x:g}"


@dataclass(frozen=True)
class Option:
    """One training option a planner wants to compare with no training.

    Args:
        programme: ``deescalation``, ``active_listening`` or ``emotional_regulation``.
        target: Who is trained: one of ``conflictsim.training.TARGETS``.
        amount: How many: ``coverage`` (a share of the group), ``headcount`` or ``budget``.
        value: The share (0-1], the number of people or the budget.
        start_month: Months from now when training starts (0: now).
        refresher_months: Months between refreshers, or 0 for none.
    """

    programme: str = "deescalation"
    target: str = "managers"
    amount: str = "coverage"
    value: float = AMOUNT_DEFAULTS["coverage"]
    start_month: int = 0
    refresher_months: int = 0

    def __post_init__(self) -> None:
        if self.programme not in KINDS:
            raise ValueError(
                f"unknown programme {self.programme!r}; choose one of {', '.join(KINDS)}"
            )
        if self.target not in TARGETS:
            raise ValueError(f"unknown target {self.target!r}; choose one of {', '.join(TARGETS)}")
        if self.amount not in AMOUNT_LABELS:
            raise ValueError(
                f"unknown amount {self.amount!r}; choose one of {', '.join(AMOUNT_LABELS)}"
            )
        value = float(self.value)
        if not math.isfinite(value):
            raise ValueError(f"the {self.amount} must be a number, got {self.value!r}")
        if self.amount == "coverage" and not 0 < value <= 1:
            raise ValueError(f"the share to train must be above 0% and at most 100%, got {value:g}")
        if self.amount == "headcount" and (value < 0 or value != int(value)):
            raise ValueError(f"the number of people must be a whole number, got {value:g}")
        if self.amount == "budget" and value < 0:
            raise ValueError(f"the budget must be at least 0, got {value:g}")
        object.__setattr__(self, "value", value)
        for name in ("start_month", "refresher_months"):
            v = getattr(self, name)
            if isinstance(v, bool) or not float(v).is_integer() or v < 0:
                raise ValueError(f"{name} must be a whole number of months, got {v!r}")
            object.__setattr__(self, name, int(v))

    # ----------------------------------------------------------------- schedule
    @property
    def start_day(self) -> int:
        """First day of training (hotspots need a lead-in to find the hot teams)."""
        day = int(round(self.start_month * MONTH_DAYS))
        if self.target == "hotspots":
            day = max(day, HOTSPOT_LEAD_IN_DAYS)
        return day

    @property
    def refresher_days(self) -> int | None:
        """Working days between refreshers, or None."""
        return int(round(self.refresher_months * MONTH_DAYS)) or None

    def training(self, evidence: str = "central") -> Training:
        """The ``Training`` of this option under an evidence setting."""
        _check_evidence(evidence)
        kind = KINDS[self.programme]
        scale = EFFECT_SCALE[evidence]
        how: dict[str, Any] = {
            "coverage": {"coverage": self.value},
            "headcount": {"headcount": int(self.value)},
            "budget": {"budget": self.value},
        }[self.amount]
        return Training(
            self.programme,
            target=self.target,
            start_day=self.start_day,
            refresher_days=self.refresher_days,
            half_life_days=HALF_LIFE[evidence],
            listening_d=kind.listening_d * scale,
            regulation_d=kind.regulation_d * scale,
            lead_in_days=HOTSPOT_LEAD_IN_DAYS,
            **how,
        )

    # ----------------------------------------------------------------- words
    def amount_text(self) -> str:
        """How many, in words: ``50%``, ``12 people`` or ``budget 20,000``."""
        if self.amount == "coverage":
            return f"{_num_text(round(self.value * 100, 1))}%"
        if self.amount == "headcount":
            return f"{int(self.value)} people"
        return f"budget {fmt_number(self.value, exact=True)}"

    def short(self) -> str:
        """A short label: ``De-escalation · managers · 50%``."""
        target = TARGET_LABELS[self.target].split(" (")[0].lower()
        return f"{PROGRAMME_LABELS[self.programme]} · {target} · {self.amount_text()}"

    def when_text(self) -> str:
        """When training starts and whether it is refreshed, in words."""
        start = (
            "starting now"
            if self.start_month == 0
            else f"starting after {self.start_month} month{'s' * (self.start_month != 1)}"
        )
        if self.target == "hotspots" and self.start_month == 0:
            start = f"starting after {HOTSPOT_LEAD_IN_DAYS} working days (to find the hot teams)"
        refresh = (
            "no refreshers"
            if not self.refresher_months
            else f"a refresher every {self.refresher_months} months"
        )
        return f"{start}, {refresh}"

    def to_text(self) -> str:
        """The option as it appears in a link: ``deescalation.managers.c50.m0.r0``."""
        code = {"coverage": "c", "headcount": "n", "budget": "b"}[self.amount]
        amount = self.value * 100 if self.amount == "coverage" else self.value
        return (
            f"{self.programme}.{self.target}.{code}{_num_text(round(amount, 6))}"
            f".m{self.start_month}.r{self.refresher_months}"
        )

    @classmethod
    def from_text(cls, text: str) -> Option:
        """Read an option written by ``to_text``; ``ValueError`` says what is wrong."""
        parts = str(text).strip().split(".")
        # A number with a decimal point splits in two; join it back.
        if len(parts) == 6 and parts[3].isdigit():
            parts = [parts[0], parts[1], f"{parts[2]}.{parts[3]}", parts[4], parts[5]]
        if len(parts) != 5:
            raise ValueError(
                f"option {text!r} should read programme.target.amount.start.refreshers, "
                "e.g. deescalation.managers.c50.m0.r0"
            )
        programme, target, amount, start, refresh = parts
        codes = {"c": "coverage", "n": "headcount", "b": "budget"}
        if not amount or amount[0] not in codes:
            raise ValueError(f"option {text!r}: the amount should start with c, n or b")
        try:
            value = float(amount[1:])
        except ValueError:
            raise ValueError(f"option {text!r}: {amount[1:]!r} is not a number") from None
        kind = codes[amount[0]]
        if kind == "coverage":
            value /= 100
        if not (start.startswith("m") and start[1:].isdigit()):
            raise ValueError(f"option {text!r}: the start should read m0, m3, ...")
        if not (refresh.startswith("r") and refresh[1:].isdigit()):
            raise ValueError(f"option {text!r}: refreshers should read r0, r6, r12, ...")
        return cls(programme, target, kind, value, int(start[1:]), int(refresh[1:]))


#: A first question: train half of the managers in de-escalation, or in active listening?
DEFAULT_OPTIONS = (
    Option("deescalation", "managers", "coverage", 0.5),
    Option("active_listening", "managers", "coverage", 0.5),
)


# ---------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class Plan:
    """A planner's question: an organisation, a horizon, options and assumptions.

    Args:
        org: A preset name (``office``, ``call_centre``, ``hospital_ward``, ``school``) or
            ``"uploaded"`` for the organisation uploaded in this session.
        size: Employees, for a preset.
        days: Working days simulated (250 is a year).
        options: Up to four options, each compared with no training.
        evidence: ``cautious``, ``central`` or ``optimistic`` (see ``LEVERS``).
        overrides: Parameters the planner changed, as (name, value) pairs; they win over
            the evidence setting.
        replicates: Simulated years per option (more: narrower intervals, slower).
        seed: Seed of the whole comparison (and of the generated organisation).
    """

    org: str = "office"
    size: int = DEFAULT_SIZE
    days: int = DEFAULT_DAYS
    options: tuple[Option, ...] = DEFAULT_OPTIONS
    evidence: str = "central"
    overrides: tuple[tuple[str, float], ...] = ()
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    _params: Params = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.org not in PRESETS and self.org != UPLOADED:
            raise ValueError(
                f"unknown organisation {self.org!r}; choose one of "
                f"{', '.join([*PRESETS, UPLOADED])}"
            )
        for name, (lo, hi) in (
            ("size", SIZE_RANGE),
            ("days", DAYS_RANGE),
            ("replicates", REPLICATES_RANGE),
            ("seed", (0, 2**31 - 1)),
        ):
            v = getattr(self, name)
            if isinstance(v, bool) or not float(v).is_integer() or not lo <= v <= hi:
                raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {v!r}")
            object.__setattr__(self, name, int(v))
        options = tuple(self.options)
        if not 1 <= len(options) <= MAX_OPTIONS:
            raise ValueError(f"compare 1 to {MAX_OPTIONS} options, got {len(options)}")
        if not all(isinstance(o, Option) for o in options):
            raise ValueError("options must be Option objects")
        object.__setattr__(self, "options", options)
        for letter, o in zip(LETTERS, options, strict=False):
            if o.start_day >= self.days:
                raise ValueError(
                    f"option {letter} starts after the end of the {horizon_text(self.days)} "
                    "simulated; start it earlier or simulate longer"
                )
        _check_evidence(self.evidence)
        overrides = tuple(sorted((str(k), float(v)) for k, v in dict(self.overrides).items()))
        object.__setattr__(self, "overrides", overrides)
        params = Params(**{**evidence_params(self.evidence), **dict(overrides)})
        object.__setattr__(self, "_params", params)

    def __reduce__(self):
        # Pickle the plain fields only (the cache of results pickles plans); the
        # parameters are rebuilt, and validated again, from them.
        return (
            type(self),
            (
                self.org,
                self.size,
                self.days,
                self.options,
                self.evidence,
                self.overrides,
                self.replicates,
                self.seed,
            ),
        )

    # ----------------------------------------------------------------- building
    @property
    def params(self) -> Params:
        """Model parameters: the evidence setting, then the planner's changes."""
        return self._params

    def with_(self, **changes: Any) -> Plan:
        """A copy with some fields changed (validated)."""
        return replace(self, **changes)

    def with_option(self, index: int, **changes: Any) -> Plan:
        """A copy with option ``index`` changed."""
        options = list(self.options)
        options[index] = replace(options[index], **changes)
        return self.with_(options=tuple(options))

    def with_override(self, name: str, value: float | None) -> Plan:
        """A copy with one parameter set (``None`` returns it to the evidence setting)."""
        overrides = dict(self.overrides)
        if name not in REGISTRY:
            raise ValueError(f"unknown parameter {name!r}")
        # A value equal to the evidence setting's is no change: keep links short.
        setting = {**{n: s.default for n, s in REGISTRY.items()}, **evidence_params(self.evidence)}
        if value is None or float(value) == setting[name]:
            overrides.pop(name, None)
        else:
            overrides[name] = value
        return self.with_(overrides=tuple(overrides.items()))

    def arm_names(self) -> list[str]:
        """Names of the arms: ``No training`` and ``A. De-escalation · managers · 50%``..."""
        return [BASELINE] + [
            f"{L}. {o.short()}" for L, o in zip(LETTERS, self.options, strict=False)
        ]

    def arms(self, org: Organisation) -> dict[str, Scenario]:
        """The scenarios to compare: no training first, then each option.

        Raises:
            ValueError: If an option does not fit the organisation (for example more
                people than the group has); the message names the option.
        """
        base = Scenario(org=org, params=self.params, days=self.days)
        arms = {BASELINE: base}
        for letter, name, option in zip(LETTERS, self.arm_names()[1:], self.options, strict=False):
            try:
                arms[name] = base.with_(programmes=[option.training(self.evidence)])
            except ValueError as exc:
                raise ValueError(f"option {letter}: {exc}") from None
        return arms

    # ----------------------------------------------------------------- links
    def to_query(self) -> dict[str, str]:
        """The plan as page-address parameters (plain text; a link reproduces the plan)."""
        q = {"org": self.org}
        if self.org != UPLOADED:
            q["size"] = str(self.size)
        q["days"] = str(self.days)
        q["ev"] = self.evidence
        for i, o in enumerate(self.options, start=1):
            q[f"o{i}"] = o.to_text()
        for name, value in self.overrides:
            q[f"p.{name}"] = _num_text(value)
        if self.replicates != DEFAULT_REPLICATES:
            q["reps"] = str(self.replicates)
        if self.seed != DEFAULT_SEED:
            q["seed"] = str(self.seed)
        return q

    def key(self) -> str:
        """A canonical text of the plan (a query string), for caching results."""
        from urllib.parse import urlencode

        return urlencode(sorted(self.to_query().items()))

    @classmethod
    def from_key(cls, key: str) -> Plan:
        """The plan of a ``key()``; ``ValueError`` if any part cannot be read."""
        from urllib.parse import parse_qsl

        plan, problems = cls.from_query(dict(parse_qsl(key, keep_blank_values=True)))
        if problems:
            raise ValueError("; ".join(problems))
        return plan

    def arm_keys(self) -> list[str]:
        """A canonical text of each arm (no training first), for caching arms one by one.

        Two plans share an arm's key exactly when they simulate that arm the same way
        (organisation, period, assumptions, replicates, seed and, for an option, the
        option itself), whatever the other options are.
        """
        from urllib.parse import urlencode

        shared = {k: v for k, v in self.to_query().items() if not re.fullmatch(r"o\d", k)}
        shared.setdefault("reps", str(self.replicates))
        shared.setdefault("seed", str(self.seed))
        base = urlencode(sorted(shared.items()))
        return [base] + [f"{base}&arm={o.to_text()}" for o in self.options]

    def link(self, base_url: str) -> str:
        """The page address that reproduces this plan, from the app's address."""
        return f"{base_url.split('?')[0]}?{self.key()}"

    @classmethod
    def from_query(cls, query: Mapping[str, Any]) -> tuple[Plan, list[str]]:
        """Read a plan from page-address parameters.

        A part that cannot be read is left at its default and reported, so a damaged link
        still opens.

        Args:
            query: Parameter name to value (a list takes its last value).

        Returns:
            The plan and a list of problems in plain words (empty if all was read).
        """

        def get(key: str) -> str | None:
            v = query.get(key)
            if isinstance(v, (list, tuple)):
                v = v[-1] if v else None
            return None if v is None else str(v)

        problems: list[str] = []
        plan = cls()

        def attempt(label: str, fn) -> None:
            nonlocal plan
            try:
                plan = fn(plan)
            except (ValueError, TypeError) as exc:
                problems.append(f"{label}: {exc}")

        if (org := get("org")) is not None:
            attempt("organisation", lambda p: p.with_(org=org))
        for key in ("size", "days", "reps", "seed"):
            if (text := get(key)) is not None:
                name = {"reps": "replicates"}.get(key, key)
                attempt(key, lambda p, n=name, t=text: p.with_(**{n: _int_text(t, n)}))
        if (ev := get("ev")) is not None:
            attempt("evidence setting", lambda p: p.with_(evidence=ev))
        options = []
        for i in range(1, MAX_OPTIONS + 1):
            if (text := get(f"o{i}")) is None:
                continue
            try:
                options.append(Option.from_text(text))
            except ValueError as exc:
                problems.append(f"option {i}: {exc}")
        if options:
            attempt("options", lambda p: p.with_(options=tuple(options)))
        for key in sorted(query):
            if key.startswith("p."):
                name = key[2:]
                attempt(
                    f"parameter {name}",
                    lambda p, n=name, k=key: p.with_override(n, _float_text(get(k), n)),
                )
        return plan, problems

    # ----------------------------------------------------------------- words
    def describe(self, org: Organisation | None = None) -> str:
        """The plan in one sentence: organisation, size, horizon, evidence, replicates."""
        if self.org == UPLOADED:
            who = f"your organisation ({org.size:,} employees)" if org else "your organisation"
        else:
            who = f"{with_article(ORG_LABELS[self.org].lower())} of {self.size:,} employees"
        changed = f", {len(self.overrides)} assumption(s) changed" if self.overrides else ""
        return (
            f"{who[0].upper()}{who[1:]}, over {horizon_text(self.days)}, "
            f"{self.evidence} evidence{changed}; {self.replicates} simulated "
            f"{period_noun(self.days)} per option."
        )


def _int_text(text: str, name: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {text!r}") from None
    if not value.is_integer():
        raise ValueError(f"{name} must be a whole number, got {text!r}")
    return int(value)


def _float_text(text: str | None, name: str) -> float:
    try:
        return float(text)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number, got {text!r}") from None


def option_preview(plan: Plan, org: Organisation, index: int) -> str:
    """Who an option trains and what it is planned to cost, before simulating.

    Raises:
        ValueError: If the option does not fit the organisation.
    """
    option = plan.options[index]
    prog = option.training(plan.evidence)
    scn = Scenario(org=org, params=plan.params, days=plan.days)
    try:
        prog.check_against(scn)
    except ValueError as exc:
        raise ValueError(f"option {LETTERS[index]}: {exc}") from None
    from conflictsim.training import eligible

    group = eligible(prog, org).size
    n = prog.planned_headcount(org, plan.params, plan.days)
    cost = prog.planned_cost(org, plan.params, plan.days)
    return (
        f"Trains {n:,} of {group:,} {TARGET_GROUP[option.target]}; planned cost "
        f"{fmt_number(cost, exact=True)} ({fmt_number(prog.session_cost(plan.params), exact=True)}"
        " a session: fee plus working hours)."
    )


def horizon_text(days: int) -> str:
    """A horizon in words: ``1 year``, ``6 months`` or ``60 working days``."""
    if days in HORIZONS:
        return HORIZONS[days]
    return f"{days} working days"


def period_noun(days: int, plural: bool = True) -> str:
    """What one simulated period is called: ``years``, ``six-month periods``, ``periods``."""
    noun = {
        125: "six-month period",
        250: "year",
        500: "two-year period",
        750: "three-year period",
    }.get(days, "period")
    return noun + "s" * plural


def with_article(noun: str) -> str:
    """``an office``, ``a school``."""
    return f"{'an' if noun[:1].lower() in 'aeiou' else 'a'} {noun}"


def build_org(plan: Plan, uploaded: Organisation | None = None) -> Organisation:
    """The organisation of a plan: a generated preset, or the uploaded one.

    Raises:
        ValueError: If the plan asks for the uploaded organisation and there is none.
    """
    if plan.org == UPLOADED:
        if uploaded is None:
            raise ValueError(
                "this scenario uses an uploaded organisation, which stays in the browser "
                "session that uploaded it: upload the org chart on 'Your organisation'"
            )
        return uploaded
    return Organisation.generate(size=plan.size, preset=plan.org, seed=plan.seed)


# ---------------------------------------------------------------------------- numbers
def fmt_number(x: float, exact: bool = False) -> str:
    """A number for planners: two significant figures from 100 up, whole below.

    Simulated figures are uncertain, so more digits would suggest a precision they do not
    have. ``exact`` keeps every whole unit (for budgets the planner typed).
    """
    if x is None or not math.isfinite(x):
        return "n/a"
    if exact:
        return f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 100 else f"{x:,.2f}"
    a = abs(x)
    if a >= 100:
        digits = int(math.floor(math.log10(a))) - 1
        x = round(x, -digits)
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:,.0f}"
    if a >= 1:
        return f"{x:,.1f}".rstrip("0").rstrip(".")
    return f"{x:.2f}".rstrip("0").rstrip(".") if a > 0 else "0"


def fmt_percent(share: float) -> str:
    """A share as a whole percentage (``0.123`` -> ``12%``; below 1%: one decimal)."""
    if share is None or not math.isfinite(share):
        return "n/a"
    p = share * 100
    return f"{p:.1f}%" if abs(p) < 1 and p != 0 else f"{p:,.0f}%"


def in_n(share: float, n: int) -> str:
    """A share of ``n`` simulated periods as "K of n" (ties between arms count half).

    Saying "of n" with the real number of simulations, not "of 100", keeps a handful of
    simulations from sounding like a hundred.
    """
    if share is None or not math.isfinite(share):
        return "n/a"
    k = share * n
    return (
        f"{k:.1f}".rstrip("0").rstrip(".") + f" of {n}" if k != round(k) else f"{round(k)} of {n}"
    )


# ---------------------------------------------------------------------------- explanations
#: What each figure means, in plain words (shown under the figures and in the summary).
#: ``{periods}`` and ``{period}`` name the simulated period (``explain`` fills them in).
EXPLAIN = {
    "conflicts_avoided": "Conflicts avoided: how many fewer conflicts there were than with "
    "no training over the whole period, on average over the simulated {periods}. A conflict "
    "is one disagreement between two colleagues that costs working time: a minor one costs "
    "each about 1.7 hours, a major one a day, a critical one three days.",
    "hours_saved": "Hours saved: the working hours that the avoided conflicts would have "
    "cost, counting both people in each conflict.",
    "net_benefit": "Net benefit: the money saved (hours saved at the hourly cost of work, "
    "plus fewer people quitting at the cost of replacing them) minus the cost of the "
    "training itself (fees and the working hours spent in training).",
    "roi": "Return on investment: the net benefit as a share of what the training cost. "
    "0% means it just paid for itself; 100% means it returned twice what it cost.",
    "interval": "The range after each figure is a 95% interval: with many more simulated "
    "{periods}, the average would very likely (95 in 100) lie inside it. It shows how "
    "precisely the simulation pins the figure down under these assumptions, not how wrong "
    "the assumptions could be: for that, switch between cautious, central and optimistic "
    "evidence on the Assumptions page.",
    "p_better": "'In K of N simulated {periods}': each option is simulated in the same "
    "{periods} as no training (the same people, the same bad days), so each {period} can be "
    "compared like for like. K is how often the option came out ahead (a tie counts half).",
    "trajectory": "Conflicts per week over the period, on average (line), and the range "
    "that 8 of 10 simulated {periods} fall in (band). The gap between no training and an "
    "option is what the option avoids; training takes effect the day after it is given "
    "and fades unless refreshed.",
    "severity": "Conflicts over the whole period by how serious they were: minor (a "
    "disagreement), major (personal, costs a day) and critical (threats, sick leave). "
    "Bars are averages over the simulated {periods}; the number above an option's bar is "
    "how many fewer conflicts of that kind it had than no training (point at a bar for its "
    "95% interval).",
    "ripple": "The ripple effect: how much conflict fell for colleagues who were not "
    "trained themselves, by how close they work to a trainee. 'One step' means they work "
    "directly with a trainee (a team-mate, their manager or a regular contact). Calmer "
    "trainees draw fewer colleagues into conflict and calm others down, so the benefit "
    "spreads beyond the people trained.",
    "spread": "One simulated {period}, day by day. Each dot is an employee, grouped by team "
    "(a team's manager in the middle); lines join people who meet. Red: upset (in or just "
    "out of a conflict); grey: absent; white: an empty post after someone quit. A black "
    "ring marks people trained so far.",
    "heatmap": "Conflicts each team was part of, week by week, in the same simulated "
    "{period}. Darker cells are weeks with more conflict: you can see hot spots form, "
    "spread to neighbouring teams and fade.",
}


def explain(name: str, days: int = DEFAULT_DAYS) -> str:
    """The plain-language explanation of a figure, for a period of ``days``."""
    return EXPLAIN[name].format(periods=period_noun(days), period=period_noun(days, False))


# ---------------------------------------------------------------------------- results
@dataclass
class PlanResults:
    """What the dashboard draws for a plan: computed once, drawn many times.

    Attributes:
        plan: The plan.
        org_summary: ``Organisation.summary()`` of the organisation simulated.
        headlines: One row per option: people trained, training cost, and each headline
            figure (conflicts avoided, hours saved, net benefit, ROI) with its 95% interval
            (``_low``, ``_high``) and the share of simulated years the option did better,
            plus ``sentence``, the option's result in plain words.
        trajectory: Conflicts per week: ``arm, week, mean, low, high`` (the band holds the
            middle 80% of simulated years).
        severity: Conflicts by severity: ``arm, severity, mean, low, high`` (95% interval of
            the arm's mean) and ``avoided``, ``avoided_low``, ``avoided_high``: the change
            from no training with its (paired, narrower) 95% interval.
        ripple: Change for untrained colleagues by distance to the nearest trainee:
            ``arm, distance, fewer, fewer_low, fewer_high`` (involvements in conflict
            avoided) and the same as a share of their conflicts without training
            (``fewer_pct``, ...), with ``baseline``.
        table: ``Comparison.table`` as it came from ``compare``.
    """

    plan: Plan
    org_summary: dict[str, Any]
    headlines: pd.DataFrame
    trajectory: pd.DataFrame
    severity: pd.DataFrame
    ripple: pd.DataFrame
    table: pd.DataFrame


#: Ripple distance classes in words, in the order of ``compare``'s outcomes.
RIPPLE_LABELS = {
    "conflicts_untrained_d1": "One step: work directly with a trainee",
    "conflicts_untrained_d2": "Two steps: a colleague of a colleague",
    "conflicts_untrained_d3plus": "Three or more steps away",
}
#: Severity classes in words.
SEVERITY_LABELS = {
    "conflicts_minor": "Minor",
    "conflicts_major": "Major",
    "conflicts_critical": "Critical",
}


def run_arm(scenario: Scenario, replicates: int, seed: int) -> Any:
    """Replicates of one arm, as ``conflictsim.compare`` runs them (its default engine).

    Replicate ``k`` of every arm uses the same seed whichever call runs it, so arms run
    separately and compared later are paired exactly as in one ``compare`` call (common
    random numbers). This lets a caller cache arms one by one: when a planner changes one
    option, only that option's arm is simulated again.
    """
    from conflictsim import runs

    return runs.run_arm(scenario, replicates, seed)


def evaluate(
    plan: Plan,
    org: Organisation,
    runner: Callable[[str, Scenario], Any] | None = None,
) -> PlanResults:
    """Simulate a plan and turn the comparison into the tables the dashboard draws.

    Args:
        plan: The plan.
        org: Its organisation (``build_org``).
        runner: Runs one arm, given its key (``Plan.arm_keys``) and scenario, and returns
            its ``ArmRuns``; for caching arms. Default: ``run_arm`` with the plan's
            replicates and seed.

    Returns:
        The plan's results: the same as from one ``compare`` call on ``plan.arms(org)``.

    Raises:
        ValueError: If an option does not fit the organisation.
    """
    from conflictsim.comparison import Comparison

    arms = plan.arms(org)
    if runner is None:

        def runner(key: str, scenario: Scenario) -> Any:
            return run_arm(scenario, plan.replicates, plan.seed)

    runs = {
        name: runner(key, scenario)
        for (name, scenario), key in zip(arms.items(), plan.arm_keys(), strict=True)
    }
    return results_from_comparison(plan, org, Comparison(arms, runs))


def results_from_comparison(plan: Plan, org: Organisation, cmp: Any) -> PlanResults:
    """The dashboard's tables from a finished ``Comparison`` of ``plan.arms(org)``."""
    table = cmp.table
    return PlanResults(
        plan=plan,
        org_summary=org.summary(),
        headlines=_headlines(plan, org, table),
        trajectory=_trajectory(cmp),
        severity=_severity(cmp),
        ripple=_ripple(table),
        table=table,
    )


def _row(table: pd.DataFrame, arm: str, outcome: str) -> pd.Series:
    hit = table[(table["arm"] == arm) & (table["outcome"] == outcome)]
    if hit.empty:
        raise ValueError(f"the comparison has no {outcome!r} for {arm!r}")
    return hit.iloc[0]


def _headlines(plan: Plan, org: Organisation, table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for letter, name, option in zip(LETTERS, plan.arm_names()[1:], plan.options, strict=False):
        c = _row(table, name, "conflicts")
        h = _row(table, name, "conflict_hours")
        cc = _row(table, name, "cost_conflict")
        nb = _row(table, name, "net_benefit")
        roi = _row(table, name, "roi")
        trained = _row(table, name, "trained")
        cost = _row(table, name, "cost_training")
        row = {
            "option": letter,
            "arm": name,
            "programme": PROGRAMME_LABELS[option.programme],
            "who": TARGET_LABELS[option.target],
            "how_many": option.amount_text(),
            "when": option.when_text(),
            "trained": float(trained["arm_mean"]),
            "cost_training": float(cost["arm_mean"]),
            "replicates": plan.replicates,
            "conflicts_baseline": float(c["baseline_mean"]),
            "conflicts_avoided": -float(c["mean"]),
            "conflicts_avoided_low": -float(c["ci_high"]),
            "conflicts_avoided_high": -float(c["ci_low"]),
            "conflicts_avoided_pct": -float(c["mean"]) / float(c["baseline_mean"])
            if c["baseline_mean"]
            else float("nan"),
            "p_fewer_conflicts": float(c["p_better"]),
            "hours_saved": -float(h["mean"]),
            "hours_saved_low": -float(h["ci_high"]),
            "hours_saved_high": -float(h["ci_low"]),
            "cost_avoided": -float(cc["mean"]),
            "net_benefit": float(nb["mean"]),
            "net_benefit_low": float(nb["ci_low"]),
            "net_benefit_high": float(nb["ci_high"]),
            "p_pays": float(nb["p_better"]),
            "roi": float(roi["mean"]),
            "roi_low": float(roi["ci_low"]),
            "roi_high": float(roi["ci_high"]),
        }
        row["sentence"] = headline_sentence(row, plan.days)
        rows.append(row)
    return pd.DataFrame(rows)


def headline_sentence(row: Mapping[str, Any], days: int) -> str:
    """One option's result in plain words (a row of ``PlanResults.headlines``)."""
    n = fmt_number(row["trained"])
    if row["trained"] < 0.5:
        return (
            f"Option {row['option']} trains nobody: the group is empty or the budget is "
            "smaller than the cost of training one person (fee plus working hours). "
            "Choose another group, or a larger share or budget."
        )
    lo, hi = row["conflicts_avoided_low"], row["conflicts_avoided_high"]
    parts = [
        f"Option {row['option']} trains {n} {'person' if n == '1' else 'people'} for "
        f"{fmt_number(row['cost_training'])}.",
        f"Over {horizon_text(days)} it avoids about {fmt_number(row['conflicts_avoided'])} "
        f"conflicts ({fmt_percent(row['conflicts_avoided_pct'])} of the "
        f"{fmt_number(row['conflicts_baseline'])} expected without training; 95% interval "
        f"{fmt_number(lo)} to {fmt_number(hi)}) and saves about "
        f"{fmt_number(row['hours_saved'])} working hours.",
        f"In {in_n(row['p_fewer_conflicts'], row['replicates'])} simulated "
        f"{period_noun(days)} there were fewer conflicts than with no training.",
    ]
    if math.isfinite(lo) and math.isfinite(hi) and lo <= 0 <= hi:
        parts.append(
            "The interval includes zero: at this precision the simulation cannot tell this "
            "option apart from no training."
        )
    nb_lo, nb_hi = row["net_benefit_low"], row["net_benefit_high"]
    verdict = "a net benefit" if row["net_benefit"] >= 0 else "a net cost"
    parts.append(
        f"Counting working time and the cost of replacing people who quit, that is "
        f"{verdict} of {fmt_number(abs(row['net_benefit']))} (95% interval "
        f"{fmt_number(nb_lo)} to {fmt_number(nb_hi)}); the training paid for itself in "
        f"{in_n(row['p_pays'], row['replicates'])} simulated {period_noun(days)}."
    )
    return " ".join(parts)


def _weekly(daily: pd.DataFrame, column: str = "conflicts") -> np.ndarray:
    """Weekly totals per replicate, shape (replicates, weeks); day 0 is left out."""
    d = daily[daily["day"] > 0]
    reps = np.sort(d["replicate"].unique())
    days = int(d["day"].max()) if len(d) else 0
    values = np.zeros((reps.size, days))
    r = np.searchsorted(reps, d["replicate"].to_numpy())
    values[r, d["day"].to_numpy() - 1] = d[column].to_numpy(float)
    weeks = math.ceil(days / WEEK_DAYS)
    padded = np.zeros((reps.size, weeks * WEEK_DAYS))
    padded[:, :days] = values
    return padded.reshape(reps.size, weeks, WEEK_DAYS).sum(axis=2)


def _trajectory(cmp: Any) -> pd.DataFrame:
    frames = []
    for arm in cmp.arms:
        w = _weekly(cmp.runs[arm].daily)
        frames.append(
            pd.DataFrame(
                {
                    "arm": arm,
                    "week": np.arange(1, w.shape[1] + 1),
                    "mean": w.mean(axis=0),
                    "low": np.quantile(w, 0.1, axis=0),
                    "high": np.quantile(w, 0.9, axis=0),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def _severity(cmp: Any) -> pd.DataFrame:
    from conflictsim.comparison import mean_ci

    rows = []
    table = cmp.table
    for arm in cmp.arms:
        s = cmp.runs[arm].summary
        for col, label in SEVERITY_LABELS.items():
            mean, low, high = mean_ci(s[col].to_numpy(float))
            row = {"arm": arm, "severity": label, "mean": mean, "low": low, "high": high}
            # The change from no training, paired year by year: the interval that matters
            # when comparing (the arms' own intervals overlap even when the change is sure).
            if arm == cmp.arms[0]:
                row.update(avoided=np.nan, avoided_low=np.nan, avoided_high=np.nan)
            else:
                r = _row(table, arm, col)
                row.update(
                    avoided=-float(r["mean"]),
                    avoided_low=-float(r["ci_high"]),
                    avoided_high=-float(r["ci_low"]),
                )
            rows.append(row)
    return pd.DataFrame(rows)


def _ripple(table: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for arm in table["arm"].unique():
        for outcome, label in RIPPLE_LABELS.items():
            r = _row(table, arm, outcome)
            base = float(r["baseline_mean"])
            scale = 100 / base if base > 0 else float("nan")
            rows.append(
                {
                    "arm": arm,
                    "distance": label,
                    "baseline": base,
                    "fewer": -float(r["mean"]),
                    "fewer_low": -float(r["ci_high"]),
                    "fewer_high": -float(r["ci_low"]),
                    "fewer_pct": -float(r["mean"]) * scale,
                    "fewer_pct_low": -float(r["ci_high"]) * scale,
                    "fewer_pct_high": -float(r["ci_low"]) * scale,
                    "p_better": float(r["p_better"]),
                }
            )
    return pd.DataFrame(rows)


def ripple_for_chart(ripple: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The ripple rows worth drawing, and a note on the distances left out.

    A distance at which no option leaves anyone untrained (everyone is closer to a
    trainee) has nothing to show.

    Returns:
        The rows with someone at that distance, and a sentence (empty if none was left out).
    """
    if ripple.empty:
        return ripple, ""
    someone = ripple.groupby("distance", sort=False)["baseline"].transform("max") > 0
    dropped = list(dict.fromkeys(ripple.loc[~someone, "distance"]))
    if not dropped:
        return ripple, ""
    closest = (
        ripple.loc[someone, "distance"].iloc[-1].split(":")[0].lower() if someone.any() else ""
    )
    note = (
        f"Everyone who was not trained is within {closest} of a trainee, so there is nobody "
        "further away to show."
        if closest
        else "Nobody was left untrained, so there is no ripple to show."
    )
    return ripple[someone].reset_index(drop=True), note


def headline_csv(results: PlanResults) -> pd.DataFrame:
    """The headline figures as a table for download (no plain-language sentence)."""
    return results.headlines.drop(columns=["sentence"])


# ---------------------------------------------------------------------------- summary
def summary_html(
    results: PlanResults, link: str = "", org_text: str = "", generated: str = ""
) -> str:
    """A one-page, self-contained HTML summary of a plan's results, for printing or email.

    Args:
        results: From ``evaluate``.
        link: The page address that reproduces the scenario (shown if given).
        org_text: How to describe the organisation (default: from the plan).
        generated: A date or time to print (the caller's clock, so tests stay exact).
    """
    plan = results.plan
    esc = html.escape
    h = results.headlines
    rows = "".join(
        f"<tr><td><b>{esc(r.option)}</b></td><td>{esc(r.programme)}</td><td>{esc(r.who)}, "
        f"{esc(r.how_many)}<br><small>{esc(r.when)}</small></td>"
        f"<td>{fmt_number(r.trained)}</td><td>{fmt_number(r.cost_training)}</td>"
        f"<td>{fmt_number(r.conflicts_avoided)}<br><small>{fmt_number(r.conflicts_avoided_low)}"
        f" to {fmt_number(r.conflicts_avoided_high)}</small></td>"
        f"<td>{fmt_number(r.hours_saved)}<br><small>{fmt_number(r.hours_saved_low)} to "
        f"{fmt_number(r.hours_saved_high)}</small></td>"
        f"<td>{fmt_number(r.net_benefit)}<br><small>{fmt_number(r.net_benefit_low)} to "
        f"{fmt_number(r.net_benefit_high)}</small></td>"
        f"<td>{fmt_percent(r.roi)}<br><small>{fmt_percent(r.roi_low)} to "
        f"{fmt_percent(r.roi_high)}</small></td>"
        f"<td>{in_n(r.p_pays, r.replicates)}</td></tr>"
        for r in h.itertuples()
    )
    sentences = "".join(f"<li>{esc(s)}</li>" for s in h["sentence"])
    rip = results.ripple[results.ripple["arm"] != BASELINE]
    ripple_rows = "".join(
        f"<tr><td>{esc(arm.split('.')[0])}</td>"
        + "".join(
            "<td>nobody this far</td>"
            if not r.baseline > 0
            else f"<td>{fmt_percent(r.fewer_pct / 100)} fewer<br><small>"
            f"{fmt_percent(r.fewer_pct_low / 100)} to {fmt_percent(r.fewer_pct_high / 100)}"
            "</small></td>"
            for r in g.itertuples()
        )
        + "</tr>"
        for arm, g in rip.groupby("arm", sort=False)
    )
    changed = (
        "".join(
            f"<li><code>{esc(k)}</code> = {v:g} ({esc(REGISTRY[k].meaning)}; default "
            f"{REGISTRY[k].default:g})</li>"
            for k, v in plan.overrides
        )
        or "<li>none: every parameter at the evidence setting's value</li>"
    )
    org_line = org_text or plan.describe()
    link_line = (
        f'<p class="small">Link to this scenario: <a href="{esc(link)}">{esc(link)}</a></p>'
        if link
        else ""
    )
    when = f" · {esc(generated)}" if generated else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>conflictsim: training options compared</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 1.5em auto; color: #222;
       font-size: 11pt; line-height: 1.35; }}
h1 {{ font-size: 1.4em; margin-bottom: 0.2em; }} h2 {{ font-size: 1.1em; margin: 1em 0 0.3em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.25em 0.4em; text-align: left;
          vertical-align: top; }}
small, .small {{ color: #555; font-size: 0.85em; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>Training options compared</h1>
<p class="small">conflictsim what-if summary{when}</p>
<p><b>Scenario.</b> {esc(org_line)} Each option is compared with no training in the same
{plan.replicates} simulated {period_noun(plan.days)}. Money is in the currency of the hourly
cost of work ({plan.params.wage:g} per hour; replacing someone who quits costs
{fmt_number(plan.params.replacement_cost, exact=True)}).</p>
<h2>Headline figures (average, with 95% interval)</h2>
<table><tr><th></th><th>Programme</th><th>Who, how many, when</th><th>People trained</th>
<th>Training cost</th><th>Conflicts avoided</th><th>Hours saved</th><th>Net benefit</th>
<th>Return on investment</th><th>Paid for itself in</th></tr>{rows}</table>
<h2>In plain words</h2><ul>{sentences}</ul>
<h2>The ripple effect: fewer conflicts for colleagues who were not trained</h2>
<table><tr><th>Option</th>{"".join(f"<th>{esc(v)}</th>" for v in RIPPLE_LABELS.values())}</tr>
{ripple_rows}</table>
<h2>Assumptions</h2>
<p>Evidence setting: <b>{esc(plan.evidence)}</b>. Changed by the planner:</p><ul>{changed}</ul>
<h2>How to read this</h2>
<p class="small">{esc(explain("interval", plan.days))} {esc(explain("p_better", plan.days))}
{esc(explain("net_benefit", plan.days))}
These are what the model's assumptions imply, not forecasts: every assumption, its range and
its published source is listed on the dashboard's Assumptions page.</p>
{link_line}
</body></html>
"""


# ---------------------------------------------------------------------------- spread
#: Employee states in the network view, by code.
STATES = {0: "composed", 1: "upset", 2: "absent", 3: "empty post"}


@dataclass
class Spread:
    """One simulated period, day by day and person by person.

    Attributes:
        org: The organisation.
        arm: The arm simulated (``No training`` or an option's name).
        state: State code of each employee each day, shape (days + 1, size); codes in
            ``STATES`` (0 composed, 1 upset, 2 absent, 3 empty post).
        trained: Whether each employee had been trained by each day, same shape.
        daily: The run's daily outcomes (``ConflictModel.daily_frame``).
        team_weekly: Conflicts per team and week: ``team, department, week, conflicts``.
        positions: Drawing position of each employee, shape (size, 2), teams grouped.
    """

    org: Organisation
    arm: str
    state: np.ndarray
    trained: np.ndarray
    daily: pd.DataFrame
    team_weekly: pd.DataFrame
    positions: np.ndarray

    def frame(self, every: int = 1) -> pd.DataFrame:
        """Tidy table for download: ``day, employee_id, team, state, trained``."""
        days = np.arange(0, self.state.shape[0], every)
        n = self.org.size
        teams = np.asarray(self.org.team_names, dtype=object)[self.org.team]
        names = np.array([STATES[k] for k in range(len(STATES))], dtype=object)
        return pd.DataFrame(
            {
                "day": np.repeat(days, n),
                "employee_id": np.tile(self.org.ids, days.size),
                "team": np.tile(teams, days.size),
                "state": names[self.state[days].ravel()],
                "trained": self.trained[days].ravel(),
            }
        )


def spread(plan: Plan, org: Organisation, arm: int = 0, replicate: int = 0) -> Spread:
    """Simulate one period of one arm with the Mesa model, recording every employee daily.

    Args:
        plan: The plan.
        org: Its organisation.
        arm: 0 for no training, 1.. for the plan's options.
        replicate: Which simulated period (replicate ``k`` uses ``compare``'s seed for k).

    Returns:
        The run, day by day.
    """
    from conflictsim.model import ConflictModel
    from conflictsim.seeds import replicate_seed

    arms = plan.arms(org)
    names = list(arms)
    if not 0 <= arm < len(names):
        raise ValueError(f"arm must be from 0 to {len(names) - 1}, got {arm!r}")
    model = ConflictModel(arms[names[arm]], rng=replicate_seed(plan.seed, replicate))
    days = plan.days
    state = np.zeros((days + 1, org.size), dtype=np.int8)
    trained = np.zeros((days + 1, org.size), dtype=bool)

    def record(day: int) -> None:
        for a in model.employees:
            code = 3 if a.vacant else (2 if not a.present else (1 if a.upset else 0))
            state[day, a.index] = code
        trained[day] = model.ever_trained

    record(0)
    for day in range(1, days + 1):
        model.step()
        record(day)
    teams = model.team_frame()
    teams = teams[teams["day"] > 0].copy()
    teams["week"] = (teams["day"] - 1) // WEEK_DAYS + 1
    weekly = teams.groupby(["team", "week"], sort=False, as_index=False)["conflicts"].sum()
    dept_of_team = {
        org.team_names[t]: org.department_names[d]
        for t, d in zip(org.team.tolist(), org.department.tolist(), strict=True)
    }
    weekly.insert(1, "department", weekly["team"].map(dept_of_team))
    return Spread(
        org=org,
        arm=names[arm],
        state=state,
        trained=trained,
        daily=model.daily_frame(),
        team_weekly=weekly,
        positions=team_layout(org),
    )


def team_layout(org: Organisation) -> np.ndarray:
    """Positions that draw each team as a small circle, teams on a grid by department.

    A grid keeps departments together and every team readable, where a force layout of
    hundreds of people gives a hairball. The manager of a team sits at its centre.

    Returns:
        Array of shape (size, 2).
    """
    n_teams = len(org.team_names)
    team_dept = np.zeros(n_teams, dtype=np.int64)
    team_dept[org.team] = org.department
    order = np.lexsort((np.arange(n_teams), team_dept))  # by department, then team
    cols = max(1, math.ceil(math.sqrt(n_teams * 1.6)))
    cell = np.empty((n_teams, 2))
    cell[order, 0] = np.arange(n_teams) % cols
    cell[order, 1] = -(np.arange(n_teams) // cols)
    pos = np.zeros((org.size, 2))
    for t in range(n_teams):
        members = np.flatnonzero(org.team == t)
        if members.size == 0:
            continue
        # The team's manager (a member who manages another member) goes in the middle.
        managing = org.is_manager[members]
        centre = members[managing][:1]
        ring = np.setdiff1d(members, centre, assume_unique=True)
        pos[centre] = cell[t]
        if ring.size:
            angle = 2 * np.pi * np.arange(ring.size) / ring.size
            radius = 0.36 if centre.size else 0.3
            pos[ring, 0] = cell[t, 0] + radius * np.cos(angle)
            pos[ring, 1] = cell[t, 1] + radius * np.sin(angle)
    return pos
