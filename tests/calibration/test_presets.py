"""The stored calibrations of the four presets still reproduce their targets.

Each is simulated afresh with the current code, every parameter set once (one call of
the engine, replicate k running set k); the published targets must hold on average and
for most sets. Regenerate them with ``uv run python -m conflictsim.calibration.presets``.
"""

import numpy as np
import pytest

import conflictsim as cs
from conflictsim.calibration import presets
from conflictsim.calibration.fitting import WARMUP_DAYS
from conflictsim.calibration.statistics import simulation_statistics


@pytest.mark.parametrize("preset", list(cs.PRESETS))
def test_stored_preset_calibration_reproduces_the_published_targets(preset):
    org = cs.Organisation.generate(presets.SIZE, preset, seed=presets.SEED)
    cal = presets.stored(org)
    assert cal is not None, f"no stored calibration for {preset}"
    assert cal.converged and len(cal) == presets.DRAWS
    names = [t.name for t in cal.targets]
    assert names == cs.Targets.published().names
    scn = cs.Scenario(org, days=cal.meta["days"])
    res = cs.simulate(scn, len(cal), seed=11, calibration=cal, record_teams=False)
    stats = [simulation_statistics(res, names, WARMUP_DAYS, replicate=k) for k in range(len(cal))]
    for t in cal.targets:
        values = np.array([s[t.name] for s in stats])
        assert t.low <= values.mean() <= t.high, (t.name, values.mean())
        inside = np.mean((values >= t.low) & (values <= t.high))
        assert inside >= 0.6, (t.name, inside)


def test_a_preset_of_another_size_or_seed_has_no_stored_calibration():
    assert presets.stored(cs.Organisation.generate(presets.SIZE + 1, "office", seed=1)) is None
    assert presets.stored(cs.Organisation.generate(presets.SIZE, "office", seed=2)) is None
