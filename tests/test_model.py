"""Known-answer tests of the Mesa model: each mechanism alone against its expectation."""

import networkx as nx
import numpy as np
import pytest
from conftest import assert_mean_close, from_start, quiet, run_mesa, with_traits

import conflictsim as cs


def empty_org(n):
    return cs.Organisation.from_graph(nx.empty_graph(n))


def test_day_zero_is_recorded_and_one_row_per_day():
    org = cs.Organisation.generate(60, "office", seed=3)
    scn = from_start(org=org, days=7, initial_upset=0.1)
    model = cs.ConflictModel(scn, rng=5)
    model.run_for(7)
    df = model.datacollector.get_model_vars_dataframe()
    assert len(df) == 8
    assert df["upset"].iloc[0] == 6
    assert {"upset", "conflicts", "conflicts_minor", "absent", "quits"} <= set(df.columns)
    assert (
        df["conflicts"]
        == df[["conflicts_minor", "conflicts_major", "conflicts_critical"]].sum(axis=1)
    ).all()
    assert model.day == 7


def test_recovery_alone_decays_by_one_minus_recovery_a_day():
    n, r, days = 100, 0.2, 6
    scn = from_start(empty_org(n), quiet(recovery=r), days=days, initial_upset=1.0)
    df = run_mesa(scn, replicates=60)
    for t in range(days + 1):
        upset = df.loc[df.day == t, "upset"]
        p = (1 - r) ** t
        assert_mean_close(upset, n * p, se=np.sqrt(n * p * (1 - p) / 60))


def test_regulation_speeds_recovery():
    n, r, reg, k = 100, 0.2, 0.5, 1.0
    org = with_traits(empty_org(n), regulation=reg)
    scn = from_start(org, quiet(recovery=r, regulation_recovery=k), days=1, initial_upset=1.0)
    df = run_mesa(scn, replicates=80)
    p_stay = 1 - r * (1 + k * reg)
    assert_mean_close(
        df.loc[df.day == 1, "upset"], n * p_stay, se=np.sqrt(n * p_stay * (1 - p_stay) / 80)
    )


def test_triggers_alone_give_their_daily_rate_with_customer_multiplier_and_shield():
    n, tau, mult, shield, reg, days = 200, 0.02, 3.0, 0.5, 0.4, 10
    cf = np.arange(n) < n // 4
    org = with_traits(empty_org(n), regulation=reg, customer_facing=cf)
    params = quiet(trigger=tau, customer_multiplier=mult, regulation_shield=shield)
    scn = from_start(org, params, days=days, initial_upset=0.0)
    df = run_mesa(scn, replicates=40)
    base = tau * (1 - shield * reg)
    for t in (1, 5, 10):
        expected = cf.sum() * (1 - (1 - mult * base) ** t) + (~cf).sum() * (1 - (1 - base) ** t)
        assert_mean_close(df.loc[df.day == t, "upset"], expected)


def test_transmission_on_a_star_graph():
    leaves, beta, days, reps = 30, 0.1, 5, 80
    star = nx.star_graph(leaves)  # node 0 is the hub
    org = cs.Organisation.from_graph(star, contact_prob=1.0)
    scn = from_start(org, quiet(transmission=beta), days=days, initial_upset=["0"])
    df = run_mesa(scn, replicates=reps)
    for t in range(1, days + 1):
        p = 1 - (1 - beta) ** t
        assert_mean_close(
            df.loc[df.day == t, "upset"], 1 + leaves * p, se=np.sqrt(leaves * p * (1 - p) / reps)
        )
        # Conflicts on day t: leaves still composed at its start, each drawn in with beta.
        q = (1 - beta) ** (t - 1)
        assert_mean_close(df.loc[df.day == t, "conflicts"], leaves * q * beta)


@pytest.mark.parametrize(
    "ls, rs, lis, reg",
    [(0.9, 0.0, 0.9, 0.5), (0.0, 0.9, 0.5, 0.9), (0.6, 0.5, 0.5, 0.8)],
    ids=["listening", "regulation", "both"],
)
def test_listening_and_regulation_shield_the_composed_party(ls, rs, lis, reg):
    leaves, beta, reps = 50, 0.5, 200
    org = with_traits(
        cs.Organisation.from_graph(nx.star_graph(leaves)), regulation=reg, listening=lis
    )
    params = quiet(transmission=beta, listening_shield=ls, regulation_shield=rs)
    scn = from_start(org, params, days=1, initial_upset=["0"])
    df = run_mesa(scn, replicates=reps)
    p = beta * (1 - ls * lis) * (1 - rs * reg)
    assert_mean_close(
        df.loc[df.day == 1, "conflicts"], leaves * p, se=np.sqrt(leaves * p * (1 - p) / reps)
    )


