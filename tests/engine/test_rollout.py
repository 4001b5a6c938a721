"""Training in the fast engine (``conflictsim.engine.rollout``): who, when, what it costs."""

import math

import numpy as np
import pytest

import conflictsim as cs
from conflictsim.engine import simulate


def effects(ro, day: int):
    """Trait shifts and responder strengths in force on ``day`` (None: all zero).

    What ``kernels.training_effects`` computes post by post from ``Rollout.kernel_tables``,
    here on whole arrays: the reference the kernel is checked against.
    """
    weights, ref, active, responders, remaining, shifts = ro.kernel_tables()
    shift_reg = shift_lis = strength = None
    for k in np.flatnonzero(active):  # programmes with anyone trained yet
        left = remaining[k, day - ref[k]] * weights[:, k]
        add = shifts[:, k, 0, None] * left
        shift_reg = add if shift_reg is None else shift_reg + add
        add = shifts[:, k, 1, None] * left
        shift_lis = add if shift_lis is None else shift_lis + add
        if responders[k]:
            strength = left if strength is None else np.maximum(strength, left)
    return shift_reg, shift_lis, strength


def test_engine_trains_the_same_people_as_the_mesa_model():
    from conflictsim.runs import run_fast, run_mesa

    org = cs.Organisation.generate(150, "school", seed=1)
    progs = [
        cs.Training("active_listening", coverage=0.4),
        cs.Training("deescalation", target="whole_teams", headcount=20),
    ]
    scn = cs.Scenario(org, cs.Params(quit_base=0, quit_strain=0), programmes=progs, days=5)
    mesa, fast = run_mesa(scn, 3, seed=4), run_fast(scn, 3, seed=4)
    assert fast.trained.sum() > 0
    assert (mesa.trained == fast.trained).all()
    assert (mesa.summary["trained"] == fast.summary["trained"]).all()
    assert np.allclose(mesa.summary["cost_training"], fast.summary["cost_training"])


def test_engine_training_costs_sessions_and_refreshers():
    org = cs.Organisation.generate(60, "office", seed=1)
    prog = cs.Training("emotional_regulation", headcount=12, waves=3, wave_interval=10,
                       refresher_days=25)  # fmt: skip
    params = cs.Params(quit_base=0, quit_strain=0)
    scn = cs.Scenario(org, params, programmes=[prog], days=60)
    res = simulate(scn, 4, seed=2)
    # Waves on days 0, 10, 20 of 4 people; refreshers every 25 days within 60 days:
    # wave 0: days 0, 25, 50; wave 1: 10, 35; wave 2: 20, 45 -> 4 * (3 + 2 + 2) sessions.
    assert (res.summary["trained"] == 12).all()
    expected = 4 * 7 * prog.session_cost(params)
    assert np.allclose(res.summary["cost_training"], expected)
    assert expected == pytest.approx(prog.planned_cost(org, params, 60))


def test_engine_shift_halves_at_the_half_life():
    from conflictsim.engine.rollout import Rollout

    org = cs.Organisation.generate(30, "office", seed=1)
    prog = cs.Training("deescalation", half_life_days=40, refresher_days=70)
    params = cs.Params(listening_sd=2.0)
    scn = cs.Scenario(org, params, programmes=[prog], days=100)
    ro = Rollout(scn, seed=1, replicate_ids=np.array([0, 1]))
    hired = np.zeros((2, 30), dtype=np.int32)
    filled = np.full((2, 30), -1, dtype=np.int32)
    ro.train(0, hired, filled, None)
    _, lis, strength = effects(ro, 40)
    # d 0.5 times SD 2 times skill_transfer 0.5, half left; half the responder strength.
    assert np.allclose(lis, 0.5 * 2.0 * 0.5 * 0.5) and np.allclose(strength, 0.5)
    ro.train(70, hired, filled, None)  # refresher
    _, lis, strength = effects(ro, 71)
    assert np.allclose(strength, 0.5 ** (1 / 40))
    # Someone who quits takes the training along: a new holder hired on day 80.
    hired[0, 3] = 80
    ro.train(80, hired, filled, None)
    _, _, strength = effects(ro, 81)
    assert strength[0, 3] == 0 and strength[1, 3] > 0


