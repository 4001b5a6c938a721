"""The fast engine: the daily process of MODEL.md on arrays, many replicates in one pass.

``simulate(scenario, replicates, seed)`` runs the same rules as the Mesa model
(``conflictsim.model.ConflictModel``; docs/ODD.md section 3.3) and gives the same
distributions (tests/test_docking.py), but on arrays: one numba kernel per day steps every
replicate, with state shaped ``(replicates, employees)``.

Randomness is counter-based (``conflictsim.engine.philox``): every uniform is a pure function of
``(seed, replicate, day, stage, employee or tie)``. So replicate ``k`` is the same however
replicates are batched or split between processes (``first_replicate``), and two arms of
a comparison that differ only in some employees' traits use the very same number for the
same decision: common random numbers that stay aligned after the arms' trajectories part.
The engine draws only the numbers it needs (encounter draws only on ties with an upset
end), which shifts no other draw.

The kernels (``conflictsim.engine.kernels``) step one day of every replicate; this module
holds the state, the training rollout (``conflictsim.engine.rollout``) and the results.
"""

from __future__ import annotations

import concurrent.futures as cf
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.engine import philox
from conflictsim.engine.kernels import (
    BUFFER,
    COLUMNS,
    PARAM_NAMES,
    Counts,
    Network,
    Rules,
    Scratch,
    State,
    TrainingTables,
    Traits,
    initial_traits,
    neighbour_lists,
    step_days,
)
from conflictsim.engine.philox import STAGE_TRAITS
from conflictsim.engine.rollout import Rollout
from conflictsim.engine.threads import blocks, check_threads
from conflictsim.outcomes import DAILY_COLUMNS, SEVERITIES, summary_table, team_frame
from conflictsim.params import Params
from conflictsim.scenario import DAYS_PER_WEEK, Scenario
from conflictsim.traits import latent_scores

#: Parameters that may differ between the replicates of one call: those the kernel reads
#: per replicate, and the reporting rates. The latent trait SDs are left out: training
#: effects are shifts in SDs, computed once for all replicates.
PER_REPLICATE = tuple(n for n in PARAM_NAMES if n not in ("regulation_sd", "listening_sd")) + (
    "report_minor",
    "report_major",
    "report_critical",
    "skill_transfer",
)
# Tag of the stream that thins conflicts into reported incidents (Results.incidents).
_REPORTING = 0x5EC0


# ---------------------------------------------------------------------------- state
@dataclass(eq=False)
class _State:
    """Everything the kernel reads and writes, shaped (replicates, employees) or (R, ties).

    ``hired_day`` tells when the person now in a post was hired (0 for day-0 staff), so
    that the rollout drops training records of an earlier holder. ``kernel_state`` and
    ``kernel_traits`` give a block of replicates' rows as the kernels' structures.
    """

    scenario: Scenario
    seed: int
    replicate_ids: np.ndarray
    key: tuple[np.uint64, np.uint64]
    par: np.ndarray  # (replicates, len(PARAM_NAMES))
    upset: np.ndarray
    strain: np.ndarray
    vacant_until: np.ndarray
    hired_day: np.ndarray
    griev: np.ndarray  # (replicates, ties), or no ties when grievance is not kept
    griev_day: np.ndarray
    z_reg: np.ndarray
    z_lis: np.ndarray
    reg: np.ndarray
    lis: np.ndarray
    trig_p: np.ndarray
    rec_p: np.ndarray
    enc: np.ndarray
    strength: np.ndarray  # responder strengths in force today
    trained: np.ndarray
    responder_override: np.ndarray | None = field(default=None, repr=False)
    replicate_params: tuple[Params, ...] | None = field(default=None, repr=False)
    rollout: Rollout | None = field(default=None, repr=False)

    def kernel_state(self, rows: slice) -> State:
        """The day-to-day state of replicates ``rows`` (views)."""
        return State(*(getattr(self, name)[rows] for name in State._fields))

    def kernel_traits(self, rows: slice) -> Traits:
        """The traits and probabilities of replicates ``rows`` (views)."""
        return Traits(*(getattr(self, name)[rows] for name in Traits._fields))


