"""Experiment files: parsing, designs, units, and refusing malformed files clearly."""

from __future__ import annotations

import textwrap

import numpy as np
import pytest

from conflictsim import experiment as ex
from conflictsim.experiment.toml_lines import LineIndex
from conflictsim.params import REGISTRY

BASE = """\
[experiment]
name = "small"
seed = 7
replicates = 6
days = 20
engine = "mesa"
replicates_per_unit = 4

[organisation]
preset = "office"
size = 40
"""


def write(tmp_path, text: str, name: str = "exp.toml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def refused(tmp_path, text: str) -> str:
    path = write(tmp_path, text)
    with pytest.raises(ValueError) as info:
        ex.load(path)
    msg = str(info.value)
    assert msg.startswith(str(path)), msg  # every message names the file first
    return msg


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
    assert e.arm_names == ["baseline", "deesc", "both"]
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


def test_default_engine_is_the_projects_default(tmp_path):
    from conflictsim.runs import DEFAULT_ENGINE

    text = BASE.replace('engine = "mesa"\n', "")
    e = ex.load(write(tmp_path, text))
    assert e.engine == DEFAULT_ENGINE == "fast" and not e.engine_given
    assert ex.load(write(tmp_path, BASE)).engine == "mesa"


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


# ---------------------------------------------------------------- designs
def test_grid_design(tmp_path):
    e = ex.load(
        write(
            tmp_path,
            BASE
            + """
[sweep]
design = "grid"
[sweep.parameters]
transmission = [0.1, 0.2, 0.3]
recovery = {levels = 2}
vacancy_days = {low = 10, high = 20, levels = 3}
""",
        )
    )
    assert e.n_points == 3 * 2 * 3
    pts = e.points_frame()
    assert sorted(pts["transmission"].unique()) == [0.1, 0.2, 0.3]
    assert sorted(pts["recovery"].unique()) == list(REGISTRY["recovery"].sweep_range)
    assert sorted(pts["vacancy_days"].unique()) == [10, 15, 20]
    assert len(pts.drop_duplicates(subset=["transmission", "recovery", "vacancy_days"])) == 18
    assert e.params_at(17, "baseline").vacancy_days == 20
    assert len(e.units()) == 18 * 2  # 2 blocks of replicates per point


def test_lhs_design_is_seeded_and_inside_bounds(tmp_path):
    text = (
        BASE
        + """
[sweep]
design = "lhs"
samples = 20
[sweep.parameters]
transmission = {}
clash = {low = 0.2, high = 0.3}
"""
    )
    a = ex.load(write(tmp_path, text))
    b = ex.load(write(tmp_path, text))
    assert a.n_points == 20
    np.testing.assert_array_equal(a.design.points, b.design.points)
    lo, hi = REGISTRY["transmission"].sweep_range
    assert a.design.points[:, 0].min() >= lo and a.design.points[:, 0].max() <= hi
    assert a.design.points[:, 1].min() >= 0.2 and a.design.points[:, 1].max() <= 0.3
    # Latin hypercube: one point in each of the 20 strata of every parameter (McKay 1979).
    strata = np.floor((a.design.points[:, 1] - 0.2) / 0.1 * 20).astype(int)
    assert sorted(strata) == list(range(20))


def test_sobol_and_morris_design_sizes(tmp_path):
    sobol = ex.load(
        write(
            tmp_path,
            BASE
            + """
[[arms]]
name = "baseline"
[[arms]]
name = "deesc"
programmes = [{kind = "deescalation", coverage = 0.5}]

[sensitivity]
samples = 8
contrast = ["baseline", "deesc"]
[sensitivity.parameters]
transmission = {}
recovery = {}
clash = {}
""",
        )
    )
    assert sobol.n_points == 8 * (3 + 2)  # Saltelli 2010 without second-order terms
    assert sobol.sensitivity.contrast == ("baseline", "deesc")
    morris = ex.load(
        write(
            tmp_path,
            BASE
            + """
[sensitivity]
method = "morris"
samples = 5
levels = 4
[sensitivity.parameters]
transmission = {}
recovery = {}
""",
        )
    )
    assert morris.n_points == 5 * (2 + 1)  # trajectories of D + 1 points (Morris 1991)


# ---------------------------------------------------------------- refusals
# (text appended to BASE, substrings the message must hold, the line it must name)
BAD = [
    ("[experimnt]\nseed = 1\n", ["unknown key 'experimnt'", "did you mean 'experiment'"], 13),
    ("[parameters]\ntransmision = 0.2\n", ["key parameters.transmision", "'transmission'"], 14),
    ("[parameters]\ntransmission = 1.5\n", ["transmission", "out of range"], 14),
    ('[parameters]\ntransmission = "high"\n', ["must be a number", "'high'"], 14),
    ("[outputs]\ndaily = 1\n", ["outputs.daily", "true or false"], 14),
    (
        '[[arms]]\nname = "a"\n[[arms.programmes]]\nkind = "mediation"\n',
        ["arms[0].programmes[0].kind", "unknown programme kind 'mediation'"],
        16,
    ),
    (
        '[[arms]]\nname = "a"\n[[arms]]\nname = "b"\nprogrammes = [\n'
        '  {kind = "deescalation"},\n  {kind = "active_listening", coverage = 1.5},\n]\n',
        ["arms[1].programmes[1].coverage", "coverage must be a share"],
        19,
    ),
    (
        '[[arms]]\nname = "a"\nprogrammes = [{kind = "deescalation", colour = "red"}]\n',
        ["unknown key 'colour'", "allowed here"],
        15,
    ),
    ('[[arms]]\nname = "a"\n[[arms]]\nname = "a"\n', ["two arms are called 'a'"], 16),
    ('[[arms]]\nname = "no training"\n', ["must start with a letter"], 14),
    (
        '[[arms]]\nname = "a"\nprogrammes = [{kind = "deescalation", headcount = 500}]\n',
        ["headcount 500 is more than the 40 people"],
        15,
    ),
    (
        '[[arms]]\nname = "a"\nprogrammes = [{kind = "deescalation", target = "hotspots"}]\n',
        ["hotspots", "start_day"],
        15,
    ),
    (
        '[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = {low = 0.1, high = 2}\n',
        ["sweep.parameters.transmission.high", "must lie in [0, 1]"],
        16,
    ),
    (
        '[sweep]\ndesign = "lhs"\nsamples = 10\n[sweep.parameters]\n'
        "recovery = {low = 0.5, high = 0.2}\n",
        ["low (0.5) must be below high (0.2)"],
        17,
    ),
    (
        '[sweep]\ndesign = "latin"\nsamples = 10\n',
        ["unknown value 'latin'", "grid, lhs, sobol"],
        14,
    ),
    (
        "[sensitivity]\nsamples = 10\n[sensitivity.parameters]\ntransmission = {}\n",
        ["power of 2", "8 or 16"],
        14,
    ),
    (
        '[sensitivity]\nsamples = 8\ncontrast = ["baseline", "training"]\n'
        "[sensitivity.parameters]\ntransmission = {}\n",
        ["unknown arm 'training'"],
        15,
    ),
    (
        '[parameters]\nrecovery = 0.3\n[sweep]\ndesign = "lhs"\nsamples = 4\n'
        "[sweep.parameters]\nrecovery = {}\n",
        ["set in [parameters] and varied here"],
        19,
    ),
]


@pytest.mark.parametrize(("extra", "needles", "line"), BAD)
def test_malformed_files_are_refused_with_file_line_and_key(tmp_path, extra, needles, line):
    msg = refused(tmp_path, BASE + "\n" + extra)
    for needle in needles:
        assert needle in msg, msg
    assert f", line {line}," in msg, msg


@pytest.mark.parametrize(
    ("old", "new", "needles"),
    [
        ("replicates = 6\n", 'replicates = "6"\n', ["experiment.replicates", "whole number"]),
        ("replicates = 6\n", "", ["experiment.replicates", "is required"]),
        ("replicates = 6\n", "replicates = 0\n", ["at least 1"]),
        ("days = 20\n", "days = 2.5\n", ["experiment.days", "whole number"]),
        ('engine = "mesa"\n', 'engine = "turbo"\n', ["unknown value 'turbo'", "mesa"]),
        ('preset = "office"\n', 'preset = "factory"\n', ["organisation.preset", "call_centre"]),
        ('preset = "office"\nsize = 40\n', 'csv = "missing.csv"\n', ["no such file"]),
        ("size = 40\n", "size = 40\nedges = 'e.csv'\n", ["edges needs csv"]),
    ],
)
def test_wrong_types_and_values_are_refused(tmp_path, old, new, needles):
    msg = refused(tmp_path, BASE.replace(old, new))
    for needle in needles:
        assert needle in msg, msg


def test_invalid_toml_names_the_line(tmp_path):
    msg = refused(tmp_path, BASE + "\n[parameters\n")
    assert "not valid TOML" in msg and "line 13" in msg


def test_missing_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="no such experiment file"):
        ex.load(tmp_path / "nope.toml")


def test_line_index_follows_arrays_of_tables():
    text = textwrap.dedent(
        """\
        [[arms]]
        name = "a"   # a comment with key = value
        [[arms]]
        name = "b"
        [arms.parameters]
        clash = 0.3
        [[arms.programmes]]
        kind = "x"
        [[arms.programmes]]
        kind = "y"
        """
    )
    idx = LineIndex(text)
    assert idx.line(("arms", 0, "name")) == 2
    assert idx.line(("arms", 1, "name")) == 4
    assert idx.line(("arms", 1, "parameters", "clash")) == 6
    assert idx.line(("arms", 1, "programmes", 1, "kind")) == 10
    assert idx.line(("arms", 1, "programmes", 1, "coverage")) == 9  # its table
    assert idx.line(("nothing",)) is None