def test_an_untrained_arm_reproduces_the_baseline_in_the_engine():
    org = cs.Organisation.generate(80, "call_centre", seed=3)
    base = cs.Scenario(org, days=50)
    none = base.with_(programmes=[cs.Training("deescalation", headcount=0)])
    a, b = simulate(base, 3, seed=9), simulate(none, 3, seed=9)
    assert a.daily.equals(b.daily)
    assert (a.employee_conflicts == b.employee_conflicts).all()


def test_the_kernel_keeps_the_training_in_force_as_the_rollout_computes_it():
    """``kernels.training_effects`` day by day equals ``effects`` on whole arrays.

    Two programmes (one making responders), a refresher, and a post holder replaced: the
    traits of every post are ``logistic(z + shift)`` of the rollout's shifts on the same day,
    and the strengths are its strengths, to the last bit.
    """
    from conflictsim.engine.kernels import PARAM_NAMES, TrainingTables, Traits, training_effects
    from conflictsim.engine.rollout import Rollout

    logistic = np.vectorize(lambda z: 1.0 / (1.0 + math.exp(-z)))  # the kernel's expression

    n, reps = 40, 3
    org = cs.Organisation.generate(n, "office", seed=2)
    progs = [
        cs.Training("deescalation", coverage=0.5, half_life_days=15, refresher_days=20),
        cs.Training("emotional_regulation", coverage=0.3, start_day=10, half_life_days=30),
    ]
    params = cs.Params()
    scn = cs.Scenario(org, params, programmes=progs, days=60)
    ro = Rollout(scn, seed=3, replicate_ids=np.arange(reps))
    hired = np.zeros((reps, n), dtype=np.int32)
    filled = np.full((reps, n), -1, dtype=np.int32)
    rng = np.random.default_rng(0)
    z_reg, z_lis = rng.normal(size=(reps, n)), rng.normal(size=(reps, n))
    par = np.tile([float(params[name]) for name in PARAM_NAMES], (reps, 1))
    cust = np.ascontiguousarray(org.customer_facing, dtype=np.bool_)
    traits = Traits(
        z_reg=z_reg,
        z_lis=z_lis,
        reg=logistic(z_reg),
        lis=logistic(z_lis),
        trig_p=np.empty((reps, n)),
        rec_p=np.empty((reps, n)),
        enc=np.empty((reps, n, 2), dtype=np.float32),
        strength=np.zeros((reps, n)),
    )
    ro.train(0, hired, filled, None)
    checked = 0
    for day in range(1, 60):
        tables = TrainingTables(*ro.kernel_tables(), override=np.zeros((reps, 1)),
                                has_override=False, in_use=True)  # fmt: skip
        for r in range(reps):
            training_effects(r, day, par[r], cust, traits, tables)
        shift_reg, shift_lis, want = effects(ro, day)
        shifted = (shift_reg != 0) | (shift_lis != 0)
        assert shifted.any()
        assert np.array_equal(traits.reg[shifted], logistic(z_reg + shift_reg)[shifted])
        assert np.array_equal(traits.lis[shifted], logistic(z_lis + shift_lis)[shifted])
        assert np.array_equal(traits.strength, want)
        checked += 1
        if day == 30:  # post 0's holder is replaced: the new one is untrained
            hired[:, 0] = 30
        ro.train(day, hired, filled, None)
    assert checked == 59 and np.all(effects(ro, 31)[2][:, 0] == 0)


def test_days_between_sessions_in_one_call_equal_the_days_one_by_one():
    """The kernel keeps the training in force between sessions as the rollout would day by day.

    With many quits (trained people leave, untrained people take their posts), waves and
    refreshers, running the days from one session to the next in one call gives the numbers
    of one call and one rollout step a day.
    """
    org = cs.Organisation.generate(60, "office", seed=4)
    progs = [
        cs.Training("deescalation", coverage=0.5, refresher_days=15, half_life_days=20),
        cs.Training("active_listening", headcount=20, waves=2, wave_interval=12),
    ]
    params = cs.Params(quit_base=0.01, vacancy_days=2)
    scn = cs.Scenario(org, params, programmes=progs, days=70)
    fast = simulate(scn, 4, seed=3)
    slow = simulate(scn, 4, seed=3, _day_by_day=True)
    assert fast.summary["quits"].sum() > 20  # posts change hands while training is in force
    assert fast.daily.equals(slow.daily)
    assert (fast.employee_conflicts == slow.employee_conflicts).all()
    assert np.array_equal(fast.training_fees, slow.training_fees)
    assert np.array_equal(fast.training_hours, slow.training_hours)
