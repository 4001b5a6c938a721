"""Tests for reading incident record CSVs (conflictsim.incidents)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest

import conflictsim as cs
from conflictsim import incidents
from conflictsim.incidents import parse_incidents, read_incidents, summary
from conflictsim.orgchart import TEMPLATE_CSV

# Teams T1..T8, employees E01..E60 (E01-E08 in T1, E09.. in T2).
OFFICE = cs.Organisation.generate(60, "office", seed=1)
# Leadership: E001, E002; Support: E003-E006; Finance: E007, E008.
TEMPLATE = cs.Organisation.parse_csv(TEMPLATE_CSV, name="org.csv")


def write(tmp_path, name, content):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def records(frame):
    """The frame's rows as plain tuples, for exact comparison."""
    return [tuple(r) for r in frame.itertuples(index=False)]


# ---------------------------------------------------------------------- accepted files
def test_the_generated_organisation_is_as_the_tests_assume():
    assert OFFICE.team_names[:2] == ["T1", "T2"]
    assert OFFICE.ids[0] == "E01" and OFFICE.team_names[OFFICE.team[0]] == "T1"
    assert OFFICE.team_names[OFFICE.team[8]] == "T2"  # E09


def test_dates_become_working_days_from_the_earliest_date():
    # 2024-01-01 is a Monday; the earliest date is on the last row.
    text = (
        "date,team,severity\n"
        "2024-01-05,T1,minor\n"  # Friday: day 4
        "2024-01-08,T1,major\n"  # Monday after: day 5, the weekend skipped
        "2024-02-01,T2,critical\n"  # 23 working days in January 2024: day 23
        "2024-01-01,T3,minor\n"
    )
    frame = parse_incidents(text, OFFICE)
    assert list(frame.columns) == ["day", "team", "severity", "count"]
    assert records(frame) == [
        (0, "T3", "minor", 1),
        (4, "T1", "minor", 1),
        (5, "T1", "major", 1),
        (23, "T2", "critical", 1),
    ]
    assert frame.attrs == {"days": 24, "first_date": "2024-01-01"}
    assert frame["day"].dtype == np.int64 and frame["count"].dtype == np.int64
    assert all(isinstance(t, str) for t in frame["team"])


def test_day_0_is_the_earliest_date_even_midweek():
    frame = parse_incidents("date,team\n2024-03-20,T1\n2024-03-18,T1\n2024-03-25,T2\n", OFFICE)
    # Wed 20 March, Mon 25 March, counted from Mon 18 March.
    assert records(frame) == [(0, "T1", "any", 1), (2, "T1", "any", 1), (5, "T2", "any", 1)]
    assert frame.attrs == {"days": 6, "first_date": "2024-03-18"}


def test_day_numbers_are_taken_as_they_are():
    frame = parse_incidents("day,team,severity\n7,T2,Major\n3,T1,CRITICAL\n", OFFICE)
    # Day numbers are not shifted: the period starts at day 0 even with no record on it.
    assert records(frame) == [(3, "T1", "critical", 1), (7, "T2", "major", 1)]
    assert frame.attrs == {"days": 8, "first_date": None}


def test_employee_ids_are_mapped_to_their_teams(tmp_path):
    path = write(
        tmp_path,
        "incidents.csv",
        "day,employee_id,other_id,team\n"
        "0,E004,E003,\n"  # Support
        "0,E008,E004,\n"  # Finance: the employee's team, not the other party's
        "1,,,Leadership\n"  # a team alone
        "1,E002,,Leadership\n",  # team and employee agree
    )
    frame = read_incidents(path, TEMPLATE)
    assert records(frame) == [
        (0, "Support", "any", 1),
        (0, "Finance", "any", 1),
        (1, "Leadership", "any", 2),
    ]


def test_counts_are_summed_per_day_team_and_severity():
    text = (
        "day,team,severity,count\n"
        "2,T1,minor,3\n"
        "2,T1,Minor,4\n"  # same group, other spelling: summed
        "2,T1,major,1\n"
        "2,T2,minor,2\n"
        "5,T1,minor,0\n"  # none that day: kept, and it ends the period
    )
    frame = parse_incidents(text, OFFICE)
    assert records(frame) == [
        (2, "T1", "minor", 7),
        (2, "T1", "major", 1),
        (2, "T2", "minor", 2),
        (5, "T1", "minor", 0),
    ]
    assert frame.attrs["days"] == 6
    assert int(frame["count"].sum()) == 10


