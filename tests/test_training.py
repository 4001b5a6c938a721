"""Training programmes: targeting, coverage, budgets, decay, refreshers and responders."""

import math

import networkx as nx
import numpy as np
import pytest
from conftest import assert_mean_close, from_start, quiet, run_mesa, with_traits

import conflictsim as cs
from conflictsim.training import TrainingError, priority

# Three teams. Managers: a0 (heads everything), b0, c0. Customer-facing: a2, b1, b2, c3.
ORG_CSV = """employee_id,manager_id,team,customer_facing
a0,,A,no
a1,a0,A,no
a2,a0,A,yes
a3,a0,A,no
b0,a0,B,no
b1,b0,B,yes
b2,b0,B,yes
c0,a0,C,no
c1,c0,C,no
c2,c0,C,no
c3,c0,C,yes
c4,c0,C,no
"""
# Extra ties make b1 the best-connected employee.
EDGES_CSV = """source,target
a0,a1
a0,a2
a0,a3
a1,a2
a1,a3
a2,a3
a0,b0
a0,c0
b0,b1
b0,b2
b1,b2
b1,c1
b1,c2
b1,c3
b1,a1
b1,a3
c0,c1
c0,c2
c0,c3
c0,c4
c1,c2
c3,c4
"""


@pytest.fixture(scope="module")
def org():
    return cs.Organisation.parse_csv(ORG_CSV, "hand.csv", EDGES_CSV, "hand_edges.csv")


def ids(org, indices):
    return sorted(org.ids[np.asarray(indices, dtype=int)].tolist())


def chosen(org, prog, seed=0, team_conflicts=None, days=250):
    waves = prog.select(org, cs.Params(), days, np.random.default_rng(seed), team_conflicts)
    return ids(org, np.concatenate(waves)) if waves else []


def test_managers_and_customer_facing_targets(org):
    assert chosen(org, cs.Training("deescalation", target="managers")) == ["a0", "b0", "c0"]
    two = chosen(org, cs.Training("deescalation", target="managers", coverage=2 / 3))
    assert len(two) == 2 and set(two) <= {"a0", "b0", "c0"}
    cf = chosen(org, cs.Training("active_listening", target="customer_facing", headcount=4))
    assert cf == ["a2", "b1", "b2", "c3"]


def test_central_targets_the_best_connected(org):
    top = chosen(org, cs.Training("deescalation", target="best_connected", headcount=1))
    assert top == ["b1"]  # 7 ties
    assert org.degree[org.index_of(["b1", "a0", "c0"])].tolist() == [7, 5, 5]
    seen = {
        tuple(chosen(org, cs.Training("deescalation", target="central", headcount=2), seed=s))
        for s in range(30)
    }
    assert seen == {("a0", "b1"), ("b1", "c0")}  # a0 and c0 tie: broken at random
    btw = chosen(
        org, cs.Training("deescalation", target="central", centrality="betweenness", headcount=1)
    )
    g = org.to_graph()
    best = max(nx.betweenness_centrality(g).items(), key=lambda kv: kv[1])[0]
    assert btw == [best]


def test_hotspots_train_the_teams_with_most_conflict(org):
    prog = cs.Training("deescalation", target="hotspots", headcount=5, start_day=30)
    # Teams A, B, C: C had most conflict, then B.
    picked = chosen(org, prog, team_conflicts=np.array([1, 8, 20]))
    assert picked == ["c0", "c1", "c2", "c3", "c4"]
    picked = chosen(org, prog.__class__(**{**_fields(prog), "headcount": 8}),
                    team_conflicts=np.array([1, 8, 20]))  # fmt: skip
    assert picked == sorted(["c0", "c1", "c2", "c3", "c4", "b0", "b1", "b2"])
    with pytest.raises(ValueError, match="hotspots"):
        cs.Training("deescalation", target="hotspots")


def _fields(prog):
    return {
        k: getattr(prog, k)
        for k in ("kind", "target", "coverage", "headcount", "budget", "start_day", "waves")
    }


def test_whole_teams_keep_teams_together(org):
    for seed in range(10):
        order = priority(cs.Training("deescalation", target="whole_teams"), org,
                         np.random.default_rng(seed))  # fmt: skip
        teams = org.team[order]
        # Each team appears as one contiguous block.
        changes = np.count_nonzero(np.diff(teams))
        assert changes == len(org.team_names) - 1


def test_random_target_coverage_and_explicit_list(org):
    half = chosen(org, cs.Training("active_listening", coverage=0.5), seed=3)
    assert len(half) == 6 and len(set(half)) == 6
    assert half == chosen(org, cs.Training("emotional_regulation", coverage=0.5), seed=3)
    listed = chosen(org, cs.Training("deescalation", target=["c4", "a1"]))
    assert listed == ["a1", "c4"]
    with pytest.raises(ValueError, match="unknown employee id 'zz'"):
        from_start(org, programmes=[cs.Training("deescalation", target=["zz"])])


