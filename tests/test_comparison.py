"""Comparisons with common random numbers, costs and the ripple effect."""

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import conflictsim as cs
from conflictsim.comparison import Comparison, mean_ci, p_better, ripple, ripple_per_person
from conflictsim.graph import distance_to
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
    assert summary_cols | {"net_benefit", "roi", "conflicts_with_trained",
                           "conflicts_among_untrained", "conflicts_among_untrained_d1",
                           "conflicts_among_untrained_d2", "conflicts_among_untrained_d3plus",
                           "conflicts_untrained"} <= outcomes  # fmt: skip
    # Training cost: one session for each of the 60 picked who is in post on day 0 (a
    # post left empty in the warm-up trains nobody), fee plus hours at the wage.
    prog = cs.Training("active_listening")
    a = cmp.runs["listening"].summary
    assert (a["cost_training"] == a["trained"] * prog.session_cost(cs.Params())).all()
    assert a["trained"].between(55, 60).all() and (a["trained"] == 60).any()


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
                "cost_cash": [1000.0, 1100.0],
                "cost_time": [4000.0, 5000.0],
            },
            [[4, 6, 2], [5, 5, 5]],
        ),  # fmt: skip
        "arm": fabricated(
            {
                "conflicts": [30, 47],
                "cost_conflict": [4000.0, 5400.0],
                "cost_training": [250.0, 300.0],
                "cost_cash": [1050.0, 1300.0],
                "cost_time": [3200.0, 4400.0],
            },
            [[3, 6, 1], [5, 4, 6]],
        ),  # fmt: skip
    }
    cmp = Comparison(scenarios, runs)
    paired = cmp.paired.set_index("replicate")
    assert paired["conflicts"].tolist() == [-10, -3]
    assert paired["net_benefit"].tolist() == [750, 400]
    assert paired["roi"].tolist() == [3.0, 2.0]
    # In cash the arm spent 50 and 200 more; in working time it gained 800 and 600.
    assert paired["net_benefit_cash"].tolist() == [-50, -200]
    assert paired["net_benefit_time"].tolist() == [800, 600]
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
    # The wide view: what the arm avoids (sign turned, interval swapped) where less is
    # better; net benefit and ROI as they are.
    w = cmp.wide().set_index("arm").loc["arm"]
    assert w["conflicts_avoided"] == 6.5 and "conflicts" not in w
    assert w["conflicts_avoided_ci_low"] == -t.loc["conflicts", "ci_high"]
    assert w["conflicts_avoided_ci_high"] == -t.loc["conflicts", "ci_low"]
    assert w["conflicts_avoided_ui_low"] < w["conflicts_avoided_ui_high"]
    assert w["conflicts_avoided_p_better"] == 1.0
    assert w[["conflicts_arm", "conflicts_baseline"]].tolist() == [38.5, 45.0]
    assert w["cost_conflict_avoided"] == 800
    assert w["net_benefit"] == 575 and w["net_benefit_ci_low"] == t.loc["net_benefit", "ci_low"]
    assert w["roi"] == 2.5
    assert list(cmp.wide(["net_benefit"]).columns) == [
        "arm", "net_benefit", "net_benefit_ci_low", "net_benefit_ci_high", "net_benefit_ui_low",
        "net_benefit_ui_high", "net_benefit_p_better", "net_benefit_arm", "net_benefit_baseline",
    ]  # fmt: skip


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


def per_tie(trained: np.ndarray, conflicts: list, base_trained=None) -> tuple[ArmRuns, ArmRuns]:
    """An arm and a first arm on one replicate with chosen conflicts per tie."""
    arm_c, base_c = (np.array([c]) for c in conflicts)
    base_trained = np.zeros_like(trained) if base_trained is None else base_trained
    arm = ArmRuns(pd.DataFrame(), pd.DataFrame(), np.zeros((1, trained.shape[1])), trained, arm_c)
    base = ArmRuns(pd.DataFrame(), pd.DataFrame(), np.zeros((1, trained.shape[1])),
                   base_trained, base_c)  # fmt: skip
    return arm, base


