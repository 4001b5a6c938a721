"""The fast engine (``conflictsim.simulate``): known answers, reproducibility, its RNG.

Each mechanism alone against its analytic expectation, as tests/test_model.py does for
the Mesa model; the two are compared with each other in tests/test_docking.py.
"""

import hashlib
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from conftest import assert_mean_close, quiet, with_traits
from numba import njit
from scipy import stats
from test_sis import exact_sis_complete_graph

import conflictsim as cs
from conflictsim.engine import Results, simulate
from conflictsim.engine import philox as crng
from conflictsim.engine.kernels import COLUMNS
from conflictsim.outcomes import summarise

ROOT = Path(__file__).resolve().parents[1]


def empty_org(n):
    return cs.Organisation.from_graph(nx.empty_graph(n))


def on_day(res: Results, day: int, column: str) -> np.ndarray:
    d = res.daily
    return d.loc[d.day == day, column].to_numpy()


def binomial_se(n, p, reps):
    return np.sqrt(n * p * (1 - p) / reps)


# ---------------------------------------------------------------------------- outputs
def test_results_have_the_documented_shape():
    org = cs.Organisation.generate(60, "office", seed=3)
    scn = cs.Scenario(org, days=7, initial_upset=0.1)
    res = simulate(scn, replicates=3, seed=5)
    assert list(res.daily.columns) == ["replicate", "day", *COLUMNS]
    assert len(res.daily) == 3 * 8
    assert (on_day(res, 0, "upset") == 6).all()
    assert (on_day(res, 0, "conflicts") == 0).all()
    d = res.daily
    assert (
        d["conflicts"]
        == d[["conflicts_minor", "conflicts_major", "conflicts_critical"]].sum(axis=1)
    ).all()
    assert res.employee_conflicts.shape == (3, 60)
    assert res.team_daily.shape == (3, 8, len(org.team_names))
    assert res.trained.shape == (3, 60) and not res.trained.any()
    assert res.replicates == 3 and res.seed == 5 and res.scenario is scn
    assert list(res.replicate_ids) == [0, 1, 2]
    # Each conflict counts once for each party, in their post and their team.
    per_rep = d.groupby("replicate")["conflicts"].sum().to_numpy()
    assert (res.employee_conflicts.sum(axis=1) == 2 * per_rep).all()
    assert (res.team_daily.sum(axis=(1, 2)) == 2 * per_rep).all()
    tf = res.team_frame()
    assert list(tf.columns) == ["replicate", "day", "team", "conflicts"]
    assert len(tf) == 3 * 8 * len(org.team_names)
    assert tf.groupby("replicate")["conflicts"].sum().to_numpy().tolist() == (2 * per_rep).tolist()
    assert "3 replicates" in repr(res)


def test_summary_is_summarise_of_each_replicate():
    org = cs.Organisation.generate(80, "call_centre", seed=4)
    scn = cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)
    res = simulate(scn, replicates=4, seed=2)
    assert list(res.summary.columns) == ["replicate", *summarise(res.daily, scn)]
    for k in range(4):
        expected = summarise(res.daily[res.daily.replicate == k], scn)
        row = res.summary.iloc[k]
        for name, value in expected.items():
            assert row[name] == pytest.approx(value, rel=1e-12, abs=1e-12), name


def test_vacant_column_and_daily_hours_follow_the_conflicts():
    org = cs.Organisation.generate(50, "office", seed=1)
    p = cs.Params(hours_minor=1.0, hours_major=10.0, hours_critical=100.0)
    res = simulate(cs.Scenario(org, p, days=30), replicates=3, seed=1)
    d = res.daily
    hours = 2 * (d.conflicts_minor + 10 * d.conflicts_major + 100 * d.conflicts_critical)
    assert np.allclose(d.conflict_hours, hours)


# ---------------------------------------------------------------------------- mechanisms
def test_recovery_alone_decays_by_one_minus_recovery_a_day():
    n, r, days, reps = 100, 0.2, 6, 400
    scn = cs.Scenario(empty_org(n), quiet(recovery=r), days=days, initial_upset=1.0)
    res = simulate(scn, reps)
    for t in range(days + 1):
        p = (1 - r) ** t
        assert_mean_close(on_day(res, t, "upset"), n * p, se=binomial_se(n, p, reps))


