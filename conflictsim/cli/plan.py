"""``conflictsim plan``: the best plan for a budget, raced over plausible worlds."""

from __future__ import annotations

import argparse
import time

from conflictsim.cli.simulate import (
    calibration_note,
    parse_settings,
    prices_from_args,
    scenario_and_baseline,
)
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
    if args.report is not None:
        write_board_report(args, scn, plans, cal, baseline)
    return 0


def write_board_report(args: argparse.Namespace, scn, plans, cal, baseline: str | None) -> None:
    """The search as a board report (``--report FILE``), written whole or not at all."""
    import datetime as dt
    import os
    import tempfile
    from pathlib import Path

    from conflictsim.planner.words import recommendation_text
    from conflictsim.report.board import board_report

    name = args.name or (Path(args.org).stem if args.org else f"the {args.preset} preset")
    s = scn.org.summary()
    changed = [f"{n}: {v:g}" for n, v in scn.params.items() if n in parse_settings(args.set)]
    text = board_report(
        plans,
        organisation=name,
        question=f"With {plans.budget:,.0f} to spend on conflict training, what should we "
        "do, and is it worth it?",
        scope=f"Simulated: {s['employees']:,} employees in {s['teams']} teams over "
        f"{scn.days} working days.",
        baseline=f"Baseline: {baseline or 'the parameters as given, not calibrated'}.",
        changed=changed + [f"{k}: {v}" for k, v in prices_from_args(args).items()],
        currency=args.currency,
        date=dt.date.today().isoformat(),
        recommendation=recommendation_text(
            plans, args.currency, trials_where="the next part of this report"
        ),
    )
    out = Path(args.report)
    if out.parent and not out.parent.is_dir():
        raise ValueError(f"--report {out}: the folder {out.parent} does not exist")
    fd, tmp = tempfile.mkstemp(dir=out.parent or ".", suffix=".html.part")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # as any file the user writes (mkstemp makes it private)
    os.replace(tmp, out)  # whole or nothing: a killed run leaves no half report
    print(f"\nBoard report: {out}")
