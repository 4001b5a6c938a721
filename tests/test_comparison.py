"""Comparisons with common random numbers, costs and the ripple effect."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import conflictsim as cs
from conflictsim.comparison import Comparison, mean_ci, p_better, ripple
from conflictsim.runs import ArmRuns


@pytest.fixture(scope="module")
def small_org():
    return cs.Organisation.generate(120, "call_centre", seed=2)


def test_an_arm_that_trains_nobody_reproduces_the_baseline_exactly(small_org):
    arms = {
        "baseline": cs.Scenario(small_org, days=60),
        "nobody": cs.Scenario(
            small_org, days=60, programmes=[cs.Training("deescalation", headcount=0)]
        ),
    }
    cmp = cs.compare(arms, replicates=4, seed=3)
    assert (cmp.table.dropna(subset=["mean"])["mean"] == 0).all()
    assert (cmp.table.dropna(subset=["ci_low"])[["ci_low", "ci_high"]] == 0).all().all()
    assert cmp.runs["baseline"].daily.equals(cmp.runs["nobody"].daily)


def test_arms_differing_only_in_kind_train_the_same_people(small_org):
    arms = {
        k: cs.Scenario(small_org, days=30, programmes=[cs.Training(k, coverage=0.3)])
        for k in cs.KINDS
    }
    cmp = cs.compare(arms, replicates=3, seed=5)
    masks = [cmp.runs[k].trained for k in cs.KINDS]
    assert masks[0].sum() > 0
    assert all((m == masks[0]).all() for m in masks)
    # ...and different replicates train different people.
    assert not (masks[0][0] == masks[0][1]).all()


def test_table_columns_and_training_cost(small_org):
    arms = {
        "baseline": cs.Scenario(small_org, days=40),
        "listening": cs.Scenario(
            small_org, days=40, programmes=[cs.Training("active_listening", coverage=0.5)]
        ),
    }
    cmp = cs.compare(arms, replicates=5, seed=1)
    t = cmp.table
    assert list(t.columns[:5]) == ["arm", "outcome", "mean", "ci_low", "ci_high"]
    outcomes = set(t["outcome"])
    summary_cols = set(cmp.runs["baseline"].summary.columns) - {"replicate"}
    assert summary_cols | {"net_benefit", "roi", "conflicts_untrained",
                           "conflicts_untrained_d1", "conflicts_untrained_d2",
                           "conflicts_untrained_d3plus"} <= outcomes  # fmt: skip
    # Training cost: 60 people, one session each, fee plus hours at the wage.
    prog = cs.Training("active_listening")
    a = cmp.runs["listening"].summary
    assert (a["cost_training"] == 60 * prog.session_cost(cs.Params())).all()


def fabricated(summary: dict, conflicts: list) -> ArmRuns:
    """Two replicates of an arm with chosen totals, on a three-person path."""
    return ArmRuns(
        pd.DataFrame({"replicate": [0, 1], **summary}),
        pd.DataFrame(),
        np.array(conflicts),
        np.zeros((2, 3), dtype=bool),
    )


def test_paired_differences_net_benefit_and_roi_on_known_numbers():
    # Replicate 0: conflict costs 1000 less for 250 more training: net 750, ROI 3.0.
    # Replicate 1: 600 less for 200 more (the baseline itself spent 100): net 400, ROI 2.0.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    scenarios = {"baseline": cs.Scenario(org, days=10), "arm": cs.Scenario(org, days=10)}
    runs = {
        "baseline": fabricated(
            {
                "conflicts": [40, 50],
                "cost_conflict": [5000.0, 6000.0],
                "cost_training": [0.0, 100.0],
            },
            [[4, 6, 2], [5, 5, 5]],
        ),  # fmt: skip
        "arm": fabricated(
            {
                "conflicts": [30, 47],
                "cost_conflict": [4000.0, 5400.0],
                "cost_training": [250.0, 300.0],
            },
            [[3, 6, 1], [5, 4, 6]],
        ),  # fmt: skip
    }
    cmp = Comparison(scenarios, runs)
    paired = cmp.paired.set_index("replicate")
    assert paired["conflicts"].tolist() == [-10, -3]
    assert paired["net_benefit"].tolist() == [750, 400]
    assert paired["roi"].tolist() == [3.0, 2.0]
    t = cmp.table.set_index("outcome")
    assert t.loc["conflicts", "mean"] == -6.5
    assert t.loc["net_benefit", "mean"] == 575
    # The mean of the replicates' ROIs: not the ratio of means (575 / 225 = 2.56), nor net
    # benefit over the arm's whole training bill ((3 + 4 / 3) / 2 = 2.17).
    assert t.loc["roi", "mean"] == 2.5
    # 95% interval of two values: mean -/+ t(0.975, 1) * sd / sqrt(2) = 12.706 * 175.
    assert t.loc["net_benefit", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [575 - 12.7062047 * 175, 575 + 12.7062047 * 175]
    )
    assert t.loc["roi", ["ci_low", "ci_high"]].tolist() == pytest.approx(
        [2.5 - 12.7062047 * 0.5, 2.5 + 12.7062047 * 0.5]
    )
    assert t.loc["net_benefit", "p_better"] == 1.0
    assert t.loc["conflicts", ["arm_mean", "baseline_mean"]].tolist() == [38.5, 45.0]


def test_mean_ci_is_the_student_t_interval():
    x = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    mean, lo, hi = mean_ci(x)
    ref = stats.t.interval(0.95, 4, loc=x.mean(), scale=stats.sem(x))
    assert mean == pytest.approx(5.0) and (lo, hi) == pytest.approx(ref)


def test_p_better_direction_and_ties():
    d = np.array([-1.0, -2.0, 0.0, 3.0])
    assert p_better("conflicts", d) == pytest.approx(0.625)
    assert p_better("net_benefit", d) == pytest.approx(0.375)
    assert np.isnan(p_better("trained", d))


def test_ripple_split_on_a_path_with_known_answer():
    # Path 0-1-2-3-4-5, employee 1 trained. Distances: 0 and 2 -> 1, 3 -> 2, 4 and 5 -> 3+.
    org = cs.Organisation.from_graph(nx.path_graph(6))
    trained = np.array([[False, True, False, False, False, False]])
    arm = ArmRuns(pd.DataFrame(), pd.DataFrame(), np.array([[5, 1, 4, 6, 2, 0]]), trained)
    base = ArmRuns(pd.DataFrame(), pd.DataFrame(), np.array([[7, 9, 4, 9, 3, 1]]),
                   np.zeros_like(trained))  # fmt: skip
    out = ripple(org, arm, base)
    assert out["conflicts_untrained"][0].tolist() == [(5 - 7) + 0 + (6 - 9) + (2 - 3) + (0 - 1)]
    assert out["conflicts_untrained_d1"][0].tolist() == [(5 - 7) + (4 - 4)]
    assert out["conflicts_untrained_d2"][0].tolist() == [6 - 9]
    assert out["conflicts_untrained_d3plus"][0].tolist() == [(2 - 3) + (0 - 1)]
    assert out["conflicts_untrained_d1"][1].tolist() == [7 + 4]  # baseline, same people


def test_deescalation_for_half_a_call_centre_helps_trainees_and_colleagues():
    org = cs.Organisation.generate(200, "call_centre", seed=1)
    arms = {
        "baseline": cs.Scenario(org, days=120),
        "deescalation": cs.Scenario(
            org, days=120, programmes=[cs.Training("deescalation", coverage=0.5)]
        ),
    }
    t = cs.compare(arms, replicates=12, seed=1).table.set_index("outcome")
    assert t.loc["conflicts", "ci_high"] < 0
    assert t.loc["conflicts_untrained", "ci_high"] < 0


def test_compare_refuses_bad_arms(small_org):
    scn = cs.Scenario(small_org, days=10)
    with pytest.raises(ValueError, match="at least two arms"):
        cs.compare({"only": scn})
    with pytest.raises(ValueError, match="runs 20 days"):
        cs.compare({"a": scn, "b": scn.with_(days=20)})
    with pytest.raises(ValueError, match="replicates"):
        cs.compare({"a": scn, "b": scn}, replicates=1)
