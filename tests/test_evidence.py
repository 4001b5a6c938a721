"""conflictsim.evidence: cautious, central and optimistic readings of the evidence."""

from __future__ import annotations

import pytest

import conflictsim as cs
from conflictsim.evidence import EVIDENCE, LEVERS, evidence_params, evidence_table
from conflictsim.params import REGISTRY
from conflictsim.planner.plan import MONTH_DAYS, Option, Plan
from conflictsim.training import KINDS


def test_central_evidence_is_the_calibrated_default():
    params = Plan().params
    assert params == cs.Params()


@pytest.mark.parametrize("lever", LEVERS, ids=lambda lever: lever.name)
def test_evidence_settings_move_each_lever_to_an_end_of_its_plausible_range(lever):
    spec = REGISTRY[lever.name]
    lo, hi = spec.sweep_range
    cautious, central, optimistic = (evidence_params(s)[lever.name] for s in EVIDENCE)
    assert central == spec.default
    assert {cautious, optimistic} == {lo, hi}
    # Optimistic is the end where training works better.
    assert (optimistic > cautious) == (lever.direction > 0)


def test_evidence_settings_leave_the_size_of_the_problem_alone():
    levers = {lever.name for lever in LEVERS}
    for setting in EVIDENCE:
        params = Plan(evidence=setting).params
        for name, spec in REGISTRY.items():
            if name not in levers:
                assert params[name] == spec.default, (setting, name)
    assert "transmission" not in levers and "trigger" not in levers and "wage" not in levers


def test_evidence_settings_scale_programme_effects_and_half_life():
    option = Option("deescalation", "managers")
    t = {s: option.training(s) for s in EVIDENCE}
    kind = KINDS["deescalation"]
    assert t["central"].effect_listening == kind.listening_d
    assert t["cautious"].effect_listening == pytest.approx(0.5 * kind.listening_d)
    assert t["optimistic"].effect_regulation == pytest.approx(1.5 * kind.regulation_d)
    assert (
        t["cautious"].half_life_days < t["central"].half_life_days < t["optimistic"].half_life_days
    )
    # Tatel & Ackerman 2025: half the gain gone after about 6.5-13 months.
    assert t["cautious"].half_life_days == pytest.approx(6.5 * MONTH_DAYS, rel=0.05)
    assert t["optimistic"].half_life_days == pytest.approx(13 * MONTH_DAYS, rel=0.05)


def test_evidence_table_lists_every_lever_and_the_programme_settings():
    table = evidence_table()
    assert {lever.name for lever in LEVERS} <= set(table["what"])
    assert len(table) == len(LEVERS) + 2
    assert (table["cautious"] <= table["optimistic"]).all()


def test_unknown_evidence_setting_is_refused():
    with pytest.raises(ValueError, match="evidence setting 'hopeful'"):
        Plan(evidence="hopeful")
