"""Paired docking: a programme's effect (arm minus no training) agrees between simulators.

Replicate k of both arms uses ``replicate_seed(seed, k)`` in each simulator (common random
numbers), so each simulator gives one paired difference per replicate; the two simulators'
mean paired differences are compared with Welch's z (standard error
``sqrt(se_mesa**2 + se_engine**2)``), flagged beyond Z = 4.5.

Power, stated and asserted: for the outcomes a setting is about, the test requires
``SHIFT * baseline_mean >= Z * se``, so a simulator whose effect is off by SHIFT of the
baseline mean is caught at least half the time (the message reports the power). Mesa's
streams part after the first draw the arms differ in, so its paired differences are
nearly as wide as two independent runs; the settings are chosen to give many, nearly
independent conflicts per agent-day (frequent outside triggers, quick recovery, no
grievance spiral), which is what buys power per second of Mesa.
"""

from __future__ import annotations

import numpy as np
import pytest
from docking_helpers import check, engine_runs, mesa_runs, power_check, welch

import conflictsim as cs

OUTCOMES = ("conflicts", "severe", "conflict_hours")
MESA_SEED, ENGINE_SEED = 3000, 9


def office() -> cs.Organisation:
    return cs.Organisation.generate(80, "office", seed=2)


def dock_paired(mesa_base, mesa_arm, eng_base, eng_arm, shifts: dict[str, float]) -> list[str]:
    """Problems with the arms' paired effects; ``shifts``: the power each outcome must have."""
    problems = []
    for name in OUTCOMES:
        dm = mesa_arm.summary[name].to_numpy(float) - mesa_base.summary[name].to_numpy(float)
        de = eng_arm.summary[name].to_numpy(float) - eng_base.summary[name].to_numpy(float)
        diff, se = welch(dm, de)
        base = eng_base.summary[name].mean()
        check(
            name,
            diff,
            se,
            problems,
            f"effect Mesa {dm.mean():.4g}, engine {de.mean():.4g} (baseline {base:.4g}); ",
        )
        if name in shifts:
            power_check(f"{name} effect", base, shifts[name], se, problems)
    return problems


# ---------------------------------------------------------------- the three programmes
# An 80-person office for 100 days with frequent outside triggers and quick recovery (many
# nearly independent conflicts), high escalation (severe conflicts are a third of all),
# de-escalation trainees who defuse 80% of the conflicts next to them; three quarters of
# the staff trained on day 0, with large effect sizes, so each programme's effect is
# 10-25% of all conflicts and more of the severe ones.
PROGRAMME_PARAMS = cs.Params(
    trigger=0.4,
    recovery=0.9,
    grievance_weight=0.0,
    responder_success=0.8,
    escalation=0.9,
    critical_share=0.3,
    skill_transfer=1.0,  # the whole skill gain at work: large effects to dock
)
PROGRAMMES = {
    # Responder-heavy: responders' defusing is most of this effect on severity.
    "deescalation": cs.Training("deescalation", coverage=0.75, listening_d=1.0, regulation_d=1.0),
    # Everyone, with a large shift: listening applied at 70% of its strength would move
    # the effect by about 4% of the baseline, some 7 standard errors of the comparison.
    "active_listening": cs.Training("active_listening", coverage=1.0, listening_d=2.0),
    "emotional_regulation": cs.Training("emotional_regulation", coverage=0.75, regulation_d=1.5),
}
MESA_REPLICATES = 120
ENGINE_REPLICATES = 2000
# Power each outcome's effect is held to, as a share of the baseline mean. Conflicts: 2%.
# Severe conflicts and hours (which weigh severe ones 5-14 times) vary more per run:
# about 2% would need 400-550 Mesa replicates per arm, so the test states and asserts 4%.
PROGRAMME_SHIFTS = {"conflicts": 0.02, "severe": 0.04, "conflict_hours": 0.04}


def programme_scenario(kind: str | None) -> cs.Scenario:
    # From the initial state, as the power above was sized (tests/test_docking.py docks
    # runs with a warm-up).
    progs = [] if kind is None else [PROGRAMMES[kind]]
    return cs.Scenario(office(), PROGRAMME_PARAMS, days=100, programmes=progs, warmup=0)


@pytest.fixture(scope="module")
def programme_baseline():
    scn = programme_scenario(None)
    return (
        mesa_runs(scn, MESA_REPLICATES, MESA_SEED),
        engine_runs(scn, ENGINE_REPLICATES, ENGINE_SEED),
    )


