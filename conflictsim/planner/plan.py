"""A planner's question: training options and a plan, turned into the arms to compare.

``Option`` is one training option in the planner's words (a programme, who gets it, how
many or what budget, when, refreshers); ``Plan`` adds the organisation, the horizon, the
evidence setting and the planner's own parameter values, and ``Plan.arms`` gives the
``Scenario`` of no training and of each option for ``conflictsim.compare``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any

from conflictsim.evidence import check_evidence
from conflictsim.organisation import PRESETS, Organisation
from conflictsim.params import REGISTRY, Params
from conflictsim.planner.words import (
    AMOUNT_LABELS,
    BASELINE,
    ORG_NOUNS,
    TARGET_GROUP,
    UPLOADED,
    horizon_text,
    period_noun,
)
from conflictsim.scenario import DAYS_PER_MONTH, DAYS_PER_YEAR, Scenario
from conflictsim.training import KINDS, TARGET_ALIASES, TARGETS, Training, eligible
from conflictsim.words import (
    PROGRAMME_LABELS,
    TARGET_LABELS,
    capitalised,
    currency_problem,
    rounded,
    short,
    with_article,
)

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

#: Organisation size limits for presets (the upload has its own size).
SIZE_RANGE = (20, 5000)
#: Horizon limits in working days.
DAYS_RANGE = (10, 1250)
#: Replicate limits (compare needs two).
REPLICATES_RANGE = (2, 2000)

#: Defaults of a new plan: answered within about a second (docs/benchmarks.md). 200
#: plausible worlds, one per parameter set of a preset's stored calibration, so that
#: "in about K of 10 plausible worlds" and the value of information rest on enough of them.
DEFAULT_SIZE = 200
DEFAULT_DAYS = DAYS_PER_YEAR
DEFAULT_REPLICATES = 200
DEFAULT_SEED = 1
#: Prices a planner can set per programme (``Training``'s names), in words.
PRICES = {
    "cost_per_trainee": "fee per trainee",
    "hours_per_trainee": "working hours per trainee",
    "cost_per_session": "cost per session day",
}
#: The largest budget the plan search takes (a typo's extra zeros are refused, not run).
MAX_BUDGET = 1e9
#: The budget of a new plan search ("I have 20,000: what should I do with it?").
DEFAULT_BUDGET = 20000.0


# ---------------------------------------------------------------------------- options
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
        object.__setattr__(self, "target", TARGET_ALIASES.get(self.target, self.target))
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
        day = int(round(self.start_month * DAYS_PER_MONTH))
        if self.target == "hotspots":
            day = max(day, HOTSPOT_LEAD_IN_DAYS)
        return day

    @property
    def refresher_days(self) -> int | None:
        """Working days between refreshers, or None."""
        return int(round(self.refresher_months * DAYS_PER_MONTH)) or None

    def training(self, prices: dict[str, float] | None = None) -> Training:
        """The ``Training`` of this option (its programme's own effects and half-life).

        How much of that effect shows at work is a parameter of each plausible world
        (``skill_transfer``, ``responder_success``), drawn from the plan's evidence
        setting, not a property of the option.

        Args:
            prices: The planner's prices for this programme (``Plan.prices_of``).
        """
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
            lead_in_days=HOTSPOT_LEAD_IN_DAYS,
            **how,
            **(prices or {}),
        )

    # ----------------------------------------------------------------- words
    def amount_text(self) -> str:
        """How many, in words: ``50%``, ``12 people`` or ``budget 20,000``."""
        if self.amount == "coverage":
            return f"{short(round(self.value * 100, 1))}%"
        if self.amount == "headcount":
            return f"{int(self.value)} people"
        return f"budget {rounded(self.value, exact=True)}"

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
        evidence: ``sceptical``, ``central`` or ``enthusiastic``: the priors on what
            training does that the calibration's sets are given (``conflictsim.evidence``);
            the baseline is the same in each.
        overrides: Parameters the planner changed, as (name, value) pairs; they win over
            the defaults and the calibration's sets (``baseline.for_plan``).
        replicates: Simulated years per option (more: narrower intervals, slower).
        seed: Seed of the whole comparison (and of the generated organisation).
        currency: The currency of ``wage`` and every sum, in a few letters or a symbol
            (``EUR``, ``£``); empty: none named.
        budget: The most to spend, for the search of the best plan (fees plus working
            hours at the wage); the options compared do not use it.
        prices: Your prices, as (programme, what, value) triples: ``what`` is one of
            ``PRICES`` (fee per trainee, hours per trainee, fixed cost per session day);
            a programme's defaults hold for the rest.
    """

    org: str = "office"
    size: int = DEFAULT_SIZE
    days: int = DEFAULT_DAYS
    options: tuple[Option, ...] = DEFAULT_OPTIONS
    evidence: str = "central"
    overrides: tuple[tuple[str, float], ...] = ()
    replicates: int = DEFAULT_REPLICATES
    seed: int = DEFAULT_SEED
    currency: str = ""
    budget: float = DEFAULT_BUDGET
    prices: tuple[tuple[str, str, float], ...] = ()
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
        check_evidence(self.evidence)
        if problem := currency_problem(self.currency):
            raise ValueError(problem)
        object.__setattr__(self, "currency", str(self.currency).strip())
        budget = float(self.budget)
        if not (math.isfinite(budget) and 0 <= budget <= MAX_BUDGET):
            raise ValueError(f"the budget must be from 0 to {MAX_BUDGET:,.0f}, got {self.budget!r}")
        object.__setattr__(self, "budget", budget)
        prices = {}
        for kind, what, value in self.prices:
            if kind not in KINDS or what not in PRICES:
                raise ValueError(
                    f"a price is a programme ({', '.join(KINDS)}) and one of "
                    f"{', '.join(PRICES)}, got {kind!r} {what!r}"
                )
            v = float(value)
            if not (math.isfinite(v) and 0 <= v <= MAX_BUDGET):
                raise ValueError(
                    f"the {PRICES[what]} must be from 0 to {MAX_BUDGET:,.0f}, got {value!r}"
                )
            prices[(kind, what)] = v
        object.__setattr__(self, "prices", tuple((k, w, v) for (k, w), v in sorted(prices.items())))
        overrides = tuple(sorted((str(k), float(v)) for k, v in dict(self.overrides).items()))
        object.__setattr__(self, "overrides", overrides)
        params = Params(**dict(overrides))
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
                self.currency,
                self.budget,
                self.prices,
            ),
        )

    # ----------------------------------------------------------------- building
    def prices_of(self, kind: str) -> dict[str, float]:
        """The planner's prices for programme ``kind`` (``Training`` keywords)."""
        return {what: value for k, what, value in self.prices if k == kind}

    def price_table(self) -> dict[str, dict[str, float]]:
        """Every programme's prices the planner set, for ``conflictsim.plans``."""
        return {kind: self.prices_of(kind) for kind in dict.fromkeys(k for k, _, _ in self.prices)}

    def with_price(self, kind: str, what: str, value: float | None) -> Plan:
        """A copy with one price set (``None``, or the programme's default: back to it)."""
        if kind not in KINDS or what not in PRICES:
            raise ValueError(
                f"a price is a programme ({', '.join(KINDS)}) and one of "
                f"{', '.join(PRICES)}, got {kind!r} {what!r}"
            )
        prices = {(k, w): v for k, w, v in self.prices}
        default = {"cost_per_trainee": KINDS[kind].cost_per_trainee,
                   "hours_per_trainee": KINDS[kind].hours_per_trainee,
                   "cost_per_session": 0.0}.get(what)  # fmt: skip
        if value is None or float(value) == default:
            prices.pop((kind, what), None)
        else:
            prices[(kind, what)] = float(value)
        return self.with_(prices=tuple((k, w, v) for (k, w), v in prices.items()))

    @property
    def params(self) -> Params:
        """Model parameters: the defaults with the planner's changes."""
        return self._params

    def with_(self, **changes: Any) -> Plan:
        """A copy with some fields changed (validated)."""
        return replace(self, **changes)

    def with_option(self, index: int, **changes: Any) -> Plan:
        """A copy with option ``index`` changed."""
        options = list(self.options)
        options[index] = replace(options[index], **changes)
        return self.with_(options=tuple(options))

    def with_amount(self, index: int, amount: str) -> Plan:
        """A copy with option ``index`` saying how many another way, at its default value."""
        return self.with_option(index, amount=amount, value=AMOUNT_DEFAULTS[amount])

    def with_option_count(self, n: int) -> Plan:
        """A copy with ``n`` options: the first ones kept, new ones added after them.

        A new option is a copy of the last one with the next programme, so that the
        comparison varies one thing at a time.
        """
        options = list(self.options[:n])
        kinds = list(PROGRAMME_LABELS)
        while len(options) < n:
            last = options[-1]
            nxt = kinds[(kinds.index(last.programme) + 1) % len(kinds)]
            options.append(Option(nxt, last.target, last.amount, last.value))
        return self.with_(options=tuple(options))

    def with_override(self, name: str, value: float | None) -> Plan:
        """A copy with one parameter set (``None`` returns it to its default)."""
        overrides = dict(self.overrides)
        if name not in REGISTRY:
            raise ValueError(f"unknown parameter {name!r}")
        # A value equal to the default is no change: keep links short.
        if value is None or float(value) == REGISTRY[name].default:
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
                arms[name] = base.with_(
                    programmes=[option.training(self.prices_of(option.programme))]
                )
            except ValueError as exc:
                raise ValueError(f"option {letter}: {exc}") from None
        return arms

    # ----------------------------------------------------------------- words
    def describe(self, org: Organisation | None = None) -> str:
        """The plan in one sentence: organisation, size, horizon, evidence, replicates."""
        if self.org == UPLOADED:
            who = f"your organisation ({org.size:,} employees)" if org else "your organisation"
        else:
            who = f"{with_article(ORG_NOUNS[self.org])} of {self.size:,} employees"
        changed = f", {len(self.overrides)} assumption(s) changed" if self.overrides else ""
        return (
            f"{capitalised(who)}, over {horizon_text(self.days)}, "
            f"{self.evidence} evidence{changed}; {self.replicates} simulated "
            f"{period_noun(self.days)} per option."
        )

    def org_sentence(self, org: Organisation, uploaded_names: str = "uploaded") -> str:
        """The organisation simulated in a sentence, with its counts.

        Args:
            org: The plan's organisation (``build_org``).
            uploaded_names: The uploaded files, to name an uploaded organisation by.
        """
        s = org.summary()
        name = (
            f"your organisation ({uploaded_names})"
            if self.org == UPLOADED
            else with_article(ORG_NOUNS[self.org])
        )
        return (
            f"{capitalised(name)} of {s['employees']:,} employees in {s['teams']} teams "
            f"({s['managers']} managers, {s['customer_facing']} customer-facing), over "
            f"{horizon_text(self.days)}, with {self.evidence} evidence"
            + (f" and {len(self.overrides)} assumption(s) you changed" if self.overrides else "")
            + "."
        )


