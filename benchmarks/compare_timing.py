"""Time ``cs.compare``: a baseline and three programme arms, 50 replicates, 500 employees.

Run: ``uv run python benchmarks/compare_timing.py``. Prints the best of five wall times on
one thread and on every core (``CONFLICTSIM_THREADS``).
"""

import os
import time

import conflictsim as cs
from conflictsim.engine.threads import THREADS_ENV, cores

org = cs.Organisation.generate(500, "office", seed=1)
arms = {"baseline": cs.Scenario(org)} | {
    kind: cs.Scenario(org, programmes=[cs.Training(kind, coverage=0.3)]) for kind in cs.KINDS
}
cs.compare(arms, replicates=5, seed=1)  # load the compiled kernels
for threads in (1, cores()):
    os.environ[THREADS_ENV] = str(threads)
    times = []
    for _ in range(5):
        start = time.perf_counter()
        cs.compare(arms, replicates=50, seed=1)
        times.append(time.perf_counter() - start)
    print(
        f"compare, 4 arms x 50 replicates x 500 employees x 250 days, {threads} thread(s): "
        f"best {min(times):.2f} s"
    )
