"""Outcomes of a run: daily series, per-run totals, and one vocabulary for all of them.

MODEL.md section 5. ``OUTCOMES`` is the single place where an outcome's words, number
format and direction (is less better?) are defined; the console tables, the report, the
planner and the dashboard all read it, so a label or a direction is changed once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from conflictsim.scenario import DAYS_PER_WEEK, Scenario
from conflictsim.words import fixed

#: Daily outcome columns, shared by the Mesa model and the fast engine.
DAILY_COLUMNS = (
    "upset",
    "conflicts",
    "conflicts_minor",
    "conflicts_major",
    "conflicts_critical",
    "absent",
    "quits",
    "conflict_hours",
)

#: Per-run outcome columns (``summarise``), shared by both engines and the experiment files.
SUMMARY_COLUMNS = (
    "conflicts",
    "conflicts_minor",
    "conflicts_major",
    "conflicts_critical",
    "conflict_hours",
    "hours_per_employee_week",
    "absent_days",
    "quits",
    "mean_upset",
    "trained",
    "cost_conflict",
    "cost_training",
    "cost_cash",
    "cost_time",
)

#: Severity classes of a conflict, mildest first (MODEL.md step 5).
SEVERITIES = ("minor", "major", "critical")

#: Ripple distance classes: (suffix, fewest ties to the nearest trainee, most or None).
RIPPLE_CLASSES = (("d1", 1, 1), ("d2", 2, 2), ("d3plus", 3, None))

#: The spillover (ripple): conflicts among untrained colleagues, overall and by the
#: nearer party's distance class (Halloran & Struchiner 1991's indirect effect).
RIPPLE_OUTCOMES = ("conflicts_among_untrained",) + tuple(
    f"conflicts_among_untrained_{name}" for name, _, _ in RIPPLE_CLASSES
)
#: Outcomes of who is party to a conflict: the direct effect, the spillover, and every
#: conflict of an untrained colleague (both).
PARTY_OUTCOMES = ("conflicts_with_trained", *RIPPLE_OUTCOMES, "conflicts_untrained")

#: Outcomes that exist only as a difference between two arms.
DIFFERENCE_OUTCOMES = ("net_benefit", "net_benefit_cash", "net_benefit_time", "roi")


@dataclass(frozen=True)
class Outcome:
    """What an outcome is called, how it is written and which way is better.

    Attributes:
        name: Column name in summaries and comparison tables.
        label: Words for it standing alone ("major conflicts").
        short: Words for it in a table under its parent ("major"); the label if none.
        plain: Words for planners (the dashboard and its summaries).
        parent: The outcome it is a part of (``conflicts`` for ``conflicts_major``).
        better: ``lower``, ``higher``, or None where neither is better (people trained).
        decimals: Decimals of a mean or a difference of it.
        whole: Whether one run's value is a count (shown without decimals).
        as_percent: Whether the value is a ratio written as a percentage (``7.31`` as
            ``731%``), as the return on investment is everywhere.
        missing: Words for a value that does not exist (NaN), saying why: a ripple class
            nobody is in has no change to give, which is not a change of 0.
    """

    name: str
    label: str
    short: str = ""
    plain: str = ""
    parent: str | None = None
    better: str | None = "lower"
    decimals: int = 1
    as_percent: bool = False
    whole: bool = False
    missing: str = "n/a"

    @property
    def row_label(self) -> str:
        """The label in a console table: parts are indented under their parent."""
        return f"  {self.short or self.label}" if self.parent else self.label

    def fmt(self, value: float, signed: bool = False) -> str:
        """``value`` with thousands separators and this outcome's decimals.

        Never in scientific notation; ``missing`` words where there is no value (NaN).
        """
        if _absent(value):
            return self.missing
        if self.as_percent:
            return f"{fixed(value * 100, self.decimals, signed)}%"
        return fixed(value, self.decimals, signed)

    def fmt_run(self, value: float) -> str:
        """One run's value: a count without decimals, anything else as ``fmt``."""
        if self.whole and not _absent(value):
            return fixed(value)
        return self.fmt(value)

    def is_better(self, diff: np.ndarray) -> np.ndarray:
        """Where a difference (arm minus reference) favours the arm."""
        return diff < 0 if self.better == "lower" else diff > 0


def _absent(value) -> bool:
    """Whether a value is missing or not a number to write (NaN, None, infinite)."""
    return value is None or pd.isna(value) or not np.isfinite(value)


#: Words for a ripple class nobody is in (no untrained colleague at that distance).
NO_ONE = "no one at this distance"