# ---------------------------------------------------------------------------- results
@dataclass(eq=False)
class Results:
    """Replicates of one scenario from ``simulate``.

    Attributes:
        scenario: The scenario simulated.
        seed: The seed.
        replicates: Number of replicates.
        replicate_ids: Id of each replicate (its key in the random streams).
        daily_values: The daily outcomes as an array, shape (replicates, days + 1,
            len(COLUMNS)); ``daily`` is the same as a tidy frame (``replicate, day`` and
            ``COLUMNS``; day 0 is the state before the first step), and ``summary`` one
            row per replicate (``conflictsim.outcomes.summary_table``), both built from
            it on first use.
        employee_conflicts: Conflicts each post was party to, shape (replicates, size).
        edge_conflicts: Conflicts on each tie (``org.edge_src``, ``org.edge_dst`` order),
            shape (replicates, ties).
        team_daily: Conflicts per team per day, each party counted in their own team,
            shape (replicates, days + 1, teams).
        trained: Whether each post was trained during the run, shape (replicates, size).
        incident_daily: Conflicts per day, team and severity (minor, major, critical),
            each counted once at the team of the party on the receiving end, shape
            (replicates, days + 1, teams, 3); ``None`` unless teams were recorded.
        rude_weekly: Employees treated rudely in each week (days 1-5 are week 0): drawn
            into a conflict by an upset colleague, or in a clash while upset, shape
            (replicates, weeks).
    """

    scenario: Scenario
    seed: int
    replicates: int
    replicate_ids: np.ndarray
    daily_values: np.ndarray = field(repr=False)
    employee_conflicts: np.ndarray
    edge_conflicts: np.ndarray
    team_daily: np.ndarray | None
    trained: np.ndarray
    incident_daily: np.ndarray | None = field(default=None, repr=False)
    rude_weekly: np.ndarray | None = field(default=None, repr=False)
    replicate_params: tuple[Params, ...] | None = field(default=None, repr=False)
    training_people: np.ndarray | None = field(default=None, repr=False)
    training_fees: np.ndarray | None = field(default=None, repr=False)
    training_hours: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def daily(self) -> pd.DataFrame:
        """Tidy daily outcomes: ``replicate, day`` and ``COLUMNS`` (built on first use)."""
        return _daily_frame(self.daily_values, self.replicate_ids)

    @cached_property
    def summary(self) -> pd.DataFrame:
        """One row per replicate: ``replicate`` and the summary columns (built on first use)."""
        n = self.replicate_ids.size
        return summary_table(
            self.daily_values[:, 1:, : len(DAILY_COLUMNS)],
            self.scenario,
            self.replicate_ids,
            np.zeros(n, np.int64) if self.training_people is None else self.training_people,
            np.zeros(n) if self.training_fees is None else self.training_fees,
            np.zeros(n) if self.training_hours is None else self.training_hours,
        )

    def params_of(self, replicate: int) -> Params:
        """The parameters replicate ``replicate`` ran with (its calibration set, if any)."""
        if self.replicate_params is None:
            return self.scenario.params
        where = np.flatnonzero(self.replicate_ids == replicate)
        if where.size == 0:
            raise ValueError(f"replicate {replicate!r} was not simulated")
        return self.replicate_params[int(where[0])]

    def incidents(self, replicate: int = 0) -> pd.DataFrame:
        """A replicate's reported incidents, in the incident-record format.

        Each conflict reaches a record with its severity's reporting rate
        (``report_minor``, ``report_major``, ``report_critical``), at the team of the
        party on the receiving end: what the organisation's incident log would hold.
        The thinning draws are keyed by ``(seed, replicate)``, so the same replicate
        gives the same log.

        Args:
            replicate: The replicate's id (as in ``daily`` and ``summary``).

        Returns:
            One row per day, team and severity with at least one record: ``day``
            (working day from 0, the first simulated day), ``team``, ``severity``,
            ``count``.

        Raises:
            ValueError: If the replicate was not simulated or teams were not recorded.
        """
        reported = self.reported(replicate)
        day, team, sev = np.nonzero(reported)
        names = np.asarray(self.scenario.org.team_names, dtype=object)
        frame = pd.DataFrame(
            {
                "day": day.astype(np.int64),
                "team": names[team],
                "severity": np.asarray(SEVERITIES, dtype=object)[sev],
                "count": reported[day, team, sev].astype(np.int64),
            }
        )
        frame.attrs["days"] = int(reported.shape[0])
        return frame

    def reported(self, replicate: int = 0) -> np.ndarray:
        """A replicate's reported incidents as counts, shape (days, teams, 3 severities).

        Day ``d`` of the array is simulated day ``d + 1``; ``incidents`` gives the same
        as a frame.
        """
        if self.incident_daily is None:
            raise ValueError("incidents need teams recorded (simulate(..., record_teams=True))")
        where = np.flatnonzero(self.replicate_ids == replicate)
        if where.size == 0:
            raise ValueError(
                f"replicate {replicate!r} was not simulated; replicates are "
                f"{int(self.replicate_ids.min())}..{int(self.replicate_ids.max())}"
            )
        p = self.params_of(replicate)
        rates = np.array([p.report_minor, p.report_major, p.report_critical])
        counts = self.incident_daily[where[0], 1:]  # (days, teams, 3)
        rng = np.random.Generator(
            np.random.Philox(np.random.SeedSequence([self.seed, int(replicate), _REPORTING]))
        )
        return rng.binomial(counts, np.broadcast_to(rates, counts.shape))

    def weekly_rude_share(self, skip_weeks: int = 0) -> np.ndarray:
        """Share of employees treated rudely at least once in a week, per replicate.

        The mean over full weeks after the first ``skip_weeks`` (a start-up transient);
        the denominator is the organisation's size.
        """
        full = self.scenario.days // 5
        if self.rude_weekly is None or full <= skip_weeks:
            raise ValueError(f"no full week after the first {skip_weeks} to count")
        weeks = self.rude_weekly[:, skip_weeks:full]
        return weeks.mean(axis=1) / self.scenario.org.size

    def team_frame(self) -> pd.DataFrame:
        """Conflicts per team and day as a tidy frame: replicate, day, team, conflicts."""
        if self.team_daily is None:
            raise ValueError("teams were not recorded (simulate(..., record_teams=False))")
        return team_frame(self.team_daily, self.scenario.org.team_names, self.replicate_ids)

    def __repr__(self) -> str:
        return (
            f"Results({self.replicates} replicates of {self.scenario.org.size} employees "
            f"x {self.scenario.days} days, seed {self.seed})"
        )


