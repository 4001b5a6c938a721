"""Batch runs of experiment files: all cores or a Dask cluster, results streamed to Parquet.

- ``run``: ``run`` an experiment, unit by unit, resumable at any point (``run.py``);
- ``executors``: this process, local processes or a Dask cluster;
- ``store``: the results directory: Parquet files, atomic writes, the manifest, and
  reading the results back (``read_summary``, ``read_daily``, ``read_employees``);
- ``compare``: the comparisons of a finished run and their value of information.
"""

from conflictsim.batch.comparing import compare, comparisons, responders, value_of_information
from conflictsim.batch.executors import available_cores
from conflictsim.batch.runner import (
    BatchError,
    Progress,
    run,
    run_unit,
    stop_on_sigterm,
    unit_tables,
)
from conflictsim.batch.store import (
    DESIGN,
    FORMAT,
    INPUTS,
    KINDS,
    MANIFEST,
    UNITS,
    atomic_write,
    finished_units,
    load_experiment,
    machine,
    read_daily,
    read_employees,
    read_manifest,
    read_summary,
    read_ties,
    units_frame,
    versions,
    write_unit,
)

__all__ = [
    "DESIGN",
    "FORMAT",
    "INPUTS",
    "KINDS",
    "MANIFEST",
    "UNITS",
    "BatchError",
    "Progress",
    "atomic_write",
    "available_cores",
    "compare",
    "comparisons",
    "finished_units",
    "load_experiment",
    "machine",
    "read_daily",
    "read_employees",
    "read_ties",
    "read_manifest",
    "read_summary",
    "run",
    "run_unit",
    "stop_on_sigterm",
    "unit_tables",
    "units_frame",
    "responders",
    "value_of_information",
    "versions",
    "write_unit",
]
