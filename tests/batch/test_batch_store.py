"""The results directory: manifest, never overwriting, resume checks, outputs, atomic writes."""

from __future__ import annotations

import pytest
from batch_files import SMALL, write_small

import conflictsim as cs
from conflictsim import batch
from conflictsim.outcomes import PARTY_OUTCOMES


def test_manifest_records_the_run(tmp_path):
    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    m = batch.read_manifest(out)
    assert m["experiment"]["text"] == SMALL
    assert m["conflictsim_version"] == cs.__version__
    assert m["engine"] == "mesa" and m["seed"] == 5
    from conflictsim.seeds import replicate_seed

    assert m["replicate_seeds"] == [replicate_seed(5, k) for k in range(5)]
    assert len(m["units"]) == 6 and all(u["seconds"] > 0 for u in m["units"].values())
    assert m["sessions"][0]["machine"]["cores"] >= 1 and m["complete"]
    assert "numpy" in m["versions"] and "pyarrow" in m["versions"]


def test_existing_directory_is_never_overwritten(tmp_path):
    small = write_small(tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(ValueError, match="is not empty"):
        batch.run(small, out, workers=1, progress=False)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]
    with pytest.raises(ValueError, match="not a conflictsim run"):
        batch.run(small, out, workers=1, resume=True, progress=False)
    batch.run(small, tmp_path / "run", workers=1, progress=False)
    with pytest.raises(ValueError, match="already holds a run; continue it with --resume"):
        batch.run(small, tmp_path / "run", workers=1, progress=False)


def test_resume_refuses_a_changed_experiment(tmp_path):
    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    small.write_text(SMALL.replace("seed = 5", "seed = 6"))
    with pytest.raises(ValueError, match="has changed since"):
        batch.run(small, out, workers=1, resume=True, progress=False)


def test_resume_on_an_empty_directory_starts_afresh(tmp_path):
    small = write_small(tmp_path)
    out = tmp_path / "new"
    out.mkdir()
    units = batch.run(small, out, workers=1, resume=True, progress=False)
    assert units["done"].all()


def test_outputs_can_be_left_out(tmp_path):
    small = write_small(tmp_path)
    small.write_text(SMALL + "\n[outputs]\ndaily = false\nemployees = false\n")
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    assert not (out / "units" / "daily").exists()
    with pytest.raises(ValueError, match="no daily results were kept"):
        batch.read_daily(out)
    table = batch.compare(out)
    assert "conflicts" in set(table["outcome"])
    assert not table["outcome"].isin(PARTY_OUTCOMES).any()
    assert not (out / "units" / "ties").exists() and not (out / "units" / "employees").exists()


def test_atomic_write_leaves_old_or_new(tmp_path):
    path = tmp_path / "f.bin"
    batch.atomic_write(path, b"old")
    batch.atomic_write(path, b"new" * 1000)
    assert path.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]


def test_each_table_is_one_parquet_dataset(tmp_path, monkeypatch):
    """``pd.read_parquet(DIR/units/<table>)`` is exactly ``batch.read_<table>``, each alone."""
    import os

    import pandas as pd
    import pyarrow.dataset as ds

    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    readers = {
        "summary": batch.read_summary,
        "daily": batch.read_daily,
        "employees": batch.read_employees,
        "ties": batch.read_ties,
    }
    assert sorted(p.name for p in (out / "units").iterdir() if p.is_dir()) == sorted(readers)
    for table, read in readers.items():
        mine = read(out)
        theirs = pd.read_parquet(out / "units" / table)
        keys = [c for c in ("point", "arm", "replicate", "day", "employee", "tie") if c in mine]
        theirs["arm"] = theirs["arm"].astype(mine["arm"].dtype)  # the arms in their order
        theirs = theirs.sort_values(keys, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(theirs, mine, check_exact=True, obj=table)
        # One schema over every unit's file: the dataset needs no unifying.
        schemas = {f.physical_schema for f in ds.dataset(out / "units" / table).get_fragments()}
        assert len(schemas) == 1, table
    # units/ itself is no table: reading it fails instead of mixing the tables.
    with pytest.raises(Exception, match="README.txt"):
        pd.read_parquet(out / "units")
    # A file being written (as a run killed mid-write leaves it) is not part of the dataset.
    with monkeypatch.context() as m:
        m.setattr(os, "replace", lambda *a: (_ for _ in ()).throw(OSError("killed")))
        with pytest.raises(OSError):
            batch.atomic_write(out / "units" / "summary" / "p9.parquet", b"half")
    assert len(list((out / "units" / "summary").glob("*tmp*"))) == 1
    assert len(pd.read_parquet(out / "units" / "summary")) == len(batch.read_summary(out))


def test_a_run_in_the_old_layout_is_refused_with_a_way_forward(tmp_path):
    import json

    small = write_small(tmp_path)
    out = tmp_path / "out"
    batch.run(small, out, workers=1, progress=False)
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["format"] = "conflictsim-batch/1"
    (out / "manifest.json").write_text(json.dumps(manifest))
    for reader in (batch.read_summary, batch.compare, batch.units_frame):
        with pytest.raises(ValueError, match=r"format conflictsim-batch/1.*Re-run the experiment"):
            reader(out)
    with pytest.raises(ValueError, match="Re-run"):
        batch.run(small, out, workers=1, resume=True, progress=False)
