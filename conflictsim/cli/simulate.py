"""``conflictsim simulate``: run one scenario and print a readable summary table."""

from __future__ import annotations

import argparse
import textwrap

from conflictsim.cli.tables import (
    format_baseline,
    format_comparison,
    format_settings,
    format_summary,
)


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
    from conflictsim.runs import run_arm

    if args.model is not None and args.engine != "mesa":
        raise ValueError(
            f"--model {args.model.__name__} needs --engine mesa: the fast engine runs "
            "ConflictModel's rules only"
        )
    prog = programme_from_args(args)
    scn, cal, baseline = scenario_and_baseline(args, [prog] if prog is not None else [])
    org = scn.org
    # Each parameter set once by default: fewer would sample the baseline, not run it.
    replicates = args.replicates or (len(cal) if cal is not None else 20)
    if args.model is not None:
        print(f"Model: {args.model.__module__}.{args.model.__qualname__}, agent by agent (Mesa).")
    if prog is None:
        runs = run_arm(
            scn, replicates, args.seed, engine=args.engine, calibration=cal, model_cls=args.model
        )
        print(format_baseline(baseline, runs.summary))
        print()
        print(format_summary(runs.summary, scn, seed=args.seed, currency=args.currency))
        if cal is not None:
            print(calibration_note(cal, baseline, replicates))
        return 0
    from conflictsim.experiment import evidence_sets

    trained = scn.with_(programmes=[prog])
    replicates = max(replicates, 2)
    # What training does is drawn from the evidence setting, world by world, as the
    # planner does: over the calibration's sets, or with the parameters as given.
    sets = evidence_sets(cal, args.evidence, org, scn.params, replicates, args.seed)
    cmp = compare(
        {"no training": scn, "with training": trained},
        replicates=replicates,
        seed=args.seed,
        engine=args.engine,
        calibration=sets,
        model_cls=args.model,
    )
    print(format_settings(args.evidence))
    print(format_baseline(baseline, cmp.runs["no training"].summary))
    print()
    print(
        format_summary(
            cmp.runs["with training"].summary, trained, seed=args.seed, currency=args.currency
        )
    )
    print()
    print(format_comparison(cmp, prog, currency=args.currency))
    if cal is not None:
        print()
        print(calibration_note(cal, baseline, replicates))
    return 0


def scenario_and_baseline(args: argparse.Namespace, programmes=()):
    """The scenario the options describe, its calibration and the baseline in words.

    The calibration is the one given (``--calibration``), none (``--as-given``), or the
    organisation's (``calibrated_baseline``). ``programmes`` are checked against the
    organisation before anything is calibrated, so a plan that cannot fit fails at once.
    """
    from conflictsim.organisation import Organisation
    from conflictsim.params import Params
    from conflictsim.scenario import Scenario

    params = Params(**parse_settings(args.set))
    if args.calibration is not None and args.as_given:
        raise ValueError("give --calibration or --as-given, not both")
    cal = load_calibration(args.calibration) if args.calibration is not None else None
    if args.org:
        if args.seed_org is not None:
            raise ValueError("--seed-org describes a --preset organisation, not --org")
        org = Organisation.from_csv(args.org, edges=args.edges)
    else:
        if args.edges:
            raise ValueError("--edges needs --org")
        seed_org = args.seed if args.seed_org is None else args.seed_org
        org = Organisation.generate(size=args.size, preset=args.preset, seed=seed_org)
    scn = Scenario(org=org, params=params, days=args.days)
    if programmes:
        scn.with_(programmes=list(programmes))  # refuses a programme that does not fit
    if cal is not None:
        try:
            cal.check_org(org)
        except ValueError as exc:
            if args.org:
                raise
            # A preset is generated from --size and its seed: the likely mismatch.
            raise ValueError(
                f"{exc}; a --preset organisation is the calibration's only with the same "
                "--size and --seed-org (default: --seed)"
            ) from None
        baseline = f"the calibration {args.calibration} ({len(cal):,} parameter sets)"
    elif args.as_given:
        baseline = None
    else:
        cal, baseline = calibrated_baseline(args, org, params)
    return scn, cal, baseline


