"""Scenarios: what is simulated (an organisation, parameters, programmes, a horizon).

The calendar lives here too: a simulated day is a working day (MODEL.md section 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from conflictsim.organisation import Organisation
from conflictsim.params import Params

#: Working days in a week, for "hours per employee per week" (CPP 2008's unit).
DAYS_PER_WEEK = 5
#: Working days in a year (MODEL.md section 2).
DAYS_PER_YEAR = 250
#: Working days in a month, on average.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
#: Working days simulated before day 0 and not counted (four weeks). A run starts from a
#: few upset people and nobody strained: the first two weeks run at about 60% of the
#: steady state's conflict, so counting them would make a year look calmer than it is
#: and every programme's effect a little larger or smaller than it is. The calibration
#: drops the same four weeks (``conflictsim.calibration.fitting``).
WARMUP_DAYS = 20


@dataclass(frozen=True, eq=False)
class Scenario:
    """One what-if: an organisation, parameters, training programmes and a horizon.

    Args:
        org: The organisation.
        params: Model parameters (defaults: the calibrated baseline).
        programmes: Training programmes (``conflictsim.Training``) to run.
        days: Number of working days to simulate (250 is a year).
        initial_upset: Share of employees upset when the simulation starts (drawn per
            replicate), or a list of employee ids who are then upset.
        warmup: Working days simulated before day 0 and not counted (``WARMUP_DAYS``, a
            whole number of weeks): day 0 is the state at the end of the warm-up, and
            programmes' days count from it. 0 starts counting at the initial state.
    """

    org: Organisation
    params: Params = field(default_factory=Params)
    programmes: Sequence[Any] = ()
    days: int = DAYS_PER_YEAR
    initial_upset: float | Sequence[Any] = 0.02
    warmup: int = WARMUP_DAYS

    def __post_init__(self) -> None:
        if not isinstance(self.org, Organisation):
            raise ValueError(f"org must be an Organisation, got {type(self.org).__name__}")
        if not isinstance(self.params, Params):
            raise ValueError(f"params must be a Params, got {type(self.params).__name__}")
        if isinstance(self.days, bool) or not isinstance(self.days, (int, np.integer)):
            raise ValueError(f"days must be a whole number, got {self.days!r}")
        if self.days < 0:
            raise ValueError(f"days must be at least 0, got {self.days!r}")
        w = self.warmup
        if isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 0:
            raise ValueError(f"warmup must be a whole number of days >= 0, got {w!r}")
        if w % DAYS_PER_WEEK:
            raise ValueError(
                f"warmup must be whole weeks ({DAYS_PER_WEEK} working days each), got {w!r}"
            )
        object.__setattr__(self, "warmup", int(w))
        object.__setattr__(self, "programmes", tuple(self.programmes))
        iu = self.initial_upset
        if isinstance(iu, (int, float, np.floating)) and not isinstance(iu, bool):
            if not 0 <= iu <= 1:
                raise ValueError(f"initial_upset must be a share in [0, 1], got {iu!r}")
        elif isinstance(iu, (str, bytes)) or not isinstance(iu, Sequence | np.ndarray):
            raise ValueError(f"initial_upset must be a share or a list of ids, got {iu!r}")
        else:
            self.org.index_of(list(iu))  # names any unknown id
        for prog in self.programmes:
            check = getattr(prog, "check_against", None)
            if check is None:
                raise ValueError(f"programmes must be Training objects, got {prog!r}")
            check(self)

    @property
    def initial_upset_listed(self) -> np.ndarray | None:
        """Indices of the employees listed as upset on day 0, or None for a share."""
        iu = self.initial_upset
        if isinstance(iu, (int, float, np.floating)):
            return None
        return self.org.index_of(list(iu))

    @property
    def initial_upset_count(self) -> int:
        """How many employees are upset on day 0: round(share * size), or those listed."""
        listed = self.initial_upset_listed
        if listed is None:
            return int(round(float(self.initial_upset) * self.org.size))
        return int(listed.size)

    def initial_upset_mask(self, rng: np.random.Generator) -> np.ndarray:
        """Who is upset on day 0: ``initial_upset_count`` people drawn, or the listed ids."""
        n = self.org.size
        mask = np.zeros(n, dtype=bool)
        listed = self.initial_upset_listed
        if listed is None:
            mask[rng.choice(n, size=self.initial_upset_count, replace=False)] = True
        else:
            mask[listed] = True
        return mask

    def with_(self, **changes: Any) -> Scenario:
        """A copy with some fields changed."""
        values = {
            "org": self.org,
            "params": self.params,
            "programmes": self.programmes,
            "days": self.days,
            "initial_upset": self.initial_upset,
            "warmup": self.warmup,
        }
        values.update(changes)
        return Scenario(**values)

    def simulated(self) -> Scenario:
        """What the simulators step through: the warm-up, then the days counted.

        The same scenario without a warm-up of its own, ``warmup + days`` long, with
        every programme's days moved on by the warm-up; both simulators run it and keep
        the days after the warm-up (its last day is the counted run's day 0).
        """
        if not self.warmup:
            return self
        w = self.warmup
        return Scenario(
            org=self.org,
            params=self.params,
            programmes=[replace(p, start_day=p.start_day + w) for p in self.programmes],
            days=self.days + w,
            initial_upset=self.initial_upset,
            warmup=0,
        )
