"""conflictsim.planner: options, evidence settings, links, headline figures, summary, spread."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim import planner
from conflictsim.params import REGISTRY
from conflictsim.planner import Option, Plan
from conflictsim.training import KINDS

SMALL = dict(size=40, days=30, replicates=3)


@pytest.fixture(scope="module")
def small():
    plan = Plan(**SMALL)
    org = planner.build_org(plan)
    return plan, org, planner.evaluate(plan, org)


# ---------------------------------------------------------------------------- evidence
def test_central_evidence_is_the_calibrated_default():
    params = Plan().params
    assert params == cs.Params()


@pytest.mark.parametrize("lever", planner.LEVERS, ids=lambda lever: lever.name)
def test_evidence_settings_move_each_lever_to_an_end_of_its_plausible_range(lever):
    spec = REGISTRY[lever.name]
    lo, hi = spec.sweep_range
    cautious, central, optimistic = (
        planner.evidence_params(s)[lever.name] for s in planner.EVIDENCE
    )
    assert central == spec.default
    assert {cautious, optimistic} == {lo, hi}
    # Optimistic is the end where training works better.
    assert (optimistic > cautious) == (lever.direction > 0)


def test_evidence_settings_leave_the_size_of_the_problem_alone():
    levers = {lever.name for lever in planner.LEVERS}
    for setting in planner.EVIDENCE:
        params = Plan(evidence=setting).params
        for name, spec in REGISTRY.items():
            if name not in levers:
                assert params[name] == spec.default, (setting, name)
    assert "transmission" not in levers and "trigger" not in levers and "wage" not in levers


def test_evidence_settings_scale_programme_effects_and_half_life():
    option = Option("deescalation", "managers")
    t = {s: option.training(s) for s in planner.EVIDENCE}
    kind = KINDS["deescalation"]
    assert t["central"].effect_listening == kind.listening_d
    assert t["cautious"].effect_listening == pytest.approx(0.5 * kind.listening_d)
    assert t["optimistic"].effect_regulation == pytest.approx(1.5 * kind.regulation_d)
    assert (
        t["cautious"].half_life_days < t["central"].half_life_days < t["optimistic"].half_life_days
    )
    # Tatel & Ackerman 2025: half the gain gone after about 6.5-13 months.
    assert t["cautious"].half_life_days == pytest.approx(6.5 * planner.MONTH_DAYS, rel=0.05)
    assert t["optimistic"].half_life_days == pytest.approx(13 * planner.MONTH_DAYS, rel=0.05)


def test_evidence_table_lists_every_lever_and_the_programme_settings():
    table = planner.evidence_table()
    assert {lever.name for lever in planner.LEVERS} <= set(table["what"])
    assert len(table) == len(planner.LEVERS) + 2
    assert (table["cautious"] <= table["optimistic"]).all()


def test_unknown_evidence_setting_is_refused():
    with pytest.raises(ValueError, match="evidence setting 'hopeful'"):
        Plan(evidence="hopeful")


# ---------------------------------------------------------------------------- options
def test_option_becomes_a_training_programme():
    t = Option("active_listening", "customer_facing", "budget", 20000, 3, 6).training()
    assert (t.kind, t.target, t.budget, t.coverage, t.headcount) == (
        "active_listening",
        "customer_facing",
        20000,
        None,
        None,
    )
    assert t.start_day == round(3 * planner.MONTH_DAYS)
    assert t.refresher_days == round(6 * planner.MONTH_DAYS)
    t = Option("deescalation", "random", "headcount", 7).training()
    assert t.headcount == 7 and t.refresher_days is None and t.start_day == 0


def test_hotspots_start_after_a_lead_in():
    option = Option("deescalation", "hotspots", "coverage", 0.2)
    assert option.start_day == planner.HOTSPOT_LEAD_IN_DAYS
    assert "to find the hot teams" in option.when_text()
    option.training()  # Training refuses hotspots on day 0; the planner never asks for it


@pytest.mark.parametrize(
    "option",
    [
        Option(),
        Option("emotional_regulation", "central", "coverage", 0.125, 6, 12),
        Option("active_listening", "whole_teams", "budget", 12345.5, 1, 0),
        Option("deescalation", "hotspots", "headcount", 9, 0, 6),
    ],
)
def test_option_text_round_trip(option):
    assert Option.from_text(option.to_text()) == option


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("deescalation.managers", "should read programme.target"),
        ("yoga.managers.c50.m0.r0", "unknown programme 'yoga'"),
        ("deescalation.everyone.c50.m0.r0", "unknown target 'everyone'"),
        ("deescalation.managers.x50.m0.r0", "should start with c, n or b"),
        ("deescalation.managers.cfifty.m0.r0", "'fifty' is not a number"),
        ("deescalation.managers.c150.m0.r0", "at most 100%"),
        ("deescalation.managers.n2.5.m0.r0", "whole number"),
        ("deescalation.managers.c50.soon.r0", "the start should read"),
        ("deescalation.managers.c50.m0.rx", "refreshers should read"),
    ],
)
def test_option_text_errors_say_what_is_wrong(text, message):
    with pytest.raises(ValueError, match=message):
        Option.from_text(text)


def test_option_words():
    o = Option("deescalation", "managers", "coverage", 0.5, 3, 12)
    assert o.short() == "De-escalation · managers · 50%"
    assert o.when_text() == "starting after 3 months, a refresher every 12 months"
    assert Option(amount="budget", value=20000).amount_text() == "budget 20,000"
    assert Option(amount="headcount", value=4).amount_text() == "4 people"


# ---------------------------------------------------------------------------- plans
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"org": "factory"}, "unknown organisation 'factory'"),
        ({"size": 5}, "size must be a whole number from 20"),
        ({"days": 2.5}, "days must be a whole number"),
        ({"replicates": 1}, "replicates must be a whole number from 2"),
        ({"options": ()}, "compare 1 to 4 options"),
        ({"options": (Option(),) * 5}, "compare 1 to 4 options"),
        ({"days": 60, "options": (Option(start_month=6),)}, "option A starts after the end"),
        ({"overrides": (("transmission", 2.0),)}, "'transmission' = 2.0 is out of range"),
        ({"overrides": (("contagion", 0.1),)}, "unknown parameter 'contagion'"),
    ],
)
def test_plan_refuses_what_cannot_be_simulated(changes, message):
    with pytest.raises(ValueError, match=message):
        Plan(**changes)


def test_overrides_win_over_the_evidence_setting():
    plan = Plan(evidence="optimistic").with_override("responder_success", 0.05)
    assert plan.params.responder_success == 0.05
    assert plan.params.listening_calm == REGISTRY["listening_calm"].sweep_range[1]
    # Setting a value back to the evidence setting's is no change at all.
    assert plan.with_override("responder_success", 0.4).overrides == ()
    assert plan.with_override("responder_success", None).overrides == ()


def test_link_round_trip_reproduces_the_plan():
    plan = Plan(
        org="call_centre",
        size=350,
        days=500,
        options=(
            Option("emotional_regulation", "customer_facing", "budget", 15000, 1, 6),
            Option("deescalation", "central", "coverage", 0.2),
            Option("active_listening", "whole_teams", "headcount", 24, 3, 12),
        ),
        evidence="cautious",
        overrides=(("wage", 42.5), ("transmission", 0.1)),
        replicates=100,
        seed=7,
    )
    query = plan.to_query()
    assert all(isinstance(v, str) for v in query.values())
    again, problems = Plan.from_query(query)
    assert problems == [] and again == plan
    assert Plan.from_key(plan.key()) == plan
    assert plan.link("http://127.0.0.1:8501/?old=1").startswith("http://127.0.0.1:8501/?")
    assert Plan.from_query({})[0] == Plan()


def test_a_damaged_link_still_opens_and_says_what_was_not_read():
    plan, problems = Plan.from_query(
        {
            "org": "school",
            "size": "lots",
            "days": ["125", "250"],  # repeated: the last one counts
            "ev": "optimistic",
            "o1": "deescalation.managers.c50.m0.r0",
            "o2": "nonsense",
            "p.wage": "40",
            "p.transmission": "9",
        }
    )
    assert (plan.org, plan.size, plan.days, plan.evidence) == ("school", 200, 250, "optimistic")
    assert plan.options == (Option("deescalation", "managers", "coverage", 0.5),)
    assert plan.overrides == (("wage", 40.0),)
    assert len(problems) == 3
    assert any(p.startswith("size:") for p in problems)
    assert any(p.startswith("option 2:") for p in problems)
    assert any("transmission" in p for p in problems)


def test_arms_are_no_training_then_each_option():
    plan = Plan(size=60, options=(Option(), Option("active_listening", "random", "headcount", 5)))
    org = planner.build_org(plan)
    arms = plan.arms(org)
    assert list(arms) == [
        "No training",
        "A. De-escalation · managers · 50%",
        "B. Active listening · anyone · 5 people",
    ]
    assert arms["No training"].programmes == ()
    assert arms["B. Active listening · anyone · 5 people"].programmes[0].headcount == 5
    assert all(s.org is org and s.days == plan.days for s in arms.values())


def test_an_option_that_does_not_fit_names_the_option():
    plan = Plan(size=40, options=(Option(), Option(amount="headcount", value=500)))
    org = planner.build_org(plan)
    with pytest.raises(ValueError, match="option B: headcount 500 is more than"):
        plan.arms(org)
    with pytest.raises(ValueError, match="option B"):
        planner.option_preview(plan, org, 1)
    assert planner.option_preview(plan, org, 0).startswith("Trains ")


def test_uploaded_organisation_must_be_given():
    plan = Plan(org=planner.UPLOADED)
    with pytest.raises(ValueError, match="upload the org chart"):
        planner.build_org(plan)
    org = cs.Organisation.generate(30, "school", seed=1)
    assert planner.build_org(plan, org) is org
    assert "size" not in plan.to_query()


def test_describe_in_words():
    assert Plan().describe().startswith("An office of 200 employees, over 1 year, central")
    assert "40 simulated years per option" in Plan().describe()
    assert "six-month periods" in Plan(days=125).describe()


def test_plans_pickle_without_their_parameters():
    plan = Plan(overrides=(("wage", 50.0),))
    assert pickle.loads(pickle.dumps(plan)) == plan


# ---------------------------------------------------------------------------- numbers
@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.123, "0.12"),
        (7.25, "7.2"),
        (42.6, "43"),
        (525.5, "530"),
        (213837, "210,000"),
        (-3748.2, "-3,700"),
        (float("nan"), "n/a"),
    ],
)
def test_numbers_are_rounded_to_what_the_simulation_supports(value, text):
    assert planner.fmt_number(value) == text


def test_percent_and_in_n():
    assert planner.fmt_percent(0.1234) == "12%"
    assert planner.fmt_percent(0.004) == "0.4%"
    assert planner.fmt_percent(14.68) == "1,468%"
    assert planner.in_n(0.875, 40) == "35 of 40"
    assert planner.in_n(0.5 / 6, 6) == "0.5 of 6"  # one tie in six
    assert planner.in_n(float("nan"), 6) == "n/a"
    assert planner.fmt_number(20000, exact=True) == "20,000"


# ---------------------------------------------------------------------------- results
def test_headlines_follow_the_comparison_table(small):
    plan, org, res = small
    table = res.table
    assert list(res.headlines["option"]) == ["A", "B"]
    for row in res.headlines.itertuples():
        t = table[table["arm"] == row.arm].set_index("outcome")
        assert row.conflicts_avoided == pytest.approx(-t.loc["conflicts", "mean"])
        assert row.conflicts_avoided_low == pytest.approx(-t.loc["conflicts", "ci_high"])
        assert row.hours_saved == pytest.approx(-t.loc["conflict_hours", "mean"])
        assert row.net_benefit == pytest.approx(t.loc["net_benefit", "mean"])
        assert row.p_pays == t.loc["net_benefit", "p_better"]
        assert row.trained == t.loc["trained", "arm_mean"]
        assert row.conflicts_avoided_low <= row.conflicts_avoided <= row.conflicts_avoided_high
        assert row.net_benefit == pytest.approx(row.cost_avoided - row.cost_training)
        assert f"Option {row.option} trains" in row.sentence
        assert planner.fmt_number(row.conflicts_avoided) in row.sentence
    assert "sentence" not in planner.headline_csv(res)


def test_arms_run_one_by_one_give_the_same_table_as_one_compare(small):
    plan, org, res = small
    cmp = cs.compare(plan.arms(org), replicates=plan.replicates, seed=plan.seed)
    pd.testing.assert_frame_equal(res.table, cmp.table)


def test_arm_keys_change_only_with_what_the_arm_simulates():
    plan = Plan()
    keys = plan.arm_keys()
    assert len(keys) == 3 and len(set(keys)) == 3
    # Changing option B leaves no training and option A as they were.
    other = plan.with_option(1, programme="emotional_regulation")
    assert other.arm_keys()[:2] == keys[:2] and other.arm_keys()[2] != keys[2]
    # The same option in another slot is the same arm.
    swapped = plan.with_(options=plan.options[::-1])
    assert set(swapped.arm_keys()) == set(keys)
    # Anything that changes every arm changes every key.
    for changed in (
        plan.with_(days=125),
        plan.with_(evidence="cautious"),
        plan.with_override("wage", 50),
        plan.with_(replicates=41),
        plan.with_(seed=2),
        plan.with_(org="school"),
    ):
        assert not set(changed.arm_keys()) & set(keys)


def test_evaluate_asks_the_runner_for_each_arm_by_key(small):
    plan, org, res = small
    asked = []

    def runner(key, scenario):
        asked.append(key)
        return planner.run_arm(scenario, plan.replicates, plan.seed)

    again = planner.evaluate(plan, org, runner=runner)
    assert asked == plan.arm_keys()
    pd.testing.assert_frame_equal(again.headlines, res.headlines)


def test_trajectory_bands_and_weeks(small):
    plan, _, res = small
    traj = res.trajectory
    assert list(traj["arm"].unique()) == plan.arm_names()
    assert traj.groupby("arm").size().eq(math.ceil(plan.days / planner.WEEK_DAYS)).all()
    assert (traj["low"] <= traj["mean"] + 1e-9).all() and (
        traj["mean"] <= traj["high"] + 1e-9
    ).all()


def test_weekly_totals_add_up_to_the_conflicts_of_each_replicate(small):
    plan, org, _ = small
    cmp = cs.compare(plan.arms(org), replicates=plan.replicates, seed=plan.seed)
    for arm in cmp.arms:
        weekly = planner._weekly(cmp.runs[arm].daily)
        np.testing.assert_allclose(weekly.sum(axis=1), cmp.runs[arm].summary["conflicts"])


def test_severity_adds_up_to_all_conflicts(small):
    _, _, res = small
    sev = res.severity.groupby("arm", sort=False)["mean"].sum()
    for arm, total in sev.items():
        if arm == planner.BASELINE:
            continue
        conflicts = res.table[(res.table["arm"] == arm) & (res.table["outcome"] == "conflicts")]
        assert total == pytest.approx(conflicts["arm_mean"].iloc[0])
    base = res.severity[res.severity["arm"] == planner.BASELINE]
    assert base["avoided"].isna().all()


def test_ripple_percentages(small):
    _, _, res = small
    rip = res.ripple
    assert set(rip["distance"]) == set(planner.RIPPLE_LABELS.values())
    ok = rip["baseline"] > 0
    np.testing.assert_allclose(
        rip.loc[ok, "fewer_pct"], 100 * rip.loc[ok, "fewer"] / rip.loc[ok, "baseline"]
    )


def test_ripple_for_chart_leaves_out_distances_nobody_is_at():
    rip = pd.DataFrame(
        {
            "arm": ["A", "A", "A"],
            "distance": list(planner.RIPPLE_LABELS.values()),
            "baseline": [10.0, 0.0, 0.0],
        }
    )
    shown, note = planner.ripple_for_chart(rip)
    assert len(shown) == 1 and "within one step of a trainee" in note
    shown, note = planner.ripple_for_chart(rip.assign(baseline=1.0))
    assert len(shown) == 3 and note == ""


def test_sentences_say_when_nobody_is_trained_and_when_the_interval_includes_zero():
    row = {"option": "C", "trained": 0, "replicates": 100}
    assert "trains nobody" in planner.headline_sentence(row, 250)
    row = dict(
        option="A",
        trained=10,
        cost_training=5000,
        conflicts_avoided=3,
        conflicts_avoided_low=-4,
        conflicts_avoided_high=10,
        conflicts_avoided_pct=0.01,
        conflicts_baseline=300,
        hours_saved=10,
        p_fewer_conflicts=0.6,
        net_benefit=-1200,
        net_benefit_low=-5000,
        net_benefit_high=2600,
        p_pays=0.3,
        replicates=100,
    )
    text = planner.headline_sentence(row, 250)
    assert "cannot tell this option apart from no training" in text
    assert "a net cost of 1,200" in text
    assert "In 60 of 100 simulated years" in text


def test_summary_is_one_self_contained_page(small):
    plan, org, res = small
    page = planner.summary_html(
        res, link="http://127.0.0.1:8501/?a=1&b=2", org_text="<script>x</script> Acme"
    )
    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "a=1&amp;b=2" in page
    for row in res.headlines.itertuples():
        assert planner.fmt_number(row.conflicts_avoided) in page
        assert row.programme in page
    assert "Evidence setting: <b>central</b>" in page
    assert "http" not in page.replace("http://127.0.0.1:8501/?a=1&amp;b=2", "")


def test_results_pickle_for_the_cache(small):
    _, _, res = small
    again = pickle.loads(pickle.dumps(res))
    assert again.plan == res.plan
    assert again.headlines.equals(res.headlines)


# ---------------------------------------------------------------------------- spread
def test_spread_records_every_employee_every_day():
    plan = Plan(size=50, days=40, replicates=2)
    org = planner.build_org(plan)
    sp = planner.spread(plan, org, arm=1, replicate=0)
    assert sp.state.shape == sp.trained.shape == (41, 50)
    assert set(np.unique(sp.state)) <= set(planner.STATES)
    # The upset dots are the upset employees who are at work.
    assert ((sp.state == 1).sum(axis=1) <= sp.daily["upset"].to_numpy()).all()
    # Trainees stay marked once trained; managers are the target here.
    assert (np.diff(sp.trained.astype(int), axis=0) >= 0).all()
    assert sp.trained[-1].sum() == sp.trained[1].sum() > 0
    assert set(np.flatnonzero(sp.trained[-1])) <= set(np.flatnonzero(org.is_manager))
    # Each conflict counts once in each party's team.
    assert sp.team_weekly["conflicts"].sum() == 2 * sp.daily["conflicts"].iloc[1:].sum()
    assert sp.arm == plan.arm_names()[1]
    frame = sp.frame(every=10)
    assert list(frame.columns) == ["day", "employee_id", "team", "state", "trained"]
    assert len(frame) == 5 * 50
    with pytest.raises(ValueError, match="arm must be from 0 to 2"):
        planner.spread(plan, org, arm=3)


def test_team_layout_puts_teams_apart_and_managers_in_the_middle():
    org = cs.Organisation.generate(size=64, preset="office", seed=2)
    pos = planner.team_layout(org)
    assert pos.shape == (64, 2) and np.isfinite(pos).all()
    assert len({tuple(p) for p in np.round(pos, 6)}) == 64
    for t in range(len(org.team_names)):
        members = np.flatnonzero(org.team == t)
        centre = pos[members].mean(axis=0)
        assert np.abs(pos[members] - centre).max() < 0.5