def _outcomes(*items: Outcome) -> Mapping[str, Outcome]:
    return {o.name: o for o in items}


#: Every outcome of a run or a comparison, in the order tables show them.
OUTCOMES: Mapping[str, Outcome] = _outcomes(
    Outcome("conflicts", "conflicts", plain="Conflicts", whole=True),
    Outcome("conflicts_minor", "minor conflicts", "minor", "Minor", "conflicts", whole=True),
    Outcome("conflicts_major", "major conflicts", "major", "Major", "conflicts", whole=True),
    Outcome(
        "conflicts_critical", "critical conflicts", "critical", "Critical", "conflicts", whole=True
    ),
    Outcome("conflict_hours", "conflict hours", plain="Working hours lost", decimals=0),
    Outcome(
        "hours_per_employee_week",
        "conflict hours per employee per week",
        "per employee per week",
        "Hours lost per employee per week",
        parent="conflict_hours",
        decimals=2,
    ),
    Outcome("absent_days", "absent days", plain="Days absent", whole=True),
    Outcome("quits", "quits", plain="People who quit", decimals=2, whole=True),
    Outcome("mean_upset", "upset on an average day", plain="People upset on an average day"),
    Outcome("trained", "people trained", plain="People trained", better=None, whole=True),
    Outcome("cost_conflict", "cost of conflict", plain="Cost of conflict", decimals=0),
    Outcome("cost_training", "cost of training", plain="Cost of training", decimals=0),
    Outcome(
        "cost_cash",
        "cost in cash",
        plain="Cost in cash (fees, replacing people who quit)",
        decimals=0,
    ),
    Outcome(
        "cost_time",
        "cost in working time",
        plain="Cost in working time (hours at the wage)",
        decimals=0,
    ),
    Outcome("net_benefit", "net benefit", plain="Net benefit", better="higher", decimals=0),
    Outcome(
        "net_benefit_cash",
        "net benefit in cash",
        "in cash",
        "Net benefit in cash",
        parent="net_benefit",
        better="higher",
        decimals=0,
    ),
    Outcome(
        "net_benefit_time",
        "net benefit in working time",
        "in working time",
        "Net benefit in working time",
        parent="net_benefit",
        better="higher",
        decimals=0,
    ),
    Outcome(
        "roi",
        "return on investment",
        plain="Return on investment",
        better="higher",
        decimals=0,
        as_percent=True,
        missing="nothing more spent on training",
    ),
    Outcome(
        "conflicts_with_trained",
        "conflicts with a trainee",
        plain="Conflicts a trained colleague is party to",
        whole=True,
    ),
    Outcome(
        "conflicts_among_untrained",
        "conflicts among the untrained",
        "among the untrained",
        "Conflicts between two colleagues who were not trained",
        whole=True,
    ),
    Outcome(
        "conflicts_among_untrained_d1",
        "conflicts among the untrained, the nearer 1 tie from a trainee",
        "1 tie from a trainee",
        "One step: work directly with a trainee",
        "conflicts_among_untrained",
        whole=True,
        missing=NO_ONE,
    ),
    Outcome(
        "conflicts_among_untrained_d2",
        "conflicts among the untrained, the nearer 2 ties from a trainee",
        "2 ties",
        "Two steps: a colleague of a colleague",
        "conflicts_among_untrained",
        whole=True,
        missing=NO_ONE,
    ),
    Outcome(
        "conflicts_among_untrained_d3plus",
        "conflicts among the untrained, both 3 or more ties from a trainee",
        "3 or more",
        "Three or more steps away",
        "conflicts_among_untrained",
        whole=True,
        missing=NO_ONE,
    ),
    Outcome(
        "conflicts_untrained",
        "conflicts of the untrained",
        "any untrained party",
        "Conflicts a colleague who was not trained is party to",
        whole=True,
    ),
)


def outcome(name: str) -> Outcome:
    """The ``Outcome`` of a column name.

    Raises:
        ValueError: If no outcome has that name.
    """
    try:
        return OUTCOMES[name]
    except KeyError:
        raise ValueError(f"unknown outcome {name!r}; choose one of {', '.join(OUTCOMES)}") from None


