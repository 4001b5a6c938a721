"""Line numbers of keys in TOML text, for messages that name the line."""

from __future__ import annotations

import textwrap

from conflictsim.experiment.toml_lines import LineIndex


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
