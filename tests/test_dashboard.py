"""The dashboard with Streamlit's AppTest: every page, and the main interactions.

A small scenario (given as a page address, like a shared link) keeps each run quick.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from conflictsim import cli, planner
from conflictsim.calibration import presets
from conflictsim.orgchart import TEMPLATE_CSV, TEMPLATE_EDGES_CSV
from conflictsim.params import REGISTRY
from conflictsim.planner.words import headline_cards

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
SMALL = {"size": "40", "days": "30", "reps": "3"}
#: Seconds a script run may take (generous: CI machines are busy).
TIMEOUT = 300
#: A small calibration budget, so that an upload is calibrated in seconds (in this process).
BUDGET = "draws=20,generations=3,workers=1"


@pytest.fixture(autouse=True)
def small_calibration_budget(monkeypatch):
    monkeypatch.setenv(planner.BUDGET_ENV, BUDGET)


def open_app(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.query_params = dict(SMALL if query is None else query)
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> list[str]:
    return [m.value for m in at.metric]


def charts(at: AppTest) -> int:
    return len(at.get("plotly_chart"))


def compare_charts(at: AppTest) -> int:
    """The charts the compare page draws: four, and what would change the answer where
    knowing everything is worth more than the runs' chance can tell from nothing."""
    text = " ".join(m.value for m in at.markdown)
    return 4 + ("Knowing everything for sure would be worth" in text)


def downloads(at: AppTest) -> list[str]:
    return [b.label for b in at.get("download_button")]


def plan(at: AppTest) -> planner.Plan:
    return at.session_state["plan"]


# ---------------------------------------------------------------------------- compare
def test_landing_page_shows_figures_charts_downloads_and_link():
    at = open_app()
    assert at.title[0].value == "Compare training programmes"
    labels = [m.label for m in at.metric]
    assert labels.count("Conflicts avoided") == 2
    for label in ("Working hours saved", "Net benefit", "Return on investment"):
        assert label in labels
    assert charts(at) == compare_charts(at)
    # A data download under every chart, and the one-page summary.
    assert downloads(at).count("Download the data (CSV)") == 5
    assert any("one-page summary" in label for label in downloads(at))
    # Plain words and intervals.
    text = " ".join(m.value for m in at.markdown)
    assert "Option A trains" in text and "simulated years" not in text  # 30 days: periods
    assert any("in 9 of 10 plausible worlds" in c.value for c in at.caption)
    assert any("plausible worlds" in c.value and "Pays for itself" in c.value for c in at.caption)
    # The evidence setting and the calibration are named; what would change the answer.
    assert any(c.value.startswith("**Evidence.** Central evidence") for c in at.caption)
    assert "On what is known, the best choice is" in text
    assert [h.value for h in at.header].count("What would change the answer") == 1
    # The page address holds the whole scenario.
    assert (
        at.query_params["o1"] == ["deescalation.managers.c50.m0.r0"]
        or at.query_params["o1"] == "deescalation.managers.c50.m0.r0"
    )
    assert "o1=deescalation.managers.c50.m0.r0" in at.code[0].value


def test_changing_an_option_changes_the_figures_and_the_link():
    at = open_app()
    before = metrics(at)
    at.selectbox(key="o0_programme").set_value("emotional_regulation").run()
    assert not at.exception
    assert plan(at).options[0].programme == "emotional_regulation"
    assert metrics(at) != before
    assert at.query_params["o1"].startswith("emotional_regulation.managers")
    # And back: the same figures as before (from the cache).
    at.selectbox(key="o0_programme").set_value("deescalation").run()
    assert metrics(at) == before


def test_coverage_and_number_of_options():
    at = open_app()
    before = metrics(at)
    at.slider(key="o1_coverage").set_value(100).run()
    assert plan(at).options[1].value == 1.0
    assert metrics(at) != before
    at.radio(key="n_options").set_value(3).run()
    assert len(plan(at).options) == 3
    assert [m.label for m in at.metric].count("Conflicts avoided") == 3
    at.radio(key="n_options").set_value(1).run()
    assert [m.label for m in at.metric].count("Conflicts avoided") == 1


