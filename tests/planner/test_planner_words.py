"""conflictsim.planner.words: each option's sentence, its cards and what would change the answer."""

from __future__ import annotations

import pandas as pd
import pytest
from small_plan import small_plan

from conflictsim.planner.words import headline_sentence, value_sentences
from conflictsim.words import percent, rounded


@pytest.fixture(scope="module")
def small():
    return small_plan()


def test_sentences_say_when_nobody_is_trained_and_when_some_worlds_avoid_nothing():
    row = {"option": "C", "trained": 0, "replicates": 100}
    assert "trains nobody" in headline_sentence(row, 250)
    row = dict(
        option="A",
        trained=10,
        cost_training=5000,
        conflicts_avoided=3,
        conflicts_avoided_ui_low=-4,
        conflicts_avoided_ui_high=10,
        conflicts_avoided_pct=0.01,
        conflicts_baseline=300,
        hours_saved=10,
        p_fewer_conflicts=0.6,
        net_benefit=-1200,
        net_benefit_ui_low=-5000,
        net_benefit_ui_high=2600,
        p_pays=0.3,
        p_best=0.04,
        replicates=100,
        break_even=20,
        break_even_pct=0.0667,
        net_benefit_cash=-4000,
        p_pays_cash=0.0,
        p_no_change=0.0,
    )
    text = headline_sentence(row, 250)
    assert "cannot rule out that it changes nothing" in text
    assert "-4 to 10 in 9 of 10 plausible worlds" in text
    assert "a net cost of 1,200 (-5,000 to 2,600 in 9 of 10 plausible worlds)" in text
    assert "pays for itself in about 3 of 10 plausible worlds" in text
    assert "best choice in almost none of the plausible worlds" in text
    # The break-even, and money in cash apart from working time.
    assert "It pays for itself if it avoids at least 20 conflicts (7% of them)" in text
    assert "In cash it is a net cost of 4,000 (training fees" in text
    assert "In cash alone it pays for itself in almost none of the plausible worlds" in text
    # A currency is named with every sum; what the trials found, for a programme.
    named = headline_sentence(row, 250, "deescalation", "EUR")
    assert "for EUR 5,000" in named and "a net cost of EUR 1,200" in named
    assert "studies of de-escalation training on incidents" in named
    # Many worlds where it changes nothing: said with their share.
    many = headline_sentence({**row, "p_no_change": 0.45}, 250)
    assert "In 45% of the plausible worlds it changes conflict by less than half a percent" in many
    # Where no world avoids nothing, the sentence does not say it could.
    sure = headline_sentence({**row, "conflicts_avoided_ui_low": 1}, 250)
    assert "cannot rule out" not in sure


def _with_value(res, shares: list[float], evpi: float = 10_000.0, se: float = 0.0):
    """``res`` with a value table of parameters worth ``shares`` of an EVPI of ``evpi``.

    Each value has standard error ``se``; one worth exactly 0 is one no option depends on.
    """
    from dataclasses import replace

    rows = [
        {
            "parameter": f"p{k}",
            "label": f"Quantity {k}",
            "evppi": s * evpi,
            "se": se,
            "share": s,
            "relevant": s > 0,
        }  # fmt: skip
        for k, s in enumerate(shares)
    ]
    rows.append({"parameter": "all", "label": "Knowing everything", "evppi": evpi, "se": se,
                 "share": 1.0, "relevant": True})  # fmt: skip
    return replace(res, value=pd.DataFrame(rows))


def test_value_words_name_what_matters_and_what_hardly_does(small):
    # Values within twice their standard error of 0 are not named as mattering; those no
    # option depends on are said to be worth nothing, and why.
    _, _, res = small
    words = " ".join(value_sentences(_with_value(res, [0.6, 0.2, 0.01, 0.02, 0.0], se=500.0)))
    assert "What would be worth knowing most: quantity 0 (about 6,000); quantity 1 (about " in words
    assert "quantity 2" not in words and "quantity 3" not in words
    assert "Worth nothing here, because no option depends on them: quantity 4." in words


def test_value_words_when_no_quantity_matters_alone(small):
    # Each one within its chance, everything together not: none is named as mattering.
    _, _, res = small
    text = " ".join(value_sentences(_with_value(res, [0.02, 0.01, 0.004], se=300.0)))
    assert "What would be worth knowing most" not in text
    assert "No single quantity can be shown to matter on its own" in text


def test_value_words_when_knowing_everything_cannot_be_told_from_nothing(small):
    _, _, res = small
    text = " ".join(value_sentences(_with_value(res, [0.5, 0.3], evpi=400.0, se=300.0)))
    assert "would hardly change the choice" in text and "not worth waiting for" in text
    assert "Knowing everything for sure would be worth" not in text


def test_cards_lead_with_conflicts_and_give_the_return_only_as_its_range(small):
    # A return on investment is never shown alone, nor first; money in cash and working
    # time and the break-even come with the net benefit.
    from conflictsim.planner.words import headline_cards

    _, _, res = small
    r = next(res.headlines.itertuples())
    cards = headline_cards(r, 30, "EUR")
    assert [c.label for c in cards] == ["Conflicts avoided", "Working hours saved",
                                        "Net benefit", "Return on investment"]  # fmt: skip
    roi = cards[-1]
    assert roi.value == f"{percent(r.roi_ui_low)} to {percent(r.roi_ui_high)}"
    assert "expected" in roi.caption and "9 of 10" in roi.caption
    net = cards[2]
    assert net.value.startswith("EUR ") and "In cash EUR" in net.caption
    assert "in working time EUR" in net.caption
    assert f"Pays for itself from {rounded(r.break_even)}" in cards[0].caption
