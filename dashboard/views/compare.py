"""Compare programmes (the landing page): up to four training options against no training."""

from __future__ import annotations

import datetime as dt

import streamlit as st
from views import common

from conflictsim import figures, planner
from conflictsim.planner import links
from conflictsim.planner.words import refresher_text, start_text

plan = common.get_plan()
st.title("Compare training programmes")
st.markdown(
    "Which training would cut conflict in your organisation, and would it pay for itself? "
    "Choose up to four options. Each is simulated many times against **no training**, in "
    "the same simulated circumstances, so the difference is the option's own effect."
)
for problem in st.session_state.pop("link_problems", []):
    st.warning(f"Part of the link could not be read and was left at its default: {problem}")
org, found = common.scenario_header(plan)


# ---------------------------------------------------------------------------- options
def option_controls(i: int) -> None:
    """The controls of option ``i`` (programme, who, how many, when, refreshers)."""
    o = plan.options[i]
    letter = planner.LETTERS[i]
    st.subheader(f"Option {letter}", anchor=False)
    common.bound(
        st.selectbox,
        "Programme",
        f"o{i}_programme",
        o.programme,
        lambda p, v: p.with_option(i, programme=v),
        options=list(planner.PROGRAMME_LABELS),
        format_func=planner.PROGRAMME_LABELS.get,
        help="De-escalation: defusing conflicts as they happen (trainees also step in "
        "when colleagues clash). Active listening: hearing colleagues out. Emotional "
        "regulation: staying calm under pressure. Evidence: Assumptions page.",
    )
    common.bound(
        st.selectbox,
        "Who is trained",
        f"o{i}_target",
        o.target,
        lambda p, v: p.with_option(i, target=v),
        options=list(planner.TARGET_LABELS),
        format_func=planner.TARGET_LABELS.get,
        help="'Best-connected': people with the most colleagues they meet. 'Teams with the "
        "most conflict': whole teams, the most troubled first (found from the first weeks).",
    )
    common.bound(
        st.radio,
        "How many",
        f"o{i}_amount",
        o.amount,
        lambda p, v: p.with_amount(i, v),
        options=list(planner.AMOUNT_LABELS),
        format_func=planner.AMOUNT_LABELS.get,
        horizontal=True,
    )
    group = planner.TARGET_GROUP[o.target]
    if o.amount == "coverage":
        common.bound(
            st.slider,
            f"Share of {group} trained",
            f"o{i}_coverage",
            int(round(o.value * 100)),
            lambda p, v: p.with_option(i, value=v / 100),
            min_value=5,
            max_value=100,
            step=5,
            format="%d%%",
        )
    elif o.amount == "headcount":
        common.bound(
            st.number_input,
            f"Number of {group} trained",
            f"o{i}_headcount",
            int(o.value),
            lambda p, v: p.with_option(i, value=int(v)),
            min_value=0,
            step=1,
        )
    else:
        common.bound(
            st.number_input,
            "Budget (fees plus working hours, refreshers included)",
            f"o{i}_budget",
            float(o.value),
            lambda p, v: p.with_option(i, value=float(v)),
            min_value=0.0,
            step=1000.0,
            format="%.0f",
        )
    when, refresh = st.columns(2, gap="small")
    with when:
        common.bound(
            st.selectbox,
            "Starts",
            f"o{i}_start",
            o.start_month,
            lambda p, v: p.with_option(i, start_month=int(v)),
            options=sorted({*planner.START_MONTHS, o.start_month}),
            format_func=start_text,
        )
    with refresh:
        common.bound(
            st.selectbox,
            "Refreshers",
            f"o{i}_refresh",
            o.refresher_months,
            lambda p, v: p.with_option(i, refresher_months=int(v)),
            options=sorted({*planner.REFRESHER_MONTHS, o.refresher_months}),
            format_func=refresher_text,
            help="Skills fade (half the gain is gone after about 9 months); a refresher "
            "restores them and costs as much as the first session.",
        )
    try:
        st.caption(planner.option_preview(plan, org, i))
    except ValueError as exc:
        st.error(str(exc))


