"""Organisations: employees, teams, departments and the contact graph between them.

An organisation is plain data: per-employee arrays and an undirected edge list whose
weights are the daily probability that the two ends meet (MODEL.md section 2). It is
built by a generator with sector presets, read from a CSV org chart (see
``conflictsim.orgchart``), or taken from a networkx graph. Both the Mesa model and the
fast engine read the same arrays.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim import orgchart
from conflictsim.ties import DEFAULT_CONTACT, TIE_KINDS, dedupe_edges


@dataclass(frozen=True)
class Preset:
    """A sector's organisation shape and how often colleagues meet.

    Attributes:
        name: Preset name.
        description: What the preset represents and why its numbers were chosen.
        team_size: Mean employees per team, manager included.
        teams_per_department: Teams grouped under one department head.
        cross_ties: Mean ties per employee to people outside their team.
        same_department_share: Share of cross-team ties that stay inside the department.
        customer_facing: Share of staff who deal with customers, patients or pupils.
        contact: Daily contact probability of each tie kind.
    """

    name: str
    description: str
    team_size: int
    teams_per_department: int
    cross_ties: float
    same_department_share: float
    customer_facing: float
    contact: dict[str, float] = field(default_factory=dict)


#: Sector presets for ``Organisation.generate``. All figures are assumptions chosen to be
#: typical of the sector; they are documented in docs/ODD.md.
PRESETS: dict[str, Preset] = {
    "office": Preset(
        "office",
        "Knowledge workers in teams of about 8; a fifth deal with clients; team-mates meet "
        "most days, other colleagues now and then.",
        team_size=8,
        teams_per_department=6,
        cross_ties=3.0,
        same_department_share=0.7,
        customer_facing=0.2,
        contact=dict(DEFAULT_CONTACT),
    ),
    "call_centre": Preset(
        "call_centre",
        "Agents in teams of about 12 on the phones all day: nearly all face customers, "
        "team-mates meet less often, few ties outside the team.",
        team_size=12,
        teams_per_department=5,
        cross_ties=1.5,
        same_department_share=0.8,
        customer_facing=0.9,
        contact={"team": 0.35, "manager": 0.5, "cross": 0.05, "other": 0.1},
    ),
    "hospital_ward": Preset(
        "hospital_ward",
        "Ward teams of about 10 on shared shifts: most staff face patients and relatives, "
        "team-mates meet nearly every shift, with ties to other wards through cover.",
        team_size=10,
        teams_per_department=4,
        cross_ties=2.5,
        same_department_share=0.6,
        customer_facing=0.85,
        contact={"team": 0.6, "manager": 0.5, "cross": 0.15, "other": 0.2},
    ),
    "school": Preset(
        "school",
        "Subject or year teams of about 6 teachers: most face pupils and parents, "
        "team-mates meet most days, the staff room links teams.",
        team_size=6,
        teams_per_department=5,
        cross_ties=3.5,
        same_department_share=0.5,
        customer_facing=0.8,
        contact={"team": 0.45, "manager": 0.5, "cross": 0.15, "other": 0.2},
    ),
}


@dataclass(eq=False)
class Organisation:
    """Employees and the contact graph between them.

    Employees are indexed 0..size-1 in every array; ``ids`` holds their names.

    Attributes:
        ids: Employee ids as strings.
        team: Team index of each employee (into ``team_names``).
        team_names: Name of each team.
        department: Department index of each employee (into ``department_names``).
        department_names: Name of each department.
        manager: Index of each employee's manager, or -1 for none.
        customer_facing: Whether each employee deals with customers, patients or pupils.
        regulation: Given emotional-regulation trait in (0, 1), or NaN to draw it.
        listening: Given active-listening trait in (0, 1), or NaN to draw it.
        role: Free-text role of each employee ("" if unknown).
        edge_src: First end of each tie (index, smaller than ``edge_dst``).
        edge_dst: Second end of each tie.
        edge_prob: Daily probability that the two ends of each tie meet.
        edge_kind: Kind of each tie, an index into ``TIE_KINDS``.
        name: Where the organisation came from (a preset name or a file).
    """

    ids: np.ndarray
    team: np.ndarray
    team_names: list[str]
    department: np.ndarray
    department_names: list[str]
    manager: np.ndarray
    customer_facing: np.ndarray
    regulation: np.ndarray
    listening: np.ndarray
    role: np.ndarray
    edge_src: np.ndarray
    edge_dst: np.ndarray
    edge_prob: np.ndarray
    edge_kind: np.ndarray
    name: str = "organisation"

    # ------------------------------------------------------------------ builders
    @classmethod
    def generate(
        cls,
        size: int = 500,
        preset: str = "office",
        seed: int | np.random.Generator | None = 0,
        *,
        team_size: int | None = None,
        cross_ties: float | None = None,
        customer_facing: float | None = None,
    ) -> Organisation:
        """Generate an organisation of a sector preset.

        Teams of about ``team_size`` (the first member is the manager) are grouped into
        departments; the manager of a department's first team heads it and the other
        team managers report to them. Team-mates are all tied to each other, each manager
        to the department head, and every employee has on average ``cross_ties`` ties to
        other teams, mostly in the same department. Customer-facing staff are drawn at
        the preset's share. Every draw comes from ``seed``.

        Args:
            size: Number of employees (at least 2).
            preset: One of ``PRESETS``: office, call_centre, hospital_ward, school.
            seed: Seed or generator for every random choice.
            team_size: Override the preset's team size.
            cross_ties: Override the preset's mean ties per employee to other teams.
            customer_facing: Override the preset's share of customer-facing staff.

        Returns:
            The generated organisation.
        """
        if preset not in PRESETS:
            raise ValueError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
        if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 2:
            raise ValueError(f"size must be a whole number of at least 2, got {size!r}")
        p = PRESETS[preset]
        ts = p.team_size if team_size is None else int(team_size)
        if ts < 2:
            raise ValueError(f"team_size must be at least 2, got {team_size!r}")
        xt = p.cross_ties if cross_ties is None else float(cross_ties)
        if xt < 0:
            raise ValueError(f"cross_ties must be at least 0, got {cross_ties!r}")
        cf = p.customer_facing if customer_facing is None else float(customer_facing)
        if not 0 <= cf <= 1:
            raise ValueError(f"customer_facing must be a share in [0, 1], got {customer_facing!r}")
        rng = np.random.default_rng(seed)
        n = int(size)

        # Teams of near-equal size, filled in order; team t starts at starts[t].
        n_teams = max(1, math.ceil(n / ts))
        team = (np.arange(n) * n_teams) // n
        starts = np.searchsorted(team, np.arange(n_teams))
        dept_of_team = np.arange(n_teams) // p.teams_per_department
        department = dept_of_team[team]
        n_depts = int(dept_of_team[-1]) + 1

        # Each team's first member manages it; the first team's manager heads the department.
        team_manager = starts
        head_of_dept = team_manager[np.searchsorted(dept_of_team, np.arange(n_depts))]
        manager = team_manager[team].copy()
        manager[team_manager] = head_of_dept[dept_of_team]
        manager[head_of_dept] = -1

        # Ties within teams: every pair of team-mates.
        sizes = np.diff(np.append(starts, n))
        src_parts, dst_parts = [], []
        for s in np.unique(sizes):
            i, j = np.triu_indices(int(s), k=1)
            base = starts[sizes == s][:, None]
            src_parts.append((base + i).ravel())
            dst_parts.append((base + j).ravel())
        team_src = np.concatenate(src_parts)
        team_dst = np.concatenate(dst_parts)

        # Manager ties: team managers to their department head (when not in the same team).
        mgr_src = team_manager[team_manager != head_of_dept[dept_of_team]]
        mgr_dst = head_of_dept[dept_of_team[team[mgr_src]]]

        # Cross-team ties: n * cross_ties / 2 pairs, most within the department.
        n_cross = rng.poisson(n * xt / 2)
        a = rng.integers(0, n, n_cross)
        same_dept = rng.random(n_cross) < p.same_department_share
        # Same-department partner: a random member of a's department.
        d_lo = starts[np.searchsorted(dept_of_team, department[a])]
        last_team = np.searchsorted(dept_of_team, department[a], side="right")
        d_hi = np.append(starts, n)[last_team]
        b_same = d_lo + (rng.random(n_cross) * (d_hi - d_lo)).astype(np.int64)
        b_any = rng.integers(0, n, n_cross)
        b = np.where(same_dept, b_same, b_any)
        keep = team[a] != team[b]
        cross_src, cross_dst = a[keep], b[keep]

        src = np.concatenate([team_src, mgr_src, cross_src])
        dst = np.concatenate([team_dst, mgr_dst, cross_dst])
        kind = np.concatenate(
            [
                np.full(team_src.size, 0),
                np.full(mgr_src.size, 1),
                np.full(cross_src.size, 2),
            ]
        ).astype(np.int8)
        src, dst, kind = dedupe_edges(src, dst, kind)
        contact = np.array([p.contact[k] for k in TIE_KINDS])

        cust = rng.random(n) < cf
        is_mgr = np.zeros(n, dtype=bool)
        is_mgr[manager[manager >= 0]] = True
        role = np.where(is_mgr, "manager", "staff").astype(object)
        nan = np.full(n, np.nan)
        return cls(
            ids=np.array([f"E{i + 1:0{len(str(n))}d}" for i in range(n)], dtype=object),
            team=team.astype(np.int32),
            team_names=[f"T{t + 1}" for t in range(n_teams)],
            department=department.astype(np.int32),
            department_names=[f"D{d + 1}" for d in range(n_depts)],
            manager=manager.astype(np.int32),
            customer_facing=cust,
            regulation=nan,
            listening=nan.copy(),
            role=role,
            edge_src=src,
            edge_dst=dst,
            edge_prob=contact[kind],
            edge_kind=kind,
            name=preset,
        )

    @classmethod
    def from_csv(cls, path: str | Path, edges: str | Path | None = None) -> Organisation:
        """Read an org chart CSV, and optionally a contacts CSV.

        See ``conflictsim.orgchart.read_columns`` for the columns and the checks made.

        Raises:
            ValueError: If a file is missing or malformed; the message names the file,
                row and column.
        """
        return cls(**orgchart.read_columns(path, edges))

    @classmethod
    def parse_csv(
        cls,
        data: bytes | str,
        name: str = "org.csv",
        edges: bytes | str | None = None,
        edges_name: str = "edges.csv",
    ) -> Organisation:
        """An organisation from an org chart CSV's contents (and an edges CSV's), in memory.

        The same rules as ``from_csv``, for files that never touch the disk, such as an
        upload to the dashboard (``conflictsim.orgchart.parse_columns``).

        Raises:
            ValueError: If a file is malformed; the message names the file, row and column.
        """
        return cls(**orgchart.parse_columns(data, name, edges, edges_name))

    @classmethod
    def from_graph(cls, graph: Any, contact_prob: float = 1.0) -> Organisation:
        """Build an organisation from any networkx graph: each node an employee.

        Every edge gets the same daily contact probability. Each employee is their own
        one-person team in a single department, with no managers; node attributes
        ``team``, ``department`` and ``customer_facing`` are used when present.

        Args:
            graph: An undirected networkx graph (directed graphs are made undirected).
            contact_prob: Daily probability that the two ends of an edge meet.
        """
        import networkx as nx

        if not 0 <= contact_prob <= 1:
            raise ValueError(f"contact_prob must be a probability in [0, 1], got {contact_prob!r}")
        g = nx.Graph(graph)
        g.remove_edges_from(nx.selfloop_edges(g))
        nodes = list(g.nodes)
        n = len(nodes)
        if n < 1:
            raise ValueError("the graph has no nodes")
        index = {v: i for i, v in enumerate(nodes)}
        e = np.array([(index[u], index[v]) for u, v in g.edges], dtype=np.int64).reshape(-1, 2)
        src, dst = np.minimum(e[:, 0], e[:, 1]), np.maximum(e[:, 0], e[:, 1])
        kind = np.full(src.size, TIE_KINDS.index("other"), dtype=np.int8)
        src, dst, kind = dedupe_edges(src, dst, kind)

        def labels(attr: str, default: Any) -> list[Any]:
            return [g.nodes[v].get(attr, default(v)) for v in nodes]

        team_lab = labels("team", lambda v: str(v))
        dept_lab = labels("department", lambda v: "all")
        team_names, team = np.unique(np.array(team_lab, dtype=str), return_inverse=True)
        dept_names, dept = np.unique(np.array(dept_lab, dtype=str), return_inverse=True)
        return cls(
            ids=np.array([str(v) for v in nodes], dtype=object),
            team=team.astype(np.int32),
            team_names=list(team_names),
            department=dept.astype(np.int32),
            department_names=list(dept_names),
            manager=np.full(n, -1, dtype=np.int32),
            customer_facing=np.array(labels("customer_facing", lambda v: False), dtype=bool),
            regulation=np.full(n, np.nan),
            listening=np.full(n, np.nan),
            role=np.full(n, "", dtype=object),
            edge_src=src,
            edge_dst=dst,
            edge_prob=np.full(src.size, float(contact_prob)),
            edge_kind=kind,
            name="graph",
        )

    # ------------------------------------------------------------------ views
    @property
    def size(self) -> int:
        """Number of employees."""
        return int(self.ids.size)

    @property
    def n_edges(self) -> int:
        """Number of ties in the contact graph."""
        return int(self.edge_src.size)

    @cached_property
    def is_manager(self) -> np.ndarray:
        """Whether each employee manages someone."""
        out = np.zeros(self.size, dtype=bool)
        out[self.manager[self.manager >= 0]] = True
        return out

    @cached_property
    def degree(self) -> np.ndarray:
        """Number of ties of each employee."""
        return np.bincount(
            np.concatenate([self.edge_src, self.edge_dst]), minlength=self.size
        ).astype(np.int64)

    @cached_property
    def adjacency(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Neighbour lists in CSR form: ``(indptr, neighbour, edge_id)``.

        The neighbours of employee ``i`` are ``neighbour[indptr[i]:indptr[i + 1]]``, in
        increasing order, and ``edge_id`` gives the tie each entry belongs to.
        """
        both_a = np.concatenate([self.edge_src, self.edge_dst])
        both_b = np.concatenate([self.edge_dst, self.edge_src])
        eid = np.concatenate([np.arange(self.n_edges)] * 2)
        order = np.lexsort((both_b, both_a))
        indptr = np.zeros(self.size + 1, dtype=np.int64)
        np.cumsum(np.bincount(both_a, minlength=self.size), out=indptr[1:])
        return indptr, both_b[order].astype(np.int64), eid[order].astype(np.int64)

    def neighbours(self, i: int) -> np.ndarray:
        """Indices of employee ``i``'s contacts."""
        indptr, nb, _ = self.adjacency
        return nb[indptr[i] : indptr[i + 1]]

    def index_of(self, employee_ids: list[Any]) -> np.ndarray:
        """Indices of the given employee ids; ``ValueError`` names any unknown id."""
        lookup = {v: i for i, v in enumerate(self.ids)}
        out = []
        for e in employee_ids:
            key = str(e)
            if key not in lookup:
                raise ValueError(f"unknown employee id {e!r}")
            out.append(lookup[key])
        return np.array(out, dtype=np.int64)

    def to_graph(self):
        """The contact graph as a networkx Graph (nodes are employee ids)."""
        import networkx as nx

        g = nx.Graph()
        g.add_nodes_from(self.ids.tolist())
        g.add_weighted_edges_from(
            zip(self.ids[self.edge_src], self.ids[self.edge_dst], self.edge_prob, strict=True),
            weight="contact_prob",
        )
        return g

    def to_frame(self) -> pd.DataFrame:
        """One row per employee: id, team, department, manager, is_manager, ...

        Columns: ``id, team, department, manager, is_manager, customer_facing, role,
        regulation, listening, degree``. ``manager`` is the manager's id or None;
        traits are NaN where they will be drawn from the population.
        """
        mgr = np.where(self.manager >= 0, self.ids[np.maximum(self.manager, 0)], None)
        return pd.DataFrame(
            {
                "id": self.ids,
                "team": np.asarray(self.team_names, dtype=object)[self.team],
                "department": np.asarray(self.department_names, dtype=object)[self.department],
                "manager": mgr,
                "is_manager": self.is_manager,
                "customer_facing": self.customer_facing,
                "role": self.role,
                "regulation": self.regulation,
                "listening": self.listening,
                "degree": self.degree,
            }
        )

    def edges_frame(self) -> pd.DataFrame:
        """One row per tie: source, target, contact_prob, kind."""
        return pd.DataFrame(
            {
                "source": self.ids[self.edge_src],
                "target": self.ids[self.edge_dst],
                "contact_prob": self.edge_prob,
                "kind": np.asarray(TIE_KINDS, dtype=object)[self.edge_kind],
            }
        )

    def fingerprint(self) -> str:
        """A digest of everything the simulation reads: people, teams, traits and ties.

        A calibration records it and refuses an organisation with another one; the name
        and free-text roles are left out, since they change no number.
        """
        h = hashlib.sha256()
        h.update("\x1f".join(map(str, self.ids)).encode())
        h.update("\x1f".join(map(str, self.team_names)).encode())
        for a in (
            self.team, self.department, self.manager, self.customer_facing,
            self.regulation, self.listening, self.edge_src, self.edge_dst, self.edge_prob,
        ):  # fmt: skip
            arr = np.ascontiguousarray(a)
            h.update(str(arr.dtype).encode() + arr.tobytes())
        return h.hexdigest()[:20]

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look: employees, teams, departments, managers, ties."""
        return {
            "employees": self.size,
            "teams": int(np.unique(self.team).size),
            "departments": int(np.unique(self.department).size),
            "managers": int(self.is_manager.sum()),
            "top_level": int((self.manager < 0).sum()),
            "customer_facing": int(self.customer_facing.sum()),
            "ties": self.n_edges,
            "mean_ties_per_employee": round(2 * self.n_edges / max(self.size, 1), 2),
            "mean_daily_contacts": round(2 * float(self.edge_prob.sum()) / max(self.size, 1), 2),
        }

    def __repr__(self) -> str:
        s = self.summary()
        return (
            f"Organisation({self.name!r}: {s['employees']} employees, {s['teams']} teams, "
            f"{s['departments']} departments, {s['ties']} ties)"
        )
