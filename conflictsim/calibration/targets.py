"""Calibration targets: what is known about conflict at work, or an organisation's own records.

A target is a statistic of a simulation with the interval it should fall in: a published
base rate with its uncertainty (``Targets.published``), or a summary of an organisation's
incident records with its sampling uncertainty (``Targets.from_incidents``). Targets add
up: ``Targets.published() + Targets.from_incidents("incidents.csv", org)``.

The statistics are computed by ``conflictsim.calibration.statistics`` from one simulated
year (or the records' period) after a start-up transient. docs/calibration.md says what
each target can and cannot tell.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.statistics import RECORD_STATISTICS, record_statistics
from conflictsim.incidents import read_incidents
from conflictsim.organisation import Organisation
from conflictsim.params import REGISTRY


@dataclass(frozen=True)
class Target:
    """One statistic and the interval a calibrated simulation should reproduce.

    Attributes:
        name: Statistic computed from a simulation (``conflictsim.calibration.statistics``).
        label: Plain words for tables and the fit report.
        observed: The published or observed value (the centre of the interval).
        low: Lower end of the interval a simulation must reach.
        high: Upper end.
        source: Where the figure comes from.
        informs: Parameters the statistic depends on, which a calibration to it varies.
    """

    name: str
    label: str
    observed: float
    low: float
    high: float
    source: str
    informs: tuple[str, ...]

    def __post_init__(self) -> None:
        if not self.low < self.high:
            raise ValueError(f"target {self.name!r}: its interval {self.low}-{self.high} is empty")

    @property
    def half_width(self) -> float:
        """Half the interval's width: a simulation is within it at distance 1 or less."""
        return (self.high - self.low) / 2

    @property
    def centre(self) -> float:
        """Middle of the interval."""
        return (self.high + self.low) / 2

    def to_dict(self) -> dict[str, Any]:
        """Plain values, for the calibration's JSON file."""
        return {
            "name": self.name,
            "label": self.label,
            "observed": self.observed,
            "low": self.low,
            "high": self.high,
            "source": self.source,
            "informs": list(self.informs),
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Target:
        """The target written by ``to_dict``."""
        return cls(
            name=str(d["name"]),
            label=str(d["label"]),
            observed=float(d["observed"]),
            low=float(d["low"]),
            high=float(d["high"]),
            source=str(d["source"]),
            informs=tuple(d["informs"]),
        )


#: The parameters that set how much conflict there is, and so every conflict statistic.
CONFLICT_PARAMETERS = ("trigger", "transmission", "recovery")
#: Reporting rates, which only incident records inform.
REPORTING_PARAMETERS = ("report_minor", "report_major", "report_critical")


def _published() -> tuple[Target, ...]:
    return (
        Target(
            "hours_per_week",
            "conflict hours per employee per week",
            2.45,
            2.1,
            2.8,
            "CPP 2008: 2.8 h per employee per week in the US, 2.1 globally",
            (*CONFLICT_PARAMETERS, "hours_minor"),
        ),
        Target(
            "weekly_rude_share",
            "share of employees treated rudely in a week",
            0.5,
            0.4,
            0.6,
            "Porath & Pearson 2013: about half treated rudely at least weekly; "
            "the width of 0.1 is an assumption",
            CONFLICT_PARAMETERS,
        ),
        Target(
            "absence_days_per_year",
            "days absent per employee per year",
            7.8,
            5.5,
            10.0,
            "CIPD 2023: 7.8 days per employee per year (UK; secondary); the width is an assumption",
            ("absence_base",),
        ),
        Target(
            "quits_per_year",
            "share of employees who quit in a year",
            0.2,
            0.12,
            0.28,
            "BLS JOLTS 2023-24: about 2% of employees quit a month (US, all industries; "
            "secondary), read down for office work; the width is an assumption",
            ("quit_base",),
        ),
    )


@dataclass(frozen=True)
class Targets:
    """A set of calibration targets, and the incident records behind any of them.

    Build with ``Targets.published()`` or ``Targets.from_incidents(path, org)``; add them
    with ``+``.

    Attributes:
        targets: The targets, each statistic once.
        records: The incident records behind record targets (``day, team, severity,
            count``), or ``None``.
        record_days: Working days the records cover (0 without records).
        record_org: Fingerprint of the organisation the records belong to ("" without).
    """

    targets: tuple[Target, ...]
    records: pd.DataFrame | None = field(default=None, compare=False, repr=False)
    record_days: int = 0
    record_org: str = ""

    def __post_init__(self) -> None:
        names = [t.name for t in self.targets]
        twice = sorted({n for n in names if names.count(n) > 1})
        if twice:
            raise ValueError(f"target {twice[0]!r} is given twice; each statistic counts once")
        if not self.targets:
            raise ValueError("a calibration needs at least one target")

    @classmethod
    def published(cls) -> Targets:
        """Published base rates (shared/EVIDENCE.md), each with its uncertainty.

        Conflict hours per employee per week (2.1-2.8, CPP 2008), the share of employees
        treated rudely in a week (about half, Porath & Pearson 2013), days absent a year
        (CIPD 2023) and the share who quit in a year (BLS JOLTS). They fix how much
        conflict there is, not where it comes from: outside triggers and contagion stay
        uncertain (docs/calibration.md).
        """
        return cls(_published())

    @classmethod
    def from_incidents(
        cls, records: str | Path | pd.DataFrame, org: Organisation, *, bootstrap_seed: int = 0
    ) -> Targets:
        """Targets from an organisation's incident records.

        The records (a CSV file in the incident-record format, docs/incidents.md, or a
        frame such as ``Results.incidents(k)``) are summarised by team and week
        (``conflictsim.calibration.statistics``): the reported rate, the severity mix,
        and the over-dispersion and week-to-week autocorrelation of team-week counts,
        which tell contagion (clustered, persistent) from outside triggers (close to
        Poisson). Each target's interval is its statistic plus or minus one standard
        error, from a bootstrap over teams (teams are the clusters the counts share).

        Args:
            records: Path of the CSV file, or the records as a frame.
            org: The organisation the records belong to.
            bootstrap_seed: Seed of the bootstrap (fixed, so one file gives one target).

        Returns:
            The record targets.

        Raises:
            ValueError: If the file is malformed (naming file, row and column) or the
                records are too few to summarise.
        """
        if isinstance(records, pd.DataFrame):
            frame = records
            days = int(frame.attrs.get("days", int(frame["day"].max()) + 1 if len(frame) else 0))
        else:
            frame = read_incidents(records, org)
            days = int(frame.attrs["days"])
        stats, se = record_statistics(frame, org, days, bootstrap_seed=bootstrap_seed)
        targets = []
        for name, (label, informs) in RECORD_STATISTICS.items():
            if name not in stats:
                continue  # e.g. the severity mix of records without severities
            value, err = stats[name], max(se[name], 1e-9)
            targets.append(
                Target(
                    name,
                    label,
                    value,
                    value - err,
                    value + err,
                    f"the organisation's incident records ({days} working days); interval: "
                    "one bootstrap standard error over teams",
                    informs,
                )
            )
        return cls(tuple(targets), frame.copy(), days, org.fingerprint())

    def __add__(self, other: Targets) -> Targets:
        if not isinstance(other, Targets):
            return NotImplemented
        if self.records is not None and other.records is not None:
            raise ValueError("only one set of incident records can be calibrated to at a time")
        mine = self if self.records is not None else other
        return Targets(
            self.targets + other.targets, mine.records, mine.record_days, mine.record_org
        )

    def __getitem__(self, name: str) -> Target:
        """The target called ``name`` (``Targets.published()["hours_per_week"]``).

        Raises:
            KeyError: Naming the targets there are.
        """
        for t in self.targets:
            if t.name == name:
                return t
        raise KeyError(f"no target {name!r}; the targets are {', '.join(self.names)}")

    def __iter__(self) -> Iterator[Target]:
        return iter(self.targets)

    def __len__(self) -> int:
        return len(self.targets)

    @property
    def names(self) -> list[str]:
        """Names of the statistics, in order."""
        return [t.name for t in self.targets]

    @property
    def parameters(self) -> list[str]:
        """Parameters the targets inform, in registry order: the ones calibration varies."""
        wanted = {p for t in self.targets for p in t.informs}
        return [name for name in REGISTRY if name in wanted]

    def frame(self) -> pd.DataFrame:
        """One row per target: name, label, observed, low, high, source."""
        return pd.DataFrame([t.to_dict() for t in self.targets]).drop(columns="informs")

    def check_org(self, org: Organisation) -> None:
        """Refuse an organisation other than the one the records belong to."""
        if self.record_org and org.fingerprint() != self.record_org:
            raise ValueError(
                "these incident records belong to another organisation (its employees, "
                "teams or ties differ)"
            )


def centre_array(targets: Targets) -> np.ndarray:
    """Centres of the targets' intervals, in order."""
    return np.array([t.centre for t in targets])