def test_headcount_and_coverage_rules(org):
    assert len(chosen(org, cs.Training("deescalation", headcount=7))) == 7
    with pytest.raises(ValueError, match="headcount 4 is more than the 3 people"):
        from_start(org, programmes=[cs.Training("deescalation", target="managers", headcount=4)])
    with pytest.raises(ValueError, match="one of coverage, headcount or budget"):
        cs.Training("deescalation", coverage=0.5, headcount=3)
    with pytest.raises(ValueError, match="coverage"):
        cs.Training("deescalation", coverage=1.5)
    with pytest.raises(ValueError, match="unknown programme kind 'yoga'"):
        cs.Training("yoga")
    with pytest.raises(ValueError, match="unknown target 'interns'"):
        cs.Training("deescalation", target="interns")
    with pytest.raises(ValueError, match="after the 10-day horizon"):
        from_start(org, days=10, programmes=[cs.Training("deescalation", start_day=10)])


@pytest.mark.parametrize("refresher, waves", [(None, 1), (60, 1), (60, 3), (100, 2)])
def test_budget_is_never_exceeded_and_is_used(org, refresher, waves):
    params, days = cs.Params(), 250
    prog0 = cs.Training("deescalation", refresher_days=refresher, waves=waves, wave_interval=40)
    unit = prog0.session_cost(params)
    assert unit == pytest.approx(350 + 7.5 * params.wage)
    for budget in (0, unit * 2.5, unit * 7, unit * 19.9, 1e9):
        prog = cs.Training("deescalation", budget=budget, refresher_days=refresher,
                           waves=waves, wave_interval=40)  # fmt: skip
        n = prog.planned_headcount(org, params, days)
        assert prog.planned_cost(org, params, days) <= budget + 1e-6
        if n < org.size:  # one more trainee would not fit
            more = cs.Training("deescalation", headcount=n + 1, refresher_days=refresher,
                               waves=waves, wave_interval=40)  # fmt: skip
            assert more.planned_cost(org, params, days) > budget
        # The run spends no more than planned.
        scn = from_start(org, params, programmes=[prog], days=days)
        model = cs.ConflictModel(scn, rng=1)
        model.run_for(days)
        assert model.cost_training <= budget + 1e-6


class RegulationLog(cs.ConflictModel):
    """The Mesa model, noting each employee's regulation as the model used it on each day.

    ``train(day)`` runs at the end of day ``day`` (and at day 0 before the first step),
    after the day's encounters, recovery and turnover and before today's sessions, so the
    traits it sees are the ones ``step`` computed for that day.
    """

    def train(self, day: int) -> None:
        if not hasattr(self, "regulation_on"):
            self.regulation_on = {}
        self.regulation_on[day] = [a.regulation for a in self.employees]
        super().train(day)


def test_latent_shift_halves_at_the_half_life_and_refreshers_restore_it():
    half_life, refresher = 50, 80
    prog = cs.Training("emotional_regulation", half_life_days=half_life, refresher_days=refresher)
    assert prog.remaining(50) == pytest.approx(0.5)
    assert prog.remaining(100) == pytest.approx(0.25)
    org = cs.Organisation.from_graph(nx.empty_graph(3))
    # Nobody quits, so nobody's training is lost; all of the skill gain shows at work.
    params = quiet(regulation_sd=2.0, skill_transfer=1.0)
    scn = from_start(org, params, programmes=[prog], days=130, initial_upset=0.0)
    model = RegulationLog(scn, rng=4)
    z0 = np.array([a.z_regulation for a in model.employees])
    shift = 0.5 * 2.0  # d times the population SD (times skill_transfer 1)

    def expected(days_since):
        return 1 / (1 + np.exp(-(z0 + shift * 0.5 ** (days_since / half_life))))

    model.run_for(130)  # no update_traits call of our own: the model's values are read
    used = {day: np.array(values) for day, values in model.regulation_on.items()}
    # Trained at the end of day 0, so day 0 ran untrained and day d (1..80) carries the
    # shift left d days after day 0: half of it on day 50.
    assert used[0] == pytest.approx(1 / (1 + np.exp(-z0)), rel=1e-12)
    for day in (1, 49, 50, 51, 80):
        assert used[day] == pytest.approx(expected(day), rel=1e-12), day
    assert used[50] == pytest.approx(1 / (1 + np.exp(-(z0 + shift / 2))), rel=1e-12)
    # Refresher at the end of day 80: full shift on day 80 + k is back to 0.5^(k / 50).
    for day in (81, 82, 130):
        assert used[day] == pytest.approx(expected(day - refresher), rel=1e-12), day
    # A day off either way would show: the trait moves by far more than the tolerance.
    for other in (49, 51):
        assert np.abs(expected(other) - expected(50)).min() > 1e-4
    # Sessions: 3 people on day 0 and again on day 80; no third session before day 130.
    assert model.sessions.tolist() == [6]
    assert model.cost_training == pytest.approx(6 * prog.session_cost(params))
    assert model.people_trained == 3


