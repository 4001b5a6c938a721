"""The names promised to users in shared/INTERFACE.md, called exactly as written there."""

import networkx as nx

import conflictsim as cs
from conflictsim.cli import build_parser


def test_python_interface(tmp_path):
    org = cs.Organisation.generate(size=120, preset="office", seed=1)
    for preset in ("office", "call_centre", "hospital_ward", "school"):
        assert cs.Organisation.generate(size=30, preset=preset, seed=1).size == 30
    (tmp_path / "org.csv").write_text(
        "employee_id,manager_id,team\nA,,t1\nB,A,t1\nC,A,t2\n", encoding="utf-8"
    )
    (tmp_path / "edges.csv").write_text("source,target\nA,B\nB,C\n", encoding="utf-8")
    assert cs.Organisation.from_csv(tmp_path / "org.csv", edges=tmp_path / "edges.csv").size == 3
    assert cs.Organisation.from_graph(nx.path_graph(4), contact_prob=1.0).size == 4
    frame = org.to_frame()
    assert {"id", "team", "department", "manager", "is_manager", "customer_facing"} <= set(
        frame.columns
    )

    params = cs.Params(transmission=0.1, recovery=0.3)
    assert cs.Params.sis(transmission=0.05, recovery=0.1).trigger == 0
    prog = cs.Training("active_listening", target="managers", coverage=0.3, start_day=0)
    scn = cs.Scenario(org=org, params=params, programmes=[prog], days=30, initial_upset=0.02)

    model = cs.ConflictModel(scn, rng=42)
    model.run_for(30)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 31 and {"upset", "conflicts"} <= set(df.columns)

    res = cs.simulate(scn, replicates=5, seed=1)
    assert list(res.daily.columns[:10]) == [
        "replicate", "day", "upset", "conflicts", "conflicts_minor", "conflicts_major",
        "conflicts_critical", "absent", "quits", "conflict_hours",
    ]  # fmt: skip
    assert (res.daily["day"].min(), len(res.summary)) == (0, 5)
    assert {
        "conflicts", "conflicts_minor", "conflicts_major", "conflicts_critical",
        "conflict_hours", "absent_days", "quits", "trained", "cost_conflict", "cost_training",
    } <= set(res.summary.columns)  # fmt: skip

    scn0 = cs.Scenario(org=org, params=params, days=30)
    cmp = cs.compare({"baseline": scn0, "listening": scn}, replicates=4, seed=1)
    assert list(cmp.table.columns[:5]) == ["arm", "outcome", "mean", "ci_low", "ci_high"]
    assert {
        "net_benefit", "roi", "conflicts_with_trained", "conflicts_among_untrained",
        "conflicts_among_untrained_d1", "conflicts_among_untrained_d2",
        "conflicts_among_untrained_d3plus", "conflicts_untrained", "ui_low", "ui_high",
    } <= set(cmp.table["outcome"]) | set(cmp.table.columns)  # fmt: skip
    assert not any(o.startswith("conflicts_untrained_d") for o in cmp.table["outcome"])
    assert {"arm", "distance", "people", "change_per_person", "ci_low", "ci_high"} <= set(
        cmp.ripple.columns
    )


def test_command_line_interface():
    parser = build_parser()
    for argv in (
        ["simulate", "--preset", "school", "--size", "50", "--days", "10", "--seed", "3"],
        ["run", "EXPERIMENT.toml", "--out", "DIR", "--workers", "2", "--resume"],
        ["run", "EXPERIMENT.toml", "--out", "DIR", "--scheduler", "tcp://127.0.0.1:8786"],
        ["compare", "DIR"],
        ["report", "DIR"],
        ["sensitivity", "EXPERIMENT.toml", "--out", "DIR"],
        ["check-org", "ORG.csv", "--edges", "EDGES.csv"],
        ["dashboard", "--port", "8600"],
    ):
        args = parser.parse_args(argv)
        assert args.command == argv[0]


def test_v3_interface_of_trust_and_the_best_plan():
    # INTERFACE.md v3, as written there (smaller numbers, so the test is quick).
    t = cs.trials()
    assert {"name", "programme", "setting", "design", "outcome", "estimate", "low", "high",
            "how", "source"} <= set(t.columns)  # fmt: skip
    org = cs.Organisation.generate(size=60, preset="office", seed=1)
    scn = cs.Scenario(org=org, days=60)
    cmp = cs.compare(
        {"baseline": scn, "de": scn.with_(programmes=[cs.Training("deescalation")])},
        replicates=3,
        seed=1,
    )
    assert {"cost_cash", "cost_time", "net_benefit_cash"} <= set(cmp.table["outcome"])
    assert {"arm", "conflicts", "share"} <= set(cmp.break_even.columns)
    plans = cs.best_plans(scn, budget=20000, calibration=None, evidence="central", worlds=6, seed=1)
    assert list(plans.table.columns[:2]) == ["plan", "programmes"]
    assert {"cost", "net_benefit", "ui_low", "ui_high", "p_pays", "p_best", "regret",
            "break_even"} <= set(plans.table.columns)  # fmt: skip
    assert plans.table["net_benefit"].is_monotonic_decreasing  # best first
    assert all(isinstance(p, cs.Training) for p in plans.best)
    assert {"plan", "cost", "conflicts_avoided"} <= set(plans.frontier.columns)
    args = build_parser().parse_args(["plan", "--budget", "20000", "--preset", "office"])
    assert args.command == "plan" and args.budget == 20000
