"""What each programme does for half of a call centre, over the plausible worlds.

Run: ``uv run python experiments/programme_effects.py [replicates]`` (about a minute).

The 200-person call centre (seed 1) with its stored calibration to the published base
rates; each evidence setting gives every parameter set its draw of what training does
(``Calibration.with_evidence``). Half of the staff, drawn at random, take each programme
on day 0; a year (250 working days) is simulated, replicate ``k`` of every arm with set
``k`` and the same random numbers. For each programme: the change in conflicts against no
training, as a share of that replicate's conflicts without training, its median and 90%
uncertainty interval over the plausible worlds (parameter sets and chance), and the share
of worlds where training half the staff pays for itself.

Writes ``experiments/results/programme_effects.json``; docs/programmes.md's generated
block is drawn from it (``uv run python -m conflictsim.docgen``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

import conflictsim as cs
from conflictsim.calibration import presets
from conflictsim.evidence import EVIDENCE

OUT = Path(__file__).parent / "results" / "programme_effects.json"
COVERAGE = 0.5
DAYS = 250
SEED = 1


def measure(replicates: int, settings: tuple[str, ...] = EVIDENCE) -> dict:
    """The effects of every programme under each evidence setting."""
    org = cs.Organisation.generate(presets.SIZE, "call_centre", seed=presets.SEED)
    stored = presets.stored(org)
    arms = {"none": cs.Scenario(org, days=DAYS)}
    for kind in cs.KINDS:
        prog = cs.Training(kind, coverage=COVERAGE)
        arms[kind] = cs.Scenario(org, days=DAYS, programmes=[prog])
    out = {}
    for setting in settings:
        cmp = cs.compare(arms, replicates, SEED, calibration=stored.with_evidence(setting))
        base = cmp.runs["none"].summary["conflicts"].to_numpy(float)
        best = cmp.best.set_index("arm")["p_best"]
        rows = {}
        for kind in cs.KINDS:
            pair = cmp.paired[cmp.paired["arm"] == kind]
            change = 100 * pair["conflicts"].to_numpy(float) / base
            low, median, high = np.quantile(change, [0.05, 0.5, 0.95])
            rows[kind] = {
                "median_pct": round(float(median), 2),
                "ui_low_pct": round(float(low), 2),
                "ui_high_pct": round(float(high), 2),
                "mean_pct": round(float(change.mean()), 2),
                "p_pays": round(float((pair["net_benefit"] > 0).mean()), 3),
                "p_best": round(float(best[kind]), 3),
            }
        out[setting] = rows
    return out


def main() -> None:
    """Measure, write the JSON and print a table."""
    replicates = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    effects = measure(replicates)
    doc = {
        "command": "uv run python experiments/programme_effects.py",
        "organisation": f"call_centre, {presets.SIZE} employees, seed {presets.SEED}",
        "calibration": "stored preset calibration to the published base rates",
        "coverage": COVERAGE,
        "days": DAYS,
        "replicates": replicates,
        "seed": SEED,
        "date": time.strftime("%Y-%m-%d"),
        "effects": effects,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    for setting, rows in effects.items():
        print(f"{setting} evidence")
        for kind, r in rows.items():
            print(
                f"  {kind:22s} median {r['median_pct']:+6.1f}%  90% {r['ui_low_pct']:+6.1f}% "
                f"to {r['ui_high_pct']:+6.1f}%  pays in {r['p_pays']:.0%}  best {r['p_best']:.0%}"
            )
    print(f"{time.perf_counter() - start:.0f} s; written {OUT}")


if __name__ == "__main__":
    main()
