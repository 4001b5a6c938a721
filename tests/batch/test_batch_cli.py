"""conflictsim run and compare: the real entry point, progress, tables and bad input."""

from __future__ import annotations

import pandas as pd
from batch_files import SMALL, cli, write_small


def test_cli_run_compare_and_bad_input(tmp_path, capsys):
    small = write_small(tmp_path)
    from conflictsim.cli import main

    out = tmp_path / "out"
    r = cli("run", small, "--out", out, "--workers", "1")  # the real entry point
    assert r.returncode == 0, r.stderr
    assert "6 units, 10 runs" in r.stdout
    assert "runs/s" in r.stderr and "left" in r.stderr  # the progress bar
    capsys.readouterr()
    assert main(["compare", str(out), "--csv", str(tmp_path / "table.csv")]) == 0
    printed = capsys.readouterr().out
    assert "listen against baseline (5 paired replicates)" in printed
    assert "95% interval" in printed and "P(better)" in printed
    table = pd.read_csv(tmp_path / "table.csv")
    assert {"arm", "outcome", "mean", "ci_low", "ci_high", "p_better"} <= set(table.columns)

    bad = tmp_path / "bad.toml"
    bad.write_text(SMALL.replace("size = 40", "size = 40\nsise = 3"))
    assert main(["run", str(bad), "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("conflictsim run: error: ") and "Traceback" not in err
    assert f"{bad}, line 11, key organisation.sise: unknown key 'sise'" in err
    assert not (tmp_path / "never").exists()  # nothing written

    assert main(["run", str(small), "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "nothing")]) == 2
    assert "not a results directory" in capsys.readouterr().err
