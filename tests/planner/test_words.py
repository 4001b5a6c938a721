"""conflictsim.planner.words: numbers as planners read them."""

from __future__ import annotations

import pytest

from conflictsim.planner.words import fmt_number, fmt_percent


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0, "0"),
        (0.123, "0.12"),
        (7.25, "7.2"),
        (42.6, "43"),
        (525.5, "530"),
        (213837, "210,000"),
        (-3748.2, "-3,700"),
        (float("nan"), "n/a"),
    ],
)
def test_numbers_are_rounded_to_what_the_simulation_supports(value, text):
    assert fmt_number(value) == text


def test_percent():
    assert fmt_percent(0.1234) == "12%"
    assert fmt_percent(0.004) == "0.4%"
    assert fmt_percent(14.68) == "1,468%"
    assert fmt_number(20000, exact=True) == "20,000"