def test_listeners_calm_an_upset_colleague():
    # The upset hub hardly listens; the composed leaves do: calming is the listener's.
    leaves, calm, lis, reps = 5, 0.2, 0.5, 400
    traits = [0.02] + [lis] * leaves
    org = with_traits(cs.Organisation.from_graph(nx.star_graph(leaves)), listening=traits)
    scn = from_start(org, quiet(listening_calm=calm), days=1, initial_upset=["0"])
    df = run_mesa(scn, replicates=reps)
    p_still = (1 - calm * lis) ** leaves
    assert_mean_close(
        df.loc[df.day == 1, "upset"], p_still, se=np.sqrt(p_still * (1 - p_still) / reps)
    )


def test_contact_probability_thins_encounters():
    leaves, beta, q, reps = 40, 0.5, 0.3, 60
    org = cs.Organisation.from_graph(nx.star_graph(leaves), contact_prob=q)
    scn = from_start(org, quiet(transmission=beta), days=1, initial_upset=["0"])
    df = run_mesa(scn, replicates=reps)
    p = q * beta
    assert_mean_close(
        df.loc[df.day == 1, "conflicts"], leaves * p, se=np.sqrt(leaves * p * (1 - p) / reps)
    )


def test_updates_are_synchronous():
    # A path 0-1-2 with certain transmission: on day 1 only 1 is drawn in; 2 reads the
    # start-of-day state of 1 (composed) and stays composed until day 2.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    scn = from_start(org, quiet(transmission=1.0), days=2, initial_upset=["0"])
    model = cs.ConflictModel(scn, rng=0)
    model.step()
    assert [a.upset for a in model.employees] == [True, True, False]
    model.step()
    assert [a.upset for a in model.employees] == [True, True, True]


def test_clash_between_two_upset_colleagues():
    org = cs.Organisation.from_graph(nx.path_graph(2))
    scn = from_start(org, quiet(clash=0.3), days=200, initial_upset=1.0)
    df = run_mesa(scn, replicates=5)
    run = df[df.day > 0]
    assert (run["upset"] == 2).all()  # a clash changes no state
    assert_mean_close(run["conflicts"], 0.3, se=np.sqrt(0.3 * 0.7 / len(run)))


def test_severity_escalation_and_critical_share():
    reg, esc, crit = 0.4, 0.5, 0.2
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=reg)
    params = quiet(clash=1.0, escalation=esc, critical_share=crit)
    scn = from_start(org, params, days=1000, initial_upset=1.0)
    df = run_mesa(scn, replicates=2)
    run = df[df.day > 0]
    assert (run["conflicts"] == 1).all()
    p_up = esc * (1 - reg)
    n = len(run)
    assert_mean_close(
        run["conflicts_major"] + run["conflicts_critical"], p_up, se=np.sqrt(p_up * (1 - p_up) / n)
    )
    p_crit = p_up * crit
    assert_mean_close(run["conflicts_critical"], p_crit, se=np.sqrt(p_crit * (1 - p_crit) / n))


def test_grievance_builds_and_decays_into_escalation():
    # A clash every day between the same pair: grievance at the start of day t is
    # sum_{j<t-1} (1-decay)^j, and escalation rises with it.
    esc, w, decay, days, reps = 0.1, 0.5, 0.2, 12, 300
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=0.0 + 1e-9)
    params = quiet(
        clash=1.0, escalation=esc, critical_share=0.0, grievance_weight=w, grievance_decay=decay
    )
    scn = from_start(org, params, days=days, initial_upset=1.0)
    df = run_mesa(scn, replicates=reps)
    for t in (1, 2, 6, 12):
        g = (1 - (1 - decay) ** (t - 1)) / decay
        p = min(1.0, esc * (1 + w * g))
        assert_mean_close(df.loc[df.day == t, "conflicts_major"], p, se=np.sqrt(p * (1 - p) / reps))


def test_grievance_raises_transmission():
    # Many separate pairs, the first of each upset on day 0: the pairs never meet, so one
    # run holds `pairs` independent replicates of a pair (each day's conflicts are a sum
    # of independent Bernoulli draws, one per pair).
    beta, w, decay, pairs = 0.3, 1.0, 0.5, 2500
    org = cs.Organisation.from_graph(nx.Graph([(2 * i, 2 * i + 1) for i in range(pairs)]))
    first = [str(2 * i) for i in range(pairs)]

    def day2_conflict_share(**on):
        params = quiet(transmission=beta, grievance_weight=w, grievance_decay=decay, **on)
        model = cs.ConflictModel(from_start(org, params, days=2, initial_upset=first), rng=7)
        model.run_for(2)
        daily = model.daily_frame()
        assert daily["conflicts"].max() <= pairs  # one tie per pair: one conflict a day
        return daily.loc[2, "conflicts"] / pairs

    # Without recovery: a conflict on day 2 needs none on day 1 (the composed one would be
    # upset), so the pair has no grievance yet: P = (1 - beta) * beta.
    p2 = (1 - beta) * beta
    assert_mean_close([day2_conflict_share()], p2, se=np.sqrt(p2 * (1 - p2) / pairs))
    # With certain recovery the roles swap after a conflict on day 1 (the first recovers,
    # the second was drawn in), and the second conflict carries the grievance of the
    # first (1 at the start of day 2): P = beta * beta * (1 + w).
    p_with = beta * min(1.0, beta * (1 + w * 1.0))
    p_without = beta * beta  # what the model would give if grievance did nothing
    se = np.sqrt(p_with * (1 - p_with) / pairs)
    # The no-grievance alternative is 11.7 standard errors away (it was 4.7 with 400 runs).
    assert abs(p_with - p_without) / se >= 10
    assert_mean_close([day2_conflict_share(recovery=1.0)], p_with, se=se)


