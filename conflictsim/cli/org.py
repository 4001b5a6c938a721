"""``conflictsim check-org`` and ``check-incidents``: validate an organisation's own files."""

from __future__ import annotations

import argparse
import textwrap
from typing import Any

from conflictsim.cli.tables import format_org_summary

#: Seed of a ``--preset`` organisation when ``--seed`` is not given (as ``simulate``'s).
DEFAULT_SEED = 1


def cmd_check_org(args: argparse.Namespace) -> int:
    """Read the org chart (and contacts) the options name and print its summary."""
    from conflictsim.organisation import Organisation

    org = Organisation.from_csv(args.org, edges=args.edges)
    print(f"{args.org}: OK")
    print(format_org_summary(org.summary()))
    return 0


def cmd_check_incidents(args: argparse.Namespace) -> int:
    """Read an incident record file against the organisation the options name; summarise it.

    Raises:
        ValueError: If the options do not name one organisation, or a file is malformed.
    """
    from conflictsim.incidents import read_incidents, summary

    org = organisation_from_args(args)
    frame = read_incidents(args.incidents, org)
    text = incident_sentence(args.incidents, summary(frame, org))
    # Wrapped for a terminal; a long file name is not broken.
    print(textwrap.fill(text, width=88, break_long_words=False, break_on_hyphens=False))
    return 0


def organisation_from_args(args: argparse.Namespace, seed_option: str = "seed") -> Any:
    """The organisation of ``--preset P --size N [--seed S]`` or ``--org ORG.csv [--edges]``.

    Args:
        args: Parsed options with ``preset``, ``size``, ``org``, ``edges`` and the seed.
        seed_option: The attribute holding the generated organisation's seed (``seed``,
            or ``seed_org`` where ``--seed`` seeds something else); its flag is named in
            messages.

    Raises:
        ValueError: If the options do not name one organisation, or a file is malformed.
    """
    from conflictsim.organisation import Organisation

    seed, flag = getattr(args, seed_option), "--" + seed_option.replace("_", "-")
    if args.org is not None:
        if args.size is not None or seed is not None:
            raise ValueError(f"--size and {flag} describe a --preset organisation, not --org")
        return Organisation.from_csv(args.org, edges=args.edges)
    if args.edges is not None:
        raise ValueError("--edges goes with --org ORG.csv, not with --preset")
    if args.size is None:
        raise ValueError("--preset needs --size N, the number of employees")
    return Organisation.generate(
        args.size, args.preset, seed=DEFAULT_SEED if seed is None else seed
    )


def incident_sentence(label: str, s: dict[str, Any]) -> str:
    """One paragraph on an incident file: incidents, teams, working days, severity mix.

    Args:
        label: The file as named to the user.
        s: ``conflictsim.incidents.summary`` of the file.
    """
    n, days = s["incidents"], s["days"]
    period = f"days 0 to {days - 1}" if days > 1 else "day 0"
    if s["first_date"] is not None:
        period = f"{s['first_date']} to {s['last_date']}, {period}"
    text = (
        f"{label}: OK. {n:,} incident{'s' * (n != 1)} in {s['teams_with_incidents']} of "
        f"{s['teams']} teams over {days:,} working day{'s' * (days != 1)} ({period})"
    )
    mix = s["by_severity"]
    if list(mix) == ["any"]:
        return text + "; severity not recorded."
    parts = [f"{c:,} {sev} ({_percent(c, n)})" for sev, c in mix.items()]
    return text + ": " + ", ".join(parts) + "."


def _percent(part: int, whole: int) -> str:
    """A share as a whole percentage ("-" of nothing)."""
    return f"{100 * part / whole:.0f}%" if whole else "-"
