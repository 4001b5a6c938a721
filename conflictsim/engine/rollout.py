"""Training programmes in the fast engine: who is trained when, and the effects in force.

The Mesa model keeps training records on each agent; the fast engine keeps them as arrays,
one ``(replicates, employees)`` array per programme holding the day of each post holder's
last session (NaN for none). The schedule is ``Training``'s, as in the Mesa model: the
wave of the day (``wave_on``) skips empty posts, refreshers that are due
(``refresher_due``) restore the full shift, hotspots are read over ``lead_in_conflicts``,
and someone who quits takes their training with them.

Trainees are chosen from the same stream as in the Mesa model (``conflictsim.seeds``), so
both simulators train the same people in replicate k.
"""

from __future__ import annotations

import numpy as np

from conflictsim.scenario import Scenario
from conflictsim.seeds import replicate_seed, targeting_rngs
from conflictsim.training import cost_of_sessions, fees_and_hours


class Rollout:
    """Training state of a batch of replicates.

    Args:
        scenario: The scenario whose programmes are run.
        seed: The run's seed.
        replicate_ids: Ids of the replicates in the batch.
        transfer: ``skill_transfer`` of each replicate (default: the scenario's).

    Attributes:
        last: Per programme, the day of each post holder's last session (NaN: none).
        sessions: Sessions held, shape (programmes, replicates).
        people: People trained (first sessions), per replicate.
        ever: Whether each post was trained during the run, (replicates, employees).
    """

    def __init__(
        self,
        scenario: Scenario,
        seed: int,
        replicate_ids: np.ndarray,
        transfer: np.ndarray | None = None,
    ) -> None:
        self.scenario = scenario
        # Share of the skill gain that transfers, per replicate (a column to broadcast).
        share = scenario.params.skill_transfer if transfer is None else transfer
        self.transfer = np.broadcast_to(np.asarray(share, float), len(replicate_ids))[:, None]
        self.programmes = list(scenario.programmes)
        n_rep, n = len(replicate_ids), scenario.org.size
        self.rngs = [
            targeting_rngs(replicate_seed(seed, int(rep)), len(self.programmes))
            for rep in replicate_ids
        ]
        self.last = [np.full((n_rep, n), np.nan) for _ in self.programmes]
        # The share of each holder's effect left is weight * 0.5 ** ((day - ref) / half-life):
        # one scalar per day times an array kept between sessions, instead of a power of
        # every element every day. Weights are rebased to the latest session day. The
        # kernel computes the effects from these tables day by day (``step_day``), so
        # between sessions the days run in one call; it zeroes a quitter's weights.
        n_prog, days = len(self.programmes), scenario.days
        self.weights = np.zeros((n_rep, n_prog, n))
        self.ref = [0] * n_prog
        #: Share of the effect left t days after a session, ``remaining[k, t]``.
        self.remaining = np.array(
            [[prog.remaining(t) for t in range(days + 1)] for prog in self.programmes]
        ).reshape(n_prog, days + 1)
        #: Full latent shifts of regulation and listening, ``shifts[r, k, 0 or 1]``.
        p = scenario.params
        self.shifts = np.zeros((n_rep, n_prog, 2))
        for k, prog in enumerate(self.programmes):
            if prog.effect_regulation:
                self.shifts[:, k, 0] = prog.shift_regulation(p, self.transfer)[:, 0]
            if prog.effect_listening:
                self.shifts[:, k, 1] = prog.shift_listening(p, self.transfer)[:, 0]
        self.responders = np.array([prog.makes_responders for prog in self.programmes], bool)
        self.waves: list[list[list[np.ndarray]] | None] = [None] * len(self.programmes)
        self.sessions = np.zeros((len(self.programmes), n_rep), dtype=np.int64)
        self.days_held = np.zeros((len(self.programmes), n_rep), dtype=np.int64)
        self.people = np.zeros(n_rep, dtype=np.int64)
        self.ever = np.zeros((n_rep, n), dtype=bool)
        self.needs_teams = any(p.target == "hotspots" for p in self.programmes)

    def train(
        self,
        day: int,
        hired_day: np.ndarray,
        vacant_until: np.ndarray,
        team_daily: np.ndarray | None,
    ) -> None:
        """Hold the sessions of the end of ``day`` (0: before the first step).

        Args:
            day: The day just simulated.
            hired_day: Day each post holder was hired, (replicates, employees).
            vacant_until: Day an empty post is filled (< day + 1 when filled).
            team_daily: Conflicts per team per day so far, (replicates, days + 1, teams).
        """
        if not self.programmes:
            return
        scn, p = self.scenario, self.scenario.params
        empty = vacant_until > day
        for k, prog in enumerate(self.programmes):
            last = self.last[k]
            # Records of people who have left (the post is empty or has a new holder).
            gone = ~np.isnan(last) & (empty | (hired_day > last))
            last[gone] = np.nan
            self.weights[:, k][gone] = 0.0
            if day == prog.start_day:
                self.waves[k] = [
                    prog.select(
                        scn.org,
                        p,
                        scn.days,
                        self.rngs[r][k],
                        None if team_daily is None else prog.lead_in_conflicts(team_daily[r]),
                    )
                    for r in range(last.shape[0])
                ]
            held = np.zeros(last.shape[0], dtype=bool)  # sessions today, per replicate
            w = prog.wave_on(day, scn.days)
            if w is not None and self.waves[k] is not None:
                for r, waves in enumerate(self.waves[k]):
                    if w >= len(waves):
                        continue
                    who = waves[w]
                    who = who[~empty[r, who] & np.isnan(last[r, who])]
                    self._rebase(k, day)
                    last[r, who] = day
                    self.weights[r, k, who] = 1.0
                    self.ever[r, who] = True
                    self.sessions[k, r] += who.size
                    self.people[r] += who.size
                    held[r] |= who.size > 0
            if prog.refresher_days is not None:
                due = prog.refresher_due(day, last, scn.days)  # NaN (nobody) is never due
                if due.any():
                    self._rebase(k, day)
                    last[due] = day
                    self.weights[:, k][due] = 1.0
                    self.sessions[k] += due.sum(axis=1)
                    held |= due.any(axis=1)
            self.days_held[k] += held

    def _rebase(self, k: int, day: int) -> None:
        """Express programme k's weights relative to ``day`` (values stay in [0, 1])."""
        if day != self.ref[k]:
            self.weights[:, k] *= self.programmes[k].remaining(day - self.ref[k])
            self.ref[k] = day

    def kernel_tables(self) -> tuple[np.ndarray, ...]:
        """What ``step_day`` reads of the training: weights, ref days, who is active.

        ``(weights, ref, active, responders, remaining, shifts)``, the first fields of
        ``kernels.TrainingTables``; a programme is active once anyone has been trained in
        it. Valid until the next ``train``. In force on ``day``
        (``kernels.training_effects``): programme ``k``'s share left in post ``i`` is
        ``remaining[k, day - ref[k]] * weights[r, k, i]``.
        """
        active = self.sessions.any(axis=1)
        ref = np.array(self.ref, dtype=np.int64)
        return self.weights, ref, active, self.responders, self.remaining, self.shifts

    def next_session(self, day: int) -> int:
        """The first day from ``day`` at whose end ``train`` may hold sessions.

        A start, a wave or a refresher that may be due (a record of someone who has left
        may name a day on which nothing happens); ``scenario.days`` when none is left.
        """
        days = self.scenario.days
        first = days
        for k, prog in enumerate(self.programmes):
            for d in (prog.start_day, *prog.wave_days(days)):
                if day <= d < first:
                    first = d
            if prog.refresher_days is not None:
                due = self.last[k] + prog.refresher_days  # NaN (nobody) never compares
                due = due[(due >= day) & (due < first)]
                if due.size:
                    first = int(due.min())
        return first

    def cost(self) -> np.ndarray:
        """Training cost of each replicate: sessions times fee plus hours at the wage."""
        return cost_of_sessions(
            self.programmes, self.scenario.params, self.sessions, self.days_held
        )

    def fees_and_hours(self) -> tuple[np.ndarray, np.ndarray]:
        """Fees paid and work hours spent on training, per replicate."""
        return fees_and_hours(self.programmes, self.sessions, self.days_held)