def test_regulation_speeds_recovery():
    n, r, reg, k, reps = 100, 0.2, 0.5, 1.0, 400
    org = with_traits(empty_org(n), regulation=reg)
    scn = cs.Scenario(org, quiet(recovery=r, regulation_recovery=k), days=1, initial_upset=1.0)
    p_stay = 1 - r * (1 + k * reg)
    assert_mean_close(
        on_day(simulate(scn, reps), 1, "upset"), n * p_stay, se=binomial_se(n, p_stay, reps)
    )


def test_triggers_alone_give_their_daily_rate_with_customer_multiplier_and_shield():
    n, tau, mult, shield, reg, days = 200, 0.02, 3.0, 0.5, 0.4, 10
    cf = np.arange(n) < n // 4
    org = with_traits(empty_org(n), regulation=reg, customer_facing=cf)
    params = quiet(trigger=tau, customer_multiplier=mult, regulation_shield=shield)
    res = simulate(cs.Scenario(org, params, days=days, initial_upset=0.0), 300)
    base = tau * (1 - shield * reg)
    for t in (1, 5, 10):
        expected = cf.sum() * (1 - (1 - mult * base) ** t) + (~cf).sum() * (1 - (1 - base) ** t)
        assert_mean_close(on_day(res, t, "upset"), expected)


def test_absent_employees_are_not_triggered():
    n, tau, absent = 400, 0.1, 0.5
    params = quiet(trigger=tau, absence_base=absent)
    res = simulate(cs.Scenario(empty_org(n), params, days=1, initial_upset=0.0), 200)
    p = tau * (1 - absent)
    assert_mean_close(on_day(res, 1, "upset"), n * p, se=binomial_se(n, p, 200))


def test_transmission_on_a_star_graph():
    leaves, beta, days, reps = 30, 0.1, 5, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves), contact_prob=1.0)
    scn = cs.Scenario(org, quiet(transmission=beta), days=days, initial_upset=["0"])
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
    res = simulate(cs.Scenario(org, params, days=1, initial_upset=["0"]), reps)
    p = beta * (1 - ls * lis) * (1 - rs * reg)
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p, se=binomial_se(leaves, p, reps))


def test_listeners_calm_an_upset_colleague():
    leaves, calm, lis, reps = 5, 0.2, 0.5, 3000
    org = with_traits(cs.Organisation.from_graph(nx.star_graph(leaves)), listening=lis)
    res = simulate(cs.Scenario(org, quiet(listening_calm=calm), days=1, initial_upset=["0"]), reps)
    p_still = (1 - calm * lis) ** leaves
    assert_mean_close(on_day(res, 1, "upset"), p_still, se=binomial_se(1, p_still, reps))


def test_calming_needs_no_conflict_on_that_tie():
    # Certain conflict on the only tie: the listener is drawn in, never calms.
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), listening=0.9)
    params = quiet(transmission=1.0, listening_calm=1.0)
    res = simulate(cs.Scenario(org, params, days=1, initial_upset=["0"]), 50)
    assert (on_day(res, 1, "upset") == 2).all()


def test_contact_probability_thins_encounters():
    leaves, beta, q, reps = 40, 0.5, 0.3, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves), contact_prob=q)
    res = simulate(cs.Scenario(org, quiet(transmission=beta), days=1, initial_upset=["0"]), reps)
    p = q * beta
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p, se=binomial_se(leaves, p, reps))


def test_absent_colleagues_meet_no_one():
    leaves, absent, reps = 40, 0.4, 600
    org = cs.Organisation.from_graph(nx.star_graph(leaves))
    params = quiet(transmission=1.0, absence_base=absent)
    res = simulate(cs.Scenario(org, params, days=1, initial_upset=["0"]), reps)
    p = (1 - absent) ** 2  # both ends present
    assert_mean_close(on_day(res, 1, "conflicts"), leaves * p)


