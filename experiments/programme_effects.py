"""What the programmes do, before and after the controlled trials, over the plausible worlds.

Run: ``uv run python experiments/programme_effects.py [replicates]`` (about a minute).

Two measurements, both over a preset's stored calibration to the published base rates,
each replicate ``k`` of every arm with parameter set ``k`` and the same random numbers:

1. Each programme for half of the 200-person call centre (seed 1), drawn at random and
   trained on day 0, a year (250 working days), under each evidence setting given the
   trials: the change in conflicts against no training, as a share of that replicate's
   conflicts without training, its median and 90% uncertainty interval over the plausible
   worlds, and how often training half the staff pays for itself.
2. The dashboard's default question (an office of 200, half of the managers trained in
   de-escalation or in active listening, a year), under each evidence setting, from its
   prior alone ("before") and given the trials ("after"): conflicts avoided, the
   break-even, net benefit in cash and in working time, how often it pays, how much
   rests on trained responders, and the share of worlds with no change in conflicts
   (within 0.5% of that world's conflicts without training).

Writes ``experiments/results/programme_effects.json``; docs/programmes.md's generated
blocks are drawn from it (``uv run python -m conflictsim.docgen``).
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
from conflictsim.planner.plan import Plan, build_org

OUT = Path(__file__).parent / "results" / "programme_effects.json"
COVERAGE = 0.5
DAYS = 250
SEED = 1
#: A world shows "no change" when its conflicts move by at most this share.
NO_CHANGE = 0.005


def measure(replicates: int, settings: tuple[str, ...] = EVIDENCE) -> dict:
    """The effects of every programme for half the call centre, given the trials."""
    org = cs.Organisation.generate(presets.SIZE, "call_centre", seed=presets.SEED)
    stored = presets.stored(org)
    arms = {"none": cs.Scenario(org, days=DAYS)}
    for kind in cs.KINDS:
        prog = cs.Training(kind, coverage=COVERAGE)
        arms[kind] = cs.Scenario(org, days=DAYS, programmes=[prog])
    out = {}
    for setting in settings:
        cmp = cs.compare(
            arms,
            replicates,
            SEED,
            calibration=stored.with_evidence(setting),
            responders_apart=False,
        )
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


def default_question(replicates: int, settings: tuple[str, ...] = EVIDENCE) -> dict:
    """The dashboard's default question under each setting, before and after the trials."""
    plan = Plan(replicates=replicates)
    org = build_org(plan)
    stored = presets.stored(org)
    arms = plan.arms(org)
    out = {}
    for setting in settings:
        out[setting] = {}
        for when, trials in (("before", False), ("after", True)):
            cal = stored.with_evidence(setting, trials=trials)
            cmp = cs.compare(arms, replicates, plan.seed, calibration=cal)
            out[setting][when] = {name: option_figures(cmp, name) for name in plan.arm_names()[1:]}
    return out


def option_figures(cmp, arm: str) -> dict:
    """The figures of one option of a comparison (see the module's description)."""
    base = cmp.runs[cmp.arms[0]].summary["conflicts"].to_numpy(float)
    pair = cmp.paired[cmp.paired["arm"] == arm]
    avoided = -pair["conflicts"].to_numpy(float)
    b = cmp.break_even.set_index("arm").loc[arm]
    nb, cash = pair["net_benefit"].to_numpy(float), pair["net_benefit_cash"].to_numpy(float)
    time_ = pair["net_benefit_time"].to_numpy(float)
    r = cmp.responders.set_index("arm")
    q = [0.05, 0.95]
    return {
        "avoided": round(float(avoided.mean()), 1),
        "avoided_pct": round(float(100 * avoided.mean() / base.mean()), 2),
        "avoided_ui": [round(float(v), 1) for v in np.quantile(avoided, q)],
        "break_even": round(float(b["conflicts"]), 1),
        "break_even_pct": round(float(100 * b["share"]), 2),
        "net_benefit": round(float(nb.mean())),
        "net_benefit_ui": [round(float(v)) for v in np.quantile(nb, q)],
        "net_benefit_cash": round(float(cash.mean())),
        "net_benefit_cash_ui": [round(float(v)) for v in np.quantile(cash, q)],
        "net_benefit_time": round(float(time_.mean())),
        "p_pays": round(float((nb > 0).mean() + 0.5 * (nb == 0).mean()), 3),
        "p_pays_cash": round(float((cash > 0).mean() + 0.5 * (cash == 0).mean()), 3),
        "no_change": round(float((np.abs(avoided) <= NO_CHANGE * base).mean()), 3),
        "responders_share": None
        if arm not in r.index or np.isnan(r.loc[arm, "share"])
        else round(float(r.loc[arm, "share"]), 3),
        "roi_ui": [round(float(v), 2) for v in np.quantile(pair["roi"].to_numpy(float), q)],
    }


def main() -> None:
    """Measure, write the JSON and print the tables."""
    replicates = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    start = time.perf_counter()
    effects = measure(replicates)
    question = default_question(replicates)
    doc = {
        "command": "uv run python experiments/programme_effects.py",
        "organisation": f"call_centre, {presets.SIZE} employees, seed {presets.SEED}",
        "calibration": "stored preset calibration to the published base rates",
        "coverage": COVERAGE,
        "days": DAYS,
        "replicates": replicates,
        "seed": SEED,
        "no_change": NO_CHANGE,
        "date": time.strftime("%Y-%m-%d"),
        "effects": effects,
        "default_question": question,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
    for setting, rows in effects.items():
        print(f"{setting} evidence given the trials, half the call centre")
        for kind, r in rows.items():
            print(
                f"  {kind:22s} median {r['median_pct']:+6.1f}%  90% {r['ui_low_pct']:+6.1f}% "
                f"to {r['ui_high_pct']:+6.1f}%  pays in {r['p_pays']:.0%}  best {r['p_best']:.0%}"
            )
    for setting, whens in question.items():
        for when, options in whens.items():
            for arm, f in options.items():
                print(
                    f"{setting:12s} {when:6s} {arm[:34]:34s} avoided {f['avoided']:7.1f} "
                    f"({f['avoided_pct']:+.1f}%) break-even {f['break_even']:5.1f} nb "
                    f"{f['net_benefit']:+8,d} cash {f['net_benefit_cash']:+7,d} pays "
                    f"{f['p_pays']:.0%} no change {f['no_change']:.0%} responders "
                    f"{f['responders_share']}"
                )
    print(f"{time.perf_counter() - start:.0f} s; written {OUT}")


if __name__ == "__main__":
    main()
