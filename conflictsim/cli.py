"""The ``conflictsim`` command line.

Every subcommand calls the same library functions a script would. Bad input (a missing
file, a malformed CSV, an unknown parameter, an out-of-range value) ends with exit
status 2 and one plain message naming what is wrong, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

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


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return value


def dashboard_command(port: int = 8501) -> tuple[list[str], Path]:
    """The ``streamlit run`` command of the dashboard, and the folder to run it in.

    Safe by default: it listens on 127.0.0.1 only, sends no usage statistics, takes
    uploads of at most 5 MB, does not watch files and shows no tracebacks in the browser.
    The same settings are in dashboard/.streamlit/config.toml, which Streamlit reads from
    the folder it runs in.

    Raises:
        ValueError: If the dashboard's files are not next to the package (an install
            without the source tree).
    """
    folder = Path(__file__).resolve().parent.parent / "dashboard"
    app = folder / "app.py"
    if not app.is_file():
        raise ValueError(
            f"the dashboard is not installed: {app} is missing; run it from a clone of "
            "the conflictsim repository (uv run conflictsim dashboard)"
        )
    settings = {
        "server.address": "127.0.0.1",
        "server.port": str(port),
        "server.headless": "true",
        "server.maxUploadSize": "5",
        "server.fileWatcherType": "none",
        "server.runOnSave": "false",
        "browser.gatherUsageStats": "false",
        "client.toolbarMode": "minimal",
        "client.showErrorDetails": "none",  # tracebacks stay in the terminal
        "global.developmentMode": "false",
    }
    flags = [part for name, value in settings.items() for part in (f"--{name}", value)]
    return [sys.executable, "-m", "streamlit", "run", str(app), *flags], folder


def _cmd_dashboard(args: argparse.Namespace) -> int:
    command, folder = dashboard_command(args.port)
    print(f"conflictsim dashboard: open http://127.0.0.1:{args.port} in your browser", flush=True)
    os.chdir(folder)  # so Streamlit also reads dashboard/.streamlit/config.toml
    if os.name == "posix":
        os.execv(command[0], command)  # Streamlit takes over this process (and Ctrl+C)
    return subprocess.call(command)


def _cmd_run(args: argparse.Namespace) -> int:
    from conflictsim.batch import cmd_run

    return cmd_run(args)


def _cmd_compare(args: argparse.Namespace) -> int:
    from conflictsim.batch import cmd_compare

    return cmd_compare(args)


def _cmd_report(args: argparse.Namespace) -> int:
    from conflictsim.report import cmd_report

    return cmd_report(args)


def _cmd_sensitivity(args: argparse.Namespace) -> int:
    from conflictsim.sensitivity import cmd_sensitivity

    return cmd_sensitivity(args)


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

    p = sub.add_parser(
        "dashboard", help="start the what-if dashboard for HR planners in your browser"
    )
    p.add_argument(
        "--port", type=_port, default=8501, help="port on 127.0.0.1 to serve it on (default: 8501)"
    )
    p.set_defaults(func=_cmd_dashboard)

    # Batch experiments: the logic is in conflictsim/batch.py, report.py and sensitivity.py.
    from conflictsim import batch

    p = sub.add_parser("run", help="run an experiment file on all cores or a Dask cluster")
    batch.add_run_arguments(p)
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("compare", help="comparison table of a finished run")
    batch.add_compare_arguments(p)
    p.set_defaults(func=_cmd_compare)

    p = sub.add_parser("report", help="self-contained HTML report of a finished run")
    p.add_argument("out", metavar="DIR", help="results directory of conflictsim run")
    p.add_argument(
        "--output", metavar="FILE", help="where to write the report (default: DIR/report.html)"
    )
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("sensitivity", help="Sobol' or Morris sensitivity analysis (SALib)")
    batch.add_run_arguments(p, what="analysis")
    p.set_defaults(func=_cmd_sensitivity)
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