def test_budget_and_headcount_options():
    at = open_app()
    at.radio(key="o0_amount").set_value("budget").run()
    assert plan(at).options[0].amount == "budget"
    at.number_input(key="o0_budget").set_value(3000.0).run()
    assert plan(at).options[0].value == 3000
    assert not at.exception and not at.error
    at.radio(key="o0_amount").set_value("headcount").run()
    at.number_input(key="o0_headcount").set_value(500).run()
    # More people than there are managers: the option says so and nothing is simulated.
    errors = " ".join(e.value for e in at.error)
    assert "option A" in errors and "headcount 500" in errors
    assert charts(at) == 0


def test_evidence_setting_in_the_sidebar_changes_the_figures():
    at = open_app()
    before = metrics(at)
    warnings = [w.value for w in at.warning]
    at.sidebar.radio(key="sb_evidence").set_value("enthusiastic").run()
    assert plan(at).evidence == "enthusiastic"
    assert metrics(at) != before
    assert at.query_params["ev"] == "enthusiastic"
    # The baseline is the same in every setting: no new warning about it.
    assert [w.value for w in at.warning] == warnings


def test_a_start_after_the_end_is_refused_with_a_message():
    at = open_app()
    at.selectbox(key="o0_start").set_value(6).run()  # 6 months > 30 working days
    assert plan(at).options[0].start_month == 0
    assert any("starts after the end" in w.value for w in at.warning)


def test_a_link_reproduces_the_scenario_and_a_damaged_one_still_opens():
    query = {
        **SMALL,
        "org": "school",
        "ev": "enthusiastic",
        "o1": "emotional_regulation.customer_facing.c25.m0.r6",
        "p.wage": "50",
    }
    at = open_app(query)
    p = plan(at)
    assert (p.org, p.evidence, p.params.wage) == ("school", "enthusiastic", 50)
    assert at.selectbox(key="o0_programme").value == "emotional_regulation"
    assert at.slider(key="o0_coverage").value == 25
    assert at.sidebar.selectbox(key="sb_org").value == "school"

    at = open_app({**SMALL, "o1": "deescalation.nobody.c50.m0.r0", "size": "many"})
    warnings = " ".join(w.value for w in at.warning)
    assert "option 1" in warnings and "size" in warnings
    assert charts(at) == compare_charts(at)


# ---------------------------------------------------------------------------- spread
def test_spread_page_draws_the_network_and_the_heatmap():
    at = open_app(page="views/spread.py")
    assert at.title[0].value == "How conflict spreads"
    assert charts(at) == 2
    assert downloads(at).count("Download the data (CSV)") == 1
    assert "Download each person's state by day (CSV)" in downloads(at)
    network = at.get("plotly_chart")[0].proto.spec
    assert '"frames"' in network and "Play from day 0" in network and '"sliders"' in network
    before = metrics(at)
    at.radio(key="spread_arm").set_value(0).run()  # no training: nobody trained
    assert not at.exception
    assert metrics(at)[1] == "0" and metrics(at) != before


# ---------------------------------------------------------------------------- best plan
def test_best_plan_page_recommends_the_search_s_best_and_opens_it_on_compare():
    # 120 days: long enough for a plan to pay here (so the way to Compare is shown).
    at = open_app({**SMALL, "days": "120", "budget": "5000"}, page="views/best_plan.py")
    assert at.title[0].value == "Best plan for my budget"
    assert at.number_input(key="bp_budget").value == 5000
    assert charts(at) == 2
    shown = plan(at)
    org = planner.build_org(shown)
    found = planner.preset_baseline(shown, org)
    expected = planner.search(shown, org, found.calibration)
    text = " ".join(m.value for m in at.markdown)
    assert planner.recommendation_text(expected) in text
    cards = planner.recommendation_cards(expected)
    assert [(m.label, m.value) for m in at.metric] == [(c[0], c[1]) for c in cards]
    table = at.dataframe[0].value
    assert list(table["Plan"]) == list(expected.table["plan"])
    assert "Download the board report (HTML, print-ready)" in downloads(at)
    assert expected.best, "the scenario should recommend a plan"
    at.button[0].click().run()
    assert not at.exception
    assert at.title[0].value == "Compare training programmes"
    (option,) = plan(at).options
    assert option.training().kind == expected.best[0].kind
    assert option.amount == "headcount" and option.value == expected.best[0].headcount


