"""The dashboard in a real browser: ``conflictsim dashboard`` served, headless Chromium.

Starts the dashboard on a free port, opens every page in Debian's Chromium through
Playwright, changes an option on the landing page and checks the figures change (printing
the time from the change to redrawn charts), and downloads a chart's CSV.

Chromium must be installed (``apt-get install chromium``; .ci/run does it). Without it
these tests fail, they do not skip. Environment:

- ``CONFLICTSIM_CHROMIUM``: another Chromium executable (default /usr/bin/chromium).
- ``CONFLICTSIM_SCREENSHOTS``: a folder to save a screenshot of each page in (default: a
  temporary folder), e.g. ``docs/screenshots``.
- ``CONFLICTSIM_BROWSER_SCENARIO=default``: use the dashboard's default scenario instead of
  a small, quick one (to measure the redraw time planners see).
- ``CONFLICTSIM_DASHBOARD_CALIBRATION``: the budget the served dashboard calibrates an
  upload with (default here: a small one, so the upload is calibrated in seconds).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import expect

from conflictsim.planner.baseline import BUDGET_ENV

CHROMIUM = os.environ.get("CONFLICTSIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: A small scenario so the test is quick with any engine; the default one with the env var.
QUERY = (
    ""
    if os.environ.get("CONFLICTSIM_BROWSER_SCENARIO") == "default"
    else "size=100&days=125&reps=6"
)
#: Page path, name, a text that is on it when it is drawn, plotly charts, screenshot height.
#: Charts on the compare page: headline, trend, severity, ripple; and what would change the
#: answer where knowing everything is worth more than the runs' chance (``VALUE_SHOWN``).
COMPARE_CHARTS = 4
#: The sentence the compare page says when it draws what would change the answer.
VALUE_SHOWN = "Knowing everything for sure would be worth"
#: Data downloads under the compare page's charts (the value's CSV is there in any case).
COMPARE_DOWNLOADS = 5
PAGES = [
    ("", "compare", "Share and export", COMPARE_CHARTS, 5600),
    ("best", "best_plan", "How the search was done", 2, 3300),
    ("spread", "spread", "Conflict by team, week by week", 2, 2300),
    ("organisation", "organisation", "What the files should look like", 0, 1500),
    ("assumptions", "assumptions", "The evidence behind each programme", 0, 4700),
]
#: How long any condition may take to be reached (generous: CI machines are busy).
TIMEOUT_MS = 180_000
#: How long the dashboard may take to start answering.
START_SECONDS = 180
#: A small calibration budget for the uploaded org chart (``planner.BUDGET_ENV``).
BUDGET = "draws=20,generations=3,workers=1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictsim.cli", "dashboard", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={BUDGET_ENV: BUDGET, **os.environ},
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + START_SECONDS
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None:
                pytest.fail(f"the dashboard exited early:\n{proc.stdout.read()}")
            if time.time() > deadline:
                pytest.fail(f"the dashboard did not answer within {START_SECONDS} s")
            time.sleep(0.3)  # between polls of the health check, not a wait for a state
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"Chromium is not installed at {CHROMIUM}: the browser test needs it. Install it "
            "with `apt-get update && apt-get install -y chromium` (.ci/run does), or set "
            "CONFLICTSIM_CHROMIUM to its path."
        )
    from playwright.sync_api import sync_playwright

    # Every expect(...) waits for its condition up to this long, never for a moment.
    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    folder = os.environ.get("CONFLICTSIM_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _wait_drawn(page, charts: int = 0) -> None:
    """Wait until the script has finished, ``charts`` Plotly charts are drawn and no element
    is still a placeholder.

    A chart counts once Plotly has drawn into it (its div holds a ``main-svg``); a drawn
    chart has several of those, so they are not counted themselves. Streamlit shows a
    skeleton where an element (a table, a widget) is not rendered yet, for a moment after
    the script has finished.
    """
    page.wait_for_function(
        """(charts) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const drawn = [...document.querySelectorAll('.js-plotly-plot')]
                .filter(p => p.querySelector('.main-svg')).length;
            return app && app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-stale="true"]')
                && !document.querySelector('[data-testid="stSkeleton"]')
                && drawn >= charts;
        }""",
        arg=charts,
        timeout=TIMEOUT_MS,
    )


def _new_page(browser, **kwargs):
    """A browser tab whose every wait (locators, navigation) may take ``TIMEOUT_MS``."""
    page = browser.new_page(**kwargs)
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


def _metric_values(page) -> list[str]:
    return page.locator('[data-testid="stMetricValue"]').all_inner_texts()


def _no_exception(page) -> None:
    errors = page.locator('[data-testid="stException"]').all_inner_texts()
    assert not errors, errors


def test_every_page_opens(server, browser, shots):
    page = _new_page(browser, viewport={"width": 1400, "height": 1000})
    outside = []
    # The dashboard must not reach outside this computer (fonts, icons, statistics).
    page.on(
        "request",
        lambda r: (
            outside.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:"))
            else None
        ),
    )
    for path, name, marker, charts, height in PAGES:
        page.set_viewport_size({"width": 1400, "height": height})
        page.goto(f"{server}/{path}?{QUERY}")
        page.get_by_text(marker).first.wait_for(timeout=TIMEOUT_MS)
        _wait_drawn(page, charts)
        _no_exception(page)
        if name == "compare":  # the script has finished: its words say which charts it drew
            charts += 1 if page.get_by_text(VALUE_SHOWN).count() else 0
        expect(page.locator(".js-plotly-plot")).to_have_count(charts)
        if charts:  # every chart has its data's download below it (at least that many)
            expect(page.get_by_text("Download").nth(charts - 1)).to_be_attached()
        if name == "organisation":
            _upload(page, shots)
        page.screenshot(path=str(shots / f"{name}.png"), animations="disabled")
    assert not outside, f"requests outside this computer: {outside}"
    page.close()


def _upload(page, shots: Path) -> None:
    """Upload a bad org chart (its problem is shown), then a good one (its preview)."""
    from conflictsim.orgchart import TEMPLATE_CSV

    chooser = page.locator('[data-testid="stFileUploader"]').first.locator("input[type=file]")
    bad = TEMPLATE_CSV.replace("E003,E002", "E003,E999").encode()
    chooser.set_input_files(files=[{"name": "org.csv", "mimeType": "text/csv", "buffer": bad}])
    page.get_by_text("This file cannot be used yet").wait_for(timeout=TIMEOUT_MS)
    message = page.locator('[data-testid="stAlertContentError"]')
    expect(message).to_contain_text("org.csv, row 4, column manager_id")
    expect(message).to_contain_text("E999")
    page.screenshot(path=str(shots / "organisation_error.png"), animations="disabled")
    good = TEMPLATE_CSV.encode()
    chooser.set_input_files(files=[{"name": "org.csv", "mimeType": "text/csv", "buffer": good}])
    page.get_by_text("is ready").wait_for(timeout=TIMEOUT_MS)
    page.locator('[data-testid="stDataFrame"]').wait_for(timeout=TIMEOUT_MS)  # the preview
    # Then it is calibrated (a progress bar meanwhile) and the fit drawn.
    page.get_by_text("calibrated here for this organisation").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, 1)
    expect(page.get_by_text("How well the calibrated simulation fits")).to_be_visible()
    expect(page.get_by_text("This file cannot be used yet")).to_have_count(0)


def test_best_plan_opens_on_the_compare_page(server, browser):
    page = _new_page(browser, viewport={"width": 1400, "height": 2600})
    page.goto(f"{server}/best?{QUERY}")
    page.get_by_text("How the search was done").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, 2)
    _no_exception(page)
    budget = page.get_by_label("Budget (fees plus")
    budget.fill("8000")
    budget.press("Enter")
    page.wait_for_url("**budget=8000**")
    page.get_by_text("How the search was done").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, 2)
    _no_exception(page)
    recommended = page.get_by_text("Recommended: ").first.inner_text()
    name = recommended.split("Recommended: ", 1)[1].split(" for ")[0]
    page.get_by_role("button", name="Open this plan on the Compare page").click()
    page.get_by_text("Share and export").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, COMPARE_CHARTS)
    _no_exception(page)
    # One option, the recommended plan for 8,000 as a number of people, in the address.
    page.wait_for_url("**o1=*")
    query = {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}
    assert "o2" not in query and query["budget"] == "8000"
    programme, _, amount = query["o1"].split(".")[:3]
    assert amount.startswith("n")
    assert name.lower().replace("-", "") == programme.replace("_", " ")
    page.close()


def test_change_an_option_redraws_the_figures(server, browser):
    page = _new_page(browser, viewport={"width": 1400, "height": 2200})
    page.goto(f"{server}/?{QUERY}")
    page.get_by_text("Share and export").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, COMPARE_CHARTS)
    before = _metric_values(page)
    assert before, "no headline figures on the landing page"

    # Option A's programme: De-escalation -> Emotional regulation.
    box = page.locator('[data-testid="stSelectbox"]').filter(has_text="Programme").first
    box.click()
    option = page.get_by_role("option", name="Emotional regulation")
    option.wait_for()
    start = time.perf_counter()
    option.click()
    page.wait_for_function(
        """(old) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const now = [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                .map(e => e.innerText);
            return app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-stale="true"]')
                && now.length > 0 && JSON.stringify(now) !== JSON.stringify(old);
        }""",
        arg=before,
        timeout=TIMEOUT_MS,
    )
    _wait_drawn(page, COMPARE_CHARTS)
    first = time.perf_counter() - start
    after = _metric_values(page)
    assert after != before
    _no_exception(page)
    # The page address follows, so a link reproduces the new scenario.
    expect(page).to_have_url(re.compile(r"[?&]o1=emotional_regulation\."))
    query = parse_qs(urlparse(page.url).query)
    assert query["o1"][0].startswith("emotional_regulation.")

    # Back to the first choice: now from the cache.
    box.click()
    option = page.get_by_role("option", name="De-escalation")
    option.wait_for()
    start = time.perf_counter()
    option.click()
    page.wait_for_function(
        """(old) => {
            const app = document.querySelector('[data-testid="stApp"]');
            const now = [...document.querySelectorAll('[data-testid="stMetricValue"]')]
                .map(e => e.innerText);
            return app.getAttribute('data-test-script-state') === 'notRunning'
                && !document.querySelector('[data-stale="true"]')
                && JSON.stringify(now) === JSON.stringify(old);
        }""",
        arg=before,
        timeout=TIMEOUT_MS,
    )
    _wait_drawn(page, COMPARE_CHARTS)
    cached = time.perf_counter() - start
    scenario = QUERY or "the default scenario"
    print(
        f"\nredraw after a change on the landing page ({scenario}): "
        f"{first:.2f} s when new, {cached:.2f} s when seen before"
    )
    page.close()


def test_download_a_chart_csv(server, browser, tmp_path):
    page = _new_page(browser, viewport={"width": 1400, "height": 2200})
    page.goto(f"{server}/?{QUERY}")
    page.get_by_text("Share and export").wait_for(timeout=TIMEOUT_MS)
    _wait_drawn(page, COMPARE_CHARTS)
    button = page.locator('[data-testid="stDownloadButton"]').filter(
        has_text="Download the data (CSV)"
    )
    # The buttons render one after another: wait for the last, not for a moment.
    expect(button.nth(COMPARE_DOWNLOADS - 1)).to_be_visible()
    with page.expect_download() as info:
        button.nth(2).click()  # under the week-by-week chart (after headline and value)
    download = info.value
    assert download.suggested_filename == "conflicts_per_week.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    lines = path.read_text().splitlines()
    assert lines[0] == "arm,week,mean,low,high"
    assert any(line.startswith("No training,") for line in lines[1:])
    page.close()
