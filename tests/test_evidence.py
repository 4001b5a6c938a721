"""conflictsim.evidence: sceptical, central and enthusiastic priors on what training does.

Known answers from Spiegelhalter, Freedman & Parmar (1994): a sceptical prior puts 5% of
its mass above the hoped-for effect, an enthusiastic one 5% below no effect; the central
one is uniform from none to the hope. The settings change training only: the baseline of
a calibration is the same in each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import conflictsim as cs
from conflictsim.evidence import (
    CORRELATION,
    EVIDENCE,
    HOPED,
    TRAINING_EFFECTS,
    evidence_table,
    prior,
    training_draws,
)
from conflictsim.params import REGISTRY
from conflictsim.planner.plan import Plan


@pytest.mark.parametrize("name", TRAINING_EFFECTS)
def test_the_priors_put_their_tails_where_spiegelhalter_puts_them(name):
    hope = HOPED[name][0]
    sceptical, central, enthusiastic = (prior(s, name) for s in EVIDENCE)
    # Sceptical: 5% above the hope, before the cut at the plausible maximum.
    tail = 2 * (1 - stats.norm.cdf(hope / sceptical.spread))
    assert tail == pytest.approx(0.05)
    # Enthusiastic: 5% below no effect, before the cut at 0.
    assert stats.norm.cdf(0, enthusiastic.centre, enthusiastic.spread) == pytest.approx(0.05)
    assert central.quantiles()[1] == pytest.approx(hope / 2)
    # Medians in order, every value in the plausible range.
    medians = [p.quantiles()[1] for p in (sceptical, central, enthusiastic)]
    assert medians == sorted(medians) and medians[0] < medians[2]
    low, high = REGISTRY[name].sweep_range
    for s in EVIDENCE:
        d = training_draws(s, 400, 3)[name]
        assert d.between(low, high).all()


def test_draws_follow_their_prior_and_the_seed():
    d = training_draws("sceptical", 2000, 5)["skill_transfer"]
    p = prior("sceptical", "skill_transfer")
    # Kolmogorov-Smirnov against the truncated normal (a Latin hypercube fits closely).
    a, b = (p.low - p.centre) / p.spread, (p.high - p.centre) / p.spread
    ks = stats.kstest(d, stats.truncnorm(a, b, loc=p.centre, scale=p.spread).cdf)
    assert ks.statistic < 0.01
    # Both marginals exact, with the copula's correlation (Spearman 6/pi asin(rho/2)).
    both = training_draws("central", 2000, 5)
    for name in TRAINING_EFFECTS:
        lo, hi = prior("central", name).centre, prior("central", name).spread
        assert stats.kstest(both[name], stats.uniform(lo, hi - lo).cdf).statistic < 0.02
    rho = stats.spearmanr(both["skill_transfer"], both["responder_success"]).statistic
    assert rho == pytest.approx(6 / np.pi * np.arcsin(CORRELATION / 2), abs=0.03)
    pd.testing.assert_frame_equal(
        training_draws("central", 50, 9), training_draws("central", 50, 9)
    )
    assert not training_draws("central", 50, 9).equals(training_draws("central", 50, 10))


def test_evidence_settings_change_training_never_the_baseline():
    org = cs.Organisation.generate(60, "office", seed=3)
    cals = {
        s: cs.calibrate(
            org, seed=1, draws=10, workers=1, progress=False, max_generations=1, evidence=s
        )
        for s in EVIDENCE
    }
    baseline_cols = [c for c in cals["central"].parameters if c not in TRAINING_EFFECTS]
    assert baseline_cols  # the targets did calibrate something
    for s, cal in cals.items():
        assert cal.evidence == s
        assert set(TRAINING_EFFECTS) <= set(cal.parameters)
        pd.testing.assert_frame_equal(
            cal.draws[baseline_cols], cals["central"].draws[baseline_cols]
        )
        pd.testing.assert_frame_equal(cal.fit, cals["central"].fit)
    # ...while what training does differs, sceptical lowest.
    means = [cals[s].draws["skill_transfer"].mean() for s in EVIDENCE]
    assert means == sorted(means) and means[0] < means[2]
    # Runs without training are identical in every setting; with training they differ.
    none = cs.Scenario(org, days=40)
    trained = none.with_(programmes=[cs.Training("active_listening", coverage=0.5)])
    runs = {s: cs.simulate(none, 10, seed=2, calibration=cal) for s, cal in cals.items()}
    for s in EVIDENCE:
        pd.testing.assert_frame_equal(runs[s].summary, runs["central"].summary)
    with_training = {
        s: cs.simulate(trained, 10, seed=2, calibration=cal).summary.conflicts.sum()
        for s, cal in cals.items()
    }
    assert with_training["sceptical"] != with_training["enthusiastic"]


def test_with_evidence_replaces_the_training_draws_only():
    org = cs.Organisation.generate(60, "office", seed=3)
    cal = cs.calibrate(org, seed=1, draws=10, workers=1, progress=False, max_generations=1)
    again = cal.with_evidence("enthusiastic").with_evidence("central")
    pd.testing.assert_frame_equal(again.draws, cal.draws)
    assert "skill_transfer" not in again.base
    assert "central evidence" in cal.summary().set_index("parameter").loc["skill_transfer", "prior"]


def test_skill_transfer_scales_the_shift_in_both_simulators():
    kind = cs.Training("active_listening")
    p = cs.Params(skill_transfer=0.25)
    assert kind.shift_listening(p) == pytest.approx(kind.effect_listening * 0.25)
    assert np.allclose(kind.shift_listening(p, np.array([0.0, 1.0])), [0.0, kind.effect_listening])
    org = cs.Organisation.generate(60, "office", seed=3)
    scn = cs.Scenario(org, days=30, programmes=[cs.Training("active_listening", coverage=1.0)])
    # No transfer: training changes nothing at all, in the engine and in the Mesa model.
    off = scn.with_(params=cs.Params(skill_transfer=0.0))
    plain = cs.Scenario(org, days=30)
    a, b = cs.simulate(off, 3, seed=1), cs.simulate(plain, 3, seed=1)
    np.testing.assert_array_equal(a.summary.conflicts, b.summary.conflicts)
    m_off, m_plain = cs.ConflictModel(off, rng=4), cs.ConflictModel(plain, rng=4)
    m_off.run_for(30)
    m_plain.run_for(30)
    assert m_off.summary()["conflicts"] == m_plain.summary()["conflicts"]
    full = cs.simulate(scn.with_(params=cs.Params(skill_transfer=1.0)), 3, seed=1)
    assert full.summary.conflicts.sum() != b.summary.conflicts.sum()


def test_evidence_table_describes_every_setting():
    table = evidence_table()
    assert list(table["what"]) == list(TRAINING_EFFECTS)
    for s in EVIDENCE:
        assert table[s].str.contains("median").all()


def test_plans_use_the_defaults_in_every_setting():
    for s in EVIDENCE:
        assert Plan(evidence=s).params == cs.Params()


def test_unknown_evidence_setting_is_refused():
    with pytest.raises(ValueError, match="evidence setting 'hopeful'"):
        Plan(evidence="hopeful")
    with pytest.raises(ValueError, match="evidence setting 'cautious'"):
        training_draws("cautious", 5, 1)
