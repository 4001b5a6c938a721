"""What every page shares: the plan, the sidebar, cached results and drawing helpers.

The plan (``conflictsim.planner.Plan``) is the one source of truth. Widgets show it and
their callbacks replace it, so pages that are not on screen lose nothing, two widgets can
show the same setting, and the page address always reproduces what is on screen.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

# The package imports its public names on first use: cs.calibrate (with pyabc, seconds to
# import) is loaded only when an organisation is calibrated, not before the first answer.
import conflictsim as cs
from conflictsim import planner
from conflictsim.figures import arm_colours
from conflictsim.organisation import Organisation
from conflictsim.planner import links
from conflictsim.planner.plan import Plan

#: Plausible worlds per option offered in the sidebar (more: steadier figures, slower).
PRECISION = {50: "Quick (50 plausible worlds)", 200: "Standard (200)", 500: "Precise (500)"}
#: Results kept per session for an uploaded organisation (never in the shared cache).
SESSION_CACHE_SIZE = 6


# ---------------------------------------------------------------------------- the plan
def init_plan() -> None:
    """On a new session, read the plan from the page address; then keep the address in step."""
    if "plan" not in st.session_state:
        plan, problems = links.from_query(st.query_params.to_dict())
        st.session_state["plan"] = plan
        st.session_state["link_problems"] = problems
    query = links.to_query(get_plan())
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def get_plan() -> Plan:
    """The plan on screen."""
    return st.session_state["plan"]


def set_plan(plan: Plan) -> None:
    """Replace the plan (the page address follows on the next run)."""
    st.session_state["plan"] = plan


def bound(
    widget: Callable[..., Any],
    label: str,
    key: str,
    value: Any,
    to_plan: Callable[[Plan, Any], Plan],
    **kwargs: Any,
) -> Any:
    """Draw a widget that shows ``value`` and, when changed, sets the plan to ``to_plan``.

    A change the plan refuses (for example a start after the end of the period) leaves the
    plan as it was and is shown as a message by ``show_plan_error``.
    """
    st.session_state[key] = value

    def changed() -> None:
        try:
            set_plan(to_plan(get_plan(), st.session_state[key]))
        except ValueError as exc:
            st.session_state["plan_error"] = str(exc)

    return widget(label, key=key, on_change=changed, **kwargs)


def scenario_header(plan: Plan, hint: str = " Change these in the sidebar.") -> tuple:
    """A page's scenario: the last refused change, the organisation and its calibration.

    Stops the page when the organisation is missing (an upload this session has not got).

    Returns:
        The organisation and its baseline (``planner.Baseline``).
    """
    show_plan_error()
    org = current_org(plan)
    if org is None:
        st.stop()
    st.caption(f"**Simulating** {org_sentence(plan, org)}{hint}")
    found = baseline(plan, org)
    show_baseline(plan, found)
    return org, found


def show_plan_error() -> None:
    """Show (once) why the last change could not be made."""
    message = st.session_state.pop("plan_error", None)
    if message:
        st.warning(f"That change was not made: {message}", icon=":material/undo:")


# ---------------------------------------------------------------------------- organisation
def uploaded_org() -> Organisation | None:
    """The organisation uploaded in this session, if any (kept in memory only)."""
    return st.session_state.get("uploaded_org")


#: Session keys of the incident records uploaded for the uploaded organisation.
RECORD_KEYS = ("uploaded_records", "records_key", "records_name", "records_ident", "records_error")


def store_upload(org: Organisation, data: bytes, edges: bytes | None, names: str) -> None:
    """Keep an uploaded organisation for this session and switch the plan to it.

    Incident records uploaded for an earlier org chart are dropped: they were checked
    against that one.
    """
    digest = hashlib.sha256(data + b"\0" + (edges or b"")).hexdigest()
    st.session_state["uploaded_org"] = org
    st.session_state["uploaded_key"] = digest
    st.session_state["uploaded_names"] = names
    for key in ("session_results", *RECORD_KEYS):
        st.session_state.pop(key, None)
    set_plan(get_plan().with_(org=planner.UPLOADED))


def forget_upload() -> None:
    """Drop the uploaded organisation (and its records) and go back to the office preset."""
    for key in ("uploaded_org", "uploaded_key", "uploaded_names", "session_results", *RECORD_KEYS):
        st.session_state.pop(key, None)
    if get_plan().org == planner.UPLOADED:
        set_plan(get_plan().with_(org="office"))


def store_records(records: Any, summary: dict, data: bytes, name: str) -> None:
    """Keep uploaded incident records (in memory) for the uploaded organisation."""
    st.session_state["uploaded_records"] = (records, summary)
    st.session_state["records_key"] = hashlib.sha256(data).hexdigest()
    st.session_state["records_name"] = name


def forget_records() -> None:
    """Calibrate the uploaded organisation to the published rates only again."""
    for key in ("uploaded_records", "records_key", "records_name"):
        st.session_state.pop(key, None)


@st.cache_resource(max_entries=16, show_spinner=False)
def _preset_org(org: str, size: int, seed: int) -> Organisation:
    return Organisation.generate(size=size, preset=org, seed=seed)


def current_org(plan: Plan) -> Organisation | None:
    """The plan's organisation, or None (with a message) if it is an upload we do not have."""
    if plan.org == planner.UPLOADED:
        org = uploaded_org()
        if org is None:
            st.info(
                "This scenario uses an uploaded org chart. Uploaded files stay in the browser "
                "session that uploaded them, so upload it again on **Your organisation**, or "
                "pick a preset in the sidebar.",
                icon=":material/upload_file:",
            )
            st.page_link("views/organisation.py", label="Upload an org chart", icon="⬆️")
        return org
    return _preset_org(plan.org, plan.size, plan.seed)


