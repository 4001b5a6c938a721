"""Recovery: records simulated at known parameters are calibrated back to them.

Two settings of the office (200 employees) that give the same published base rates but
split conflict differently between outside triggers and contagion: the parameter sets of
the stored office calibration with the lowest and the highest transmission. For each,
two years of incident records are simulated (reporting rates 0.2, 0.4 and 0.7 by
severity) and calibrated with the published targets plus the records. The 90% posterior
interval of transmission and of trigger must contain the truth and be much narrower than
the prior, and the two settings' posteriors must be told apart.

One set of records is one draw: even a perfectly calibrated 90% interval misses its
truth one time in ten, so one draw per setting cannot tell a sampler that misses from
records that happen to be unusual. Each setting is therefore calibrated on several
independent draws of its records (seeds fixed in advance: 1, 2, 3), and each draw's
intervals are reported, with how unusual that draw's statistics are against 30 fresh
draws at the truth.

"Narrower" is measured on the prior's own scale: the prior's 90% over the prior
probability inside the posterior's 90% interval (for the log-uniform trigger, on the log
scale), as the fit report measures it. "Told apart": the two settings' 90% intervals do
not overlap; the probability that a draw of one setting's posterior exceeds a draw of
the other's is printed too.

Run: ``uv run python tests/calibration/recovery.py [--seeds 1,2,3]``; it prints a
Markdown table for docs/verification.md and writes tests/calibration/recovery.json after
every calibration (a stopped run keeps the finished ones, and a rerun with the same
settings skips them). The truths it declares are kept there too: a rerun uses them even
after the presets are regenerated (``--reselect`` picks them again).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import conflictsim as cs
from conflictsim.calibration import presets
from conflictsim.calibration.fitting import MOVE_STEPS, MOVE_UNMOVED, WARMUP_DAYS
from conflictsim.calibration.statistics import record_statistics, simulation_statistics

REPORTING = {"report_minor": 0.2, "report_major": 0.4, "report_critical": 0.7}
CHECKED = ("transmission", "trigger")


def settings() -> tuple[cs.Organisation, dict[str, cs.Params]]:
    """The office and two true parameter sets: lowest and highest transmission.

    Chosen among the stored office calibration's sets whose published statistics, over
    five fresh replicates, lie in the middle 80% of every target's interval, and whose
    values lie in the middle 90% of every prior: a truth at the edge of a published
    interval would be pulled inwards by that target, and a truth at the edge of a prior
    by the prior (a Bayesian 90% interval holds the truth 90% of the time on average over
    the prior, less often at its edges), which is not what recovery tests. The first
    version of this study took no account of the priors and picked a low-contagion truth
    whose trigger, 0.191, lay at its prior's 99th percentile (the prior ends at 0.2): its
    transmission missed in both draws of records run, while fresh simulations at that
    truth met all the targets as often as anywhere (docs/verification.md).
    """
    org = cs.Organisation.generate(presets.SIZE, "office", seed=presets.SEED)
    cal = presets.stored(org)
    res = cs.simulate(cs.Scenario(org, days=cal.meta["days"]), 5 * len(cal), seed=99,
                      calibration=cal, record_teams=False)  # fmt: skip
    names = [t.name for t in cal.targets]
    stats = [
        simulation_statistics(res, names, WARMUP_DAYS, replicate=k) for k in range(5 * len(cal))
    ]
    central = np.ones(len(cal), bool)
    for t in cal.targets:
        mean = np.array([s[t.name] for s in stats]).reshape(5, len(cal)).mean(axis=0)
        central &= np.abs(mean - t.centre) <= 0.8 * t.half_width
    for name in cal.draws.columns:
        level = cs.REGISTRY[name].prior.cdf(cal.draws[name].to_numpy())
        central &= (level >= 0.05) & (level <= 0.95)
    candidates = np.flatnonzero(central)
    order = candidates[np.argsort(cal.draws["transmission"].to_numpy()[candidates], kind="stable")]
    pick = {"contagion low": int(order[0]), "contagion high": int(order[-1])}
    return org, {name: cal.params(i).replace(**REPORTING) for name, i in pick.items()}


def records(org: cs.Organisation, truth: cs.Params, days: int, seed: int):
    """``days`` working days of an organisation's incident records, simulated at the truth."""
    res = cs.simulate(cs.Scenario(org, params=truth, days=WARMUP_DAYS + days), 1, seed=seed)
    inc = res.incidents(0)
    inc = inc[inc["day"] >= WARMUP_DAYS].assign(day=lambda f: f["day"] - WARMUP_DAYS)
    inc.attrs["days"] = days
    return inc.reset_index(drop=True)


