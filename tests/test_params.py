import math
import re
from pathlib import Path

import pytest

import conflictsim as cs
from conflictsim.params import _SIS_OFF, REGISTRY

ROOT = Path(__file__).resolve().parents[1]


def test_defaults_are_inside_their_ranges_and_documented():
    for spec in REGISTRY.values():
        assert spec.low <= spec.default <= spec.high, spec.name
        lo, hi = spec.sweep_range
        assert spec.low <= lo <= spec.default <= hi <= spec.high, spec.name
        assert spec.meaning and spec.source and spec.group, spec.name


def test_unknown_parameter_is_named():
    with pytest.raises(ValueError, match="unknown parameter 'transmision'"):
        cs.Params(transmision=0.1)


@pytest.mark.parametrize(
    "name, value",
    [("transmission", 1.5), ("recovery", -0.1), ("vacancy_days", 2.5), ("wage", math.nan)],
)
def test_out_of_range_or_invalid_value_is_named(name, value):
    with pytest.raises(ValueError, match=re.escape(repr(name))):
        cs.Params(**{name: value})


def test_non_numeric_value_is_refused():
    with pytest.raises(ValueError, match="'clash' must be a number"):
        cs.Params(clash="high")


def test_params_are_immutable_and_replace_validates():
    p = cs.Params(transmission=0.2)
    assert p.transmission == 0.2 and p["recovery"] == REGISTRY["recovery"].default
    with pytest.raises(AttributeError):
        p.transmission = 0.3
    q = p.replace(recovery=0.5)
    assert q.recovery == 0.5 and q.transmission == 0.2 and p.recovery != 0.5
    with pytest.raises(ValueError, match="recovery"):
        p.replace(recovery=2)


def test_replace_gives_what_the_constructor_gives():
    # replace checks only the changed values: the result and the refusals must be the
    # constructor's own, the SIS limit kept.
    p = cs.Params.sis(transmission=0.05)
    q = p.replace(recovery=0.3, vacancy_days=12.0)
    assert q == cs.Params(_contact_certain=True, **{**dict(p), "recovery": 0.3, "vacancy_days": 12})
    assert q.contact_certain and isinstance(q.vacancy_days, int)
    assert q is not p and p.recovery == 0.2
    with pytest.raises(ValueError, match="'vacancy_days' must be a whole number"):
        p.replace(vacancy_days=1.5)
    with pytest.raises(ValueError, match="unknown parameter 'recvery'; known parameters"):
        p.replace(recvery=0.3)
    with pytest.raises(ValueError, match="'recovery' must be finite"):
        p.replace(recovery=float("nan"))


def test_sis_limit_switches_everything_else_off():
    p = cs.Params.sis(transmission=0.05, recovery=0.1)
    assert p.transmission == 0.05 and p.recovery == 0.1 and p.contact_certain
    for name in _SIS_OFF:
        assert p[name] == 0, name
    with pytest.raises(ValueError, match="trigger"):
        cs.Params.sis(trigger=0.1)


def test_sizes_no_study_measured_are_labelled_assumptions():
    # Each rests on a study of something else (a prevalence, a correlation, officers' own
    # encounters, a week against a 14-day half-life): the size is ours, and says so.
    for name in ("customer_multiplier", "listening_shield", "grievance_decay", "responder_success"):
        assert REGISTRY[name].source.startswith("assumption"), name


def test_odd_documents_every_parameter():
    odd = (ROOT / "docs" / "ODD.md").read_text(encoding="utf-8")
    missing = [name for name in REGISTRY if f"`{name}`" not in odd]
    assert not missing, f"docs/ODD.md does not describe: {missing}"


def test_generated_doc_blocks_match_the_code():
    from conflictsim.docgen import BLOCKS, ROOT, block

    for rel, name, make in BLOCKS:
        text = (ROOT / rel).read_text(encoding="utf-8")
        assert block(text, name) == make(), f"run `uv run python -m conflictsim.docgen` ({rel})"


def test_params_survive_pickling_for_worker_processes():
    import pickle

    p = cs.Params.sis(transmission=0.3, recovery=0.2)
    q = pickle.loads(pickle.dumps(p))
    assert q == p and q.contact_certain and q.transmission == 0.3


def test_registry_frame_has_one_row_per_parameter():
    from conflictsim.params import registry_frame

    df = registry_frame()
    assert df["parameter"].tolist() == list(REGISTRY)
    assert (df["low"] <= df["default"]).all() and (df["default"] <= df["high"]).all()