def org_sentence(plan: Plan, org: Organisation) -> str:
    """The organisation in a sentence, naming the uploaded files if it is an upload."""
    return plan.org_sentence(org, st.session_state.get("uploaded_names", "uploaded"))


# ---------------------------------------------------------------------------- sidebar
def sidebar() -> None:
    """The organisation, period, evidence and precision, shown on every page."""
    plan = get_plan()
    with st.sidebar:
        st.header("Scenario")
        orgs = [o for o in planner.ORG_LABELS if o != planner.UPLOADED]
        if uploaded_org() is not None or plan.org == planner.UPLOADED:
            orgs.append(planner.UPLOADED)
        bound(
            st.selectbox,
            "Organisation",
            "sb_org",
            plan.org,
            lambda p, v: p.with_(org=v),
            options=orgs,
            format_func=planner.ORG_LABELS.get,
            help="A typical organisation of the sector, or the org chart you uploaded on "
            "'Your organisation'.",
        )
        if plan.org != planner.UPLOADED:
            top = max(2000, plan.size)
            bound(
                st.slider,
                "Employees",
                "sb_size",
                plan.size,
                lambda p, v: p.with_(size=int(v)),
                min_value=planner.SIZE_RANGE[0],
                max_value=top,
                step=10,
                help="Headcount of the simulated organisation (teams and managers follow "
                "the sector's usual team size).",
            )
        horizons = dict(planner.HORIZONS)
        horizons.setdefault(plan.days, planner.horizon_text(plan.days))
        bound(
            st.selectbox,
            "Period simulated",
            "sb_days",
            plan.days,
            lambda p, v: p.with_(days=int(v)),
            options=sorted(horizons),
            format_func=horizons.get,
        )
        evidence_control("sb_evidence")
        precision = dict(PRECISION)
        precision.setdefault(plan.replicates, f"{plan.replicates} simulations")
        bound(
            st.selectbox,
            "Precision",
            "sb_reps",
            plan.replicates,
            lambda p, v: p.with_(replicates=int(v)),
            options=sorted(precision),
            format_func=precision.get,
            help="How many plausible worlds each option is simulated in: each one a "
            "parameter set of the calibration, a draw of what training does at work and "
            "a simulated year of its own. More gives steadier figures but takes longer.",
        )
        bound(
            st.text_input,
            "Currency",
            "sb_currency",
            plan.currency,
            lambda p, v: p.with_(currency=v),
            max_chars=planner.MAX_CURRENCY,
            placeholder="none",
            help="The currency of the hourly cost of work and of every sum shown (EUR, "
            "GBP, $). It names the money; it changes no figure.",
        )
        st.caption(
            "Everything you choose is saved in the page address: copy it to share this scenario."
        )


def evidence_control(key: str, horizontal: bool = False) -> None:
    """The evidence setting (sceptical, central, enthusiastic) as a radio bound to the plan."""
    plan = get_plan()
    bound(
        st.radio,
        "Evidence about training",
        key,
        plan.evidence,
        lambda p, v: p.with_(evidence=v),
        options=list(planner.EVIDENCE),
        format_func=planner.EVIDENCE_LABELS.get,
        horizontal=horizontal,
        captions=None
        if horizontal
        else [
            "half the belief on no effect at work",
            "anything from no effect to the hoped-for one",
            "most likely training works as hoped",
        ],
        help="What training does at work is uncertain: studies find clear gains in "
        "skills, and small or no change in incidents. Each setting starts from a belief "
        "and is then updated by the controlled trials of training on incidents, run "
        "through the model; every simulated period draws one effect from it. The "
        "no-training baseline is the same in all three (see Assumptions).",
    )


