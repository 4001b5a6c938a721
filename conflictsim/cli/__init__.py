"""The ``conflictsim`` command line.

Every subcommand calls the same library functions a script would. Bad input (a missing
file, a malformed CSV, an unknown parameter, an out-of-range value) ends with exit
status 2 and one plain message naming what is wrong, never a traceback.

- ``parser``: the parser, its argument types and usage errors;
- ``org``, ``simulate``, ``plan``, ``calibrate``, ``batch``, ``dashboard``: one module per
  group of commands;
- ``tables``: the console tables, their words and formats from ``OUTCOMES``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from conflictsim.cli.dashboard import dashboard_command
from conflictsim.cli.parser import EXIT_BAD_INPUT, build_parser

__all__ = ["EXIT_BAD_INPUT", "build_parser", "dashboard_command", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.version:
        from conflictsim.version import __version__

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
    except BrokenPipeError:
        # The reader stopped early (``conflictsim plan ... | head``): nothing went wrong.
        # Point stdout at nothing so Python's final flush does not complain again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
