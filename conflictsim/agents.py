"""The Employee agent of the Mesa model (MODEL.md section 2).

An employee's own rules live here, one method per rule of MODEL.md section 3 that one
employee decides alone: whether they turn up (step 1), whether something outside the team
upsets them (step 2), whether they recover (step 7), their strain and whether they quit
(step 8). Each draws from the model's random stream and changes nothing but what it says:
the model applies the day's changes together at its end (``ConflictModel.end_of_day``).
Rules between two people (encounters, severity, responders) are the model's stages.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mesa.discrete_space import FixedAgent

if TYPE_CHECKING:
    from conflictsim.model import ConflictModel


class Employee(FixedAgent):
    """One post in the organisation and the person who holds it.

    A Mesa ``FixedAgent``: it sits in its own cell of the model's ``space`` (the contact
    graph as a Mesa ``Network``; the cell's coordinate is ``index``). When someone quits,
    the post stays empty (``vacant``) for ``vacancy_days`` and is then filled by a new
    hire with population traits, untrained, in the same place in the graph; the Employee
    object stands for the post throughout.

    Attributes:
        index: Position in the organisation's arrays (0-based).
        employee_id: The id from the organisation.
        team: Team index.
        department: Department index.
        manager: Manager's index, or -1.
        is_manager: Whether the employee manages someone.
        customer_facing: Whether the employee deals with customers, patients or pupils.
        z_regulation: Latent emotional regulation before training.
        z_listening: Latent active listening before training.
        regulation: Emotional regulation today, in (0, 1), training included.
        listening: Active listening today, in (0, 1), training included.
        upset: Whether the employee is upset.
        strain: Accumulated days upset, decaying while composed.
        present: Whether the employee is at work today.
        vacant: Whether the post is empty after a quit.
        trainings: Training records: ``[programme index, kind, day last trained]``.
        grievance: Remembered conflict with each colleague (by index), decaying daily.
        conflicts: Conflicts this post has been a party to since day 0.
    """

    def __init__(
        self,
        model: ConflictModel,
        index: int,
        z_regulation: float,
        z_listening: float,
        upset: bool,
    ) -> None:
        super().__init__(model)
        org = model.org
        self.index = index
        self.employee_id = str(org.ids[index])
        self.team = int(org.team[index])
        self.department = int(org.department[index])
        self.manager = int(org.manager[index])
        self.is_manager = bool(org.is_manager[index])
        self.customer_facing = bool(org.customer_facing[index])
        self.contacts: list[Employee] = []
        self.conflicts = 0
        self.hire(z_regulation, z_listening, upset)

    # ------------------------------------------------------------ the daily rules
    def turn_up(self) -> bool:
        """Step 1, presence: whether the employee is at work today (sets ``present``).

        Absent with probability ``absence_base + absence_strain * strain_norm``, where
        ``strain_norm = strain / (strain + strain_scale)``; an empty post is never present.
        """
        if self.vacant:
            self.present = False
            return False
        p = self.model.params
        p_absent = p.absence_base + p.absence_strain * self.strain / (self.strain + p.strain_scale)
        self.present = not (p_absent > 0 and self.random.random() < p_absent)
        return self.present

    def triggered(self) -> bool:
        """Step 2, triggers: whether something outside the team upsets this employee today.

        With probability ``trigger * (customer_multiplier if customer_facing else 1) *
        (1 - regulation_shield * regulation)``; asked of present, composed employees only.
        """
        p = self.model.params
        rate = p.trigger * (p.customer_multiplier if self.customer_facing else 1.0)
        return self.random.random() < rate * (1 - p.regulation_shield * self.regulation)

    def recovers(self) -> bool:
        """Step 7, recovery: whether this upset employee is composed again by tomorrow.

        With probability ``recovery * (1 + regulation_recovery * regulation)`` (above 1
        means certainly).
        """
        p = self.model.params
        return self.random.random() < p.recovery * (1 + p.regulation_recovery * self.regulation)

    def quits(self) -> bool:
        """Step 8, turnover: whether the employee quits today.

        With probability ``quit_base + quit_strain * strain_norm``, read from the strain at
        the start of the day (ask before ``carry_strain``).
        """
        p = self.model.params
        p_quit = p.quit_base + p.quit_strain * self.strain / (self.strain + p.strain_scale)
        return p_quit > 0 and self.random.random() < p_quit

    def carry_strain(self, upset_today: bool) -> None:
        """Step 8, strain: one more on a day spent upset, else decaying by ``strain_decay``."""
        decay = self.model.params.strain_decay
        self.strain = self.strain + 1 if upset_today else self.strain * (1 - decay)

    # ------------------------------------------------------------ the post
    def hire(self, z_regulation: float, z_listening: float, upset: bool = False) -> None:
        """A new person takes the post: fresh traits, no strain, no training, no history."""
        self.z_regulation = z_regulation
        self.z_listening = z_listening
        self.regulation = _logistic(z_regulation)
        self.listening = _logistic(z_listening)
        self.upset = upset
        self.strain = 0.0
        self.present = True
        self.vacant = False
        self.vacant_until = -1
        self.trainings: list[list] = []
        self.grievance: dict[int, float] = {}

    def hire_due(self, day: int) -> bool:
        """Whether the post is empty and its vacancy over by the end of ``day``."""
        return self.vacant and self.vacant_until <= day

    def leave(self, day: int, vacancy_days: int) -> None:
        """The employee quits: the post is empty until ``day + vacancy_days``."""
        self.vacant = True
        self.vacant_until = day + vacancy_days
        self.upset = False
        self.present = False
        self.strain = 0.0
        self.trainings = []
        for other in self.contacts:
            other.grievance.pop(self.index, None)
        self.grievance = {}

    # ------------------------------------------------------------ training
    @property
    def trained(self) -> bool:
        """Whether the person now in post has had any training."""
        return bool(self.trainings)

    def update_traits(self, day: int, programmes: list) -> None:
        """Recompute today's traits from latent scores plus decaying training shifts."""
        z_reg, z_lis = self.z_regulation, self.z_listening
        for prog_index, _kind, trained_day in self.trainings:
            prog = programmes[prog_index]
            left = prog.remaining(day - trained_day)
            z_reg += prog.shift_regulation(self.model.params) * left
            z_lis += prog.shift_listening(self.model.params) * left
        self.regulation = _logistic(z_reg)
        self.listening = _logistic(z_lis)

    def responder_strength(self, day: int, programmes: list) -> float:
        """How much de-escalation skill is left today (0 if not a responder)."""
        best = 0.0
        for prog_index, _kind, trained_day in self.trainings:
            prog = programmes[prog_index]
            if prog.makes_responders:
                best = max(best, prog.remaining(day - trained_day))
        return best


def _logistic(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))
