"""Best plan for my budget: every plan the budget allows, raced over plausible worlds."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from views import common

from conflictsim import figures, planner
from conflictsim.report.board import board_report

plan = common.get_plan()
st.title("Best plan for my budget")
st.markdown(
    "What should you do with your training budget? Every plan it pays for (each programme, "
    "for each group of people, as many as the budget allows or half as many, with or "
    "without refreshers, and pairs of programmes) is simulated in the same plausible "
    "worlds as **no training**. Plans clearly worse than the leader are dropped early; "
    "the rest are run in every world."
)
org, found = common.scenario_header(plan)

common.bound(
    st.number_input,
    "Budget (fees plus working hours at the hourly cost of work, refreshers included)",
    "bp_budget",
    float(plan.budget),
    lambda p, v: p.with_(budget=float(v)),
    min_value=0.0,
    max_value=1e9,
    step=1000.0,
    format="%.0f",
)

with st.spinner(
    f"Searching every plan within the budget over {plan.replicates} plausible worlds... "
    "(about 10 seconds the first time; then it is remembered)"
):
    plans = common.best_plans(plan, org, found)

st.header("Recommended", anchor=False)
if cards := planner.recommendation_cards(plans, plan.currency):
    st.subheader(plans.recommended, anchor=False)
    for col, (label, value, caption) in zip(st.columns(len(cards)), cards, strict=True):
        with col:
            st.metric(label, value)
            st.caption(caption)
st.markdown(planner.recommendation_text(plans, plan.currency))
chosen = planner.compare_plan(plan, plans.best)
if chosen is not None and st.button(
    "Open this plan on the Compare page", icon=":material/compare_arrows:", type="primary"
):
    common.set_plan(chosen)
    st.switch_page("views/compare.py")

st.header("The plans that reached the end", anchor=False)
st.caption(
    "Dots: expected net benefit over the period; bars: the middle 9 of 10 plausible worlds. "
    "'Best plan in': how often each plan beats the others here, world by world. 'Regret': "
    "what choosing it would lose against the best plan of each world (in 9 of 10 worlds it "
    "loses no more)."
)
common.chart(figures.plan_net_benefit(plans.table, plan.currency), key="fig_plans")
st.dataframe(planner.plans_table(plans, plan.currency), hide_index=True)
common.download_csv(plans.table.drop(columns=["programmes"]), "best_plans.csv")
single = [
    name
    for name, progs in zip(plans.table["plan"], plans.table["programmes"], strict=True)
    if len(progs) == 1
]
if len(single) > 1:
    pick = st.selectbox("Open another plan on the Compare page", single, key="bp_pick")
    if st.button("Open", key="bp_open"):
        progs = plans.table.set_index("plan").loc[pick, "programmes"]
        common.set_plan(planner.compare_plan(plan, progs))
        st.switch_page("views/compare.py")

st.header("Cost against conflicts avoided", anchor=False)
st.caption(planner.frontier_note(plans))
common.chart(figures.frontier(plans.frontier, plans.recommended, plan.currency), key="fig_front")
common.download_csv(plans.frontier, "frontier.csv")

st.header("Board report", anchor=False)
st.markdown(
    "One print-ready document for the board: the question, the recommendation with its "
    "uncertainty and break-even, what the trials found, the plans compared, the charts and "
    "the assumptions changed. Print it from the browser, or save it as PDF."
)
name = st.text_input(
    "Organisation name in the report",
    value=planner.ORG_LABELS.get(plan.org, "Our organisation")
    if plan.org != planner.UPLOADED
    else "Our organisation",
    max_chars=80,
    key="bp_name",
)
common.download_document(
    "Download the board report (HTML, print-ready)",
    lambda: board_report(
        plans,
        **planner.board_context(plans, plan, org, found, name),
        date=dt.date.today().isoformat(),
    ),
    "conflictsim_board_report.html",
    key="dl_board",
)

with st.expander("How the search was done"):
    st.markdown(
        f"- {plans.candidates} plans fit the budget; each was run in the same first "
        f"{plans.first_worlds} plausible worlds as no training (the same "
        "people, days and chance in each world, so differences between plans are theirs).\n"
        f"- {len(plans.dropped)} were dropped on the way: in the worlds run so far, even the "
        "upper end of a 99.9% interval of their difference from the leading plan was below "
        "zero. The others were given twice as many worlds, and so on.\n"
        f"- {len(plans.table) - 1} reached the end and were run in all {plan.replicates} "
        "worlds. Details: docs/plans.md."
    )
    common.download_csv(plans.dropped, "dropped_plans.csv", label="Download the dropped plans")