def test_the_budget_is_in_the_page_address_and_changes_the_search():
    at = open_app({**SMALL, "budget": "5000"}, page="views/best_plan.py")
    before = at.dataframe[0].value
    at.number_input(key="bp_budget").set_value(1500).run()
    assert not at.exception
    assert plan(at).budget == 1500 and at.query_params["budget"] == "1500"
    assert not at.dataframe[0].value.equals(before)


# ---------------------------------------------------------------------------- upload
def test_upload_an_org_chart_then_compare_on_it():
    at = open_app(page="views/organisation.py")
    assert "Download the org chart template (CSV)" in downloads(at)
    assert "Download the contacts template (CSV)" in downloads(at)
    at.file_uploader(key="up_org").set_value(("team.csv", TEMPLATE_CSV.encode(), "text/csv"))
    at.file_uploader(key="up_edges").set_value(
        ("contacts.csv", TEMPLATE_EDGES_CSV.encode(), "text/csv")
    )
    at.run()
    assert not at.exception and not at.error
    assert any("team.csv with contacts.csv" in s.value for s in at.success)
    assert plan(at).org == planner.UPLOADED
    assert at.metric[0].value == "8"  # employees
    assert len(at.dataframe) == 1  # the preview
    assert at.query_params["org"] == "uploaded"
    assert at.sidebar.selectbox(key="sb_org").value == "uploaded"

    at.switch_page("views/compare.py").run()
    assert not at.exception
    assert any("Your organisation (team.csv with contacts.csv)" in c.value for c in at.caption)
    assert charts(at) == compare_charts(at)

    at.switch_page("views/organisation.py").run()
    at.button(key="forget_upload").click().run()
    assert plan(at).org == "office" and "uploaded_org" not in at.session_state


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"employee_id,team\nE1,Sales\n", "missing"),
        (TEMPLATE_CSV.replace("E003,E002", "E003,E999").encode(), "row 4, column manager_id"),
        ("employee_id,manager_id,team\nE1,,Ventes é\n".encode("cp1252"), "UTF-8"),
        (b"", "empty"),
    ],
    ids=["missing column", "unknown manager", "not UTF-8", "empty"],
)
def test_a_bad_upload_shows_the_library_message(content, expected):
    at = open_app(page="views/organisation.py")
    at.file_uploader(key="up_org").set_value(("bad.csv", content, "text/csv"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "This file cannot be used yet" in errors
    assert "bad.csv" in errors and expected in errors
    assert "uploaded_org" not in at.session_state and plan(at).org == "office"


def test_a_link_to_an_uploaded_organisation_asks_for_the_file():
    at = open_app({**SMALL, "org": "uploaded"})
    assert any("upload it again" in i.value for i in at.info)
    assert charts(at) == 0


# ---------------------------------------------------------------------------- calibration
def calibration_text(at: AppTest) -> str:
    """The sentences naming the calibration (a caption, or a warning when it falls short)."""
    shown = [c.value for c in at.caption] + [w.value for w in at.warning]
    return " ".join(t for t in shown if t.startswith("**Calibration.**"))


def fit_targets(at: AppTest) -> list[str]:
    """The targets of the fit table on Your organisation."""
    return [
        t for table in at.table for t in table.value.index if table.value.index.name == "Target"
    ]


def session_baseline(at: AppTest) -> planner.Baseline:
    """The uploaded organisation's calibration, from this session's cache."""
    store = at.session_state["session_results"]
    return next(v for k, v in reversed(store.items()) if k[0] == "baseline")


def test_the_default_preset_answers_with_its_stored_calibration():
    query = {"days": "30", "reps": "3"}  # the default office of 200, seed 1: stored
    at = open_app(query)
    assert "Baseline calibrated to published base rates (CPP 2008 conflict hours" in (
        calibration_text(at)
    )
    assert "stored for this preset (200 parameter sets)" in calibration_text(at)
    # The figures are those of the runs with the stored sets (set k in period k)...
    p = plan(at)
    org = planner.build_org(p)
    cal = presets.stored(org)
    expected = planner.evaluate(p, org, calibration=cal)
    shown = [c.value for r in expected.headlines.itertuples() for c in headline_cards(r, p.days)]
    assert metrics(at) == shown
    # ... and not those of the uncalibrated defaults.
    plain = planner.evaluate(p, org)
    assert metrics(at) != [
        c.value for r in plain.headlines.itertuples() for c in headline_cards(r, p.days)
    ]
    assert "conflict hours per employee a week" in " ".join(c.value for c in at.caption)
    # Every page names it.
    for page in ("views/spread.py", "views/assumptions.py"):
        at.switch_page(page).run()
        assert not at.exception
        assert "stored for this preset" in calibration_text(at), page
    tables = " ".join(t.value.reset_index().to_csv() for t in at.table)
    assert "calibrated: each simulated period runs one set" in tables


def test_another_size_uses_the_stored_sets_checked_there():
    at = open_app()  # SMALL: an office of 40
    assert "checked at this size (every target met)" in calibration_text(at)
    assert charts(at) == compare_charts(at)


def test_a_size_the_stored_sets_miss_is_calibrated_on_first_use():
    at = open_app({**SMALL, "org": "call_centre"})
    assert not at.exception
    assert "calibrated here for this organisation (20 parameter sets" in calibration_text(at)
    assert charts(at) == compare_charts(at)


def records_csv(weeks: int = 6) -> bytes:
    """Incident records of the org chart template's teams, over ``weeks`` weeks."""
    rows = ["day,team,severity,count"]
    for day in range(0, weeks * 5, 2):
        rows.append(f"{day},{('Support', 'Finance', 'Leadership')[day % 3]},minor,{1 + day % 4}")
    rows.append(f"{weeks * 5 - 1},Support,major,1")
    return ("\n".join(rows) + "\n").encode()


def upload_template(at: AppTest) -> AppTest:
    at.file_uploader(key="up_org").set_value(("team.csv", TEMPLATE_CSV.encode(), "text/csv"))
    at.run()
    assert not at.exception
    return at


def test_an_upload_is_calibrated_and_shows_the_fit():
    at = upload_template(open_app(page="views/organisation.py"))
    found = session_baseline(at)
    assert found.how == "calibrated" and len(found.calibration) == 20  # the test budget
    assert found.calibration.targets == tuple(
        planner.calibration_targets(at.session_state["uploaded_org"]).targets
    )
    text = calibration_text(at)
    assert "calibrated here for this organisation (20 parameter sets" in text
    # The fit: a table of every target and its chart.
    assert fit_targets(at) == [
        "Conflict hours per employee per week",
        "Share of employees treated rudely in a week",
        "Days absent per employee per year",
        "Share of employees who quit in a year",
    ]
    assert any(c.proto.id and "fig_fit" in c.proto.id for c in at.get("plotly_chart"))
    assert "Download the data (CSV)" in downloads(at)
    # The comparison runs with it, and says so.
    at.switch_page("views/compare.py").run()
    assert not at.exception and charts(at) == compare_charts(at)
    assert "calibrated here for this organisation" in calibration_text(at)
    key = found.calibration.key
    results = [k for k in at.session_state["session_results"] if k[0] == "results"]
    assert results and all(k[-1] == key for k in results)


def test_incident_records_are_calibrated_to_and_a_bad_file_changes_nothing():
    at = upload_template(open_app(page="views/organisation.py"))
    published = session_baseline(at)
    at.file_uploader(key="up_incidents").set_value(("incidents.csv", records_csv(), "text/csv"))
    at.run()
    assert not at.exception and not at.error
    found = session_baseline(at)
    assert found is not published and found.records["days"] == 30
    names = [t.name for t in found.calibration.targets]
    assert names[:4] == [t.name for t in published.calibration.targets]
    assert "reported_per_employee_week" in names and "team_week_dispersion" in names
    # The record statistics are those of the file.
    frame, summary = planner.read_records(records_csv(), at.session_state["uploaded_org"], "x")
    expected = planner.calibration_targets(at.session_state["uploaded_org"], frame)
    assert found.calibration.targets == expected.targets
    n = summary["incidents"]
    assert f"your organisation's incident records ({n} incidents over 6 weeks)" in (
        calibration_text(at)
    )
    assert "Reported incidents per employee per week" in fit_targets(at)

    # A malformed file: its one-line message, and the calibration stays as it was.
    bad = records_csv().replace(b"4,Leadership", b"4,Marketing")
    at.file_uploader(key="up_incidents").set_value(("bad.csv", bad, "text/csv"))
    at.run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "These incident records cannot be used" in errors
    assert "bad.csv, row" in errors and "column team" in errors and "Marketing" in errors
    assert session_baseline(at) is found
    assert at.session_state["records_name"] == "incidents.csv"
    assert "Reported incidents per employee per week" in fit_targets(at)

    # Back to the published rates only.
    at.button(key="forget_records").click().run()
    assert session_baseline(at).calibration.targets == published.calibration.targets
    assert "Reported incidents per employee per week" not in fit_targets(at)


# ---------------------------------------------------------------------------- assumptions
def test_assumptions_page_lists_every_parameter_and_changes_them():
    at = open_app(page="views/assumptions.py")
    assert at.title[0].value == "Assumptions"
    tables = " ".join(t.value.reset_index().to_csv() for t in at.table)
    for name in REGISTRY:
        assert name in tables
    assert "Compton et al. 2014" in tables  # sources are shown
    # Switching the evidence setting here is the same setting as in the sidebar.
    at.radio(key="as_evidence").set_value("enthusiastic").run()
    assert plan(at).evidence == "enthusiastic"
    assert at.sidebar.radio(key="sb_evidence").value == "enthusiastic"
    # Change the hourly cost of work, then undo.
    at.number_input(key="as_value_wage").set_value(50.0).run()
    assert plan(at).params.wage == 50 and plan(at).overrides == (("wage", 50.0),)
    assert "p.wage" in at.query_params
    at.button(key="as_reset").click().run()
    assert plan(at).overrides == ()


def test_your_prices_on_the_assumptions_page_price_the_options():
    at = open_app(page="views/assumptions.py")
    at.number_input(key="price_deescalation_cost_per_session").set_value(1200.0).run()
    assert not at.exception
    assert plan(at).prices == (("deescalation", "cost_per_session", 1200.0),)
    assert at.query_params["price.deescalation"] == ",,1200"
    text = " ".join(t.value.reset_index().to_csv() for t in at.table)
    assert "1200" in text and "yours" in text
    at.switch_page("views/compare.py").run()
    assert not at.exception
    (arm, *_) = [a for a in plan(at).options if a.programme == "deescalation"]
    assert arm.training(plan(at).prices_of("deescalation")).fixed == 1200
    assert "1,200 a session day" in " ".join(c.value for c in at.caption)  # its planned cost


# ---------------------------------------------------------------------------- command line
def test_dashboard_command_is_safe_by_default():
    command, folder = cli.dashboard_command(8600)
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4].endswith("app.py")
    flags = dict(zip(command[5::2], command[6::2], strict=True))
    assert flags["--server.address"] == "127.0.0.1"
    assert flags["--server.port"] == "8600"
    assert flags["--browser.gatherUsageStats"] == "false"
    assert flags["--server.headless"] == "true"
    assert int(flags["--server.maxUploadSize"]) <= 5
    config = tomllib.loads((folder / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["maxUploadSize"] == int(flags["--server.maxUploadSize"])


def test_dashboard_subcommand_and_port_checks(capsys):
    args = cli.build_parser().parse_args(["dashboard"])
    assert args.port == 8501
    with pytest.raises(SystemExit) as exc:
        cli.build_parser().parse_args(["dashboard", "--port", "99999"])
    assert exc.value.code == 2
    assert "port from 1 to 65535" in capsys.readouterr().err
