"""The SIS limit of MODEL.md against the exact expected trajectory."""

import networkx as nx
import numpy as np
from conftest import run_mesa
from scipy.stats import binom

import conflictsim as cs


def exact_sis_complete_graph(n: int, beta: float, gamma: float, i0: int, days: int):
    """Distribution of the upset count on K_n, day by day (discrete-time SIS).

    From i upset, the composed n - i are each drawn in with 1 - (1 - beta)^i and the upset
    each recover with gamma, independently: the next count is
    Binomial(i, 1 - gamma) + Binomial(n - i, 1 - (1 - beta)^i).
    """
    k = np.arange(n + 1)
    transition = np.zeros((n + 1, n + 1))
    for i in range(n + 1):
        stay = binom.pmf(k, i, 1 - gamma)
        new = binom.pmf(k, n - i, 1 - (1 - beta) ** i)
        transition[i] = np.convolve(stay, new)[: n + 1]
    dist = np.zeros(n + 1)
    dist[i0] = 1.0
    out = [dist]
    for _ in range(days):
        dist = dist @ transition
        out.append(dist)
    return np.array(out)


def test_transition_rows_are_distributions():
    d = exact_sis_complete_graph(8, 0.2, 0.3, 2, 3)
    assert np.allclose(d.sum(axis=1), 1.0)


def test_sis_limit_matches_the_exact_markov_chain_on_a_complete_graph():
    n, beta, gamma, i0, days, reps = 12, 0.06, 0.25, 3, 25, 600
    org = cs.Organisation.from_graph(nx.complete_graph(n), contact_prob=0.3)  # overridden
    params = cs.Params.sis(transmission=beta, recovery=gamma)
    scn = cs.Scenario(org, params, days=days, initial_upset=[str(i) for i in range(i0)])
    df = run_mesa(scn, replicates=reps, seed=100)
    dist = exact_sis_complete_graph(n, beta, gamma, i0, days)
    k = np.arange(n + 1)
    mean = dist @ k
    sd = np.sqrt(dist @ k**2 - mean**2)
    observed = df.groupby("day")["upset"].mean().to_numpy()
    z = (observed - mean) / (sd / np.sqrt(reps) + 1e-12)
    assert np.abs(z[1:]).max() < 4.5, z
    # The whole distribution on the last day, not only its mean (chi-square-like check on
    # the extinction probability, the chain's most sensitive feature).
    extinct = (df.loc[df.day == days, "upset"] == 0).mean()
    p0 = dist[days, 0]
    assert abs(extinct - p0) < 4.5 * np.sqrt(p0 * (1 - p0) / reps)


def test_sis_limit_ignores_contact_probabilities_and_traits():
    g = nx.complete_graph(5)
    org = cs.Organisation.from_graph(g, contact_prob=0.01)
    scn = cs.Scenario(
        org, cs.Params.sis(transmission=1.0, recovery=0.0), days=1, initial_upset=["0"]
    )
    model = cs.ConflictModel(scn, rng=1)
    model.step()
    assert all(a.upset for a in model.employees)
