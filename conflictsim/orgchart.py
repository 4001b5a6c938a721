"""Reading and checking org chart CSV files.

An org chart CSV has one row per employee (``employee_id, manager_id, team`` required;
``department, role, customer_facing, regulation, listening`` optional). An optional edges
CSV (``source, target`` required; ``contact_prob`` optional) gives the contact graph;
without it, team-mates and each employee-manager pair are tied (MODEL.md section 2).

Every problem is reported as one ``ValueError`` whose message names the file, the row as a
spreadsheet shows it (the header is row 1) and the column, so that the command line and
the dashboard can show it as it is. The rules are documented for users in docs/org_csv.md;
the rules shared with other CSV files (encoding, separators, quotes, blank rows) live in
``conflictsim.csvtable``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from conflictsim.csvtable import Problems, Table, parse_number, read_bytes, read_table
from conflictsim.ties import DEFAULT_CONTACT, TIE_KINDS, dedupe_edges

#: Columns an org chart must have.
ORG_REQUIRED = ("employee_id", "manager_id", "team")
#: Columns an org chart may have; any other column is ignored.
ORG_OPTIONAL = ("department", "role", "customer_facing", "regulation", "listening")
#: Columns an edges file must have.
EDGES_REQUIRED = ("source", "target")
#: Columns an edges file may have; any other column is ignored.
EDGES_OPTIONAL = ("contact_prob",)

#: Department of employees whose department is blank or not given.
DEFAULT_DEPARTMENT = "all"

#: Most team ties built without an edges file. Every pair of team-mates is tied, so one
#: team of 5,000 would already need 12.5 million ties; past this an edges file is needed.
MAX_TEAM_TIES = 10_000_000

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0", ""})
_BOOL_HINT = "use true/false, yes/no, y/n or 1/0 (blank means no)"

#: A valid example org chart with every column (offered as a download by the dashboard).
TEMPLATE_CSV = """\
employee_id,manager_id,team,department,role,customer_facing,regulation,listening
E001,,Leadership,Head office,Managing director,no,0.62,0.55
E002,E001,Leadership,Head office,Operations manager,no,,
E003,E002,Support,Operations,Team lead,yes,0.5,0.6
E004,E003,Support,Operations,"Agent, senior",yes,,
E005,E003,Support,Operations,Agent,yes,0.4,
E006,E003,Support,Operations,Agent,yes,,0.45
E007,E001,Finance,Head office,Finance manager,no,,
E008,E007,Finance,Head office,Accountant,no,0.7,0.5
"""

#: A valid example edges file for ``TEMPLATE_CSV``.
TEMPLATE_EDGES_CSV = """\
source,target,contact_prob
E001,E002,0.6
E002,E003,0.5
E003,E004,
E003,E005,
E004,E005,0.7
E001,E007,0.4
E007,E008,0.5
E004,E008,0.05
"""


# ---------------------------------------------------------------------- public API
def read_columns(path: str | Path, edges: str | Path | None = None) -> dict[str, Any]:
    """Read an org chart CSV, and optionally an edges CSV, into an Organisation's columns.

    Org chart columns: ``employee_id``, ``manager_id`` (blank for a top-level manager) and
    ``team`` are required; ``department``, ``role``, ``customer_facing`` (yes/no),
    ``regulation`` and ``listening`` (numbers strictly between 0 and 1, blank to draw them
    from the population) are optional; other columns are ignored. Edges columns:
    ``source`` and ``target`` (employee ids) are required, ``contact_prob`` (in [0, 1],
    blank for the default of the tie's kind) is optional.

    Without an edges file every pair of team-mates is tied (kind "team") and so is each
    employee with their manager (kind "manager"); with one, the contact graph is exactly
    the file's ties. Files must be UTF-8 (a byte-order mark is fine), separated by commas
    or, when the header says so, semicolons. See docs/org_csv.md.

    Args:
        path: The org chart CSV.
        edges: The edges CSV, or None to build ties from teams and managers.

    Returns:
        The fields of an ``Organisation`` (``Organisation(**columns)``), named after the
        org chart's file name.

    Raises:
        ValueError: If a file is missing, unreadable or malformed. The message names the
            file, the row (the header is row 1) and the column.
    """
    org_data = read_bytes(path)
    edges_data = None if edges is None else read_bytes(edges)
    return parse_columns(
        org_data,
        name=str(path),
        edges=edges_data,
        edges_name="edges.csv" if edges is None else str(edges),
    )


def parse_columns(
    data: bytes | str,
    name: str = "org.csv",
    edges: bytes | str | None = None,
    edges_name: str = "edges.csv",
) -> dict[str, Any]:
    """An Organisation's columns from the contents of an org chart CSV (and edges CSV).

    The same rules as ``read_columns``, for contents that are already in memory, such as
    a file uploaded to the dashboard.

    Args:
        data: The org chart's bytes (or text).
        name: The org chart's name, used in messages and as the organisation's name.
        edges: The edges file's bytes (or text), or None to build ties from teams.
        edges_name: The edges file's name, used in messages.

    Returns:
        The fields of an ``Organisation``.

    Raises:
        ValueError: If a file is malformed; the message names the file, row and column.
    """
    table = read_table(data, name, ORG_REQUIRED, ORG_OPTIONAL, what="employees")
    people = _read_employees(table)
    _check_no_cycle(table, people["ids"], people["manager"], people["rows"])
    team = np.asarray(people["team"], dtype=np.int32)
    manager = np.asarray(people["manager"], dtype=np.int32)

    if edges is None:
        src, dst, kind = _team_and_manager_ties(table, team, manager, people["team_names"])
        prob = _default_prob(kind)
    else:
        etable = read_table(edges, edges_name, EDGES_REQUIRED, EDGES_OPTIONAL)
        src, dst, kind, prob = _read_ties(etable, table.label, people["ids"], team, manager)

    return dict(
        ids=np.asarray(people["ids"], dtype=object),
        team=team,
        team_names=people["team_names"],
        department=np.asarray(people["department"], dtype=np.int32),
        department_names=people["department_names"],
        manager=manager,
        customer_facing=np.asarray(people["customer_facing"], dtype=bool),
        regulation=np.asarray(people["regulation"], dtype=np.float64),
        listening=np.asarray(people["listening"], dtype=np.float64),
        role=np.asarray(people["role"], dtype=object),
        edge_src=src.astype(np.int32),
        edge_dst=dst.astype(np.int32),
        edge_prob=prob.astype(np.float64),
        edge_kind=kind.astype(np.int8),
        name=Path(name).name,
    )


# ---------------------------------------------------------------------- employees
def _read_employees(table: Table) -> dict:
    """Per-employee lists from the org chart's rows, each value checked.

    Returns:
        A dict of lists (ids, rows, manager, team, department, role, customer_facing,
        regulation, listening) and the name lists team_names and department_names.
    """
    col = table.columns
    index: dict[str, int] = {}
    rows: list[int] = []
    teams: dict[str, int] = {}
    departments: dict[str, int] = {}
    columns = ("team", "department", "role", "customer_facing", "regulation", "listening")
    out: dict[str, list] = {k: [] for k in columns}

    def cell(fields: list[str], column: str) -> str:
        return fields[col[column]] if column in col else ""

    problems = Problems(table.label)
    for row, fields in table.rows:
        eid = fields[col["employee_id"]]
        if not eid:
            problems.add(row, table.error("the employee id is blank", row, "employee_id"))
            continue
        if eid in index:
            problems.add(
                row,
                table.error(
                    f"employee id {eid!r} is already used on row {rows[index[eid]]}",
                    row,
                    "employee_id",
                ),
            )
            continue
        index[eid] = len(rows)
        rows.append(row)
        team = fields[col["team"]]
        if not team:
            problems.add(row, table.error(f"the team of employee {eid!r} is blank", row, "team"))
        # Names are numbered in order of first appearance.
        out["team"].append(teams.setdefault(team, len(teams)))
        dept = cell(fields, "department") or DEFAULT_DEPARTMENT
        out["department"].append(departments.setdefault(dept, len(departments)))
        out["role"].append(cell(fields, "role"))
        for column, parse in (("customer_facing", _parse_bool), *_TRAIT_CELLS):
            try:
                out[column].append(parse(table, row, column, cell(fields, column)))
            except ValueError as exc:
                problems.add(row, exc)

    manager = []
    for row, fields in table.rows:
        eid, boss = fields[col["employee_id"]], fields[col["manager_id"]]
        if eid not in index or rows[index[eid]] != row:
            continue  # a row already refused for its id (blank or used before)
        if not boss:
            manager.append(-1)  # a top-level manager; there may be several
        elif boss == eid:
            problems.add(
                row,
                table.error(f"employee {eid!r} is listed as their own manager", row, "manager_id"),
            )
        elif boss not in index:
            problems.add(
                row,
                table.error(
                    f"manager {boss!r} of employee {eid!r} is not an employee in this file "
                    "(leave manager_id blank for a top-level manager)",
                    row,
                    "manager_id",
                ),
            )
        else:
            manager.append(index[boss])
    problems.raise_all()

    return {
        **out,
        "ids": list(index),
        "rows": rows,
        "manager": manager,
        "team_names": list(teams),
        "department_names": list(departments),
    }


def _parse_bool(table: Table, row: int, column: str, text: str) -> bool:
    """A yes/no cell: true/false, yes/no, y/n, 1/0 in any case; blank is no."""
    word = text.lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise table.error(f"{text!r} is not a yes/no value; {_BOOL_HINT}", row, column)


def _parse_trait(table: Table, row: int, column: str, text: str) -> float:
    """A trait cell: a number strictly between 0 and 1, or NaN when blank."""
    if not text:
        return math.nan  # drawn from the population later
    value = parse_number(table, text)
    if value is None:
        raise table.error(
            f"{text!r} is not a number; give a number strictly between 0 and 1, or leave "
            "it blank to draw it from the population",
            row,
            column,
        )
    if not 0 < value < 1:
        raise table.error(
            f"{text!r} is out of range; traits must be strictly between 0 and 1", row, column
        )
    return value


#: The trait cells of an org chart row and how each is read.
_TRAIT_CELLS = (("regulation", _parse_trait), ("listening", _parse_trait))


def _check_no_cycle(table: Table, ids: list[str], manager: list[int], rows: list[int]) -> None:
    """Refuse a management cycle (A reports to B who reports to A), naming its ids."""
    state = [0] * len(manager)  # 0 unseen, 1 on the current chain, 2 leads to the top
    for start in range(len(manager)):
        chain = []
        i = start
        while i >= 0 and state[i] == 0:
            state[i] = 1
            chain.append(i)
            i = manager[i]
        if i >= 0 and state[i] == 1:
            cycle = chain[chain.index(i) :]
            first = cycle.index(min(cycle))  # start from the row nearest the top of the file
            cycle = cycle[first:] + cycle[:first]
            names = " -> ".join(repr(ids[j]) for j in [*cycle, cycle[0]])
            raise table.error(
                f"management cycle {names} (each is managed by the next; rows "
                f"{', '.join(str(rows[j]) for j in cycle)}); someone in it must have a "
                "manager outside it, or none",
                rows[cycle[0]],
                "manager_id",
            )
        for j in chain:
            state[j] = 2


# ---------------------------------------------------------------------- ties
def _default_prob(kind: np.ndarray) -> np.ndarray:
    """The default daily contact probability of each tie's kind."""
    contact = np.array([DEFAULT_CONTACT[k] for k in TIE_KINDS], dtype=np.float64)
    return contact[kind]


def _team_and_manager_ties(
    table: Table, team: np.ndarray, manager: np.ndarray, team_names: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Ties when there is no edges file: all pairs of team-mates, and employee-manager.

    A manager in the same team is tied once, as a team-mate.
    """
    sizes = np.bincount(team, minlength=len(team_names))
    n_team_ties = int((sizes * (sizes - 1) // 2).sum())
    if n_team_ties > MAX_TEAM_TIES:
        big = int(sizes.argmax())
        raise table.error(
            f"tying every pair of team-mates would make {n_team_ties:,} ties (team "
            f"{team_names[big]!r} alone has {int(sizes[big]):,} people); split large teams or "
            "give an edges file",
            column="team",
        )
    # Members of each team sit together in `order`; team t's start at starts[t].
    order = np.argsort(team, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    src = [np.empty(0, dtype=np.int64)]
    dst = [np.empty(0, dtype=np.int64)]
    # Teams of one size share one triangle of pairs, so the loop is over sizes, not teams.
    for s in np.unique(sizes[sizes >= 2]):
        i, j = np.triu_indices(int(s), k=1)
        base = starts[sizes == s][:, None]
        src.append(order[base + i].ravel())
        dst.append(order[base + j].ravel())
    n_team = sum(a.size for a in src)
    has_boss = np.flatnonzero(manager >= 0)
    src.append(has_boss)
    dst.append(manager[has_boss].astype(np.int64))
    kind = np.concatenate(
        [
            np.full(n_team, TIE_KINDS.index("team")),
            np.full(has_boss.size, TIE_KINDS.index("manager")),
        ]
    ).astype(np.int8)
    # dedupe_edges keeps the first kind listed, so a team-mate manager stays a team tie.
    return dedupe_edges(np.concatenate(src), np.concatenate(dst), kind)


def _read_ties(
    table: Table, org_label: str, ids: list[str], team: np.ndarray, manager: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Ties from an edges file, each checked; kinds from the org chart.

    A tie is "team" between team-mates, "manager" between an employee and their manager,
    and "cross" otherwise. A blank or missing contact_prob takes the kind's default.

    Returns:
        src, dst (src < dst, sorted), kind and contact probability of each tie.
    """
    col = table.columns
    index = {eid: i for i, eid in enumerate(ids)}
    seen: dict[tuple[int, int], int] = {}
    src, dst, prob = [], [], []
    problems = Problems(table.label)
    for row, fields in table.rows:
        ends = []
        for column in ("source", "target"):
            eid = fields[col[column]]
            if not eid:
                problems.add(row, table.error("the employee id is blank", row, column))
            elif eid not in index:
                message = f"{eid!r} is not an employee in the org chart {org_label}"
                problems.add(row, table.error(message, row, column))
            else:
                ends.append(index[eid])
        try:
            p = _parse_prob(
                table, row, fields[col["contact_prob"]] if "contact_prob" in col else ""
            )
        except ValueError as exc:
            problems.add(row, exc)
            p = math.nan  # refused below with the rest
        if len(ends) < 2:
            continue
        a, b = min(ends), max(ends)
        if a == b:
            problems.add(row, table.error(f"a tie from {ids[a]!r} to themself", row, "target"))
            continue
        if (a, b) in seen:
            message = (
                f"the tie between {ids[a]!r} and {ids[b]!r} is already listed on row "
                f"{seen[(a, b)]}; list each pair once (in either order)"
            )
            problems.add(row, table.error(message, row, "target"))
            continue
        seen[(a, b)] = row
        src.append(a)
        dst.append(b)
        prob.append(p)
    problems.raise_all()

    lo = np.asarray(src, dtype=np.int64)
    hi = np.asarray(dst, dtype=np.int64)
    same_team = team[lo] == team[hi]
    manages = (manager[lo] == hi) | (manager[hi] == lo)
    team_k, manager_k, cross_k = (TIE_KINDS.index(k) for k in ("team", "manager", "cross"))
    kind = np.where(same_team, team_k, np.where(manages, manager_k, cross_k)).astype(np.int8)
    p = np.asarray(prob, dtype=np.float64)
    p = np.where(np.isnan(p), _default_prob(kind), p)
    order = np.lexsort((hi, lo))
    return lo[order], hi[order], kind[order], p[order]


def _parse_prob(table: Table, row: int, text: str) -> float:
    """A contact_prob cell: a probability in [0, 1], or NaN (the kind's default) if blank."""
    if not text:
        return math.nan
    value = parse_number(table, text)
    if value is None:
        raise table.error(
            f"{text!r} is not a number; give a daily probability between 0 and 1, or leave "
            "it blank for the default",
            row,
            "contact_prob",
        )
    if not 0 <= value <= 1:
        raise table.error(
            f"{text!r} is out of range; a contact probability is between 0 and 1",
            row,
            "contact_prob",
        )
    return value
