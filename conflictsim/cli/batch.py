"""``conflictsim run``, ``compare``, ``report`` and ``sensitivity``: batch experiments.

Each command turns its options into plain values and calls the library
(``conflictsim.batch``, ``conflictsim.report``, ``conflictsim.sensitivity``). Runs stop
cleanly on Ctrl-C or SIGTERM (a batch system's time limit): finished units are kept and
the message says how to resume.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from conflictsim.cli.tables import (
    format_baseline,
    format_indices,
    format_settings,
    format_table,
    format_uncertainty,
)
from conflictsim.words import money, money_unit


def guarded(command: str, out, work: Callable[[], Any]) -> tuple[Any, int]:
    """Run ``work()`` for a command line, stopping cleanly on SIGTERM or Ctrl-C.

    Returns:
        ``(result, 0)``, or ``(None, status)`` after a message saying that finished
        units are kept and how to resume.
    """
    from conflictsim.batch import BatchError, stop_on_sigterm

    try:
        with stop_on_sigterm():
            return work(), 0
    except BatchError as exc:
        print(f"conflictsim {command}: error: {exc}", file=sys.stderr)
        print(f"finished units are kept: resume with --resume --out {out}", file=sys.stderr)
        return None, 1
    except KeyboardInterrupt:
        print(f"\ninterrupted: resume with --resume --out {out}", file=sys.stderr)
        return None, 130


def _run_options(args: argparse.Namespace) -> dict[str, Any]:
    """The keyword options of ``batch.run`` (and ``sensitivity``) the options give."""
    return {
        "workers": args.workers,
        "scheduler": args.scheduler,
        "resume": args.resume,
        "progress": not args.quiet,
    }


def cmd_run(args: argparse.Namespace) -> int:
    """Run an experiment file."""
    from conflictsim.batch import run

    t0 = time.monotonic()
    units, status = guarded(
        "run",
        args.out,
        lambda: run(args.experiment, args.out, model_cls=args.model, **_run_options(args)),
    )
    if status:
        return status
    print(
        f"{args.out}: {int(units['done'].sum())} units, {int(units['count'].sum()):,} runs "
        f"({time.monotonic() - t0:.1f} s)"
    )
    print(f"next: conflictsim compare {args.out}   |   conflictsim report {args.out}")
    return 0


def cmd_compare(args: argparse.Namespace) -> int:
    """Print (or write as CSV) the comparison table of a finished run.

    With the table: the evidence setting and the calibration it ran under and, where the
    replicates are plausible worlds (over a calibration or an evidence setting), how often
    each arm pays for itself, P(best) and what would change the answer
    (``format_uncertainty``), as ``simulate`` shows them. A sweep is shown design point by
    design point: the points are values chosen to be explored, not beliefs, so they are
    never pooled into "plausible worlds" (``--pooled`` adds their average, as a design's).
    """
    from conflictsim.batch import (
        compare,
        comparisons,
        load_experiment,
        read_manifest,
        read_summary,
        responders,
        value_of_information,
    )

    exp = load_experiment(args.out)
    cmps = comparisons(args.out)
    table = compare(args.out, cmps)
    if args.csv == "-":
        sys.stdout.write(table.to_csv(index=False))
        return 0
    cal = read_manifest(args.out).get("calibration")
    folder = cal["folder"] if cal else None
    print(format_settings(exp.evidence_used, folder, cal["draws"] if cal else None))
    print(f"Money is in {money_unit(exp.currency)}.")
    if cal:
        print("Replicate k ran the calibration's parameter set k (cycling).")
    else:
        first = read_summary(args.out)
        first = first[first["arm"] == exp.arm_names[0]]
        print(format_baseline(None, first, 'name one in the file: calibration = "folder"'))
        if exp.evidence_used is None:
            print(
                textwrap.fill(
                    "Replicates differ by chance only, so no share of plausible worlds, "
                    "P(best) or value of information is shown.",
                    width=88,
                )
            )
    print()
    uncertain = cmps[0].worlds is not None
    worlds = "plausible worlds" if uncertain else "replicates"
    voi = value_of_information(args.out, cmps) if uncertain else None
    if exp.n_points == 1:
        print(format_table(table, exp.replicates, exp.arm_names[0], worlds))
        if uncertain:
            print()
            print(
                format_uncertainty(
                    table, cmps[0].best, voi, worlds, pays=False, currency=exp.currency
                )
            )
    for point in range(exp.n_points) if exp.n_points > 1 else []:
        values = ", ".join(f"{k} = {v:g}" for k, v in exp.design.values(point).items())
        print(f"Design point {point} of {exp.n_points} ({exp.design.kind}): {values}")
        print()
        rows = table[table["point"] == point]
        print(format_table(rows.drop(columns=["point"]), exp.replicates, exp.arm_names[0],
                           worlds))  # fmt: skip
        if uncertain:
            print()
            here = voi[voi["point"] == point].drop(columns=["point", *exp.design.names])
            print(
                format_uncertainty(
                    rows, cmps[point].best, here, worlds, pays=False, currency=exp.currency
                )
            )
        print()
    rest = responders(args.out, table)
    for r in rest[rest["point"] != "all"].itertuples() if "point" in rest else rest.itertuples():
        at = f" at design point {r.point}" if exp.n_points > 1 else ""
        share = "" if r.share != r.share else f"about {r.share:.0%} of "
        print(
            textwrap.fill(
                f"{r.arm}{at}: {share or 'part of '}the conflicts it avoids rest on trained "
                f"responders, which no study has measured; without them ({r.without}) it "
                f"avoids {r.avoided_without:,.1f} instead of {r.avoided:,.1f}, net benefit "
                f"{money(r.net_benefit_without, exp.currency, signed=True)} instead of "
                f"{money(r.net_benefit, exp.currency, signed=True)}.",
                width=88,
            )
        )
        print()
    if exp.n_points > 1 and args.pooled:
        print(
            f"Averaged over the {exp.n_points} design points ({exp.design.kind}): the "
            "average over values chosen to be explored, not a belief about the organisation "
            "(its interval is over the points' means)."
        )
        print()
        pooled = table[table["point"] == "all"].drop(columns=["point"])
        print(format_table(pooled, exp.replicates * exp.n_points, exp.arm_names[0],
                           "replicates"))  # fmt: skip
    elif exp.n_points > 1:
        print("conflictsim compare --pooled also prints the average over the design points.")
    if args.csv:
        table.to_csv(args.csv, index=False)
        print(f"\nwrote {args.csv}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """Write the HTML report of a finished run, or the fit report of a calibration."""
    from conflictsim.report import is_calibration, write_calibration_report, write_report

    if is_calibration(args.out):
        path = write_calibration_report(args.out, args.output)
    else:
        path = write_report(args.out, args.output)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB, opens offline in any browser)")
    return 0


def cmd_sensitivity(args: argparse.Namespace) -> int:
    """Run a sensitivity analysis and print its indices."""
    from conflictsim.sensitivity import RESULT_FILE, sensitivity

    df, status = guarded(
        "sensitivity",
        args.out,
        lambda: sensitivity(args.experiment, args.out, **_run_options(args)),
    )
    if status:
        return status
    print(format_indices(df))
    print(
        f"\nwrote {Path(args.out) / RESULT_FILE}; the chart is in `conflictsim report {args.out}`"
    )
    return 0
