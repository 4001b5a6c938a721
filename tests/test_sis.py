"""The SIS limit of MODEL.md against the exact expected trajectory."""

import itertools

import networkx as nx
import numpy as np
import pytest
from conftest import from_start, run_mesa
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


def brute_force_sis(n: int, beta: float, gamma: float, i0: int, days: int):
    """The same distribution by brute force: every upset/composed state of K_n's employees.

    Independent of the helper above: no binomials, no convolution. From each of the 2^n
    states, each employee's next state is enumerated one by one (an upset one stays upset
    with 1 - gamma; a composed one escapes each upset colleague with 1 - beta), and the
    probability of every next state is the product over employees.
    """
    states = list(itertools.product((0, 1), repeat=n))
    index = {s: j for j, s in enumerate(states)}
    transition = np.zeros((len(states), len(states)))
    for s in states:
        for t in states:
            p = 1.0
            for me in range(n):
                others_upset = sum(s) - s[me]
                if s[me]:
                    p *= (1 - gamma) if t[me] else gamma
                else:
                    escape = (1 - beta) ** others_upset
                    p *= (1 - escape) if t[me] else escape
            transition[index[s], index[t]] = p
    dist = np.zeros(len(states))
    dist[index[tuple([1] * i0 + [0] * (n - i0))]] = 1.0
    counts = np.array([sum(s) for s in states])
    out = []
    for day in range(days + 1):
        if day:
            dist = dist @ transition
        out.append(np.bincount(counts, weights=dist, minlength=n + 1))
    return np.array(out)


def test_exact_sis_helper_by_hand_for_two_employees():
    # K_2, one upset: it recovers with gamma; the composed one is drawn in with beta.
    beta, gamma = 0.2, 0.3
    d = exact_sis_complete_graph(2, beta, gamma, 1, 1)
    assert d[0].tolist() == [0.0, 1.0, 0.0]
    assert d[1] == pytest.approx(
        [gamma * (1 - beta), (1 - gamma) * (1 - beta) + gamma * beta, (1 - gamma) * beta],
        abs=1e-15,
    )
    # Two upset: each stays upset with 1 - gamma; none upset: nobody is ever upset again.
    two = exact_sis_complete_graph(2, beta, gamma, 2, 1)[1]
    assert two == pytest.approx([gamma**2, 2 * gamma * (1 - gamma), (1 - gamma) ** 2], abs=1e-15)
    assert exact_sis_complete_graph(2, beta, gamma, 0, 5)[5].tolist() == [1.0, 0.0, 0.0]


@pytest.mark.parametrize("n, i0", [(3, 1), (5, 2), (6, 6)])
def test_exact_sis_helper_matches_brute_force_enumeration(n, i0):
    beta, gamma, days = 0.23, 0.31, 6
    helper = exact_sis_complete_graph(n, beta, gamma, i0, days)
    assert helper == pytest.approx(brute_force_sis(n, beta, gamma, i0, days), abs=1e-12)


def test_sis_limit_matches_the_exact_markov_chain_on_a_complete_graph():
    n, beta, gamma, i0, days, reps = 12, 0.06, 0.25, 3, 25, 600
    org = cs.Organisation.from_graph(nx.complete_graph(n), contact_prob=0.3)  # overridden
    params = cs.Params.sis(transmission=beta, recovery=gamma)
    scn = from_start(org, params, days=days, initial_upset=[str(i) for i in range(i0)])
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
    scn = from_start(
        org, cs.Params.sis(transmission=1.0, recovery=0.0), days=1, initial_upset=["0"]
    )
    model = cs.ConflictModel(scn, rng=1)
    model.step()
    assert all(a.upset for a in model.employees)
