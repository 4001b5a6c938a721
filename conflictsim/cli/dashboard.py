"""``conflictsim dashboard``: start the Streamlit dashboard, safe by default."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

#: The dashboard's folder, next to the package in a clone of the repository.
DASHBOARD = Path(__file__).resolve().parents[2] / "dashboard"


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
    app = DASHBOARD / "app.py"
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
    return [sys.executable, "-m", "streamlit", "run", str(app), *flags], DASHBOARD


def cmd_dashboard(args: argparse.Namespace) -> int:
    """Start the dashboard on 127.0.0.1 at the port the options name."""
    command, folder = dashboard_command(args.port)
    print(f"conflictsim dashboard: open http://127.0.0.1:{args.port} in your browser", flush=True)
    os.chdir(folder)  # so Streamlit also reads dashboard/.streamlit/config.toml
    if os.name == "posix":
        os.execv(command[0], command)  # Streamlit takes over this process (and Ctrl+C)
    return subprocess.call(command)
