"""``conflictsim simulate``: run one scenario and print a readable summary table."""

from __future__ import annotations

import argparse

from conflictsim.cli.tables import format_comparison, format_summary


def parse_settings(items: list[str]) -> dict[str, float]:
    """``["a=1", "b=2.5"]`` to ``{"a": 1.0, "b": 2.5}``; ValueError names a bad item."""
    out: dict[str, float] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise ValueError(f"--set expects NAME=VALUE, got {item!r}")
        try:
            out[name.strip()] = float(value)
        except ValueError:
            raise ValueError(
                f"parameter {name.strip()!r} must be a number, got {value!r}"
            ) from None
    return out


def cmd_simulate(args: argparse.Namespace) -> int:
    """Run the scenario the options describe and print its summary."""
    from conflictsim.comparison import compare
    from conflictsim.organisation import Organisation
    from conflictsim.params import Params
    from conflictsim.runs import run_arm
    from conflictsim.scenario import Scenario

    params = Params(**parse_settings(args.set))
    if args.org:
        org = Organisation.from_csv(args.org, edges=args.edges)
    else:
        if args.edges:
            raise ValueError("--edges needs --org")
        org = Organisation.generate(size=args.size, preset=args.preset, seed=args.seed)
    scn = Scenario(org=org, params=params, days=args.days)
    prog = programme_from_args(args)
    if prog is None:
        runs = run_arm(scn, args.replicates, args.seed, engine=args.engine)
        print(format_summary(runs.summary, scn, seed=args.seed))
        return 0
    trained = scn.with_(programmes=[prog])
    replicates = max(args.replicates, 2)
    cmp = compare(
        {"no training": scn, "with training": trained},
        replicates=replicates,
        seed=args.seed,
        engine=args.engine,
    )
    print(format_summary(cmp.runs["with training"].summary, trained, seed=args.seed))
    print()
    print(format_comparison(cmp, prog))
    return 0


def programme_from_args(args: argparse.Namespace):
    """The Training the options describe, or None."""
    from conflictsim.training import TARGETS, Training

    training_opts = ("coverage", "headcount", "budget", "refresher_days")
    if args.programme is None:
        if any(getattr(args, o) is not None for o in training_opts) or args.start_day:
            raise ValueError("training options need --programme")
        return None
    target = args.target if args.target in TARGETS else [t.strip() for t in args.target.split(",")]
    return Training(
        args.programme,
        target=target,
        coverage=args.coverage,
        headcount=args.headcount,
        budget=args.budget,
        start_day=args.start_day,
        waves=args.waves,
        refresher_days=args.refresher_days,
    )
