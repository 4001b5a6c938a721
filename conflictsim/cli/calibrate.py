"""``conflictsim calibrate``: calibrate an organisation, save it and its fit report, summarise.

Every input is checked before anything is written: the output folder, the organisation,
the incident records. The calibration itself (pyabc, seconds to import) starts only then,
and ``DIR`` is made only when it has finished, so a refused or failed command leaves
nothing behind.
"""

from __future__ import annotations

import argparse
import os
import shlex
from pathlib import Path

from conflictsim.cli.org import organisation_from_args
from conflictsim.cli.tables import format_calibration


def check_out(out: str, force: bool) -> Path:
    """The folder ``--out`` names, if a calibration may be written there.

    A new folder (its parent may be new too), an empty one, or with ``force`` one that
    holds a calibration (or other files) already.

    Raises:
        ValueError: If it is a file, would be made inside a file or where nothing may be
            written, or holds something and ``force`` is not given.
    """
    from conflictsim.calibration.result import CALIBRATION_FILE

    path = Path(out)
    if path.exists() and not path.is_dir():
        raise ValueError(f"--out {out}: is a file; give a folder (new or empty)")
    if path.is_dir():
        if (path / CALIBRATION_FILE).exists() and not force:
            raise ValueError(
                f"--out {out}: already holds a calibration; choose another folder, or add "
                "--force to replace it"
            )
        if any(path.iterdir()) and not force:
            raise ValueError(
                f"--out {out}: is not empty; choose a new or empty folder, or add --force "
                "to write the calibration's files into it"
            )
        if not os.access(path, os.W_OK | os.X_OK):
            raise ValueError(f"--out {out}: cannot be written to (permission denied)")
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise ValueError(f"--out {out}: cannot be made, {parent} is a file")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ValueError(f"--out {out}: cannot be made in {parent} (permission denied)")
    return path


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Calibrate the organisation the options name; write the calibration and its report.

    Raises:
        ValueError: For bad options or files (before anything is written).
    """
    from conflictsim.calibration.targets import Targets

    out = check_out(args.out, args.force)
    org = organisation_from_args(args, seed_option="seed_org")
    targets = Targets.published()
    if args.incidents is not None:
        targets = targets + Targets.from_incidents(args.incidents, org)

    from conflictsim.calibration.fitting import calibrate  # imports pyabc: seconds
    from conflictsim.report import write_calibration_report

    # The library's defaults hold where an option is not given.
    budget = {"max_generations": args.max_generations} if args.max_generations else {}
    try:
        cal = calibrate(
            org,
            targets,
            args.seed,
            draws=args.draws,
            workers=args.workers,
            scheduler=args.scheduler,
            progress=not args.quiet,
            max_simulations=args.max_simulations,
            **budget,
        )
    except (OSError, TimeoutError) as exc:
        if args.scheduler is None:
            raise
        # The cluster was not reached: bad input, not a crash.
        raise ValueError(f"--scheduler {args.scheduler}: cannot be reached ({exc})") from None
    cal.save(out)
    report = write_calibration_report(out)
    print(format_calibration(cal))
    print()
    print(f"wrote {out}: the calibration (calibration.json, draws.parquet, fit.parquet)")
    print(f"  and {report}, the fit report (opens offline in any browser)")
    print(f"next: conflictsim simulate {organisation_options(args)} --calibration {_q(out)}")
    return 0


def organisation_options(args: argparse.Namespace) -> str:
    """The options naming the same organisation to ``conflictsim simulate``."""
    if args.org is not None:
        edges = f" --edges {_q(args.edges)}" if args.edges is not None else ""
        return f"--org {_q(args.org)}{edges}"
    seed = "" if args.seed_org is None else f" --seed-org {args.seed_org}"
    return f"--preset {args.preset} --size {args.size}{seed}"


def _q(path) -> str:
    """A path quoted for a shell where it needs it."""
    return shlex.quote(str(path))