def recover(
    org: cs.Organisation, truth: cs.Params, *, days: int, seed: int, draws: int, **options
) -> dict:
    """Calibrate the records of one setting; the checked parameters' truth and intervals."""
    targets = cs.Targets.published() + cs.Targets.from_incidents(
        records(org, truth, days, seed), org
    )
    cal = cs.calibrate(org, targets, seed=seed, draws=draws, **options)
    out = {
        "converged": cal.converged,
        "final_epsilon": cal.meta["final_epsilon"],
        "simulations": cal.meta["simulations"],
        "seconds": cal.meta["seconds"],
        "moves": cal.meta["moves"],
        "params": {},
    }
    out["draws"] = {name: cal.draws[name].tolist() for name in cal.draws.columns}
    for name in CHECKED:
        prior = cs.REGISTRY[name].prior
        values = cal.draws[name].to_numpy()
        low, high = np.quantile(values, [0.05, 0.95])
        out["params"][name] = {
            "truth": float(truth[name]),
            "low": float(low),
            "high": float(high),
            "median": float(np.median(values)),
            "narrower": float(0.9 / (prior.cdf(high) - prior.cdf(low))),
            "values": values.tolist(),
        }
    return out


def unusual(org: cs.Organisation, truth: cs.Params, days: int, seed: int) -> dict:
    """How far each record statistic of draw ``seed`` lies from 30 fresh draws at the truth.

    Standard scores: (the draw's value - the fresh draws' mean) / their spread.
    """
    fresh = [
        record_statistics(records(org, truth, days, 1000 + k), org, days)[0] for k in range(30)
    ]
    observed = record_statistics(records(org, truth, days, seed), org, days)[0]
    out = {}
    for name, value in observed.items():
        values = np.array([f[name] for f in fresh])
        out[name] = float((value - values.mean()) / values.std(ddof=1))
    return out


def table(results: dict) -> str:
    """The Markdown table of every setting, draw and checked parameter."""
    lines = [
        "| setting | records (seed) | parameter | truth | posterior median | 90% interval "
        "| contains truth | narrower than the prior's 90% |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for key, r in results.items():
        name, seed = key.rsplit(" seed ", 1)
        for p, v in r["params"].items():
            inside = v["low"] <= v["truth"] <= v["high"]
            lines.append(
                f"| {name} | {seed} | {p} | {v['truth']:.3g} | {v['median']:.3g} | "
                f"{v['low']:.3g}-{v['high']:.3g} | {'yes' if inside else '**no**'} | "
                f"{v['narrower']:.1f}x |"
            )
    return "\n".join(lines)


def main() -> None:
    """Run every setting and draw, and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=120)
    parser.add_argument("--days", type=int, default=500)
    parser.add_argument("--seeds", default="1,2,3", help="record draws per setting")
    # Eight targets, four of them precise: at the true parameters only 1-7% of
    # simulations meet all of them, so epsilon 1 takes more than the default budget.
    parser.add_argument("--budget", type=int, default=100_000, help="most simulations a setting")
    parser.add_argument(
        "--reselect", action="store_true",
        help="pick the truths again from the stored office calibration (default: the "
        "truths recovery.json declares, which stay fixed when the presets are regenerated)",
    )  # fmt: skip
    args = parser.parse_args()
    seeds = [int(x) for x in args.seeds.split(",")]
    org, truths = settings()
    path = Path(__file__).with_suffix(".json")
    saved = json.loads(path.read_text()) if path.exists() else {}
    if not args.reselect and "truths" in saved.get("protocol", {}):
        # The truths this study declared, not a new pick from a regenerated preset.
        truths = {n: cs.Params(**t) for n, t in saved["protocol"]["truths"].items()}
    protocol = {
        "draws": args.draws,
        "days": args.days,
        "budget": args.budget,
        # The sampler's moves changed between runs of this study: results of another
        # sampler are not mixed with this one's.
        "moves": {"steps": MOVE_STEPS, "unmoved": MOVE_UNMOVED},
        "truths": {n: {k: float(v) for k, v in t.items()} for n, t in truths.items()},
    }
    results = saved.get("results", {}) if saved.get("protocol") == protocol else {}
    start = time.perf_counter()
    for seed in seeds:
        for name, truth in truths.items():
            key = f"{name} seed {seed}"
            if key not in results:
                results[key] = recover(
                    org, truth, days=args.days, seed=seed, draws=args.draws,
                    max_simulations=args.budget,
                )  # fmt: skip
            if "unusual" not in results[key]:
                results[key]["unusual"] = unusual(org, truth, args.days, seed)
            path.write_text(json.dumps({"protocol": protocol, "results": results}, indent=1))
    results = {f"{n} seed {s}": results[f"{n} seed {s}"] for s in seeds for n in truths}
    print(table(results))
    for key, r in results.items():
        worst = max(r["unusual"].items(), key=lambda kv: abs(kv[1]))
        print(f"{key}: converged {r['converged']}, final epsilon {r['final_epsilon']:.3g}, "
              f"{r['simulations']} simulations; most unusual statistic {worst[0]} "
              f"{worst[1]:+.1f} sd")  # fmt: skip
    inside = [
        v["low"] <= v["truth"] <= v["high"] for r in results.values() for v in r["params"].values()
    ]
    print(f"intervals containing the truth: {sum(inside)} of {len(inside)}")
    for seed in seeds:
        low, high = (results[f"{n} seed {seed}"] for n in truths)
        for p in CHECKED:
            a, b = low["params"][p], high["params"][p]
            apart = a["high"] < b["low"] or b["high"] < a["low"]
            larger = np.mean(np.array(a["values"])[:, None] > np.array(b["values"])[None, :])
            print(f"seed {seed} {p}: intervals apart: {apart}; "
                  f"P(low setting's larger) = {larger:.3f}")  # fmt: skip
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
