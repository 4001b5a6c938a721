"""``conflictsim plan``: the best plan for a budget, raced over plausible worlds."""

from __future__ import annotations

import argparse
import time

from conflictsim.cli.simulate import calibration_note, prices_from_args, scenario_and_baseline
from conflictsim.cli.tables import format_baseline, format_plans, format_prices, format_settings


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
        prices=prices_from_args(args),
    )
    took = time.perf_counter() - start
    print(format_settings(args.evidence))
    print(format_baseline(baseline, plans.baseline))
    print(format_prices(prices_from_args(args), args.currency))
    print()
    print(format_plans(plans, scn, currency=args.currency, seconds=took))
    if cal is not None:
        print()
        print(calibration_note(cal, baseline, args.worlds))
    return 0
