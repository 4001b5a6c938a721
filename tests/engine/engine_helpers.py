"""Small helpers shared by the fast engine's tests."""

import networkx as nx
import numpy as np

import conflictsim as cs
from conflictsim.engine import Results


def empty_org(n):
    """``n`` employees and no ties."""
    return cs.Organisation.from_graph(nx.empty_graph(n))


def on_day(res: Results, day: int, column: str) -> np.ndarray:
    """One daily column on one day, a value per replicate."""
    d = res.daily
    return d.loc[d.day == day, column].to_numpy()


def binomial_se(n, p, reps):
    """Standard error of the mean of ``reps`` Binomial(n, p) counts."""
    return np.sqrt(n * p * (1 - p) / reps)