def test_absence_rises_with_strain():
    n, base, extra, scale, days = 200, 0.02, 0.3, 4.0, 8
    params = quiet(absence_base=base, absence_strain=extra, strain_scale=scale)
    scn = from_start(empty_org(n), params, days=days, initial_upset=1.0)
    df = run_mesa(scn, replicates=20)
    for t in (1, 4, 8):
        strain = t - 1  # one more day upset each day; absence reads start-of-day strain
        p = base + extra * strain / (strain + scale)
        assert_mean_close(df.loc[df.day == t, "absent"], n * p, se=np.sqrt(n * p * (1 - p) / 20))


def test_strain_decays_while_composed():
    n, extra, scale, decay = 300, 0.5, 1.0, 0.3
    params = quiet(absence_strain=extra, strain_scale=scale, strain_decay=decay, recovery=1.0)
    scn = from_start(empty_org(n), params, days=4, initial_upset=1.0)
    df = run_mesa(scn, replicates=20)
    # Upset on day 1 (strain 1 after it), composed from then on: strain at the start of
    # day t >= 2 is (1 - decay)^(t - 2).
    for t in (2, 3, 4):
        s = (1 - decay) ** (t - 2)
        p = extra * s / (s + scale)
        assert_mean_close(df.loc[df.day == t, "absent"], n * p, se=np.sqrt(n * p * (1 - p) / 20))


def test_quits_and_vacancies():
    n, q, vacancy, days, reps = 500, 0.01, 3, 6, 30
    scn = from_start(
        empty_org(n), quiet(quit_base=q, vacancy_days=vacancy), days=days, initial_upset=0.0
    )
    rows = []
    for k in range(reps):
        model = cs.ConflictModel(scn, rng=k)
        model.run_for(days)
        rows.append(model.daily_frame())
    quits_day1 = [r.loc[1, "quits"] for r in rows]
    assert_mean_close(quits_day1, n * q, se=np.sqrt(n * q * (1 - q) / reps))
    # Posts emptied on day 1 are filled at the end of day 1 + vacancy.
    for r in rows:
        assert r.loc[1 + vacancy, "vacant"] == r.loc[2 : 1 + vacancy, "quits"].sum()


def test_quitting_strained_staff_leave_faster():
    n, qs, scale, days = 400, 0.05, 2.0, 5
    params = quiet(quit_strain=qs, strain_scale=scale, vacancy_days=500)
    scn = from_start(empty_org(n), params, days=days, initial_upset=1.0)
    df = run_mesa(scn, replicates=20)
    # Quit on day t reads start-of-day strain t-1; those still in post on day t are
    # n * prod_{k<t} (1 - p_k).
    stay = 1.0
    for t in range(1, days + 1):
        s = t - 1
        p = qs * s / (s + scale)
        assert_mean_close(df.loc[df.day == t, "quits"], n * stay * p)
        stay *= 1 - p


def test_same_seed_same_trajectory_and_different_seed_differs():
    org = cs.Organisation.generate(120, "call_centre", seed=9)
    scn = from_start(org, days=30)
    a = run_mesa(scn, replicates=1, seed=11)
    b = run_mesa(scn, replicates=1, seed=11)
    c = run_mesa(scn, replicates=1, seed=12)
    assert a.equals(b)
    assert not a.equals(c)


@pytest.mark.parametrize("bad", [0.5, "x", None])
def test_scenario_refuses_a_bad_organisation(bad):
    with pytest.raises(ValueError, match="org must be an Organisation"):
        cs.Scenario(org=bad)


def test_scenario_refuses_bad_initial_upset_and_days():
    org = cs.Organisation.generate(20, seed=1)
    with pytest.raises(ValueError, match="initial_upset"):
        cs.Scenario(org, initial_upset=1.5)
    with pytest.raises(ValueError, match="unknown employee id 'nobody'"):
        cs.Scenario(org, initial_upset=["nobody"])
    with pytest.raises(ValueError, match="days"):
        cs.Scenario(org, days=-1)
