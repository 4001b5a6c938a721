"""What-if planning for HR planners: the dashboard's library (no Streamlit here).

The dashboard (``dashboard/``) only draws. Everything it shows is decided here, so that it
can be tested without a browser and reused by scripts. One module per job:

- ``plan``: ``Option`` and ``Plan``, a planner's question in their words, turned into
  ``Scenario`` arms for ``conflictsim.compare``.
- ``links``: the plan as a page address and back, so that a link reproduces it.
- ``results``: ``evaluate``, one comparison turned into the tables the dashboard draws
  (headline figures with intervals and a sentence each, weekly trajectories, severity,
  the ripple to untrained colleagues).
- ``summary``: ``summary_html``, the one-page summary of the results.
- ``spread``: one simulated period, day by day and person by person, for the network view.
- ``assumptions``: the tables of the Assumptions page.
- ``baseline``: which calibration anchors the no-training arm (stored, moved from the
  stored preset and checked, or calibrated here), its fit, and the words for both.
- ``words``: labels, numbers as planners read them, and what each figure means.

The evidence settings live in ``conflictsim.evidence``. The names below are re-exported so
that ``planner.Plan``, ``planner.evaluate`` and the like keep working; new code imports
from the submodules. See docs/dashboard.md.
"""

from __future__ import annotations

from conflictsim.evidence import EVIDENCE, EVIDENCE_LABELS, TRAINING_EFFECTS, evidence_table
from conflictsim.plain import MAX_CURRENCY
from conflictsim.planner.baseline import (
    BUDGET_ENV,
    PUBLISHED_WORDS,
    Baseline,
    Budget,
    baseline_caution,
    baseline_check,
    baseline_sentence,
    budget_from_env,
    calibrated_baseline,
    calibration_key,
    calibration_targets,
    evidence_sentence,
    fit_frame,
    fit_table,
    for_plan,
    missing_baseline,
    preset_baseline,
    progress_step,
    read_records,
    records_sentence,
    run_params,
)
from conflictsim.planner.links import (
    arm_keys,
    from_key,
    from_query,
    key,
    link,
    option_from_text,
    option_to_text,
    to_query,
)
from conflictsim.planner.plan import (
    AMOUNT_DEFAULTS,
    BASELINE,
    DAYS_RANGE,
    DEFAULT_DAYS,
    DEFAULT_OPTIONS,
    DEFAULT_REPLICATES,
    DEFAULT_SEED,
    DEFAULT_SIZE,
    HOTSPOT_LEAD_IN_DAYS,
    LETTERS,
    MAX_OPTIONS,
    MONTH_DAYS,
    REFRESHER_MONTHS,
    REPLICATES_RANGE,
    SIZE_RANGE,
    START_MONTHS,
    WEEK_DAYS,
    Option,
    Plan,
    build_org,
    option_preview,
)
from conflictsim.planner.results import (
    PlanResults,
    evaluate,
    headline_csv,
    headline_sentence,
    money,
    results_from_comparison,
    ripple_for_chart,
    run_arm,
    value_matters,
    value_sentences,
)
from conflictsim.planner.spread import STATES, Spread, spread, team_layout
from conflictsim.planner.summary import summary_html
from conflictsim.planner.words import (
    AMOUNT_LABELS,
    EXPLAIN,
    HORIZONS,
    ORG_LABELS,
    PROGRAMME_LABELS,
    RIPPLE_LABELS,
    SEVERITY_LABELS,
    TARGET_GROUP,
    TARGET_LABELS,
    UPLOADED,
    explain,
    fmt_number,
    fmt_percent,
    horizon_text,
    period_noun,
    with_article,
)

__all__ = [
    "AMOUNT_DEFAULTS",
    "AMOUNT_LABELS",
    "BASELINE",
    "BUDGET_ENV",
    "DAYS_RANGE",
    "DEFAULT_DAYS",
    "DEFAULT_OPTIONS",
    "DEFAULT_REPLICATES",
    "DEFAULT_SEED",
    "DEFAULT_SIZE",
    "EVIDENCE",
    "EVIDENCE_LABELS",
    "TRAINING_EFFECTS",
    "EXPLAIN",
    "HORIZONS",
    "HOTSPOT_LEAD_IN_DAYS",
    "LETTERS",
    "MAX_CURRENCY",
    "MAX_OPTIONS",
    "MONTH_DAYS",
    "ORG_LABELS",
    "PROGRAMME_LABELS",
    "PUBLISHED_WORDS",
    "REFRESHER_MONTHS",
    "REPLICATES_RANGE",
    "RIPPLE_LABELS",
    "SEVERITY_LABELS",
    "SIZE_RANGE",
    "START_MONTHS",
    "STATES",
    "TARGET_GROUP",
    "TARGET_LABELS",
    "UPLOADED",
    "WEEK_DAYS",
    "Baseline",
    "Budget",
    "Option",
    "Plan",
    "PlanResults",
    "Spread",
    "arm_keys",
    "baseline_caution",
    "baseline_check",
    "baseline_sentence",
    "budget_from_env",
    "build_org",
    "calibrated_baseline",
    "calibration_key",
    "calibration_targets",
    "evaluate",
    "evidence_sentence",
    "evidence_table",
    "explain",
    "fit_frame",
    "fit_table",
    "fmt_number",
    "fmt_percent",
    "for_plan",
    "from_key",
    "from_query",
    "headline_csv",
    "headline_sentence",
    "money",
    "horizon_text",
    "key",
    "link",
    "missing_baseline",
    "option_from_text",
    "option_preview",
    "option_to_text",
    "period_noun",
    "preset_baseline",
    "progress_step",
    "read_records",
    "records_sentence",
    "results_from_comparison",
    "ripple_for_chart",
    "run_arm",
    "run_params",
    "spread",
    "summary_html",
    "team_layout",
    "to_query",
    "value_matters",
    "value_sentences",
    "with_article",
]
