"""Coverage: simulation-based calibration (Talts et al. 2018) of calibrations to records.

Over many synthetic organisations (a preset of 50-120 employees, its own seed) and
parameter sets drawn from the priors, incident records are simulated and calibrated
back with the records alone. If the calibration is honest, each parameter's 90%
posterior interval contains the truth in about 90% of cases (80-97% is asked), and the
truth's rank among the posterior draws is uniform.

Cases whose records hold no incident in their full weeks cannot be summarised and are
drawn again (the calibration would refuse them too); their number is reported.

Run: ``uv run python tests/calibration/sbc.py [--cases 50]``; it prints a Markdown
table for docs/verification.md and writes tests/calibration/sbc.json after every case.
The smaller version CI runs is tests/calibration/test_coverage.py.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

import conflictsim as cs
from conflictsim.calibration.fitting import WARMUP_DAYS

#: The parameters a calibration to records varies.
CALIBRATED = ("trigger", "transmission", "recovery", "report_minor", "report_major",
              "report_critical")  # fmt: skip


def case(index: int, *, size: tuple[int, int], days: int, seed: int):
    """Synthetic case ``index``: organisation, true parameters and records (or None)."""
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, index])))
    preset = list(cs.PRESETS)[index % len(cs.PRESETS)]
    org = cs.Organisation.generate(int(rng.integers(size[0], size[1] + 1)), preset, seed=index)
    truth = cs.Params(**{n: float(cs.REGISTRY[n].prior.ppf(rng.random())) for n in CALIBRATED})
    res = cs.simulate(
        cs.Scenario(org, params=truth, days=WARMUP_DAYS + days), 1, seed=int(rng.integers(2**31))
    )
    inc = res.incidents(0)
    inc = inc[inc["day"] >= WARMUP_DAYS].assign(day=lambda f: f["day"] - WARMUP_DAYS)
    inc.attrs["days"] = days
    if inc[inc["day"] < days // 5 * 5]["count"].sum() == 0:
        return org, truth, None
    return org, truth, inc.reset_index(drop=True)


def run(
    cases: int,
    *,
    size: tuple[int, int] = (50, 120),
    days: int = 120,
    draws: int = 100,
    seed: int = 2024,
    done: Callable[[dict], None] | None = None,
    **options,
) -> dict:
    """Calibrate ``cases`` synthetic cases; coverage and ranks per parameter.

    ``done`` sees the study so far after each case (the command line saves it then, so a
    stopped run keeps its finished cases).
    """
    rows, redrawn, index = [], 0, 0
    while len(rows) < cases:
        org, truth, inc = case(index, size=size, days=days, seed=seed)
        index += 1
        if inc is None:
            redrawn += 1
            continue
        cal = cs.calibrate(
            org, cs.Targets.from_incidents(inc, org), seed=index, draws=draws, **options
        )
        row = {
            "case": index - 1,
            "size": org.size,
            "converged": cal.converged,
            "simulations": cal.meta["simulations"],
            "moves_accepted": cal.meta["moves"]["accepted"],
            "moves_steps": cal.meta["moves"]["steps"],
            "moved": cal.meta["moves"]["moved"],
            "distinct": [cal.meta["moves"]["resampled_distinct"], cal.meta["moves"]["distinct"]],
        }
        for name in CALIBRATED:
            values = cal.draws[name].to_numpy()
            low, high = np.quantile(values, [0.05, 0.95])
            prior = cs.REGISTRY[name].prior
            row[name] = {
                "truth": float(truth[name]),
                "inside": bool(low <= truth[name] <= high),
                "rank": int((values < truth[name]).sum()),
                "width": float(high - low),
                # The interval's width over the prior's 90% (1: the records told nothing).
                "prior_share": float((prior.cdf(high) - prior.cdf(low)) / 0.9),
            }
        rows.append(row)
        out = _study(rows, redrawn, draws)
        if done is not None:
            done(out)
    return out


def _study(rows: list[dict], redrawn: int, draws: int) -> dict:
    coverage = {n: float(np.mean([r[n]["inside"] for r in rows])) for n in CALIBRATED}
    return {"cases": rows, "coverage": coverage, "redrawn": redrawn, "draws": draws}


def main() -> None:
    """Run the study and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--smallest", type=int, default=50)
    parser.add_argument("--largest", type=int, default=120)
    parser.add_argument("--days", type=int, default=120)
    args = parser.parse_args()
    start = time.perf_counter()
    path = Path(__file__).with_suffix(".json")

    def save(out: dict) -> None:
        out["seconds"] = round(time.perf_counter() - start)
        path.write_text(json.dumps(out, indent=1) + "\n")
        print(f"case {len(out['cases'])}: {out['seconds']} s", flush=True)

    out = run(
        args.cases,
        size=(args.smallest, args.largest),
        days=args.days,
        draws=args.draws,
        progress=False,
        done=save,
    )
    seconds = time.perf_counter() - start
    n = len(out["cases"])
    print(f"{n} cases ({out['redrawn']} redrawn for empty records), {seconds:.0f} s")
    print("| parameter | 90% intervals containing the truth | rank histogram (5 bins) |")
    print("|---|---|---|")
    for name, cov in out["coverage"].items():
        ranks = [r[name]["rank"] for r in out["cases"]]
        hist = np.histogram(ranks, bins=5, range=(0, out["draws"]))[0]
        print(f"| {name} | {cov:.0%} ({round(cov * n)} of {n}) | {' '.join(map(str, hist))} |")


if __name__ == "__main__":
    main()
