"""The HTML report: one self-contained file that opens and holds its charts."""

from __future__ import annotations

import base64
import gzip
import html
import io
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest

from conflictsim import batch, report
from conflictsim.outcomes import OUTCOMES
from conflictsim.report import assets as report_assets

EXPERIMENT = """\
[experiment]
name = "report test"
description = "Which programme for a small call centre?"
seed = 4
replicates = 4
days = 25
engine = "mesa"

[organisation]
preset = "call_centre"
size = 48

[[arms]]
name = "baseline"

[[arms]]
name = "deesc"
programmes = [{kind = "deescalation", coverage = 0.5}]

[[arms]]
name = "listen"
programmes = [{kind = "active_listening", target = "managers", refresher_days = 10}]
"""


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    path = folder / "exp.toml"
    path.write_text(EXPERIMENT)
    batch.run(path, folder / "out", workers=1, progress=False)
    return folder / "out"


@pytest.fixture(scope="module")
def html_text(run_dir) -> str:
    path = report.write_report(run_dir)
    assert path == run_dir / report.REPORT_FILE
    return path.read_text(encoding="utf-8")


#: The element holding plotly.js, compressed (``report.assets``).
LIBRARY = r"<script type='application/gzip' id='plotly-js-gz'>([^<]*)</script>"


def library(text: str) -> str:
    """The plotly.js a page carries, unpacked (base64 of gzip, as the browser reads it)."""
    (blob,) = re.findall(LIBRARY, text)
    return gzip.decompress(base64.b64decode(blob)).decode()


def outside_library(text: str) -> str:
    """The page without the inlined plotly.js."""
    return re.sub(LIBRARY, "", text, count=1)


def trace_types(text: str) -> set[str]:
    """The trace types of every chart of a page (from its ``Plotly.newPlot`` calls)."""
    decoder, types = json.JSONDecoder(), set()
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*', text):
        data, _ = decoder.raw_decode(text, m.end())
        types |= {trace.get("type", "scatter") for trace in data}
    return types


class _Tags(HTMLParser):
    """Checks that every opened element is closed in order."""

    VOID = {"meta", "br", "img", "input", "link", "hr"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)
        self.ids += [v for k, v in attrs if k == "id"]

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def test_report_is_one_self_contained_file(html_text):
    assert html_text.startswith("<!DOCTYPE html>")
    # The library itself is inside: plotly.js's basic bundle, the version plotly embeds.
    assert report_assets.bundled()
    assert library(html_text).startswith(
        f"/**\n* plotly.js (basic - minified) v{report_assets.VERSION}\n"
    )
    assert not re.search(r"<script[^>]+src=", html_text)  # nothing loaded from outside
    # Outside plotly.js itself (whose code mentions web addresses): no link leaves the file.
    page = outside_library(html_text)
    assert "plotly.js" not in page
    assert "<link" not in page and not re.search(r"(href|src)=['\"]https?:", page)
    parser = _Tags()
    parser.feed(html_text)
    assert not parser.errors and not parser.stack, (parser.errors, parser.stack)


def test_a_small_run_s_report_is_well_under_a_megabyte(html_text):
    # plotly.js's basic bundle, compressed (0.5 MB), instead of the whole library (4.8 MB).
    assert len(html_text.encode()) < 1_000_000
    assert len(library(html_text).encode()) < 1_500_000


def test_every_chart_is_drawn_by_the_bundle(html_text):
    # The basic bundle draws bar, pie and scatter traces only.
    types = trace_types(html_text)
    assert types and types <= report_assets.TRACES, types


def test_another_plotly_version_gets_the_library_it_embeds(monkeypatch):
    from plotly.offline import get_plotlyjs

    assert report_assets.bundled()  # the locked plotly embeds the bundle's version
    monkeypatch.setattr(report_assets, "VERSION", "2.35.2")
    assert not report_assets.bundled()
    script = report_assets.plotly_script()
    assert get_plotlyjs() in script and "plotly-js-gz" not in script


