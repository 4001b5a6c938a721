"""Summary statistics of incident records and of simulations, for calibration.

Records are summarised by team and week (five working days), which is where contagion
leaves its mark (shared/EVIDENCE.md, "What can tell contagion from outside triggers";
pattern-oriented modelling, Grimm et al. 2005): conflict drawn in from colleagues comes
in bursts within a team that last from one week into the next, so team-week counts are
over-dispersed and autocorrelated, while independent outside triggers give counts close
to Poisson. The statistics, and why each:

- ``reported_per_employee_week``: how much reaches a record (conflict x reporting rate);
- ``share_severe``: the severity mix (the share that is major or critical), which the
  reporting rates per severity shape; one statistic rather than two, because ABC keeps a
  parameter set only when every statistic is near its target, so each statistic costs
  acceptance whether it informs much or not (critical incidents are few and noisy);
- ``team_week_dispersion``: variance over mean of each team's weekly counts around the
  team's own mean, pooled (1 for Poisson; team size differences are taken out);
- ``team_week_autocorrelation``: lag-1 correlation of those deviations (about -1/weeks
  for independent weeks).

Their standard errors come from a bootstrap over teams: teams are the clusters that the
counts share, so resampling them keeps each team's weeks together.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim.engine.driver import Results
from conflictsim.engine.kernels import COLUMNS
from conflictsim.organisation import Organisation
from conflictsim.scenario import DAYS_PER_WEEK, DAYS_PER_YEAR

_CONFLICT = ("trigger", "transmission", "recovery")
_REPORTING = ("report_minor", "report_major", "report_critical")

#: Record statistics: label and the parameters each informs.
RECORD_STATISTICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "reported_per_employee_week": (
        "reported incidents per employee per week",
        (*_CONFLICT, *_REPORTING),
    ),
    "share_severe": ("share of reported incidents that are major or critical", _REPORTING),
    "team_week_dispersion": (
        "over-dispersion of weekly team counts (1 = no clustering)",
        (*_CONFLICT, *_REPORTING),
    ),
    "team_week_autocorrelation": (
        "week-to-week correlation of team counts",
        (*_CONFLICT, *_REPORTING),
    ),
}

#: Fewest full weeks of records that can be summarised.
MIN_WEEKS = 4
#: Bootstrap replicates for the standard errors.
BOOTSTRAP = 200


def team_week_counts(
    records: pd.DataFrame, org: Organisation, days: int
) -> tuple[np.ndarray, np.ndarray | None]:
    """Records as counts per team and full week, and counts per team and severity.

    Args:
        records: ``day, team, severity, count`` (the incident-record format).
        org: The organisation (its teams, in order).
        days: Working days the records cover; a last partial week is left out.

    Returns:
        ``(counts, severity)``: shape (teams, weeks), and (teams, 3) for minor, major,
        critical, or ``None`` when the records carry no severity ("any").
    """
    weeks = days // DAYS_PER_WEEK
    if weeks < MIN_WEEKS:
        raise ValueError(
            f"the incident records cover {days} working days; at least {MIN_WEEKS} full "
            f"weeks ({MIN_WEEKS * DAYS_PER_WEEK} working days) are needed to summarise them"
        )
    index = {name: t for t, name in enumerate(org.team_names)}
    day = records["day"].to_numpy(dtype=np.int64)
    keep = day < weeks * DAYS_PER_WEEK
    team = np.array([index[t] for t in records["team"].to_numpy()[keep]], dtype=np.int64)
    count = records["count"].to_numpy(dtype=np.int64)[keep]
    counts = np.zeros((len(org.team_names), weeks), dtype=np.int64)
    np.add.at(counts, (team, day[keep] // DAYS_PER_WEEK), count)
    sev_names = records["severity"].to_numpy()[keep]
    if len(sev_names) and np.all(sev_names == "any"):
        return counts, None
    sev = np.zeros((len(org.team_names), 3), dtype=np.int64)
    code = {"minor": 0, "major": 1, "critical": 2}
    np.add.at(sev, (team, np.array([code[s] for s in sev_names], dtype=np.int64)), count)
    return counts, sev


def count_statistics(
    counts: np.ndarray, severity: np.ndarray | None, team_size: np.ndarray
) -> dict[str, float]:
    """The record statistics of team-week counts (see the module docstring)."""
    weeks = counts.shape[1]
    total = float(counts.sum())
    out = {"reported_per_employee_week": total / (float(team_size.sum()) * weeks)}
    if severity is not None:
        n = max(float(severity.sum()), 1.0)
        out["share_severe"] = float(severity[:, 1:].sum()) / n
    dev = counts - counts.mean(axis=1, keepdims=True)
    ss = float((dev**2).sum())
    # Pooled within-team variance over the mean count of a team-week.
    out["team_week_dispersion"] = ss * weeks / ((weeks - 1) * total) if total > 0 else 1.0
    out["team_week_autocorrelation"] = (
        float((dev[:, :-1] * dev[:, 1:]).sum()) / ss if ss > 0 else 0.0
    )
    return out


def record_statistics(
    records: pd.DataFrame, org: Organisation, days: int, *, bootstrap_seed: int = 0
) -> tuple[dict[str, float], dict[str, float]]:
    """Statistics of incident records and their bootstrap standard errors over teams.

    Returns:
        ``(statistics, standard_errors)``, dicts keyed by statistic name.

    Raises:
        ValueError: If the records cover too few weeks or hold no incident.
    """
    counts, severity = team_week_counts(records, org, days)
    if counts.sum() == 0:
        raise ValueError("the incident records hold no incident in their full weeks")
    size = np.bincount(org.team, minlength=len(org.team_names))
    stats = count_statistics(counts, severity, size)
    rng = np.random.default_rng(bootstrap_seed)
    boot = []
    for _ in range(BOOTSTRAP):
        pick = rng.integers(0, counts.shape[0], counts.shape[0])
        boot.append(
            count_statistics(counts[pick], None if severity is None else severity[pick], size[pick])
        )
    se = {k: float(np.std([b[k] for b in boot], ddof=1)) for k in stats}
    floor = poisson_standard_errors(counts, severity, size)
    return stats, {k: max(se[k], floor[k]) for k in stats}


def poisson_standard_errors(
    counts: np.ndarray, severity: np.ndarray | None, team_size: np.ndarray
) -> dict[str, float]:
    """Each statistic's standard error if the team-week counts were Poisson.

    The floor under the bootstrap's standard errors: a bootstrap over a handful of teams
    understates them, and with few incidents it collapses (the coverage study met an
    interval of +-0.007 on the dispersion where simulations at the true parameters spread
    0.38), which leaves the calibration hunting for one number instead of a range.

    - rate: ``sqrt(total) / (employee-weeks)``;
    - severity mix: binomial, with the share moved half an incident from 0 and 1;
    - dispersion: ``sqrt(2 / df)`` with ``df = teams * (weeks - 1)``, as for a chi-squared
      index of dispersion (for small counts too: the sample variance's extra spread
      moves with the sample mean it is divided by, and cancels);
    - autocorrelation: ``1 / sqrt(df)``.
    """
    teams, weeks = counts.shape
    total = max(float(counts.sum()), 1.0)
    df = teams * (weeks - 1)
    out = {
        "reported_per_employee_week": float(np.sqrt(total) / (float(team_size.sum()) * weeks)),
        "team_week_dispersion": float(np.sqrt(2.0 / df)),
        "team_week_autocorrelation": float(1.0 / np.sqrt(df)),
    }
    if severity is not None:
        n = max(float(severity.sum()), 1.0)
        share = (float(severity[:, 1:].sum()) + 0.5) / (n + 1.0)
        out["share_severe"] = float(np.sqrt(share * (1.0 - share) / n))
    return out


def simulation_statistics(
    res: Results,
    names: list[str],
    warmup_days: int,
    record_days: int = 0,
    replicate: int | None = None,
) -> dict[str, float]:
    """The named statistics of one replicate of a simulation, past the warm-up.

    Args:
        res: The simulation (teams recorded when record statistics are wanted).
        names: Statistics to compute (published and record ones).
        warmup_days: Days of start-up transient left out (a whole number of weeks).
        record_days: Days of simulated records, starting after the warm-up.
        replicate: The replicate's id (default: the first simulated).

    Returns:
        Statistic name to value.
    """
    org, days = res.scenario.org, res.scenario.days
    rep = int(res.replicate_ids[0]) if replicate is None else int(replicate)
    position = int(np.flatnonzero(res.replicate_ids == rep)[0])
    # Straight from the engine's arrays (no frames): this runs once per ABC candidate.
    values = res.daily_values[position, warmup_days + 1 :]
    n, span = org.size, days - warmup_days
    out: dict[str, float] = {}
    if "hours_per_week" in names:
        hours = values[:, COLUMNS.index("conflict_hours")].sum()
        out["hours_per_week"] = float(hours / (n * span / DAYS_PER_WEEK))
    if "weekly_rude_share" in names:
        share = res.weekly_rude_share(warmup_days // DAYS_PER_WEEK)
        out["weekly_rude_share"] = float(share[position])
    if "absence_days_per_year" in names:
        absent = values[:, COLUMNS.index("absent")].sum()
        out["absence_days_per_year"] = float(absent / n * DAYS_PER_YEAR / span)
    if "quits_per_year" in names:
        quits = values[:, COLUMNS.index("quits")].sum()
        out["quits_per_year"] = float(quits / n * DAYS_PER_YEAR / span)
    wanted = [k for k in names if k in RECORD_STATISTICS]
    if wanted:
        weeks = record_days // DAYS_PER_WEEK
        if weeks < MIN_WEEKS:
            raise ValueError(f"at least {MIN_WEEKS} full weeks of records are needed")
        # Reported counts of the record period, by team and week, and by team and severity.
        period = res.reported(rep)[warmup_days : warmup_days + weeks * DAYS_PER_WEEK]
        by_week = period.reshape(weeks, DAYS_PER_WEEK, *period.shape[1:]).sum(axis=1)
        counts = by_week.sum(axis=2).T  # (teams, weeks)
        severity = period.sum(axis=0)  # (teams, 3)
        size = np.bincount(org.team, minlength=len(org.team_names))
        stats = count_statistics(counts, severity, size)
        out.update({k: stats[k] for k in wanted})
    return out
