"""Decisions over plausible worlds: uncertainty intervals, the best arm, value of information.

Known answers: with options 0 and x (theta - 1/2) for theta ~ U(0, 1), learning theta is
worth E[max(0, theta - 1/2)] = 1/8; a parameter that does not enter is worth 0; an option
better in every world is chosen anyway, so learning is worth about 0 however noisy the
runs; learning everything, or a group, is worth at least learning part; a calibration
whose sets are all the same has the simulation's own spread and nothing to learn.
"""

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.calibration.result import Calibration
from conflictsim.comparison import uncertainty_interval
from conflictsim.uncertainty import ALL, RuleValue, value_of_information

ORG = cs.Organisation.generate(120, "call_centre", seed=2)


def constructed(draws: dict) -> Calibration:
    """A calibration of ORG holding the given parameter sets (everything else default)."""
    base = {k: v for k, v in cs.Params().items() if k not in draws}
    return Calibration(
        draws=pd.DataFrame(draws),
        fit=pd.DataFrame(),
        targets=(),
        org_fingerprint=ORG.fingerprint(),
        org_name=ORG.name,
        base=base,
        seed=0,
    )


def kinked(n: int, noise: float, seed: int):
    rng = np.random.default_rng(seed)
    theta, other = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    nb = pd.DataFrame({"none": 0.0, "x": 1000 * (theta - 0.5) + rng.normal(0, noise, n)})
    return nb, pd.DataFrame({"theta": theta, "other": other})


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_one_deciding_parameter_is_worth_the_evpi_and_an_irrelevant_one_nothing(seed):
    nb, worlds = kinked(4000, 300.0, seed)
    voi = value_of_information(nb, worlds).set_index("parameter")["evppi"]
    assert voi["theta"] == pytest.approx(125.0, rel=0.08)  # 1000 / 8
    assert voi["other"] < 0.03 * 125
    assert voi[ALL] == pytest.approx(voi["theta"], rel=0.05)
    assert voi[ALL] >= voi.drop(ALL).max()


def test_the_joint_regression_itself_finds_the_known_evpi():
    # Not only the bound: the rule fitted on both parameters, alone, is worth 1/8.
    nb, worlds = kinked(4000, 300.0, 4)
    joint, se = RuleValue(nb.to_numpy(float), worlds, 5, 0).value(["theta", "other"])
    assert joint == pytest.approx(125.0, rel=0.08) and 0 < se < 10


def noisy_but_dominated(seed: int, n: int = 200):
    # Option x is better than no training by 500-800 in every world; option y worse by
    # 200; each run adds chance of SD 3000, as a stochastic simulation does.
    rng = np.random.default_rng(seed)
    worlds = pd.DataFrame({f"p{i}": rng.uniform(size=n) for i in range(10)})
    nb = pd.DataFrame({"none": 0.0, "x": 500 + 300 * worlds.p0 + rng.normal(0, 3000, n),
                       "y": -200 + rng.normal(0, 3000, n)})  # fmt: skip
    return nb, worlds


def test_an_option_better_in_every_world_leaves_nothing_to_learn_whatever_the_noise():
    evpis, naive = [], []
    for seed in range(10):
        nb, worlds = noisy_but_dominated(seed)
        voi = value_of_information(nb, worlds, {"g": ["p0", "p1"]}).set_index("parameter")
        evpi, se = voi.loc[ALL, "evppi"], voi.loc[ALL, "se"]
        assert evpi <= 2.5 * se + 1e-9, (seed, evpi, se)
        evpis.append(evpi)
        # What the single runs would say: the best option run by run, chance and all.
        v = nb.to_numpy()
        naive.append(v.max(axis=1).mean() - v.mean(axis=0).max())
    assert np.mean(evpis) < 0.05 * 3000  # about 0: under 5% of one run's chance
    assert min(naive) > 1000  # the noise the estimate must not count