common.bound(
    st.radio,
    "How many options to compare",
    "n_options",
    len(plan.options),
    lambda p, v: p.with_option_count(v),
    options=list(range(1, planner.MAX_OPTIONS + 1)),
    horizontal=True,
)
cols = st.columns(len(plan.options), gap="small")
for i, col in enumerate(cols):
    with col, st.container(border=True):
        option_controls(i)

# ---------------------------------------------------------------------------- results
try:
    with st.spinner("Simulating... (the first time for a scenario; then it is remembered)"):
        res = common.results(plan, org, found)
except ValueError as exc:
    st.error(f"These options cannot be simulated yet: {exc}")
    st.stop()

colours = common.colours(plan)
st.header("What each option achieves", anchor=False)
st.caption(f"{planner.headline_intro(plan)} {planner.baseline_check(res)}")
cols = st.columns(len(plan.options), gap="small")
for col, r in zip(cols, res.headlines.itertuples(), strict=True):
    with col, st.container(border=True):
        st.markdown(f"**Option {r.option}**: {r.programme}, {r.who.lower()}, {r.how_many}")
        for card in planner.headline_cards(r, plan.days, plan.currency):
            st.metric(
                card.label,
                card.value,
                delta=card.delta,
                delta_color="normal" if card.good else "inverse",
                delta_arrow="off",
                help=planner.explain(card.explain, plan.days, res.values),
            )
            st.caption(card.caption)
        if note := planner.responders_note(r, plan.currency):
            st.caption(note)
common.chart(figures.headline(res.headlines, colours), key="fig_headline")
common.download_csv(planner.headline_csv(res), "headline_figures.csv")
with st.expander("In plain words", expanded=True):
    for sentence in res.headlines["sentence"]:
        st.markdown(f"- {sentence}")
with st.expander("What do these figures mean?"):
    for name in ("conflicts_avoided", "hours_saved", "net_benefit", "roi", "interval", "p_better"):
        st.markdown(f"- {planner.explain(name, plan.days, res.values)}")

st.header("What would change the answer", anchor=False)
for sentence in planner.value_sentences(res):
    st.markdown(f"- {sentence}")
if planner.value_matters(res):
    common.chart(figures.value_of_information(res.value, currency=plan.currency), key="fig_value")
if not res.value.empty:
    common.download_csv(res.value, "what_would_change_the_answer.csv")
st.caption(planner.explain("value", plan.days))

st.header("Conflict week by week", anchor=False)
st.caption(planner.explain("trajectory", plan.days))
# Up to two options fit one panel; more get a panel each beside no training.
draw = figures.trajectory if len(plan.options) <= 2 else figures.trajectory_by_option
common.chart(draw(res.trajectory, colours, reference=planner.BASELINE), key="fig_trajectory")
common.download_csv(res.trajectory, "conflicts_per_week.csv")

st.header("How serious the conflicts are", anchor=False)
st.caption(planner.explain("severity", plan.days))
common.chart(figures.severity(res.severity, colours), key="fig_severity")
common.download_csv(res.severity, "conflicts_by_severity.csv")

st.header("The ripple effect: colleagues who were not trained", anchor=False)
st.caption(planner.explain("ripple", plan.days))
rip, note = planner.ripple_for_chart(res.ripple)
if rip.empty:
    st.info(note)
else:
    common.chart(figures.ripple(rip, colours), key="fig_ripple")
    if note:
        st.caption(note)
common.download_csv(res.ripple, "ripple_effect.csv")

# ---------------------------------------------------------------------------- share
st.header("Share and export", anchor=False)
base = st.context.url or "http://127.0.0.1:8501/"
link = links.link(plan, base)
st.markdown(
    "This link opens the dashboard with exactly this scenario (the page address in your "
    "browser is the same link):"
)
st.code(link, language=None, wrap_lines=True)
org_line = common.org_sentence(plan, org)
common.download_document(
    "Download a one-page summary (HTML, prints on one page)",
    lambda: planner.summary_html(
        res,
        link=link,
        org_text=org_line,
        generated=dt.date.today().isoformat(),
        baseline_text=planner.baseline_sentence(plan, found),
    ),
    "conflictsim_summary.html",
    key="dl_summary",
)
