"""The fast engine's daily rules: each mechanism alone against its analytic expectation.

As tests/test_model.py does for the Mesa model; the two are compared with each other in
tests/test_docking.py.
"""

import networkx as nx
import numpy as np
import pytest
from conftest import assert_mean_close, from_start, quiet, with_traits
from engine_helpers import binomial_se, empty_org, on_day
from scipy import stats
from test_sis import exact_sis_complete_graph

import conflictsim as cs
from conflictsim.engine import simulate


# ---------------------------------------------------------------------------- mechanisms
def test_recovery_alone_decays_by_one_minus_recovery_a_day():
    n, r, days, reps = 100, 0.2, 6, 400
    scn = from_start(empty_org(n), quiet(recovery=r), days=days, initial_upset=1.0)
    res = simulate(scn, reps)
    for t in range(days + 1):
        p = (1 - r) ** t
        assert_mean_close(on_day(res, t, "upset"), n * p, se=binomial_se(n, p, reps))


def test_regulation_speeds_recovery():
    n, r, reg, k, reps = 100, 0.2, 0.5, 1.0, 400
    org = with_traits(empty_org(n), regulation=reg)
    scn = from_start(org, quiet(recovery=r, regulation_recovery=k), days=1, initial_upset=1.0)
    p_stay = 1 - r * (1 + k * reg)
    assert_mean_close(
        on_day(simulate(scn, reps), 1, "upset"), n * p_stay, se=binomial_se(n, p_stay, reps)
    )


def test_triggers_alone_give_their_daily_rate_with_customer_multiplier_and_shield():
    n, tau, mult, shield, reg, days = 200, 0.02, 3.0, 0.5, 0.4, 10
    cf = np.arange(n) < n // 4
    org = with_traits(empty_org(n), regulation=reg, customer_facing=cf)
    params = quiet(trigger=tau, customer_multiplier=mult, regulation_shield=shield)
    res = simulate(from_start(org, params, days=days, initial_upset=0.0), 300)
    base = tau * (1 - shield * reg)
    for t in (1, 5, 10):
        expected = cf.sum() * (1 - (1 - mult * base) ** t) + (~cf).sum() * (1 - (1 - base) ** t)
        assert_mean_close(on_day(res, t, "upset"), expected)


def test_absent_employees_are_not_triggered():
    n, tau, absent = 400, 0.1, 0.5
    params = quiet(trigger=tau, absence_base=absent)
    res = simulate(from_start(empty_org(n), params, days=1, initial_upset=0.0), 200)
    p = tau * (1 - absent)
    assert_mean_close(on_day(res, 1, "upset"), n * p, se=binomial_se(n, p, 200))


def test_transmission_on_a_star_graph():
    leaves, beta, days, reps = 30, 0.1, 5, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves), contact_prob=1.0)
    scn = from_start(org, quiet(transmission=beta), days=days, initial_upset=["0"])
    res = simulate(scn, reps)
    for t in range(1, days + 1):
        p = 1 - (1 - beta) ** t
        se = binomial_se(leaves, p, reps)
        assert_mean_close(on_day(res, t, "upset"), 1 + leaves * p, se=se)
        q = (1 - beta) ** (t - 1)  # leaves composed at the start of day t
        assert_mean_close(on_day(res, t, "conflicts"), leaves * q * beta)


@pytest.mark.parametrize(
    "ls, rs, lis, reg",
    [(0.9, 0.0, 0.9, 0.5), (0.0, 0.9, 0.5, 0.9), (0.6, 0.5, 0.5, 0.8)],
    ids=["listening", "regulation", "both"],
)
def test_listening_and_regulation_shield_the_composed_party(ls, rs, lis, reg):
    leaves, beta, reps = 50, 0.5, 600
    org = with_traits(
        cs.Organisation.from_graph(nx.star_graph(leaves)), regulation=reg, listening=lis
    )
    params = quiet(transmission=beta, listening_shield=ls, regulation_shield=rs)
    res = simulate(from_start(org, params, days=1, initial_upset=["0"]), reps)
    p = beta * (1 - ls * lis) * (1 - rs * reg)
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p, se=binomial_se(leaves, p, reps))


