"""Reports: one self-contained HTML file with interactive charts, of a run or a calibration.

- ``run``: ``write_report(DIR)``, the report of a finished batch run;
- ``calibration``: ``write_calibration_report(DIR)``, the report of a saved calibration;
- ``html``: the kit both are made of (page, sections, tables, downloads);
- ``assets``: plotly.js inline, so that a report opens offline and can be mailed.
"""

from __future__ import annotations

from conflictsim.report.calibration import (
    calibration_report,
    is_calibration,
    write_calibration_report,
)
from conflictsim.report.run import (
    REPORT_FILE,
    comparison_cells,
    decision_frame,
    settings_rows,
    write_report,
)

__all__ = [
    "REPORT_FILE",
    "calibration_report",
    "comparison_cells",
    "decision_frame",
    "is_calibration",
    "settings_rows",
    "write_calibration_report",
    "write_report",
]
