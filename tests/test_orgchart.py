"""Tests for reading org chart CSVs (conflictsim.orgchart) and `conflictsim check-org`."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from conflictsim import cli, orgchart
from conflictsim.organisation import Organisation
from conflictsim.orgchart import TEMPLATE_CSV
from conflictsim.ties import DEFAULT_CONTACT, TIE_KINDS

HEADER = "employee_id,manager_id,team"
GOOD_ORG = f"{HEADER}\nE1,,A\nE2,E1,A\nE3,E1,B\n"


def write(folder: Path, name: str, content: str | bytes) -> Path:
    """Write a file byte for byte (no newline translation)."""
    path = folder / name
    path.write_bytes(content.encode() if isinstance(content, str) else content)
    return path


def ties(org: Organisation) -> dict[tuple[str, str], str]:
    """Each tie as (id, id) -> kind name."""
    return {
        (org.ids[a], org.ids[b]): TIE_KINDS[k]
        for a, b, k in zip(org.edge_src, org.edge_dst, org.edge_kind, strict=True)
    }


# ---------------------------------------------------------------------- malformed files
# Each case: org chart contents (None: no file), edges contents (None: no edges file), and
# fragments the message must contain. Files are org.csv and edges.csv.
MALFORMED = {
    # files
    "org missing": (None, None, ["org.csv", "no such file"]),
    "empty file": ("", None, ["org.csv", "is empty"]),
    "only blank lines": ("\r\n  \n\n", None, ["org.csv", "is empty"]),
    "header only": (f"{HEADER}\r\n\r\n", None, ["org.csv", "row 1", "no employees"]),
    "missing columns": (
        "employee_id,boss,Team\nE1,,A\n",
        None,
        ["org.csv", "row 1", "missing required column(s) manager_id;", "employee_id, boss"],
    ),
    "tab-separated": (
        "employee_id\tmanager_id\tteam\nE1\t\tA\n",
        None,
        ["org.csv", "row 1", "missing required column(s)", "looks tab-separated"],
    ),
    "duplicate columns": (
        f"{HEADER},Team\nE1,,A,A\n",
        None,
        ["org.csv", "row 1", "column 'Team' appears twice", "columns C and D"],
    ),
    "ragged row, more fields": (
        f"{HEADER}\nE1,,A\nE2,E1,Sales, North\n",
        None,
        ["org.csv", "row 3", "has 4 fields", "header has 3 columns", "double quotes"],
    ),
    "ragged row, fewer fields": (
        f"{HEADER}\nE1,,A\nE2,E1\n",
        None,
        ["org.csv", "row 3", "has 2 fields"],
    ),
    "unclosed quote": (
        f'{HEADER}\nE1,,A\nE2,E1,"A\nE3,E1,A\n',
        None,
        ["org.csv", "row 3", "cannot be read as CSV", "never closed"],
    ),
    "text after a closing quote": (
        f'{HEADER},role\nE1,,A,"Head, sales" \n',
        None,
        ["org.csv", "row 2", "between a closing double quote and the next separator"],
    ),
    "not UTF-8": (
        f"{HEADER},role\nE1,,A,boss\nE2,E1,A,".encode() + "Agent de sécurité\n".encode("cp1252"),
        None,
        ["org.csv", "row 3", "not UTF-8", "0xE9", "CSV UTF-8"],
    ),
    "UTF-16": (GOOD_ORG.encode("utf-16"), None, ["org.csv", "UTF-16", "CSV UTF-8"]),
    # employees
    "duplicate id": (
        f"{HEADER}\nE1,,A\nE2,E1,A\nE1,,B\n",
        None,
        ["org.csv", "row 4", "column employee_id", "'E1'", "already used on row 2"],
    ),
    "blank id": (
        f"{HEADER}\nE1,,A\n ,E1,A\n",
        None,
        ["org.csv", "row 3", "column employee_id", "blank"],
    ),
    "unknown manager": (
        f"{HEADER}\nE1,,A\nE2,E9,A\n",
        None,
        ["org.csv", "row 3", "column manager_id", "'E9'", "not an employee"],
    ),
    "own manager": (
        f"{HEADER}\nE1,,A\nE2,E2,A\n",
        None,
        ["org.csv", "row 3", "column manager_id", "'E2'", "own manager"],
    ),
    "management cycle": (
        f"{HEADER}\nE0,,A\nE1,E3,A\nE2,E1,A\nE3,E2,B\nE4,E3,B\n",
        None,
        [
            "org.csv",
            "row 3",
            "column manager_id",
            "cycle 'E1' -> 'E3' -> 'E2' -> 'E1'",
            "rows 3, 5, 4",
        ],
    ),
    "blank team": (
        f"{HEADER}\nE1,,A\nE2,E1,\n",
        None,
        ["org.csv", "row 3", "column team", "'E2'", "blank"],
    ),
    # values
    "trait not a number": (
        f"{HEADER},regulation\nE1,,A,0.5\nE2,E1,A,high\n",
        None,
        ["org.csv", "row 3", "column regulation", "'high' is not a number"],
    ),
    "trait of 1": (
        f"{HEADER},listening\nE1,,A,1\nE2,E1,A,0.5\n",
        None,
        ["org.csv", "row 2", "column listening", "'1' is out of range"],
    ),
    "trait of 0": (
        f"{HEADER},regulation\nE1,,A,0.3\nE2,E1,A,0\n",
        None,
        ["org.csv", "row 3", "column regulation", "'0' is out of range"],
    ),
    "trait negative": (
        f"{HEADER},listening\nE1,,A,-0.2\n",
        None,
        ["org.csv", "row 2", "column listening", "'-0.2'"],
    ),
    "trait nan": (
        f"{HEADER},listening\nE1,,A,nan\n",
        None,
        ["org.csv", "row 2", "column listening", "'nan'"],
    ),
    "trait percentage": (
        f"{HEADER},regulation\nE1,,A,50%\n",
        None,
        ["org.csv", "row 2", "column regulation", "'50%' is not a number"],
    ),
    "bad boolean": (
        f"{HEADER},customer_facing\nE1,,A,yes\nE2,E1,A,sometimes\n",
        None,
        ["org.csv", "row 3", "column customer_facing", "'sometimes'", "yes/no"],
    ),
    "row numbers count blank lines and quoted line breaks": (
        f'{HEADER},role\nE1,,A,"Head\nof team"\n\nE2,E1,A,x\nE2,E1,A,y\n',
        None,
        ["org.csv", "row 5", "'E2'", "already used on row 4"],
    ),
    # edges file
    "edges missing": (GOOD_ORG, None, ["edges.csv", "no such file"]),
    "edges empty": (GOOD_ORG, "", ["edges.csv", "is empty"]),
    "edges header only": (GOOD_ORG, "source,target\n", ["edges.csv", "row 1", "no ties"]),
    "edges missing columns": (
        GOOD_ORG,
        "from,to\nE1,E2\n",
        ["edges.csv", "row 1", "source, target", "from, to"],
    ),
    "edges unknown source": (
        GOOD_ORG,
        "source,target\nE1,E2\nE7,E2\n",
        ["edges.csv", "row 3", "column source", "'E7'", "not an employee", "org.csv"],
    ),
    "edges unknown target": (
        GOOD_ORG,
        "source,target\nE1,E8\n",
        ["edges.csv", "row 2", "column target", "'E8'"],
    ),
    "edges blank target": (
        GOOD_ORG,
        "source,target\nE1,\n",
        ["edges.csv", "row 2", "column target", "blank"],
    ),
    "edges self-tie": (
        GOOD_ORG,
        "source,target\nE1,E2\nE3,E3\n",
        ["edges.csv", "row 3", "'E3'", "themself"],
    ),
    "edges duplicate tie": (
        GOOD_ORG,
        "source,target\nE1,E2\nE1,E3\nE2,E1\n",
        ["edges.csv", "row 4", "'E1' and 'E2'", "already listed on row 2"],
    ),
    "edges prob not a number": (
        GOOD_ORG,
        "source,target,contact_prob\nE1,E2,often\n",
        ["edges.csv", "row 2", "column contact_prob", "'often' is not a number"],
    ),
    "edges prob above 1": (
        GOOD_ORG,
        "source,target,contact_prob\nE1,E2,0.5\nE1,E3,1.5\n",
        ["edges.csv", "row 3", "column contact_prob", "'1.5' is out of range"],
    ),
    "edges prob below 0": (
        GOOD_ORG,
        "source,target,contact_prob\nE1,E2,-0.1\n",
        ["edges.csv", "row 2", "column contact_prob", "'-0.1'"],
    ),
    "edges ragged row": (
        GOOD_ORG,
        "source,target\nE1,E2,0.5\n",
        ["edges.csv", "row 2", "has 3 fields"],
    ),
}


def malformed_paths(tmp_path: Path, case: str) -> tuple[Path, Path | None]:
    """Write the files of a malformed case; an edges case without contents has no file."""
    org, edges, _ = MALFORMED[case]
    org_path = tmp_path / "org.csv" if org is None else write(tmp_path, "org.csv", org)
    if edges is None:
        edges_path = tmp_path / "edges.csv" if case.startswith("edges") else None
    else:
        edges_path = write(tmp_path, "edges.csv", edges)
    return org_path, edges_path


@pytest.mark.parametrize("case", list(MALFORMED))
def test_malformed_file_is_refused_with_a_message_naming_the_place(tmp_path, case):
    org_path, edges_path = malformed_paths(tmp_path, case)
    with pytest.raises(ValueError) as info:
        Organisation.from_csv(org_path, edges=edges_path)
    message = str(info.value)
    for fragment in MALFORMED[case][2]:
        assert fragment in message
    assert "\n" not in message


@pytest.mark.parametrize("case", list(MALFORMED))
def test_check_org_reports_malformed_file_on_one_line(tmp_path, capsys, case):
    org_path, edges_path = malformed_paths(tmp_path, case)
    argv = ["check-org", str(org_path)]
    if edges_path is not None:
        argv += ["--edges", str(edges_path)]
    assert cli.main(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("conflictsim check-org: error: ")
    for fragment in MALFORMED[case][2]:
        assert fragment in lines[0]


def test_a_folder_is_refused(tmp_path, capsys):
    folder = tmp_path / "org.csv"
    folder.mkdir()
    with pytest.raises(ValueError, match=r"org\.csv: is a folder"):
        Organisation.from_csv(folder)
    assert cli.main(["check-org", str(folder)]) == 2
    err = capsys.readouterr().err
    assert "is a folder" in err and "Traceback" not in err and len(err.splitlines()) == 1


def test_missing_file_is_a_value_error_not_file_not_found(tmp_path):
    with pytest.raises(ValueError) as info:
        Organisation.from_csv(tmp_path / "nowhere.csv")
    assert not isinstance(info.value, FileNotFoundError)
    assert "nowhere.csv" in str(info.value)


def test_huge_team_without_edges_file_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(orgchart, "MAX_TEAM_TIES", 5)
    rows = "".join(f"E{i},,Big\n" for i in range(4))  # 6 team ties
    path = write(tmp_path, "org.csv", f"{HEADER}\n{rows}")
    with pytest.raises(ValueError, match=r"org\.csv, column team: .*6 ties.*'Big'.*edges file"):
        Organisation.from_csv(path)
    # With an edges file the team size does not matter.
    edges = write(tmp_path, "edges.csv", "source,target\nE0,E1\n")
    assert Organisation.from_csv(path, edges=edges).n_edges == 1


# ---------------------------------------------------------------------- accepted files
def test_hr_export_with_bom_crlf_quotes_and_several_top_managers(tmp_path):
    text = (
        "employee_id, manager_id ,team,department,role,Payroll number\r\n"
        'B1,,Board,Exec,"Chair, board",1001\r\n'
        'M1,,"Sales, North",Sales,"Manager, sales",1002\r\n'
        'S1,M1,"Sales, North",Sales,Rep,1003\r\n'
        ' S2 , "M1", "Sales, North",Sales ,Rep,1004\r\n'
        "X1,M1,Ops,Ops,Analyst,1005\r\n"
        "\r\n"
        ",,,,,\r\n"
        "\r\n"
    )
    path = write(tmp_path, "hr export.csv", b"\xef\xbb\xbf" + text.encode())
    org = Organisation.from_csv(path)

    assert org.name == "hr export.csv"
    assert org.ids.tolist() == ["B1", "M1", "S1", "S2", "X1"]
    assert org.manager.tolist() == [-1, -1, 1, 1, 1]
    assert org.team_names == ["Board", "Sales, North", "Ops"]
    assert org.team.tolist() == [0, 1, 1, 1, 2]
    assert org.department_names == ["Exec", "Sales", "Ops"]
    assert org.role.tolist() == ["Chair, board", "Manager, sales", "Rep", "Rep", "Analyst"]
    assert org.summary()["top_level"] == 2
    # Team of 3 -> 3 team ties (M1 manages S1, S2 as a team-mate); X1 in Ops -> 1 manager tie.
    assert ties(org) == {
        ("M1", "S1"): "team",
        ("M1", "S2"): "team",
        ("S1", "S2"): "team",
        ("M1", "X1"): "manager",
    }
    kinds = [TIE_KINDS[k] for k in org.edge_kind]
    assert org.edge_prob.tolist() == [DEFAULT_CONTACT[k] for k in kinds]


def test_arrays_have_the_organisation_dtypes(tmp_path):
    org = Organisation.from_csv(write(tmp_path, "org.csv", orgchart.TEMPLATE_CSV))
    assert org.edge_src.dtype == np.int32 and org.edge_dst.dtype == np.int32
    assert org.edge_kind.dtype == np.int8 and org.edge_prob.dtype == np.float64
    assert org.manager.dtype == np.int32 and org.team.dtype == np.int32
    assert org.department.dtype == np.int32
    assert org.customer_facing.dtype == bool
    assert org.role.dtype == object and org.ids.dtype == object
    assert np.all(org.edge_src < org.edge_dst)
    pairs = list(zip(org.edge_src.tolist(), org.edge_dst.tolist(), strict=True))
    assert pairs == sorted(pairs)


def test_traits_and_booleans_are_read(tmp_path):
    text = (
        f"{HEADER},customer_facing,regulation,listening\n"
        "E1,,A,Yes,0.25,\n"
        "E2,E1,A,N, ,0.75\n"
        "E3,E1,A,1,0.5,0.001\n"
        "E4,E1,A,TRUE,,\n"
        "E5,E1,A,,0.999,0.4\n"
        "E6,E1,A,false,1e-1,0.6\n"
    )
    org = Organisation.from_csv(write(tmp_path, "org.csv", text))
    assert org.customer_facing.tolist() == [True, False, True, True, False, False]
    np.testing.assert_array_equal(org.regulation, [0.25, np.nan, 0.5, np.nan, 0.999, 0.1])
    np.testing.assert_array_equal(org.listening, [np.nan, 0.75, 0.001, np.nan, 0.4, 0.6])


def test_optional_columns_default(tmp_path):
    org = Organisation.from_csv(write(tmp_path, "org.csv", GOOD_ORG))
    assert org.department_names == ["all"]
    assert org.department.tolist() == [0, 0, 0]
    assert org.role.tolist() == ["", "", ""]
    assert not org.customer_facing.any()
    assert np.isnan(org.regulation).all() and np.isnan(org.listening).all()


def test_blank_department_cells_go_to_department_all(tmp_path):
    text = f"{HEADER},department\nE1,,A,HQ\nE2,E1,A,\n"
    org = Organisation.from_csv(write(tmp_path, "org.csv", text))
    assert org.department_names == ["HQ", "all"]
    assert org.department.tolist() == [0, 1]


def test_column_names_ignore_case_and_spaces_and_extra_columns_are_ignored(tmp_path):
    text = " Employee_ID ,MANAGER_ID,Team,Notes,\nE1,,A,hello,\nE2,E1,A,,x\n"
    org = Organisation.from_csv(write(tmp_path, "org.csv", text))
    assert org.ids.tolist() == ["E1", "E2"]
    assert ties(org) == {("E1", "E2"): "team"}


def test_non_ascii_utf8_names_load(tmp_path):
    text = f"{HEADER},role\nJosé,,Équipe,Directrice générale\nZoë,José,Équipe,Agent\n"
    org = Organisation.from_csv(write(tmp_path, "org.csv", text))
    assert org.ids.tolist() == ["José", "Zoë"]
    assert org.team_names == ["Équipe"]


def test_latin1_file_is_refused_not_guessed(tmp_path):
    good = f"{HEADER}\nJosé,,A\n"
    path = write(tmp_path, "org.csv", good.encode("latin-1"))
    with pytest.raises(ValueError, match=r"org\.csv, row 2: is not UTF-8.*byte offset 31"):
        Organisation.from_csv(path)
    # The same file saved as UTF-8 loads.
    assert Organisation.from_csv(write(tmp_path, "org.csv", good)).ids.tolist() == ["José"]


def test_semicolon_file_with_decimal_commas_is_accepted(tmp_path):
    text = (
        "employee_id;manager_id;team;role;regulation;listening\r\n"
        "E1;;A;Head; 0,4;0.6\r\n"
        'E2;E1;A;"Agent; senior";;0,35\r\n'
        "E3;E1;B;Agent, junior;0,5;\r\n"
    )
    org = Organisation.from_csv(write(tmp_path, "org.csv", b"\xef\xbb\xbf" + text.encode()))
    assert org.ids.tolist() == ["E1", "E2", "E3"]
    assert org.manager.tolist() == [-1, 0, 0]
    assert org.role.tolist() == ["Head", "Agent; senior", "Agent, junior"]
    np.testing.assert_array_equal(org.regulation, [0.4, np.nan, 0.5])
    np.testing.assert_array_equal(org.listening, [0.6, 0.35, np.nan])
    assert ties(org) == {("E1", "E2"): "team", ("E1", "E3"): "manager"}


def test_semicolon_edges_file_with_decimal_comma(tmp_path):
    org = write(tmp_path, "org.csv", GOOD_ORG)
    edges = write(tmp_path, "edges.csv", "source;target;contact_prob\nE2;E3;0,25\n")
    result = Organisation.from_csv(org, edges=edges)
    assert ties(result) == {("E2", "E3"): "cross"}
    assert result.edge_prob.tolist() == [0.25]


def test_comma_file_refuses_decimal_comma_as_a_ragged_row(tmp_path):
    text = f"{HEADER},regulation\nE1,,A,0,4\n"
    with pytest.raises(ValueError, match="row 2: has 5 fields"):
        Organisation.from_csv(write(tmp_path, "org.csv", text))


def test_edges_file_without_contact_prob_uses_defaults_per_kind(tmp_path):
    org_text = f"{HEADER}\nE1,,A\nE2,E1,A\nE3,E1,B\nE4,E3,B\n"
    org = write(tmp_path, "org.csv", org_text)
    # E2-E1 team (E1 manages E2 too: team wins), E3-E1 manager, E4-E2 cross, E3-E4 team.
    edges = write(tmp_path, "edges.csv", "target,source,Weight\nE2,E1,9\nE1,E3,9\nE4,E2,9\n")
    result = Organisation.from_csv(org, edges=edges)
    assert ties(result) == {("E1", "E2"): "team", ("E1", "E3"): "manager", ("E2", "E4"): "cross"}
    assert result.edge_prob.tolist() == [
        DEFAULT_CONTACT["team"],
        DEFAULT_CONTACT["manager"],
        DEFAULT_CONTACT["cross"],
    ]
    # The contact graph is exactly the file's: the E3-E4 team ties are not added.
    assert result.n_edges == 3


def test_edges_file_with_contact_prob_and_blank_cells(tmp_path):
    org = write(tmp_path, "org.csv", f"{HEADER}\nE1,,A\nE2,E1,A\nE3,E1,B\n")
    edges = write(tmp_path, "edges.csv", "source,target,contact_prob\nE3,E2,0\nE1,E2, 1 \nE1,E3,\n")
    result = Organisation.from_csv(org, edges=edges)
    assert ties(result) == {("E1", "E2"): "team", ("E1", "E3"): "manager", ("E2", "E3"): "cross"}
    assert result.edge_prob.tolist() == [1.0, DEFAULT_CONTACT["manager"], 0.0]


def test_template_is_a_valid_org_chart_with_every_column(tmp_path):
    header = orgchart.TEMPLATE_CSV.splitlines()[0].split(",")
    assert header == list(orgchart.ORG_REQUIRED + orgchart.ORG_OPTIONAL)
    org = Organisation.parse_csv(orgchart.TEMPLATE_CSV)
    assert org.size == 8
    assert org.summary()["top_level"] == 1
    # Leadership (2) 1 tie, Support (4) 6, Finance (2) 1; E003->E002 and E007->E001 cross teams.
    assert org.n_edges == 10
    assert ties(org)[("E002", "E003")] == "manager"
    assert org.customer_facing.sum() == 4
    assert not math.isnan(org.regulation[0])
    with_edges = Organisation.parse_csv(orgchart.TEMPLATE_CSV, edges=orgchart.TEMPLATE_EDGES_CSV)
    assert with_edges.n_edges == len(orgchart.TEMPLATE_EDGES_CSV.splitlines()) - 1


def test_parse_csv_names_the_given_file_in_messages():
    with pytest.raises(ValueError, match=r"upload\.csv, row 3, column employee_id"):
        Organisation.parse_csv(f"{HEADER}\nE1,,A\nE1,,A\n".encode(), name="upload.csv")


def test_large_org_chart_loads_with_exact_tie_counts(tmp_path):
    # 100,000 employees in teams of 10: the first member of each team leads it and reports
    # to the previous team's lead, a chain 10,000 managers deep.
    n, size = 100_000, 10
    lines = [HEADER]
    for i in range(n):
        t, k = divmod(i, size)
        if k:
            boss = f"E{t * size}"  # a member reports to the team lead
        elif t:
            boss = f"E{(t - 1) * size}"  # a lead reports to the previous lead
        else:
            boss = ""
        lines.append(f"E{i},{boss},T{t}")
    org = Organisation.from_csv(write(tmp_path, "big.csv", "\n".join(lines) + "\n"))
    n_teams = n // size
    assert org.size == n
    kinds = np.bincount(org.edge_kind, minlength=len(TIE_KINDS))
    assert kinds[TIE_KINDS.index("team")] == n_teams * size * (size - 1) // 2
    assert kinds[TIE_KINDS.index("manager")] == n_teams - 1
    assert org.summary()["top_level"] == 1


def summary_rows(out: str) -> dict[str, str]:
    """The check-org summary table as label -> value (the first line is "<file>: OK")."""
    pairs = (line.strip().rsplit(None, 1) for line in out.splitlines()[1:])
    return {label.strip(): value for label, value in pairs}


def test_check_org_prints_a_summary(tmp_path, capsys):
    org = write(tmp_path, "org.csv", orgchart.TEMPLATE_CSV)
    assert cli.main(["check-org", str(org)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert f"{org}: OK" in out
    rows = summary_rows(out)
    assert rows["employees"] == "8"
    assert rows["ties"] == "10"


def test_check_org_with_edges_file(tmp_path, capsys):
    org = write(tmp_path, "org.csv", orgchart.TEMPLATE_CSV)
    edges = write(tmp_path, "edges.csv", orgchart.TEMPLATE_EDGES_CSV)
    assert cli.main(["check-org", str(org), "--edges", str(edges)]) == 0
    rows = summary_rows(capsys.readouterr().out)
    assert rows["employees"] == "8"
    assert rows["ties"] == "8"


def test_every_problem_of_a_file_is_listed_at_once_in_row_order(tmp_path):
    from conflictsim.csvtable import MAX_PROBLEMS

    bad = TEMPLATE_CSV.replace("E003,E002", "E003,E999").replace(",yes,0.4,", ",maybe,1.7,")
    with pytest.raises(ValueError) as info:
        Organisation.parse_csv(bad.encode(), name="org.csv")
    lines = str(info.value).splitlines()
    assert lines[0] == "org.csv: 3 problems; fix them all, then try again:"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "- org.csv, row 4, column manager_id",
        "- org.csv, row 6, column customer_facing",
        "- org.csv, row 6, column regulation",
    ]
    # Past MAX_PROBLEMS the rest are counted, not listed.
    rows = "".join(f"E{i},E0,T,,,maybe,,\n" for i in range(1, MAX_PROBLEMS + 6))
    with pytest.raises(ValueError) as info:
        Organisation.parse_csv(f"{TEMPLATE_CSV.splitlines()[0]}\nE0,,T,,,no,,\n{rows}".encode())
    lines = str(info.value).splitlines()
    assert len(lines) == 1 + MAX_PROBLEMS + 1 and lines[-1] == "- and 5 more"


def test_every_problem_of_an_edges_file_is_listed_at_once():
    edges = "source,target,contact_prob\nE001,E404,0.5\nE002,E002,\nE003,E004,often\n"
    with pytest.raises(ValueError) as info:
        Organisation.parse_csv(TEMPLATE_CSV.encode(), edges=edges.encode(), edges_name="e.csv")
    text = str(info.value)
    assert text.startswith("e.csv: 3 problems")
    for part in (
        "row 2, column target: 'E404'",
        "row 3, column target",
        "row 4, column contact_prob",
    ):
        assert part in text, part