# ---------------------------------------------------------------------------- calibration
def budget() -> planner.Budget:
    """How hard organisations are calibrated (``planner.BUDGET_ENV`` sets it, for tests)."""
    return planner.budget_from_env(os.environ)


@st.cache_resource(max_entries=16, show_spinner="Checking the stored calibration at this size...")
def _preset_baseline(org: str, size: int, seed: int) -> planner.Baseline:
    # Stored, or the stored sets checked at this size (a second or so): once per process.
    plan = Plan(org=org, size=size, seed=seed)
    return planner.preset_baseline(plan, _preset_org(org, size, seed))


@st.cache_resource(show_spinner=False)
def _calibrated_presets() -> dict:
    # Presets calibrated here, shared by every session (they hold no uploaded data). A
    # plain dict, filled outside any cached function, so the progress bar is drawn live.
    return {}


@st.cache_resource(show_spinner=False)
def _calibration_lock() -> threading.Lock:
    # One calibration at a time in this process: calibrate draws from numpy's global
    # generator and sets pyabc's loggers, which threads share (two at once would give
    # answers that depend on timing), and two would only share the same cores anyway.
    return threading.Lock()


def calibrate(org: Organisation, records: tuple | None = None) -> planner.Baseline:
    """Calibrate an organisation here, with a progress bar (``records``: frame, summary).

    A calibration that fails gives a baseline without one, saying why.
    """
    frame, summary = records if records is not None else (None, None)
    bar = st.progress(
        0.0, text="Calibrating the baseline: starting (the first time takes a few seconds more)"
    )
    lock = _calibration_lock()
    try:
        if not lock.acquire(blocking=False):
            bar.progress(0.0, text="Waiting for another calibration on this computer to finish")
            lock.acquire()
        try:
            cal = cs.calibrate(
                org,
                planner.calibration_targets(org, frame),
                progress=lambda event: bar.progress(*planner.progress_step(event)),
                **budget().options(),
            )
        finally:
            lock.release()
    except ValueError as exc:
        return planner.missing_baseline(f"the calibration could not be made ({exc})")
    finally:
        bar.empty()
    return planner.calibrated_baseline(cal, summary)


def uploaded_baseline(org: Organisation) -> planner.Baseline:
    """The uploaded organisation's calibration: made on first use, kept in this session."""
    records = st.session_state.get("uploaded_records")
    key = (st.session_state.get("records_key"), budget().text())
    return _session_cached("baseline", key, lambda: calibrate(org, records))


def baseline(plan: Plan, org: Organisation) -> planner.Baseline:
    """The calibration every run of the plan goes through; calibrates when it must."""
    if plan.org == planner.UPLOADED:
        return uploaded_baseline(org)
    found = _preset_baseline(plan.org, plan.size, plan.seed)
    if not found.needs_calibrating:
        return found
    store = _calibrated_presets()
    key = (plan.org, plan.size, plan.seed, budget().text())
    if key not in store:
        note = st.empty()
        note.info(planner.baseline_sentence(plan, found), icon=":material/tune:")
        made = calibrate(org)
        note.empty()
        if made.calibration is None:
            return made  # not kept: the next run tries again
        store[key] = made
    return store[key]


def show_baseline(plan: Plan, found: planner.Baseline) -> None:
    """The sentences naming the evidence setting and the calibration in use (every page)."""
    st.caption(f"**Evidence.** {planner.evidence_sentence(plan)}")
    text = planner.baseline_sentence(plan, found)
    if planner.baseline_caution(plan, found):
        st.warning(f"**Calibration.** {text}", icon=":material/warning:")
    else:
        st.caption(f"**Calibration.** {text}")


# ---------------------------------------------------------------------------- results
@st.cache_resource(max_entries=96, show_spinner=False)
def _preset_arm(key: str, _scenario: Any, _replicates: int, _seed: int, _cal: Any) -> Any:
    # One arm's replicates, keyed by the arm's plain text (links.arm_keys, which holds the
    # replicates, seed and calibration): changing one option re-simulates only that
    # option. The runs are shared read-only between sessions, so they are not copied.
    return planner.run_arm(_scenario, _replicates, _seed, calibration=_cal)