def test_rows_are_sorted_by_day_then_team_order_then_severity():
    text = "day,team,severity\n1,T2,critical\n1,T2,minor\n0,T8,major\n1,T1,major\n"
    frame = parse_incidents(text, OFFICE)
    assert records(frame) == [
        (0, "T8", "major", 1),
        (1, "T1", "major", 1),
        (1, "T2", "minor", 1),
        (1, "T2", "critical", 1),
    ]


def test_without_a_severity_column_severity_is_any():
    frame = parse_incidents("day,team\n0,T1\n0,T1\n", OFFICE)
    assert records(frame) == [(0, "T1", "any", 2)]


def test_semicolon_file_with_decimal_comma_counts():
    text = "date;team;severity;count\n2024-01-02;T1;minor;2,0\n2024-01-03;T2;major;1\n"
    frame = parse_incidents(text.encode(), OFFICE)
    assert records(frame) == [(0, "T1", "minor", 2), (1, "T2", "major", 1)]


def test_byte_order_mark_spaces_case_unknown_columns_and_blank_rows_are_accepted():
    text = (
        " Date , TEAM ,Notes,Severity\r\n"
        "2024-01-02, T1 ,shouting in the kitchen, major\r\n"
        "\r\n"
        ",,,\r\n"
        '2024-01-03,T2,"rude email, cc all",minor\r\n'
    )
    frame = parse_incidents(b"\xef\xbb\xbf" + text.encode(), OFFICE)
    assert records(frame) == [(0, "T1", "major", 1), (1, "T2", "minor", 1)]


def test_whole_numbers_may_carry_a_zero_decimal_part():
    frame = parse_incidents("day,team,count\n3.0,T1,2.0\n", OFFICE)
    assert records(frame) == [(3, "T1", "any", 2)]


def test_summary_counts_incidents_teams_days_and_severities():
    text = (
        "date,team,severity,count\n"
        "2024-01-05,T1,minor,2\n"
        "2024-01-08,T2,major,1\n"
        "2024-01-01,T3,critical,0\n"
    )
    s = summary(parse_incidents(text, OFFICE), OFFICE)
    assert s == {
        "incidents": 3,
        "teams_with_incidents": 2,  # T3's row has no incidents
        "teams": 8,
        "days": 6,
        "first_date": "2024-01-01",
        "last_date": "2024-01-08",
        "by_severity": {"minor": 2, "major": 1, "critical": 0},
    }


