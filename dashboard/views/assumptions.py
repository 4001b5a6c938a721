"""Assumptions: every parameter with its meaning, value, range and source; change them."""

from __future__ import annotations

import streamlit as st
from views import common

from conflictsim import planner
from conflictsim.evidence import evidence_table
from conflictsim.params import REGISTRY
from conflictsim.planner import assumptions
from conflictsim.planner.words import PARAMETER_GROUPS
from conflictsim.training import KINDS, Training
from conflictsim.words import PROGRAMME_LABELS

plan = common.get_plan()
st.title("Assumptions")
st.markdown(
    "Every number the simulation rests on, what it means, the range the evidence allows "
    "and where it comes from. The parameters that set how much conflict there is are "
    "calibrated for the organisation simulated, so that it loses about 2.1-2.8 hours per "
    "employee per week to conflict (CPP 2008), about half of employees meet rudeness in a "
    "week (Porath & Pearson 2013), and absence and quitting are ordinary. Change any of "
    "them: the figures on every page follow, and the page address records your changes."
)
common.show_plan_error()

# ---------------------------------------------------------------------------- calibration
org = common.current_org(plan)
found = common.baseline(plan, org) if org is not None else None
if found is not None:
    st.header("Calibrated to the organisation simulated", anchor=False)
    common.show_baseline(plan, found)
    if found.calibration is not None:
        st.markdown(
            "Not one value each but many parameter sets that all reproduce the targets: "
            "each simulated period runs one of them, so the figures carry what the targets "
            "leave uncertain (for example, outside triggers against contagion between "
            "colleagues)."
        )
        calibrated = assumptions.calibrated_table(found.calibration, plan)
        st.table(calibrated.set_index("assumption"))
        common.download_csv(calibrated, "calibrated_parameters.csv")

# ---------------------------------------------------------------------------- evidence
st.header("How well does training work?", anchor=False)
st.markdown(
    "The evidence is mixed: training clearly improves skills and confidence, but studies "
    "of incidents find small or no effects. Choose how to read it. Each setting starts as "
    "a belief about what training does at work (Spiegelhalter et al. 1994): **sceptical** "
    "puts half of it on training changing nothing at work, **central** takes anything from "
    "no effect to the hoped-for one as equally likely, **enthusiastic** expects the "
    "hoped-for effect. Each is then **updated by the studies below**: every study's design "
    "is run through the model, and the effects of training that would make it report what "
    "it reported become more plausible, the others less. Every simulated period draws one "
    "effect from the updated belief. How often people are upset, how contagious it is and "
    "what conflict costs are the same calibrated baseline in all three."
)
common.evidence_control("as_evidence", horizontal=True)
st.table(assumptions.evidence_shown())
common.download_csv(evidence_table(), "evidence_settings.csv")
st.subheader("The studies of training on incidents", anchor=False)
st.markdown(
    "Controlled and before-after studies whose numbers could be read. Where a paper gives "
    "no interval it is derived from what it gives or marked a judgement. Studies of "
    "bundles (training with other measures) are not counted as training effects. A study "
    "that picked the wards with the most violence finds a fall afterwards even where "
    "training does nothing (regression to the mean): its virtual trial picks its wards "
    "the same way."
)
st.table(assumptions.trials_shown())
common.download_csv(assumptions.trials_shown().reset_index(), "studies_of_training.csv")

# ---------------------------------------------------------------------------- change one
values = plan.params
st.header("Change an assumption", anchor=False)
st.markdown(
    "Know better for your organisation? For example your hourly cost of work, the cost of "
    "replacing someone who leaves or how much sick leave you see. Pick the assumption, then "
    "type its value."
)
names = list(REGISTRY)
c1, c2 = st.columns([2, 1])
with c1:
    name = st.selectbox(
        "Assumption",
        names,
        index=names.index("wage"),
        format_func=lambda n: f"{REGISTRY[n].meaning} ({n})",
        key="as_param",
    )
spec = REGISTRY[name]
with c2:
    common.bound(
        st.number_input,
        f"Value ({spec.unit})" if spec.unit else "Value",
        f"as_value_{name}",
        float(values[name]),
        lambda p, v: p.with_override(name, float(v)),
        min_value=float(spec.low),
        max_value=float(spec.high),
        step=assumptions.value_step(spec),
        format="%g",
    )
st.caption(assumptions.parameter_note(spec))
if plan.overrides:
    st.markdown(f"**Your changes:** {assumptions.changes_text(plan)}")
    st.button(
        "Undo all my changes",
        on_click=lambda: common.set_plan(common.get_plan().with_(overrides=())),
        icon=":material/undo:",
        key="as_reset",
    )

# ---------------------------------------------------------------------------- all of them
st.header("Every assumption", anchor=False)
st.caption(
    "Value now: with the calibration, the evidence setting and your changes. Plausible "
    "range: what the evidence supports (used by sensitivity analysis). Sources are listed "
    "in full in the project's docs/ODD.md."
)
used = planner.for_plan(found.calibration, plan, org) if found is not None else None
table = assumptions.parameter_table(plan, used)
for group, g in table.groupby("group", sort=False):
    title = f"{PARAMETER_GROUPS.get(group, group)} ({len(g)})"
    with st.expander(title, expanded=group in ("costs", "responders")):
        st.table(g.drop(columns="group").set_index("assumption"))
common.download_csv(table, "assumptions.csv", "Download every assumption (CSV)")

# ---------------------------------------------------------------------------- programmes
st.header("Training programmes", anchor=False)
prog = assumptions.programme_table(plan)
st.markdown(
    "The skill gains training studies measure. How much of a gain shows at work "
    f"(`skill_transfer`) is drawn from the **{plan.evidence}** evidence setting above. A "
    "shift of 0.5 SD moves a typical trainee from the middle of the staff to about the 70th "
    "percentile in that skill. Skills fade: after the "
    "half-life, half the shift is left unless a refresher restores it. Cost of a session: "
    f"the fee plus the trainee's hours at {values['wage']:g} an hour."
)
st.table(prog.set_index("programme"))
common.download_csv(prog, "programmes.csv")

st.subheader("Your prices", anchor=False)
st.markdown(
    "Have a quote from a trainer? Enter it here: the fee per trainee and session, the "
    "working hours each trainee spends in a session (valued at the hourly cost of work), and "
    "a fixed cost for each day sessions are held (a trainer's day rate, a room). Every page "
    "uses them, the best plan for your budget included; they are saved in the page address."
)
for col, (kind, label) in zip(st.columns(len(KINDS)), PROGRAMME_LABELS.items(), strict=True):
    with col, st.container(border=True):
        st.markdown(f"**{label}**")
        shown = Training(kind, **plan.prices_of(kind))
        for what, value in (
            ("cost_per_trainee", shown.fee),
            ("hours_per_trainee", shown.hours),
            ("cost_per_session", shown.fixed),
        ):
            common.bound(
                st.number_input,
                planner.PRICES[what].capitalize(),
                f"price_{kind}_{what}",
                float(value),
                lambda p, v, k=kind, w=what: p.with_price(k, w, float(v)),
                min_value=0.0,
                step=10.0 if what != "hours_per_trainee" else 0.5,
                format="%g",
            )
st.subheader("The evidence behind each programme", anchor=False)
for k in KINDS.values():
    st.markdown(f"**{PROGRAMME_LABELS[k.name]}.** {k.evidence}")
