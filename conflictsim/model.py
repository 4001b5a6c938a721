"""The Mesa model: Employee agents following MODEL.md's daily process, one replicate.

The model steps agent by agent, as Mesa models do; it is the readable reference
implementation. The fast engine (``conflictsim.simulate``) runs the same rules on arrays
and is checked against this model (tests/test_docking.py).

Every decision of a day reads the state at the start of that day and all changes apply
together at its end (MODEL.md section 3). Draws happen in the order of the daily process,
employees and ties in index order, so one seed gives one trajectory.
"""

from __future__ import annotations

from typing import Any

import mesa
import numpy as np
import pandas as pd

from conflictsim.agents import Employee
from conflictsim.outcomes import summarise, team_frame
from conflictsim.params import Params
from conflictsim.scenario import Scenario
from conflictsim.seeds import targeting_rngs
from conflictsim.training import cost_of_sessions, fees_and_hours
from conflictsim.traits import draw_population

MINOR, MAJOR, CRITICAL = 0, 1, 2
SEVERITIES = ("minor", "major", "critical")


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

    Args:
        scenario: What to simulate: organisation, parameters, programmes, horizon.
        rng: Seed (or numpy Generator) for every random draw of this replicate.

    Attributes:
        seed: The replicate's seed, from which the targeting streams are spawned.
        employees: The agents, in the organisation's index order.
        datacollector: Daily outcomes from day 0 (the state before the first step).
        today: The last day's counts, and its conflicts' ``parties``: (upset party,
            other party) index pairs, the other composed at the start of the day unless
            the two clashed.
        day: The last day simulated (0 before the first step).
    """

    def __init__(self, scenario: Scenario, rng: Any = None) -> None:
        super().__init__(rng=rng)
        # The replicate's seed, for the targeting streams (conflictsim.seeds): the integer
        # given, or one drawn from the generator given (or from fresh entropy).
        self.seed = (
            int(rng)
            if isinstance(rng, (int, np.integer)) and not isinstance(rng, bool)
            else int(self.rng.integers(np.iinfo(np.int32).max))
        )
        if not isinstance(scenario, Scenario):
            raise ValueError(f"scenario must be a Scenario, got {type(scenario).__name__}")
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
        self.people_trained = 0
        self.ever_trained = np.zeros(self.org.size, dtype=bool)
        self._train(0)

        self.datacollector = mesa.DataCollector(model_reporters=REPORTERS)
        # The warm-up runs before Mesa's clock starts and is not counted: day 0 is its
        # end, with the counts of conflicts per post and tie started afresh.
        for day in range(1, self._warmup + 1):
            self._day(day)
        if self._warmup:
            self.edge_conflicts[:] = 0
            for a in self.employees:
                a.conflicts = 0
            self.today = _empty_day()
        self.datacollector.collect(self)

    @property
    def day(self) -> int:
        """The last day simulated (0 before the first step, the end of the warm-up)."""
        return self.steps

    # ------------------------------------------------------------------ the day
    def step(self) -> None:
        """Simulate one working day (MODEL.md section 3)."""
        self._day(self.steps + self._warmup)

    def _day(self, day: int) -> None:
        """Simulate day ``day`` of the run, the warm-up's days included."""
        p = self.params
        rnd = self.random.random
        staff = self.employees
        today = _empty_day()
        if any(a.trainings for a in staff):
            for a in staff:
                if a.trainings:
                    a.update_traits(day, self.programmes)

        # 1. Presence.
        for a in staff:
            if a.vacant:
                a.present = False
                continue
            p_absent = p.absence_base + p.absence_strain * a.strain / (a.strain + p.strain_scale)
            a.present = not (p_absent > 0 and rnd() < p_absent)
            if not a.present:
                today["absent"] += 1

        # 2. Triggers from outside the team.
        triggered = []
        if p.trigger > 0:
            for a in staff:
                if a.present and not a.upset:
                    rate = p.trigger * (p.customer_multiplier if a.customer_facing else 1.0)
                    if rnd() < rate * (1 - p.regulation_shield * a.regulation):
                        triggered.append(a)

        # 3. Contacts: a tie is active if both ends are present and they meet.
        active = [
            (a, b) for a, b, q in self._ties if a.present and b.present and (q >= 1.0 or rnd() < q)
        ]

        # 4. Encounters, by start-of-day states.
        conflicts: list[list] = []  # [upset party, other party, newly upset or None, severity]
        calmed = set()
        for a, b in active:
            if a.upset and b.upset:
                if rnd() < p.clash:
                    conflicts.append([a, b, None, MINOR])
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
                    conflicts.append([u, c, c, MINOR])
                elif p.listening_calm > 0 and rnd() < p.listening_calm * c.listening:
                    calmed.add(u)

        # 5. Severity: the calmer party's regulation keeps a conflict from escalating.
        for conflict in conflicts:
            a, b = conflict[0], conflict[1]
            g = a.grievance.get(b.index, 0.0)
            p_escalate = (
                p.escalation * (1 - max(a.regulation, b.regulation)) * (1 + p.grievance_weight * g)
            )
            if rnd() < p_escalate:
                conflict[3] = CRITICAL if rnd() < p.critical_share else MAJOR

        # 6. Responders: a de-escalation trainee who met either party today (an active
        # contact of step 3) may defuse it.
        if any(prog.makes_responders for prog in self.programmes):
            met: dict[Employee, list[Employee]] = {}
            for a, b in active:
                met.setdefault(a, []).append(b)
                met.setdefault(b, []).append(a)
            for conflict in conflicts:
                a, b = conflict[0], conflict[1]
                strength = max(
                    (
                        r.responder_strength(day, self.programmes)
                        for r in met.get(a, []) + met.get(b, [])
                        if r is not a and r is not b and r.trainings
                    ),
                    default=0.0,
                )
                if strength > 0 and rnd() < p.responder_success * strength:
                    conflict[3] = max(conflict[3] - 1, MINOR)
                    conflict[2] = None  # the drawn-in party stays composed

        # 7. Recovery of those upset at the start of the day.
        recovered = [
            a
            for a in staff
            if a.upset and rnd() < p.recovery * (1 + p.regulation_recovery * a.regulation)
        ]

        # Apply the day's changes together.
        drawn_in = {c[2] for c in conflicts if c[2] is not None}
        was_upset = [a.upset for a in staff]
        for a in recovered:
            a.upset = False
        for a in calmed:
            a.upset = False
        for a in triggered:
            a.upset = True
        for a in drawn_in:
            a.upset = True
        hours = (p.hours_minor, p.hours_major, p.hours_critical)
        decay = 1 - p.grievance_decay
        for a in staff:
            if a.grievance:
                a.grievance = {k: v * decay for k, v in a.grievance.items()}
        team_today = np.zeros(len(self.org.team_names), dtype=np.int64)
        for a, b, _new, severity in conflicts:
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

        # 8. Strain, then turnover (read from start-of-day strain), then hires.
        for a, upset_today in zip(staff, was_upset, strict=True):
            if a.vacant:
                continue
            strain0 = a.strain
            a.strain = strain0 + 1 if upset_today else strain0 * (1 - p.strain_decay)
            p_quit = p.quit_base + p.quit_strain * strain0 / (strain0 + p.strain_scale)
            if p_quit > 0 and rnd() < p_quit:
                a.leave(day, p.vacancy_days)
                today["quits"] += 1
        for a in staff:
            if a.vacant and a.vacant_until <= day:
                z = self.rng.normal(
                    [p.regulation_mean, p.listening_mean], [p.regulation_sd, p.listening_sd]
                )
                a._hire(float(z[0]), float(z[1]))

        # 9. Training scheduled for today (effective from tomorrow).
        self._team_history.append(team_today)
        self._train(day)
        self.today = today
        if day > self._warmup:
            self.datacollector.collect(self)

    def _train(self, day: int) -> None:
        """Run today's sessions: the wave that falls today, then refreshers that are due."""
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
            w = prog.wave_on(day, days)
            waves = self.waves[k] or []
            for i in waves[w] if w is not None and w < len(waves) else ():
                a = self.employees[int(i)]
                if a.vacant or any(r[0] == k for r in a.trainings):
                    continue
                a.trainings.append([k, prog.kind, day])
                self.sessions[k] += 1
                self.people_trained += 1
                self.ever_trained[a.index] = True
                a.update_traits(day + 1, self.programmes)
            if prog.refresher_days is not None:
                for a in self.employees:
                    for record in a.trainings:
                        if record[0] == k and prog.refresher_due(day, record[2], days):
                            record[2] = day  # a refresher restores the full shift
                            self.sessions[k] += 1
                            a.update_traits(day + 1, self.programmes)

    @property
    def cost_training(self) -> float:
        """Fees and work hours of every session held so far."""
        return float(cost_of_sessions(self.programmes, self.params, self.sessions))

    # ------------------------------------------------------------------ outcomes
    def daily_frame(self):
        """Daily outcomes (the DataCollector's table) with a ``day`` column."""
        df = self.datacollector.get_model_vars_dataframe().reset_index(drop=True)
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
        fees, hours = fees_and_hours(self.programmes, self.sessions)
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