@pytest.mark.parametrize("kind", list(PROGRAMMES))
def test_programme_effect_agrees(kind, programme_baseline):
    # Mean paired effect on conflicts, severe conflicts and conflict hours, Mesa (120
    # replicates per arm) against engine (2000). Power asserted: 2% of the baseline on
    # conflicts, 4% on severe and hours. Measured se (share of baseline): conflicts
    # 0.3-0.4%, severe 0.7-0.9%, hours 0.6-0.8%.
    mesa_base, eng_base = programme_baseline
    scn = programme_scenario(kind)
    mesa_arm = mesa_runs(scn, MESA_REPLICATES, MESA_SEED)
    eng_arm = engine_runs(scn, ENGINE_REPLICATES, ENGINE_SEED)
    problems = dock_paired(mesa_base, mesa_arm, eng_base, eng_arm, PROGRAMME_SHIFTS)
    assert not problems, f"{kind}: " + "; ".join(problems)
    # The effect is well above the noise: at least 20 standard errors of the comparison.
    effect = eng_arm.summary["conflicts"].mean() - eng_base.summary["conflicts"].mean()
    assert effect < -0.08 * eng_base.summary["conflicts"].mean()


# ---------------------------------------------------------------- responders alone
# Responders only (de-escalation with no trait shift and no fading), on every fourth
# post: responders who are neighbours of one party, of both, or of neither. Absence is
# high (40% a day), so a simulator that lets absent responders act would defuse about
# twice as often; one that lets a party respond to its own conflict, or a non-neighbour,
# would too.
RESPONDER_PARAMS = PROGRAMME_PARAMS.replace(absence_base=0.4)
RESPONDER_MESA_REPLICATES = 200
RESPONDER_SHIFTS = {"severe": 0.05}


def responder_scenario(with_responders: bool) -> cs.Scenario:
    org = office()
    progs = []
    if with_responders:
        ids = [str(e) for e in org.ids[::4]]
        progs = [
            cs.Training(
                "deescalation", target=ids, listening_d=0.0, regulation_d=0.0, half_life_days=1e12
            )
        ]
    return cs.Scenario(org, RESPONDER_PARAMS, days=100, programmes=progs)


def test_responder_effect_agrees_with_absence_and_reach():
    # Paired effect of responders alone (arm minus no responders), Mesa (200 replicates
    # per arm) against engine (2000), on conflicts, severe conflicts and hours. Responders
    # act only on severity and on the drawn-in party, so the power asserted is on severe
    # conflicts: 5% of the baseline (the effect is about half of it). Measured se: about
    # 1% of the baseline's severe conflicts.
    scns = [responder_scenario(False), responder_scenario(True)]
    mesa = [mesa_runs(s, RESPONDER_MESA_REPLICATES, MESA_SEED + 1) for s in scns]
    eng = [engine_runs(s, ENGINE_REPLICATES, ENGINE_SEED + 1) for s in scns]
    problems = dock_paired(mesa[0], mesa[1], eng[0], eng[1], RESPONDER_SHIFTS)
    assert not problems, "; ".join(problems)
    # The responders matter: a third or more of the severe conflicts go.
    base, arm = eng[0].summary["severe"].mean(), eng[1].summary["severe"].mean()
    assert arm < 0.67 * base


@pytest.mark.parametrize("simulator", ["fast", "mesa"])
def test_conflicts_per_tie_add_up_to_the_conflicts_and_each_posts(simulator):
    # Every conflict happens on a tie: the ties' counts sum to the run's conflicts, and a
    # post's conflicts are the counts of its own ties.
    from conflictsim.runs import run_arm

    org = office()
    scn = cs.Scenario(
        org, PROGRAMME_PARAMS, days=40, programmes=[cs.Training("deescalation", coverage=0.5)]
    )
    runs = run_arm(scn, 3, 5, engine=simulator)
    ties = runs.edge_conflicts
    assert ties.shape == (3, org.n_edges) and ties.sum() > 0
    np.testing.assert_array_equal(ties.sum(axis=1), runs.summary["conflicts"])
    for k in range(3):
        per_post = np.bincount(org.edge_src, ties[k], org.size) + np.bincount(
            org.edge_dst, ties[k], org.size
        )
        np.testing.assert_array_equal(per_post, runs.employee_conflicts[k])