def test_ripple_split_on_a_path_with_known_answer():
    # Path 0-1-2-3-4-5-6 (ties 0-1, 1-2, 2-3, 3-4, 4-5, 5-6), employee 1 trained.
    # Distances: 0 and 2 -> 1, 3 -> 2, 4, 5 and 6 -> 3+.
    org = cs.Organisation.from_graph(nx.path_graph(7))
    assert org.edge_src.tolist() == [0, 1, 2, 3, 4, 5]
    trained = np.array([[False, True, False, False, False, False, False]])
    arm, base = per_tie(trained, [[5, 1, 4, 6, 2, 0], [7, 9, 4, 9, 3, 1]])
    out = ripple(org, arm, base)
    # Ties 0-1 and 1-2 have the trainee: the direct effect.
    assert out["conflicts_with_trained"][0].tolist() == [(5 - 7) + (1 - 9)]
    # The rest are between two untrained colleagues: the spillover, by the nearer party.
    assert out["conflicts_among_untrained"][0].tolist() == [(4 - 4) + (6 - 9) + (2 - 3) + (0 - 1)]
    assert out["conflicts_among_untrained_d1"][0].tolist() == [4 - 4]  # 2-3: 2 is at 1
    assert out["conflicts_among_untrained_d2"][0].tolist() == [6 - 9]  # 3-4: 3 is at 2
    assert out["conflicts_among_untrained_d3plus"][0].tolist() == [(2 - 3) + (0 - 1)]
    assert out["conflicts_among_untrained_d2"][1].tolist() == [9]  # first arm, same ties
    # Every tie has an untrained party.
    assert out["conflicts_untrained"][0].tolist() == [(15 + 3) - (23 + 10)]


def test_people_the_first_arm_trains_are_not_untrained_colleagues():
    # Path 0-1-2: the arm trains 0, the first arm trains 2. Only 1 is untrained in both,
    # so no tie is between two untrained colleagues; distance class 1 holds one person
    # and classes 2 and 3+ nobody: NaN, not 0.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    arm, base = per_tie(
        np.array([[True, False, False]]), [[1, 2], [3, 1]], np.array([[False, False, True]])
    )
    out = ripple(org, arm, base)
    assert out["conflicts_among_untrained"][0].tolist() == [0]
    assert out["conflicts_among_untrained_d1"][0].tolist() == [0]
    assert np.isnan(out["conflicts_among_untrained_d2"][0]).all()
    assert np.isnan(out["conflicts_among_untrained_d3plus"][0]).all()
    assert out["conflicts_untrained"][0].tolist() == [(1 + 2) - (3 + 1)]


def test_star_with_a_trained_hub_has_no_spillover_at_all():
    # MODEL.md v2 and issue 12: a star whose hub alone is trained and whose leaves share
    # no ties. Every conflict is with the hub, so the change among the untrained is
    # exactly 0, while the conflicts with the trainee fall. (The old ripple, every
    # conflict of an untrained person, counted the direct effect as spillover.)
    org = cs.Organisation.from_graph(nx.star_graph(12))
    # Nobody quits, so the hub is in post (and trained) when the programme starts.
    params = cs.Params(trigger=0.05, transmission=0.4, responder_success=0.3, quit_base=0,
                       quit_strain=0)  # fmt: skip
    prog = cs.Training("deescalation", target=["0"], half_life_days=1e9,
                       listening_d=1.5, regulation_d=1.5)  # fmt: skip
    arms = {
        "none": cs.Scenario(org, params, days=120),
        "hub": cs.Scenario(org, params, days=120, programmes=[prog]),
    }
    cmp = cs.compare(arms, replicates=60, seed=2)
    paired = cmp.paired
    assert (paired["conflicts_among_untrained"] == 0).all()
    assert (cmp.table.set_index("outcome").loc["conflicts_among_untrained", "baseline_mean"]) == 0
    d = paired["conflicts_with_trained"].to_numpy()
    assert d.mean() + 4 * d.std(ddof=1) / np.sqrt(d.size) < 0  # falls, well beyond chance
    # The leaves all sit in class 1; the per-person spillover there is exactly 0.
    rip = cmp.ripple.set_index("distance")
    assert rip.loc["1", "people"] == 12 and rip.loc["1", "change_per_person"] == 0
    assert np.isnan(rip.loc["2", "change_per_person"]) and rip.loc["2", "people"] == 0
    # The old measure would have shown a "ripple": the leaves' own conflicts fell.
    assert paired["conflicts_untrained"].mean() < 0


