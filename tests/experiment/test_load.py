"""Loading experiment files: defaults, and refusing malformed files with file, line and key."""

from __future__ import annotations

import pytest
from experiment_files import BASE, refused, write

from conflictsim import experiment as ex


def test_default_engine_is_the_projects_default(tmp_path):
    from conflictsim.runs import DEFAULT_ENGINE

    text = BASE.replace('engine = "mesa"\n', "")
    e = ex.load(write(tmp_path, text))
    assert e.engine == DEFAULT_ENGINE == "fast" and not e.engine_given
    assert ex.load(write(tmp_path, BASE)).engine == "mesa"


def test_the_warm_up_is_four_weeks_unless_the_file_says(tmp_path):
    e = ex.load(write(tmp_path, BASE))
    assert e.warmup == 20 and {s.warmup for s in e.scenarios().values()} == {20}
    e = ex.load(write(tmp_path, BASE.replace("days = 20\n", "days = 20\nwarmup = 10\n")))
    assert e.warmup == 10 and {s.warmup for s in e.scenarios().values()} == {10}


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
        ("days = 20\n", "days = 20\nwarmup = 7\n", ["experiment.warmup", "whole weeks"]),
        ("days = 20\n", "days = 20\nwarmup = -5\n", ["experiment.warmup", "at least 0"]),
        ("days = 20\n", "days = 20\ncurrency = 5\n", ["experiment.currency", "must be text"]),
        ("days = 20\n", "days = 20\ncurrency = 'euros of 2026'\n", ["at most 12"]),
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


def test_prices_set_every_programme_of_a_kind_and_a_programme_s_own_wins(tmp_path):
    exp = ex.load(
        write(
            tmp_path,
            BASE
            + """
[prices.deescalation]
cost_per_trainee = 420
hours_per_trainee = 6
cost_per_session = 1500

[[arms]]
name = "quote"
programmes = [{kind = "deescalation", target = "managers"}]

[[arms]]
name = "own"
programmes = [{kind = "deescalation", cost_per_trainee = 300}, {kind = "active_listening"}]
""",
        )
    )
    arms = {a.name: a for a in exp.arms}
    quote, own = arms["quote"], arms["own"]
    (p,) = quote.programmes
    assert (p.fee, p.hours, p.fixed) == (420, 6, 1500)
    mine, listening = own.programmes
    assert (mine.fee, mine.hours, mine.fixed) == (300, 6, 1500)
    assert listening.fixed == 0 and listening.cost_per_trainee is None  # not quoted


@pytest.mark.parametrize(
    ("prices", "where"),
    [
        ("[prices.yoga]\ncost_per_trainee = 1\n", "prices.yoga"),
        ("[prices.deescalation]\nfee = 1\n", "fee"),
        ("[prices.deescalation]\ncost_per_session = -5\n", "cost_per_session"),
    ],
)
def test_bad_prices_are_refused_naming_the_key(tmp_path, prices, where):
    msg = refused(tmp_path, BASE + "\n" + prices)
    assert where in msg, msg
