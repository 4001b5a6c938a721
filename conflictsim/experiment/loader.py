"""Reading an experiment file: TOML in, a checked ``Experiment`` out, or one plain error.

``load`` reads one and refuses anything it does not understand: an unknown key, parameter
or programme kind, a wrong type or an out-of-range value raises ``ValueError`` naming the
file, the line (when it can be found) and the key. The organisation and every arm's
scenario are built here too, and a calibration the file names is read and checked against
them, so a run never starts on a file that would fail part-way.
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from conflictsim.calibration.result import FREE, Calibration
from conflictsim.evidence import EVIDENCE, TRAINING_EFFECTS
from conflictsim.experiment.checks import (
    check_keys,
    describe,
    get_bool,
    get_float,
    get_int,
    get_parameters,
    get_str,
    get_table,
)
from conflictsim.experiment.designs import sensitivity_design, sweep_design
from conflictsim.experiment.spec import Arm, Design, Experiment
from conflictsim.experiment.toml_lines import Context, LineIndex
from conflictsim.organisation import PRESETS
from conflictsim.runs import DEFAULT_ENGINE, ENGINES
from conflictsim.scenario import DAYS_PER_WEEK, WARMUP_DAYS, Scenario
from conflictsim.training import KINDS, Training
from conflictsim.words import currency_problem

_ARM_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")
_MAX_REPLICATES = 10_000_000


def load(path: str | Path, *, input_overrides: Mapping[str, Path] | None = None) -> Experiment:
    """Read and check an experiment file.

    Args:
        path: A TOML experiment file (docs/experiments.md).
        input_overrides: Replace the files the experiment reads, e.g. ``{"org.csv": p}``
            or ``{"calibration": folder}`` (a results directory keeps its own copies).

    Returns:
        The checked ``Experiment``.

    Raises:
        ValueError: If the file is missing, is not TOML, or anything in it is unknown,
            of the wrong type or out of range; the message names the file, line and key.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{p}: no such experiment file") from None
    except IsADirectoryError:
        raise ValueError(f"{p}: is a directory, not an experiment file") from None
    except UnicodeDecodeError:
        raise ValueError(f"{p}: not a text file (experiment files are UTF-8 TOML)") from None
    return loads(text, path=p, input_overrides=input_overrides)


def loads(
    text: str,
    *,
    path: str | Path | None = None,
    base_dir: str | Path | None = None,
    input_overrides: Mapping[str, Path] | None = None,
    engines: Sequence[str] | None = None,
) -> Experiment:
    """Check the text of an experiment file (see ``load``).

    Args:
        text: TOML text.
        path: Where the text came from (named in messages; relative paths in the file are
            taken from its folder).
        base_dir: Folder for relative paths when ``path`` is None (default: current).
        input_overrides: Replace the files the experiment reads (see ``load``).
        engines: Engine names to accept (default: those of ``runs.ENGINES``); a
            finished run is read back with the engine it ran on, even where it is missing.
    """
    label = str(path) if path is not None else "<experiment>"
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{label}: not valid TOML: {exc}") from None
    base = Path(path).resolve().parent if path is not None else Path(base_dir or ".").resolve()
    ctx = Context(label, LineIndex(text))
    return _build(
        data, text, Path(path) if path else None, base, ctx, dict(input_overrides or {}), engines
    )


_TOP = {
    "calibration": "the folder of a calibration to run over",
    "evidence": "what training does at work: sceptical, central or enthusiastic",
    "experiment": "name, seed, replicates, days, ...",
    "organisation": "preset and size, or csv",
    "parameters": "model parameters",
    "arms": "[[arms]] tables",
    "outputs": "daily, employees",
    "sweep": "a sweep over parameters",
    "sensitivity": "a sensitivity analysis",
    "prices": "your prices per programme: [prices.deescalation] cost_per_trainee = 350 ...",
}
#: Keys that are not tables (written above the first [table] header).
_TOP_KEYS = ("calibration", "evidence")
_EXPERIMENT_KEYS = (
    "name",
    "description",
    "seed",
    "replicates",
    "days",
    "warmup",
    "initial_upset",
    "engine",
    "replicates_per_unit",
    "responders_apart",
    "currency",
)
_ORG_KEYS = ("preset", "size", "seed", "team_size", "cross_ties", "customer_facing", "csv", "edges")
_ARM_KEYS = ("name", "description", "programmes", "parameters")
_OUTPUT_KEYS = ("daily", "employees")
#: What a [prices.<programme>] table may set: a vendor's quote, for every programme of
#: that kind in the file (a programme's own value wins).
_PRICE_KEYS = ("cost_per_trainee", "hours_per_trainee", "cost_per_session")


