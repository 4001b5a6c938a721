"""Executors: a local process pool and a Dask cluster give the results of one worker."""

from __future__ import annotations

import pytest
from batch_files import assert_same, reference_results, results, write_experiment
from dask_cluster import dask_cluster

from conflictsim import batch


@pytest.fixture(scope="module")
def experiment_file(tmp_path_factory):
    return write_experiment(tmp_path_factory)


@pytest.fixture(scope="module")
def reference(experiment_file, tmp_path_factory) -> dict:
    return reference_results(experiment_file, tmp_path_factory)


def test_two_workers_give_identical_results(experiment_file, reference, tmp_path):
    units = batch.run(experiment_file, tmp_path / "w2", workers=2, progress=False)
    assert units["done"].all() and len(units) == 48
    assert_same(results(tmp_path / "w2"), reference)


def test_dask_cluster_gives_identical_results(experiment_file, reference, tmp_path):
    with dask_cluster(tmp_path) as address:
        units = batch.run(experiment_file, tmp_path / "dask", scheduler=address, progress=False)
    assert units["done"].all()
    assert units["host"].nunique() == 2  # both worker processes ran units
    assert_same(results(tmp_path / "dask"), reference)
    manifest = batch.read_manifest(tmp_path / "dask")
    assert manifest["sessions"][0]["executor"] == f"dask {address}"
