"""Graph algorithms on the contact graph: distances to some people, betweenness."""

from __future__ import annotations

import networkx as nx
import numpy as np

import conflictsim as cs
from conflictsim.graph import betweenness, distance_to, distances_to


def test_distance_to_the_nearest_on_a_path():
    org = cs.Organisation.from_graph(nx.path_graph(6))
    trained = np.zeros(6, bool)
    trained[1] = True
    assert distance_to(org, trained).tolist() == [1, 0, 1, 2, 3, 4]
    none = distance_to(org, np.zeros(6, bool))
    assert (none > 1000).all()


def test_distances_for_many_replicates_match_networkx():
    g = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=3)
    org = cs.Organisation.from_graph(g)
    rng = np.random.default_rng(4)
    trained = rng.random((5, 60)) < 0.1
    trained[:, 0] = True  # everyone reachable
    got = distances_to(org, trained)
    for k in range(5):
        want = nx.multi_source_dijkstra_path_length(g, set(np.flatnonzero(trained[k])))
        assert got[k].tolist() == [want[i] for i in range(60)]


def test_betweenness_is_networkx_on_a_star():
    org = cs.Organisation.from_graph(nx.star_graph(5))
    b = betweenness(org)
    assert b.argmax() == 0 and b[0] == 1.0 and (b[1:] == 0).all()
