"""De-escalation training for half a call centre: conflicts avoided, costs, the ripple.

Run: ``uv run python experiments/call_centre_deescalation.py [replicates] [engine]``.
400 employees, one year, common random numbers; prints the comparison table.
"""

import sys

import pandas as pd

import conflictsim as cs

replicates = int(sys.argv[1]) if len(sys.argv) > 1 else 100
engine = sys.argv[2] if len(sys.argv) > 2 else "fast"
org = cs.Organisation.generate(size=400, preset="call_centre", seed=1)
arms = {
    "baseline": cs.Scenario(org, days=250),
    "deescalation_half": cs.Scenario(
        org, days=250, programmes=[cs.Training("deescalation", coverage=0.5)]
    ),
}
cmp = cs.compare(arms, replicates=replicates, seed=1, engine=engine)
pd.set_option("display.width", 160)
print(cmp.table.drop(columns="arm").round(3).to_string(index=False))
