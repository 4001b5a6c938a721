"""Reading and checking incident record files: an organisation's HR incident log.

An incident record file is a CSV with one row per reported incident, or per group of them
(INTERFACE.md, "Incident records"): when it happened (``date`` or ``day``), where (``team``
or ``employee_id``, with an optional ``other_id``), how bad (``severity``, optional) and
how many (``count``, optional). The reader turns it into one row per working day, team and
severity, the form the simulators report incidents in, so that records and simulations can
be compared day by day.

The file rules (encoding, separators, quotes, blank rows) are the org chart's
(``conflictsim.csvtable``); every problem is one ``ValueError`` whose message names the
file, the row as a spreadsheet shows it (the header is row 1) and the column. The rules
are documented for users in docs/incidents.md.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from conflictsim.csvtable import (
    Problems,
    Table,
    check_size,
    column_letter,
    header_found,
    parse_number,
    read_bytes,
    read_table,
)
from conflictsim.outcomes import SEVERITIES

if TYPE_CHECKING:
    from conflictsim.organisation import Organisation

#: Every column the reader uses; any other column is ignored.
COLUMNS = ("date", "day", "team", "employee_id", "other_id", "severity", "count")
# A record's severity is one of the model's (``outcomes.SEVERITIES``, matched ignoring
# case), least severe first.
#: The severity of every record of a file without a severity column.
ANY_SEVERITY = "any"
#: Columns of the frame ``read_incidents`` returns.
OUTPUT_COLUMNS = ("day", "team", "severity", "count")

#: Largest file read, in bytes (for text in memory, in characters). About 2.5 million
#: rows of a plain log; larger files are refused from their size, before being read.
MAX_FILE_BYTES = 100_000_000
#: Most data rows in one file; reading stops at the first row past it.
MAX_ROWS = 1_000_000
#: Most working days one file may cover (about 10 years of 250 working days).
MAX_DAYS = 2_500
#: Largest count on one row: a group of more incidents than this is surely a typing slip.
MAX_COUNT = 1_000_000

#: A valid example incident log for ``conflictsim.orgchart.TEMPLATE_CSV``'s organisation
#: (docs/incidents.md shows it and what it reads as).
TEMPLATE_CSV = """\
date,team,employee_id,other_id,severity,count,notes
2024-03-04,Support,,,minor,3,"three rude calls, one shift"
2024-03-05,,E004,E005,major,1,raised voices at handover
2024-03-05,Finance,E008,E004,minor,1,
2024-03-08,,E003,,Critical,1,formal grievance
2024-03-11,Leadership,,,minor,0,none this week: the period runs to here
"""

#: Names shown in full when an unknown team is reported; longer lists are cut short.
_TEAMS_LISTED = 10
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_SEVERITY_HINT = "use minor, major or critical (in any case)"


# ---------------------------------------------------------------------- public API
def read_incidents(path: str | Path, org: Organisation) -> pd.DataFrame:
    """Read an incident record CSV into daily counts per team and severity.

    Columns (names matched ignoring case and surrounding spaces; others are ignored):

    - ``date`` (YYYY-MM-DD, Monday to Friday) or ``day`` (working day from 0): exactly
      one of the two. With dates, day 0 is the earliest date in the file and a date's day
      is the number of working days (Monday to Friday) from it.
    - ``team`` (a team of ``org``) or ``employee_id`` (an employee of ``org``, a party to
      the incident): at least one. An employee's incident counts in their team; where a
      row gives both, they must agree. ``other_id`` (the other party) is optional.
    - ``severity``: minor, major or critical, in any case. Without the column every record
      has severity ``"any"``.
    - ``count``: how many incidents the row stands for, a whole number from 0; without the
      column each row is one incident.

    See docs/incidents.md for every rule and limit.

    Args:
        path: The incident record CSV.
        org: The organisation the records are about.

    Returns:
        One row per (day, team, severity) that the file mentions, with columns ``day``
        (int64), ``team`` (a name of ``org.team_names``), ``severity`` (minor, major,
        critical, or any) and ``count`` (int64, the sum over the file's rows), sorted by
        day, then team in the organisation's order, then severity from minor to critical.
        ``attrs["days"]`` is the number of working days covered (the last day + 1) and
        ``attrs["first_date"]`` the date of day 0 (ISO) or None for a file of day numbers.

    Raises:
        ValueError: If the file is missing, unreadable, too large or malformed. The
            message names the file, the row (the header is row 1) and the column.
    """
    return parse_incidents(read_bytes(path, max_bytes=MAX_FILE_BYTES), org, label=str(path))


def parse_incidents(
    data: bytes | str, org: Organisation, label: str = "incidents.csv"
) -> pd.DataFrame:
    """Daily incident counts from an incident record CSV's contents, held in memory.

    The same rules as ``read_incidents``, for files that never touch the disk, such as
    an upload to the dashboard.

    Args:
        data: The file's bytes (or text).
        org: The organisation the records are about.
        label: The file's name, used in messages.

    Returns:
        The frame ``read_incidents`` returns.

    Raises:
        ValueError: If the contents are too large or malformed; the message names the
            file, row and column.
    """
    check_size(len(data), MAX_FILE_BYTES, label)
    table = read_table(data, label, (), COLUMNS, what="incident records", max_rows=MAX_ROWS)
    _check_columns(table)
    return _Records(table, org).frame()


def summary(incidents: pd.DataFrame, org: Organisation) -> dict[str, Any]:
    """Counts for a quick look at a frame of ``read_incidents``.

    Args:
        incidents: The frame ``read_incidents`` or ``parse_incidents`` returned.
        org: The organisation it was read for.

    Returns:
        ``incidents`` (the total count), ``teams_with_incidents``, ``teams`` (in the
        organisation), ``days`` (working days covered), ``first_date`` and ``last_date``
        (ISO, or None for a file of day numbers) and ``by_severity`` (severity -> count,
        minor to critical, or ``{"any": n}`` for a file without severities).
    """
    counts = incidents["count"].to_numpy()
    days = int(incidents.attrs.get("days", 0))
    first = incidents.attrs.get("first_date")
    last = None
    if first is not None:
        last = str(np.busday_offset(np.datetime64(first, "D"), days - 1, roll="forward"))
    sums = incidents.groupby("severity")["count"].sum()
    order = [s for s in (*SEVERITIES, ANY_SEVERITY) if s in sums.index]
    return {
        "incidents": int(counts.sum()),
        "teams_with_incidents": int(incidents.loc[counts > 0, "team"].nunique()),
        "teams": len(org.team_names),
        "days": days,
        "first_date": first,
        "last_date": last,
        "by_severity": {s: int(sums[s]) for s in order},
    }


# ---------------------------------------------------------------------- the header
def _check_columns(table: Table) -> None:
    """Refuse a header without a when and a where, with both date and day, or other_id alone.

    Raises:
        ValueError: Naming the file, the header's row and the column.
    """
    col = table.columns
    missing = []
    if "date" not in col and "day" not in col:
        missing.append("date (YYYY-MM-DD) or day (working day from 0)")
    if "team" not in col and "employee_id" not in col:
        missing.append("team or employee_id")
    if missing:
        raise table.error(
            f"missing required column(s): {', and '.join(missing)}; {header_found(table.header)}",
            table.header_row,
        )
    if "date" in col and "day" in col:
        raise table.error(
            f"has both a date column (column {column_letter(col['date'])}) and a day column "
            f"(column {column_letter(col['day'])}); keep one: dates (YYYY-MM-DD) or working "
            "days counted from 0",
            table.header_row,
            "day",
        )
    if "other_id" in col and "employee_id" not in col:
        raise table.error(
            "an other_id column needs an employee_id column for the first party",
            table.header_row,
            "other_id",
        )


# ---------------------------------------------------------------------- the rows
class _Records:
    """The checked cells of an incident record file, turned into daily counts."""

    def __init__(self, table: Table, org: Organisation) -> None:
        self.table = table
        self.org_name = str(getattr(org, "name", "organisation"))
        self.team_names = [str(t) for t in org.team_names]
        self.team_index = {name: i for i, name in enumerate(self.team_names)}
        self.employee_index = {str(eid): i for i, eid in enumerate(org.ids)}
        self.employee_team = np.asarray(org.team, dtype=np.int64)
        # Dates repeat from row to row; each distinct text is checked once.
        self.dates: dict[str, dt.date] = {}

    def frame(self) -> pd.DataFrame:
        """The daily counts per team and severity (see ``read_incidents``)."""
        table, col = self.table, self.table.columns
        when, team, severity, count, rows = [], [], [], [], []
        problems = Problems(table.label)
        for row, fields in table.rows:
            cells = {c: fields[pos] for c, pos in col.items()}
            # None: the file has no such column; "": a blank cell.
            for values, read, args in (
                (when, self._date, (cells["date"],))
                if "date" in col
                else (when, self._day, (cells["day"],)),
                (
                    team,
                    self._team,
                    (cells.get("team"), cells.get("employee_id"), cells.get("other_id")),
                ),
                (severity, self._severity, (cells.get("severity"),)),
                (count, self._count, (cells.get("count"),)),
            ):
                try:
                    values.append(read(row, *args))
                except ValueError as exc:  # every problem of the file is listed at once
                    problems.add(row, exc)
            rows.append(row)
        problems.raise_all()

        if "date" in col:
            first = min(when)
            day = np.busday_count(first, np.asarray(when, dtype="datetime64[D]"))
            first_date: str | None = first.isoformat()
            self._check_span(day, rows, first, when)
        else:
            day = np.asarray(when, dtype=np.int64)
            first_date = None

        return self._aggregate(day, team, severity, count, first_date)

    def _aggregate(
        self,
        day: np.ndarray,
        team: list[int],
        severity: list[int],
        count: list[int],
        first_date: str | None,
    ) -> pd.DataFrame:
        """Sum the rows of each (day, team, severity); names for indices; the period."""
        raw = pd.DataFrame(
            {
                "day": day.astype(np.int64),
                "team": np.asarray(team, dtype=np.int64),
                "severity": np.asarray(severity, dtype=np.int64),
                "count": np.asarray(count, dtype=np.int64),
            }
        )
        # Grouping on indices sorts teams in the organisation's order and severities from
        # minor to critical, which an alphabetical sort of the names would not.
        out = raw.groupby(["day", "team", "severity"], sort=True)["count"].sum().reset_index()
        names = np.asarray(self.team_names, dtype=object)
        levels = np.asarray((*SEVERITIES, ANY_SEVERITY), dtype=object)
        out["team"] = pd.Series(names[out["team"].to_numpy()]).astype(str)
        out["severity"] = pd.Series(levels[out["severity"].to_numpy()]).astype(str)
        out["day"] = out["day"].astype(np.int64)
        out["count"] = out["count"].astype(np.int64)
        out = out[list(OUTPUT_COLUMNS)]
        out.attrs["days"] = int(day.max()) + 1
        out.attrs["first_date"] = first_date
        return out

    # ------------------------------------------------------------------ when
    def _date(self, row: int, text: str) -> dt.date:
        """A ``date`` cell: a working day written YYYY-MM-DD."""
        if text in self.dates:
            return self.dates[text]
        if not text:
            raise self.table.error("the date is blank; write dates as YYYY-MM-DD", row, "date")
        if not _DATE.fullmatch(text):
            raise self.table.error(
                f"{text!r} is not a date written YYYY-MM-DD (such as 2024-03-15); in a "
                "spreadsheet, format the column as yyyy-mm-dd before saving",
                row,
                "date",
            )
        try:
            date = dt.date(int(text[:4]), int(text[5:7]), int(text[8:]))
        except ValueError as exc:
            raise self.table.error(
                f"{text!r} is not a date of the calendar ({exc}); write dates as YYYY-MM-DD",
                row,
                "date",
            ) from None
        if date.weekday() >= 5:
            raise self.table.error(
                f"{text} is a {_WEEKDAYS[date.weekday()]}; the model's days are working days "
                "(Monday to Friday): move it to the Friday before or the Monday after",
                row,
                "date",
            )
        self.dates[text] = date
        return date

    def _day(self, row: int, text: str) -> int:
        """A ``day`` cell: a working day counted from 0, within ``MAX_DAYS``."""
        day = self._whole_number(row, "day", text, "a working day counted from 0")
        if day >= MAX_DAYS:
            raise self.table.error(
                f"day {day:,} is past the last day a file may cover, day {MAX_DAYS - 1:,} "
                f"({MAX_DAYS:,} working days, about 10 years); split the records into "
                "shorter periods",
                row,
                "day",
            )
        return day

    def _check_span(
        self, day: np.ndarray, rows: list[int], first: dt.date, dates: list[dt.date]
    ) -> None:
        """Refuse dates that span more than ``MAX_DAYS`` working days."""
        latest = int(day.argmax())
        if int(day[latest]) >= MAX_DAYS:
            raise self.table.error(
                f"the dates span {int(day[latest]) + 1:,} working days ({first.isoformat()} "
                f"to {dates[latest].isoformat()}), more than the {MAX_DAYS:,} (about 10 "
                "years) a file may cover; split the records into shorter periods",
                rows[latest],
                "date",
            )

    # ------------------------------------------------------------------ where
    def _team(self, row: int, team: str | None, employee: str | None, other: str | None) -> int:
        """The team index of a row: its ``team``, or the team of its ``employee_id``."""
        table = self.table
        given = None
        if team:
            if team not in self.team_index:
                raise table.error(self._unknown_team(team), row, "team")
            given = self.team_index[team]
        if other and not employee:
            raise table.error(
                "other_id is given but employee_id is blank; put the first party in employee_id",
                row,
                "employee_id",
            )
        if employee:
            person = self._employee(row, "employee_id", employee)
            if other:
                if other == employee:
                    raise table.error(
                        f"other_id {other!r} is the same person as employee_id; leave "
                        "other_id blank when there is no other party",
                        row,
                        "other_id",
                    )
                self._employee(row, "other_id", other)
            of_employee = int(self.employee_team[person])
            if given is not None and given != of_employee:
                raise table.error(
                    f"team {team!r} does not match employee {employee!r}, who is in team "
                    f"{self.team_names[of_employee]!r} in the org chart; correct the team or "
                    "leave it blank",
                    row,
                    "team",
                )
            return of_employee
        if given is None:
            if employee is None:
                raise table.error("the team is blank; give the team", row, "team")
            if team is None:
                raise table.error(
                    "the employee_id is blank; give the employee involved", row, "employee_id"
                )
            raise table.error(
                "neither team nor employee_id is given; give at least one", row, "team"
            )
        return given

    def _employee(self, row: int, column: str, eid: str) -> int:
        """The index of an employee id of the organisation."""
        if eid not in self.employee_index:
            raise self.table.error(
                f"{eid!r} is not an employee of the organisation {self.org_name!r} (ids are "
                "matched exactly, as text)",
                row,
                column,
            )
        return self.employee_index[eid]

    def _unknown_team(self, team: str) -> str:
        """A message for a team name that is not in the organisation, with a suggestion."""
        names = self.team_names
        listed = ", ".join(repr(n) for n in names[:_TEAMS_LISTED])
        if len(names) > _TEAMS_LISTED:
            listed += f" and {len(names) - _TEAMS_LISTED:,} more"
        by_case = [n for n in names if n.lower() == team.lower()]
        close = by_case or difflib.get_close_matches(team, names, n=1, cutoff=0.8)
        hint = f"did you mean {close[0]!r}? " if close else ""
        return (
            f"{team!r} is not a team of the organisation {self.org_name!r} (names are matched "
            f"exactly); {hint}its teams are: {listed}"
        )

    # ------------------------------------------------------------------ how bad, how many
    def _severity(self, row: int, text: str | None) -> int:
        """The severity index of a row; ``len(SEVERITIES)`` ("any") without the column."""
        if text is None:
            return len(SEVERITIES)
        if not text:
            raise self.table.error(
                f"the severity is blank; {_SEVERITY_HINT}, or drop the column if severity "
                "is not recorded",
                row,
                "severity",
            )
        word = text.lower()
        if word not in SEVERITIES:
            raise self.table.error(f"{text!r} is not a severity; {_SEVERITY_HINT}", row, "severity")
        return SEVERITIES.index(word)

    def _count(self, row: int, text: str | None) -> int:
        """The number of incidents a row stands for: 1 without the column."""
        if text is None:
            return 1
        count = self._whole_number(
            row,
            "count",
            text,
            "the number of incidents the row stands for (0 or more)",
            blank="drop the column to count each row as one incident",
        )
        if count > MAX_COUNT:
            raise self.table.error(
                f"{text!r} is more than the {MAX_COUNT:,} incidents one row may stand for; "
                "check the count",
                row,
                "count",
            )
        return count

    def _whole_number(
        self, row: int, column: str, text: str, meaning: str, blank: str | None = None
    ) -> int:
        """A cell holding a whole number from 0 (``12``, or ``12.0`` as some exports write)."""
        table = self.table
        if not text:
            also = f", or {blank}" if blank else ""
            raise table.error(f"the {column} is blank; give {meaning}{also}", row, column)
        value = parse_number(table, text)
        if value is None or not math.isfinite(value):
            raise table.error(f"{text!r} is not a number; give {meaning}", row, column)
        if value < 0:
            raise table.error(f"{text!r} is negative; give {meaning}", row, column)
        if not value.is_integer():
            raise table.error(f"{text!r} is not a whole number; give {meaning}", row, column)
        return int(value)
