"""The results directory of a batch run: Parquet files, atomic writes and the manifest.

Each file is written to a temporary name and renamed into place (``os.replace`` is
atomic), and a unit's summary file is written last: a unit is finished exactly when its
summary file exists. The manifest, written before anything else, holds the experiment
file's text and hash, the calibration it runs over (if any), the versions, seeds and units
of the run and each session's timings, so a directory killed at any moment is either empty
(start afresh) or can be resumed.

Layout of a results directory (format ``conflictsim-batch/2``)::

    manifest.json         the experiment file, its hash, versions, seeds, units, timings
    design.parquet        design points (sweeps and sensitivity analyses)
    inputs/               copies of the files the experiment reads (org.csv, edges.csv)
    inputs/calibration/   a copy of the calibration it runs over (calibration.json, ...)
    units/summary/<unit>.parquet     one row per replicate
    units/daily/<unit>.parquet       one row per replicate and day (outputs.daily)
    units/employees/<unit>.parquet   conflicts and training of each post (outputs.employees)
    units/ties/<unit>.parquet        conflicts on each tie (outputs.employees)

Each folder of ``units/`` is one Parquet dataset, one table with one schema:
``pd.read_parquet("DIR/units/summary")`` or ``pyarrow.dataset.dataset(...)`` reads it
whole. Files being written have names starting with a dot, which dataset readers skip.
``units/README.txt`` says what each folder holds; not being Parquet, it also makes
reading ``units/`` itself as one dataset, which would mix the tables, fail.
Format ``conflictsim-batch/1`` kept every table of a unit in ``units/`` itself, so that
reading the folder merged them; such a run is refused with a message saying to re-run it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import hashlib
import io
import json
import os
import platform
import socket
import sys
import time
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.batch.executors import available_cores
from conflictsim.calibration.result import FILES as CALIBRATION_FILES
from conflictsim.experiment import Experiment, Unit, loads
from conflictsim.seeds import replicate_seed
from conflictsim.version import __version__

FORMAT = "conflictsim-batch/2"
#: The format before one folder per table (units/<unit>.<table>.parquet): refused.
OLD_FORMATS = ("conflictsim-batch/1",)
MANIFEST = "manifest.json"
DESIGN = "design.parquet"
UNITS = "units"
INPUTS = "inputs"
#: Folder of ``inputs/`` holding the copy of the calibration.
CALIBRATION = "calibration"
#: Tables of a unit, in the order they are written (summary last: it marks the unit done);
#: each is a folder of ``units/``, one Parquet dataset.
KINDS = ("employees", "ties", "daily", "summary")
#: What ``units/README.txt`` says (and, not being Parquet, why ``units/`` reads as no table).
UNITS_README = """\
Each folder here is one table of the run: a Parquet dataset, one file per unit
(design point, arm and block of replicates; the file name says which).

  summary/    one row per replicate: point, arm, replicate and the run's outcomes
  daily/      one row per replicate and day (kept with [outputs] daily)
  employees/  one row per replicate and post: conflicts, trained (kept with [outputs] employees)
  ties/       one row per replicate and tie: conflicts (kept with [outputs] employees)

Read one folder at a time: pandas.read_parquet("units/summary"),
pyarrow.dataset.dataset("units/daily"), DuckDB: SELECT * FROM 'units/summary/*.parquet';
or conflictsim.batch.read_summary(DIR), read_daily, read_employees, read_ties, which
refuse a run that is not finished. This file is not Parquet on purpose: reading units/
itself as one dataset would mix the tables, so it fails instead.
"""
#: Marks a file being written (a killed run may leave one behind); such a file's name also
#: starts with a dot, so Parquet dataset readers skip it.
TMP = ".tmp-"


def parquet_bytes(df: pd.DataFrame) -> bytes:
    """A table as Parquet bytes (zstd), without the index."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pandas(df, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def unit_file(out: str | Path, kind: str, unit_id: str) -> Path:
    """Where a unit's table is: ``units/<kind>/<unit>.parquet``."""
    return Path(out) / UNITS / kind / f"{unit_id}.parquet"


