"""``python -m conflictsim.cli``: the command line, as the ``conflictsim`` script runs it."""

import sys

from conflictsim.cli import main

sys.exit(main())
