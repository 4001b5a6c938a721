"""A calibration's own tables: priors, narrowing and the prior against the posterior."""

from __future__ import annotations

from copy import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import conflictsim
from conflictsim.calibration.result import Calibration, targets_met
from conflictsim.calibration.tables import (
    POSTERIOR_BINS,
    fit_frame,
    parameter_table,
    prior_posterior_table,
    priors_of,
)
from conflictsim.words import narrowing_words


@pytest.fixture(scope="module")
def stored_cal():
    return Calibration.load(
        Path(conflictsim.__file__).parent / "data" / "calibrations" / "office-200-seed1"
    )


def test_prior_posterior_bins_hold_equal_prior_probability(stored_cal):
    priors = priors_of(stored_cal)
    table = prior_posterior_table(stored_cal)
    assert list(dict.fromkeys(table["parameter"])) == stored_cal.parameters
    for name, g in table.groupby("parameter"):
        np.testing.assert_allclose(g["prior"], 1 / POSTERIOR_BINS)
        assert g["posterior"].sum() == pytest.approx(1.0)
        # The shares are the draws counted in each bin.
        x = stored_cal.draws[name].to_numpy()
        first = g.iloc[0]
        assert first["posterior"] == pytest.approx(
            np.mean((x >= first["left"]) & (x < first["right"])), abs=1e-12
        )
        assert g["scale"].iloc[0] == ("log" if priors[name].kind == "loguniform" else "linear")
    log_edges = table[table["parameter"] == "trigger"][["left", "right"]].to_numpy()
    np.testing.assert_allclose(np.diff(np.log(log_edges), axis=1), np.log(100) / 20)


def test_the_posteriors_width_is_measured_against_the_priors(stored_cal):
    priors = priors_of(stored_cal)
    u = (np.arange(400) + 0.5) / 400
    as_prior = copy(stored_cal)
    as_prior.draws = pd.DataFrame({n: priors[n].ppf(u) for n in stored_cal.parameters})
    wide = parameter_table(as_prior)
    np.testing.assert_allclose(wide["width"], 1.0, atol=0.01)
    assert set(wide["verdict"]) == {narrowing_words(1.0)}
    narrow = copy(stored_cal)
    narrow.draws = pd.DataFrame({n: priors[n].ppf(0.5 + 0.02 * (u - 0.5)) for n in priors})
    assert (parameter_table(narrow)["width"] < 0.03).all()
    assert "pinned down" in narrowing_words(0.02)


def test_the_fit_frame_says_which_targets_are_met(stored_cal):
    frame = fit_frame(stored_cal)
    fit = stored_cal.fit
    assert list(frame["target"]) == list(fit["target"])
    assert list(frame["met"]) == list(targets_met(fit))
    moved = fit.copy()
    moved.loc[0, "simulated"] = moved.loc[0, "target_high"] + 1  # just outside
    assert not targets_met(moved)[0] and targets_met(moved)[1:].equals(targets_met(fit)[1:])
    assert frame.loc[frame["target"] == "weekly_rude_share", "percent"].all()
    assert not frame.loc[frame["target"] == "hours_per_week", "percent"].any()


def test_a_calibrations_key_changes_with_its_draws(stored_cal):
    other = copy(stored_cal)
    other.draws = stored_cal.draws.iloc[::-1].reset_index(drop=True)
    assert (
        stored_cal.key
        == Calibration.load(
            Path(conflictsim.__file__).parent / "data" / "calibrations" / "office-200-seed1"
        ).key
    )
    assert other.key != stored_cal.key and len(stored_cal.key) == 16