# ---------------------------------------------------------------------- refused files
# case -> (file contents, fragments the message must contain). The file is incidents.csv.
MALFORMED = {
    "unknown team": ("day,team\n0,T1\n1,Sales\n", ["row 3", "column team", "'Sales'", "'T1'"]),
    "team in the wrong case": ("day,team\n0,t2\n", ["row 2", "column team", "did you mean 'T2'"]),
    "blank team": ("day,team\n0,\n", ["row 2", "column team", "blank"]),
    "unknown employee": (
        "day,employee_id\n0,E01\n0,E99\n",
        ["row 3", "column employee_id", "'E99' is not an employee"],
    ),
    "unknown other party": (
        "day,employee_id,other_id\n0,E01,E02\n0,E01,X7\n",
        ["row 3", "column other_id", "'X7' is not an employee"],
    ),
    "other party without the first": (
        "day,employee_id,other_id\n0,,E02\n",
        ["row 2", "column employee_id", "employee_id is blank"],
    ),
    "other party is the employee": (
        "day,employee_id,other_id\n0,E01,E01\n",
        ["row 2", "column other_id", "same person"],
    ),
    "other_id column alone": (
        "day,team,other_id\n0,T1,E02\n",
        ["row 1", "column other_id", "needs an employee_id column"],
    ),
    "team and employee disagree": (
        "day,team,employee_id\n0,T1,E01\n0,T1,E09\n",
        ["row 3", "column team", "'T1'", "'E09'", "'T2'"],
    ),
    "neither team nor employee on a row": (
        "day,team,employee_id\n0,,\n",
        ["row 2", "column team", "neither team nor employee_id"],
    ),
    "month 13": ("date,team\n2024-12-02,T1\n2024-13-01,T1\n", ["row 3", "column date", "month"]),
    "31 February": ("date,team\n2024-02-31,T1\n", ["row 2", "column date", "'2024-02-31'"]),
    "day/month/year": ("date,team\n01/02/2024,T1\n", ["row 2", "column date", "YYYY-MM-DD"]),
    "blank date": ("date,team\n2024-01-02,T1\n,T1\n", ["row 3", "column date", "blank"]),
    "Saturday": ("date,team\n2024-01-05,T1\n2024-01-06,T1\n", ["row 3", "column date", "Saturday"]),
    "Sunday": ("date,team\n2024-01-07,T1\n", ["row 2", "column date", "Sunday"]),
    "negative day": ("day,team\n-1,T1\n", ["row 2", "column day", "'-1' is negative"]),
    "fractional day": ("day,team\n2.5,T1\n", ["row 2", "column day", "not a whole number"]),
    "day not a number": ("day,team\nMonday,T1\n", ["row 2", "column day", "not a number"]),
    "day nan": ("day,team\nnan,T1\n", ["row 2", "column day", "not a number"]),
    "blank day": ("day,team\n,T1\n", ["row 2", "column day", "blank"]),
    "day past the limit": ("day,team\n0,T1\n2500,T1\n", ["row 3", "column day", "2,499"]),
    "dates over ten years": (
        "date,team\n2014-01-06,T1\n2020-01-06,T1\n2024-01-08,T1\n",
        ["row 4", "column date", "2,611 working days", "2014-01-06 to 2024-01-08", "2,500"],
    ),
    "date and day columns": (
        "date,team,day\n2024-01-02,T1,0\n",
        ["row 1", "column day", "both a date column (column A) and a day column (column C)"],
    ),
    "neither date nor day": (
        "when,team\n2024-01-02,T1\n",
        ["row 1", "missing required column(s): date", "or day", "the header has: when, team"],
    ),
    "neither team nor employee_id": (
        "day,department\n0,Sales\n",
        ["row 1", "team or employee_id", "the header has: day, department"],
    ),
    "no required columns": (
        "severity,count\nminor,1\n",
        ["row 1", "date (YYYY-MM-DD) or day", ", and team or employee_id"],
    ),
    "negative count": ("day,team,count\n0,T1,-2\n", ["row 2", "column count", "negative"]),
    "fractional count": ("day,team,count\n0,T1,1.5\n", ["row 2", "column count", "whole number"]),
    "count not a number": ("day,team,count\n0,T1,two\n", ["row 2", "column count", "not a number"]),
    "blank count": ("day,team,count\n0,T1,\n", ["row 2", "column count", "blank"]),
    "huge count": ("day,team,count\n0,T1,5000000\n", ["row 2", "column count", "1,000,000"]),
    "unknown severity": (
        "day,team,severity\n0,T1,minor\n0,T1,serious\n",
        ["row 3", "column severity", "'serious'", "minor, major or critical"],
    ),
    "blank severity": ("day,team,severity\n0,T1,\n", ["row 2", "column severity", "blank"]),
    "column twice": ("day,team,Team\n0,T1,T1\n", ["row 1", "'Team' appears twice"]),
    "ragged row": ("day,team\n0,T1\n1,T1,extra\n", ["row 3", "has 3 fields"]),
    "unclosed quote": ('day,team\n0,"T1\n1,T2\n', ["row 2", "never closed"]),
    "blank rows are counted": ("day,team\n\n0,T1\n\n,,\n1,Nowhere\n", ["row 6", "'Nowhere'"]),
    "empty file": ("", ["is empty"]),
    "only blank lines": ("\n\n  \n", ["is empty"]),
    "header only": ("date,team,severity\n", ["has a header (row 1) but no incident records"]),
    "UTF-16": ("day,team\n0,T1\n".encode("utf-16"), ["is UTF-16 text, not UTF-8", "CSV UTF-8"]),
    "latin-1 byte": (
        "day,team\n0,T1\n1,Équipe\n".encode("latin-1"),
        ["row 3", "is not UTF-8 text (byte 0xC9", "CSV UTF-8"],
    ),
}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_is_refused_with_one_message_naming_the_place(tmp_path, case):
    content, fragments = MALFORMED[case]
    path = write(tmp_path, "incidents.csv", content)
    with pytest.raises(ValueError) as info:
        read_incidents(path, OFFICE)
    message = str(info.value)
    assert message.startswith(f"{path}"), message
    for fragment in fragments:
        assert fragment in message, message
    assert "\n" not in message