# ---------------------------------------------------------------------------- driver
def simulate(
    scenario: Scenario,
    replicates: int = 100,
    seed: int = 1,
    *,
    first_replicate: int = 0,
    replicate_ids: Sequence[int] | None = None,
    record_teams: bool = True,
    calibration: Any = None,
    replicate_params: Sequence[Params] | None = None,
    threads: int | None = None,
    _responder_strength: Any = None,
    _day_by_day: bool = False,
) -> Results:
    """Simulate replicates of a scenario with the fast engine.

    The rules are those of the Mesa model (``ConflictModel``) and docs/ODD.md; the
    random numbers differ, the distributions do not (tests/test_docking.py). Replicate
    ``k`` depends only on ``(seed, k)``: running replicates 50..99 in another process
    (``first_replicate=50``) gives the same rows as running 0..99 at once.

    Args:
        scenario: What to simulate.
        replicates: Number of replicates (at least 1).
        seed: Seed, a whole number in [0, 2**64).
        first_replicate: Id of the first replicate; replicates are
            ``first_replicate .. first_replicate + replicates - 1``.
        replicate_ids: Explicit replicate ids instead (overrides ``replicates`` and
            ``first_replicate``).
        record_teams: Keep conflicts per team per day (``Results.team_daily``).
        calibration: A ``Calibration`` of the scenario's organisation: replicate ``k``
            runs its parameter set ``k`` (cycling), the scenario's parameters standing
            for the rest (``Calibration.scenario_params``).
        replicate_params: The parameters of each replicate instead (one per replicate);
            only those the kernel reads per replicate may differ (``PER_REPLICATE``).
        threads: Threads to spread the replicates over; the numbers do not depend on it.
            Default: every core, one in a pool's worker process, or ``CONFLICTSIM_THREADS``
            (``conflictsim.engine.threads``).
        _responder_strength: For tests only: responder strength in [0, 1] of each
            day-0 post holder, shape (size,) or (replicates, size); lost when they quit.
        _day_by_day: For tests only: one kernel call and one rollout step a day, as if
            something acted between any two days (the numbers must not change).

    Returns:
        The replicates' outcomes (``Results``).

    Raises:
        ValueError: If the scenario is not a ``Scenario`` or the counts are invalid.
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    n_threads = check_threads(threads)
    ids = _replicate_ids(replicates, first_replicate, replicate_ids)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    key = philox.key_of(int(seed))
    org = scenario.org
    if 2 * org.n_edges >= 2**31:  # int32 neighbour lists
        raise ValueError("the organisation has too many ties for the engine (2**30 at most)")
    counted, scenario = scenario, scenario.simulated()  # the warm-up, then the days counted
    if scenario.days > philox.MAX_DAY:
        raise ValueError(
            f"days must be at most {philox.MAX_DAY - counted.warmup} with a warm-up of "
            f"{counted.warmup}, got {counted.days}"
        )

    plist = _parameter_sets(scenario, ids, calibration, replicate_params)
    state = _initial_state(scenario, int(seed), ids, key, plist)
    if scenario.programmes:
        transfer = None if plist is None else np.array([p.skill_transfer for p in plist])
        state.rollout = Rollout(scenario, int(seed), ids, transfer)
        # Hotspot targeting reads each team's conflicts before the start day.
        record_teams = record_teams or state.rollout.needs_teams
    if _responder_strength is not None:
        s = np.broadcast_to(np.asarray(_responder_strength, dtype=np.float64), state.upset.shape)
        if np.any((s < 0) | (s > 1)):
            raise ValueError("responder strengths must lie in [0, 1]")
        state.responder_override = s.copy()
    res = _run(state, record_teams, n_threads, _day_by_day, counted.warmup)
    del state  # the state's arrays (grievance per tie) are freed before _counted copies
    return _counted(res, counted)


def _replicate_ids(
    replicates: int, first_replicate: int, replicate_ids: Sequence[int] | None
) -> np.ndarray:
    """The ids of the replicates asked for (``simulate``'s arguments), checked."""
    if replicate_ids is None:
        if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)):
            raise ValueError(f"replicates must be a whole number, got {replicates!r}")
        if replicates < 1:
            raise ValueError(f"replicates must be at least 1, got {replicates!r}")
        if (
            isinstance(first_replicate, bool)
            or not isinstance(first_replicate, (int, np.integer))
            or first_replicate < 0
        ):
            raise ValueError(
                f"first_replicate must be a whole number >= 0, got {first_replicate!r}"
            )
        ids = np.arange(first_replicate, first_replicate + replicates, dtype=np.int64)
    else:
        ids = np.asarray(list(replicate_ids), dtype=np.int64)
        if ids.size < 1:
            raise ValueError("replicate_ids must name at least one replicate")
    if ids.min() < 0 or ids.max() > philox.MAX_REPLICATE:
        raise ValueError(f"replicate ids must lie in [0, 2**32), got {ids.min()}..{ids.max()}")
    return ids


