"""The top-level key evidence: read, checked, and the sets the replicates run."""

from __future__ import annotations

import pandas as pd
import pytest
from experiment_files import BASE, refused, write
from quick_calibration import quick_calibration

from conflictsim import experiment as ex
from conflictsim.cli import main
from conflictsim.evidence import TRAINING_EFFECTS, training_draws

ARMS = """
[[arms]]
name = "baseline"

[[arms]]
name = "listen"
programmes = [{kind = "active_listening", coverage = 0.5}]
"""


def with_evidence(setting: str, extra: str = "") -> str:
    return f'evidence = "{setting}"\n' + BASE + extra + ARMS


def test_without_a_calibration_the_sets_hold_the_training_effects_only(tmp_path):
    exp = ex.load(write(tmp_path, with_evidence("sceptical", "[parameters]\nclash = 0.3\n")))
    assert exp.evidence == exp.evidence_used == "sceptical" and exp.calibration is None
    cal = exp.run_calibration
    assert list(cal.parameters) == list(TRAINING_EFFECTS) and len(cal) == exp.replicates
    # One draw per replicate, from the experiment's seed.
    expected = training_draws("sceptical", exp.replicates, exp.seed)
    pd.testing.assert_frame_equal(cal.draws, expected)
    # Every other parameter is each scenario's own.
    params = exp.scenarios(0)["listen"].params
    assert cal.scenario_params(params, 2).clash == 0.3
    assert cal.scenario_params(params, 2).skill_transfer == expected["skill_transfer"][2]
    assert "sceptical evidence" in repr(exp)


def test_without_the_key_nothing_is_drawn(tmp_path):
    exp = ex.load(write(tmp_path, BASE + ARMS))
    assert exp.evidence is None and exp.run_calibration is None and exp.evidence_used is None


def test_over_a_calibration_its_sets_get_the_settings_training_effects(tmp_path):
    cal = quick_calibration()
    cal.save(tmp_path / "cal")
    text = BASE.replace('preset = "office"\nsize = 40', 'preset = "office"\nsize = 60\nseed = 3')
    own = ex.load(write(tmp_path, 'calibration = "cal"\n' + text + ARMS))
    assert own.evidence is None and own.evidence_used == cal.evidence == "central"
    pd.testing.assert_frame_equal(own.run_calibration.draws, own.calibration.draws)
    exp = ex.load(write(tmp_path, 'calibration = "cal"\nevidence = "enthusiastic"\n' + text + ARMS))
    drawn = exp.run_calibration.draws
    pd.testing.assert_frame_equal(
        drawn[list(TRAINING_EFFECTS)], training_draws("enthusiastic", len(cal), cal.seed)
    )
    baseline = [c for c in cal.parameters if c not in TRAINING_EFFECTS]
    pd.testing.assert_frame_equal(drawn[baseline], cal.draws[baseline])


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (with_evidence("optimistic"), ["line 1, key evidence", "unknown value 'optimistic'",
                                       "choose one of sceptical, central, enthusiastic"]),
        ('evidence = 1\n' + BASE + ARMS, ["key evidence", "must be text"]),
        (BASE.replace("[experiment]\n", '[experiment]\nevidence = "central"\n') + ARMS,
         ["key experiment.evidence", "top-level key"]),
        (with_evidence("central", "[parameters]\nskill_transfer = 0.5\n"),
         ["key parameters.skill_transfer", "drawn for each replicate from the evidence "
          "setting 'central'", "remove the top-level key evidence"]),
        (with_evidence("central") + "parameters = {responder_success = 0.2}\n",
         ["key arms[1].parameters.responder_success", "evidence setting"]),
        (with_evidence("central") + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\n'
         "responder_success = [0.1, 0.2]\n",
         ["key sweep.parameters.responder_success", "evidence setting"]),
    ],
)  # fmt: skip
def test_bad_evidence_is_refused_naming_the_key(tmp_path, text, needles):
    msg = refused(tmp_path, text)
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, msg


def test_the_command_line_refuses_it_with_exit_status_2(tmp_path, capsys):
    path = write(tmp_path, with_evidence("hopeful"))
    assert main(["run", str(path), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"conflictsim run: error: {path}, line 1, key evidence: ")
    assert not (tmp_path / "never").exists()


def test_a_sweep_of_other_parameters_runs_under_evidence(tmp_path):
    sweep = '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.2]\n'
    exp = ex.load(write(tmp_path, with_evidence("central") + sweep))
    assert exp.n_points == 2
    point = exp.params_at(1, "listen")
    assert exp.run_calibration.scenario_params(point, 0).transmission == 0.2
