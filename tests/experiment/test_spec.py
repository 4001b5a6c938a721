"""The checked experiment: arms, parameters, scenarios, units and the fingerprint of a run."""

from __future__ import annotations

from experiment_files import BASE, write

from conflictsim import experiment as ex
from conflictsim.params import REGISTRY


def test_full_file_is_read(tmp_path):
    path = write(
        tmp_path,
        BASE
        + """
[parameters]
transmission = 0.2

[outputs]
daily = false

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
description = "half the staff"
[[arms.programmes]]
kind = "deescalation"
coverage = 0.5
refresher_days = 100

[[arms]]
name = "both"
programmes = [
  {kind = "active_listening", target = "managers"},
  {kind = "emotional_regulation", headcount = 5},
]
[arms.parameters]
responder_success = 0.2
""",
    )
    e = ex.load(path)
    assert e.name == "small" and e.seed == 7 and e.replicates == 6 and e.days == 20
    # De-escalation's arm also without its trainees acting as responders (no study has
    # measured them); "both" makes no responders.
    assert e.arm_names == ["baseline", "deesc", "both", "deesc-no-responders"]
    quiet = e.arms[-1]
    assert quiet.apart_from == "deesc" and "not acting as responders" in quiet.description
    assert [p.makes_responders for p in quiet.programmes] == [False]
    assert quiet.programmes[0].refresher_days == 100 and quiet.programmes[0].coverage == 0.5
    assert e.parameters == {"transmission": 0.2}
    assert e.outputs == {"daily": False, "employees": True}
    assert e.arms[1].programmes[0].refresher_days == 100
    assert [p.kind for p in e.arms[2].programmes] == ["active_listening", "emotional_regulation"]
    assert e.params_at(0, "both").responder_success == 0.2
    assert e.params_at(0, "both").transmission == 0.2
    assert e.params_at(0, "baseline").responder_success == REGISTRY["responder_success"].default
    scn = e.scenarios(0)
    assert scn["deesc"].org is scn["baseline"].org and scn["deesc"].days == 20
    assert e.n_points == 1


def test_defaults_and_units(tmp_path):
    e = ex.load(write(tmp_path, BASE))
    assert e.arm_names == ["baseline"]  # no arms: one arm without training
    assert e.initial_upset == 0.02 and e.engine_given
    units = e.units()
    assert [u.id for u in units] == ["p0000__baseline__r0000-0003", "p0000__baseline__r0004-0005"]
    assert sum(u.count for u in units) == 6


def test_units_cover_every_replicate_once(tmp_path):
    e = ex.load(write(tmp_path, BASE + '[[arms]]\nname = "a"\n[[arms]]\nname = "b"\n'))
    for arm in ("a", "b"):
        reps = [k for u in e.units() if u.arm == arm for k in range(u.first, u.first + u.count)]
        assert reps == list(range(6))
    # Arms alternate within a block of replicates, so a stopped run has comparable arms.
    assert [u.arm for u in e.units()[:2]] == ["a", "b"]


def test_csv_organisation_relative_to_file(tmp_path):
    (tmp_path / "data").mkdir()
    rows = ["employee_id,manager_id,team"] + [
        f"E{i},{'' if i == 0 else 'E0'},T{i % 2}" for i in range(12)
    ]
    (tmp_path / "data" / "org.csv").write_text("\n".join(rows) + "\n")
    text = BASE.replace('preset = "office"\nsize = 40\n', 'csv = "data/org.csv"\n')
    e = ex.load(write(tmp_path, text))
    assert e.org.size == 12
    assert set(e.input_files()) == {"org.csv"}
    before = e.fingerprint()
    (tmp_path / "data" / "org.csv").write_text("\n".join(rows[:-1]) + "\n")
    assert ex.load(write(tmp_path, text)).fingerprint() != before  # inputs are hashed too
