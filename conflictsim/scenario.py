"""Scenarios: what is simulated (an organisation, parameters, programmes, a horizon).

The calendar lives here too: a simulated day is a working day (MODEL.md section 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, eq=False)
class Scenario:
    """One what-if: an organisation, parameters, training programmes and a horizon.

    Args:
        org: The organisation.
        params: Model parameters (defaults: the calibrated baseline).
        programmes: Training programmes (``conflictsim.Training``) to run.
        days: Number of working days to simulate (250 is a year).
        initial_upset: Share of employees upset on day 0 (drawn per replicate), or a list
            of employee ids who are upset on day 0.
    """

    org: Organisation
    params: Params = field(default_factory=Params)
    programmes: Sequence[Any] = ()
    days: int = DAYS_PER_YEAR
    initial_upset: float | Sequence[Any] = 0.02

    def __post_init__(self) -> None:
        if not isinstance(self.org, Organisation):
            raise ValueError(f"org must be an Organisation, got {type(self.org).__name__}")
        if not isinstance(self.params, Params):
            raise ValueError(f"params must be a Params, got {type(self.params).__name__}")
        if isinstance(self.days, bool) or not isinstance(self.days, (int, np.integer)):
            raise ValueError(f"days must be a whole number, got {self.days!r}")
        if self.days < 0:
            raise ValueError(f"days must be at least 0, got {self.days!r}")
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
        }
        values.update(changes)
        return Scenario(**values)