def test_updates_are_synchronous():
    # A path 0-1-2 with certain transmission: on day 1 only 1 is drawn in; 2 reads the
    # start-of-day state of 1 (composed) and is drawn in only on day 2.
    org = cs.Organisation.from_graph(nx.path_graph(3))
    res = simulate(cs.Scenario(org, quiet(transmission=1.0), days=2, initial_upset=["0"]), 5)
    assert (on_day(res, 1, "upset") == 2).all()
    assert (on_day(res, 2, "upset") == 3).all()
    assert (on_day(res, 1, "conflicts") == 1).all() and (on_day(res, 2, "conflicts") == 1).all()
    assert (res.employee_conflicts == [1, 2, 1]).all()


def test_clash_between_two_upset_colleagues():
    org = cs.Organisation.from_graph(nx.path_graph(2))
    res = simulate(cs.Scenario(org, quiet(clash=0.3), days=200, initial_upset=1.0), 20)
    run = res.daily[res.daily.day > 0]
    assert (run["upset"] == 2).all()  # a clash changes no state
    assert_mean_close(run["conflicts"], 0.3, se=np.sqrt(0.3 * 0.7 / len(run)))


def test_severity_escalation_and_critical_share():
    reg, esc, crit = 0.4, 0.5, 0.2
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=reg)
    params = quiet(clash=1.0, escalation=esc, critical_share=crit)
    res = simulate(cs.Scenario(org, params, days=1000, initial_upset=1.0), 10)
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
    run = simulate(cs.Scenario(org, params, days=1000, initial_upset=1.0), 10).daily
    run = run[run.day > 0]
    p = 0.8 * (1 - 0.7)
    assert_mean_close(run["conflicts_major"], p, se=np.sqrt(p * (1 - p) / len(run)))


def test_grievance_builds_and_decays_into_escalation():
    esc, w, decay, days, reps = 0.1, 0.5, 0.2, 12, 2000
    org = with_traits(cs.Organisation.from_graph(nx.path_graph(2)), regulation=1e-9)
    params = quiet(
        clash=1.0, escalation=esc, critical_share=0.0, grievance_weight=w, grievance_decay=decay
    )
    res = simulate(cs.Scenario(org, params, days=days, initial_upset=1.0), reps)
    for t in (1, 2, 6, 12):
        g = (1 - (1 - decay) ** (t - 1)) / decay
        p = min(1.0, esc * (1 + w * g))
        assert_mean_close(on_day(res, t, "conflicts_major"), p, se=np.sqrt(p * (1 - p) / reps))


def test_grievance_raises_transmission():
    beta, w, decay, reps = 0.3, 1.0, 0.5, 4000
    org = cs.Organisation.from_graph(nx.path_graph(2))
    params = quiet(transmission=beta, grievance_weight=w, grievance_decay=decay)
    res = simulate(cs.Scenario(org, params, days=2, initial_upset=["0"]), reps)
    p2 = (1 - beta) * beta  # no conflict yet, so no grievance
    assert_mean_close(on_day(res, 2, "conflicts"), p2, se=np.sqrt(p2 * (1 - p2) / reps))
    # With certain recovery the roles swap after a conflict, and the second conflict
    # carries the grievance of the first.
    params = params.replace(recovery=1.0)
    res = simulate(cs.Scenario(org, params, days=2, initial_upset=["0"]), reps)
    p2g = beta * min(1.0, beta * (1 + w * 1.0))
    assert_mean_close(on_day(res, 2, "conflicts"), p2g, se=np.sqrt(p2g * (1 - p2g) / reps))


def test_absence_rises_with_strain():
    n, base, extra, scale, days, reps = 200, 0.02, 0.3, 4.0, 8, 100
    params = quiet(absence_base=base, absence_strain=extra, strain_scale=scale)
    res = simulate(cs.Scenario(empty_org(n), params, days=days, initial_upset=1.0), reps)
    for t in (1, 4, 8):
        strain = t - 1  # one more day upset each day; absence reads start-of-day strain
        p = base + extra * strain / (strain + scale)
        assert_mean_close(on_day(res, t, "absent"), n * p, se=binomial_se(n, p, reps))


def test_strain_decays_while_composed():
    n, extra, scale, decay, reps = 300, 0.5, 1.0, 0.3, 100
    params = quiet(absence_strain=extra, strain_scale=scale, strain_decay=decay, recovery=1.0)
    res = simulate(cs.Scenario(empty_org(n), params, days=4, initial_upset=1.0), reps)
    for t in (2, 3, 4):
        s = (1 - decay) ** (t - 2)
        p = extra * s / (s + scale)
        assert_mean_close(on_day(res, t, "absent"), n * p, se=binomial_se(n, p, reps))


