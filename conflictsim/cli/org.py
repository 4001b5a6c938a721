"""``conflictsim check-org``: validate an org chart and print what it describes."""

from __future__ import annotations

import argparse

from conflictsim.cli.tables import format_org_summary


def cmd_check_org(args: argparse.Namespace) -> int:
    """Read the org chart (and contacts) the options name and print its summary."""
    from conflictsim.organisation import Organisation

    org = Organisation.from_csv(args.org, edges=args.edges)
    print(f"{args.org}: OK")
    print(format_org_summary(org.summary()))
    return 0
