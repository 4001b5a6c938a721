"""How it spreads: one simulated period on the organisation's network, and conflict by team."""

from __future__ import annotations

import streamlit as st
from views import common

from conflictsim import figures, planner

plan = common.get_plan()
st.title("How conflict spreads")
st.markdown(
    "Watch one simulated period in your organisation: who gets upset, how it passes to the "
    "people they work with, and how trained colleagues change that. The picture opens on "
    "the busiest day: press **▶ Play from day 0** or drag the day slider below it."
)
org, found = common.scenario_header(plan, hint="")

names = plan.arm_names()
# Keep the choices valid when the plan has fewer options or simulations than before.
if st.session_state.get("spread_arm", 1) >= len(names):
    st.session_state["spread_arm"] = len(names) - 1
if st.session_state.get("spread_year", 1) > plan.replicates:
    st.session_state["spread_year"] = 1
st.session_state.setdefault("spread_arm", min(1, len(names) - 1))
st.session_state.setdefault("spread_year", 1)
c1, c2 = st.columns([3, 1])
with c1:
    arm = st.radio(
        "Show",
        options=list(range(len(names))),
        format_func=lambda k: names[k],
        horizontal=True,
        key="spread_arm",
        help="The same simulated period with no training or with one of your options.",
    )
with c2:
    year = st.number_input(
        "Simulated period number",
        min_value=1,
        max_value=plan.replicates,
        step=1,
        key="spread_year",
        help="Each number is a different simulated period (other bad days, other people "
        "upset first); the comparison averages over all of them.",
    )

try:
    with st.spinner("Simulating one period day by day..."):
        sp = common.spread(plan, org, found, int(arm), int(year) - 1)
except ValueError as exc:
    st.error(f"This option cannot be simulated yet: {exc}")
    st.stop()

totals = sp.totals()
m1, m2, m3 = st.columns(3)
m1.metric("Conflicts in this period", f"{totals['conflicts']:,}")
m2.metric("People trained", f"{totals['trained']:,}")
m3.metric("Most upset on one day", f"{totals['most_upset']:,}")

st.subheader("The organisation day by day", anchor=False)
st.caption(planner.explain("spread", plan.days))
common.chart(figures.network(sp.org, sp.positions, sp.state, sp.trained), key="fig_network")
common.download_csv(
    sp.frame(every=sp.download_every()),
    "states_by_day.csv",
    "Download each person's state by day (CSV)",
)

st.subheader("Conflict by team, week by week", anchor=False)
st.caption(planner.explain("heatmap", plan.days))
common.chart(figures.heatmap(sp.team_weekly), key="fig_heatmap")
common.download_csv(sp.team_weekly, "conflicts_by_team_and_week.csv")
st.caption(
    f"This is one simulated period of {planner.horizon_text(plan.days)}; another period "
    "would differ in its details. Figures on *Compare programmes* average over "
    f"{plan.replicates} periods."
)