@st.cache_data(max_entries=64, show_spinner=False)
def _preset_results(key: str, cal_key: str, _cal: Any) -> planner.PlanResults:
    # Keyed by the plan's plain text (its query string) and its calibration: compute
    # once, draw many times.
    plan = links.from_key(key)
    return planner.evaluate(
        plan,
        _preset_org(plan.org, plan.size, plan.seed),
        runner=lambda arm_key, scn, cal: _preset_arm(arm_key, scn, plan.replicates, plan.seed, cal),
        calibration=_cal,
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _preset_spread(key: str, cal_key: str, arm: int, replicate: int, _cal: Any) -> planner.Spread:
    plan = links.from_key(key)
    org = _preset_org(plan.org, plan.size, plan.seed)
    return planner.spread(plan, org, arm, replicate, calibration=_cal)


def _session_cached(
    name: str, key: tuple, compute: Callable[[], Any], size: int = SESSION_CACHE_SIZE
) -> Any:
    """A small per-session cache, for results of an uploaded organisation.

    Uploaded data must stay in this session's memory, so its results are not put in the
    cache that all sessions share.
    """
    store: OrderedDict = st.session_state.setdefault("session_results", OrderedDict())
    full = (name, st.session_state.get("uploaded_key"), *key)
    if full in store:
        store.move_to_end(full)
        return store[full]
    value = compute()
    store[full] = value
    while sum(k[0] == name for k in store) > size:
        store.pop(next(k for k in store if k[0] == name))
    return value


def results(plan: Plan, org: Organisation, found: planner.Baseline) -> planner.PlanResults:
    """The plan's results with its calibration, from the cache when seen before."""
    cal = found.calibration
    if plan.org == planner.UPLOADED:

        def arm(key: str, scn: Any, used: Any) -> Any:
            return _session_cached(
                "arm",
                (key,),
                lambda: planner.run_arm(scn, plan.replicates, plan.seed, calibration=used),
                size=3 * SESSION_CACHE_SIZE,
            )

        return _session_cached(
            "results",
            (links.key(plan), found.key),
            lambda: planner.evaluate(plan, org, runner=arm, calibration=cal),
        )
    return _preset_results(links.key(plan), found.key, cal)


@st.cache_resource(max_entries=16, show_spinner=False)
def _preset_plans(key: str, cal_key: str, _cal: Any) -> Any:
    # Keyed by the plan without its options (the search reads none of them) and its
    # calibration; shared read-only between sessions.
    plan = links.from_key(key)
    return planner.search(plan, _preset_org(plan.org, plan.size, plan.seed), _cal)


def best_plans(plan: Plan, org: Organisation, found: planner.Baseline) -> Any:
    """Every plan within the plan's budget, raced; from the cache when seen before."""
    cal = found.calibration
    if plan.org == planner.UPLOADED:
        return _session_cached(
            "plans",
            (planner.search_key(plan), found.key),
            lambda: planner.search(plan, org, cal),
        )
    return _preset_plans(planner.search_key(plan), found.key, cal)


def spread(
    plan: Plan, org: Organisation, found: planner.Baseline, arm: int, replicate: int
) -> planner.Spread:
    """One simulated period of one arm with the plan's calibration, cached like ``results``."""
    cal = found.calibration
    if plan.org == planner.UPLOADED:
        return _session_cached(
            "spread",
            (links.key(plan), found.key, arm, replicate),
            lambda: planner.spread(plan, org, arm, replicate, calibration=cal),
        )
    return _preset_spread(links.key(plan), found.key, arm, replicate, cal)


# ---------------------------------------------------------------------------- drawing
def colours(plan: Plan) -> dict[str, str]:
    """The colour of each arm of the plan, the same on every chart."""
    return arm_colours(plan.arm_names())


def download_csv(df: pd.DataFrame, filename: str, label: str = "Download the data (CSV)") -> None:
    """A CSV download of a chart's data, drawn below the chart."""
    st.download_button(
        label,
        data=df.to_csv(index=False).encode("utf-8"),
        file_name=filename,
        mime="text/csv",
        key=f"dl_{filename}",
        on_click="ignore",
        icon=":material/download:",
    )


def download_document(label: str, make: Callable[[], str], filename: str, key: str) -> None:
    """A button that downloads an HTML document made when it is clicked (not before)."""
    st.download_button(
        label,
        data=make,
        file_name=filename,
        mime="text/html",
        key=key,
        on_click="ignore",
        icon=":material/description:",
        type="primary",
    )


PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def chart(fig: Any, key: str) -> None:
    """Draw a Plotly figure the same way everywhere."""
    st.plotly_chart(fig, config=PLOTLY_CONFIG, key=key)
