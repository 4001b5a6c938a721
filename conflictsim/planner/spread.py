"""One simulated period of one arm, day by day and person by person, for the network view.

``spread`` runs the Mesa model and records every employee's state daily; ``team_layout``
places each team as a small circle, teams on a grid by department.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.model import ConflictModel
from conflictsim.organisation import Organisation
from conflictsim.planner.baseline import run_params
from conflictsim.planner.plan import Plan
from conflictsim.scenario import DAYS_PER_WEEK
from conflictsim.seeds import replicate_seed

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

    def upset(self) -> np.ndarray:
        """How many are upset (and at work) each day, shape (days + 1,)."""
        return (self.state == 1).sum(axis=1)

    def totals(self) -> dict[str, int]:
        """The period in three numbers: conflicts, people trained, most upset on one day."""
        return {
            "conflicts": int(self.daily["conflicts"].iloc[1:].sum()),
            "trained": int(self.trained[-1].sum()),
            "most_upset": int(self.upset().max()),
        }

    def download_every(self) -> int:
        """Days between the rows of ``frame`` for download: 1, or 5 for a large run."""
        # A row per person and day: past 300,000 rows the file is too big to be of use.
        return 1 if self.org.size * (self.state.shape[0] - 1) <= 300_000 else 5


def spread(
    plan: Plan,
    org: Organisation,
    arm: int = 0,
    replicate: int = 0,
    calibration: Calibration | None = None,
) -> Spread:
    """Simulate one period of one arm with the Mesa model, recording every employee daily.

    Args:
        plan: The plan.
        org: Its organisation.
        arm: 0 for no training, 1.. for the plan's options.
        replicate: Which simulated period (replicate ``k`` uses ``compare``'s seed for k
            and, with a calibration, its parameter set ``k``, as ``evaluate`` does).
        calibration: The calibration of ``org`` (``baseline.Baseline.calibration``).

    Returns:
        The run, day by day.
    """
    arms = plan.arms(org)
    names = list(arms)
    if not 0 <= arm < len(names):
        raise ValueError(f"arm must be from 0 to {len(names) - 1}, got {arm!r}")
    scenario = arms[names[arm]]
    if calibration is not None:
        calibration.check_org(org)
    # Set k's parameters (and its draw of training effects), as ``evaluate`` runs it.
    scenario = scenario.with_(params=run_params(plan, calibration, replicate, org))
    model = ConflictModel(scenario, rng=replicate_seed(plan.seed, replicate))
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
    teams["week"] = (teams["day"] - 1) // DAYS_PER_WEEK + 1
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
