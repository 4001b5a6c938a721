"""Graph algorithms on an organisation's contact graph.

Who is central (``betweenness``, for training "the best-connected people") and how many
ties separate each employee from the nearest of some others (``distance_to``, for the
ripple of training to untrained colleagues). networkx and SciPy do the work.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from conflictsim.organisation import Organisation


@functools.lru_cache(maxsize=8)
def betweenness(org: Organisation) -> np.ndarray:
    """Betweenness centrality of each employee (exact up to 2,000 people, else sampled).

    The sample of 500 sources (Brandes 2008) uses a fixed seed, so every replicate ranks
    people the same way.
    """
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(org.size))
    g.add_edges_from(zip(org.edge_src.tolist(), org.edge_dst.tolist(), strict=True))
    k = None if org.size <= 2000 else 500
    values = nx.betweenness_centrality(g, k=k, seed=0)
    return np.array([values[i] for i in range(org.size)])


def distance_to(org: Organisation, trained: np.ndarray) -> np.ndarray:
    """Ties to the nearest of some employees (0 for them; a large number if unreachable).

    ``trained`` is one boolean per employee (the trainees, say), or one row of them per
    replicate (then one row of distances per replicate).
    """
    trained = np.asarray(trained, dtype=bool)
    if trained.ndim == 1:
        return distances_to(org, trained[None, :])[0]
    return distances_to(org, trained)


def distances_to(org: Organisation, trained: np.ndarray) -> np.ndarray:
    """``distance_to`` for many replicates at once: ``trained`` (replicates, size).

    A breadth-first search from every trainee at once, for every replicate at once: each
    step moves the frontier one tie with one sparse product (SciPy), so a comparison's
    replicates need as many products as the longest distance, not a search each.
    """
    trained = np.asarray(trained, dtype=bool)
    # Replicates in chunks of at most about 2**24 entries, to bound the frontier's memory.
    chunk = max(1, 2**24 // max(org.size, 1))
    parts = [_bfs(org, trained[k : k + chunk]) for k in range(0, trained.shape[0], chunk)]
    return np.concatenate(parts) if parts else np.zeros(trained.shape, np.int64)


def _bfs(org: Organisation, trained: np.ndarray) -> np.ndarray:
    unreachable = np.iinfo(np.int32).max
    reached = trained.copy()
    dist = np.where(reached, 0, unreachable).astype(np.int64)
    step = _adjacency_matrix(org)
    frontier, d = reached.copy(), 0
    while frontier.any():
        d += 1
        new = np.asarray(frontier.astype(np.float32) @ step) > 0
        new &= ~reached
        dist[new] = d
        reached |= new
        frontier = new
    return dist


@functools.lru_cache(maxsize=8)
def _adjacency_matrix(org: Organisation):
    from scipy.sparse import csr_matrix

    # Both directions: a tie is met from either end.
    n = org.size
    ones = np.ones(2 * org.n_edges, dtype=np.float32)
    rows = np.concatenate([org.edge_src, org.edge_dst])
    cols = np.concatenate([org.edge_dst, org.edge_src])
    return csr_matrix((ones, (rows, cols)), shape=(n, n))
