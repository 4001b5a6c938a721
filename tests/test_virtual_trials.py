"""Virtual trials: the studies of training on incidents, and the evidence settings given them.

For every encoded study the model, under central evidence given the trials, must be able
to have produced what the study reported: the published estimate lies in the middle 90%
of the estimates its virtual trial gives over plausible worlds. The update itself is
checked on known answers: a precise study of no effect moves belief toward no effect, a
precise study of a large effect away from it, and a study that says nothing moves
nothing.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs
from conflictsim.evidence import TRAINING_EFFECTS, prior_draws, stored_posterior
from conflictsim.virtual_trials import (
    TRIAL_NAMES,
    TRIALS,
    VirtualTrial,
    chance_sd,
    missing_chance,
    posterior,
    trial,
    world_params,
)


def test_the_studies_are_encoded_with_their_intervals_and_sources():
    t = cs.trials()
    assert list(t.columns[:10]) == ["name", "programme", "setting", "design", "trained",
                                    "follow_up", "outcome", "estimate", "low", "high"]  # fmt: skip
    assert {"khan2021", "baig2018", "taheri2016", "whittington1996"} <= set(t["name"])
    assert (t["low"] <= t["estimate"]).all() and (t["estimate"] <= t["high"]).all()
    assert t["how"].str.match(r"^(published|derived: |judgement: )").all()
    assert t["source"].str.len().gt(10).all() and t["virtual"].str.len().gt(20).all()
    assert set(t["programme"]) <= set(cs.KINDS)
    with pytest.raises(ValueError, match="unknown trial 'nope'"):
        cs.replicate_trial("nope")


@pytest.mark.parametrize("name", TRIAL_NAMES)
def test_the_published_estimate_is_within_what_the_model_gives(name):
    rep = cs.replicate_trial(name, evidence="central", worlds=200, seed=1)
    s = rep.summary
    assert len(rep.estimates) == 200 and set(TRAINING_EFFECTS) <= set(rep.estimates.columns)
    assert s["simulated_low"] < s["simulated_median"] < s["simulated_high"]
    assert s["covers"], s


def test_a_virtual_trial_of_no_effect_is_centred_on_its_design_alone():
    # With training doing nothing, trained and untrained units differ by chance only;
    # a before-after study of the wards with the most violence still finds a fall:
    # regression to the mean, which the virtual trial reproduces as the study ran.
    none = pd.DataFrame({e: np.zeros(300) for e in TRAINING_EFFECTS})
    for name in ("khan2021", "engel2022", "whittington1996"):
        t = trial(name)
        y = VirtualTrial.of(t).run(world_params(t.design.preset, none), 5)
        se = y.std(ddof=1) / np.sqrt(y.size)
        if name == "whittington1996":
            assert y.mean() < -0.1 and y.mean() + 4 * se < 0
        else:
            assert abs(y.mean()) < 4 * se + 0.02, (name, y.mean(), se)
    # The virtual trials are at least as precise as the studies they stand for.
    for t in TRIALS:
        assert chance_sd(t.name) <= 1.05 * t.log_se, t.name
        assert missing_chance(t) >= 0


def study(name: str, estimate: float, half: float):
    """A study as ``name`` was run, reporting ``estimate`` (log scale) with +-``half``."""
    t = trial(name)
    e = float(np.expm1(estimate))
    return dataclasses.replace(t, estimate=e, low=float(np.expm1(estimate - half)),
                               high=float(np.expm1(estimate + half)))  # fmt: skip


@pytest.fixture(scope="module")
def updates():
    # The Engel design (the most precise virtual trial here), with made-up results: no
    # change at all, precisely; a 45% fall, precisely; and a study that says nothing.
    draws = 400
    return {
        "none": posterior("sceptical", draws, 2000, 3, (study("engel2022", 0.0, 0.05),))[1],
        "large": posterior("sceptical", draws, 2000, 3, (study("engel2022", -0.6, 0.05),))[1],
        "vague": posterior("sceptical", draws, 2000, 3, (study("engel2022", 0.0, 30.0),))[1],
    }


def test_a_precise_study_moves_belief_toward_what_it_found(updates):
    # Prior: half on no effect. A precise null moves it up, a precise large fall down to
    # nothing; a study with an interval of +-30 on the log scale leaves it where it was.
    assert updates["none"]["no_effect_prior"] == 0.5
    assert updates["none"]["no_effect_posterior"] > 0.7
    assert updates["large"]["no_effect_posterior"] < 0.01
    assert updates["vague"]["no_effect_posterior"] == pytest.approx(0.5, abs=0.02)
    prior_mean = updates["vague"]["means"]["skill_transfer"]["prior"]
    assert updates["vague"]["means"]["skill_transfer"]["posterior"] == pytest.approx(
        prior_mean, rel=0.05
    )
    assert (updates["large"]["means"]["skill_transfer"]["posterior"]
            > 2 * updates["none"]["means"]["skill_transfer"]["posterior"])  # fmt: skip


def test_the_stored_settings_are_the_trials_update_of_their_priors():
    # What every comparison uses: each setting given the trials, less favourable to
    # training than its prior, the sceptic still putting much of it on no effect.
    for s in ("sceptical", "central", "enthusiastic"):
        sets, about = stored_posterior(s)
        assert set(about["studies"]) == {t.name for t in TRIALS if t.used}
        assert about["draws"] >= 3000 and about["effective_draws"] > 300
        for name in TRAINING_EFFECTS:
            m = about["means"][name]
            assert m["posterior"] < m["prior"]
            assert sets[name].mean() == pytest.approx(m["posterior"], abs=0.02)
        prior = prior_draws(s, 4000, 1)
        assert sets["skill_transfer"].mean() < prior["skill_transfer"].mean()
    assert stored_posterior("sceptical")[1]["no_effect_posterior"] >= 0.4