def test_ripple_per_person_on_known_numbers():
    # Path 0-1-2-3 (ties 0-1, 1-2, 2-3), 0 trained: 1 at distance 1, 2 at 2, 3 at 3.
    org = cs.Organisation.from_graph(nx.path_graph(4))
    arm, base = per_tie(np.array([[True, False, False, False]]), [[5, 2, 1], [5, 4, 4]])
    rip = ripple_per_person(org, arm, base).set_index("distance")
    # Tie 1-2 fell by 2 (counted by 1 and by 2), tie 2-3 by 3 (by 2 and by 3).
    assert rip.loc["1", "change_per_person"] == -2
    assert rip.loc["2", "change_per_person"] == -5
    assert rip.loc["3+", "change_per_person"] == -3
    assert rip["people"].tolist() == [1, 1, 1]


def layered_org(m: int = 8) -> tuple[cs.Organisation, list[str]]:
    """Trainees, two rings of untrained colleagues around them, and a separate group.

    A clique of ``m`` trainees (distance 0); two cliques of ``m`` each tied to one trainee
    (distance 1); two cliques of ``m`` each tied to one distance-1 colleague (distance 2);
    and three cliques of ``m`` with no path to any trainee (3+). Employees at distance 2
    meet only untrained colleagues, so their change in conflict is pure spillover through
    the network; the separate group cannot be reached at all, so with common random
    numbers its conflicts are exactly the same in both arms.
    """
    g = nx.Graph()
    trainees = list(range(m))
    d1, d2 = list(range(m, 3 * m)), list(range(3 * m, 5 * m))
    for group in (trainees, d1[:m], d1[m:], d2[:m], d2[m:]):
        g.add_edges_from((a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    g.add_edges_from((v, trainees[j % m]) for j, v in enumerate(d1))
    g.add_edges_from((v, d1[j]) for j, v in enumerate(d2))
    g.add_edges_from(nx.relabel_nodes(nx.caveman_graph(3, m), lambda v: v + 5 * m).edges)
    return cs.Organisation.from_graph(g, contact_prob=0.5), [str(i) for i in trainees]


def test_deescalation_ripple_reaches_untrained_colleagues_only_through_the_network():
    # Half a call centre trained (the old test) could not tell the ripple from the direct
    # effect: nearly every untrained person has a trainee team-mate, and their conflicts
    # with trainees fall whenever the trainees improve. Here the distance classes are
    # known, and so are two answers: a real fall at distance 2, exactly none at 3+.
    org, trainees = layered_org()
    dist = distance_to(org, np.isin(org.ids, trainees))
    assert np.bincount(np.minimum(dist, 3)).tolist() == [8, 16, 16, 24]
    # Contagion matters; nobody quits, so every trainee is in post when training starts.
    params = cs.Params(trigger=0.02, transmission=0.4, quit_base=0, quit_strain=0)
    prog = cs.Training("deescalation", target=trainees, half_life_days=1e9)
    arms = {
        "baseline": cs.Scenario(org, params, days=120),
        "deescalation": cs.Scenario(org, params, days=120, programmes=[prog]),
    }
    cmp = cs.compare(arms, replicates=100, seed=1)
    paired = cmp.paired
    assert (cmp.runs["deescalation"].trained == np.isin(org.ids, trainees)).all()

    def assert_falls(col):  # mean paired change below 0 by more than 4.5 standard errors
        d = paired[col].to_numpy()
        se = d.std(ddof=1) / np.sqrt(d.size)
        assert d.mean() + 4.5 * se < 0, f"{col}: mean change {d.mean():.1f}, se {se:.2f}"

    assert_falls("conflicts")  # the trainees and those who meet them
    # Spillover: colleagues who never meet a trainee have fewer conflicts (about 12
    # standard errors below no change), all of them with other untrained colleagues.
    assert_falls("conflicts_among_untrained_d2")
    # No path to a trainee, no change at all: exactly 0 in every replicate.
    far = paired["conflicts_among_untrained_d3plus"]
    assert (far == 0).all(), f"change at distance 3+: {far.tolist()[:5]}"
    base = cmp.table.set_index("outcome").loc["conflicts_among_untrained_d3plus", "baseline_mean"]
    assert base > 100  # ...though they have plenty of conflict
    # The classes split the untrained exactly.
    classes = paired[[f"conflicts_among_untrained_{c}" for c in ("d1", "d2", "d3plus")]]
    assert (classes.sum(axis=1) == paired["conflicts_among_untrained"]).all()


def test_compare_refuses_bad_arms(small_org):
    scn = cs.Scenario(small_org, days=10)
    with pytest.raises(ValueError, match="at least two arms"):
        cs.compare({"only": scn})
    with pytest.raises(ValueError, match="runs 20 days"):
        cs.compare({"a": scn, "b": scn.with_(days=20)})
    with pytest.raises(ValueError, match="replicates"):
        cs.compare({"a": scn, "b": scn}, replicates=1)


def test_compare_refuses_another_organisation_of_the_same_size():
    # Common random numbers pair employee i and tie e of one arm with those of the other:
    # an organisation of the same size but other ties would pair strangers.
    org = cs.Organisation.generate(40, "office", seed=1)
    other = cs.Organisation.generate(40, "office", seed=2)
    assert other.size == org.size and other.n_edges != org.n_edges
    scn = cs.Scenario(org, days=10)
    with pytest.raises(ValueError, match=r"arm 'b' .*different organisation .*other ties"):
        cs.compare({"a": scn, "b": cs.Scenario(other, days=10)}, replicates=2)
    renamed = cs.Organisation(**{**vars(org), "ids": np.array([f"x{i}" for i in range(40)])})
    with pytest.raises(ValueError, match="other people: 40 employees each"):
        cs.compare({"a": scn, "b": cs.Scenario(renamed, days=10)}, replicates=2)
    slower = cs.Organisation(**{**vars(org), "edge_prob": org.edge_prob * 0.5})
    with pytest.raises(ValueError, match="other daily chances"):
        cs.compare({"a": scn, "b": cs.Scenario(slower, days=10)}, replicates=2)
    # The same organisation built again (equal in everything the simulation reads) is fine.
    again = cs.Organisation.generate(40, "office", seed=1)
    table = cs.compare({"a": scn, "b": cs.Scenario(again, days=10)}, replicates=2).table
    table = table.set_index("outcome")["mean"]
    assert np.isnan(table["roi"])  # no training, no ROI
    # Nobody trained: nobody is 1 or 2 ties from a trainee (NaN), everything else is 0.
    empty = ["conflicts_among_untrained_d1", "conflicts_among_untrained_d2"]
    assert table[empty].isna().all()
    assert (table.drop(["roi", *empty]) == 0).all()


def test_break_even_on_known_numbers():
    # The first arm: 40 and 50 conflicts costing 5000 and 6000 (100 a conflict on
    # average, 11000 / 90 = 122.2). The arm spends 250 and 200 more on training: it pays
    # for itself once it avoids 225 / 122.2 = 1.84 conflicts, 1.84 / 45 of them.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    scenarios = {"baseline": cs.Scenario(org, days=10), "arm": cs.Scenario(org, days=10)}
    base = {"conflicts": [40, 50], "cost_conflict": [5000.0, 6000.0],
            "cost_training": [0.0, 100.0]}  # fmt: skip
    arm = {"conflicts": [30, 47], "cost_conflict": [4000.0, 5400.0],
           "cost_training": [250.0, 300.0]}  # fmt: skip
    runs = {"baseline": fabricated(base, [[4, 6, 2], [5, 5, 5]]),
            "arm": fabricated(arm, [[3, 6, 1], [5, 4, 6]])}  # fmt: skip
    b = Comparison(scenarios, runs).break_even.set_index("arm").loc["arm"]
    value = 11000 / 90
    assert b["cost"] == 225 and b["value_per_conflict"] == pytest.approx(value)
    assert b["conflicts"] == pytest.approx(225 / value)
    assert b["share"] == pytest.approx(225 / value / 45)
    assert b["expected"] == 6.5 and b["expected_share"] == pytest.approx(6.5 / 45)
    # Shares of each replicate's own conflicts: 10/40 and 3/50.
    lo, hi = np.quantile([10 / 40, 3 / 50], [0.05, 0.95])
    assert (b["ui_low"], b["ui_high"]) == pytest.approx((lo, hi))
