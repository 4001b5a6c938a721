"""The Employee agent of the Mesa model (MODEL.md section 2)."""

from __future__ import annotations

import math
from enum import Enum
from typing import TYPE_CHECKING

import mesa

if TYPE_CHECKING:
    from conflictsim.model import ConflictModel


class State(Enum):
    """An employee's emotional state."""

    COMPOSED = 0
    UPSET = 1


class Employee(mesa.Agent):
    """One post in the organisation and the person who holds it.

    When someone quits, the post stays empty (``vacant``) for ``vacancy_days`` and is then
    filled by a new hire with population traits, untrained, in the same place in the graph;
    the Employee object stands for the post throughout.

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
        self._hire(z_regulation, z_listening, upset)

    def _hire(self, z_regulation: float, z_listening: float, upset: bool = False) -> None:
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

    @property
    def state(self) -> State:
        """The employee's state as an Enum."""
        return State.UPSET if self.upset else State.COMPOSED

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