def summary_table(
    run: np.ndarray,
    scenario: Scenario,
    replicate_ids: np.ndarray,
    trained: np.ndarray,
    training_fees: np.ndarray,
    training_hours: np.ndarray,
) -> pd.DataFrame:
    """Per-run totals of every replicate: the one rule both simulators use.

    Money comes in two kinds, which a board weighs differently: cash, which leaves the
    bank (training fees, replacing people who quit), and working time, hours valued at
    the wage but paid in any case (hours lost to conflict, hours spent in training).

    Args:
        run: Daily outcomes of days 1..D, shape (replicates, D, len(DAILY_COLUMNS)), the
            columns in ``DAILY_COLUMNS`` order.
        scenario: The scenario that was run (for size, horizon, wage and costs).
        replicate_ids: Id of each replicate.
        trained: People trained in each replicate.
        training_fees: Fees paid for training, per replicate (cash).
        training_hours: Work hours spent in training, per replicate (time).

    Returns:
        One row per replicate: ``replicate`` and the ``SUMMARY_COLUMNS``: conflicts by
        severity, conflict hours, absent days, quits and their cost,
        ``cost_conflict = conflict_hours * wage + quits * replacement_cost``,
        ``cost_training = training_fees + training_hours * wage``, and the same money
        split as ``cost_cash = training_fees + quits * replacement_cost`` and
        ``cost_time = (conflict_hours + training_hours) * wage``.
    """
    p = scenario.params
    col = {name: run[:, :, j] for j, name in enumerate(DAILY_COLUMNS)}
    hours = col["conflict_hours"].sum(axis=1)
    quits = col["quits"].sum(axis=1).astype(np.int64)
    weeks = max(scenario.days, 1) / DAYS_PER_WEEK
    n_rep, n_days = run.shape[:2]
    mean_upset = col["upset"].mean(axis=1) if n_days > 0 else np.full(n_rep, np.nan)

    def total(name: str) -> np.ndarray:
        return col[name].sum(axis=1).astype(np.int64)

    return pd.DataFrame(
        {
            "replicate": replicate_ids,
            "conflicts": total("conflicts"),
            "conflicts_minor": total("conflicts_minor"),
            "conflicts_major": total("conflicts_major"),
            "conflicts_critical": total("conflicts_critical"),
            "conflict_hours": hours,
            "hours_per_employee_week": hours / scenario.org.size / weeks,
            "absent_days": total("absent"),
            "quits": quits,
            "mean_upset": mean_upset,
            "trained": trained,
            "cost_conflict": hours * p.wage + quits * p.replacement_cost,
            "cost_training": training_fees + training_hours * p.wage,
            "cost_cash": training_fees + quits * p.replacement_cost,
            "cost_time": (hours + training_hours) * p.wage,
        }
    )


def summarise(
    daily: pd.DataFrame,
    scenario: Scenario,
    trained: int = 0,
    training_fees: float = 0.0,
    training_hours: float = 0.0,
) -> dict[str, float]:
    """Per-run totals of one replicate's daily table (``summary_table`` of one run).

    Args:
        daily: One row per day with ``day`` and the ``DAILY_COLUMNS``; day 0 (the
            starting state) is left out of the totals.
        scenario: The scenario that was run.
        trained: Number of people trained.
        training_fees: Fees paid for training.
        training_hours: Work hours spent in training.

    Returns:
        The ``SUMMARY_COLUMNS`` as plain numbers.
    """
    run = daily.loc[daily["day"] > 0, list(DAILY_COLUMNS)].to_numpy(np.float64)[None]
    table = summary_table(
        run,
        scenario,
        np.zeros(1, np.int64),
        np.array([int(trained)], np.int64),
        np.array([float(training_fees)]),
        np.array([float(training_hours)]),
    )
    return {name: table[name].iloc[0].item() for name in SUMMARY_COLUMNS}


def team_frame(
    counts: np.ndarray, team_names: list[str], replicate_ids: np.ndarray | None = None
) -> pd.DataFrame:
    """Conflicts per team and day as a tidy frame (each party counted in their own team).

    Args:
        counts: Conflicts per replicate, day and team, shape (replicates, days + 1, teams).
        team_names: Name of each team.
        replicate_ids: Id of each replicate, or None for one run (no ``replicate`` column).

    Returns:
        Columns ``replicate`` (when ids are given), ``day``, ``team``, ``conflicts``.
    """
    n_rep, n_days, n_teams = counts.shape
    frame = {
        "day": np.tile(np.repeat(np.arange(n_days), n_teams), n_rep),
        "team": np.tile(np.asarray(team_names, dtype=object), n_rep * n_days),
        "conflicts": counts.ravel(),
    }
    if replicate_ids is not None:
        frame = {"replicate": np.repeat(replicate_ids, n_days * n_teams), **frame}
    return pd.DataFrame(frame)