def test_a_group_is_worth_at_least_each_member():
    # A deciding parameter in a group with eight that decide nothing: fitted together on
    # few worlds the group's own rule can be worse than its member's; the group is still
    # worth at least the member (knowing the group, one can use the member's rule).
    below = 0
    for seed in range(6):
        rng = np.random.default_rng(seed)
        n = 150
        worlds = pd.DataFrame({f"q{i}": rng.uniform(size=n) for i in range(9)})
        nb = pd.DataFrame({"none": 0.0, "x": 1000 * (worlds.q0 - 0.5) + rng.normal(0, 600, n)})
        group = {"g": [f"q{i}" for i in range(9)]}
        voi = value_of_information(nb, worlds, group).set_index("parameter")["evppi"]
        assert voi["g"] >= voi["q0"] and voi[ALL] >= voi["g"]
        own = RuleValue(nb.to_numpy(float), worlds, 5, 0).value(group["g"])[0]
        below += own < voi["q0"]
    assert below >= 1  # the order is held, not merely found


def test_a_parameter_no_option_depends_on_is_worth_exactly_nothing():
    nb, worlds = kinked(400, 300.0, 5)
    voi = value_of_information(nb, worlds, relevant=["theta"]).set_index("parameter")
    assert voi.loc["other", "evppi"] == 0.0 and not voi.loc["other", "relevant"]
    assert voi.loc["theta", "relevant"] and voi.loc["theta", "evppi"] > 80


def test_two_parameters_each_deciding_part_and_a_group_of_both():
    # x = 1000 (a + b - 1): learning a alone leaves b's part unknown.
    rng = np.random.default_rng(7)
    n = 4000
    a, b = rng.uniform(0, 1, n), rng.uniform(0, 1, n)
    nb = pd.DataFrame({"none": 0.0, "x": 1000 * (a + b - 1) + rng.normal(0, 200, n)})
    worlds = pd.DataFrame({"a": a, "b": b})
    voi = value_of_information(nb, worlds, {"both": ["a", "b"]}).set_index("parameter")["evppi"]
    # E[max(0, a + b - 1)] = 1/6; learning a alone: E[max(0, a - 1/2)] = 1/8.
    assert voi["both"] == pytest.approx(1000 / 6, rel=0.08)
    assert voi["a"] == pytest.approx(125.0, rel=0.1)
    assert voi["b"] == pytest.approx(125.0, rel=0.1)
    assert voi[ALL] >= max(voi["a"], voi["b"], voi["both"])


def test_evpi_is_never_below_an_evppi_even_in_pure_noise():
    for seed in range(5):
        rng = np.random.default_rng(seed)
        nb = pd.DataFrame({"none": 0.0, "x": rng.normal(0, 1, 50), "y": rng.normal(0, 1, 50)})
        worlds = pd.DataFrame({f"p{i}": rng.uniform(size=50) for i in range(4)})
        voi = value_of_information(nb, worlds).set_index("parameter")["evppi"]
        assert (voi >= 0).all()
        assert voi[ALL] >= voi.drop(ALL).max()


def test_nothing_varies_nothing_to_learn():
    nb = pd.DataFrame({"none": 0.0, "x": np.random.default_rng(1).normal(0, 1, 100)})
    worlds = pd.DataFrame({"p": np.full(100, 0.3)})
    voi = value_of_information(nb, worlds)
    assert list(voi["parameter"]) == [ALL]  # p does not vary: no row of its own
    assert voi["evppi"].iloc[0] == 0.0


def test_bad_groups_and_lengths_are_refused():
    nb, worlds = kinked(50, 1.0, 1)
    with pytest.raises(ValueError, match="'nope'"):
        value_of_information(nb, worlds, {"g": ["theta", "nope"]})
    with pytest.raises(ValueError, match="49 parameter sets"):
        value_of_information(nb, worlds.iloc[:49])


def test_uncertainty_interval_is_the_middle_90_percent():
    low, high = uncertainty_interval(np.arange(1001, dtype=float))
    assert (low, high) == pytest.approx((50.0, 950.0))
    assert np.isnan(uncertainty_interval(np.array([np.nan]))[0])


