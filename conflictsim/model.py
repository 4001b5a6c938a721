"""The Mesa model: Employee agents following MODEL.md's daily process, one replicate.

The model steps agent by agent, as Mesa models do; it is the readable reference
implementation. The fast engine (``conflictsim.simulate``) runs the same rules on arrays
and is checked against this model (tests/test_docking.py).

A day (``ConflictModel.simulate_day``) is the list of MODEL.md section 3, one method a
step: ``presence``, ``triggers``, ``contacts``, ``encounters``, ``severity``,
``respond``, ``recovery``, ``strain_and_turnover``, ``train``. The rules one employee
decides alone (turning up, an outside trigger, recovering, strain, quitting) are
``Employee`` methods; the rules between two people are the model's. Every decision of a
day reads the state at the start of that day and all changes apply together at its end
(``end_of_day``). Draws happen in the order of the daily process, employees and ties in
index order, so one seed gives one trajectory.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mesa
import networkx as nx
import numpy as np
import pandas as pd
from mesa.discrete_space import Network
from mesa.experimental.scenarios import Scenario as MesaScenario

from conflictsim.agents import Employee
from conflictsim.organisation import Organisation
from conflictsim.outcomes import summarise, team_frame
from conflictsim.params import REGISTRY, Params
from conflictsim.scenario import Scenario
from conflictsim.seeds import space_random, targeting_rngs
from conflictsim.training import Training, cost_of_sessions, fees_and_hours
from conflictsim.traits import draw_population

MINOR, MAJOR, CRITICAL = 0, 1, 2


# Data reporters: small named functions, one per daily outcome (MODEL.md section 5).
def count_upset(model: ConflictModel) -> int:
    """Employees upset at the end of the day."""
    return sum(1 for a in model.employees if a.upset)


def count_conflicts(model: ConflictModel) -> int:
    """Conflicts today, every severity."""
    return sum(model.today["conflicts_by_severity"])


def count_minor(model: ConflictModel) -> int:
    """Minor conflicts today."""
    return model.today["conflicts_by_severity"][MINOR]


def count_major(model: ConflictModel) -> int:
    """Major conflicts today."""
    return model.today["conflicts_by_severity"][MAJOR]


def count_critical(model: ConflictModel) -> int:
    """Critical conflicts today."""
    return model.today["conflicts_by_severity"][CRITICAL]


def count_absent(model: ConflictModel) -> int:
    """Employees in post who were absent today."""
    return model.today["absent"]


def count_quits(model: ConflictModel) -> int:
    """Employees who quit today."""
    return model.today["quits"]


def conflict_hours(model: ConflictModel) -> float:
    """Work hours lost to today's conflicts, both parties counted."""
    return model.today["conflict_hours"]


def count_vacant(model: ConflictModel) -> int:
    """Posts empty at the end of the day."""
    return sum(1 for a in model.employees if a.vacant)


@dataclass(slots=True, eq=False)
class Conflict:
    """One conflict of the day, from the encounter (step 4) to the end of the day.

    Attributes:
        upset: The party upset at the start of the day.
        other: The other party: composed at the start of the day, or upset too (a clash).
        drawn_in: The party the conflict upsets (``other`` when it was composed), or None
            (a clash, or a responder kept them composed).
        severity: ``MINOR``, ``MAJOR`` or ``CRITICAL``.
    """

    upset: Employee
    other: Employee
    drawn_in: Employee | None
    severity: int = MINOR


REPORTERS = {
    "upset": count_upset,
    "conflicts": count_conflicts,
    "conflicts_minor": count_minor,
    "conflicts_major": count_major,
    "conflicts_critical": count_critical,
    "absent": count_absent,
    "quits": count_quits,
    "conflict_hours": conflict_hours,
    "vacant": count_vacant,
}