def write_unit(out: Path, unit: Unit, files: dict[str, bytes | None]) -> None:
    """Write a unit's files atomically, the summary last (it marks the unit finished)."""
    for kind in KINDS:
        data = files.get(kind)
        if data is not None:
            path = unit_file(out, kind, unit.id)
            path.parent.mkdir(exist_ok=True)  # only the tables kept get a folder
            atomic_write(path, data)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` so that readers see the old file or the whole new one.

    The bytes go to a temporary file in the same folder, are flushed to disk, and the
    file is renamed into place (``os.replace`` is atomic on POSIX and Windows). The
    temporary name starts with a dot: readers of a folder as a Parquet dataset skip it.
    """
    tmp = path.with_name(f".{path.name}{TMP}{os.getpid()}")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def finished_units(out: Path, units: Sequence[Unit]) -> set[str]:
    """Ids of the units whose results are on disk."""
    present = _summaries(Path(out))
    return {u.id for u in units if u.id in present}


def _summaries(out: Path) -> set[str]:
    """Ids of the units whose summary (written last) is on disk."""
    folder = out / UNITS / "summary"
    if not folder.is_dir():
        return set()
    return {p.name.removesuffix(".parquet") for p in folder.glob("[!.]*.parquet")}


def prepare(
    exp: Experiment, out: Path, resume: bool, model: str | None = None
) -> tuple[Experiment, dict]:
    """Check ``out`` and write the manifest, the inputs and the design; return the manifest.

    The manifest is written first, so a directory killed at any moment is either empty
    (start afresh) or has a manifest (resume); inputs and design are rewritten on resume.
    ``model`` names the Mesa engine's model class when it is not ``ConflictModel``.
    """
    fingerprint = exp.fingerprint()
    manifest_path = out / MANIFEST
    if out.exists() and not out.is_dir():
        raise ValueError(f"{out} is a file, not a results directory")
    leftovers = [p for p in out.iterdir()] if out.is_dir() else []
    if manifest_path.is_file():
        if not resume:
            raise ValueError(
                f"{out} already holds a run; continue it with --resume, or choose a new "
                "--out (nothing was written)"
            )
        manifest = read_manifest(out)
        old = manifest["experiment"]
        if "evidence" in manifest and manifest["evidence"] != exp.evidence_used:
            raise ValueError(
                f"{out} holds a run under the evidence setting {manifest['evidence']!r}, and "
                f"the experiment now asks for {exp.evidence_used!r} (key evidence); a resumed "
                "run must draw the same training effects. Start a new run with another --out "
                "(nothing was written)"
            )
        if old["sha256"] != fingerprint:
            what = (
                "the experiment file"
                if old.get("text_sha256") != _sha(exp.text.encode())
                else "a file the experiment reads (org chart or contacts)"
            )
            raise ValueError(
                f"{out} holds a run of {old.get('file')}, and {what} has changed since; "
                "a resumed run must use the same experiment. Start a new run with another "
                "--out (nothing was written)"
            )
        _check_same_calibration(out, manifest.get("calibration"), exp.calibration_record())
        if manifest.get("model") != model:
            raise ValueError(
                f"{out} holds a run of the model {manifest.get('model') or 'ConflictModel'}, "
                f"and this one runs {model or 'ConflictModel'}; a resumed run must run the "
                "same model. Start a new run with another --out (nothing was written)"
            )
        if manifest.get("design_sha256") != _design_sha(exp):
            raise ValueError(
                f"{out}: the design points drawn now differ from those of the run (was "
                "SALib upgraded?); resume with the versions of the run, or start a new run"
            )
        if not exp.engine_given and manifest.get("engine") != exp.engine:
            # The default engine changed between sessions: keep the run's own engine.
            exp = _with_engine(exp, manifest["engine"])
        if manifest.get("conflictsim_version") != __version__:
            print(
                f"warning: {out} was started with conflictsim "
                f"{manifest.get('conflictsim_version')}, this is {__version__}",
                file=sys.stderr,
            )
        for p in [*out.glob(f"*{TMP}*"), *(out / UNITS).glob(f"*/*{TMP}*")]:
            p.unlink(missing_ok=True)  # a killed run's half-written files
    else:
        if any(TMP not in p.name for p in leftovers):
            if resume:
                raise ValueError(
                    f"{out} is not empty and holds no {MANIFEST}: it is not a conflictsim "
                    "run to resume (nothing was written)"
                )
            raise ValueError(
                f"{out} is not empty; choose a new or empty --out, or --resume a run "
                "there (nothing was written)"
            )
        for p in leftovers:  # only a killed run's temporary files
            p.unlink()
        manifest = _new_manifest(exp, fingerprint)
        if model is not None:
            manifest["model"] = model  # the Mesa engine's model class (model_cls)
        out.mkdir(parents=True, exist_ok=True)
        atomic_write(manifest_path, _json(manifest))
    (out / UNITS).mkdir(exist_ok=True)
    atomic_write(out / UNITS / "README.txt", UNITS_README.encode())
    (out / INPUTS).mkdir(exist_ok=True)
    for name, path in exp.input_files().items():
        atomic_write(out / INPUTS / name, Path(path).read_bytes())
    if exp.calibration_dir is not None:
        # compare and report read the run's own copy: the folder may change or go later.
        copy = out / INPUTS / CALIBRATION
        copy.mkdir(exist_ok=True)
        for name in CALIBRATION_FILES:
            atomic_write(copy / name, (exp.calibration_dir / name).read_bytes())
    if exp.design.kind != "none":
        # The points as drawn (before rounding whole-number parameters): what analyses read.
        points = pd.DataFrame(exp.design.points, columns=list(exp.design.names))
        points.insert(0, "point", np.arange(exp.n_points))
        atomic_write(out / DESIGN, parquet_bytes(points))
    return exp, manifest


def _check_same_calibration(out: Path, old: dict | None, new: dict | None) -> None:
    """Refuse to resume over other parameter sets than the run's (its draws' hash)."""

    def key(record):
        return None if record is None else (record["org_fingerprint"], record["draws_sha256"])

    if key(old) == key(new):
        return
    if old is None or new is None:
        what = "runs over a calibration now" if old is None else "no longer names its calibration"
        raise ValueError(
            f"{out} holds a run whose experiment {what}; a resumed run must use the same "
            "calibration. Start a new run with another --out (nothing was written)"
        )
    raise ValueError(
        f"{out} holds a run over the calibration {old['folder']}, and the calibration "
        f"{new['folder']} has changed since (its draws.parquet differs); a resumed run must "
        "use the same parameter sets. Start a new run with another --out (nothing was written)"
    )


def _with_engine(exp: Experiment, engine: str) -> Experiment:
    return dataclasses.replace(exp, engine=engine)


def _new_manifest(exp: Experiment, fingerprint: str) -> dict:
    units = exp.units()
    return {
        "format": FORMAT,
        "created": utc_now(),
        "experiment": {
            "file": str(exp.path.resolve()) if exp.path else None,
            "name": exp.name,
            "sha256": fingerprint,
            "text_sha256": _sha(exp.text.encode()),
            "text": exp.text,
            "inputs": {
                name: {"source": str(p), "sha256": _sha(Path(p).read_bytes())}
                for name, p in exp.input_files().items()
            },
        },
        "calibration": exp.calibration_record(),
        # The evidence setting the training effects are drawn from (None: not drawn).
        "evidence": exp.evidence_used,
        "conflictsim_version": __version__,
        "versions": versions(),
        "engine": exp.engine,
        "seed": exp.seed,
        "replicates": exp.replicates,
        "seed_rule": "replicate k of every arm and design point runs with "
        "numpy.random.SeedSequence([seed, k]).generate_state(1)[0]",
        "replicate_seeds": [replicate_seed(exp.seed, k) for k in range(exp.replicates)]
        if exp.replicates <= 100_000
        else None,
        "arms": exp.arm_names,
        "design": {
            "kind": exp.design.kind,
            "parameters": list(exp.design.names),
            "bounds": [list(b) for b in exp.design.bounds],
            "points": exp.n_points,
            "samples": exp.design.samples,
            "seed": exp.design.seed,
        },
        "design_sha256": _design_sha(exp),
        "units": {
            u.id: {"point": u.point, "arm": u.arm, "first": u.first, "count": u.count}
            for u in units
        },
        "complete": False,
    }


class ManifestWriter:
    """Rewrites the manifest atomically, at most once a second unless forced."""

    def __init__(self, out: Path, manifest: dict) -> None:
        self.path = out / MANIFEST
        self.manifest = manifest
        self.last = 0.0

    def write(self, force: bool = False) -> None:
        """Write the manifest if a second has passed since the last write, or if forced."""
        now = time.monotonic()
        if force or now - self.last >= 1.0:
            atomic_write(self.path, _json(self.manifest))
            self.last = now


def read_manifest(out: str | Path) -> dict:
    """The manifest of a results directory."""
    path = Path(out) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{out}: not a results directory (no {MANIFEST})") from None
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: not a valid manifest: {exc}") from None
    if manifest.get("format") in OLD_FORMATS:
        # Refused, not read: two layouts would mean two paths through every reader and a
        # folder of both after --resume. The manifest holds the experiment's text, and a
        # re-run (same seeds) gives the same numbers wherever the model is unchanged.
        raise ValueError(
            f"{out} holds a run written by conflictsim "
            f"{manifest.get('conflictsim_version', '(an earlier version)')} in format "
            f"{manifest['format']} (every table of a unit in units/ itself); this version "
            "keeps one folder per table (units/summary/, units/daily/, ...). Re-run the "
            "experiment into a new folder: conflictsim run FILE --out NEWDIR (the file's "
            f"text is under experiment.text in {path})"
        )
    if manifest.get("format") != FORMAT:
        raise ValueError(f"{path}: unknown format {manifest.get('format')!r}")
    return manifest


def machine() -> dict[str, Any]:
    """The machine running this process: host, system, Python, cores."""
    return {
        "host": socket.gethostname(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "cores": available_cores(),
    }


def versions() -> dict[str, str]:
    """Versions of the packages whose behaviour shapes the results."""
    out = {}
    for pkg in ("numpy", "pandas", "mesa", "numba", "pyarrow", "SALib", "dask", "distributed"):
        with contextlib.suppress(PackageNotFoundError):
            out[pkg] = version(pkg)
    return out


def _design_sha(exp: Experiment) -> str:
    return _sha(np.ascontiguousarray(exp.design.points, dtype=np.float64).tobytes())


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json(obj: Any) -> bytes:
    return (json.dumps(obj, indent=1) + "\n").encode()


def utc_now() -> str:
    """The time now (UTC) to the second, as ISO 8601 text."""
    return _dt.datetime.now(_dt.UTC).isoformat(timespec="seconds")


def load_experiment(out: str | Path) -> Experiment:
    """The experiment of a results directory, rebuilt from the manifest and input copies."""
    out = Path(out)
    manifest = read_manifest(out)
    exp_info = manifest["experiment"]
    overrides = {name: out / INPUTS / name for name in exp_info.get("inputs", {})}
    if manifest.get("calibration"):
        overrides["calibration"] = out / INPUTS / CALIBRATION
    file = exp_info.get("file")
    exp = loads(
        exp_info["text"],
        path=Path(file) if file else None,
        base_dir=out,
        input_overrides=overrides,
        engines=[manifest["engine"]] if manifest.get("engine") else None,
    )
    if manifest.get("engine") and manifest["engine"] != exp.engine:
        exp = _with_engine(exp, manifest["engine"])
    design_file = out / DESIGN
    if design_file.is_file():
        # Use the points the run used, not a fresh draw (a newer SALib could draw others).
        stored = pd.read_parquet(design_file).sort_values("point")
        points = stored[list(exp.design.names)].to_numpy(dtype=float)
        if points.shape != exp.design.points.shape:
            raise ValueError(f"{design_file} does not match the experiment's design")
        exp = dataclasses.replace(exp, design=dataclasses.replace(exp.design, points=points))
    return exp


def units_frame(out: str | Path) -> pd.DataFrame:
    """One row per unit of a run: ``unit, point, arm, first, count, done, seconds, host``."""
    out = Path(out)
    manifest = read_manifest(out)
    present = _summaries(out)
    rows = [
        {
            "unit": uid,
            "point": info["point"],
            "arm": info["arm"],
            "first": info["first"],
            "count": info["count"],
            "done": uid in present,
            "seconds": info.get("seconds"),
            "host": info.get("host"),
        }
        for uid, info in manifest["units"].items()
    ]
    return pd.DataFrame(rows)


def _read(
    out: Path,
    kind: str,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = Path(out)
    exp_units = _manifest_units(out)
    done = finished_units(out, exp_units)
    if complete and len(done) < len(exp_units):
        raise ValueError(
            f"{out}: the run is not finished ({len(done)} of {len(exp_units)} units); "
            "finish it with `conflictsim run FILE --out DIR --resume`"
        )
    manifest_arms = read_manifest(out)["arms"]
    selected = [
        u
        for u in exp_units
        if u.id in done
        and (arms is None or u.arm in arms)
        and (points is None or u.point in points)
    ]
    cols = None
    if columns is not None:
        cols = ["point", "arm", "replicate", *[c for c in columns if c not in ("point", "arm")]]
        cols = list(dict.fromkeys(cols))
    tables = []
    for u in selected:
        path = unit_file(out, kind, u.id)
        if not path.is_file():
            raise ValueError(f"{out}: no {kind} results were kept (see [outputs] {kind})")
        tables.append(pq.read_table(path, columns=cols))
    if not tables:
        return pd.DataFrame(columns=cols or ["point", "arm", "replicate"])
    df = pa.concat_tables(tables).to_pandas()
    df["arm"] = pd.Categorical(df["arm"], categories=manifest_arms, ordered=True)
    keys = ["point", "arm", "replicate"] + [
        k for k in ("day", "employee", "tie") if k in df.columns
    ]
    return df.sort_values(keys, kind="stable").reset_index(drop=True)


def _manifest_units(out: Path) -> list[Unit]:
    manifest = read_manifest(out)
    units = []
    for uid, info in manifest["units"].items():
        u = Unit(info["point"], info["arm"], info["first"], info["count"])
        # Rebuild with the id's own digit widths.
        p_digits = len(uid.split("__")[0]) - 1
        r_digits = len(uid.rsplit("__r", 1)[1].split("-")[0])
        units.append(Unit(u.point, u.arm, u.first, u.count, p_digits, r_digits))
    return units


def read_summary(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """One row per design point, arm and replicate: the per-run outcomes.

    Args:
        out: Results directory.
        arms: Only these arms.
        points: Only these design points.
        complete: Refuse an unfinished run (False: read the finished units).
    """
    return _read(Path(out), "summary", arms, points, complete=complete)


def read_daily(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    columns: Sequence[str] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """Daily outcomes: one row per design point, arm, replicate and day.

    ``columns`` limits what is read (``point``, ``arm`` and ``replicate`` always come).
    """
    return _read(Path(out), "daily", arms, points, columns, complete=complete)


def read_employees(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """Per post and replicate: conflicts the post was party to and whether it was trained."""
    return _read(Path(out), "employees", arms, points, complete=complete)


def read_ties(
    out: str | Path,
    *,
    arms: Sequence[str] | None = None,
    points: Sequence[int] | None = None,
    complete: bool = True,
) -> pd.DataFrame:
    """Per tie and replicate: the conflicts on it (kept with ``[outputs] employees``)."""
    return _read(Path(out), "ties", arms, points, complete=complete)