def test_listeners_calm_an_upset_colleague():
    # The upset hub hardly listens; the composed leaves do: calming is the listener's.
    leaves, calm, lis, reps = 5, 0.2, 0.5, 3000
    traits = [0.02] + [lis] * leaves
    org = with_traits(cs.Organisation.from_graph(nx.star_graph(leaves)), listening=traits)
    res = simulate(from_start(org, quiet(listening_calm=calm), days=1, initial_upset=["0"]), reps)
    p_still = (1 - calm * lis) ** leaves
    assert_mean_close(on_day(res, 1, "upset"), p_still, se=binomial_se(1, p_still, reps))


def test_calming_needs_no_conflict_on_that_tie():
    # Certain conflict on the only tie: the listener is drawn in, never calms.
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), listening=0.9)
    params = quiet(transmission=1.0, listening_calm=1.0)
    res = simulate(from_start(org, params, days=1, initial_upset=["0"]), 50)
    assert (on_day(res, 1, "upset") == 2).all()


def test_contact_probability_thins_encounters():
    leaves, beta, q, reps = 40, 0.5, 0.3, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves), contact_prob=q)
    res = simulate(from_start(org, quiet(transmission=beta), days=1, initial_upset=["0"]), reps)
    p = q * beta
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p, se=binomial_se(leaves, p, reps))


def test_absent_colleagues_meet_no_one():
    leaves, absent, reps = 40, 0.4, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves))
    params = quiet(transmission=1.0, absence_base=absent)
    res = simulate(from_start(org, params, days=1, initial_upset=["0"]), reps)
    p = (1 - absent) ** 2  # both ends present
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p)


def test_updates_are_synchronous():
    # A path 0-1-2 with certain transmission: on day 1 only 1 is drawn in; 2 reads the
    # start-of-day state of 1 (composed) and is drawn in only on day 2.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    res = simulate(from_start(org, quiet(transmission=1.0), days=2, initial_upset=["0"]), 5)
    assert (on_day(res, 1, "upset") == 2).all()
    assert (on_day(res, 2, "upset") == 3).all()
    assert (on_day(res, 1, "conflicts") == 1).all() and (on_day(res, 2, "conflicts") == 1).all()
    assert (res.employee_conflicts == [1, 2, 1]).all()


def test_clash_between_two_upset_colleagues():
    org = cs.Organisation.from_graph(nx.path_graph(2))
    res = simulate(from_start(org, quiet(clash=0.3), days=200, initial_upset=1.0), 20)
    run = res.daily[res.daily.day > 0]
    assert (run["upset"] == 2).all()  # a clash changes no state
    assert_mean_close(run["conflicts"], 0.3, se=np.sqrt(0.3 * 0.7 / len(run)))


def test_severity_escalation_and_critical_share():
    reg, esc, crit = 0.4, 0.5, 0.2
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=reg)
    params = quiet(clash=1.0, escalation=esc, critical_share=crit)
    res = simulate(from_start(org, params, days=1000, initial_upset=1.0), 10)
    run = res.daily[res.daily.day > 0]
    assert (run["conflicts"] == 1).all()
    n = len(run)
    p_up = esc * (1 - reg)
    assert_mean_close(
        run["conflicts_major"] + run["conflicts_critical"], p_up, se=np.sqrt(p_up * (1 - p_up) / n)
    )
    p_crit = p_up * crit
    assert_mean_close(run["conflicts_critical"], p_crit, se=np.sqrt(p_crit * (1 - p_crit) / n))


def test_the_calmer_party_sets_escalation():
    reg = np.array([0.2, 0.7])
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=reg)
    params = quiet(clash=1.0, escalation=0.8, critical_share=0.0)
    run = simulate(from_start(org, params, days=1000, initial_upset=1.0), 10).daily
    run = run[run.day > 0]
    p = 0.8 * (1 - 0.7)
    assert_mean_close(run["conflicts_major"], p, se=np.sqrt(p * (1 - p) / len(run)))