def test_waves_roll_out_on_their_days():
    org = cs.Organisation.from_graph(nx.empty_graph(9))
    prog = cs.Training("active_listening", waves=3, wave_interval=10, start_day=5)
    params = cs.Params(quit_base=0, quit_strain=0)  # nobody leaves before their wave
    scn = from_start(org, params, programmes=[prog], days=40, initial_upset=0.0)
    model = cs.ConflictModel(scn, rng=0)
    counts = []
    for _ in range(30):
        model.step()
        counts.append(model.people_trained)
    assert counts[4] == 3 and counts[14] == 6 and counts[24] == 9  # end of days 5, 15, 25
    assert counts[3] == 0 and counts[13] == 3 and counts[23] == 6


def test_quitting_trainees_lose_their_training():
    # Everyone trained at the end of day 0; nobody upset, so each draws a quit with exactly
    # q on each of days 1..days (none on day 0: quits are drawn in step 8 of a simulated
    # day). Posts refill the same day with an untrained hire, so the trained count after
    # `days` steps is Binomial(n, (1 - q)^days).
    n, q, days = 5000, 0.05, 2
    params = quiet(quit_base=q, vacancy_days=0)
    scn = from_start(cs.Organisation.from_graph(nx.empty_graph(n)), params,
                      programmes=[cs.Training("active_listening")], days=days,
                      initial_upset=0.0)  # fmt: skip
    model = cs.ConflictModel(scn, rng=0)
    assert model.people_trained == n
    model.run_for(days)
    trained_now = sum(a.trained for a in model.employees)
    assert not any(a.vacant for a in model.employees)
    p = (1 - q) ** days
    se = math.sqrt(n * p * (1 - p))
    # Training lost a day late (or quits drawn on day 0 too) would leave n (1 - q)^(days -/+ 1)
    # trained, 11.3 (10.8) standard errors from n p; training kept by a hire would leave n.
    # (quit_base is at most 0.05, and two days separate the alternatives best.)
    for wrong in ((1 - q) ** (days - 1), (1 - q) ** (days + 1)):
        assert abs(n * wrong - n * p) / se >= 10
    assert abs(trained_now - n * p) <= 4.5 * se, (trained_now, n * p, se)


def test_empty_posts_hold_no_training_and_get_no_refreshers():
    # Everyone trained on day 0, a refresher due on day 3; those who quit on days 1-3
    # leave their posts empty for the rest of the run. Only people still in post are
    # refreshed (and paid for), in both simulators.
    n, q = 400, 0.05
    params = quiet(quit_base=q, vacancy_days=500)
    prog = cs.Training("active_listening", refresher_days=3)
    scn = from_start(cs.Organisation.from_graph(nx.empty_graph(n)), params,
                      programmes=[prog], days=4, initial_upset=0.0)  # fmt: skip
    model = cs.ConflictModel(scn, rng=3)
    model.run_for(3)
    in_post = sum(not a.vacant for a in model.employees)
    assert 0 < in_post < n
    assert not any(a.trained for a in model.employees if a.vacant)
    assert model.sessions.tolist() == [n + in_post]
    res = cs.simulate(scn, replicates=3, seed=5)
    quits_1_3 = res.daily[res.daily.day.between(1, 3)].groupby("replicate")["quits"].sum()
    expected = (n + n - quits_1_3.to_numpy()) * prog.session_cost(params)
    assert res.summary["cost_training"].tolist() == pytest.approx(expected.tolist())


def test_responders_lower_severity():
    # Two upset colleagues clash every day and every clash would be major; a present
    # de-escalation trainee tied to both defuses it with responder_success.
    s = 0.4
    g = nx.Graph([(0, 1), (0, 2), (1, 2)])
    org = with_traits(cs.Organisation.from_graph(g), regulation=1e-9)
    params = quiet(clash=1.0, escalation=1.0, critical_share=0.0, responder_success=s)  # fmt: skip
    prog = cs.Training("deescalation", target=["2"], half_life_days=1e9)
    scn = from_start(org, params, programmes=[prog], days=300, initial_upset=["0", "1"])
    df = run_mesa(scn, replicates=2)
    run = df[df.day > 0]
    assert (run["conflicts"] == 1).all()
    assert_mean_close(run["conflicts_minor"], s, se=np.sqrt(s * (1 - s) / len(run)))