def option_preview(plan: Plan, org: Organisation, index: int) -> str:
    """Who an option trains and what it is planned to cost, before simulating.

    Raises:
        ValueError: If the option does not fit the organisation.
    """
    option = plan.options[index]
    prog = option.training(plan.prices_of(option.programme))
    scn = Scenario(org=org, params=plan.params, days=plan.days)
    try:
        prog.check_against(scn)
    except ValueError as exc:
        raise ValueError(f"option {LETTERS[index]}: {exc}") from None
    group = eligible(prog, org).size
    n = prog.planned_headcount(org, plan.params, plan.days)
    cost = prog.planned_cost(org, plan.params, plan.days)
    per_day = f"; {rounded(prog.fixed, exact=True)} a session day" if prog.fixed else ""
    return (
        f"Trains {n:,} of {group:,} {TARGET_GROUP[option.target]}; planned cost "
        f"{rounded(cost, exact=True)} ({rounded(prog.session_cost(plan.params), exact=True)}"
        f" a trainee and session: fee plus working hours{per_day})."
    )


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


def upload_notes(summary: dict[str, Any]) -> tuple[str | None, str]:
    """What to say about an uploaded organisation: a warning if it is large, and its contacts.

    Args:
        summary: ``Organisation.summary()`` of the upload.

    Returns:
        A warning (None if the upload is within the presets' sizes) and a sentence on how
        many colleagues each person is in contact with.
    """
    warning = None
    if summary["employees"] > SIZE_RANGE[1]:
        warning = (
            f"{summary['employees']:,} employees is more than the {SIZE_RANGE[1]:,} the "
            "presets go up to: each comparison will take a while. Try a department first."
        )
    contacts = (
        f"On average each person has {summary['mean_ties_per_employee']} colleagues they are "
        f"in contact with, and meets about {summary['mean_daily_contacts']} of them on a "
        "given day."
    )
    return warning, contacts