class ConflictModel(mesa.Model):
    """Conflict spreading through an organisation, one replicate, day by day.

    Built from a ``Scenario``, or from keywords as Mesa models are (``mesa.batch_run``
    sweeps them by name; SolaraViz sliders set them): ``ConflictModel()`` is a year in
    the default office (``Organisation.generate()``) with the default parameters, the same
    as ``ConflictModel(Scenario(Organisation.generate()))``. Keywords given with a
    scenario change that scenario (all but the organisation's).

    Example:
        >>> model = ConflictModel(org="call_centre", size=120, transmission=0.1, rng=1)
        >>> mesa.batch_run(ConflictModel, {"transmission": [0.05, 0.1]}, rng=[1, 2])

    Args:
        scenario: What to simulate: organisation, parameters, programmes, horizon. A
            Mesa ``Scenario`` (what SolaraViz passes) is read as keywords and its rng.
        rng: Seed (or numpy Generator) for every random draw of this replicate.
        org: An ``Organisation``, or a preset's name (``conflictsim.PRESETS``; default
            ``office``) to generate one.
        size: Employees of a generated organisation (default 500).
        org_seed: Seed of a generated organisation (default 0): the same organisation
            in every replicate, whatever ``rng``.
        days: Working days counted (default 250, a year): the horizon.
        programmes: Training programmes: ``Training`` objects or kinds' names (a name
            is ``Training(name)``: everyone, at day 0), one or a list; ``"none"`` for
            none (a menu's choice).
        initial_upset: Share of employees upset at the start, or a list of ids.
        warmup: Working days simulated before day 0 and not counted (default 20).
        params: ``Params`` to start from (default ``Params()``).
        **parameters: Any parameter of ``conflictsim.params.REGISTRY`` by name (for
            example ``transmission=0.1``), over ``params``.

    Raises:
        ValueError: For an unknown keyword (naming it, with the nearest known one), an
            out-of-range parameter, or an organisation keyword given with a scenario.

    Attributes:
        seed: The replicate's seed, from which the targeting streams are spawned.
        employees: The agents, in the organisation's index order.
        space: The contact graph as a Mesa ``Network`` (``contact_space``): employee
            ``i`` sits in cell ``space[i]``, its neighbours are the contacts.
        datacollector: Mesa's DataCollector, collecting from day 0 (the state before the
            first step) after every step; by default the ``REPORTERS``. Replace it, or
            add reporters, freely: ``daily_frame`` and ``summary`` read ``daily``.
        daily: The model's own record of the ``REPORTERS``, one value a day from day 0.
        running: False once the scenario's horizon is reached (Mesa's stopping rule).
        today: The last day's counts, and its conflicts' ``parties``: (upset party,
            other party) index pairs, the other composed at the start of the day unless
            the two clashed.
        day: The last day simulated (0 before the first step).
    """

    def __init__(
        self,
        scenario: Scenario | MesaScenario | None = None,
        rng: Any = None,
        *,
        org: str | Organisation | None = None,
        size: int | None = None,
        org_seed: int | None = None,
        days: int | None = None,
        programmes: Any = None,
        initial_upset: float | Sequence[Any] | None = None,
        warmup: int | None = None,
        params: Params | None = None,
        **parameters: float,
    ) -> None:
        if isinstance(scenario, MesaScenario):
            # SolaraViz's Reset passes Mesa's Scenario: its entries are keywords.
            given = {k: v for k, v in scenario if k != "rng"}
            rng = scenario.rng if rng is None else rng
            scenario = None
        else:
            given = {}
        keywords = {
            "org": org,
            "size": size,
            "org_seed": org_seed,
            "days": days,
            "programmes": programmes,
            "initial_upset": initial_upset,
            "warmup": warmup,
            "params": params,
        }
        given.update({k: v for k, v in keywords.items() if v is not None}, **parameters)
        scenario = scenario_of(scenario, **given)
        super().__init__(rng=rng)
        # The replicate's seed, for the targeting streams (conflictsim.seeds): the integer
        # given, or one drawn from the generator given (or from fresh entropy).
        self.seed = (
            int(rng)
            if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)
            else int(self.rng.integers(np.iinfo(np.int32).max))
        )
        # Mesa's Model already has a `scenario` attribute of its own; keep ours apart.
        self.setup = scenario
        # The days stepped through: the warm-up, then the days counted (programmes' days
        # moved on by the warm-up), as in the fast engine.
        self._run = scenario.simulated()
        self._warmup = scenario.warmup
        self.org = scenario.org
        self.params: Params = scenario.params
        self.programmes = list(self._run.programmes)
        p = self.params

        # Day 0: traits first, then who starts upset, all from this replicate's rng.
        z_reg, z_lis = draw_population(self.org.regulation, self.org.listening, p, self.rng)
        upset0 = scenario.initial_upset_mask(self.rng)
        self.employees = [
            Employee(self, i, float(z_reg[i]), float(z_lis[i]), bool(upset0[i]))
            for i in range(self.org.size)
        ]
        for a in self.employees:
            a.contacts = [self.employees[j] for j in self.org.neighbours(a.index)]
        self.space = self.contact_space()
        for a in self.employees:
            a.cell = self.space[a.index]
        self._ties = [
            (self.employees[s], self.employees[d], 1.0 if p.contact_certain else float(q))
            for s, d, q in zip(
                self.org.edge_src.tolist(),
                self.org.edge_dst.tolist(),
                self.org.edge_prob.tolist(),
                strict=True,
            )
        ]
        # Tie of each pair of posts, for counting conflicts per tie.
        self._tie_of = {}
        ends = zip(self.org.edge_src.tolist(), self.org.edge_dst.tolist(), strict=True)
        for e, (s_, d_) in enumerate(ends):
            self._tie_of[(s_, d_)] = self._tie_of[(d_, s_)] = e
        self.edge_conflicts = np.zeros(self.org.n_edges, dtype=np.int64)
        self.today: dict[str, Any] = _empty_day()

        # Conflicts per team and day from the start of the warm-up (hotspot targeting
        # reads the days before a programme's start, warm-up included).
        self._team_history = [np.zeros(len(self.org.team_names), dtype=np.int64)]

        # Who gets trained is drawn from streams of their own (one per programme), so that
        # arms differing only in the programme's kind train the same people and share
        # every other draw.
        self.targeting_rngs = targeting_rngs(self.seed, len(self.programmes))
        self.waves: list[list[np.ndarray] | None] = [None] * len(self.programmes)
        self.sessions = np.zeros(len(self.programmes), dtype=np.int64)
        self.days_held = np.zeros(len(self.programmes), dtype=np.int64)
        self.people_trained = 0
        self.ever_trained = np.zeros(self.org.size, dtype=bool)
        self.train(0)

        # The model keeps its own daily record of the outcomes (``daily_frame``, ``summary``),
        # so a DataCollector with other reporters, or none of these, changes nothing.
        self.daily: dict[str, list] = {name: [] for name in REPORTERS}
        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        # The warm-up runs before Mesa's clock starts and is not counted: day 0 is its
        # end, with the counts of conflicts per post and tie started afresh.
        for day in range(1, self._warmup + 1):
            self.simulate_day(day)
        if self._warmup:
            self.edge_conflicts[:] = 0
            for a in self.employees:
                a.conflicts = 0
            self.today = _empty_day()
        self.record_day()
        # Mesa's stopping condition (``batch_run``, SolaraViz): the horizon is reached.
        self.running = self.day < self.setup.days

    def contact_space(self) -> Network:
        """The contact graph as a Mesa space: a ``Network`` cell per post, tie for tie.

        Nodes are the employees' indices, and each edge carries its ``contact_prob``. No
        layout is computed (SolaraViz lays the graph out itself), and the space has a
        random stream of its own (``seeds.space_random``): building it draws nothing
        from the model's streams, so the numbers simulated are those without a space.
        """
        graph = nx.Graph()
        graph.add_nodes_from(range(self.org.size))
        graph.add_weighted_edges_from(
            zip(
                self.org.edge_src.tolist(),
                self.org.edge_dst.tolist(),
                self.org.edge_prob.tolist(),
                strict=True,
            ),
            weight="contact_prob",
        )
        return Network(graph, capacity=1, random=space_random(self.seed), layout=None)

    @property
    def day(self) -> int:
        """The last day simulated (0 before the first step, the end of the warm-up)."""
        return self.steps

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Simulate one working day (MODEL.md section 3) and record it.

        ``running`` turns False once the scenario's horizon (``days``) is reached; stepping
        on is allowed (the rules do not depend on the horizon, programmes' waves aside).
        """
        self.simulate_day(self.steps + self._warmup)
        self.record_day()
        self.running = self.day < self.setup.days

    def simulate_day(self, day: int) -> None:
        """Day ``day`` of the run (warm-up days included): MODEL.md section 3, steps 1-9.

        Steps 1-7 only decide: every decision reads the state at the start of the day, and
        everything decided applies together in ``end_of_day`` (synchronous update). The
        stages run in this order, which is the order of random draws.
        """
        self.today = _empty_day()
        self.refresh_traits(day)
        self.presence()  # 1
        triggered = self.triggers()  # 2
        met = self.contacts()  # 3
        conflicts, calmed = self.encounters(met)  # 4
        self.severity(conflicts)  # 5
        self.respond(conflicts, met, day)  # 6
        recovered = self.recovery()  # 7
        upset_at_start = self.end_of_day(triggered, calmed, conflicts, recovered)
        self.strain_and_turnover(day, upset_at_start)  # 8
        self.train(day)  # 9

    def refresh_traits(self, day: int) -> None:
        """Traits today: latent scores plus what is left of each training (section 4)."""
        for a in self.employees:
            if a.trainings:
                a.update_traits(day, self.programmes)

    def presence(self) -> None:
        """Step 1, presence: who is at work today (``Employee.turn_up``)."""
        for a in self.employees:
            if not a.turn_up() and not a.vacant:
                self.today["absent"] += 1

    def triggers(self) -> list[Employee]:
        """Step 2, triggers: present, composed employees upset from outside the team."""
        if self.params.trigger <= 0:
            return []  # no draws at all when triggers are off (the SIS limit)
        return [a for a in self.employees if a.present and not a.upset and a.triggered()]

    def contacts(self) -> list[tuple[Employee, Employee]]:
        """Step 3, contacts: the ties active today, each met with its contact probability.

        A tie is active if both ends are present and they meet (certain ties draw nothing).
        """
        rnd = self.random.random
        return [
            (a, b) for a, b, q in self._ties if a.present and b.present and (q >= 1.0 or rnd() < q)
        ]

    def encounters(
        self, met: list[tuple[Employee, Employee]]
    ) -> tuple[list[Conflict], set[Employee]]:
        """Step 4, encounters on the active ties, by the two start-of-day states.

        An upset employee ``u`` meeting a composed one ``c`` draws them into a conflict
        with probability ``transmission * (1 - listening_shield * listening_c) *
        (1 - regulation_shield * regulation_c) * (1 + grievance_weight * grievance_uc)``;
        with no conflict, ``c`` calms ``u`` with probability ``listening_calm *
        listening_c``. Two upset employees clash with probability ``clash``.

        Returns:
            Today's conflicts (minor so far) and the upset employees calmed.
        """
        p = self.params
        rnd = self.random.random
        conflicts: list[Conflict] = []
        calmed = set()
        for a, b in met:
            if a.upset and b.upset:
                if rnd() < p.clash:
                    conflicts.append(Conflict(a, b, None))
            elif a.upset or b.upset:
                u, c = (a, b) if a.upset else (b, a)
                g = u.grievance.get(c.index, 0.0)
                p_conflict = (
                    p.transmission
                    * (1 - p.listening_shield * c.listening)
                    * (1 - p.regulation_shield * c.regulation)
                    * (1 + p.grievance_weight * g)
                )
                if rnd() < p_conflict:
                    conflicts.append(Conflict(u, c, c))
                elif p.listening_calm > 0 and rnd() < p.listening_calm * c.listening:
                    calmed.add(u)
        return conflicts, calmed

    def severity(self, conflicts: list[Conflict]) -> None:
        """Step 5, severity: each conflict escalates above minor, some to critical.

        With probability ``escalation * (1 - regulation of the calmer party) *
        (1 + grievance_weight * grievance)``, and to critical with ``critical_share`` of
        those. (The grievance each conflict leaves is added in ``record_conflicts``.)
        """
        p = self.params
        rnd = self.random.random
        for conflict in conflicts:
            a, b = conflict.upset, conflict.other
            g = a.grievance.get(b.index, 0.0)
            p_escalate = (
                p.escalation * (1 - max(a.regulation, b.regulation)) * (1 + p.grievance_weight * g)
            )
            if rnd() < p_escalate:
                conflict.severity = CRITICAL if rnd() < p.critical_share else MAJOR

    def respond(
        self, conflicts: list[Conflict], met: list[tuple[Employee, Employee]], day: int
    ) -> None:
        """Step 6, responders: a de-escalation trainee who met either party may defuse it.

        Only someone met today (an active contact of step 3) responds; with probability
        ``responder_success`` times their skill left, the conflict drops one level of
        severity and the party it would have drawn in stays composed.
        """
        if not any(prog.makes_responders for prog in self.programmes):
            return
        p = self.params
        rnd = self.random.random
        met_by: dict[Employee, list[Employee]] = {}
        for a, b in met:
            met_by.setdefault(a, []).append(b)
            met_by.setdefault(b, []).append(a)
        for conflict in conflicts:
            a, b = conflict.upset, conflict.other
            strength = max(
                (
                    r.responder_strength(day, self.programmes)
                    for r in met_by.get(a, []) + met_by.get(b, [])
                    if r is not a and r is not b and r.trainings
                ),
                default=0.0,
            )
            if strength > 0 and rnd() < p.responder_success * strength:
                conflict.severity = max(conflict.severity - 1, MINOR)
                conflict.drawn_in = None  # the drawn-in party stays composed

    def recovery(self) -> list[Employee]:
        """Step 7, recovery: those upset at the start of the day who recover."""
        return [a for a in self.employees if a.upset and a.recovers()]

    def end_of_day(
        self,
        triggered: list[Employee],
        calmed: set[Employee],
        conflicts: list[Conflict],
        recovered: list[Employee],
    ) -> list[bool]:
        """Everything decided today applies together, and today's conflicts are recorded.

        Returns:
            Who was upset at the start of the day (step 8's strain reads it).
        """
        drawn_in = {c.drawn_in for c in conflicts if c.drawn_in is not None}
        upset_at_start = [a.upset for a in self.employees]
        for a in recovered:
            a.upset = False
        for a in calmed:
            a.upset = False
        for a in triggered:
            a.upset = True
        for a in drawn_in:
            a.upset = True
        self.record_conflicts(conflicts)
        return upset_at_start

    def record_conflicts(self, conflicts: list[Conflict]) -> None:
        """Step 5's grievance (decay, then 1 more per conflict) and today's counts."""
        p = self.params
        today = self.today
        hours = (p.hours_minor, p.hours_major, p.hours_critical)
        decay = 1 - p.grievance_decay
        for a in self.employees:
            if a.grievance:
                a.grievance = {k: v * decay for k, v in a.grievance.items()}
        team_today = np.zeros(len(self.org.team_names), dtype=np.int64)
        for conflict in conflicts:
            a, b, severity = conflict.upset, conflict.other, conflict.severity
            today["conflicts_by_severity"][severity] += 1
            today["conflict_hours"] += 2 * hours[severity]
            today["parties"].append((a.index, b.index))
            a.grievance[b.index] = a.grievance.get(b.index, 0.0) + 1
            b.grievance[a.index] = b.grievance.get(a.index, 0.0) + 1
            a.conflicts += 1
            b.conflicts += 1
            self.edge_conflicts[self._tie_of[(a.index, b.index)]] += 1
            team_today[a.team] += 1
            team_today[b.team] += 1
        self._team_history.append(team_today)

    def strain_and_turnover(self, day: int, upset_at_start: list[bool]) -> None:
        """Step 8, strain and turnover: strain moves, some quit, due posts are filled.

        Quitting reads the strain at the start of the day. A new hire's latent traits are
        drawn from the population (``rng``), untrained.
        """
        p = self.params
        for a, upset_today in zip(self.employees, upset_at_start, strict=True):
            if a.vacant:
                continue
            quits = a.quits()
            a.carry_strain(upset_today)
            if quits:
                a.leave(day, p.vacancy_days)
                self.today["quits"] += 1
        for a in self.employees:
            if a.hire_due(day):
                z = self.rng.normal(
                    [p.regulation_mean, p.listening_mean], [p.regulation_sd, p.listening_sd]
                )
                a.hire(float(z[0]), float(z[1]))

    def train(self, day: int) -> None:
        """Step 9, training: today's wave of each programme, then refreshers that are due.

        Sessions run at the end of the day; their effect counts from tomorrow (section 4).
        """
        days = self._run.days
        for k, prog in enumerate(self.programmes):
            if day == prog.start_day:
                self.waves[k] = prog.select(
                    self.org,
                    self.params,
                    days,
                    self.targeting_rngs[k],
                    prog.lead_in_conflicts(self._team_history),
                )
            held = False  # sessions today (a session day has a fixed cost)
            w = prog.wave_on(day, days)
            waves = self.waves[k] or []
            for i in waves[w] if w is not None and w < len(waves) else ():
                a = self.employees[int(i)]
                if a.vacant or any(r[0] == k for r in a.trainings):
                    continue
                a.trainings.append([k, prog.kind, day])
                self.sessions[k] += 1
                held = True
                self.people_trained += 1
                self.ever_trained[a.index] = True
                a.update_traits(day + 1, self.programmes)
            if prog.refresher_days is not None:
                for a in self.employees:
                    for record in a.trainings:
                        if record[0] == k and prog.refresher_due(day, record[2], days):
                            record[2] = day  # a refresher restores the full shift
                            self.sessions[k] += 1
                            held = True
                            a.update_traits(day + 1, self.programmes)
            self.days_held[k] += held

    @property
    def cost_training(self) -> float:
        """Fees and work hours of every session held so far, and each session day's cost."""
        return float(cost_of_sessions(self.programmes, self.params, self.sessions, self.days_held))

    # ------------------------------------------------------------------ outcomes
    def record_day(self) -> None:
        """Record the day's outcomes (``REPORTERS``) and let the DataCollector collect."""
        for name, reporter in REPORTERS.items():
            self.daily[name].append(reporter(self))
        self.datacollector.collect(self)

    def daily_frame(self) -> pd.DataFrame:
        """Daily outcomes from day 0 (the ``REPORTERS`` columns) with a ``day`` column.

        Read from the model's own record, whatever reporters ``datacollector`` holds.
        """
        df = pd.DataFrame(self.daily)
        df.insert(0, "day", range(len(df)))
        return df

    @property
    def team_daily(self) -> list[np.ndarray]:
        """Conflicts per team, one array per day from day 0 (no conflicts counted on it)."""
        counted = [day.copy() for day in self._team_history[self._warmup :]]
        counted[0][:] = 0  # day 0: the end of the warm-up, its conflicts not counted
        return counted

    def team_frame(self) -> pd.DataFrame:
        """Conflicts by team and day (each party counted in their own team), tidy."""
        return team_frame(np.array(self.team_daily)[None], self.org.team_names)

    def summary(self) -> dict[str, float]:
        """Per-run totals of the days simulated so far (see ``conflictsim.outcomes``)."""
        fees, hours = fees_and_hours(self.programmes, self.sessions, self.days_held)
        return summarise(
            self.daily_frame(),
            self.setup,
            trained=self.people_trained,
            training_fees=float(fees),
            training_hours=float(hours),
        )

    # ``edge_conflicts`` (an attribute): conflicts on each tie since day 0, in
    # ``org.edge_src`` order.

    @property
    def employee_conflicts(self) -> np.ndarray:
        """Conflicts each post has been party to since day 0."""
        return np.array([a.conflicts for a in self.employees], dtype=np.int64)


def _empty_day() -> dict[str, Any]:
    # parties: each conflict's (upset party, other party) indices; the other party was
    # composed at the start of the day unless it was a clash.
    return {
        "conflicts_by_severity": [0, 0, 0],
        "absent": 0,
        "quits": 0,
        "conflict_hours": 0.0,
        "parties": [],
    }


#: ``ConflictModel``'s keywords besides the parameters (``conflictsim.params.REGISTRY``).
KEYWORDS = (
    "scenario",
    "rng",
    "org",
    "size",
    "org_seed",
    "days",
    "programmes",
    "initial_upset",
    "warmup",
    "params",
)
#: What ``ConflictModel()`` simulates without a scenario: ``Organisation.generate()``'s
#: defaults.
DEFAULT_PRESET, DEFAULT_SIZE, DEFAULT_ORG_SEED = "office", 500, 0


def scenario_of(scenario: Scenario | None = None, **keywords: Any) -> Scenario:
    """The scenario ``ConflictModel``'s keywords describe (see its Args).

    Raises:
        ValueError: If a keyword is unknown (naming it and the nearest known one), an
            organisation keyword comes with a scenario, or a value is out of range.
    """
    unknown = [k for k in keywords if k not in KEYWORDS and k not in REGISTRY]
    if unknown:
        name = unknown[0]
        hint = difflib.get_close_matches(name, [*KEYWORDS, *REGISTRY], n=1)
        tip = f"did you mean {hint[0]!r}? " if hint else ""
        raise ValueError(
            f"ConflictModel has no keyword {name!r}; {tip}it takes "
            f"{', '.join(KEYWORDS[2:])} and any parameter by name (conflictsim.REGISTRY)"
        )
    org_keys = [k for k in ("org", "size", "org_seed") if k in keywords]
    if scenario is not None:
        if not isinstance(scenario, Scenario):
            raise ValueError(f"scenario must be a Scenario, got {type(scenario).__name__}")
        if org_keys:
            raise ValueError(
                f"{org_keys[0]} was given with a scenario, which has its organisation: "
                "give one or the other"
            )
        base = scenario
    else:
        org = keywords.get("org", DEFAULT_PRESET)
        if isinstance(org, str):
            size = keywords.get("size", DEFAULT_SIZE)
            org = Organisation.generate(size, org, keywords.get("org_seed", DEFAULT_ORG_SEED))
        elif "size" in keywords or "org_seed" in keywords:
            raise ValueError("size and org_seed are for a generated organisation (org='office')")
        base = Scenario(org=org)
    changes: dict[str, Any] = {}
    for name in ("days", "initial_upset", "warmup"):
        if name in keywords:
            changes[name] = keywords[name]
    if "programmes" in keywords:
        changes["programmes"] = _programmes(keywords["programmes"])
    values = {k: v for k, v in keywords.items() if k in REGISTRY}
    if "params" in keywords or values:
        start = keywords.get("params", base.params)
        if not isinstance(start, Params):
            raise ValueError(f"params must be a Params, got {type(start).__name__}")
        changes["params"] = start.replace(**values) if values else start
    return base.with_(**changes) if changes else base


def _programmes(given: Any) -> list[Training]:
    """Programmes from a ``Training``, a kind's name, or a list of them; ``"none"``: none."""
    if isinstance(given, str) and given == "none":
        return []  # a menu's choice (SolaraViz's Select), as an empty list is
    items = [given] if isinstance(given, (str, Training)) else list(given)
    return [Training(p) if isinstance(p, str) else p for p in items]
