import networkx as nx
import numpy as np
import pytest

import conflictsim as cs
from conflictsim.organisation import PRESETS
from conflictsim.ties import TIE_KINDS


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_presets_build_teams_with_one_manager_each(preset):
    org = cs.Organisation.generate(size=300, preset=preset, seed=4)
    p = PRESETS[preset]
    assert org.size == 300
    df = org.to_frame()
    # Every team has exactly one manager inside it who manages its other members.
    for _team, members in df.groupby("team"):
        team_managers = {m for m in members["manager"] if m in set(members["id"])}
        assert len(team_managers) == 1
    # Team sizes are within one of each other and near the preset's size.
    sizes = df.groupby("team").size()
    assert sizes.max() - sizes.min() <= 1 and abs(sizes.mean() - p.team_size) < 1
    # Several departments, each with one head at the top of the chart.
    assert (org.manager < 0).sum() == len(org.department_names)
    # Customer-facing share near the preset's.
    share = org.customer_facing.mean()
    assert abs(share - p.customer_facing) < 4 * np.sqrt(p.customer_facing * 0.9 / 300 + 1e-4)
    # Ties are ordered, unique, and carry the preset's contact probability for their kind.
    assert (org.edge_src < org.edge_dst).all()
    keys = org.edge_src.astype(np.int64) * org.size + org.edge_dst
    assert np.unique(keys).size == org.n_edges
    for k, kind in enumerate(TIE_KINDS[:3]):
        assert np.all(org.edge_prob[org.edge_kind == k] == p.contact[kind])
    # Team-mates are all tied.
    g = org.to_graph()
    for _team, members in df.groupby("team"):
        ids = list(members["id"])
        assert g.subgraph(ids).number_of_edges() == len(ids) * (len(ids) - 1) // 2
    # Cross-team ties per employee near the preset's mean (a few are lost to dedupe).
    n_cross = (org.edge_kind == TIE_KINDS.index("cross")).sum()
    assert 0.6 * p.cross_ties <= 2 * n_cross / org.size <= 1.2 * p.cross_ties


def test_generation_is_seeded():
    a = cs.Organisation.generate(200, "school", seed=7)
    b = cs.Organisation.generate(200, "school", seed=7)
    c = cs.Organisation.generate(200, "school", seed=8)
    assert a.to_frame().equals(b.to_frame()) and a.edges_frame().equals(b.edges_frame())
    assert not a.edges_frame().equals(c.edges_frame())


def test_generate_refuses_bad_arguments():
    with pytest.raises(ValueError, match="unknown preset 'factory'"):
        cs.Organisation.generate(10, "factory")
    with pytest.raises(ValueError, match="size"):
        cs.Organisation.generate(1)


def test_generate_scales_to_large_organisations():
    org = cs.Organisation.generate(200_000, "office", seed=1)
    assert org.size == 200_000
    assert org.degree.min() >= 1


def test_from_graph_and_to_frame():
    g = nx.karate_club_graph()
    org = cs.Organisation.from_graph(g, contact_prob=0.4)
    assert org.size == 34 and org.n_edges == g.number_of_edges()
    assert np.all(org.edge_prob == 0.4)
    df = org.to_frame()
    assert list(df.columns[:6]) == [
        "id",
        "team",
        "department",
        "manager",
        "is_manager",
        "customer_facing",
    ]
    assert df["degree"].tolist() == [g.degree(v) for v in g.nodes]
    assert sorted(org.neighbours(0).tolist()) == sorted(g.neighbors(0))
    with pytest.raises(ValueError, match="contact_prob"):
        cs.Organisation.from_graph(g, contact_prob=2)


def test_adjacency_lists_every_tie_from_both_ends():
    org = cs.Organisation.generate(80, "hospital_ward", seed=2)
    indptr, nb, eid = org.adjacency
    assert indptr[-1] == 2 * org.n_edges
    for i in range(org.size):
        for j, e in zip(nb[indptr[i] : indptr[i + 1]], eid[indptr[i] : indptr[i + 1]], strict=True):
            assert {org.edge_src[e], org.edge_dst[e]} == {i, j}
