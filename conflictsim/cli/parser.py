"""The argument parser of every subcommand, and the types of its arguments.

Usage errors (an unknown option, a value of the wrong type) exit with status 2 and one
line naming the option. Nothing here loads the model: the commands import what they need
when they run, so that ``conflictsim check-org`` starts without Mesa, numba or SciPy.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from conflictsim.cli.batch import cmd_compare, cmd_report, cmd_run, cmd_sensitivity
from conflictsim.cli.calibrate import cmd_calibrate
from conflictsim.cli.dashboard import cmd_dashboard
from conflictsim.cli.org import cmd_check_incidents, cmd_check_org
from conflictsim.cli.plan import cmd_plan
from conflictsim.cli.simulate import cmd_simulate
from conflictsim.evidence import EVIDENCE
from conflictsim.organisation import PRESETS

EXIT_BAD_INPUT = 2


class Parser(argparse.ArgumentParser):
    """Argument parser whose usage errors exit with status 2 and a one-line message."""

    def error(self, message: str) -> None:  # noqa: D102 - argparse API
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message}\n")


def _whole_number(text: str, low: int) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < low:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least {low}, got {text!r}")
    return value


def positive_int(text: str) -> int:
    """A whole number of at least 1 (argparse type)."""
    return _whole_number(text, 1)


def nonneg_int(text: str) -> int:
    """A whole number of at least 0 (argparse type)."""
    return _whole_number(text, 0)


def at_least(low: int):
    """A whole number of at least ``low`` (argparse type)."""

    def check(text: str) -> int:
        return _whole_number(text, low)

    return check


def model_class(text: str) -> type:
    """``MODULE:CLASS``, a subclass of ``ConflictModel`` to run with ``--engine mesa``.

    The module is imported as Python would from the current folder (a researcher's own
    code, as ``mesa.batch_run`` would run it); nothing else is imported or evaluated.
    """
    module_name, _, class_name = text.partition(":")
    if not module_name or not class_name:
        raise argparse.ArgumentTypeError(f"expected MODULE:CLASS, got {text!r}")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except Exception as exc:  # the user's module: any failure is one line, not a traceback
        raise argparse.ArgumentTypeError(
            f"cannot import {module_name!r}: {type(exc).__name__}: {exc}"
        ) from None
    cls = getattr(module, class_name, None)
    from conflictsim.model import ConflictModel

    if not (isinstance(cls, type) and issubclass(cls, ConflictModel)):
        raise argparse.ArgumentTypeError(f"{text!r} is not a subclass of conflictsim.ConflictModel")
    return cls


def add_model_argument(p: argparse.ArgumentParser) -> None:
    """``--model MODULE:CLASS``: a ``ConflictModel`` subclass for the Mesa engine."""
    p.add_argument(
        "--model",
        type=model_class,
        metavar="MODULE:CLASS",
        help="a subclass of conflictsim.ConflictModel from your own module (imported from "
        "the current folder), run agent by agent; needs the Mesa engine (--engine mesa, or "
        'engine = "mesa" in the experiment file); baselines are calibrated with '
        "ConflictModel's rules",
    )


def port(text: str) -> int:
    """A TCP port number, 1 to 65535 (argparse type)."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port from 1 to 65535, got {text!r}")
    return value