def _parameter_sets(
    scenario: Scenario,
    ids: np.ndarray,
    calibration: Any,
    replicate_params: Sequence[Params] | None,
) -> list[Params] | None:
    """Each replicate's parameters (None: the scenario's for all), checked."""
    plist = None
    if calibration is not None:
        if replicate_params is not None:
            raise ValueError("give a calibration or replicate_params, not both")
        calibration.check_org(scenario.org)
        plist = [calibration.scenario_params(scenario.params, int(k)) for k in ids]
    elif replicate_params is not None:
        plist = list(replicate_params)
        if len(plist) != ids.size:
            raise ValueError(f"replicate_params has {len(plist)} sets for {ids.size} replicates")
    if plist is not None:
        _check_shared([scenario.params, *plist])  # the scenario's values stand for all
    return plist


def _check_shared(plist: list[Params]) -> None:
    """Refuse replicate parameter sets that differ where the engine needs one value."""
    first = plist[0]
    for p in plist:
        if not isinstance(p, Params):
            raise ValueError(f"replicate parameters must be Params, got {type(p).__name__}")
        if p.contact_certain != first.contact_certain:
            raise ValueError("replicates cannot mix the SIS limit with other parameters")
        for name in first:
            if name not in PER_REPLICATE and p[name] != first[name]:
                raise ValueError(
                    f"parameter {name!r} must be the same in every replicate "
                    f"({first[name]!r} and {p[name]!r}); only {', '.join(PER_REPLICATE)} "
                    "may differ"
                )


