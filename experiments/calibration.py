"""Check the baseline office against the calibration targets of docs/ODD.md section 3.4.

Run: ``uv run python experiments/calibration.py [replicates]``. Prints conflict hours per
employee per week (target about 2.8, CPP 2008) and the share of employees treated rudely
at least once a week (target about half, Porath & Pearson 2013): drawn into a conflict by
an upset colleague, or in a clash of two upset ones; not those who only drew others in.
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
    for week in range(50):
        rude = np.zeros(org.size, dtype=bool)
        for _ in range(5):
            upset = np.array([a.upset for a in model.employees])  # start of the day
            model.step()
            for u, other in model.today["parties"]:
                rude[other] = True
                rude[u] |= upset[other]  # a clash
        if week >= 4:  # past the start-up transient
            weekly.append(rude.mean())
    hours.append(summarise(model.daily_frame(), scn)["hours_per_employee_week"])
print(f"conflict hours per employee per week: {np.mean(hours):.2f} (target about 2.8)")
print(f"share treated rudely at least once a week: {np.mean(weekly):.2f} (target about 0.5)")