def test_grievance_builds_and_decays_into_escalation():
    esc, w, decay, days, reps = 0.1, 0.5, 0.2, 12, 2000
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=1e-9)
    params = quiet(
        clash=1.0, escalation=esc, critical_share=0.0, grievance_weight=w, grievance_decay=decay
    )
    res = simulate(from_start(org, params, days=days, initial_upset=1.0), reps)
    for t in (1, 2, 6, 12):
        g = (1 - (1 - decay) ** (t - 1)) / decay
        p = min(1.0, esc * (1 + w * g))
        assert_mean_close(on_day(res, t, "conflicts_major"), p, se=np.sqrt(p * (1 - p) / reps))


def test_grievance_raises_transmission():
    beta, w, decay, reps = 0.3, 1.0, 0.5, 4000
    org = cs.Organisation.from_graph(nx.path_graph(2))
    params = quiet(transmission=beta, grievance_weight=w, grievance_decay=decay)
    res = simulate(from_start(org, params, days=2, initial_upset=["0"]), reps)
    p2 = (1 - beta) * beta  # no conflict yet, so no grievance
    assert_mean_close(on_day(res, 2, "conflicts"), p2, se=np.sqrt(p2 * (1 - p2) / reps))
    # With certain recovery the roles swap after a conflict, and the second conflict
    # carries the grievance of the first.
    params = params.replace(recovery=1.0)
    res = simulate(from_start(org, params, days=2, initial_upset=["0"]), reps)
    p2g = beta * min(1.0, beta * (1 + w * 1.0))
    assert_mean_close(on_day(res, 2, "conflicts"), p2g, se=np.sqrt(p2g * (1 - p2g) / reps))


def test_absence_rises_with_strain():
    n, base, extra, scale, days, reps = 200, 0.02, 0.3, 4.0, 8, 100
    params = quiet(absence_base=base, absence_strain=extra, strain_scale=scale)
    res = simulate(from_start(empty_org(n), params, days=days, initial_upset=1.0), reps)
    for t in (1, 4, 8):
        strain = t - 1  # one more day upset each day; absence reads start-of-day strain
        p = base + extra * strain / (strain + scale)
        assert_mean_close(on_day(res, t, "absent"), n * p, se=binomial_se(n, p, reps))


def test_strain_decays_while_composed():
    n, extra, scale, decay, reps = 300, 0.5, 1.0, 0.3, 100
    params = quiet(absence_strain=extra, strain_scale=scale, strain_decay=decay, recovery=1.0)
    res = simulate(from_start(empty_org(n), params, days=4, initial_upset=1.0), reps)
    for t in (2, 3, 4):
        s = (1 - decay) ** (t - 2)
        p = extra * s / (s + scale)
        assert_mean_close(on_day(res, t, "absent"), n * p, se=binomial_se(n, p, reps))


def test_quits_and_vacancies():
    n, q, vacancy, days, reps = 500, 0.01, 3, 6, 200
    params = quiet(quit_base=q, vacancy_days=vacancy)
    res = simulate(from_start(empty_org(n), params, days=days, initial_upset=0.0), reps)
    assert_mean_close(on_day(res, 1, "quits"), n * q, se=binomial_se(n, q, reps))
    # Posts emptied on day 1 are filled at the end of day 1 + vacancy; empty posts do
    # not quit and are not absent.
    for _, r in res.daily.groupby("replicate"):
        r = r.set_index("day")
        assert r.loc[1 + vacancy, "vacant"] == r.loc[2 : 1 + vacancy, "quits"].sum()
        assert r.loc[1, "vacant"] == r.loc[1, "quits"]