def test_responders_keep_the_drawn_in_colleague_composed():
    s, reps = 0.6, 400
    g = nx.Graph([(0, 1), (1, 2)])  # 0 upset, 1 composed, 2 the responder next to 1
    params = quiet(transmission=1.0, responder_success=s)
    prog = cs.Training("deescalation", target=["2"], half_life_days=1e9)
    scn = from_start(cs.Organisation.from_graph(g), params, programmes=[prog], days=1,
                      initial_upset=["0"])  # fmt: skip
    df = run_mesa(scn, replicates=reps)
    day1 = df[df.day == 1]
    assert (day1["conflicts"] == 1).all()
    # Upset at the end of day 1: 0 always, 1 unless the conflict was defused.
    assert_mean_close(day1["upset"], 1 + (1 - s), se=np.sqrt(s * (1 - s) / reps))


def test_several_programmes_add_their_shifts():
    org = cs.Organisation.from_graph(nx.empty_graph(4))
    progs = [
        cs.Training("active_listening", half_life_days=1e9),
        cs.Training("deescalation", half_life_days=1e9, start_day=3),
    ]
    scn = from_start(org, cs.Params(listening_sd=1.5), programmes=progs, days=10,
                      initial_upset=0.0)  # fmt: skip
    model = cs.ConflictModel(scn, rng=2)
    model.run_for(5)
    a = model.employees[0]
    a.update_traits(5, model.programmes)
    # Both programmes' listening d, times the SD, times the default skill_transfer.
    shift = (0.6 + 0.5) * 1.5 * 0.5
    assert a.listening == pytest.approx(1 / (1 + math.exp(-(a.z_listening + shift))))
    assert model.sessions.tolist() == [4, 4]
    assert model.cost_training == pytest.approx(
        4 * progs[0].session_cost(scn.params) + 4 * progs[1].session_cost(scn.params)
    )


def test_team_frame_counts_each_party_in_their_team():
    org = cs.Organisation.generate(60, "office", seed=1)
    model = cs.ConflictModel(from_start(org, days=15), rng=1)
    model.run_for(15)
    teams = model.team_frame()
    daily = model.daily_frame()
    per_day = teams.groupby("day")["conflicts"].sum().to_numpy()
    assert (per_day == 2 * daily["conflicts"].to_numpy()).all()


@pytest.mark.parametrize(
    "kwargs, fields",
    [
        ({"coverage": 2}, ("coverage",)),
        ({"coverage": 0.5, "budget": 10}, ("budget", "coverage")),
        ({"target": "hotspots"}, ("start_day", "target")),
        ({"lead_in_days": 0}, ("lead_in_days",)),
        ({"listening_d": "big"}, ("listening_d",)),
    ],
)
def test_training_errors_name_their_fields(kwargs, fields):
    with pytest.raises(TrainingError) as info:
        cs.Training("deescalation", **kwargs)
    assert info.value.fields == fields
    assert isinstance(info.value, ValueError)


def test_central_is_still_read_as_best_connected():
    # The rule's old name, easily taken for the evidence setting, keeps old files working.
    old = cs.Training("deescalation", target="central", headcount=3)
    assert old.target == "best_connected"
    assert old == cs.Training("deescalation", target="best_connected", headcount=3)


@pytest.mark.parametrize(
    ("interval", "refresher", "expected_days"),
    [
        (30, 50, 6),  # waves on 0 and 30; refreshers 50, 100 and 80, 130
        (50, 50, 3),  # waves on 0 and 50; 50 and 100 are both waves' days: one day each
        (30, None, 2),  # two waves, no refreshers
    ],
)
def test_a_fixed_cost_per_session_day_in_both_simulators(org, interval, refresher, expected_days):
    # Known answer: with no fee and no hours, the training costs the fixed cost of each day
    # sessions are held, and both simulators and the plan agree (nobody leaves).
    prog = cs.Training(
        "active_listening", target="managers", headcount=3, waves=2, wave_interval=interval,
        refresher_days=refresher, cost_per_trainee=0, hours_per_trainee=0,
        cost_per_session=1000,
    )  # fmt: skip
    params, days = quiet(), 150
    assert prog.planned_cost(org, params, days) == 1000 * expected_days
    scn = from_start(org, params, programmes=[prog], days=days)
    model = cs.ConflictModel(scn, rng=3)
    model.run_for(days)
    assert model.cost_training == 1000 * expected_days
    assert model.summary()["cost_cash"] == 1000 * expected_days  # a fee: cash
    res = cs.simulate(scn, replicates=2, seed=3)
    np.testing.assert_array_equal(res.summary["cost_training"], 1000 * expected_days)
    # A budget counts the session days too.
    tight = cs.Training("active_listening", target="managers", budget=1000 * expected_days - 1,
                        waves=2, wave_interval=interval, refresher_days=refresher,
                        cost_per_trainee=0, hours_per_trainee=0, cost_per_session=1000)  # fmt: skip
    assert tight.planned_headcount(org, params, days) < 2  # one trainee per wave needs them all
