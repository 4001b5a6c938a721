"""Outcomes of a run: daily series to per-run totals, hours and money (MODEL.md section 5)."""

from __future__ import annotations

import pandas as pd

from conflictsim.scenario import Scenario

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
)

#: Working days in a week, for "hours per employee per week" (CPP 2008's unit).
DAYS_PER_WEEK = 5


def summarise(
    daily: pd.DataFrame, scenario: Scenario, trained: int = 0, cost_training: float = 0.0
) -> dict[str, float]:
    """Per-run totals from one replicate's daily table (day 0 is the starting state).

    Args:
        daily: One row per day with the ``DAILY_COLUMNS``.
        scenario: The scenario that was run (for size, horizon, wage and costs).
        trained: Number of people trained.
        cost_training: Fees plus the value of work hours spent in training.

    Returns:
        Totals over days 1..D: conflicts by severity, conflict hours, absent days, quits,
        and their cost: ``cost_conflict = conflict_hours * wage + quits * replacement_cost``.
    """
    p = scenario.params
    run = daily[daily["day"] > 0]
    hours = float(run["conflict_hours"].sum())
    quits = int(run["quits"].sum())
    weeks = max(scenario.days, 1) / DAYS_PER_WEEK
    return {
        "conflicts": int(run["conflicts"].sum()),
        "conflicts_minor": int(run["conflicts_minor"].sum()),
        "conflicts_major": int(run["conflicts_major"].sum()),
        "conflicts_critical": int(run["conflicts_critical"].sum()),
        "conflict_hours": hours,
        "hours_per_employee_week": hours / scenario.org.size / weeks,
        "absent_days": int(run["absent"].sum()),
        "quits": quits,
        "mean_upset": float(run["upset"].mean()) if len(run) else float("nan"),
        "trained": int(trained),
        "cost_conflict": hours * p.wage + quits * p.replacement_cost,
        "cost_training": float(cost_training),
    }
