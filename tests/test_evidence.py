"""conflictsim.evidence: sceptical, central and enthusiastic beliefs on what training does.

Known answers from Spiegelhalter, Freedman & Parmar (1994): a sceptical prior puts half
its belief on no effect at all and 5% above the hoped-for effect, an enthusiastic one 5%
below no effect; the central one is uniform from none to the hope. The settings change
training only: the baseline of a calibration is the same in each. What every comparison
uses is the setting updated by the trials (tests/test_virtual_trials.py).
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
    NO_EFFECT,
    TRAINING_EFFECTS,
    evidence_table,
    no_effect_share,
    prior,
    prior_draws,
    stored_posterior,
    training_draws,
)
from conflictsim.params import REGISTRY
from conflictsim.planner.plan import Plan


@pytest.mark.parametrize("name", TRAINING_EFFECTS)
def test_the_priors_put_their_tails_where_spiegelhalter_puts_them(name):
    hope = HOPED[name][0]
    sceptical, central, enthusiastic = (prior(s, name) for s in EVIDENCE)
    # Sceptical: half exactly 0, and 5% in all above the hope (a tenth of the half-normal
    # part, before the cut at the plausible maximum).
    assert sceptical.no_effect == NO_EFFECT == 0.5
    tail = 2 * (1 - stats.norm.cdf(hope / sceptical.spread))
    assert (1 - sceptical.no_effect) * tail == pytest.approx(0.05)
    assert sceptical.quantiles()[1] == 0.0  # the median sceptic expects nothing
    # Enthusiastic: 5% below no effect, before the cut at 0.
    assert stats.norm.cdf(0, enthusiastic.centre, enthusiastic.spread) == pytest.approx(0.05)
    assert central.quantiles()[1] == pytest.approx(hope / 2)
    # Medians in order, every value in the plausible range.
    medians = [p.quantiles()[1] for p in (sceptical, central, enthusiastic)]
    assert medians == sorted(medians) and medians[0] < medians[2]
    low, high = REGISTRY[name].sweep_range
    for s in EVIDENCE:
        for draw in (prior_draws, training_draws):
            d = draw(s, 400, 3)[name]
            assert d.between(low, high).all()


def test_prior_draws_follow_their_prior_and_the_seed():
    d = prior_draws("sceptical", 2000, 5)
    # Exactly half the worlds: training changes nothing at work, both effects at once.
    nothing = (d == 0).all(axis=1)
    assert nothing.sum() == 1000 and ((d == 0).any(axis=1) == nothing).all()
    p = prior("sceptical", "skill_transfer")
    # Kolmogorov-Smirnov of the rest against the half-normal (a Latin hypercube fits closely).
    a, b = (p.low - p.centre) / p.spread, (p.high - p.centre) / p.spread
    slab = d.loc[~nothing, "skill_transfer"]
    ks = stats.kstest(slab, stats.truncnorm(a, b, loc=p.centre, scale=p.spread).cdf)
    assert ks.statistic < 0.01
    # Both marginals exact, with the copula's correlation (Spearman 6/pi asin(rho/2)).
    both = prior_draws("central", 2000, 5)
    for name in TRAINING_EFFECTS:
        lo, hi = prior("central", name).centre, prior("central", name).spread
        assert stats.kstest(both[name], stats.uniform(lo, hi - lo).cdf).statistic < 0.02
    rho = stats.spearmanr(both["skill_transfer"], both["responder_success"]).statistic
    assert rho == pytest.approx(6 / np.pi * np.arcsin(CORRELATION / 2), abs=0.03)
    pd.testing.assert_frame_equal(prior_draws("central", 50, 9), prior_draws("central", 50, 9))
    assert not prior_draws("central", 50, 9).equals(prior_draws("central", 50, 10))


def test_draws_given_the_trials_come_evenly_from_the_stored_posterior():
    for s in EVIDENCE:
        sets, about = stored_posterior(s)
        assert list(sets.columns) == list(TRAINING_EFFECTS) and len(sets) == about["kept"]
        d = training_draws(s, 400, 5)
        # Systematic sampling along skill_transfer: every quantile of the posterior is hit.
        qs = np.linspace(0.05, 0.95, 10)
        assert np.abs(np.quantile(d["skill_transfer"], qs)
                      - np.quantile(sets["skill_transfer"], qs)).max() < 0.03  # fmt: skip
        pd.testing.assert_frame_equal(training_draws(s, 50, 9), training_draws(s, 50, 9))
        assert not training_draws(s, 50, 9).equals(training_draws(s, 50, 10))
    before, after = no_effect_share("sceptical")
    assert before == 0.5 and after == pytest.approx(
        stored_posterior("sceptical")[1]["no_effect_posterior"], abs=0.02
    )


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
    # ...while what training does differs, sceptical lowest (given the trials too).
    means = [cals[s].draws["skill_transfer"].mean() for s in EVIDENCE]
    assert means == sorted(means) and means[0] < means[2]
    assert all(cal.evidence_given_trials for cal in cals.values())
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
    text = cal.summary().set_index("parameter").loc["skill_transfer", "prior"]
    assert "central evidence" in text and "updated by the controlled trials" in text
    # The prior alone, for showing what the trials changed.
    alone = cal.with_evidence("central", trials=False)
    pd.testing.assert_frame_equal(
        alone.draws[list(TRAINING_EFFECTS)], prior_draws("central", len(cal), cal.seed)
    )
    assert not alone.evidence_given_trials


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
        assert table[f"{s} given the trials"].str.contains("median").all()
    assert table["sceptical"].str.contains("50% exactly 0").all()


def test_plans_use_the_defaults_in_every_setting():
    for s in EVIDENCE:
        assert Plan(evidence=s).params == cs.Params()


def test_unknown_evidence_setting_is_refused():
    with pytest.raises(ValueError, match="evidence setting 'hopeful'"):
        Plan(evidence="hopeful")
    with pytest.raises(ValueError, match="evidence setting 'cautious'"):
        training_draws("cautious", 5, 1)
