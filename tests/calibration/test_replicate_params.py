"""The engine runs a parameter set per replicate in one call: the numbers of separate runs."""

import numpy as np
import pandas as pd
import pytest

import conflictsim as cs

ORG = cs.Organisation.generate(80, "office", seed=2)


def test_identical_sets_give_exactly_the_plain_run():
    scn = cs.Scenario(ORG, days=60)
    plain = cs.simulate(scn, 4, seed=9)
    same = cs.simulate(scn, 4, seed=9, replicate_params=[scn.params] * 4)
    pd.testing.assert_frame_equal(plain.daily, same.daily)
    pd.testing.assert_frame_equal(plain.summary, same.summary)


@pytest.mark.parametrize("with_training", [False, True])
def test_each_replicate_equals_its_own_run(with_training):
    progs = [cs.Training("deescalation", target="managers", coverage=1.0)] if with_training else []
    scn = cs.Scenario(ORG, days=60, programmes=progs, params=cs.Params(grievance_weight=0.5))
    sets = [
        scn.params.replace(transmission=0.1, trigger=0.02, grievance_decay=0.2, skill_transfer=0.1),
        scn.params.replace(transmission=0.3, recovery=0.5, hours_minor=3.0, skill_transfer=1.4),
        scn.params.replace(absence_base=0.05, quit_base=0.002, report_minor=0.9),
    ]
    together = cs.simulate(scn, seed=4, replicate_ids=[0, 1, 2], replicate_params=sets)
    for k, p in enumerate(sets):
        alone = cs.simulate(scn.with_(params=p), seed=4, replicate_ids=[k])
        a = together.daily[together.daily.replicate == k].reset_index(drop=True)
        pd.testing.assert_frame_equal(a, alone.daily)
        pd.testing.assert_frame_equal(together.incidents(k), alone.incidents(k))
        assert together.params_of(k) == p
    # The sets differ, so the runs differ (the test could fail).
    assert together.summary.conflicts.nunique() == 3


def test_shared_parameters_must_agree():
    scn = cs.Scenario(ORG, days=10)
    with pytest.raises(ValueError, match="vacancy_days"):
        other = scn.params.replace(vacancy_days=5)
        cs.simulate(scn, 2, seed=1, replicate_params=[scn.params, other])
    with pytest.raises(ValueError, match="2 sets for 3"):
        cs.simulate(scn, 3, seed=1, replicate_params=[scn.params] * 2)


def test_a_calibration_gives_replicate_k_its_set_k_and_refuses_another_org():
    cal = cs.calibrate(ORG, seed=2, draws=10, workers=1, progress=False, max_generations=1)
    scn = cs.Scenario(ORG, days=30)
    res = cs.simulate(scn, 12, seed=3, calibration=cal)
    for k in (0, 5, 11):
        assert res.params_of(k) == cal.params(k)
        alone = cs.simulate(scn.with_(params=cal.params(k)), seed=3, replicate_ids=[k])
        np.testing.assert_array_equal(
            res.daily[res.daily.replicate == k].conflicts.to_numpy(), alone.daily.conflicts
        )
    with pytest.raises(ValueError, match="belongs to"):
        cs.simulate(cs.Scenario(cs.Organisation.generate(80, "office", seed=3)), 2, calibration=cal)
    with pytest.raises(ValueError, match="listening_shield"):
        cs.simulate(scn.with_(params=cs.Params(listening_shield=0.1)), 2, calibration=cal)
    # Costs may differ from the calibration's: they do not change the baseline.
    costly = cs.simulate(scn.with_(params=cs.Params(wage=80.0)), 2, calibration=cal)
    assert costly.params_of(1).wage == 80


def test_compare_over_a_calibration_pairs_replicate_k_of_every_arm():
    cal = cs.calibrate(ORG, seed=2, draws=10, workers=1, progress=False, max_generations=1)
    scn = cs.Scenario(ORG, days=30)
    cmp = cs.compare({"a": scn, "b": scn.with_()}, replicates=6, seed=3, calibration=cal)
    row = cmp.table.query("arm == 'b' and outcome == 'conflicts'").iloc[0]
    assert row["mean"] == 0 and row["ci_low"] == 0 and row["ci_high"] == 0
    plain = cs.compare({"a": scn, "b": scn.with_()}, replicates=6, seed=3)
    a = cmp.table.query("arm == 'b' and outcome == 'conflicts'")["baseline_mean"].iloc[0]
    b = plain.table.query("arm == 'b' and outcome == 'conflicts'")["baseline_mean"].iloc[0]
    assert a != b  # the calibration's sets were used
