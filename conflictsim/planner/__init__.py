"""What-if planning for HR planners: the dashboard's library (no Streamlit here).

The dashboard (``dashboard/``) only draws. Everything it shows is decided here, so that it
can be tested without a browser and reused by scripts. One module per job:

- ``words``: the planner's labels of every choice and every sentence it shows (what each
  figure means, each option's headline sentence and cards, what would change the answer,
  which baseline the figures rest on); numbers and money come from ``conflictsim.words``.
- ``plan``: ``Option`` and ``Plan``, a planner's question in their words, turned into
  ``Scenario`` arms for ``conflictsim.compare``.
- ``links``: the plan as a page address and back, so that a link reproduces it.
- ``baseline``: which calibration anchors the no-training arm (stored, moved from the
  stored preset and checked, or calibrated here) and how a plan's runs use it.
- ``results``: ``evaluate``, one comparison turned into the tables the dashboard draws
  (headline figures, weekly trajectories, severity, the ripple to untrained colleagues).
- ``summary``: ``summary_html``, the one-page summary of the results.
- ``spread``: one simulated period, day by day and person by person, for the network view.
- ``assumptions``: the tables of the Assumptions page.

The names below are those the dashboard reads as ``planner.NAME``; everything else is
imported from its submodule. See docs/dashboard.md.
"""

from __future__ import annotations

from conflictsim.calibration.tables import fit_frame
from conflictsim.evidence import EVIDENCE, EVIDENCE_LABELS
from conflictsim.planner.baseline import (
    BUDGET_ENV,
    Baseline,
    Budget,
    baseline_caution,
    budget_from_env,
    calibrated_baseline,
    calibration_targets,
    for_plan,
    missing_baseline,
    preset_baseline,
    read_records,
)
from conflictsim.planner.best import (
    board_context,
    compare_plan,
    plans_table,
    recommendation_cards,
    search,
    search_key,
)
from conflictsim.planner.plan import (
    LETTERS,
    MAX_OPTIONS,
    PRICES,
    REFRESHER_MONTHS,
    SIZE_RANGE,
    START_MONTHS,
    Plan,
    build_org,
    option_preview,
)
from conflictsim.planner.results import PlanResults, evaluate, headline_csv, ripple_for_chart
from conflictsim.planner.spread import Spread, spread
from conflictsim.planner.summary import summary_html
from conflictsim.planner.words import (
    AMOUNT_LABELS,
    BASELINE,
    HORIZONS,
    ORG_LABELS,
    TARGET_GROUP,
    UPLOADED,
    baseline_check,
    baseline_sentence,
    evidence_sentence,
    explain,
    fit_table,
    frontier_note,
    headline_cards,
    headline_intro,
    horizon_text,
    progress_step,
    recommendation_text,
    records_sentence,
    responders_note,
    value_matters,
    value_sentences,
)
from conflictsim.runs import run_arm
from conflictsim.words import MAX_CURRENCY, PROGRAMME_LABELS, TARGET_LABELS

__all__ = [
    "AMOUNT_LABELS",
    "BASELINE",
    "BUDGET_ENV",
    "EVIDENCE",
    "EVIDENCE_LABELS",
    "HORIZONS",
    "LETTERS",
    "MAX_CURRENCY",
    "MAX_OPTIONS",
    "ORG_LABELS",
    "PRICES",
    "PROGRAMME_LABELS",
    "REFRESHER_MONTHS",
    "SIZE_RANGE",
    "START_MONTHS",
    "TARGET_GROUP",
    "TARGET_LABELS",
    "UPLOADED",
    "Baseline",
    "Budget",
    "Plan",
    "PlanResults",
    "Spread",
    "baseline_caution",
    "baseline_check",
    "baseline_sentence",
    "budget_from_env",
    "board_context",
    "build_org",
    "calibrated_baseline",
    "calibration_targets",
    "compare_plan",
    "evaluate",
    "evidence_sentence",
    "explain",
    "fit_frame",
    "fit_table",
    "for_plan",
    "frontier_note",
    "headline_cards",
    "headline_csv",
    "headline_intro",
    "horizon_text",
    "missing_baseline",
    "option_preview",
    "plans_table",
    "preset_baseline",
    "progress_step",
    "read_records",
    "records_sentence",
    "responders_note",
    "ripple_for_chart",
    "recommendation_cards",
    "recommendation_text",
    "run_arm",
    "search",
    "search_key",
    "spread",
    "summary_html",
    "value_matters",
    "value_sentences",
]
