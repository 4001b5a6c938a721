"""Docking: the fast engine and the Mesa model give the same distributions.

For parameter sets that together switch on every mechanism, the per-run outcomes of
``simulate`` and of ``ConflictModel`` are compared replicate means against replicate means
(Welch's z: the difference over the combined standard error). The two use different
random numbers, so only the distributions can agree.

Power, computed honestly: a difference is flagged beyond 4.5 standard errors, so a true
shift of 5% of the mean is caught with probability ``Phi(0.05 * mean / se - 4.5)``. For the
outcomes each set is about ("powered"), the test asserts ``0.05 * mean >= 4.5 * se``, that
is, a 5% shift would be caught at least half the time; the message reports the power.
The Mesa side is the slow one: about 1 million agent-days per set keeps the file near a
minute.
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.engine import simulate
from conflictsim.outcomes import summarise

OUTCOMES = ("conflicts", "severe", "conflict_hours", "absent_days", "quits", "mean_upset")
ENGINE_REPLICATES = 2000
Z = 4.5
SHIFT = 0.05


def with_severe(summary: pd.DataFrame) -> pd.DataFrame:
    return summary.assign(severe=summary["conflicts_major"] + summary["conflicts_critical"])


def run_mesa(scn: cs.Scenario, replicates: int, seed: int) -> pd.DataFrame:
    rows = []
    for k in range(replicates):
        model = cs.ConflictModel(scn, rng=seed + k)
        model.run_for(scn.days)
        rows.append(summarise(model.daily_frame(), scn))
    return with_severe(pd.DataFrame(rows))


def phi(x: float) -> float:
    return 0.5 * (1 + math.erf(x / math.sqrt(2)))


def dock(mesa: pd.DataFrame, engine: pd.DataFrame, powered: tuple[str, ...]) -> None:
    problems = []
    for name in OUTCOMES:
        a, b = mesa[name].to_numpy(float), engine[name].to_numpy(float)
        se = math.sqrt(a.var(ddof=1) / a.size + b.var(ddof=1) / b.size)
        diff = a.mean() - b.mean()
        # Outcomes that never vary (no quits in the SIS limit) must agree exactly.
        if abs(diff) > max(Z * se, 1e-9):
            problems.append(
                f"{name}: Mesa {a.mean():.4g}, engine {b.mean():.4g}, z {diff / se:.1f}"
            )
        if name in powered:
            ratio = SHIFT * abs(b.mean()) / se
            if ratio < Z:
                problems.append(
                    f"{name}: a 5% shift is caught with probability {phi(ratio - Z):.2f} only "
                    f"(se {se / abs(b.mean()):.2%} of the mean); run more replicates"
                )
    assert not problems, "; ".join(problems)


def office(size: int = 80, preset: str = "office") -> cs.Organisation:
    return cs.Organisation.generate(size, preset, seed=2)


CASES = {
    "office_defaults": (
        lambda: cs.Scenario(office(), cs.Params(), days=100),
        190,
        ("conflicts", "absent_days", "mean_upset"),
    ),
    "sis_limit": (
        lambda: cs.Scenario(
            cs.Organisation.from_graph(nx.gnm_random_graph(60, 180, seed=4)),
            cs.Params.sis(transmission=0.08, recovery=0.25),
            days=100,
            initial_upset=0.1,
        ),
        340,
        ("conflicts", "mean_upset"),
    ),
    "grievance_and_escalation": (
        lambda: cs.Scenario(
            office(),
            cs.Params(
                transmission=0.3,
                grievance_weight=1.5,
                grievance_decay=0.02,
                escalation=0.5,
                critical_share=0.3,
            ),
            days=100,
        ),
        120,
        ("conflicts", "severe", "conflict_hours"),
    ),
    "absence_and_turnover": (
        lambda: cs.Scenario(
            office(),
            cs.Params(
                absence_base=0.05,
                absence_strain=0.4,
                strain_scale=3.0,
                quit_base=0.004,
                quit_strain=0.03,
                vacancy_days=5,
                grievance_weight=1.0,
            ),
            days=100,
        ),
        160,
        ("conflicts", "absent_days", "quits"),
    ),
    "call_centre_triggers": (
        lambda: cs.Scenario(
            office(preset="call_centre"),
            cs.Params(
                trigger=0.08, customer_multiplier=3.0, listening_calm=0.4, regulation_shield=0.7
            ),
            days=100,
        ),
        130,
        ("conflicts", "mean_upset"),
    ),
    "programmes_with_decay_refreshers_and_turnover": (
        lambda: cs.Scenario(
            office(),
            cs.Params(quit_base=0.003, vacancy_days=5, responder_success=0.5),
            programmes=[
                cs.Training(
                    "deescalation",
                    coverage=0.3,
                    waves=2,
                    wave_interval=30,
                    refresher_days=40,
                    half_life_days=30,
                ),
                cs.Training("active_listening", target="managers", start_day=10),
                cs.Training(
                    "emotional_regulation",
                    target="central",
                    headcount=10,
                    listening_d=0.4,
                    regulation_d=1.0,
                ),
            ],
            days=100,
        ),
        160,
        ("conflicts", "mean_upset"),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_engine_and_mesa_agree(case):
    make, mesa_replicates, powered = CASES[case]
    scn = make()
    mesa = run_mesa(scn, mesa_replicates, seed=1000)
    engine = with_severe(simulate(scn, ENGINE_REPLICATES, seed=7).summary)
    dock(mesa, engine, powered)


def test_responders_agree_with_de_escalation_trainees_in_mesa():
    # Every fourth employee is a responder at full strength for the whole run (a
    # de-escalation programme with no trait shift and no fading in Mesa; the engine's
    # test override). Responders who quit take their skill with them in both. Severe
    # conflicts are too rare here for 5% power in a minute of Mesa (about 3% standard
    # error): they are checked for agreement, the power is asserted on conflicts and upset.
    org = office()
    ids = [str(e) for e in org.ids[::4]]
    params = cs.Params(responder_success=0.8, escalation=0.5, quit_base=0.002)
    base = cs.Scenario(org, params, days=100)
    programme = cs.Training(
        "deescalation", target=ids, listening_d=0.0, regulation_d=0.0, half_life_days=1e12
    )
    mesa = run_mesa(base.with_(programmes=[programme]), 160, seed=2000)
    strength = np.zeros(org.size)
    strength[::4] = 1.0
    engine = with_severe(
        simulate(base, ENGINE_REPLICATES, seed=8, _responder_strength=strength).summary
    )
    dock(mesa, engine, ("conflicts", "mean_upset"))
    # The responders do something: fewer severe conflicts than without them.
    without = with_severe(simulate(base, ENGINE_REPLICATES, seed=8).summary)
    assert engine["severe"].mean() < 0.9 * without["severe"].mean()