def test_quits_and_vacancies():
    n, q, vacancy, days, reps = 500, 0.01, 3, 6, 200
    params = quiet(quit_base=q, vacancy_days=vacancy)
    res = simulate(cs.Scenario(empty_org(n), params, days=days, initial_upset=0.0), reps)
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
    res = simulate(cs.Scenario(empty_org(n), params, days=days, initial_upset=1.0), reps)
    stay = 1.0
    for t in range(1, days + 1):
        s = t - 1
        p = qs * s / (s + scale)
        assert_mean_close(on_day(res, t, "quits"), n * stay * p)
        stay *= 1 - p


def test_new_hires_start_composed_and_unstrained():
    n, reps = 2000, 50
    params = quiet(quit_base=0.05, vacancy_days=0, absence_strain=0.5, strain_scale=1.0)
    res = simulate(cs.Scenario(empty_org(n), params, days=2, initial_upset=1.0), reps)
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
    scn = cs.Scenario(responder_graph(), params, days=1, initial_upset=["0"])
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
    scn = cs.Scenario(org, params, days=1, initial_upset=["0", "1"])
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
    scn = cs.Scenario(org, params, days=1, initial_upset=["0", "1"])
    res = simulate(scn, reps, _responder_strength=[0, 0, 1.0, 0])
    conflicts = on_day(res, 1, "conflicts")
    # Given a conflict (both parties present), the responder is present half the time.
    minor = on_day(res, 1, "conflicts_minor")[conflicts == 1]
    assert_mean_close(minor, 1 - absent, se=binomial_se(1, 0.5, minor.size))


def test_responder_strength_must_be_a_share():
    scn = cs.Scenario(responder_graph(), quiet(), days=1)
    with pytest.raises(ValueError, match="responder"):
        simulate(scn, 1, _responder_strength=[0, 0, 1.5, 0])


# ---------------------------------------------------------------------------- SIS
def test_sis_limit_matches_the_exact_markov_chain_on_a_complete_graph():
    n, beta, gamma, i0, days, reps = 12, 0.06, 0.25, 3, 25, 4000
    org = cs.Organisation.from_graph(nx.complete_graph(n), contact_prob=0.3)  # overridden
    params = cs.Params.sis(transmission=beta, recovery=gamma)
    scn = cs.Scenario(org, params, days=days, initial_upset=[str(i) for i in range(i0)])
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


# ---------------------------------------------------------------------------- reproducibility
@pytest.fixture(scope="module")
def office():
    org = cs.Organisation.generate(120, "call_centre", seed=9)
    return cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)


def test_same_seed_same_numbers_and_different_seed_differs(office):
    a = simulate(office, 3, seed=11)
    b = simulate(office, 3, seed=11)
    c = simulate(office, 3, seed=12)
    assert a.daily.equals(b.daily) and a.summary.equals(b.summary)
    assert (a.employee_conflicts == b.employee_conflicts).all()
    assert not a.daily.equals(c.daily)


def test_replicate_k_does_not_depend_on_batching(office):
    big = simulate(office, 10, seed=1)
    small = simulate(office, 4, seed=1)
    late = simulate(office, 3, seed=1, first_replicate=7)
    picked = simulate(office, seed=1, replicate_ids=[8, 3])
    for res in (small, late, picked):
        for pos, k in enumerate(res.replicate_ids):
            mine = res.daily[res.daily.replicate == k].reset_index(drop=True)
            theirs = big.daily[big.daily.replicate == k].reset_index(drop=True)
            assert mine.equals(theirs), k
            assert (res.employee_conflicts[pos] == big.employee_conflicts[k]).all()
            assert (res.team_daily[pos] == big.team_daily[k]).all()
    # Replicates differ from each other.
    assert (
        not big.daily[big.daily.replicate == 0]
        .upset.reset_index(drop=True)
        .equals(big.daily[big.daily.replicate == 1].upset.reset_index(drop=True))
    )


def frame_hash(df) -> str:
    return hashlib.sha256(df.to_csv(index=False).encode()).hexdigest()