def test_report_contains_its_charts_and_data(html_text):
    for chart in ("trajectories", "forest", "costs", "ripple"):
        assert f'id="chart-{chart}"' in html_text
        assert f"download='{chart}.csv'" in html_text
    assert outside_library(html_text).count("Plotly.newPlot(") == 4
    for heading in ("Trajectories", "Differences from baseline", "Costs and return", "ripple"):
        assert heading in html_text
    # The data beneath the forest plot are the comparison's rows, the de-escalation arm
    # also without its responders (added by the run: no study has measured them).
    blob = re.search(r"download='forest.csv' href='data:text/csv;base64,([^']+)'", html_text)
    forest = pd.read_csv(io.StringIO(base64.b64decode(blob.group(1)).decode()))
    assert set(forest["arm"]) == {"deesc", "listen", "deesc-no-responders"}
    assert "What rests on trained responders" in html_text
    rest = download(html_text, "responders.csv")
    assert list(rest["arm"]) == ["deesc"] and list(rest["without"]) == ["deesc-no-responders"]
    assert {"conflicts", "net_benefit"} <= set(forest["outcome"])


def test_report_holds_the_manifest(run_dir, html_text):
    manifest = batch.read_manifest(run_dir)
    assert manifest["experiment"]["sha256"] in html_text
    assert "Which programme for a small call centre?" in html_text
    assert "refresher every 10 days" in html_text  # the arms in words
    assert "download='manifest.json'" in html_text
    assert "Sessions" in html_text and "complete" in html_text


def table_cells(text: str) -> list[str]:
    """The text of every cell of every table of a page (outside its scripts)."""
    page = re.sub(r"<script.*?</script>", "", text, flags=re.S)
    return [html.unescape(c) for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", page, re.S)]


def test_every_table_reads_as_numbers_and_words(run_dir, html_text):
    """No scientific notation, nan or inf in any cell; money with thousands separators."""
    table = batch.compare(run_dir).set_index(["arm", "outcome"])
    # The run has a ripple class nobody is in (its NaN is what must not show).
    assert np.isnan(table.loc[("deesc", "conflicts_among_untrained_d3plus"), "mean"])
    cells = table_cells(html_text)
    assert len(cells) > 300
    bad = [c for c in cells if re.search(r"\d[eE][+-]\d|\bnan\b|\binf\b", c, re.I)]
    assert not bad, bad
    section = html_text[html_text.index("<section id='table'>") :]
    section = table_cells(section[: section.index("</section>")])
    # Money as money: the cost of training of each arm, in the outcome's own format.
    cost = OUTCOMES["cost_training"]
    assert cost.fmt(table.loc[("deesc", "cost_training"), "mean"], signed=True) in section
    assert any(re.fullmatch(r"[+-]?\d{1,3}(,\d{3})+", c) for c in section)
    # The empty class says so, in the comparison table and under the ripple chart.
    assert section.count("no one at this distance") >= 3
    ripple = html_text[html_text.index("<section id='ripple'>") :]
    assert "no one at this distance" in ripple[: ripple.index("</section>")]


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs headless Chromium")
def test_report_opens_in_a_browser_and_draws_every_chart(run_dir, html_text):
    dom = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu"]
        + ["--virtual-time-budget=10000", "--dump-dom", (run_dir / "report.html").as_uri()],
        capture_output=True,
        text=True,
        timeout=90,
    ).stdout
    for chart in ("trajectories", "forest", "costs", "ripple"):
        # plotly.js marks a div it has drawn into with the class js-plotly-plot.
        assert re.search(rf'id="chart-{chart}" class="[^"]*js-plotly-plot', dom), chart
    assert dom.count('class="main-svg"') >= 4


#: Debian's Chromium, driven by Playwright (as tests/test_browser.py does).
CHROMIUM = os.environ.get("CONFLICTSIM_CHROMIUM", "/usr/bin/chromium")
#: What each table's box and the page measure, as the browser laid them out.
MEASURE = """() => {
  const page = document.documentElement;
  return {
    page: [page.scrollWidth, page.clientWidth],
    boxes: [...document.querySelectorAll('.scroll')].map(
      b => [b.closest('section').id, b.scrollWidth, b.clientWidth]),
    charts: document.querySelectorAll('.js-plotly-plot').length,
    svgs: document.querySelectorAll('.main-svg').length,
  };
}"""


@pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="needs Chromium (apt-get install chromium)"
)
def test_tables_fit_their_boxes_and_the_page_is_not_clipped(run_dir, html_text):
    from playwright.sync_api import sync_playwright

    seen = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for width in (1300, 800):
                page = browser.new_page(viewport={"width": width, "height": 900})
                page.goto((run_dir / report.REPORT_FILE).as_uri())
                # The charts are drawn once plotly.js is unpacked: wait for them.
                page.wait_for_function(
                    "document.querySelectorAll('.main-svg').length >= 4", timeout=60_000
                )
                seen[width] = page.evaluate(MEASURE)
                page.close()
        finally:
            browser.close()
    for width, m in seen.items():
        # However narrow the window, the page itself never runs off its right edge:
        # a table wider than the window scrolls inside its own box.
        assert m["page"][0] <= m["page"][1], (width, m["page"])
        assert m["charts"] == 4 and m["svgs"] >= 4, m
    # At 1,300 px every table fits its box whole, the comparison table too.
    wide = [(sid, sw, cw) for sid, sw, cw in seen[1300]["boxes"] if sw > cw + 1]
    assert not wide, wide
    assert "table" in {sid for sid, _, _ in seen[1300]["boxes"]}


def test_sweep_report_has_a_sweep_chart(tmp_path):
    path = tmp_path / "sweep.toml"
    path.write_text(
        EXPERIMENT.replace("replicates = 4", "replicates = 2").replace("days = 25", "days = 15")
        + '\n[sweep]\ndesign = "grid"\n[sweep.parameters]\ntransmission = [0.1, 0.3]\n'
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    text = report.write_report(tmp_path / "out", tmp_path / "r.html").read_text()
    assert 'id="chart-sweep"' in text and "grid, 2 points" in text
    assert trace_types(text) <= report_assets.TRACES
    assert "pooled over every design point" in text  # the trajectories, said so
    # Which option at each point, never pooled into plausible worlds (issue 25, point 7).
    assert "Which option at each design point" in text and "not beliefs" in text
    section = text.split("id='points'")[1].split("</section>")[0]
    assert "P(best)</th>" not in section and "how often it pays" not in section
    # Each point's break-even: its own training cost over its own value of a conflict.
    points = download(text, "decision_by_point.csv")
    for point, cmp in batch.comparisons(tmp_path / "out").items():
        if point == "all":
            continue
        even = cmp.break_even.set_index("arm")
        rows = points[points["point"] == point].set_index("arm")
        for arm in rows.index:
            assert rows.loc[arm, "break_even_share"] == pytest.approx(even.loc[arm, "share"])
            assert f"{even.loc[arm, 'share']:.1%}" in section
    assert "Which option to choose" not in text and 'id="chart-costs"' not in text
    assert "average over the points" in text


def test_unfinished_run_has_no_report(run_dir, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(run_dir, copy)
    next((copy / "units" / "summary").glob("*.parquet")).unlink()
    (copy / "report.html").unlink(missing_ok=True)
    with pytest.raises(ValueError, match="not finished"):
        report.write_report(copy)
    assert not (copy / "report.html").exists()


def test_sensitivity_section(tmp_path):
    path = tmp_path / "sens.toml"
    path.write_text(
        EXPERIMENT.replace("replicates = 4", "replicates = 2")
        .replace("days = 25", "days = 15")
        .replace("size = 48", "size = 24")
        + """
[sensitivity]
method = "morris"
samples = 3
contrast = ["baseline", "deesc"]
[sensitivity.parameters]
transmission = {}
clash = {}
"""
    )
    batch.run(path, tmp_path / "out", workers=1, progress=False)
    text = report.write_report(tmp_path / "out").read_text()
    assert 'id="chart-sensitivity"' in text and "Morris elementary effects" in text
    assert trace_types(text) <= report_assets.TRACES
    assert "mu_star" in text and "download='sensitivity.csv'" in text


def download(text: str, name: str) -> pd.DataFrame:
    """The data of a download link of the report."""
    blob = re.search(rf"download='{name}' href='data:text/csv;base64,([^']+)'", text)
    return pd.read_csv(io.StringIO(base64.b64decode(blob.group(1)).decode()))


@pytest.fixture(scope="module")
def evidence_run(tmp_path_factory):
    """The experiment under an evidence setting (the training effects drawn per replicate)."""
    folder = tmp_path_factory.mktemp("evidence")
    path = folder / "exp.toml"
    path.write_text('evidence = "enthusiastic"\n' + EXPERIMENT.replace('engine = "mesa"\n', ""))
    batch.run(path, folder / "out", workers=1, progress=False)
    return folder / "out", report.write_report(folder / "out").read_text(encoding="utf-8")


def test_report_names_the_evidence_setting_and_the_baseline(evidence_run, html_text):
    from conflictsim.words import AS_GIVEN, evidence_text

    _, text = evidence_run
    for page, setting in ((text, "enthusiastic"), (html_text, None)):
        overview = page[page.index("<section id='overview'>") :]
        overview = overview[: overview.index("</section>")]
        assert html.escape(evidence_text(setting)) in overview
        assert html.escape(AS_GIVEN) in overview


def test_report_says_which_option_pays_how_often_and_which_is_best(evidence_run):
    from conflictsim.words import pays_for_itself

    out, text = evidence_run
    table = batch.compare(out).set_index(["arm", "outcome"])
    best = batch.comparisons(out)[0].best.set_index("arm")
    decision = download(text, "decision.csv").set_index("arm")
    assert list(decision.index) == ["baseline", "deesc", "listen", "deesc-no-responders"]
    for arm in ("deesc", "listen"):
        row = table.loc[(arm, "net_benefit")]
        assert decision.loc[arm, "net_benefit"] == pytest.approx(row["mean"])
        for col in ("ci_low", "ci_high", "ui_low", "ui_high"):
            assert decision.loc[arm, col] == pytest.approx(row[col])
        assert decision.loc[arm, "p_pays"] == pytest.approx(row["p_better"])
        words = pays_for_itself(row["p_better"], "plausible worlds")
        assert decision.loc[arm, "pays"] == words and words in text
    for arm in decision.index:
        assert decision.loc[arm, "p_best"] == pytest.approx(best.loc[arm, "p_best"])
    assert decision["p_best"].sum() == pytest.approx(1.0)
    assert "<h3 id='decision'>Which option to choose</h3>" in text


def test_decision_table_gives_cash_and_break_even(evidence_run):
    out, text = evidence_run
    cmp = batch.comparisons(out)[0]
    table = batch.compare(out).set_index(["arm", "outcome"])
    decision = download(text, "decision.csv").set_index("arm")
    even = cmp.break_even.set_index("arm")
    for arm in ("deesc", "listen"):
        cash = table.loc[(arm, "net_benefit_cash"), "mean"]
        assert decision.loc[arm, "net_benefit_cash"] == pytest.approx(cash)
        # Break-even: training cost over the value of one conflict, as a share.
        base = cmp.runs["baseline"].summary
        value = base["cost_conflict"].mean() / base["conflicts"].mean()
        need = cmp.paired.query("arm == @arm")["cost_training"].mean() / value
        assert decision.loc[arm, "break_even_share"] == pytest.approx(
            need / base["conflicts"].mean()
        )
        assert decision.loc[arm, "expected_share"] == pytest.approx(even.loc[arm, "expected_share"])
        assert f"{decision.loc[arm, 'break_even_share']:.1%}" in text
    assert decision.loc["baseline", "net_benefit_cash"] == 0
    assert np.isnan(decision.loc["baseline", "break_even_share"])
    assert "<th>must avoid to pay</th>" in text and "<th>of it in cash</th>" in text


def test_report_shows_what_would_change_the_answer(evidence_run, run_dir, html_text):
    from conflictsim.words import GROUP_LABELS, parameter_label

    out, text = evidence_run
    voi = batch.value_of_information(out)
    data = download(text, "voi.csv")
    assert list(data["parameter"]) == list(voi["parameter"])
    assert list(data["evppi"]) == pytest.approx(list(voi["evppi"]))
    assert list(data["label"]) == [parameter_label(p) for p in voi["parameter"]]
    assert 'id="chart-voi"' in text and "href='#voi'" in text
    section = text[text.index("<section id='voi'>") :]
    section = section[: section.index("</section>")]
    # The table: knowing everything first, then the rest from the most valuable down.
    labels = re.findall(r"<tr><td>([^<]+)</td>", section)
    parts = voi[voi["parameter"] != "all"].sort_values("evppi", ascending=False, kind="stable")
    assert labels == [
        GROUP_LABELS["all"],
        *(html.escape(parameter_label(p)) for p in parts["parameter"]),
    ]
    # Without parameter sets only chance varies: nothing to value, no section.
    assert "<section id='voi'>" not in html_text
    # ... and each option pays for itself in a share of the replicates, not of worlds.
    from conflictsim.words import pays_for_itself

    table = batch.compare(run_dir).set_index(["arm", "outcome"])
    for arm in ("deesc", "listen"):
        words = pays_for_itself(table.loc[(arm, "net_benefit"), "p_better"], "replicates")
        assert words in html_text
