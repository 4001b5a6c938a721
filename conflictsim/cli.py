"""The ``conflictsim`` command line.

Every subcommand calls the same library functions a script would. Bad input (a missing
file, a malformed CSV, an unknown parameter, an out-of-range value) ends with exit
status 2 and one plain message naming what is wrong, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors exit with status 2 and a one-line message."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _fmt_table(rows: list[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in rows)
    return "\n".join(f"  {k.ljust(width)}  {v}" for k, v in rows)


def _cmd_check_org(args: argparse.Namespace) -> int:
    from conflictsim.organisation import Organisation

    org = Organisation.from_csv(args.org, edges=args.edges)
    s = org.summary()
    print(f"{args.org}: OK")
    print(
        _fmt_table(
            [
                ("employees", str(s["employees"])),
                ("teams", str(s["teams"])),
                ("departments", str(s["departments"])),
                ("managers", str(s["managers"])),
                ("top-level managers", str(s["top_level"])),
                ("customer-facing", str(s["customer_facing"])),
                ("ties", str(s["ties"])),
                ("mean ties per employee", str(s["mean_ties_per_employee"])),
                ("mean contacts per day", str(s["mean_daily_contacts"])),
            ]
        )
    )
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from conflictsim.simulate_cli import run_simulate

    return run_simulate(args)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from conflictsim.simulate_cli import add_simulate_arguments

    parser = _Parser(
        prog="conflictsim",
        description="Simulate how conflict spreads through an organisation and how "
        "training changes that spread.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("simulate", help="run one scenario and print a summary table")
    add_simulate_arguments(p)
    p.set_defaults(func=_cmd_simulate)

    p = sub.add_parser("check-org", help="validate an org chart CSV and print a summary")
    p.add_argument("org", metavar="ORG.csv", help="org chart: employee_id, manager_id, team, ...")
    p.add_argument("--edges", metavar="EDGES.csv", help="contacts: source, target[, contact_prob]")
    p.set_defaults(func=_cmd_check_org)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from conflictsim import __version__

        print(f"conflictsim {__version__}")
        return 0
    if args.command is None:
        parser.print_help()
        return EXIT_BAD_INPUT
    try:
        return int(args.func(args) or 0)
    except ValueError as exc:
        print(f"conflictsim {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