def test_a_new_process_gives_identical_numbers(office):
    code = (
        "import hashlib, conflictsim as cs\n"
        "from conflictsim.engine import simulate\n"
        "org = cs.Organisation.generate(120, 'call_centre', seed=9)\n"
        "scn = cs.Scenario(org, cs.Params(quit_base=0.002, vacancy_days=5), days=40)\n"
        "df = simulate(scn, 3, seed=11, first_replicate=2).daily\n"
        "print(hashlib.sha256(df.to_csv(index=False).encode()).hexdigest())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == frame_hash(simulate(office, 3, seed=11, first_replicate=2).daily)


def test_arms_that_differ_in_a_few_traits_share_their_randomness(office):
    # Common random numbers: the same uniform decides the same event in both arms, so
    # paired differences are far smaller than the spread between replicates.
    org = office.org
    better = org.listening.copy()
    better[:10] = 0.95
    arm = office.with_(org=with_traits(org, listening=np.where(np.isnan(better), 0.5, better)))
    same = office.with_(org=with_traits(org, listening=0.5))
    a = simulate(same, 40, seed=3).summary["conflicts"].to_numpy(float)
    b = simulate(arm, 40, seed=3).summary["conflicts"].to_numpy(float)
    assert np.corrcoef(a, b)[0, 1] > 0.8
    assert np.std(b - a) < 0.5 * np.std(a)
    # An arm identical to the first reproduces it exactly.
    assert simulate(same, 5, seed=3).daily.equals(simulate(same, 5, seed=3).daily)


def test_day_zero_draws_follow_the_population_and_the_org_chart():
    org = cs.Organisation.generate(2000, "office", seed=1)
    given = org.regulation.copy()
    given[:100] = 0.9
    org = with_traits(org, regulation=given)
    p = cs.Params(regulation_mean=0.5, regulation_sd=2.0, listening_mean=-1.0)
    from conflictsim.engine.driver import _initial_state

    state = _initial_state(cs.Scenario(org, p, initial_upset=0.1), 7, np.arange(3), None)
    z = state.z_reg[:, 100:].ravel()
    assert abs(z.mean() - 0.5) < 4.5 * 2.0 / np.sqrt(z.size)
    assert abs(z.std() / 2.0 - 1) < 0.03
    assert np.allclose(state.reg[:, :100], 0.9)
    assert abs(state.z_lis.mean() + 1.0) < 4.5 / np.sqrt(state.z_lis.size)
    assert (state.upset.sum(axis=1) == 200).all()
    assert not (state.upset[0] == state.upset[1]).all()


def test_initial_upset_is_a_uniform_choice():
    n, k, reps = 20, 5, 4000
    counts = np.zeros(n)
    for rep in range(reps):
        chosen = crng.choose(3, rep, n, k)
        assert chosen.size == k and np.unique(chosen).size == k
        counts[chosen] += 1
    expected = reps * k / n
    _, pvalue = stats.chisquare(counts, np.full(n, expected))
    assert pvalue > 1e-4


# ---------------------------------------------------------------------------- bad input
@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "3"])
def test_bad_replicates_are_refused(bad):
    org = cs.Organisation.generate(20, seed=1)
    with pytest.raises(ValueError, match="replicates"):
        simulate(cs.Scenario(org, days=1), replicates=bad)


@pytest.mark.parametrize("bad", [None, 3, "scenario"])
def test_a_non_scenario_is_refused(bad):
    with pytest.raises(ValueError, match="scenario must be a Scenario"):
        simulate(bad)


def test_bad_seeds_and_replicate_ids_are_refused():
    scn = cs.Scenario(cs.Organisation.generate(20, seed=1), days=1)
    for seed in (-1, 2**64, 1.5, "1"):
        with pytest.raises(ValueError, match="seed"):
            simulate(scn, 1, seed=seed)
    with pytest.raises(ValueError, match="replicate"):
        simulate(scn, seed=1, replicate_ids=[])
    with pytest.raises(ValueError, match="replicate"):
        simulate(scn, seed=1, replicate_ids=[-1])
    with pytest.raises(ValueError, match="first_replicate"):
        simulate(scn, 1, first_replicate=-1)


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
    _, lis, strength = ro.effects(40)
    assert np.allclose(lis, 0.5 * 2.0 * 0.5) and np.allclose(strength, 0.5)
    ro.train(70, hired, filled, None)  # refresher
    _, lis, strength = ro.effects(71)
    assert np.allclose(strength, 0.5 ** (1 / 40))
    # Someone who quits takes the training along: a new holder hired on day 80.
    hired[0, 3] = 80
    ro.train(80, hired, filled, None)
    _, _, strength = ro.effects(81)
    assert strength[0, 3] == 0 and strength[1, 3] > 0


