"""Experiment files over a calibration: the key read and every mismatch refused at load."""

from __future__ import annotations

import hashlib
import json
import os
import shutil

import pytest
from experiment_files import refused, write
from quick_calibration import quick_calibration

from conflictsim import experiment as ex

BASE = """\
calibration = "{cal}"

[experiment]
seed = 7
replicates = 4
days = 30

[organisation]
preset = "office"
size = 60
seed = 3

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
programmes = [{{kind = "deescalation", coverage = 0.5}}]
"""


@pytest.fixture(scope="module")
def calibration(tmp_path_factory):
    """A quick calibration of the experiment's organisation, saved to a folder."""
    cal = quick_calibration()
    folder = tmp_path_factory.mktemp("cal") / "office-60"
    cal.save(folder)
    return folder


def text(tmp_path, folder, extra: str = "") -> str:
    """The base experiment naming ``folder`` relative to ``tmp_path`` (where it is written)."""
    return BASE.format(cal=os.path.relpath(folder, tmp_path)) + extra


def copy_of(calibration, tmp_path):
    """A copy of the calibration folder to damage or change."""
    return shutil.copytree(calibration, tmp_path / "copy")


def test_the_calibration_is_read_relative_to_the_file(calibration, tmp_path, monkeypatch):
    path = write(tmp_path, text(tmp_path, calibration))
    monkeypatch.chdir(calibration.parent)  # not the experiment's folder
    exp = ex.load(path)
    assert len(exp.calibration) == 10 and exp.calibration_dir == calibration.resolve()
    draws = (calibration / "draws.parquet").read_bytes()
    assert exp.calibration_sha256 == hashlib.sha256(draws).hexdigest()
    record = exp.calibration_record()
    assert record["org_fingerprint"] == exp.org.fingerprint()
    assert record["parameters"] == exp.calibration.parameters and record["draws"] == 10
    assert "over 10 calibrated sets" in repr(exp)
    assert (
        ex.load(write(tmp_path, text(tmp_path, calibration).split("\n", 1)[1])).calibration is None
    )


def test_costs_and_unchanged_parameters_are_allowed(calibration, tmp_path):
    # wage is free; clash = 0.25 is the value the calibration was made with.
    extra = "[parameters]\nwage = 60\nclash = 0.25\n"
    t = text(tmp_path, calibration).replace("[[arms]]", extra + "\n[[arms]]", 1)
    exp = ex.load(write(tmp_path, t))
    assert exp.parameters == {"wage": 60.0, "clash": 0.25}
    # A design may vary what does not change the baseline.
    sweep = '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\nreplacement_cost = [1e4, 3e4]\n'
    exp = ex.load(write(tmp_path, text(tmp_path, calibration, sweep)))
    assert exp.n_points == 2 and exp.design.names == ("replacement_cost",)


def params_table(t: str, table: str) -> str:
    return t.replace("[[arms]]", f"[parameters]\n{table}\n\n[[arms]]", 1)


# (how the base text is changed, substrings the message must hold)
BAD = [
    (
        lambda t: t.replace("seed = 3", "seed = 4"),
        ["key calibration", "is of another organisation ('office', fingerprint"],
    ),
    (
        lambda t: params_table(t, "transmission = 0.2"),
        ["key parameters.transmission", "'transmission' is calibrated", "remove it here"],
    ),
    (
        lambda t: t + "parameters = {trigger = 0.01}\n",
        ["key arms[1].parameters.trigger", "'trigger' is calibrated"],
    ),
    (
        lambda t: params_table(t, "clash = 0.3"),
        ["key parameters.clash", "'clash' is 0.3 here", "was made with 0.25"],
    ),
    (
        lambda t: t + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.2]\n',
        ["key sweep.parameters.transmission", "is calibrated", "cannot be varied too"],
    ),
    (
        lambda t: t + '\n[sweep]\ndesign = "lhs"\nsamples = 4\n[sweep.parameters]\nclash = {}\n',
        ["key sweep.parameters.clash", "cannot be varied over a calibration", "clash = 0.25"],
    ),
    (
        lambda t: t + "\n[sensitivity]\nsamples = 4\n[sensitivity.parameters]\nescalation = {}\n",
        ["key sensitivity.parameters.escalation", "may vary only wage"],
    ),
    (
        lambda t: t.replace("[experiment]\n", '[experiment]\ncalibration = "x"\n').split("\n", 1)[
            1
        ],
        ["key experiment.calibration", "top-level key"],
    ),
    (lambda t: "calibration = 3\n" + t.split("\n", 1)[1], ["key calibration", "must be text"]),
]


@pytest.mark.parametrize(("change", "needles"), BAD)
def test_mismatches_are_refused_naming_the_key(calibration, tmp_path, change, needles):
    msg = refused(tmp_path, change(text(tmp_path, calibration)))
    assert "\n" not in msg
    for needle in needles:
        assert needle in msg, msg


def test_missing_or_damaged_calibrations_are_refused(calibration, tmp_path):
    msg = refused(tmp_path, text(tmp_path, tmp_path / "nowhere"))
    assert "line 1, key calibration" in msg and "no calibration folder there" in msg

    copy = copy_of(calibration, tmp_path)
    (copy / "draws.parquet").write_bytes(b"not parquet")
    msg = refused(tmp_path, text(tmp_path, copy))
    assert "key calibration" in msg and "a Parquet file cannot be read" in msg

    shutil.copy(calibration / "draws.parquet", copy / "draws.parquet")
    (copy / "calibration.json").write_text("{")
    msg = refused(tmp_path, text(tmp_path, copy))
    assert "calibration.json: is not valid JSON" in msg

    (copy / "calibration.json").unlink()
    msg = refused(tmp_path, text(tmp_path, copy))
    assert "calibration.json: missing" in msg


def test_defaults_must_be_what_the_calibration_was_made_with(calibration, tmp_path):
    # As if calibrated with clash = 0.3 (calibrate(..., params=Params(clash=0.3))).
    copy = copy_of(calibration, tmp_path)
    doc = json.loads((copy / "calibration.json").read_text())
    doc["base"]["clash"] = 0.3
    (copy / "calibration.json").write_text(json.dumps(doc))
    msg = refused(tmp_path, text(tmp_path, copy))
    assert "key calibration" in msg and "set clash = 0.3 in [parameters]" in msg
    exp = ex.load(write(tmp_path, params_table(text(tmp_path, copy), "clash = 0.3")))
    assert exp.params_at(0, "deesc").clash == 0.3