def _initial_state(
    scenario: Scenario, seed: int, ids: np.ndarray, key, plist: list[Params] | None = None
) -> _State:
    """Day 0: latent traits and the initial upset set of every replicate, keyed draws."""
    org = scenario.org
    n_rep, n = ids.size, org.size
    given = plist
    plist = plist or [scenario.params] * n_rep
    par = np.array([[float(p[name]) for name in PARAM_NAMES] for p in plist])
    z_reg = np.empty((n_rep, n))
    z_lis = np.empty((n_rep, n))
    upset = np.zeros((n_rep, n), dtype=np.uint8)
    listed, k = scenario.initial_upset_listed, scenario.initial_upset_count
    for r, rep in enumerate(ids):
        p = plist[r]
        normals = philox.normal_pairs(seed, int(rep), 0, STAGE_TRAITS, n)
        z_reg[r] = latent_scores(org.regulation, p.regulation_mean, p.regulation_sd, normals[:, 0])
        z_lis[r] = latent_scores(org.listening, p.listening_mean, p.listening_sd, normals[:, 1])
        upset[r, philox.choose(seed, int(rep), n, k) if listed is None else listed] = 1
    shape = (n_rep, n)
    # Grievance matters only through grievance_weight; without it nothing is stored.
    g_shape = (n_rep, org.n_edges) if _uses_grievance(par) else (n_rep, 0)
    state = _State(
        replicate_params=None if given is None else tuple(plist),
        scenario=scenario,
        seed=seed,
        replicate_ids=ids,
        key=key,
        par=par,
        upset=upset,
        strain=np.zeros(shape),
        vacant_until=np.full(shape, -1, dtype=np.int32),
        hired_day=np.zeros(shape, dtype=np.int32),
        griev=np.zeros(g_shape, dtype=np.float32),
        griev_day=np.zeros(g_shape, dtype=np.int32),
        z_reg=z_reg,
        z_lis=z_lis,
        reg=np.empty(shape),
        lis=np.empty(shape),
        trig_p=np.empty(shape),
        rec_p=np.empty(shape),
        enc=np.empty((*shape, 2), dtype=np.float32),
        strength=np.zeros(shape),
        trained=np.zeros(shape, dtype=bool),
    )
    cust = np.ascontiguousarray(org.customer_facing, dtype=np.bool_)
    initial_traits(par, cust, state.kernel_traits(slice(None)))
    return state


def _uses_grievance(par: np.ndarray) -> bool:
    """Whether any replicate's conflicts depend on grievance (``grievance_weight > 0``)."""
    return bool((par[:, PARAM_NAMES.index("grievance_weight")] > 0).any())


