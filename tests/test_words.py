"""conflictsim.words: the one vocabulary of labels, numbers, money and shares of worlds."""

from __future__ import annotations

import math

import pytest

from conflictsim import words
from conflictsim.evidence import EVIDENCE
from conflictsim.params import REGISTRY
from conflictsim.uncertainty import ALL, TRAINING_GROUP
from conflictsim.words import percent, rounded


def test_every_parameter_and_every_group_of_the_value_of_information_has_words():
    assert set(words.PARAMETER_LABELS) == set(REGISTRY)
    for name in (TRAINING_GROUP, ALL):
        assert words.parameter_label(name) == words.GROUP_LABELS[name]
    assert words.parameter_label("skill_transfer") == "How much of the trained skill shows at work"
    assert words.parameter_label("no such thing") == "no such thing"
    assert words.parameter_labels(["trigger"]) == {"trigger": words.PARAMETER_LABELS["trigger"]}


@pytest.mark.parametrize(
    ("share", "text"),
    [
        (0.66, "pays for itself in about 7 of 10 plausible worlds"),
        (0.5, "pays for itself in about 5 of 10 plausible worlds"),
        (0.05, "pays for itself in about 1 of 10 plausible worlds"),
        (0.04, "pays for itself in almost none of the plausible worlds"),
        (0.949, "pays for itself in about 9 of 10 plausible worlds"),
        (0.95, "pays for itself in almost all plausible worlds"),
        (1.0, "pays for itself in almost all plausible worlds"),
        (math.nan, "n/a"),
    ],
)
def test_pays_for_itself_rounds_to_tenths_and_never_claims_certainty(share, text):
    assert words.pays_for_itself(share) == text


def test_pays_for_itself_names_what_the_share_is_of():
    assert words.pays_for_itself(0.3, "runs") == "pays for itself in about 3 of 10 runs"
    assert words.in_ten(0.25) == 3 and words.in_ten(None) is None


def test_in_worlds_is_the_same_rounding_without_the_verb():
    assert words.in_worlds(0.44) == "in about 4 of 10 plausible worlds"
    assert words.in_worlds(0.02) == "in almost none of the plausible worlds"
    assert words.in_worlds(0.97, "years") == "in almost all years"
    assert words.in_worlds(math.nan) == "n/a"


def test_every_evidence_setting_has_words():
    assert set(words.EVIDENCE_WORDS) == set(EVIDENCE)
    assert words.evidence_text("sceptical").startswith(
        "Sceptical (half the belief on training changing nothing at work"
    )
    assert all("updated by the controlled trials" in w for w in words.EVIDENCE_WORDS.values())
    assert words.evidence_text(None) == "training effects as given (not drawn)"


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
    assert rounded(value) == text


def test_percent():
    assert percent(0.1234) == "12%"
    assert percent(0.004) == "0.4%"
    assert percent(14.68) == "1,468%"
    assert rounded(20000, exact=True) == "20,000"


def test_money_is_whole_units_or_rounded_with_its_currency():
    assert words.money(12345.6) == "12,346"
    assert words.money(12345.6, "EUR", signed=True) == "EUR +12,346"
    assert words.money(-3748.2, exact=False) == "-3,700"
    assert words.money(3748.2, " $ ", signed=True, exact=False) == "$ +3,700"
    assert words.money(float("nan"), "EUR") == "n/a"
    assert words.money_unit("") == "the currency of the hourly cost of work (wage)"
    assert words.currency_problem("EUR") is None
    assert "at most 12" in words.currency_problem("euros of the year")


def test_statistics_keep_three_figures_so_a_near_miss_reads_as_one():
    assert words.statistic(2.8149) == "2.81"
    assert words.statistic(0.1234, share=True) == "12.3%"
    assert words.statistic(213837) == "210,000"
    assert words.fixed(1234.5, 1, signed=True) == "+1,234.5"
    assert words.short(42.50) == "42.5"


def test_where_a_value_lies_and_how_a_calibration_ended():
    assert words.place(2.5, 2.1, 2.8) == "inside"
    assert words.place(2.81, 2.1, 2.8) == "above"
    assert words.place(2.0, 2.1, 2.8) == "below"
    assert words.converged_text(True, 0.8, "x").startswith("Converged: every kept")
    missed = words.converged_text(False, 1.7, "raise --draws")
    assert "within 1.70 times" in missed and missed.endswith("Raise --draws.")
    assert words.converged_text(False, None, "run longer") == "Not converged: run longer."
    assert words.narrowing_words(0.9).startswith("about as wide")
    assert words.narrowing_words(0.1) == "pinned down by the targets"


def test_lists_and_articles():
    assert words.listed([]) == "" and words.listed(["a"]) == "a"
    assert words.listed(["a", "b", "c"]) == "a, b and c"
    assert words.with_article("office") == "an office" and words.capitalised("abc") == "Abc"
    assert sorted(["T10", "T2"], key=words.natural_key) == ["T2", "T10"]
    assert words.interval_in_worlds(3.2, 12.4) == "3.2 to 12 in 9 of 10 plausible worlds"
    assert words.could_be_nothing(-1, 2) and not words.could_be_nothing(1, 2)


def test_numbers_without_an_outcome_keep_significant_figures_and_no_exponent():
    assert words.number_text(23281.4) == "23,281"  # whole units are kept
    assert words.number_text(0.123456) == "0.1235"
    assert words.number_text(-1.5) == "-1.5"
    assert words.number_text(2.5e-7) == "0.00000025"
    assert words.number_text(0) == "0" and words.number_text(float("nan")) == "n/a"