def test_every_problem_of_a_record_file_is_listed_at_once():
    data = b"day,team,severity,count\n0,T0,minor,1\n1,T1,awful,1\n-2,T1,minor,x\n"
    with pytest.raises(ValueError) as info:
        parse_incidents(data, OFFICE, label="upload.csv")
    lines = str(info.value).splitlines()
    assert lines[0] == "upload.csv: 4 problems; fix them all, then try again:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- upload.csv, row 2, column team",
        "- upload.csv, row 3, column severity",
        "- upload.csv, row 4, column day",
        "- upload.csv, row 4, column count",
    ]


def test_parse_incidents_names_the_label_it_is_given():
    with pytest.raises(ValueError, match=r"^upload\.csv, row 2, column team: 'T0'"):
        parse_incidents(b"day,team\n0,T0\n", OFFICE, label="upload.csv")


def test_a_missing_file_is_a_value_error(tmp_path):
    with pytest.raises(ValueError, match=r"nowhere\.csv: no such file"):
        read_incidents(tmp_path / "nowhere.csv", OFFICE)


def test_a_folder_is_refused(tmp_path):
    folder = tmp_path / "incidents.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"incidents\.csv: is a folder, not a CSV file"):
        read_incidents(folder, OFFICE)


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    # A sparse file: one byte over the real limit, without writing 100 MB.
    path = tmp_path / "incidents.csv"
    with path.open("wb") as f:
        f.write(b"day,team\n0,T1\n")
        f.truncate(incidents.MAX_FILE_BYTES + 1)
    start = time.perf_counter()
    with pytest.raises(ValueError) as info:
        read_incidents(path, OFFICE)
    assert time.perf_counter() - start < 1.0  # it was not read (nor decoded)
    assert f"{path}: is 100,000,001 bytes, more than the 100,000,000" in str(info.value)


def test_text_over_the_size_limit_is_refused(monkeypatch):
    monkeypatch.setattr(incidents, "MAX_FILE_BYTES", 19)
    parse_incidents("day,team\n0,T1\n1,T1\n", OFFICE)  # 19 characters: accepted
    with pytest.raises(ValueError, match=r"^up\.csv: is 24 bytes, more than the 19"):
        parse_incidents(b"day,team\n0,T1\n1,T1\n2,T1\n", OFFICE, label="up.csv")


def test_rows_past_the_limit_are_refused_without_reading_on(monkeypatch):
    monkeypatch.setattr(incidents, "MAX_ROWS", 3)
    assert parse_incidents("day,team\n0,T1\n1,T1\n\n2,T1\n", OFFICE)["count"].sum() == 3
    # Row 5 is the fourth record; the ragged row 6 after it is never reached.
    text = "day,team\n0,T1\n1,T1\n2,T1\n3,T1\n4,T1,ragged\n"
    with pytest.raises(ValueError) as info:
        parse_incidents(text, OFFICE)
    assert str(info.value) == (
        "incidents.csv, row 5: has more than 3 incident records, the most a file may have; "
        "split it into smaller files"
    )


def test_the_real_row_limit_is_a_million():
    assert incidents.MAX_ROWS == 1_000_000
    assert incidents.MAX_DAYS == 2_500


def test_the_last_day_within_the_limit_is_accepted():
    frame = parse_incidents(f"day,team\n{incidents.MAX_DAYS - 1},T1\n", OFFICE)
    assert frame.attrs["days"] == incidents.MAX_DAYS
    # Monday 2014-01-06 to Friday 2023-08-04 is 2,500 working days: the most a file may cover.
    frame = parse_incidents("date,team\n2014-01-06,T1\n2023-08-04,T1\n", OFFICE)
    assert frame.attrs["days"] == 2_500
    with pytest.raises(ValueError, match="2,501 working days"):
        parse_incidents("date,team\n2014-01-06,T1\n2023-08-07,T1\n", OFFICE)


# ---------------------------------------------------------------------- the documented example
DOC = Path(__file__).resolve().parents[1] / "docs" / "incidents.md"


def test_the_documented_example_reads_as_documented():
    doc = DOC.read_text(encoding="utf-8")
    assert f"```\n{incidents.TEMPLATE_CSV}```" in doc
    frame = parse_incidents(incidents.TEMPLATE_CSV, TEMPLATE)
    table = "".join(f"| {d} | {t} | {s} | {c} |\n" for d, t, s, c in records(frame))
    assert "| day | team | severity | count |\n|---|---|---|---|\n" + table in doc
    assert frame.attrs == {"days": 6, "first_date": "2024-03-04"}
    assert '`attrs["days"]` 6, `attrs["first_date"]` `2024-03-04`' in doc