def deescalation(fee: float) -> dict:
    return {
        "none": cs.Scenario(ORG, days=120),
        "deescalation": cs.Scenario(
            ORG,
            days=120,
            programmes=[cs.Training("deescalation", coverage=0.5, cost_per_trainee=fee)],
        ),
    }


def test_identical_sets_give_the_simulation_spread_and_no_value_of_information():
    p = cs.Params()
    same = constructed({"transmission": np.full(30, p.transmission), "recovery": p.recovery})
    over = cs.compare(deescalation(300.0), replicates=30, seed=4, calibration=same)
    plain = cs.compare(deescalation(300.0), replicates=30, seed=4)
    cols = ["mean", "ui_low", "ui_high", "p_better"]
    pd.testing.assert_frame_equal(over.table[cols], plain.table[cols])
    d = plain.paired["conflicts"].to_numpy(float)
    row = plain.table.query("outcome == 'conflicts'").iloc[0]
    assert (row.ui_low, row.ui_high) == tuple(np.quantile(d, [0.05, 0.95]))
    assert row.ui_low < row.ci_low < row.ci_high < row.ui_high  # chance spread > mean's CI
    voi = over.value_of_information()
    assert voi["evppi"].tolist() == [0.0]
    with pytest.raises(ValueError, match="one parameter set"):
        plain.value_of_information()


@pytest.fixture(scope="module")
def hours_decide():
    # The cost of a minor conflict decides whether de-escalation pays; how often minor
    # conflicts are reported changes neither conflicts nor costs.
    rng = np.random.default_rng(5)
    n = 300
    cal = constructed({"hours_minor": rng.uniform(0.5, 6, n), "report_minor": rng.uniform(size=n)})
    return cs.compare(deescalation(1700.0), replicates=n, seed=1, calibration=cal)


def test_a_simulated_deciding_parameter_holds_the_value_of_information(hours_decide):
    best = hours_decide.best.set_index("arm")["p_best"]
    assert 0.2 < best["deescalation"] < 0.8  # a real decision either way
    assert best.sum() == pytest.approx(1.0)
    voi = hours_decide.value_of_information().set_index("parameter")["evppi"]
    assert voi[ALL] > 0
    assert voi["hours_minor"] > 0.85 * voi[ALL]
    assert voi["report_minor"] < 0.1 * voi[ALL]


def test_worlds_out_of_step_with_the_runs_lose_the_information(hours_decide):
    # The planted error: parameter sets paired with other replicates' runs.
    worlds = hours_decide.worlds.sample(frac=1.0, random_state=0).reset_index(drop=True)
    voi = value_of_information(hours_decide.net_benefit(), worlds).set_index("parameter")
    right = hours_decide.value_of_information().set_index("parameter")
    assert voi.loc["hours_minor", "evppi"] < 0.5 * right.loc["hours_minor", "evppi"]


def test_p_best_counts_ties_as_shared():
    cmp = cs.compare(
        {"a": cs.Scenario(ORG, days=20), "b": cs.Scenario(ORG, days=20)}, replicates=3, seed=1
    )
    assert cmp.best["p_best"].tolist() == [0.5, 0.5]


def test_what_responders_achieve_is_worth_nothing_where_no_option_trains_responders():
    # Active listening makes no responders: however uncertain responder_success is,
    # knowing it cannot change this choice (the 584 for active listening).
    rng = np.random.default_rng(3)
    n = 60
    cal = constructed({"responder_success": rng.uniform(0, 0.3, n),
                       "skill_transfer": rng.uniform(0, 1, n)})  # fmt: skip
    arms = {"none": cs.Scenario(ORG, days=60),
            "listening": cs.Scenario(ORG, days=60, programmes=[
                cs.Training("active_listening", coverage=0.5)])}  # fmt: skip
    cmp = cs.compare(arms, replicates=n, seed=2, calibration=cal)
    assert cmp.relevant_parameters() == ["skill_transfer"]
    voi = cmp.value_of_information().set_index("parameter")
    assert voi.loc["responder_success", "evppi"] == 0.0
    assert not voi.loc["responder_success", "relevant"]
    assert "training effects" not in voi.index  # a group of one relevant member is no group
