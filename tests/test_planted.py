"""The planted-error script still applies to the code (tests/planted/planted_errors.py).

The script itself is slow and runs outside CI (docs/verification.md); this checks that
every error it plants still finds its one place in the code, and that together they
cover every step of MODEL.md sections 3-5 in both simulators.
"""

import importlib.util
import sys
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "planted_errors", Path(__file__).parent / "planted" / "planted_errors.py"
)
planted = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = planted  # dataclasses look their module up
_spec.loader.exec_module(planted)


def test_every_planted_error_finds_its_one_place():
    for error in planted.ERRORS:
        text = (planted.ROOT / error.path).read_text()
        assert text.count(error.old) == 1, f"{error.name}: {error.path}"
        assert error.new != error.old


def test_the_errors_cover_every_step_in_both_simulators():
    assert len(planted.ERRORS) >= 20
    assert len({e.name for e in planted.ERRORS}) == len(planted.ERRORS)
    steps = {e.mechanism.split()[0] for e in planted.ERRORS}
    assert {"3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8", "4", "5"} <= steps
    for step in ("3.1", "3.2", "3.3", "3.4", "3.5", "3.6", "3.7", "3.8"):
        sims = {e.simulator for e in planted.ERRORS if e.mechanism.startswith(step)}
        assert {"mesa", "engine"} <= sims, step


def test_the_script_runs_every_test_file_that_could_catch_an_error():
    # A renamed test file would otherwise be skipped silently and an error counted missed.
    for path in planted.TESTS:
        assert (planted.ROOT / path).exists(), path
    listed = {planted.ROOT / p for p in planted.TESTS}
    # Left out on purpose: the golden outputs change with any slip (they would catch every
    # error and say nothing about which test of the mechanism does); the dashboard and
    # browser tests only draw; the layer and planted checks read the code, not its results.
    skipped = {
        "test_golden.py",
        "test_dashboard.py",
        "test_browser.py",
        "test_layers.py",
        "test_planted.py",
    }
    for test_file in (planted.ROOT / "tests").rglob("test_*.py"):
        covered = test_file in listed or any(p in test_file.parents for p in listed)
        assert covered or test_file.name in skipped, test_file
