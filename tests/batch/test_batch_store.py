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
    assert not list((out / "units").glob("*.daily.parquet"))
    with pytest.raises(ValueError, match="no daily results were kept"):
        batch.read_daily(out)
    table = batch.compare(out)
    assert "conflicts" in set(table["outcome"])
    assert not table["outcome"].isin(PARTY_OUTCOMES).any()
    assert not list((out / "units").glob("*.ties.parquet"))


def test_atomic_write_leaves_old_or_new(tmp_path):
    path = tmp_path / "f.bin"
    batch.atomic_write(path, b"old")
    batch.atomic_write(path, b"new" * 1000)
    assert path.read_bytes() == b"new" * 1000
    assert [p.name for p in tmp_path.iterdir()] == ["f.bin"]