def test_quitting_strained_staff_leave_faster():
    n, qs, scale, days, reps = 400, 0.05, 2.0, 5, 100
    params = quiet(quit_strain=qs, strain_scale=scale, vacancy_days=500)
    res = simulate(from_start(empty_org(n), params, days=days, initial_upset=1.0), reps)
    stay = 1.0
    for t in range(1, days + 1):
        s = t - 1
        p = qs * s / (s + scale)
        assert_mean_close(on_day(res, t, "quits"), n * stay * p)
        stay *= 1 - p


def test_new_hires_start_composed_and_unstrained():
    n, reps = 2000, 50
    params = quiet(quit_base=0.05, vacancy_days=0, absence_strain=0.5, strain_scale=1.0)
    res = simulate(from_start(empty_org(n), params, days=2, initial_upset=1.0), reps)
    # Day 1: those who quit are replaced at once by composed hires.
    upset1 = on_day(res, 1, "upset")
    assert (upset1 + on_day(res, 1, "quits") == n).all()
    # Day 2: the hires have no strain (absence 0); the stayers have strain 1.
    stayers = upset1
    p = 0.5 * 1 / (1 + 1.0)
    assert_mean_close(on_day(res, 2, "absent"), stayers.mean() * p)


# ---------------------------------------------------------------------------- responders
def responder_graph():
    # 0-1 the parties, 2 a contact of 1 (the would-be responder), 3 a contact of 0.
    return cs.Organisation.from_graph(nx.Graph([(0, 1), (1, 2), (0, 3)]))


def test_a_responder_keeps_the_drawn_in_party_composed():
    rho, s, reps = 0.6, 0.5, 4000
    params = quiet(transmission=1.0, responder_success=rho)
    scn = from_start(responder_graph(), params, days=1, initial_upset=["0"])
    # 0 meets 1 and 3, both drawn in; a responder (2) next to 1 may defuse 0-1 only.
    res = simulate(scn, reps, _responder_strength=[0, 0, s, 0])
    assert (on_day(res, 1, "conflicts") == 2).all()  # a defused conflict still counts
    p_defused = rho * s
    assert_mean_close(on_day(res, 1, "upset"), 3 - p_defused, se=binomial_se(1, p_defused, reps))
    without = simulate(scn, 200)
    assert (on_day(without, 1, "upset") == 3).all()


def test_responders_lower_severity_by_one_level_and_the_strongest_counts():
    rho, reps = 0.5, 3000
    org = with_traits(responder_graph(), regulation=1e-9)
    params = quiet(clash=1.0, escalation=1.0, critical_share=0.0, responder_success=rho)
    scn = from_start(org, params, days=1, initial_upset=["0", "1"])
    # The parties' own strength does not count; the strongest contact (0.8) does.
    res = simulate(scn, reps, _responder_strength=[1.0, 1.0, 0.8, 0.3])
    p = rho * 0.8
    assert (on_day(res, 1, "conflicts") == 1).all()
    assert_mean_close(on_day(res, 1, "conflicts_minor"), p, se=binomial_se(1, p, reps))
    # Critical drops to major; minor stays minor.
    res = simulate(scn.with_(params=params.replace(critical_share=1.0)), reps,
                   _responder_strength=[0, 0, 1.0, 0])  # fmt: skip
    assert_mean_close(on_day(res, 1, "conflicts_major"), rho, se=binomial_se(1, rho, reps))
    assert (on_day(res, 1, "conflicts_minor") == 0).all()
    low = scn.with_(params=params.replace(escalation=0.0))
    res = simulate(low, 100, _responder_strength=[0, 0, 1.0, 0])
    assert (on_day(res, 1, "conflicts_minor") == 1).all()


def test_absent_responders_do_not_respond():
    rho, absent, reps = 1.0, 0.5, 3000
    org = with_traits(responder_graph(), regulation=1e-9)
    params = quiet(clash=1.0, escalation=1.0, critical_share=0.0, responder_success=rho)
    params = params.replace(absence_base=absent)
    scn = from_start(org, params, days=1, initial_upset=["0", "1"])
    res = simulate(scn, reps, _responder_strength=[0, 0, 1.0, 0])
    conflicts = on_day(res, 1, "conflicts")
    # Given a conflict (both parties present), the responder is present half the time.
    minor = on_day(res, 1, "conflicts_minor")[conflicts == 1]
    assert_mean_close(minor, 1 - absent, se=binomial_se(1, 0.5, minor.size))


