"""conflictsim.plain: parameters and how often an option pays, in plain words."""

from __future__ import annotations

import math

import pytest

from conflictsim import plain
from conflictsim.evidence import EVIDENCE
from conflictsim.params import REGISTRY
from conflictsim.uncertainty import ALL, TRAINING_GROUP


def test_every_parameter_and_every_group_of_the_value_of_information_has_words():
    assert set(plain.PARAMETER_LABELS) == set(REGISTRY)
    for name in (TRAINING_GROUP, ALL):
        assert plain.parameter_label(name) == plain.GROUP_LABELS[name]
    assert plain.parameter_label("skill_transfer") == "How much of the trained skill shows at work"
    assert plain.parameter_label("no such thing") == "no such thing"
    assert plain.parameter_labels(["trigger"]) == {"trigger": plain.PARAMETER_LABELS["trigger"]}


@pytest.mark.parametrize(
    ("share", "words"),
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
def test_pays_for_itself_rounds_to_tenths_and_never_claims_certainty(share, words):
    assert plain.pays_for_itself(share) == words


def test_pays_for_itself_names_what_the_share_is_of():
    assert plain.pays_for_itself(0.3, "runs") == "pays for itself in about 3 of 10 runs"
    assert plain.in_ten(0.25) == 3 and plain.in_ten(None) is None


def test_in_worlds_is_the_same_rounding_without_the_verb():
    assert plain.in_worlds(0.44) == "in about 4 of 10 plausible worlds"
    assert plain.in_worlds(0.02) == "in almost none of the plausible worlds"
    assert plain.in_worlds(0.97, "years") == "in almost all years"
    assert plain.in_worlds(math.nan) == "n/a"


def test_every_evidence_setting_has_words():
    assert set(plain.EVIDENCE_WORDS) == set(EVIDENCE)
    assert plain.evidence_text("sceptical").startswith(
        "Sceptical (half the belief on training changing nothing at work"
    )
    assert all("updated by the controlled trials" in w for w in plain.EVIDENCE_WORDS.values())
    assert plain.evidence_text(None) == "training effects as given (not drawn)"
