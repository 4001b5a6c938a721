"""``conflictsim check-incidents``: a summary and status 0, or one line and status 2."""

from __future__ import annotations

import pytest
from cli_process import run_cli

from conflictsim import cli
from conflictsim.orgchart import TEMPLATE_CSV, TEMPLATE_EDGES_CSV

PRESET = ["--preset", "office", "--size", "60"]  # teams T1..T8, employees E01..E60
LOG = (
    "date,team,severity,count\n"
    "2024-01-05,T1,minor,3\n"
    "2024-01-08,T2,Major,1\n"
    "2024-01-01,T1,critical,0\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def paragraph(out: str) -> str:
    """The printed paragraph on one line (it is wrapped for the terminal)."""
    return " ".join(out.split())


def test_a_good_file_gets_a_summary_and_status_0(tmp_path, capsys):
    log = write(tmp_path, "incidents.csv", LOG)
    assert cli.main(["check-incidents", str(log), *PRESET]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert paragraph(out) == (
        f"{log}: OK. 4 incidents in 2 of 8 teams over 6 working days (2024-01-01 to "
        "2024-01-08, days 0 to 5): 3 minor (75%), 1 major (25%), 0 critical (0%)."
    )
    assert all(len(line) <= 88 for line in out.splitlines())


def test_day_numbers_without_severity_against_an_org_chart(tmp_path, capsys):
    org = write(tmp_path, "org.csv", TEMPLATE_CSV)
    edges = write(tmp_path, "edges.csv", TEMPLATE_EDGES_CSV)
    log = write(tmp_path, "log.csv", "day,employee_id\n0,E004\n9,E008\n9,E001\n")
    argv = ["check-incidents", str(log), "--org", str(org), "--edges", str(edges)]
    assert cli.main(argv) == 0
    assert paragraph(capsys.readouterr().out) == (
        f"{log}: OK. 3 incidents in 3 of 3 teams over 10 working days (days 0 to 9); "
        "severity not recorded."
    )


def test_seed_is_accepted_with_a_preset_and_checked(tmp_path, capsys):
    log = write(tmp_path, "incidents.csv", "day,employee_id\n0,E01\n")
    assert cli.main(["check-incidents", str(log), *PRESET, "--seed", "7"]) == 0
    assert "1 incident in 1 of 8 teams over 1 working day (day 0)" in paragraph(
        capsys.readouterr().out
    )
    with pytest.raises(SystemExit) as info:
        cli.main(["check-incidents", str(log), *PRESET, "--seed", "-1"])
    assert info.value.code == 2
    assert "--seed: expected a whole number of at least 0" in capsys.readouterr().err


@pytest.mark.parametrize(
    "log, options, fragment",
    [
        ("day,team\n0,T1\n1,Sales\n", PRESET, "row 3, column team: 'Sales' is not a team"),
        ("date,team\n2024-01-06,T1\n", PRESET, "row 2, column date: 2024-01-06 is a Saturday"),
        ("day,team,count\n0,T1,-1\n", PRESET, "row 2, column count: '-1' is negative"),
        ("day,team\n0,T1\n", ["--preset", "office"], "--preset needs --size"),
        ("day,team\n0,T1\n", ["--org", "ORG", "--size", "5"], "not --org"),
        ("day,team\n0,T1\n", [*PRESET, "--edges", "E.csv"], "--edges goes with --org"),
        ("day,team\n0,T1\n", ["--org", "no/such/org.csv"], "no/such/org.csv: no such file"),
    ],
)
def test_bad_input_is_one_line_and_status_2(tmp_path, capsys, log, options, fragment):
    path = write(tmp_path, "incidents.csv", log)
    assert cli.main(["check-incidents", str(path), *options]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith("conflictsim check-incidents: error: ")
    assert fragment in err


def test_a_missing_file_in_a_new_process_exits_2_without_a_traceback(tmp_path):
    result = run_cli("check-incidents", str(tmp_path / "none.csv"), *PRESET)
    assert result.returncode == 2
    assert result.stdout == ""
    assert (
        result.stderr
        == f"conflictsim check-incidents: error: {tmp_path / 'none.csv'}: no such file\n"
    )


def test_an_organisation_is_required(tmp_path):
    result = run_cli("check-incidents", str(write(tmp_path, "i.csv", LOG)))
    assert result.returncode == 2
    assert "one of the arguments --preset --org is required" in result.stderr
    assert "Traceback" not in result.stderr
