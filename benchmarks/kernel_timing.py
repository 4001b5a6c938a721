"""Time the fast engine's kernels on a few workloads (``simulate`` on one thread).

Run from the repository root, for example:

    uv run python benchmarks/kernel_timing.py                     # every workload, 5 repeats
    uv run python benchmarks/kernel_timing.py --only office_10k --repeat 3

Each workload is set up and its kernels loaded before timing; the times printed are the
best and the median of the repeats (wall clock, one process, ``threads=1``), and the
counted agent-days a second of the best (the four weeks of warm-up run too). The script
reads only ``simulate``'s public interface, so the same file times an older copy of the
engine (``PYTHONPATH=old/copy python benchmarks/kernel_timing.py``) for a comparison
before and after a change (docs/benchmarks.md, "Kernel restructuring").
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import networkx as nx

import conflictsim as cs
from conflictsim.engine import simulate


def _office(size: int, days: int, replicates: int, programmes=()) -> Callable[[], object]:
    scn = cs.Scenario(
        cs.Organisation.generate(size, "office", seed=1), days=days, programmes=list(programmes)
    )
    simulate(scn.with_(days=2), 2, threads=1)  # load the kernels
    return lambda: simulate(scn, replicates, seed=1, threads=1)


def _sis(n: int, degree: float, days: int) -> Callable[[], object]:
    graph = nx.fast_gnp_random_graph(n, degree / (n - 1), seed=1)
    params = cs.Params.sis(transmission=0.05, recovery=0.2)
    scn = cs.Scenario(cs.Organisation.from_graph(graph), params, days=days, initial_upset=0.05)
    simulate(scn.with_(days=2), 1, threads=1)
    return lambda: simulate(scn, 1, seed=1, threads=1)


#: Workload name: (description, agent-days of one run, set-up returning the timed call).
WORKLOADS = {
    "office_10k": ("office 10,000 x 250 days, 1 replicate", 10_000 * 250,
                   lambda: _office(10_000, 250, 1)),
    "office_100k": ("office 100,000 x 250 days, 1 replicate", 100_000 * 250,
                    lambda: _office(100_000, 250, 1)),
    "office_500": ("office 500 x 250 days, 50 replicates in one call (many small days)",
                   500 * 250 * 50, lambda: _office(500, 250, 50)),
    "ensemble": ("office 1,000 x 250 days, 100 replicates in one call", 1_000 * 250 * 100,
                 lambda: _office(1_000, 250, 100)),
    "training": ("office 1,000 x 250 days, 100 replicates, de-escalation for managers",
                 1_000 * 250 * 100,
                 lambda: _office(1_000, 250, 100, [cs.Training("deescalation",
                                                                target="managers")])),
    "sis": ("SIS limit, G(n=10,000, mean degree 8), 100 days, 1 replicate", 10_000 * 100,
            lambda: _sis(10_000, 8.0, 100)),
}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=list(WORKLOADS), help="only these")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs of each (default 5)")
    args = parser.parse_args()
    for name in args.only or WORKLOADS:
        what, agent_days, setup = WORKLOADS[name]
        run = setup()
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            run()
            times.append(time.perf_counter() - start)
        best, median = min(times), statistics.median(times)
        rate = agent_days / best / 1e6
        print(f"{name:12s} best {best:7.3f} s  median {median:7.3f} s  {rate:5.1f} M/s  {what}",
              flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