def test_an_untrained_arm_reproduces_the_baseline_in_the_engine():
    org = cs.Organisation.generate(80, "call_centre", seed=3)
    base = cs.Scenario(org, days=50)
    none = base.with_(programmes=[cs.Training("deescalation", headcount=0)])
    a, b = simulate(base, 3, seed=9), simulate(none, 3, seed=9)
    assert a.daily.equals(b.daily)
    assert (a.employee_conflicts == b.employee_conflicts).all()


# ---------------------------------------------------------------------------- the RNG
# Random123's known-answer vectors for Philox4x32-10 (counter, key, result).
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((2**32 - 1,) * 4, (2**32 - 1,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@njit
def _philox(c0, c1, c2, c3, k0, k1):
    return crng.philox4x32(c0, c1, c2, c3, k0, k1)


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_philox_known_answers(ctr, key, expected):
    out = _philox(*(np.uint64(x) for x in ctr), *(np.uint64(x) for x in key))
    assert tuple(int(x) for x in out) == expected


@pytest.fixture(scope="module")
def uniforms():
    return crng.uniforms(12345, 0, 1, crng.STAGE_TIE, np.arange(250_000))


def test_uniforms_have_the_moments_of_a_uniform(uniforms):
    u = uniforms.ravel()
    assert ((u >= 0) & (u < 1)).all()
    n = u.size
    assert abs(u.mean() - 0.5) < 4.5 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 4.5 * np.sqrt(1 / 180 / n)  # var of (u-1/2)^2 is 1/180


def test_uniforms_pass_a_chi_square_over_bins(uniforms):
    for lane in range(4):
        counts = np.bincount((uniforms[:, lane] * 100).astype(int), minlength=100)
        _, pvalue = stats.chisquare(counts)
        assert pvalue > 1e-4, lane


def test_consecutive_counters_and_lanes_are_uncorrelated(uniforms):
    n = uniforms.shape[0]
    limit = 4.5 / np.sqrt(n)
    for lane in range(4):
        x = uniforms[:, lane]
        assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < limit
    for a in range(4):
        for b in range(a + 1, 4):
            assert abs(np.corrcoef(uniforms[:, a], uniforms[:, b])[0, 1]) < limit


@pytest.mark.parametrize(
    "other",
    [(12345, 1, 1, crng.STAGE_TIE), (12345, 0, 2, crng.STAGE_TIE), (12346, 0, 1, crng.STAGE_TIE),
     (12345, 0, 1, crng.STAGE_EMPLOYEE)],
    ids=["replicate", "day", "seed", "stage"],
)  # fmt: skip
def test_streams_are_independent(uniforms, other):
    v = crng.uniforms(*other, np.arange(uniforms.shape[0]))
    limit = 4.5 / np.sqrt(uniforms.shape[0])
    for lane in range(4):
        assert abs(np.corrcoef(uniforms[:, lane], v[:, lane])[0, 1]) < limit
    # Jointly uniform: a chi-square over a 10 x 10 grid of pairs.
    grid = np.histogram2d(uniforms[:, 0], v[:, 0], bins=10, range=[[0, 1], [0, 1]])[0]
    _, pvalue = stats.chisquare(grid.ravel())
    assert pvalue > 1e-4


def test_box_muller_gives_standard_normals():
    z = crng.normal_pairs(7, 3, 0, crng.STAGE_TRAITS, 100_000)
    for col in range(2):
        assert stats.kstest(z[:, col], "norm").pvalue > 1e-4
    assert abs(np.corrcoef(z[:, 0], z[:, 1])[0, 1]) < 4.5 / np.sqrt(z.shape[0])


def test_seeds_outside_64_bits_are_refused():
    with pytest.raises(ValueError, match="seed"):
        crng.key_of(-1)
    with pytest.raises(ValueError, match="seed"):
        crng.key_of(2**64)
