"""Time the dashboard's first answer: from starting the server to the default page drawn.

Starts ``conflictsim dashboard`` on a free port, opens the landing page (the default
scenario) in headless Chromium and times two moments: the page's last section shown (the
server has answered: results computed, or read from the caches) and its four charts
drawn (the browser's part, which on a busy machine without a GPU takes seconds); then
the same in a new tab (a new session on a warm server). Prints them with the machine's
load, since the shared development machine is often busy.

Run: ``uv run python benchmarks/dashboard_first_answer.py [--repeat N]``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request

from playwright.sync_api import sync_playwright

CHROMIUM = os.environ.get("CONFLICTSIM_CHROMIUM", "/usr/bin/chromium")
TIMEOUT_MS = 300_000
DRAWN = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const drawn = [...document.querySelectorAll('.js-plotly-plot')]
        .filter(p => p.querySelector('.main-svg')).length;
    return app && app.getAttribute('data-test-script-state') === 'notRunning'
        && !document.querySelector('[data-stale="true"]') && drawn >= 4;
}"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def once(browser) -> tuple[float, list[tuple[float, float]]]:
    """Seconds to the health check, then (answered, drawn) for a first and a second tab.

    The first tab's times count from the server's start, the second's from its opening.
    """
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictsim.cli", "dashboard", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.1)  # between polls of the health check
        healthy = time.perf_counter() - start
        timings = []
        for origin in (start, None):
            page = browser.new_page(viewport={"width": 1400, "height": 2200})
            t0 = origin or time.perf_counter()
            page.goto(url)
            page.get_by_text("Share and export").wait_for(timeout=TIMEOUT_MS)
            answered = time.perf_counter() - t0
            page.wait_for_function(DRAWN, timeout=TIMEOUT_MS)
            timings.append((answered, time.perf_counter() - t0))
            page.close()
        return healthy, timings
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def main() -> None:
    """Command line: time the first answer ``--repeat`` times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        for _ in range(args.repeat):
            load = os.getloadavg()[0]
            healthy, ((first, first_drawn), (again, again_drawn)) = once(browser)
            print(
                f"server up {healthy:.1f} s; default page answered {first:.1f} s after the "
                f"start (drawn {first_drawn:.1f} s); a new session on the warm server "
                f"{again:.1f} s (drawn {again_drawn:.1f} s); load {load:.1f}",
                flush=True,
            )
        browser.close()


if __name__ == "__main__":
    main()
