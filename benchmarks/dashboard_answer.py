"""Time the dashboard's question over 200 plausible worlds, and a change of one option.

The default plan (a 200-person office over a year, its stored calibration, central
evidence) with four options, so five arms with no training, and each de-escalation option
run again without its responders (seven arms in all), and 200 simulated years, one per
parameter set. Times, best of ``--repeat``:

- *all arms*: ``planner.evaluate`` from nothing (what a new question costs);
- *a change*: one option's programme changed, the other arms read from a cache by their
  keys as the dashboard's ``_preset_arm`` does (what the planner waits for after a change);
- *results only*: the tables, intervals, plausible worlds and value of information from
  runs already made (the part of a change that is not simulation).

Each at one thread and at every core (``CONFLICTSIM_THREADS``'s default). Prints the
machine's load, since the development machine is shared.

Run: ``uv run python benchmarks/dashboard_answer.py [--repeat N] [--sets N]``.
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import replace

from conflictsim import planner
from conflictsim.engine.threads import THREADS_ENV, cores
from conflictsim.planner.plan import Option

OPTIONS = (
    Option("deescalation", "managers", "coverage", 0.5),
    Option("active_listening", "managers", "coverage", 0.5),
    Option("emotional_regulation", "random", "coverage", 0.25),
    Option("deescalation", "customer_facing", "coverage", 0.5),
)


def best(times: list[float]) -> str:
    return f"{min(times):.2f} s (of {', '.join(f'{t:.2f}' for t in times)})"


def measure(plan, org, cal, repeat: int) -> dict[str, list[float]]:
    first = replace(plan.options[0], programme="emotional_regulation")
    changed = replace(plan, options=(first, *plan.options[1:]))
    out = {"all arms": [], "a change": [], "results only": []}
    for _ in range(repeat):
        cache: dict = {}

        def arm(key, scn, used, cache=cache):
            if key not in cache:
                cache[key] = planner.run_arm(scn, plan.replicates, plan.seed, calibration=used)
            return cache[key]

        t0 = time.perf_counter()
        planner.evaluate(plan, org, runner=arm, calibration=cal)
        t1 = time.perf_counter()
        planner.evaluate(changed, org, runner=arm, calibration=cal)
        t2 = time.perf_counter()
        planner.evaluate(changed, org, runner=arm, calibration=cal)
        t3 = time.perf_counter()
        out["all arms"].append(t1 - t0)
        out["a change"].append(t2 - t1)
        out["results only"].append(t3 - t2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sets", type=int, default=200, help="plausible worlds (replicates)")
    args = parser.parse_args()
    plan = planner.Plan(options=OPTIONS, replicates=args.sets)
    org = planner.build_org(plan)
    found = planner.preset_baseline(plan, org)
    cal = found.calibration
    apart = sum(o.programme == "deescalation" for o in plan.options)  # run without responders too
    print(
        f"{len(plan.arms(org))} arms (+{apart} without responders) x {plan.replicates} worlds x "
        f"{org.size} employees x "
        f"{plan.days} days; baseline {found.how} ({0 if cal is None else len(cal)} sets); "
        f"{cores()} cores; load average {os.getloadavg()}"
    )
    planner.evaluate(replace(plan, replicates=4), org, calibration=cal)  # load the kernels
    for threads in (1, None):
        if threads is None:
            os.environ.pop(THREADS_ENV, None)
        else:
            os.environ[THREADS_ENV] = str(threads)
        label = "1 thread" if threads == 1 else f"every core ({cores()} threads)"
        for name, times in measure(plan, org, cal, args.repeat).items():
            print(f"{label:>24}  {name:<13} {best(times)}")


if __name__ == "__main__":
    main()
