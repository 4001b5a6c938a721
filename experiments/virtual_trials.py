"""The encoded studies of training on incidents, replicated through the model.

Run: ``uv run python experiments/virtual_trials.py [worlds]`` (about a minute).

For every study of ``cs.trials()`` and every evidence setting: the estimate the study
would have reported in each of ``worlds`` plausible worlds (``cs.replicate_trial``), from
the setting's prior alone and given the trials, against the published estimate. Writes
``experiments/results/virtual_trials.json``; docs/validation.md's generated table is drawn
from it (``uv run python -m conflictsim.docgen``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import conflictsim as cs
from conflictsim.evidence import EVIDENCE

OUT = Path(__file__).parent / "results" / "virtual_trials.json"
SEED = 1


def measure(worlds: int, settings: tuple[str, ...] = EVIDENCE) -> dict:
    """Each study's replication under each setting, before and after the trials."""
    out = {}
    for name in cs.trials()["name"]:
        out[name] = {}
        for setting in settings:
            for when, given in (("prior", False), ("given_trials", True)):
                rep = cs.replicate_trial(name, setting, worlds, SEED, given_trials=given)
                s = rep.summary
                out[name][f"{setting}_{when}"] = {
                    "median": round(s["simulated_median"], 4),
                    "low": round(s["simulated_low"], 4),
                    "high": round(s["simulated_high"], 4),
                    "covers": s["covers"],
                }
    return out


def main() -> None:
    """Measure, write the JSON and print a line per study and setting."""
    worlds = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    results = measure(worlds)
    doc = {
        "command": "uv run python experiments/virtual_trials.py",
        "worlds": worlds,
        "seed": SEED,
        "date": time.strftime("%Y-%m-%d"),
        "results": results,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    published = cs.trials().set_index("name")
    for name, rows in results.items():
        print(f"{name}: published {published.loc[name, 'estimate']:+.0%}")
        for key, r in rows.items():
            print(
                f"  {key:26s} median {r['median']:+.0%}  90% {r['low']:+.0%} to "
                f"{r['high']:+.0%}  covers {r['covers']}"
            )
    print(f"{time.perf_counter() - start:.0f} s; written {OUT}")


if __name__ == "__main__":
    main()