def _programme_keys() -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(Training) if f.init)


def _build(
    data: dict,
    text: str,
    path: Path | None,
    base: Path,
    ctx: Context,
    overrides: dict,
    engines: Sequence[str] | None = None,
) -> Experiment:
    engines = list(ENGINES) if engines is None else list(dict.fromkeys([*engines, *ENGINES]))

    check_keys(ctx, data, list(_TOP), ())
    for table in _TOP:
        for top in _TOP_KEYS:
            if isinstance(data.get(table), dict) and top in data[table]:
                # TOML puts every key after a [table] header into that table.
                raise ctx.error(
                    (table, top),
                    f"{top} is a top-level key: write it above the first [table] of the file",
                )

    exp = get_table(ctx, data, "experiment", ())
    check_keys(ctx, exp, _EXPERIMENT_KEYS, ("experiment",))
    k = ("experiment",)
    name = get_str(ctx, exp, "name", k, default=path.stem if path else "experiment")
    description = get_str(ctx, exp, "description", k, default="")
    seed = get_int(ctx, exp, "seed", k, default=1, low=0, high=2**63 - 1)
    replicates = get_int(ctx, exp, "replicates", k, low=1, high=_MAX_REPLICATES)
    days = get_int(ctx, exp, "days", k, default=250, low=1, high=100_000)
    warmup = get_int(ctx, exp, "warmup", k, default=WARMUP_DAYS, low=0, high=10_000)
    if warmup % DAYS_PER_WEEK:
        raise ctx.error(
            k + ("warmup",), f"warmup must be whole weeks ({DAYS_PER_WEEK} working days each)"
        )
    engine_given = "engine" in exp
    engine = get_str(ctx, exp, "engine", k, default=DEFAULT_ENGINE, choices=engines)
    # Default: about 8 blocks per arm (so every core has work and progress shows; with a
    # sweep the design points give that already), at most 50 replicates each (so a killed
    # unit loses little). It depends on the file only, never on the workers, so a run
    # resumed with other workers has the same units.
    swept = "sweep" in data or "sensitivity" in data
    per_unit = get_int(
        ctx,
        exp,
        "replicates_per_unit",
        k,
        default=min(50, replicates if swept else -(-replicates // 8)),
        low=1,
    )
    currency = get_str(ctx, exp, "currency", k, default="").strip()
    if problem := currency_problem(currency):
        raise ctx.error(k + ("currency",), problem)
    iu = exp.get("initial_upset", 0.02)
    if isinstance(iu, list):
        if not all(isinstance(i, str) for i in iu):
            raise ctx.error(
                k + ("initial_upset",), "a list of initial_upset must hold employee ids as text"
            )
        initial_upset: float | tuple[str, ...] = tuple(iu)
    else:
        initial_upset = get_float(ctx, exp, "initial_upset", k, default=0.02, low=0.0, high=1.0)

    organisation = _organisation(
        ctx, get_table(ctx, data, "organisation", ()), seed, base, overrides
    )
    parameters = get_parameters(ctx, get_table(ctx, data, "parameters", ()), ("parameters",))
    arms = _arms(ctx, data, parameters, _prices(ctx, data))
    # A sensitivity analysis reads its own contrast: the extra arms would be run for nothing.
    if get_bool(ctx, exp, "responders_apart", k, "sensitivity" not in data):
        # Each arm whose trainees act as responders, also without them: how much of its
        # effect rests on a mechanism no study has measured.
        names = {a.name for a in arms}
        for a in list(arms[1:]):
            quiet = a.without_responders()
            if quiet is not None and quiet.name not in names:
                arms = (*arms, quiet)
                names.add(quiet.name)

    outputs = get_table(ctx, data, "outputs", ())
    check_keys(ctx, outputs, _OUTPUT_KEYS, ("outputs",))
    outs = {
        "daily": get_bool(ctx, outputs, "daily", ("outputs",), True),
        "employees": get_bool(ctx, outputs, "employees", ("outputs",), True),
    }

    if "sweep" in data and "sensitivity" in data:
        raise ctx.error(
            ("sensitivity",),
            "a file has either [sweep] or [sensitivity], not both: a sensitivity analysis "
            "makes its own design",
        )
    design, sens = Design(), None
    if "sweep" in data:
        design = sweep_design(ctx, get_table(ctx, data, "sweep", ()), seed, parameters, arms)
    if "sensitivity" in data:
        design, sens = sensitivity_design(
            ctx, get_table(ctx, data, "sensitivity", ()), seed, parameters, arms
        )

    calibration, cal_dir, cal_sha = None, None, None
    if "calibration" in data:
        calibration, cal_dir, cal_sha = _calibration(ctx, data, base, overrides)
    evidence = None
    if "evidence" in data:
        evidence = get_str(ctx, data, "evidence", (), choices=list(EVIDENCE))

    experiment = Experiment(
        path=path,
        text=text,
        name=name,
        description=description,
        seed=seed,
        replicates=replicates,
        days=days,
        warmup=warmup,
        initial_upset=initial_upset,
        engine=engine,
        engine_given=engine_given,
        replicates_per_unit=per_unit,
        organisation=organisation,
        parameters=parameters,
        arms=arms,
        outputs=outs,
        design=design,
        sensitivity=sens,
        calibration=calibration,
        calibration_dir=cal_dir,
        calibration_sha256=cal_sha,
        evidence=evidence,
        currency=currency,
    )
    # Build the organisation and every arm's scenario now: a run never starts on a file
    # that would fail part-way.
    try:
        org = experiment.org
    except ValueError as exc:
        raise ctx.error(("organisation",), str(exc)) from None
    if isinstance(initial_upset, tuple):
        try:
            org.index_of(list(initial_upset))
        except ValueError as exc:
            raise ctx.error(("experiment", "initial_upset"), str(exc)) from None
    for i, arm in enumerate(arms):
        for j, prog in enumerate(arm.programmes):
            try:
                Scenario(
                    org=org,
                    params=experiment.params_at(0, arm),
                    programmes=[prog],
                    days=days,
                    warmup=warmup,
                )
            except ValueError as exc:
                given = {f.name for f in dataclasses.fields(prog) if f.init}
                raise ctx.error(
                    ("arms", i, "programmes", j) + _culprit(exc, given),
                    str(exc),
                ) from None
    if evidence is not None:
        _check_evidence(ctx, experiment)
    if calibration is not None:
        _check_over_calibration(ctx, experiment, data["calibration"])
    if sens is not None and sens.method == "delta" and calibration is None:
        raise ctx.error(
            ("sensitivity", "method"),
            "the delta method reads the parameter sets of a calibration, each replicate one "
            'plausible world: name one with the top-level key calibration = "folder"',
        )
    return experiment


def _check_evidence(ctx: Context, exp: Experiment) -> None:
    """Refuse a training effect set or varied by the file when an evidence setting draws it.

    Under an evidence setting, replicate k takes its training effects from set k (over a
    calibration or not), so a value the file gives would be silently replaced.
    """
    tables = [(("parameters",), exp.parameters)]
    tables += [(("arms", i, "parameters"), arm.parameters) for i, arm in enumerate(exp.arms)]
    design = "sensitivity" if exp.sensitivity is not None else "sweep"
    tables.append(((design, "parameters"), dict.fromkeys(exp.design.names)))
    for keys, table in tables:
        for name in table:
            if name in TRAINING_EFFECTS:
                raise ctx.error(
                    keys + (name,),
                    f"{name!r} is drawn for each replicate from the evidence setting "
                    f"{exp.evidence!r} (what training does at work); remove it here, or "
                    "remove the top-level key evidence to set it yourself",
                )


def _calibration(ctx: Context, data: dict, base: Path, overrides: dict):
    """The calibration the file names, its folder and the SHA-256 of its draws."""
    rel = get_str(ctx, data, "calibration", ())
    folder = Path(overrides.get("calibration") or base / rel).resolve()
    try:
        cal = Calibration.load(folder)
    except ValueError as exc:
        raise ctx.error(("calibration",), str(exc)) from None
    sha = hashlib.sha256((folder / "draws.parquet").read_bytes()).hexdigest()
    return cal, folder, sha


def _check_over_calibration(ctx: Context, exp: Experiment, rel: str) -> None:
    """Refuse what would run the calibration's sets with other parameters than its own.

    The sets reproduce the targets only together with the parameters the calibration was
    made with (``Calibration.base``), except those that do not change the baseline
    (``calibration.result.FREE``: costs, reporting rates, responders' success). So the
    file may not set a calibrated parameter, set another one otherwise, or vary either.
    The training effects an evidence setting draws count as calibrated.
    """
    cal = exp.run_calibration
    try:
        cal.check_org(exp.org)
    except ValueError:
        # Both are often called by their preset's name: tell them apart by fingerprint.
        raise ctx.error(
            ("calibration",),
            f"the calibration {rel!r} is of another organisation ({cal.org_name!r}, "
            f"fingerprint {cal.org_fingerprint}) than this file's (fingerprint "
            f"{exp.org.fingerprint()}): their employees, teams or ties differ; calibrate "
            "this organisation (conflictsim.calibrate) and name that calibration",
        ) from None
    calibrated = set(cal.parameters)
    tables = [(("parameters",), exp.parameters)]
    tables += [(("arms", i, "parameters"), arm.parameters) for i, arm in enumerate(exp.arms)]
    for keys, table in tables:
        for name, value in table.items():
            if name in calibrated:
                raise ctx.error(
                    keys + (name,),
                    f"{name!r} is calibrated: over the calibration {rel!r} replicate k runs "
                    "its parameter set k; remove it here",
                )
            if name not in FREE and name in cal.base and value != cal.base[name]:
                raise ctx.error(
                    keys + (name,),
                    f"{name!r} is {value:g} here but the calibration {rel!r} was made with "
                    f"{cal.base[name]:g}: its parameter sets reproduce the targets only with "
                    "that value; use it, or calibrate again with this one "
                    "(conflictsim.calibrate(..., params=...))",
                )
    table = "sensitivity" if exp.sensitivity is not None else "sweep"
    for name in exp.design.names:
        keys = (table, "parameters", name)
        if name in calibrated:
            raise ctx.error(
                keys,
                f"{name!r} is calibrated: over the calibration {rel!r} each replicate has its "
                "own value, so it cannot be varied too; remove it here",
            )
        if name not in FREE:
            raise ctx.error(
                keys,
                f"{name!r} cannot be varied over a calibration: {rel!r} reproduces its targets "
                f"only with {name} = {cal.base[name]:g}; a design over a calibration may vary "
                f"only {', '.join(FREE)}",
            )
    # What the file leaves at its default must be what the calibration was made with.
    for arm in exp.arms:
        params = exp.params_at(0, arm)
        for name, value in cal.base.items():
            if name not in FREE and params[name] != value:
                raise ctx.error(
                    ("calibration",),
                    f"the calibration {rel!r} was made with {name} = {value:g}, and this "
                    f"experiment runs {name} = {params[name]:g} (the default); set "
                    f"{name} = {value:g} in [parameters]",
                )


def _organisation(ctx: Context, o: dict, seed: int, base: Path, overrides: dict) -> dict:
    k = ("organisation",)
    check_keys(ctx, o, _ORG_KEYS, k)
    if "csv" in o:
        clash = [
            key
            for key in ("preset", "size", "seed", "team_size", "cross_ties", "customer_facing")
            if key in o
        ]
        if clash:
            raise ctx.error(
                k + (clash[0],),
                f"{clash[0]!r} is for generated organisations; "
                "a csv organisation takes only csv and edges",
            )
        out: dict[str, Any] = {}
        for key, fname in (("csv", "org.csv"), ("edges", "edges.csv")):
            if key not in o:
                continue
            rel = get_str(ctx, o, key, k)
            p = overrides.get(fname) or (base / rel)
            if not Path(p).is_file():
                raise ctx.error(k + (key,), f"no such file: {p}")
            out[key] = str(Path(p).resolve())
        return out
    if "edges" in o:
        raise ctx.error(k + ("edges",), "edges needs csv (an org chart file)")
    out = {
        "preset": get_str(ctx, o, "preset", k, default="office", choices=list(PRESETS)),
        "size": get_int(ctx, o, "size", k, default=500, low=2, high=10_000_000),
        "seed": get_int(ctx, o, "seed", k, default=seed, low=0, high=2**63 - 1),
    }
    if "team_size" in o:
        out["team_size"] = get_int(ctx, o, "team_size", k, low=2)
    if "cross_ties" in o:
        out["cross_ties"] = get_float(ctx, o, "cross_ties", k, low=0.0, high=1000.0)
    if "customer_facing" in o:
        out["customer_facing"] = get_float(ctx, o, "customer_facing", k, low=0.0, high=1.0)
    return out


def _prices(ctx: Context, data: dict) -> dict[str, dict[str, float]]:
    """The [prices.<programme>] tables: each programme's fee, hours and session cost."""
    raw = get_table(ctx, data, "prices", ())
    check_keys(ctx, raw, list(KINDS), ("prices",))
    out = {}
    for kind in raw:
        k = ("prices", kind)
        table = get_table(ctx, raw, kind, ("prices",))
        check_keys(ctx, table, _PRICE_KEYS, k)
        out[kind] = {
            name: get_float(ctx, table, name, k, low=0.0, high=1e9)
            for name in _PRICE_KEYS
            if name in table
        }
    return out


def _arms(
    ctx: Context, data: dict, base_params: dict, prices: dict | None = None
) -> tuple[Arm, ...]:
    raw = data.get("arms")
    if raw is None:
        return (Arm("baseline"),)
    if not isinstance(raw, list) or not all(isinstance(a, dict) for a in raw):
        raise ctx.error(("arms",), "must be [[arms]] tables (an array of tables)")
    if not raw:
        raise ctx.error(("arms",), "needs at least one arm")
    prog_keys = _programme_keys()
    arms, seen = [], set()
    for i, a in enumerate(raw):
        k = ("arms", i)
        check_keys(ctx, a, _ARM_KEYS, k)
        name = get_str(ctx, a, "name", k)
        if not _ARM_NAME.match(name):
            raise ctx.error(
                k + ("name",),
                f"arm name {name!r} must start with a letter and hold only letters, "
                "digits, _ and - (at most 40)",
            )
        if name in seen:
            raise ctx.error(k + ("name",), f"two arms are called {name!r}")
        seen.add(name)
        params = get_parameters(ctx, get_table(ctx, a, "parameters", k), k + ("parameters",))
        progs_raw = a.get("programmes", [])
        if isinstance(progs_raw, dict):
            progs_raw = [progs_raw]
        if not isinstance(progs_raw, list) or not all(isinstance(p, dict) for p in progs_raw):
            raise ctx.error(k + ("programmes",), "must be a table or an array of tables")
        progs = []
        for j, pr in enumerate(progs_raw):
            pk = k + ("programmes", j)
            check_keys(ctx, pr, prog_keys, pk)
            if "kind" not in pr:
                raise ctx.error(
                    pk + ("kind",),
                    "is required: deescalation, active_listening or emotional_regulation",
                )
            target = pr.get("target", "random")
            if not isinstance(target, str) and not (
                isinstance(target, list) and all(isinstance(t, str) for t in target)
            ):
                raise ctx.error(
                    pk + ("target",),
                    "must be a targeting rule or a list of employee ids as text, "
                    f"got {describe(target)}",
                )
            try:
                quote = (prices or {}).get(pr["kind"], {}) if isinstance(pr["kind"], str) else {}
                progs.append(Training(**{**quote, **pr}))
            except ValueError as exc:
                raise ctx.error(pk + _culprit(exc, pr), str(exc)) from None
        arms.append(Arm(name, tuple(progs), params, get_str(ctx, a, "description", k, default="")))
    return tuple(arms)


def _culprit(exc: ValueError, present: Iterable[str]) -> tuple[str, ...]:
    """The key of a programme table that a ``TrainingError`` is about, if it holds one."""
    present = set(present)
    for name in getattr(exc, "fields", ()):
        if name in present:
            return (name,)
    return ()