@pytest.mark.parametrize("simulator", ["engine", "mesa"])
def test_responders_act_only_on_parties_they_met_that_day(simulator):
    # MODEL.md v2, step 6: every tie is met with probability q. A conflict 0-1 needs its
    # own tie met; the responder (2) defuses it only if the tie 1-2 was met too, which is
    # independent: P(minor | conflict) = rho * q (v1, any present neighbour: rho).
    rho, q, reps = 1.0, 0.5, 3000
    org = with_traits(
        cs.Organisation.from_graph(nx.Graph([(0, 1), (1, 2), (0, 3)]), contact_prob=q),
        regulation=1e-9,
    )
    params = quiet(clash=1.0, escalation=1.0, critical_share=0.0, responder_success=rho)
    scn = from_start(org, params, days=1, initial_upset=["0", "1"])
    if simulator == "engine":
        res = simulate(scn, reps, _responder_strength=[0, 0, 1.0, 0])
        conflicts, minor = on_day(res, 1, "conflicts"), on_day(res, 1, "conflicts_minor")
    else:
        # A de-escalation trainee with no trait shift and no fading, at full strength.
        prog = cs.Training("deescalation", target=["2"], listening_d=0.0, regulation_d=0.0,
                           half_life_days=1e9)  # fmt: skip
        runs = [cs.ConflictModel(scn.with_(programmes=[prog]), rng=k) for k in range(reps)]
        for m in runs:
            m.run_for(1)
        days = [m.daily_frame().iloc[1] for m in runs]
        conflicts = np.array([d["conflicts"] for d in days])
        minor = np.array([d["conflicts_minor"] for d in days])
    assert_mean_close(conflicts, q, se=binomial_se(1, q, reps))
    given = minor[conflicts == 1]
    assert_mean_close(given, rho * q, se=binomial_se(1, rho * q, given.size))


def test_responder_strength_must_be_a_share():
    scn = from_start(responder_graph(), quiet(), days=1)
    with pytest.raises(ValueError, match="responder"):
        simulate(scn, 1, _responder_strength=[0, 0, 1.5, 0])


# ---------------------------------------------------------------------------- SIS
def test_sis_limit_matches_the_exact_markov_chain_on_a_complete_graph():
    n, beta, gamma, i0, days, reps = 12, 0.06, 0.25, 3, 25, 4000
    org = cs.Organisation.from_graph(nx.complete_graph(n), contact_prob=0.3)  # overridden
    params = cs.Params.sis(transmission=beta, recovery=gamma)
    scn = from_start(org, params, days=days, initial_upset=[str(i) for i in range(i0)])
    df = simulate(scn, reps, seed=100).daily
    dist = exact_sis_complete_graph(n, beta, gamma, i0, days)
    k = np.arange(n + 1)
    mean = dist @ k
    sd = np.sqrt(dist @ k**2 - mean**2)
    observed = df.groupby("day")["upset"].mean().to_numpy()
    z = (observed - mean) / (sd / np.sqrt(reps) + 1e-12)
    assert np.abs(z[1:]).max() < 4.5, z
    # The whole distribution of the last day: a chi-square test of the counts.
    last = df.loc[df.day == days, "upset"].to_numpy()
    observed_counts = np.bincount(last, minlength=n + 1)
    expected_counts = dist[days] * reps
    keep = expected_counts >= 5  # pool the sparse tail into one bin
    obs, exp = observed_counts[keep], expected_counts[keep]
    if (~keep).any():
        obs = np.append(obs, observed_counts[~keep].sum())
        exp = np.append(exp, expected_counts[~keep].sum())
    _, pvalue = stats.chisquare(obs, exp * obs.sum() / exp.sum())
    assert pvalue > 1e-4
