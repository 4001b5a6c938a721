"""Training programmes: what they change, who gets them, when, and what they cost.

MODEL.md section 4. A programme shifts the latent traits of those trained by an effect size
(Cohen's d, in trait SDs); the shift decays exponentially with a half-life and a refresher
restores it. De-escalation trainees also act as responders (MODEL.md step 6).

Who is trained is decided by a targeting rule and a coverage (a share of the eligible
group), a headcount or a budget. The draws behind a targeting rule come from a stream of
their own per replicate, so two arms that differ only in the programme's kind train the
same people (see ``ConflictModel.targeting_rngs``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from conflictsim.graph import betweenness

if TYPE_CHECKING:
    from conflictsim.organisation import Organisation
    from conflictsim.params import Params
    from conflictsim.scenario import Scenario


class TrainingError(ValueError):
    """A programme that cannot be run as given, naming the fields it is about.

    Attributes:
        fields: The ``Training`` fields the error is about, the likeliest culprit first
            (an experiment file points at the first of them it holds).
    """

    def __init__(self, message: str, *fields: str) -> None:
        super().__init__(message)
        self.fields = fields


@dataclass(frozen=True)
class Kind:
    """Evidence-based defaults of one kind of programme.

    Attributes:
        name: Programme kind.
        listening_d: Shift of latent listening, in trait SDs (Cohen's d).
        regulation_d: Shift of latent regulation, in trait SDs.
        responders: Whether trainees act as responders (MODEL.md step 6).
        cost_per_trainee: Fee per trainee per session (currency of ``wage``).
        hours_per_trainee: Work hours lost per trainee per session.
        evidence: What the published evidence shows, and how the default was chosen.
    """

    name: str
    listening_d: float
    regulation_d: float
    responders: bool
    cost_per_trainee: float
    hours_per_trainee: float
    evidence: str


KINDS: dict[str, Kind] = {
    "deescalation": Kind(
        "deescalation",
        listening_d=0.5,
        regulation_d=0.3,
        responders=True,
        cost_per_trainee=350.0,
        hours_per_trainee=7.5,
        evidence=(
            "Price et al. 2015 (38 studies): clear gains in knowledge, confidence and "
            "simulated performance, no firm effect on assaults or injuries. Baig et al. 2018: "
            "confidence d about 0.88, no change in how often staff faced violence. Khan et al. "
            "2021: no fall in incidents after half-day training. Compton et al. 2014: crisis-"
            "trained officers twice as likely to stop at verbal engagement. Default: the skill "
            "shifts are set below the confidence gains (listening +0.5, regulation +0.3 SD), "
            "since confidence overstates behaviour change; trainees act as responders with a "
            "success rate no study measured (responder_success: a prior from 0, Taheri 2016, "
            "to 0.3, in each evidence setting). Cost: a one-day course, assumption."
        ),
    ),
    "active_listening": Kind(
        "active_listening",
        listening_d=0.6,
        regulation_d=0.0,
        responders=False,
        cost_per_trainee=300.0,
        hours_per_trainee=7.0,
        evidence=(
            "Kubota, Mishima & Nagata 2004: 345 middle managers' listening attitude and skill "
            "rose and held at 1 and 3 months. Mineyama et al. 2007: staff of better-listening "
            "supervisors reported less stress (a ripple to the untrained). Kluger et al. 2023: "
            "perceived listening r=.51 with relationship quality. Default: listening +0.6 SD, "
            "within the moderate range of skill training; no direct evidence on conflict "
            "incidents, so the effect on conflict is left to the model. Cost: assumption."
        ),
    ),
    "emotional_regulation": Kind(
        "emotional_regulation",
        listening_d=0.0,
        regulation_d=0.5,
        responders=False,
        cost_per_trainee=500.0,
        hours_per_trainee=12.0,
        evidence=(
            "Mattingly & Kraiger 2019 (58 studies): emotional-intelligence training has a "
            "moderate effect, treatment-control g about 0.46 (pre-post d about 0.61). Hodzic "
            "et al. 2018 (24 studies): moderate and stable at follow-up. Default: regulation "
            "+0.5 SD, near the controlled estimate. Cost: several sessions, assumption."
        ),
    ),
}

#: Targeting rules (besides an explicit list of employee ids).
TARGETS = ("random", "managers", "customer_facing", "best_connected", "hotspots", "whole_teams")
#: Older names of targeting rules, still read: ``central`` was easily taken for the
#: ``central`` evidence setting.
TARGET_ALIASES = {"central": "best_connected"}

#: Default half-life of a training effect, in working days (about 9 months): Tatel &
#: Ackerman 2025 find half the gain gone after about 6.5-13 months.
HALF_LIFE_DAYS = 180.0


@dataclass(frozen=True)
class Training:
    """A training programme: its kind, who gets it, when, and what it costs.

    Args:
        kind: ``deescalation``, ``active_listening`` or ``emotional_regulation``.
        target: ``random``, ``managers``, ``customer_facing``, ``central`` (highest degree,
            or betweenness with ``centrality="betweenness"``), ``hotspots`` (whole teams
            with the most conflict in the ``lead_in_days`` before ``start_day``),
            ``whole_teams`` (whole teams in random order), or a list of employee ids.
        coverage: Share (0-1] of the eligible group to train: managers for ``managers``,
            customer-facing staff for ``customer_facing``, the listed ids for a list, and
            everyone for the other rules. Default: the whole group, unless a headcount or
            budget is given.
        headcount: Number of people to train instead of a share.
        budget: Most to spend, fees plus work hours at ``wage``, refreshers included; the
            largest number of trainees whose planned cost fits is trained.
        start_day: Day of the first session (0: before the first simulated day).
        waves: Number of rollout waves; trainees are split evenly, in targeting order.
        wave_interval: Working days between waves.
        refresher_days: Days between a trainee's sessions (a refresher restores the full
            effect), or None for no refreshers.
        half_life_days: Days for the trait shift to halve (Tatel & Ackerman 2025).
        listening_d: Shift of latent listening in trait SDs (default by kind).
        regulation_d: Shift of latent regulation in trait SDs (default by kind).
        cost_per_trainee: Fee per trainee per session (default by kind; assumption).
        hours_per_trainee: Work hours lost per trainee per session (default by kind).
        cost_per_session: Fixed cost of each day the programme holds sessions (a trainer's
            day fee, a room), whatever the number of trainees; default 0. A wave and each
            of its refreshers is a session day.
        centrality: ``degree`` or ``betweenness``, for ``target="best_connected"``.
        lead_in_days: Days before ``start_day`` over which hotspots are found.
        responders: Whether trainees of a programme that makes responders (de-escalation)
            act as responders (MODEL.md step 6). No study has measured bystanders
            defusing conflicts, so comparisons also run each such arm with ``False``
            to show the effect without them (``Comparison.responders``).
    """

    kind: str
    target: str | Sequence[Any] = "random"
    coverage: float | None = None
    headcount: int | None = None
    budget: float | None = None
    start_day: int = 0
    waves: int = 1
    wave_interval: int = 20
    refresher_days: int | None = None
    half_life_days: float = HALF_LIFE_DAYS
    listening_d: float | None = None
    regulation_d: float | None = None
    cost_per_trainee: float | None = None
    hours_per_trainee: float | None = None
    cost_per_session: float | None = None
    centrality: str = "degree"
    lead_in_days: int = 20
    responders: bool = True
    _kind: Kind = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise TrainingError(
                f"unknown programme kind {self.kind!r}; choose one of {', '.join(KINDS)}", "kind"
            )
        object.__setattr__(self, "_kind", KINDS[self.kind])
        if isinstance(self.target, str):
            object.__setattr__(self, "target", TARGET_ALIASES.get(self.target, self.target))
            if self.target not in TARGETS:
                raise TrainingError(
                    f"unknown target {self.target!r}; choose one of {', '.join(TARGETS)} "
                    "or give a list of employee ids",
                    "target",
                )
        else:
            ids = [str(e) for e in self.target]
            if len(set(ids)) != len(ids):
                raise TrainingError("target lists an employee id more than once", "target")
            object.__setattr__(self, "target", tuple(ids))
        given = [n for n in ("coverage", "headcount", "budget") if getattr(self, n) is not None]
        if len(given) > 1:
            raise TrainingError(
                f"give one of coverage, headcount or budget, not {' and '.join(given)}",
                *reversed(given),
            )
        if self.coverage is not None and not 0 < _num(self.coverage, "coverage") <= 1:
            raise TrainingError(
                f"coverage must be a share in (0, 1], got {self.coverage!r}", "coverage"
            )
        if self.headcount is not None and (_whole(self.headcount, "headcount") < 0):
            raise TrainingError(
                f"headcount must be at least 0, got {self.headcount!r}", "headcount"
            )
        if self.budget is not None and _num(self.budget, "budget") < 0:
            raise TrainingError(f"budget must be at least 0, got {self.budget!r}", "budget")
        if _whole(self.start_day, "start_day") < 0:
            raise TrainingError(
                f"start_day must be at least 0, got {self.start_day!r}", "start_day"
            )
        if _whole(self.waves, "waves") < 1:
            raise TrainingError(f"waves must be at least 1, got {self.waves!r}", "waves")
        if _whole(self.wave_interval, "wave_interval") < 1:
            raise TrainingError(
                f"wave_interval must be at least 1, got {self.wave_interval!r}", "wave_interval"
            )
        if self.refresher_days is not None and _whole(self.refresher_days, "refresher_days") < 1:
            raise TrainingError(
                f"refresher_days must be at least 1, got {self.refresher_days!r}", "refresher_days"
            )
        if not _num(self.half_life_days, "half_life_days") > 0:
            raise TrainingError(
                f"half_life_days must be above 0, got {self.half_life_days!r}", "half_life_days"
            )
        for name in ("listening_d", "regulation_d"):
            value = getattr(self, name)
            if value is not None and not -3 <= _num(value, name) <= 3:
                raise TrainingError(
                    f"{name} must be an effect size in [-3, 3] SDs, got {value!r}", name
                )
        for name in ("cost_per_trainee", "hours_per_trainee", "cost_per_session"):
            value = getattr(self, name)
            if value is not None and _num(value, name) < 0:
                raise TrainingError(f"{name} must be at least 0, got {value!r}", name)
        if self.centrality not in ("degree", "betweenness"):
            raise TrainingError(
                f"centrality must be degree or betweenness, got {self.centrality!r}", "centrality"
            )
        if _whole(self.lead_in_days, "lead_in_days") < 1:
            raise TrainingError(
                f"lead_in_days must be at least 1, got {self.lead_in_days!r}", "lead_in_days"
            )
        if not isinstance(self.responders, bool):
            raise TrainingError(
                f"responders must be true or false, got {self.responders!r}", "responders"
            )
        if self.target == "hotspots" and self.start_day < 1:
            raise TrainingError(
                "target 'hotspots' needs start_day of at least 1: hotspots are the teams with "
                "the most conflict before the programme starts",
                "start_day",
                "target",
            )

    # ------------------------------------------------------------------ effects
    @property
    def effect_listening(self) -> float:
        """Shift of latent listening in trait SDs."""
        return self._kind.listening_d if self.listening_d is None else float(self.listening_d)

    @property
    def effect_regulation(self) -> float:
        """Shift of latent regulation in trait SDs."""
        return self._kind.regulation_d if self.regulation_d is None else float(self.regulation_d)

    @property
    def makes_responders(self) -> bool:
        """Whether trainees act as responders."""
        return self._kind.responders and self.responders

    @property
    def fee(self) -> float:
        """Fee per trainee per session."""
        return (
            self._kind.cost_per_trainee
            if self.cost_per_trainee is None
            else float(self.cost_per_trainee)
        )

    @property
    def hours(self) -> float:
        """Work hours lost per trainee per session."""
        return (
            self._kind.hours_per_trainee
            if self.hours_per_trainee is None
            else float(self.hours_per_trainee)
        )

    @property
    def fixed(self) -> float:
        """Fixed cost of each session day (0 unless ``cost_per_session`` is given)."""
        return 0.0 if self.cost_per_session is None else float(self.cost_per_session)

    def session_cost(self, params: Params) -> float:
        """Cost of training one person once: fee plus work hours at ``wage``."""
        return self.fee + self.hours * params.wage

    def shift_listening(self, params: Params, transfer: Any = None) -> Any:
        """Full shift of latent listening at work.

        d times the population SD, times the share of the skill gain that transfers
        (``skill_transfer``, or ``transfer``: one value per replicate in the fast engine).
        """
        share = params.skill_transfer if transfer is None else transfer
        return self.effect_listening * params.listening_sd * share

    def shift_regulation(self, params: Params, transfer: Any = None) -> Any:
        """Full shift of latent regulation at work (as ``shift_listening``)."""
        share = params.skill_transfer if transfer is None else transfer
        return self.effect_regulation * params.regulation_sd * share

    def remaining(self, days_since: float | np.ndarray) -> float | np.ndarray:
        """Share of the effect left ``days_since`` days after the last session."""
        return 0.5 ** (days_since / self.half_life_days)

    # ------------------------------------------------------------------ schedule
    def wave_days(self, days: int) -> list[int]:
        """Days on which waves are trained, within a horizon of ``days``."""
        return [
            d
            for w in range(self.waves)
            if (d := self.start_day + w * self.wave_interval) < max(days, 1)
        ]

    def wave_on(self, day: int, days: int) -> int | None:
        """The wave trained at the end of ``day`` (its index), or None."""
        waves = self.wave_days(days)
        return waves.index(day) if day in waves else None

    def refresher_due(self, day: int, last: Any, days: int) -> Any:
        """Whether a trainee last trained on ``last`` is refreshed at the end of ``day``.

        ``last`` may be an array (NaN for nobody trained: never due). A session on the
        horizon's last day would end after it, so none is held then.
        """
        if self.refresher_days is None or day >= days:
            return np.zeros(np.shape(last), dtype=bool) if np.ndim(last) else False
        return (day - last) == self.refresher_days

    def lead_in_conflicts(self, team_history: Any) -> np.ndarray | None:
        """Conflicts per team over the lead-in before the start, for ``hotspots``.

        Args:
            team_history: Conflicts per team by day, rows 0..``start_day`` at least (row
                0 is the day before the first step), shape (days, teams).

        Returns:
            Each team's conflicts over the ``lead_in_days`` up to and including
            ``start_day``, or None for any other targeting rule.
        """
        if self.target != "hotspots":
            return None
        lo = max(0, self.start_day - self.lead_in_days + 1)
        return np.asarray(team_history)[lo : self.start_day + 1].sum(axis=0)

    def sessions_per_trainee(self, first_day: int, days: int) -> int:
        """Planned sessions of a trainee first trained on ``first_day``, refreshers included."""
        if first_day >= max(days, 1):
            return 0
        if self.refresher_days is None:
            return 1
        return 1 + (days - 1 - first_day) // self.refresher_days

    def check_against(self, scenario: Scenario) -> None:
        """Check the programme fits the scenario (ids exist, start within the horizon)."""
        org = scenario.org
        if self.start_day >= max(scenario.days, 1):
            raise TrainingError(
                f"{self.kind} programme starts on day {self.start_day}, after the "
                f"{scenario.days}-day horizon",
                "start_day",
            )
        group = eligible(self, org)
        if self.headcount is not None and self.headcount > group.size:
            raise TrainingError(
                f"headcount {self.headcount} is more than the {group.size} people target "
                f"{self.target_label!r} can reach",
                "headcount",
            )

    @property
    def target_label(self) -> str:
        """The targeting rule in words."""
        return self.target if isinstance(self.target, str) else f"{len(self.target)} listed ids"

    def planned_headcount(self, org: Organisation, params: Params, days: int) -> int:
        """How many people will be trained: from the coverage, headcount or budget."""
        group = eligible(self, org).size
        if self.headcount is not None:
            return min(int(self.headcount), group)
        if self.budget is None:
            share = 1.0 if self.coverage is None else float(self.coverage)
            return min(group, int(round(share * group)))
        if self.session_cost(params) <= 0 and self.fixed <= 0:
            return group
        lo, hi = 0, group  # largest n with cost(n) <= budget (cost grows with n)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self._planned_cost(mid, params, days) <= self.budget + 1e-9:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _planned_cost(self, n: int, params: Params, days: int) -> float:
        """Cost of training ``n`` people if nobody leaves.

        Each wave's sessions, per trainee (fee and hours at ``wage``) and per session day
        (``cost_per_session``).
        """
        unit = self.session_cost(params)
        waves = [
            (d, size)
            for d, size in zip(self.wave_days(days), _split(n, self.waves), strict=False)
            if size > 0
        ]
        per_trainee = sum(self.sessions_per_trainee(d, days) * size * unit for d, size in waves)
        # A day on which two waves meet (one's refresher, the other's start) is one day.
        held = {
            d + j * (self.refresher_days or 0)
            for d, _ in waves
            for j in range(self.sessions_per_trainee(d, days))
        }
        return per_trainee + self.fixed * len(held)

    def planned_cost(self, org: Organisation, params: Params, days: int) -> float:
        """Planned cost if nobody leaves: per trainee and session, and per session day."""
        return self._planned_cost(self.planned_headcount(org, params, days), params, days)

    def select(
        self,
        org: Organisation,
        params: Params,
        days: int,
        rng: np.random.Generator,
        team_conflicts: np.ndarray | None = None,
    ) -> list[np.ndarray]:
        """Who is trained in each wave, in targeting order.

        Args:
            org: The organisation.
            params: Parameters (for the budget's wage).
            days: Horizon, for waves and refreshers.
            rng: The replicate's targeting stream.
            team_conflicts: Conflicts per team over the lead-in (for ``hotspots``).

        Returns:
            One array of employee indices per wave within the horizon.
        """
        order = priority(self, org, rng, team_conflicts)
        n = self.planned_headcount(org, params, days)
        chosen = order[:n]
        sizes = _split(n, self.waves)[: len(self.wave_days(days))]
        return list(np.split(chosen, np.cumsum(sizes)[:-1])) if sizes else []


def cost_of_sessions(
    programmes: Sequence[Training],
    params: Params,
    sessions: np.ndarray,
    days_held: np.ndarray | None = None,
) -> np.ndarray | float:
    """Training cost: sessions times fee plus hours at ``wage``; session days times cost.

    Args:
        programmes: The programmes.
        params: Parameters (for the wage).
        sessions: Sessions held per programme (one per trainee and session), shape
            (programmes,) or (programmes, replicates).
        days_held: Days on which each programme held sessions, shaped as ``sessions``;
            None: no fixed cost counted.

    Returns:
        The cost (per replicate for a 2-d ``sessions``).
    """
    fees, hours = fees_and_hours(programmes, sessions, days_held)
    return fees + hours * params.wage


def fees_and_hours(
    programmes: Sequence[Training],
    sessions: np.ndarray,
    days_held: np.ndarray | None = None,
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Fees paid (cash: per trainee and per session day) and work hours spent (time).

    Args:
        programmes: The programmes.
        sessions: Sessions held per programme, shape (programmes,) or (programmes,
            replicates).
        days_held: Days on which each programme held sessions, shaped as ``sessions``;
            None: no fixed cost counted.

    Returns:
        Fees and hours (per replicate for a 2-d ``sessions``).
    """
    if not programmes:
        zero = np.zeros(np.shape(sessions)[1:]) if np.ndim(sessions) > 1 else 0.0
        return zero, zero
    fee = np.array([prog.fee for prog in programmes])
    hours = np.array([prog.hours for prog in programmes])
    fees = fee @ sessions
    fixed = np.array([prog.fixed for prog in programmes])
    if days_held is not None and fixed.any():  # no cost per session day: fees as they were
        fees = fees + fixed @ days_held
    return fees, hours @ sessions


def eligible(prog: Training, org: Organisation) -> np.ndarray:
    """Indices of the employees a programme's target can reach."""
    if not isinstance(prog.target, str):
        return org.index_of(list(prog.target))
    if prog.target == "managers":
        return np.flatnonzero(org.is_manager)
    if prog.target == "customer_facing":
        return np.flatnonzero(org.customer_facing)
    return np.arange(org.size)


def priority(
    prog: Training,
    org: Organisation,
    rng: np.random.Generator,
    team_conflicts: np.ndarray | None = None,
) -> np.ndarray:
    """The eligible employees, in the order the targeting rule would train them.

    Ties are broken at random (from ``rng``) so no rule favours low indices.
    """
    group = eligible(prog, org)
    if not isinstance(prog.target, str):
        return group  # the order the planner listed
    shuffled = rng.permutation(group)
    if prog.target in ("random", "managers", "customer_facing"):
        return shuffled
    if prog.target == "best_connected":
        score = org.degree if prog.centrality == "degree" else betweenness(org)
        return shuffled[np.argsort(-score[shuffled], kind="stable")]
    # Whole-team rules: teams ranked, people in a team together (in shuffled order).
    n_teams = len(org.team_names)
    if prog.target == "hotspots":
        counts = np.zeros(n_teams) if team_conflicts is None else np.asarray(team_conflicts, float)
        team_order = rng.permutation(n_teams)
        team_order = team_order[np.argsort(-counts[team_order], kind="stable")]
    else:
        team_order = rng.permutation(n_teams)
    rank = np.empty(n_teams, dtype=np.int64)
    rank[team_order] = np.arange(n_teams)
    return shuffled[np.argsort(rank[org.team[shuffled]], kind="stable")]


def _split(n: int, parts: int) -> list[int]:
    """``n`` split into ``parts`` near-equal sizes, larger ones first."""
    base, extra = divmod(n, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _num(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TrainingError(f"{name} must be a number, got {value!r}", name)
    if not math.isfinite(value):
        raise TrainingError(f"{name} must be finite, got {value!r}", name)
    return float(value)


def _whole(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TrainingError(f"{name} must be a whole number, got {value!r}", name)
    return int(value)