def _counted(res: Results, scenario: Scenario) -> Results:
    """The days after the warm-up of ``scenario``: its last day becomes day 0.

    Day 0 keeps the state (who is upset) and no flows, as a run without a warm-up; the
    per-post and per-tie counts were restarted at the end of the warm-up by ``_run``.
    """
    w = scenario.warmup
    if not w:
        return res
    daily = res.daily_values[:, w:].copy()
    flows = [c for c, name in enumerate(COLUMNS) if name != "upset"]
    daily[:, 0, flows] = 0
    teams = res.team_daily
    if teams is not None:
        teams = teams[:, w:].copy()
        teams[:, 0] = 0
    incidents = res.incident_daily
    if incidents is not None:
        incidents = incidents[:, w:].copy()
        incidents[:, 0] = 0
    rude = res.rude_weekly[:, w // DAYS_PER_WEEK :] if res.rude_weekly is not None else None
    return replace(
        res,
        scenario=scenario,
        daily_values=daily,
        team_daily=teams,
        incident_daily=incidents,
        rude_weekly=rude,
    )


def _run(
    state: _State,
    record_teams: bool,
    threads: int = 1,
    day_by_day: bool = False,
    warmup: int = 0,
) -> Results:
    """Step every day of ``state.scenario``; per-post and per-tie counts from ``warmup`` on."""
    days = state.scenario.days
    network = _network(state.scenario.org)
    counts = _counts(state, record_teams)
    rules = _rules(state, record_teams)
    rollout = state.rollout
    if rollout is not None:  # sessions of day 0, before the first step
        rollout.train(0, state.hired_day, state.vacant_until, counts.team_daily)
    # Blocks of replicates, one per thread, each with its own scratch: the day's flags
    # and gather buffers (a chunk that stays in cache, plus room for one employee's ties).
    rows = blocks(state.upset.shape[0], threads)
    scratch = [_scratch(network) for _ in rows]
    structures = [
        (state.kernel_state(s), state.kernel_traits(s), scratch[b], _block_counts(counts, s))
        for b, s in enumerate(rows)
    ]

    with cf.ThreadPoolExecutor(len(rows)) if len(rows) > 1 else _Inline() as pool:

        def each_block(task: Callable[[int], None]) -> None:
            for future in [pool.submit(task, b) for b in range(len(rows))]:
                future.result()  # re-raises a block's error

        def step(b: int, first: int, last: int, tables: TrainingTables, use: bool) -> None:
            """Days ``first..last`` of block ``b``."""
            b_rules = _block_rules(rules, rows[b])._replace(use_responders=use)
            step_days(
                np.int64(first), np.int64(last), b_rules, network, *structures[b],
                _block_tables(tables, rows[b]),
            )  # fmt: skip

        # Between training sessions nothing outside the kernel acts (it keeps the training
        # in force itself): those days run in one call, all days without training.
        first = 1
        while first <= days:
            last = days if rollout is None else min(rollout.next_session(first), days)
            last = first if day_by_day else last
            if first <= warmup:  # the warm-up ends a call: its counts are not kept
                last = min(last, warmup)
            tables = _training_tables(state)
            use = rules.use_responders and (
                tables.has_override or bool((tables.active & tables.responders).any())
            )
            each_block(lambda b, f=first, la=last, t=tables, u=use: step(b, f, la, t, u))
            if rollout is not None:
                rollout.train(last, state.hired_day, state.vacant_until, counts.team_daily)
            if last == warmup:
                counts.employee_conflicts[:] = 0
                counts.edge_conflicts[:] = 0
            first = last + 1
    return _results(state, counts, record_teams)


def _network(org: Any) -> Network:
    """The organisation's ties as neighbour lists, with each post's team and customers."""
    return Network(
        *neighbour_lists(
            np.int64(org.size),
            np.ascontiguousarray(org.edge_src, dtype=np.int32),
            np.ascontiguousarray(org.edge_dst, dtype=np.int32),
            np.ascontiguousarray(org.edge_prob, dtype=np.float64),
        ),
        team=np.ascontiguousarray(org.team, dtype=np.int32),
        customer_facing=np.ascontiguousarray(org.customer_facing, dtype=np.bool_),
    )


def _rules(state: _State, record_teams: bool) -> Rules:
    """The rules of every replicate; ``use_responders``: whether any may succeed at all."""
    p, par = state.scenario.params, state.par
    decay = par[:, PARAM_NAMES.index("grievance_decay")]
    return Rules(
        par=par,
        decay_pow=(1 - decay[:, None]) ** np.arange(state.scenario.days + 1, dtype=np.float64),
        replicate_ids=state.replicate_ids,
        k0=state.key[0],
        k1=state.key[1],
        vacancy_days=np.int64(p.vacancy_days),
        contact_certain=bool(p.contact_certain),
        use_grievance=_uses_grievance(par),
        use_responders=bool((par[:, PARAM_NAMES.index("responder_success")] > 0).any()),
        record_teams=bool(record_teams),
    )


def _block_rules(rules: Rules, rows: slice) -> Rules:
    """The rules of replicates ``rows``."""
    return rules._replace(
        par=rules.par[rows],
        decay_pow=rules.decay_pow[rows],
        replicate_ids=rules.replicate_ids[rows],
    )


def _counts(state: _State, record_teams: bool) -> Counts:
    """Empty counts of every replicate; day 0's upset (the state before the first step)."""
    org, days = state.scenario.org, state.scenario.days
    n_rep, n = state.upset.shape
    daily = np.zeros((n_rep, days + 1, len(COLUMNS)))
    daily[:, 0, COLUMNS.index("upset")] = state.upset.sum(axis=1)
    by_team = (n_rep, days + 1, max(len(org.team_names), 1)) if record_teams else (n_rep, 1, 1)
    return Counts(
        daily=daily,
        team_daily=np.zeros(by_team, np.int32),
        # Conflicts by day, team and severity for incident records; kept with the teams.
        incident_daily=np.zeros((*by_team, 3), np.int32),
        employee_conflicts=np.zeros((n_rep, n), dtype=np.int32),
        edge_conflicts=np.zeros((n_rep, org.n_edges), dtype=np.int32),  # conflicts per tie
        rude_week=np.full((n_rep, n), -1, dtype=np.int32),
        rude_weekly=np.zeros((n_rep, max((days + 4) // 5, 1)), dtype=np.int32),
    )


def _block_counts(counts: Counts, rows: slice) -> Counts:
    """The counts of replicates ``rows`` (views)."""
    return Counts(*(a[rows] for a in counts))


def _scratch(network: Network) -> Scratch:
    """A block's buffers: a chunk of ties that stays in cache, and one employee's more."""
    n = network.team.size
    n_cand = BUFFER + (int(np.diff(network.indptr).max()) if n > 0 else 0)
    return Scratch(
        flags=np.zeros(n, dtype=np.uint8),
        cand_tie=np.empty(n_cand, dtype=np.int32),
        cand_upset=np.empty(n_cand, dtype=np.int32),
        cand_other=np.empty(n_cand, dtype=np.int32),
        thr_met=np.empty(n_cand),
        thr_conflict=np.empty(n_cand),
        thr_calm=np.empty(n_cand),
        hit=np.empty(n_cand, dtype=np.uint8),
        u_escalate=np.empty(n_cand),
        severities=np.zeros(3, dtype=np.int64),
    )


def _training_tables(state: _State) -> TrainingTables:
    """The training in force until the next session (valid until ``Rollout.train``)."""
    n_rep, n = state.upset.shape
    rollout, override = state.rollout, state.responder_override
    if rollout is None:  # no programmes: empty tables
        tables = (
            np.zeros((n_rep, 0, n)),
            np.zeros(0, dtype=np.int64),
            np.zeros(0, dtype=np.bool_),
            np.zeros(0, dtype=np.bool_),
            np.zeros((0, state.scenario.days + 1)),
            np.zeros((n_rep, 0, 2)),
        )
    else:
        tables = rollout.kernel_tables()
    return TrainingTables(
        *tables,
        override=np.zeros((n_rep, 1)) if override is None else override,  # else not read
        has_override=override is not None,
        in_use=rollout is not None or override is not None,
    )


def _block_tables(tables: TrainingTables, rows: slice) -> TrainingTables:
    """The training tables of replicates ``rows``."""
    return tables._replace(
        weight=tables.weight[rows], shift=tables.shift[rows], override=tables.override[rows]
    )


def _results(state: _State, counts: Counts, record_teams: bool) -> Results:
    """The run's ``Results`` from its final state and counts."""
    rollout = state.rollout
    fees, hours = rollout.fees_and_hours() if rollout is not None else (None, None)
    if rollout is not None:
        state.trained = rollout.ever
    return Results(
        scenario=state.scenario,
        seed=state.seed,
        replicates=state.replicate_ids.size,
        replicate_ids=state.replicate_ids,
        daily_values=counts.daily,
        training_people=rollout.people if rollout is not None else None,
        training_fees=fees,
        training_hours=hours,
        employee_conflicts=counts.employee_conflicts.astype(np.int64),
        edge_conflicts=counts.edge_conflicts.astype(np.int64),
        team_daily=counts.team_daily if record_teams else None,
        trained=state.trained,
        incident_daily=counts.incident_daily if record_teams else None,
        rude_weekly=counts.rude_weekly,
        replicate_params=state.replicate_params,
    )


class _Inline:
    """An executor that runs each task at once, in this thread (one block of replicates)."""

    def __enter__(self) -> _Inline:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def submit(self, task: Callable[[int], None], b: int) -> cf.Future:
        future: cf.Future = cf.Future()
        future.set_result(task(b))
        return future


def _daily_frame(daily: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    n_rep, n_days, _ = daily.shape
    data: dict[str, np.ndarray] = {
        "replicate": np.repeat(ids, n_days),
        "day": np.tile(np.arange(n_days, dtype=np.int64), n_rep),
    }
    for c, name in enumerate(COLUMNS):
        col = daily[:, :, c].ravel()
        data[name] = col if name == "conflict_hours" else col.astype(np.int64)
    return pd.DataFrame(data)
