"""``conflictsim plan``: the best plan for a budget, raced over plausible worlds."""

from __future__ import annotations

import argparse
import time

from conflictsim.cli.simulate import calibration_note, scenario_and_baseline
from conflictsim.cli.tables import format_baseline, format_plans, format_settings


def cmd_plan(args: argparse.Namespace) -> int:
    """Search every plan within ``--budget`` and print the best, runners-up and frontier."""
    from conflictsim.plans import best_plans

    scn, cal, baseline = scenario_and_baseline(args)
    start = time.perf_counter()
    plans = best_plans(
        scn,
        args.budget,
        calibration=cal,
        evidence=args.evidence,
        worlds=args.worlds,
        seed=args.seed,
        racing=not args.exhaustive,
    )
    took = time.perf_counter() - start
    print(format_settings(args.evidence))
    print(format_baseline(baseline, plans.baseline))
    print()
    print(format_plans(plans, scn, currency=args.currency, seconds=took))
    if cal is not None:
        print()
        print(calibration_note(cal, baseline, args.worlds))
    return 0
