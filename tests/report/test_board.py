"""The board report of a plan search: what a board reads, and nothing of the interface."""

from __future__ import annotations

import html
import re

import pytest

import conflictsim as cs
from conflictsim import planner
from conflictsim.params import REGISTRY
from conflictsim.report.board import board_report
from conflictsim.version import __version__


@pytest.fixture(scope="module")
def report():
    plan = planner.Plan(size=60, days=120, replicates=6, budget=5000)
    plan = plan.with_price("deescalation", "cost_per_session", 800).with_override("wage", 40)
    org = planner.build_org(plan)
    found = planner.preset_baseline(plan, org)
    plans = planner.search(plan, org, found.calibration)
    context = planner.board_context(plans, plan, org, found, "Northfield Council")
    return plans, board_report(plans, **context, date="2026-12-08")


def test_the_report_names_the_organisation_question_and_recommendation(report):
    plans, text = report
    assert "<title>Training plan for Northfield Council</title>" in text
    assert f"2026-12-08 · conflictsim {__version__}" in text
    assert "With 5,000 to spend on conflict training" in text
    top = plans.table.iloc[0]
    assert plans.best, "the scenario should recommend a plan"
    assert f"<td>{top['plan']}</td>" in text
    assert "Break-even" in text and "In 9 of 10 plausible worlds" in text
    # What the trials found, study by study, for the recommended programme.
    for citation in cs.trials().query("programme == @plans.best[0].kind")["citation"]:
        assert html.escape(citation.split(",")[0]) in text
    # The assumptions changed from the defaults.
    assert "priced from a quote: cost per session day 800" in text
    wage = REGISTRY["wage"]
    assert f"{wage.meaning.capitalize()}: 40 (default {wage.default:g})." in text


def test_the_report_has_its_charts_and_prints_a_part_a_page(report):
    _, text = report
    assert len(re.findall(r"id=\"chart-(plans|frontier)\"", text)) == 2
    assert "@media print" in text and "page-break-before: always" in text
    assert text.count("<section") == 3


def test_the_report_holds_no_interface_words_or_local_addresses(report):
    _, text = report
    body = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    for word in (
        "127.0.0.1",
        "localhost",
        "sidebar",
        "cs.trials()",
        "Download",
        "click",
        "page address",
    ):
        assert word not in body, word
