"""The default baseline meets the calibration targets of MODEL.md section 6."""

import numpy as np

import conflictsim as cs
from conflictsim.outcomes import summarise


def test_baseline_office_meets_the_published_base_rates():
    org = cs.Organisation.generate(500, "office", seed=1)
    scn = cs.Scenario(org, days=100)
    hours, weekly = [], []
    for seed in range(3):
        model = cs.ConflictModel(scn, rng=seed)
        before = np.zeros(org.size)
        for week in range(20):
            model.run_for(5)
            now = np.array([a.conflicts for a in model.employees])
            if week >= 4:  # past the start-up transient
                weekly.append(np.mean(now > before))
            before = now
        hours.append(summarise(model.daily_frame(), scn)["hours_per_employee_week"])
    # CPP 2008: 2.8 hours per employee per week in the US, 2.1 globally.
    assert 2.1 <= np.mean(hours) <= 3.5, hours
    # Porath & Pearson 2013: about half treated rudely at least weekly.
    assert 0.35 <= np.mean(weekly) <= 0.65, np.mean(weekly)
