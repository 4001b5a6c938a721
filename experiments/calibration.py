"""Check the baseline office against the calibration targets of docs/ODD.md section 3.4.

Run: ``uv run python experiments/calibration.py [replicates]``. Prints conflict hours per
employee per week (target about 2.8, CPP 2008) and the share of employees in at least one
conflict a week (target about half, Porath & Pearson 2013).
"""

import sys

import numpy as np

import conflictsim as cs
from conflictsim.outcomes import summarise

replicates = int(sys.argv[1]) if len(sys.argv) > 1 else 5
org = cs.Organisation.generate(500, "office", seed=1)
scn = cs.Scenario(org, days=250)
hours, weekly = [], []
for seed in range(replicates):
    model = cs.ConflictModel(scn, rng=seed)
    before = np.zeros(org.size)
    for week in range(50):
        model.run_for(5)
        now = np.array([a.conflicts for a in model.employees])
        if week >= 4:
            weekly.append(np.mean(now > before))
        before = now
    hours.append(summarise(model.daily_frame(), scn)["hours_per_employee_week"])
print(f"conflict hours per employee per week: {np.mean(hours):.2f} (target about 2.8)")
print(f"share in at least one conflict a week: {np.mean(weekly):.2f} (target about 0.5)")
