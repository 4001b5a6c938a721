"""``conflictsim simulate``: run one scenario and print a readable summary table."""

from __future__ import annotations

import argparse

import pandas as pd

from conflictsim.organisation import PRESETS


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return value


def _nonneg_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 0, got {text!r}")
    return value


def add_simulate_arguments(p: argparse.ArgumentParser) -> None:
    """Options of ``conflictsim simulate``."""
    p.add_argument(
        "--preset",
        default="office",
        choices=sorted(PRESETS),
        help="organisation preset (default: office)",
    )
    p.add_argument(
        "--size", type=_positive_int, default=500, help="number of employees (default: 500)"
    )
    p.add_argument("--org", metavar="ORG.csv", help="org chart CSV instead of a preset")
    p.add_argument("--edges", metavar="EDGES.csv", help="contacts CSV for --org")
    p.add_argument(
        "--days",
        type=_nonneg_int,
        default=250,
        help="working days to simulate (default: 250, a year)",
    )
    p.add_argument("--seed", type=_nonneg_int, default=1, help="random seed (default: 1)")
    p.add_argument(
        "--replicates",
        type=_positive_int,
        default=20,
        help="independent replicates (default: 20)",
    )
    p.add_argument(
        "--engine",
        choices=["fast", "mesa"],
        default="fast",
        help="fast: the array engine (default); mesa: the Mesa model, agent by agent",
    )
    g = p.add_argument_group("training programme (compared with no training)")
    g.add_argument(
        "--programme",
        choices=["deescalation", "active_listening", "emotional_regulation"],
        help="add a training programme",
    )
    g.add_argument(
        "--target",
        default="random",
        help="who: random, managers, customer_facing, central, hotspots, whole_teams, "
        "or a comma-separated list of employee ids (default: random)",
    )
    how = g.add_mutually_exclusive_group()
    how.add_argument("--coverage", type=float, help="share of the target group to train")
    how.add_argument("--headcount", type=_nonneg_int, help="number of people to train")
    how.add_argument("--budget", type=float, help="most to spend on training")
    g.add_argument("--start-day", type=_nonneg_int, default=0, help="first session (default: 0)")
    g.add_argument("--waves", type=_positive_int, default=1, help="rollout waves (default: 1)")
    g.add_argument(
        "--refresher-days", type=_positive_int, help="days between refreshers (default: none)"
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="set a model parameter, e.g. --set transmission=0.2 (repeatable)",
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


def run_simulate(args: argparse.Namespace) -> int:
    """Run the scenario the options describe and print its summary."""
    from conflictsim.comparison import compare
    from conflictsim.organisation import Organisation
    from conflictsim.params import Params
    from conflictsim.runs import ENGINES
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
        runs = ENGINES[args.engine](scn, args.replicates, args.seed)
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


def format_comparison(cmp, prog) -> str:
    """Plain-language effect of the programme: differences with 95% intervals."""
    t = cmp.table.set_index("outcome")
    n = len(cmp.runs[cmp.arms[0]].summary)
    lines = [
        f"Effect of {prog.kind} training ({prog.target_label}) against no training, "
        f"{n} paired replicates (mean difference and 95% interval):",
        "",
    ]
    rows = [
        ("conflicts", "conflicts", "{:+,.0f}"),
        ("conflicts_major", "  major", "{:+,.0f}"),
        ("conflicts_critical", "  critical", "{:+,.0f}"),
        ("conflict_hours", "conflict hours", "{:+,.0f}"),
        ("quits", "quits", "{:+,.1f}"),
        ("cost_conflict", "cost of conflict", "{:+,.0f}"),
        ("cost_training", "cost of training", "{:+,.0f}"),
        ("net_benefit", "net benefit", "{:+,.0f}"),
        ("roi", "return per unit spent", "{:+,.2f}"),
        ("conflicts_untrained", "conflicts of the untrained", "{:+,.0f}"),
    ]
    width = max(len(lab) for _, lab, _ in rows)
    for col, lab, fmt in rows:
        r = t.loc[col]
        interval = (
            f"({fmt.format(r['ci_low'])} to {fmt.format(r['ci_high'])})"
            if pd.notna(r["ci_low"])
            else ""
        )
        lines.append(f"  {lab.ljust(width)}  {fmt.format(r['mean']):>12}  {interval}")
    lines.append("")
    lines.append(
        "Negative differences in conflicts and costs mean the programme helps; net benefit is "
        "the conflict cost avoided minus the training cost."
    )
    return "\n".join(lines)


def format_summary(summary: pd.DataFrame, scn, seed: int) -> str:
    """A readable table of per-run outcomes: mean and range over replicates."""
    labels = [
        ("conflicts", "conflicts", "{:,.0f}"),
        ("conflicts_minor", "  minor", "{:,.0f}"),
        ("conflicts_major", "  major", "{:,.0f}"),
        ("conflicts_critical", "  critical", "{:,.0f}"),
        ("conflict_hours", "conflict hours", "{:,.0f}"),
        ("hours_per_employee_week", "  per employee per week", "{:.2f}"),
        ("mean_upset", "upset on an average day", "{:,.1f}"),
        ("absent_days", "absent days", "{:,.0f}"),
        ("quits", "quits", "{:,.0f}"),
        ("cost_conflict", "cost of conflict", "{:,.0f}"),
        ("cost_training", "cost of training", "{:,.0f}"),
    ]
    n = len(summary)
    head = (
        f"{scn.org.name}: {scn.org.size} employees, {scn.days} days, "
        f"{n} replicate{'s' if n != 1 else ''}, seed {seed}"
    )
    width = max(len(lab) for _, lab, _ in labels)
    lines = [head, ""]
    if n > 1:
        lines.append(f"  {'outcome'.ljust(width)}  {'mean':>12}  {'min':>12}  {'max':>12}")
    for col, lab, fmt in labels:
        if col not in summary:
            continue
        values = summary[col]
        row = f"  {lab.ljust(width)}  {fmt.format(values.mean()):>12}"
        if n > 1:
            row += f"  {fmt.format(values.min()):>12}  {fmt.format(values.max()):>12}"
        lines.append(row)
    lines.append("")
    lines.append("Costs are in the currency of `wage`; hours count both parties of a conflict.")
    return "\n".join(lines)
