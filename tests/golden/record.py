"""Recorded outputs of a fixed set of seeded runs, to show a refactoring changes nothing.

Every run has an explicit seed; its tables are stored as Parquet in this folder and
compared bit for bit (values and dtypes) by tests/test_golden.py.

    uv run python tests/golden/record.py --check   # compare with the record (exit 1 if not equal)
    uv run python tests/golden/record.py --write   # record anew (only for an intended change)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd

import conflictsim as cs

HERE = Path(__file__).parent

EXPERIMENT = """
[experiment]
name = "golden"
seed = 5
replicates = 4
days = 60

[organisation]
preset = "office"
size = 90

[[arms]]
name = "baseline"

[[arms]]
name = "managers"
programmes = [{kind = "deescalation", target = "managers"}]

[[arms]]
name = "hotspots"
programmes = [{kind = "active_listening", target = "hotspots", start_day = 15, coverage = 0.3}]
"""

SWEEP = """
[experiment]
name = "golden sweep"
seed = 6
replicates = 3
days = 40

[organisation]
preset = "call_centre"
size = 60

[[arms]]
name = "baseline"

[[arms]]
name = "listening"
programmes = [{kind = "active_listening", coverage = 0.5}]

[sweep]
design = "lhs"
samples = 3
[sweep.parameters]
transmission = {low = 0.05, high = 0.1}
"""


def _frame(values: np.ndarray, prefix: str = "c") -> pd.DataFrame:
    """An array as a frame (2-d: one column per trailing index), dtype kept."""
    a = np.asarray(values)
    a = a.reshape(a.shape[0], -1) if a.ndim > 1 else a.reshape(-1, 1)
    return pd.DataFrame({f"{prefix}{j}": a[:, j] for j in range(a.shape[1])})


def _scenarios() -> dict[str, cs.Scenario]:
    office = cs.Organisation.generate(size=150, preset="office", seed=11)
    centre = cs.Organisation.generate(size=120, preset="call_centre", seed=12)
    return {
        "office_waves": cs.Scenario(
            org=office,
            programmes=[
                cs.Training(
                    "deescalation", coverage=0.5, waves=2, wave_interval=15, refresher_days=40
                )
            ],
            days=120,
        ),
        "centre_hotspots": cs.Scenario(
            org=centre,
            params=cs.Params(grievance_weight=0.5),
            programmes=[
                cs.Training("active_listening", target="hotspots", start_day=30, lead_in_days=10)
            ],
            days=100,
        ),
        "office_budget_central": cs.Scenario(
            org=office,
            programmes=[
                cs.Training("emotional_regulation", target="central", budget=6000),
                cs.Training("deescalation", target="managers", start_day=5, coverage=0.4),
            ],
            days=80,
            initial_upset=list(office.ids[:5]),
        ),
        "sis": cs.Scenario(org=office, params=cs.Params.sis(transmission=0.05, recovery=0.1)),
    }


def _simulate() -> Iterator[tuple[str, pd.DataFrame]]:
    for name, scn in _scenarios().items():
        res = cs.simulate(scn, replicates=3, seed=7)
        yield f"simulate_{name}_summary", res.summary
        yield f"simulate_{name}_daily", res.daily
        yield f"simulate_{name}_teams", res.team_frame()
        yield f"simulate_{name}_employee_conflicts", _frame(res.employee_conflicts)
        yield f"simulate_{name}_trained", _frame(res.trained)


def _mesa() -> Iterator[tuple[str, pd.DataFrame]]:
    org = cs.Organisation.generate(size=80, preset="office", seed=13)
    scn = cs.Scenario(
        org=org,
        params=cs.Params(grievance_weight=0.4, quit_base=0.002),
        programmes=[
            cs.Training("deescalation", target="managers"),
            cs.Training("active_listening", target="hotspots", start_day=10, coverage=0.3),
        ],
        days=50,
    )
    model = cs.ConflictModel(scn, rng=42)
    model.run_for(50)
    yield "mesa_daily", model.datacollector.get_model_vars_dataframe().reset_index(drop=True)
    yield "mesa_summary", pd.DataFrame([model.summary()])
    yield "mesa_teams", model.team_frame()
    yield "mesa_employee_conflicts", _frame(model.employee_conflicts)
    yield "mesa_trained", _frame(model.ever_trained)


def _compare() -> Iterator[tuple[str, pd.DataFrame]]:
    org = cs.Organisation.generate(size=200, preset="call_centre", seed=14)
    scn = cs.Scenario(org=org, days=120)
    arms = {
        "baseline": scn,
        "listening": scn.with_(programmes=[cs.Training("active_listening", target="managers")]),
        "deescalation": scn.with_(programmes=[cs.Training("deescalation", coverage=0.3)]),
    }
    yield "compare_fast", cs.compare(arms, replicates=8, seed=3).table
    small = {k: v.with_(days=30) for k, v in list(arms.items())[:2]}
    yield "compare_mesa", cs.compare(small, replicates=3, seed=3, engine="mesa").table


def _batch() -> Iterator[tuple[str, pd.DataFrame]]:
    from conflictsim import batch

    with tempfile.TemporaryDirectory() as tmp:
        for name, text in (("batch", EXPERIMENT), ("batch_sweep", SWEEP)):
            path = Path(tmp) / f"{name}.toml"
            path.write_text(text)
            out = Path(tmp) / name
            batch.run(path, out, workers=1, progress=False)
            yield f"{name}_compare", batch.compare(out)
            yield f"{name}_summary", batch.read_summary(out).astype({"arm": str})


def _planner() -> Iterator[tuple[str, pd.DataFrame]]:
    from conflictsim import planner

    plan = planner.Plan(size=120, days=100, replicates=6, seed=2)
    org = planner.build_org(plan)
    res = planner.evaluate(plan, org)
    yield "planner_headlines", res.headlines
    yield "planner_trajectory", res.trajectory
    yield "planner_severity", res.severity
    yield "planner_ripple", res.ripple
    yield "planner_table", res.table
    spread = planner.spread(plan, org, arm=1, replicate=1)
    yield "planner_spread", spread.frame(every=10)
    yield "planner_spread_teams", spread.team_weekly


def _cli() -> Iterator[tuple[str, pd.DataFrame]]:
    from conflictsim.cli import main

    for name, argv in (
        ("cli_simulate", ["simulate", "--preset", "call_centre", "--size", "100", "--days", "60",
                          "--replicates", "3", "--seed", "4"]),
        ("cli_simulate_programme", ["simulate", "--size", "100", "--days", "60", "--programme",
                                    "deescalation", "--target", "managers", "--replicates", "4",
                                    "--seed", "4"]),
    ):  # fmt: skip
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            status = main(argv)
        yield name, pd.DataFrame({"line": buf.getvalue().splitlines() + [f"exit {status}"]})


GROUPS: dict[str, Callable[[], Iterator[tuple[str, pd.DataFrame]]]] = {
    "simulate": _simulate,
    "mesa": _mesa,
    "compare": _compare,
    "batch": _batch,
    "planner": _planner,
    "cli": _cli,
}


def _storable(df: pd.DataFrame) -> pd.DataFrame:
    """Mixed or categorical columns as text (``repr`` of each value: floats exactly)."""
    df = df.reset_index(drop=True).copy()
    for col in df.columns:
        if df[col].dtype == object or isinstance(df[col].dtype, pd.CategoricalDtype):
            df[col] = [repr(v) for v in df[col]]
    df.columns = [str(c) for c in df.columns]
    return df


def outputs() -> Iterator[tuple[str, pd.DataFrame]]:
    """Every recorded table, by name."""
    for group in GROUPS.values():
        for name, df in group():
            yield name, _storable(df)


def differences() -> list[str]:
    """What differs from the record (empty: bit-identical)."""
    problems = []
    names = set()
    for name, df in outputs():
        names.add(name)
        path = HERE / f"{name}.parquet"
        if not path.is_file():
            problems.append(f"{name}: not recorded")
            continue
        want = pd.read_parquet(path)
        try:
            pd.testing.assert_frame_equal(df, want, check_exact=True)
        except AssertionError as exc:
            problems.append(f"{name}: {exc}")
    stale = {p.stem for p in HERE.glob("*.parquet")} - names
    problems += [f"{name}: recorded but no longer produced" for name in sorted(stale)]
    return problems


def write() -> None:
    """Record every table anew."""
    for path in HERE.glob("*.parquet"):
        path.unlink()
    for name, df in outputs():
        df.to_parquet(HERE / f"{name}.parquet", index=False)


def main(argv: list[str] | None = None) -> int:
    """Check (default) or write the record."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--write", action="store_true", help="record anew")
    ap.add_argument("--check", action="store_true", help="compare with the record (default)")
    args = ap.parse_args(argv)
    if args.write:
        write()
        print(f"recorded {len(list(HERE.glob('*.parquet')))} tables in {HERE}")
        return 0
    problems = differences()
    for p in problems:
        print(p)
    print("bit-identical" if not problems else f"{len(problems)} tables differ")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
