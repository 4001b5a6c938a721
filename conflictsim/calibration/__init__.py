"""Calibration: every organisation's baseline anchored to what is known, or to its records.

- ``targets``: ``Targets.published()`` and ``Targets.from_incidents(path, org)``;
- ``statistics``: the statistics of records and simulations the targets compare;
- ``fitting``: ``calibrate(org, targets, seed)``, ABC-SMC with pyabc;
- ``sampler``: the pyabc sampler that makes one seed give one answer on any workers;
- ``result``: ``Calibration``, its draws and fit, saved as plain files.

The package imports nothing by itself: pyabc (with scikit-learn and matplotlib) takes
seconds to import, and reading a stored calibration or its targets does not need it.
``conflictsim.calibrate``, ``conflictsim.Calibration`` and ``conflictsim.Targets`` reach
the modules directly. See docs/calibration.md.
"""
