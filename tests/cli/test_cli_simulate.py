"""conflictsim simulate: the summary table, a programme's effect, bad programme options."""

from __future__ import annotations

import pytest
from cli_process import SIM, run_cli

from conflictsim.cli import main


def test_simulate_prints_a_summary(capsys):
    assert main(SIM) == 0
    out = capsys.readouterr().out
    assert "80 employees, 20 days" in out
    for label in ("conflicts", "conflict hours", "per employee per week", "quits", "cost"):
        assert label in out


def test_simulate_with_a_programme_compares_with_no_training(capsys):
    args = [*SIM, "--programme", "deescalation", "--target", "managers", "--replicates", "3"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "Effect of deescalation training (managers)" in out
    assert "net benefit" in out and "conflicts among the untrained" in out
    assert "conflicts with a trainee" in out
    assert "cost of training" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--programme", "yoga"], "--programme"),
        (["--coverage", "0.5"], "training options need --programme"),
        (["--programme", "deescalation", "--coverage", "2"], "coverage"),
        (["--programme", "deescalation", "--target", "E999,E1"], "unknown employee id 'E999'"),
        (["--programme", "deescalation", "--headcount", "5", "--budget", "9"], "not allowed"),
    ],
)
def test_bad_programme_options_exit_2(args, message):
    result = run_cli(*SIM, *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_simulate_draws_training_effects_from_the_evidence_setting(capsys):
    import conflictsim as cs
    from conflictsim import words

    args = [*SIM, "--programme", "deescalation", "--target", "managers", "--replicates", "6",
            "--as-given"]  # fmt: skip
    assert main([*args, "--evidence", "enthusiastic"]) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    assert flat.startswith(f"Evidence on what training does: {words.evidence_text('enthusiastic')}")
    assert f"Baseline: {words.AS_GIVEN} (--as-given)" in flat
    # The numbers are those of cs.compare with only the training effects drawn.
    org = cs.Organisation.generate(size=80, preset="office", seed=1)
    scn = cs.Scenario(org=org, params=cs.Params(), days=20)
    arms = {
        "no training": scn,
        "with training": scn.with_(programmes=[cs.Training("deescalation", target="managers")]),
    }
    drawn = cs.Calibration.evidence_only(org, cs.Params(), "enthusiastic", 6, 1)
    cmp = cs.compare(arms, replicates=6, seed=1, calibration=drawn)
    nb = cmp.table.set_index("outcome").loc["net_benefit"]
    (line,) = [x for x in out.splitlines() if x.startswith("  net benefit ")]
    assert f"{nb['ui_low']:+,.0f} to {nb['ui_high']:+,.0f}" in line
    assert f"  with training {words.pays_for_itself(nb['p_better'])}." in out
    best = cmp.best.set_index("arm").loc["with training", "p_best"]
    (row,) = [x for x in out.splitlines() if x.startswith("  with training ") and "pays" not in x]
    assert row.split()[2] == f"{best:.2f}"
    evpi = cmp.value_of_information().set_index("parameter").loc["all", "evppi"]
    (first,) = [x for x in out.splitlines() if x.startswith("  " + words.GROUP_LABELS["all"])]
    assert first.split()[-1] == f"{evpi:,.0f}"
    # Another setting draws other training effects: another answer.
    assert main([*args, "--evidence", "sceptical"]) == 0
    other = capsys.readouterr().out
    (other_line,) = [x for x in other.splitlines() if x.startswith("  net benefit ")]
    assert other_line != line and "Sceptical" in other


def test_simulate_refuses_an_unknown_evidence_setting():
    result = run_cli(*SIM, "--programme", "deescalation", "--evidence", "hopeful")
    assert result.returncode == 2
    assert "--evidence" in result.stderr and "'hopeful'" in result.stderr
    assert "Traceback" not in result.stderr


def test_simulate_runs_the_preset_s_calibrated_baseline_by_default(capsys):
    # As the dashboard does: a preset at another size uses its stored parameter sets,
    # checked at this size, each once; the numbers are cs.compare's over them.
    import conflictsim as cs
    from conflictsim.calibration.anchor import anchor

    args = [*SIM, "--programme", "deescalation", "--target", "managers"]
    assert main(args) == 0
    out = capsys.readouterr().out
    flat = " ".join(out.split())
    org = cs.Organisation.generate(size=80, preset="office", seed=1)
    found = anchor(org, "office")
    assert found.how == "transferred"
    assert "Baseline: calibrated to the published base rates: the parameter sets stored" in flat
    assert "100 paired replicates" in flat and "inside the published 2.1-2.8" in flat
    scn = cs.Scenario(org=org, params=cs.Params(), days=20)
    arms = {
        "no training": scn,
        "with training": scn.with_(programmes=[cs.Training("deescalation", target="managers")]),
    }
    cmp = cs.compare(arms, replicates=100, seed=1, calibration=found.calibration.with_evidence(
        "central"))  # fmt: skip
    nb = cmp.table.set_index("outcome").loc["net_benefit"]
    (line,) = [x for x in out.splitlines() if x.startswith("  net benefit ")]
    assert f"{nb['ui_low']:+,.0f} to {nb['ui_high']:+,.0f}" in line
    # Break-even and the responders apart, next to the numbers.
    b = cmp.break_even.iloc[0]
    assert f"avoids at least {b['conflicts']:,.0f} conflicts" in flat
    r = cmp.responders.iloc[0]
    assert f"Without them it avoids {r['avoided_without']:,.0f}" in flat


def test_simulate_with_a_currency_names_it(capsys):
    assert main([*SIM, "--as-given", "--currency", "EUR"]) == 0
    assert "Money is in EUR;" in capsys.readouterr().out


def test_as_given_and_a_calibration_are_refused_together(tmp_path):
    result = run_cli(*SIM, "--as-given", "--calibration", str(tmp_path))
    assert result.returncode == 2
    assert "--calibration or --as-given" in result.stderr and "Traceback" not in result.stderr


APART = '''
import conflictsim as cs


class Apart(cs.ConflictModel):
    """Nobody meets anybody: upset people stay upset alone, so no conflict can start."""

    def contacts(self):
        return []
'''


def test_a_model_of_ones_own_runs_agent_by_agent(tmp_path, monkeypatch, capsys):
    (tmp_path / "apart_model.py").write_text(APART)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.path", list(__import__("sys").path))
    mesa = [*SIM, "--as-given", "--replicates", "2", "--engine", "mesa"]
    assert main(mesa) == 0
    assert " conflicts " in capsys.readouterr().out
    assert main([*mesa, "--model", "apart_model:Apart"]) == 0
    out = capsys.readouterr().out
    assert "Model: apart_model.Apart, agent by agent (Mesa)." in out
    # Known answer: without contacts there are no conflicts at all.
    row = next(line for line in out.splitlines() if line.strip().startswith("conflicts "))
    assert row.split()[1:] == ["0.0", "0", "0"], row


@pytest.mark.parametrize(
    ("model", "extra", "message"),
    [
        ("apart_model:Apart", [], "needs --engine mesa"),
        ("no_such_module:Thing", ["--engine", "mesa"], "cannot import 'no_such_module'"),
        ("apart_model", ["--engine", "mesa"], "expected MODULE:CLASS"),
        ("os:path", ["--engine", "mesa"], "is not a subclass of conflictsim.ConflictModel"),
    ],
)
def test_a_bad_model_exits_2_naming_it(tmp_path, model, extra, message):
    (tmp_path / "apart_model.py").write_text(APART)
    result = run_cli(*SIM, "--as-given", "--model", model, *extra, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
