"""Experiment files for the tests of conflictsim.experiment: a small base, writing, refusing."""

from __future__ import annotations

import textwrap

import pytest

from conflictsim import experiment as ex

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