def calibrated_baseline(args: argparse.Namespace, org, params) -> tuple[object, str]:
    """The calibration that anchors the organisation's baseline, and it in words.

    A stored calibration, or a preset's stored sets checked at this size
    (``conflictsim.calibration.anchor``), as the dashboard uses; else the organisation
    is calibrated here to the published base rates, with a progress bar. Parameters
    set with ``--set`` that move the baseline are calibrated with, so the targets hold
    with them.
    """
    from conflictsim.calibration.anchor import anchor
    from conflictsim.calibration.result import FREE
    from conflictsim.calibration.store import SIZE
    from conflictsim.params import REGISTRY

    moved = [n for n, v in params.items() if n not in FREE and v != REGISTRY[n].default]
    found = anchor(org, None if args.org else args.preset)
    if found.calibration is not None and not moved:
        if found.how == "stored":
            return found.calibration, (
                f"the calibration stored for the {args.preset} preset "
                f"({len(found.calibration):,} parameter sets)"
            )
        return found.calibration, (
            f"the parameter sets stored for the {args.preset} preset at {SIZE:,} employees, "
            f"checked at {org.size:,} (every target met; {len(found.calibration):,} sets)"
        )
    why = (
        found.reason
        if found.calibration is None
        else (
            "--set changes " + ", ".join(moved) + ", which the stored calibration was not made with"
        )
    )
    return calibrate_here(args, org, params, why)


def calibrate_here(args: argparse.Namespace, org, params, why: str) -> tuple[object, str]:
    """Calibrate ``org`` to the published base rates now (the dashboard's budget)."""
    import sys
    import time

    from conflictsim.calibration.targets import Targets
    from conflictsim.planner.baseline import Budget

    budget = Budget()
    if not args.quiet:
        print(
            textwrap.fill(
                f"Calibrating the baseline to the published base rates ({why}); this takes "
                "a minute or so. To do it once: conflictsim calibrate ... --out DIR, then "
                "simulate --calibration DIR.",
                width=88,
            ),
            file=sys.stderr,
        )
    from conflictsim.calibration.fitting import calibrate  # imports pyabc: seconds

    start = time.perf_counter()
    cal = calibrate(
        org, Targets.published(), params=params, progress=not args.quiet, **budget.options()
    )
    took = time.perf_counter() - start
    met = "every target met" if cal.converged else "not every target met: read with care"
    return cal, (
        f"calibrated here for this organisation ({len(cal):,} parameter sets, {took:.0f} s; {met})"
    )


def load_calibration(folder: str):
    """The calibration saved in ``folder``.

    Raises:
        ValueError: If it is not a whole calibration, naming what is wrong.
    """
    from conflictsim.calibration.result import Calibration

    return Calibration.load(folder)


def calibration_note(cal, baseline: str | None, replicates: int) -> str:
    """Which parameter sets the replicates ran, in a sentence."""
    used = min(replicates, len(cal))
    more = f"; --replicates {len(cal)} runs all of them" if replicates < len(cal) else ""
    return textwrap.fill(
        f"Calibrated: replicate k ran parameter set k ({used:,} of the {len(cal):,} "
        f"sets{more}), so the ranges hold both chance and what the targets leave "
        "uncertain.",
        width=88,
        break_long_words=False,
        break_on_hyphens=False,
    )


def prices_from_args(args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """``--price`` options as ``{programme: {cost_per_trainee: ..., ...}}`` (later wins)."""
    prices: dict[str, dict[str, float]] = {}
    for kind, values in args.price:
        prices.setdefault(kind, {}).update(values)
    return prices


def programme_from_args(args: argparse.Namespace):
    """The Training the options describe, or None."""
    from conflictsim.training import TARGET_ALIASES, TARGETS, Training

    training_opts = ("coverage", "headcount", "budget", "refresher_days")
    if args.programme is None:
        if any(getattr(args, o) is not None for o in training_opts) or args.start_day:
            raise ValueError("training options need --programme")
        if args.price:
            raise ValueError("--price needs --programme (or use conflictsim plan)")
        return None
    prices = prices_from_args(args)
    if other := sorted(set(prices) - {args.programme}):
        raise ValueError(f"--price for {', '.join(other)}, but --programme is {args.programme}")
    rules = (*TARGETS, *TARGET_ALIASES)
    target = args.target if args.target in rules else [t.strip() for t in args.target.split(",")]
    return Training(
        args.programme,
        target=target,
        coverage=args.coverage,
        headcount=args.headcount,
        budget=args.budget,
        start_day=args.start_day,
        waves=args.waves,
        refresher_days=args.refresher_days,
        **prices.get(args.programme, {}),
    )
