"""Time the plan search for the dashboard's default question.

The office preset of 200 with its stored calibration, a budget of 20,000, a year, 200
plausible worlds, central evidence, every candidate the Best plan page searches: the
dashboard's own call (``planner.search``), in this process after one warm-up call (the
numba kernels loaded, the preset's calibration read). Prints each call's wall time, the
candidates, the runs and the recommended plan, with the machine's load; ``--exhaustive``
also times every plan on every world, for the racing's saving.

Run: ``uv run python benchmarks/plan_timing.py [--repeat N] [--exhaustive]``.
"""

from __future__ import annotations

import argparse
import os
import time

from conflictsim import planner
from conflictsim.plans import best_plans
from conflictsim.scenario import Scenario


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exhaustive", action="store_true")
    args = parser.parse_args()
    plan = planner.Plan()  # the default question: office of 200, 20,000, a year, 200 worlds
    org = planner.build_org(plan)
    found = planner.preset_baseline(plan, org)
    planner.search(plan.with_(replicates=10), org, found.calibration)  # warm-up
    for _ in range(args.repeat):
        load = os.getloadavg()[0]
        start = time.perf_counter()
        plans = planner.search(plan, org, found.calibration)
        took = time.perf_counter() - start
        print(
            f"search {took:.2f} s: {plans.candidates} plans, {len(plans.dropped)} dropped, "
            f"{plans.runs:,} runs; best: {plans.recommended} (load {load:.1f})"
        )
    if args.exhaustive:
        used = planner.for_plan(found.calibration, plan, org)
        scn = Scenario(org=org, params=plan.params, days=plan.days)
        start = time.perf_counter()
        full = best_plans(scn, plan.budget, calibration=used, worlds=200, seed=1, racing=False)
        print(
            f"exhaustive {time.perf_counter() - start:.2f} s: {full.runs:,} runs; "
            f"best: {full.recommended}"
        )


if __name__ == "__main__":
    main()
