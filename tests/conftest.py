"""Shared helpers for the test suite."""

from __future__ import annotations

import dataclasses
import os

import numpy as np
import pandas as pd

import conflictsim as cs

# pytest-xdist runs a worker per core already: one engine thread each, not one per core
# each (tests/engine/test_threads.py asks for two threads where it needs them).
if os.environ.get("PYTEST_XDIST_WORKER"):
    os.environ.setdefault("CONFLICTSIM_THREADS", "1")


def with_traits(org: cs.Organisation, regulation=None, listening=None, customer_facing=None):
    """A copy of ``org`` with every employee's traits (or customer contact) fixed."""
    changes = {}
    if regulation is not None:
        changes["regulation"] = np.broadcast_to(np.asarray(regulation, float), org.size).copy()
    if listening is not None:
        changes["listening"] = np.broadcast_to(np.asarray(listening, float), org.size).copy()
    if customer_facing is not None:
        changes["customer_facing"] = np.broadcast_to(
            np.asarray(customer_facing, bool), org.size
        ).copy()
    return dataclasses.replace(org, **changes)


def run_mesa(scn: cs.Scenario, replicates: int, seed: int = 0) -> pd.DataFrame:
    """Daily tables of several Mesa replicates, stacked with a ``replicate`` column."""
    frames = []
    for k in range(replicates):
        model = cs.ConflictModel(scn, rng=seed + k)
        model.run_for(scn.days)
        df = model.daily_frame()
        df.insert(0, "replicate", k)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def assert_mean_close(samples, expected: float, se: float | None = None, z: float = 4.5):
    """Mean of ``samples`` within ``z`` standard errors of ``expected``.

    ``se`` defaults to the sample standard error; pass the exact one when it is known.
    """
    samples = np.asarray(samples, dtype=float)
    mean = samples.mean()
    if se is None:
        se = samples.std(ddof=1) / np.sqrt(samples.size)
    se = max(se, 1e-12)
    assert abs(mean - expected) <= z * se, (
        f"mean {mean:.5g} differs from expected {expected:.5g} by "
        f"{abs(mean - expected) / se:.1f} standard errors (se {se:.3g})"
    )


# Everything off: a base from which one mechanism at a time is switched on.
QUIET = dict(
    trigger=0,
    transmission=0,
    listening_shield=0,
    regulation_shield=0,
    listening_calm=0,
    clash=0,
    escalation=0,
    grievance_weight=0,
    regulation_recovery=0,
    recovery=0,
    absence_base=0,
    absence_strain=0,
    quit_base=0,
    quit_strain=0,
)


def quiet(**on):
    return cs.Params(**{**QUIET, **on})


def from_start(*args, **kwargs) -> cs.Scenario:
    """A scenario counted from its initial state, without a warm-up.

    For tests of the daily rules from a known state (who is upset on day 0, a
    programme on day 3): the analytic expectations start there.
    """
    return cs.Scenario(*args, warmup=0, **kwargs)