def add_scenario_arguments(p: argparse.ArgumentParser) -> None:
    """The organisation, its baseline and the evidence (``simulate`` and ``plan``)."""
    p.add_argument(
        "--preset",
        default="office",
        choices=sorted(PRESETS),
        help="organisation preset (default: office)",
    )
    p.add_argument(
        "--size", type=positive_int, default=500, help="number of employees (default: 500)"
    )
    p.add_argument("--org", metavar="ORG.csv", help="org chart CSV instead of a preset")
    p.add_argument("--edges", metavar="EDGES.csv", help="contacts CSV for --org")
    p.add_argument(
        "--days",
        type=nonneg_int,
        default=250,
        help="working days to simulate (default: 250, a year)",
    )
    p.add_argument("--seed", type=nonneg_int, default=1, help="random seed (default: 1)")
    p.add_argument(
        "--seed-org",
        type=nonneg_int,
        metavar="S",
        help="seed of the generated organisation (with --preset; default: --seed)",
    )
    p.add_argument(
        "--as-given",
        action="store_true",
        help="run the parameters as given, without a calibrated baseline (the header says "
        "whether its conflict hours are in the published band)",
    )
    p.add_argument(
        "--currency",
        default="",
        metavar="CODE",
        help="name of the currency of wage and costs, shown with every sum (default: none)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar while calibrating")
    p.add_argument(
        "--calibration",
        metavar="DIR",
        help="a calibration of this organisation (conflictsim calibrate): replicate k runs "
        "its parameter set k (default: the preset's stored calibration, or the organisation "
        "is calibrated to the published base rates first)",
    )
    p.add_argument(
        "--evidence",
        choices=list(EVIDENCE),
        default="central",
        help="what training does at work, drawn world by world for --programme: sceptical "
        "(most likely nothing), central (default: anything from nothing to the hoped-for "
        "effect) or enthusiastic (most likely the hoped-for effect)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a model parameter, e.g. --set transmission=0.2 (repeatable)",
    )


def add_simulate_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``conflictsim simulate``."""
    add_scenario_arguments(p)
    p.add_argument(
        "--replicates",
        type=positive_int,
        default=None,
        help="independent replicates; replicate k runs the calibration's parameter set k "
        "(default: one per parameter set, or 20 with --as-given)",
    )
    p.add_argument(
        "--engine",
        choices=["fast", "mesa"],
        default="fast",
        help="fast: the array engine (default); mesa: the Mesa model, agent by agent",
    )
    add_model_argument(p)
    g = p.add_argument_group("training programme (compared with no training)")
    g.add_argument(
        "--programme",
        choices=["deescalation", "active_listening", "emotional_regulation"],
        help="add a training programme",
    )
    g.add_argument(
        "--target",
        default="random",
        help="who: random, managers, customer_facing, best_connected, hotspots, whole_teams, "
        "or a comma-separated list of employee ids (default: random)",
    )
    how = g.add_mutually_exclusive_group()
    how.add_argument("--coverage", type=float, help="share of the target group to train")
    how.add_argument("--headcount", type=nonneg_int, help="number of people to train")
    how.add_argument("--budget", type=float, help="most to spend on training")
    g.add_argument("--start-day", type=nonneg_int, default=0, help="first session (default: 0)")
    g.add_argument("--waves", type=positive_int, default=1, help="rollout waves (default: 1)")
    g.add_argument(
        "--refresher-days", type=positive_int, help="days between refreshers (default: none)"
    )
    add_price_argument(g)


def amount(text: str) -> float:
    """A sum of money of at least 0 (argparse type)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a sum of money, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a sum of at least 0, got {text!r}")
    return value


#: What ``--price KIND=FEE,HOURS,SESSION`` sets, in that order (``cs.Training``'s names).
PRICE_FIELDS = ("cost_per_trainee", "hours_per_trainee", "cost_per_session")


def price(text: str) -> tuple[str, dict[str, float]]:
    """``deescalation=420,6,1500``: a programme's fee, hours and session cost (argparse type).

    A blank part keeps the programme's default (``deescalation=,,1500``).
    """
    from conflictsim.training import KINDS

    kind, sep, values = text.partition("=")
    if not sep or kind.strip() not in KINDS:
        raise argparse.ArgumentTypeError(
            f"expected PROGRAMME=FEE,HOURS,SESSION with a programme of {', '.join(KINDS)}, "
            f"got {text!r}"
        )
    parts = values.split(",")
    if len(parts) > len(PRICE_FIELDS):
        raise argparse.ArgumentTypeError(
            f"at most three numbers (fee, hours, session), got {text!r}"
        )
    out = {}
    for name, part in zip(PRICE_FIELDS, parts, strict=False):
        if not part.strip():
            continue
        try:
            value = float(part)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{part!r} in {text!r} is not a number") from None
        if not 0 <= value < float("inf"):
            raise argparse.ArgumentTypeError(f"{part!r} in {text!r} must be at least 0")
        out[name] = value
    return kind.strip(), out


