"""``conflictsim calibrate``, ``report`` of a calibration and ``simulate --calibration``.

One small calibration (60 employees, 20 parameter sets, two generations) is made once and
shared; every refusal is checked to exit with status 2, one line, no traceback, and to
write nothing.
"""

from __future__ import annotations

import contextlib
import html
import io
import re
import shutil

import pandas as pd
import pytest
from cli_process import run_cli

from conflictsim import cli
from conflictsim.calibration.result import Calibration
from conflictsim.organisation import Organisation
from conflictsim.outcomes import OUTCOMES
from conflictsim.params import REGISTRY
from conflictsim.runs import run_arm
from conflictsim.scenario import Scenario

PRESET = ["--preset", "office", "--size", "60"]  # teams T1..T8
QUICK = ["--draws", "20", "--max-generations", "2", "--workers", "1", "--quiet"]


def main(argv) -> tuple[int, str, str]:
    """``cli.main`` in this process: status, standard output, standard error."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = cli.main([str(a) for a in argv])
        except SystemExit as exc:  # argparse's usage errors
            status = exc.code
    return status, out.getvalue(), err.getvalue()


#: The element holding plotly.js, compressed (``conflictsim.report.assets``).
LIBRARY = r"<script type='application/gzip' id='plotly-js-gz'>[^<]*</script>"


def outside_library(text: str) -> str:
    """The page without the inlined plotly.js."""
    return re.sub(LIBRARY, "", text, count=1)


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """A calibration made by the command line: (folder, its standard output)."""
    folder = tmp_path_factory.mktemp("calibrate") / "cal"
    status, out, err = main(["calibrate", *PRESET, "--out", folder, "--seed", "3", *QUICK])
    assert status == 0, err
    return folder, out


def test_calibrate_writes_the_calibration_and_its_fit_report(made):
    folder, _ = made
    assert sorted(p.name for p in folder.iterdir()) == [
        "calibration.json",
        "draws.parquet",
        "fit.parquet",
        "report.html",
    ]
    cal = Calibration.load(folder)
    assert len(cal) == 20 and cal.seed == 3
    assert [t.name for t in cal.targets] == [
        "hours_per_week",
        "weekly_rude_share",
        "absence_days_per_year",
        "quits_per_year",
    ]
    # It belongs to the preset organisation of seed 1 (the default), and to no other.
    cal.check_org(Organisation.generate(60, "office", seed=1))
    with pytest.raises(ValueError, match="belongs to"):
        cal.check_org(Organisation.generate(60, "office", seed=2))
    assert len(cal.meta["generations"]) == 2


def test_the_fit_report_is_self_contained_and_shows_priors_posteriors_and_fit(made):
    folder, _ = made
    cal = Calibration.load(folder)
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert len(re.findall(LIBRARY, page)) == 1  # the library inlined once
    rest = outside_library(page)
    assert "plotly.js" not in rest and not re.search(r"<script[^>]+src=", page)
    assert rest.count("Plotly.newPlot(") == 2
    for chart in ("parameters", "fit"):
        assert f'id="chart-{chart}"' in rest and f"download='{chart}.csv'" in rest
    for name in cal.parameters:  # every parameter in the chart and the table, with its prior
        assert f'"text":"{name}"' in rest  # a panel's title
        assert f"<td>{name}</td>" in rest
        assert REGISTRY[name].prior.describe() in rest
    for t in cal.targets:  # what was calibrated to, with its source
        assert t.label in rest
        assert html.escape(t.source) in rest
    for g in cal.meta["generations"]:
        assert f"<td>{g['evaluations']}</td>" in rest
    moves = cal.meta["moves"]
    assert f"{moves['accepted']} of {moves['evaluations']} simulated steps kept" in rest
    assert f"{moves['moved']:.0%} of the sets moved at least once" in rest
    assert f"asked for {moves['planned_steps']} sweeps" in rest
    assert "a posterior as wide as its prior means the targets say nothing" in rest.lower()
    assert ("<b>Converged</b>:" in rest) == cal.converged
    assert ("<b>Not converged</b>:" in rest) != cal.converged


def test_the_summary_gives_prior_posterior_and_fit_in_words(made):
    folder, out = made
    cal = Calibration.load(folder)
    assert out.startswith("Calibration of 'office' (60 employees) to 4 targets: 20 parameter")
    assert ("Converged:" in out) == cal.converged and ("Not converged:" in out) != cal.converged
    assert re.search(r"simulations, \d+\.\d s\.", " ".join(out.split()))
    lines = out.splitlines()
    for r in cal.summary().itertuples(index=False):
        line = next(x for x in lines if x.strip().startswith(r.parameter + " "))
        assert REGISTRY[r.parameter].prior.describe() in line
        assert f"->  {r.median:.3g} ({r.low:.3g} to {r.high:.3g})" in line
    for r in cal.fit.itertuples(index=False):
        line = next(x for x in lines if x.strip().startswith(r.label))
        assert f"{r.observed:.3g} ({r.target_low:.3g} to {r.target_high:.3g})" in line
        assert f"{r.simulated:.3g} ({r.low:.3g} to {r.high:.3g})" in line
        inside = r.target_low <= r.simulated <= r.target_high
        assert line.rstrip().endswith("inside the interval" if inside else "the interval")
        assert ("inside" in line) == inside
    assert f"wrote {folder}" in out
    assert f"next: conflictsim simulate --preset office --size 60 --calibration {folder}" in out


def test_report_rewrites_a_calibrations_fit_report(made, tmp_path):
    folder, _ = made
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    (copy / "report.html").unlink()
    status, out, err = main(["report", copy])
    assert status == 0, err
    assert (copy / "report.html").is_file() and f"wrote {copy / 'report.html'}" in out
    assert "Calibration of office" in (copy / "report.html").read_text(encoding="utf-8")
    status, _, err = main(["report", copy, "--output", tmp_path / "elsewhere.html"])
    assert status == 0 and (tmp_path / "elsewhere.html").is_file()


def test_incident_records_are_calibrated_to_as_well(tmp_path):
    records = ["day,team,severity"] + [
        f"{d},T{t},{'major' if (d + t) % 4 == 0 else 'minor'}"
        for d in range(20)
        for t in range(1, 9)
        if (d * t) % 3 == 0
    ]
    log = tmp_path / "incidents.csv"
    log.write_text("\n".join(records) + "\n", encoding="utf-8")
    out = tmp_path / "cal"
    argv = ["calibrate", *PRESET, "--incidents", log, "--out", out, "--draws", "10"]
    status, text, err = main([*argv, "--max-generations", "1", "--workers", "1", "--quiet"])
    assert status == 0, err
    cal = Calibration.load(out)
    names = [t.name for t in cal.targets]
    assert len(names) > 4 and names[:4] == [
        "hours_per_week",
        "weekly_rude_share",
        "absence_days_per_year",
        "quits_per_year",
    ]
    assert "reported incidents per employee per week" in text
    assert {"report_minor", "report_major"} <= set(cal.parameters)  # reporting rates, too


def test_force_replaces_a_calibration(made, tmp_path):
    folder, _ = made
    target = tmp_path / "cal"
    shutil.copytree(folder, target)
    status, _, err = main(["calibrate", *PRESET, "--out", target, "--seed", "4", *QUICK])
    assert status == 2 and "already holds a calibration" in err
    assert Calibration.load(target).seed == 3  # untouched
    argv = ["calibrate", *PRESET, "--out", target, "--seed", "4", "--force", *QUICK]
    status, _, err = main(argv)
    assert status == 0, err
    assert Calibration.load(target).seed == 4


def bad_inputs(tmp_path):
    """Files the refusals below need."""
    (tmp_path / "a_file").write_text("not a folder\n")
    (tmp_path / "org_bad.csv").write_text("employee_id,manager_id\nE1,\n")
    (tmp_path / "log_bad.csv").write_text("day,team\n0,T1\n1,Sales\n")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine\n")


@pytest.mark.parametrize(
    "options, message",
    [
        ([*PRESET, "--out", "{tmp}/a_file"], "--out {tmp}/a_file: is a file"),
        ([*PRESET, "--out", "{tmp}/a_file/cal"], "cannot be made, {tmp}/a_file is a file"),
        ([*PRESET, "--out", "{tmp}/full"], "--out {tmp}/full: is not empty"),
        (["--org", "{tmp}/none.csv", "--out", "{out}"], "{tmp}/none.csv: no such file"),
        (["--org", "{tmp}/org_bad.csv", "--out", "{out}"], "row 1: missing required column"),
        (
            [*PRESET, "--incidents", "{tmp}/log_bad.csv", "--out", "{out}"],
            "log_bad.csv, row 3, column team: 'Sales' is not a team",
        ),
        ([*PRESET, "--incidents", "{tmp}/no.csv", "--out", "{out}"], "no.csv: no such file"),
        ([*PRESET, "--draws", "5", "--out", "{out}"], "--draws: expected a whole number of at"),
        ([*PRESET, "--draws", "many", "--out", "{out}"], "--draws: expected a whole number"),
        ([*PRESET, "--seed", "-1", "--out", "{out}"], "--seed: expected a whole number"),
        ([*PRESET, "--max-simulations", "0", "--out", "{out}"], "--max-simulations"),
        (["--preset", "office", "--size", "6.5", "--out", "{out}"], "--size"),
        (["--preset", "office", "--out", "{out}"], "--preset needs --size"),
        (["--preset", "zoo", "--size", "60", "--out", "{out}"], "--preset: invalid choice"),
        (["--size", "60", "--out", "{out}"], "one of the arguments --preset --org is required"),
        ([*PRESET, "--edges", "e.csv", "--out", "{out}"], "--edges goes with --org"),
        (
            ["--org", "{tmp}/org_bad.csv", "--seed-org", "2", "--out", "{out}"],
            "--seed-org describe a --preset organisation",
        ),
        ([*PRESET, "--workers", "2", "--scheduler", "tcp://x:1", "--out", "{out}"], "not allowed"),
        (PRESET, "the following arguments are required: --out"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path, options, message):
    bad_inputs(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    out = tmp_path / "new" / "cal"
    argv = [o.format(tmp=tmp_path, out=out) for o in options]
    result = run_cli("calibrate", *argv, "--quiet")
    assert result.returncode == 2
    assert message.format(tmp=tmp_path) in result.stderr
    assert len(result.stderr.strip().splitlines()) in (1, 2)  # argparse adds its usage line
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_path / "new").exists()
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before
    assert (tmp_path / "a_file").read_text() == "not a folder\n"


def test_a_folder_holding_a_calibration_is_refused_without_force(made, tmp_path):
    folder, _ = made
    target = tmp_path / "cal"
    shutil.copytree(folder, target)
    before = {p.name: p.read_bytes() for p in target.iterdir()}
    result = run_cli("calibrate", *PRESET, "--out", str(target), "--quiet")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip() == (
        f"conflictsim calibrate: error: --out {target}: already holds a calibration; "
        "choose another folder, or add --force to replace it"
    )
    assert {p.name: p.read_bytes() for p in target.iterdir()} == before


# ----------------------------------------------------------------------- simulate --calibration
SIM = ["simulate", *PRESET, "--days", "15", "--replicates", "3"]


def mean_conflicts(out: str) -> str:
    return re.search(r"^\s+conflicts\s+(\S+)", out, flags=re.M).group(1)


def test_simulate_runs_replicate_k_with_parameter_set_k(made):
    folder, _ = made
    status, out, err = main([*SIM, "--calibration", folder])
    assert status == 0, err
    flat = " ".join(out.split())  # wrapped for the terminal
    assert f"Baseline: calibrated to the published base rates: the calibration {folder}" in flat
    assert "Calibrated: replicate k ran parameter set k (3 of the 20 sets;" in flat
    # The same numbers as the library's calibrated run, and not the uncalibrated ones.
    org = Organisation.generate(60, "office", seed=1)
    runs = run_arm(Scenario(org, days=15), 3, 1, calibration=Calibration.load(folder))
    assert mean_conflicts(out) == OUTCOMES["conflicts"].fmt(runs.summary["conflicts"].mean())
    status, plain, _ = main([*SIM, "--as-given"])
    assert status == 0 and "Calibrated" not in plain
    assert mean_conflicts(plain) != mean_conflicts(out)


def test_simulate_with_a_calibration_of_the_organisation_seed_given_apart(made):
    folder, _ = made
    status, out, err = main([*SIM, "--seed", "5", "--seed-org", "1", "--calibration", folder])
    assert status == 0, err
    assert "seed 5" in out and "Calibrated" in out


@pytest.mark.parametrize(
    "options, message",
    [
        (["--size", "61"], "this calibration belongs to 'office', not to this organisation"),
        (["--seed", "2"], "the same --size and --seed-org (default: --seed)"),
        (["--seed-org", "7"], "their employees, teams or ties differ"),
    ],
)
def test_simulate_refuses_a_calibration_of_another_organisation(made, options, message):
    folder, _ = made
    result = run_cli(*SIM, *options, "--calibration", str(folder))
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_simulate_refuses_what_is_not_a_calibration(tmp_path):
    status, _, err = main([*SIM, "--calibration", tmp_path / "none"])
    assert status == 2 and "none: no calibration folder there" in err
    status, _, err = main([*SIM, "--calibration", tmp_path])
    assert status == 2 and "calibration.json: missing" in err
    pd.DataFrame({"x": [1.0]}).to_parquet(tmp_path / "draws.parquet")
    (tmp_path / "fit.parquet").write_bytes((tmp_path / "draws.parquet").read_bytes())
    (tmp_path / "calibration.json").write_text("{not json")
    status, _, err = main([*SIM, "--calibration", tmp_path])
    assert status == 2 and "calibration.json: is not valid JSON" in err


def test_simulate_a_programme_over_a_calibration_under_an_evidence_setting(made):
    import conflictsim as cs
    from conflictsim.words import evidence_text

    folder, _ = made
    args = [*SIM, "--calibration", folder, "--programme", "active_listening"]
    status, out, err = main([*args, "--evidence", "sceptical"])
    assert status == 0, err
    cal = Calibration.load(folder)
    flat = " ".join(out.split())
    assert f"Evidence on what training does: {evidence_text('sceptical')}." in flat
    assert f"the calibration {folder} ({len(cal)} parameter sets)" in flat
    org = Organisation.generate(60, "office", seed=1)
    scn = Scenario(org, days=15)
    arms = {
        "no training": scn,
        "with training": scn.with_(programmes=[cs.Training("active_listening")]),
    }
    cmp = cs.compare(arms, replicates=3, seed=1, calibration=cal.with_evidence("sceptical"))
    nb = cmp.table.set_index("outcome").loc["net_benefit"]
    (line,) = [x for x in out.splitlines() if x.startswith("  net benefit ")]
    fmt = OUTCOMES["net_benefit"].fmt
    mean, ci, ui = (fmt(nb[c], signed=True) for c in ("mean", "ci_low", "ui_low"))
    ci_high, ui_high = fmt(nb["ci_high"], signed=True), fmt(nb["ui_high"], signed=True)
    assert line.split()[2:] == [mean, ci, "to", ci_high, ui, "to", ui_high, f"{nb['p_better']:.2f}"]
    # Not the calibration's own (central) training effects.
    own = cs.compare(arms, replicates=3, seed=1, calibration=cal)
    assert own.table.set_index("outcome").loc["net_benefit", "mean"] != nb["mean"]
