"""Recorded outputs of seeded runs stay bit-identical (tests/golden/record.py).

A refactoring must not change a single number: simulate summaries and daily tables, a Mesa
run, comparison tables, a batch run's comparison, a planner evaluation and the command
line's text are recorded and compared exactly (values and dtypes).
"""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "golden_record", Path(__file__).parent / "golden" / "record.py"
)
record = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(record)


def test_recorded_outputs_are_bit_identical():
    problems = record.differences()
    assert not problems, "\n".join(problems)
