"""How long calibrating an organisation to the published targets takes.

A 500-person office, 200 parameter sets, ABC-SMC with pyabc on this machine's cores, in a
fresh process (imports, the fork server and the workers' start included), then the same
on a Dask cluster of a scheduler and two single-threaded workers started as separate
processes on 127.0.0.1. Prints the times (three local runs; the slowest is reported) and
whether the two gave the same draws.

Run: ``uv run python benchmarks/calibration_timing.py``.
"""

import json
import sys
import tempfile
import time
from pathlib import Path

start = time.perf_counter()
import conflictsim as cs  # noqa: E402 - timed with the imports
from conflictsim.calibration.fitting import calibrate  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from dask_cluster import dask_cluster  # noqa: E402

#: Runs of the local calibration (the slowest is the one reported).
RUNS = 3


def main() -> None:
    org = cs.Organisation.generate(500, "office", seed=1)
    imported = time.perf_counter() - start
    # This machine's speed drifts by about 10% from minute to minute: three runs, the
    # slowest one counts.
    runs = []
    for _ in range(RUNS):
        t = time.perf_counter()
        local = calibrate(org, cs.Targets.published(), seed=1, draws=200, progress=False)
        runs.append(time.perf_counter() - t)
        print(
            f"local, all cores: {runs[-1]:.1f} s in calibrate; "
            f"{local.meta['simulations']} simulations, "
            f"{len(local.meta['generations'])} generations, converged {local.converged}"
        )
    local_s = max(runs)
    print(f"({imported:.1f} s of imports before the first); slowest {local_s:.1f} s")
    with tempfile.TemporaryDirectory() as tmp, dask_cluster(Path(tmp)) as address:
        t = time.perf_counter()
        remote = calibrate(
            org, cs.Targets.published(), seed=1, draws=200, progress=False, scheduler=address
        )
        dask_s = time.perf_counter() - t
    same = local.draws.equals(remote.draws)
    print(f"Dask, 2 worker processes: {dask_s:.1f} s; same draws as local: {same}")
    out = {
        "local_seconds": round(local_s, 1),
        "local_runs_seconds": [round(r, 1) for r in runs],
        "imports_seconds": round(imported, 1),
        "dask_seconds": round(dask_s, 1),
        "same_draws": same,
        "simulations": local.meta["simulations"],
    }
    Path(__file__).with_name("calibration_results.json").write_text(json.dumps(out) + "\n")


if __name__ == "__main__":
    main()