def add_price_argument(p: argparse.ArgumentParser) -> None:
    """``--price PROGRAMME=FEE,HOURS,SESSION`` (repeatable)."""
    p.add_argument(
        "--price",
        type=price,
        action="append",
        default=[],
        metavar="PROGRAMME=FEE,HOURS,SESSION",
        help="your prices for a programme: fee per trainee, working hours per trainee (at "
        "the wage) and a fixed cost per session day, e.g. deescalation=420,6,1500 (a blank "
        "keeps the default: deescalation=,,1500); repeatable",
    )


def add_plan_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``conflictsim plan``."""
    p.add_argument(
        "--budget",
        type=amount,
        required=True,
        help="most to spend on training: fees plus working hours at the wage",
    )
    add_scenario_arguments(p)
    p.add_argument(
        "--worlds",
        type=at_least(2),
        default=200,
        help="plausible worlds the best plans are run on (default: 200)",
    )
    p.add_argument(
        "--exhaustive",
        action="store_true",
        help="run every plan on every world instead of racing them (slower; a check)",
    )
    add_price_argument(p)
    p.add_argument(
        "--report",
        metavar="FILE.html",
        help="also write the search as a print-ready board report (HTML)",
    )
    p.add_argument(
        "--name",
        metavar="TEXT",
        help="the organisation's name in the report (default: the org chart's file name)",
    )


def add_organisation_arguments(p: argparse.ArgumentParser, seed_flag: str = "--seed") -> None:
    """``--preset P --size N [SEED_FLAG S] | --org ORG.csv [--edges EDGES.csv]``.

    Args:
        p: The subcommand's parser.
        seed_flag: The option seeding a generated organisation (``--seed-org`` where
            ``--seed`` seeds something else).
    """
    org = p.add_mutually_exclusive_group(required=True)
    org.add_argument("--preset", choices=sorted(PRESETS), help="a generated organisation")
    org.add_argument("--org", metavar="ORG.csv", help="the organisation's org chart CSV")
    p.add_argument("--size", type=positive_int, help="number of employees (with --preset)")
    p.add_argument(
        seed_flag,
        type=nonneg_int,
        metavar="S",
        help="random seed of the generated organisation (with --preset; default: 1)",
    )
    p.add_argument("--edges", metavar="EDGES.csv", help="contacts CSV (with --org)")


def add_calibrate_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``conflictsim calibrate``."""
    add_organisation_arguments(p, seed_flag="--seed-org")
    p.add_argument(
        "--incidents",
        metavar="FILE",
        help="the organisation's incident records (docs/incidents.md), calibrated to as "
        "well as the published targets",
    )
    p.add_argument(
        "--out", required=True, metavar="DIR", help="folder for the calibration (new or empty)"
    )
    p.add_argument(
        "--draws",
        type=at_least(10),
        default=200,
        metavar="N",
        help="parameter sets to keep, at least 10 (default: 200)",
    )
    p.add_argument(
        "--seed", type=nonneg_int, default=1, help="seed of the calibration (default: 1)"
    )
    add_where_arguments(p, "the scheduler's address (tcp://host:8786)")
    p.add_argument(
        "--max-generations",
        type=positive_int,
        metavar="N",
        help="most generations of ABC-SMC (default: 30)",
    )
    p.add_argument(
        "--max-simulations",
        type=positive_int,
        metavar="N",
        help="most simulations in all (default: 300 per draw)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a calibration already in DIR (or write into a folder that is not empty)",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def add_where_arguments(p: argparse.ArgumentParser, scheduler: str) -> None:
    """Where the work runs: ``--workers N`` local processes or ``--scheduler`` (Dask)."""
    where = p.add_mutually_exclusive_group()
    where.add_argument(
        "--workers",
        type=positive_int,
        metavar="N",
        help="local worker processes (default: every core this process may use)",
    )
    where.add_argument("--scheduler", metavar="ADDRESS", help=f"run on a Dask cluster: {scheduler}")


def add_run_arguments(p: argparse.ArgumentParser, *, what: str = "run") -> None:
    """Options of ``conflictsim run`` (and ``conflictsim sensitivity``)."""
    p.add_argument("experiment", metavar="FILE", help="experiment file (TOML), see experiments/")
    p.add_argument("--out", required=True, metavar="DIR", help="results directory (new or empty)")
    add_where_arguments(p, "the scheduler's address (tcp://host:8786) or its scheduler file")
    p.add_argument(
        "--resume",
        action="store_true",
        help=f"continue the {what} in DIR: keep finished units, run the rest",
    )
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = Parser(
        prog="conflictsim",
        description="Simulate how conflict spreads through an organisation and how "
        "training changes that spread.",
    )
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    sub = parser.add_subparsers(dest="command", parser_class=Parser, metavar="COMMAND")

    p = sub.add_parser("simulate", help="run one scenario and print a summary table")
    add_simulate_arguments(p)
    p.set_defaults(func=cmd_simulate)

    p = sub.add_parser(
        "plan",
        help="the best plan for a budget: every plan within it raced over plausible worlds",
    )
    add_plan_arguments(p)
    p.set_defaults(func=cmd_plan)

    p = sub.add_parser("check-org", help="validate an org chart CSV and print a summary")
    p.add_argument("org", metavar="ORG.csv", help="org chart: employee_id, manager_id, team, ...")
    p.add_argument("--edges", metavar="EDGES.csv", help="contacts: source, target[, contact_prob]")
    p.set_defaults(func=cmd_check_org)

    p = sub.add_parser(
        "check-incidents",
        help="validate an incident record CSV against an organisation and print a summary",
    )
    p.add_argument(
        "incidents",
        metavar="FILE",
        help="incident records: date or day, team or employee_id[, other_id, severity, count]",
    )
    add_organisation_arguments(p)
    p.set_defaults(func=cmd_check_incidents)

    p = sub.add_parser(
        "calibrate",
        help="calibrate an organisation to published rates (and its incident records); "
        "write the calibration and an HTML fit report",
    )
    add_calibrate_arguments(p)
    p.set_defaults(func=cmd_calibrate)

    p = sub.add_parser(
        "dashboard", help="start the what-if dashboard for HR planners in your browser"
    )
    p.add_argument(
        "--port", type=port, default=8501, help="port on 127.0.0.1 to serve it on (default: 8501)"
    )
    p.set_defaults(func=cmd_dashboard)

    p = sub.add_parser("run", help="run an experiment file on all cores or a Dask cluster")
    add_run_arguments(p)
    add_model_argument(p)
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("compare", help="comparison table of a finished run")
    p.add_argument("out", metavar="DIR", help="results directory of conflictsim run")
    p.add_argument(
        "--csv",
        metavar="PATH",
        help="also write the full table as CSV to PATH ('-': print CSV instead of the table)",
    )
    p.add_argument(
        "--pooled",
        action="store_true",
        help="after a sweep, also print the average over the design points (a design's "
        "average, not a belief)",
    )
    p.set_defaults(func=cmd_compare)

    p = sub.add_parser(
        "report", help="self-contained HTML report of a finished run or a calibration"
    )
    p.add_argument(
        "out", metavar="DIR", help="results directory of conflictsim run, or a calibration"
    )
    p.add_argument(
        "--output", metavar="FILE", help="where to write the report (default: DIR/report.html)"
    )
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("sensitivity", help="Sobol' or Morris sensitivity analysis (SALib)")
    add_run_arguments(p, what="analysis")
    p.set_defaults(func=cmd_sensitivity)
    return parser
