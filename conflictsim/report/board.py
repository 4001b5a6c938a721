"""The board report of a plan search: one print-ready HTML document.

For a board that must approve (or refuse) a training budget: the organisation by name,
the question, the recommendation with its uncertainty and break-even, what the controlled
trials found, the plans compared, two charts, the assumptions that differ from the
defaults, and the date and version. It holds no interface instructions and no local
addresses; print styles put each part on its own page (A4 or Letter, from any browser's
Print, or "Save as PDF").
"""

from __future__ import annotations

from collections.abc import Sequence

from conflictsim import figures
from conflictsim.evidence import EVIDENCE_LABELS
from conflictsim.planner.best import plans_table
from conflictsim.planner.words import frontier_note
from conflictsim.plans import Plans
from conflictsim.report.assets import plotly_script
from conflictsim.report.html import escape, html_table
from conflictsim.version import __version__
from conflictsim.virtual_trials import findings_text, trials
from conflictsim.words import PROGRAMME_LABELS, money, money_unit, percent, rounded

#: Print and screen styles: plain type, one part per printed page, no navigation.
_STYLE = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52rem; margin: 2rem auto;
       padding: 0 1.5rem; color: #222; line-height: 1.45; }
h1 { font-size: 1.8rem; margin-bottom: 0.2rem; } h2 { font-size: 1.3rem; margin-top: 2rem; }
.meta { color: #555; font-size: 0.95rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.9rem; margin: 0.8rem 0; }
th, td { border-bottom: 1px solid #ccc; padding: 0.3rem 0.4rem; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; }
.cards td { font-size: 1.1rem; } .cards th { font-size: 0.85rem; }
.chart { page-break-inside: avoid; }
.note { color: #444; font-size: 0.9rem; }
@page { size: A4; margin: 16mm; }
@media print {
  body { margin: 0; max-width: none; }
  section { page-break-before: always; }
  section.first { page-break-before: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""


def board_report(
    plans: Plans,
    *,
    organisation: str,
    question: str,
    scope: str,
    baseline: str,
    changed: Sequence[str] = (),
    currency: str = "",
    date: str = "",
    recommendation: str = "",
) -> str:
    """The board report of a plan search, as one self-contained HTML document.

    Args:
        plans: ``best_plans``'s result.
        organisation: The organisation's name, as the board knows it.
        question: The question in a sentence ("What should we do with 20,000?").
        scope: What was simulated (employees, teams, period).
        baseline: What the baseline rests on (its calibration, in a sentence).
        changed: The assumptions that differ from the defaults, one sentence each.
        currency: The currency's name, if any.
        date: The date printed (the caller's clock, so tests stay exact).
        recommendation: The recommendation in a paragraph (``recommendation_text``).
    """
    top = plans.table.iloc[0]
    kinds = list(dict.fromkeys(p.kind for p in plans.best))
    cash = lambda v, signed=False: money(v, currency, signed=signed, exact=False)  # noqa: E731
    parts = [
        "<section class='first'>",
        f"<h1>Training plan for {escape(organisation)}</h1>",
        f"<p class='meta'>{escape(date)} · conflictsim {__version__} · "
        f"{escape(EVIDENCE_LABELS[plans.evidence])} evidence · {int(top['worlds'])} "
        f"plausible worlds</p>",
        "<h2>The question</h2>",
        f"<p>{escape(question)} {escape(scope)}</p>",
        "<h2>Recommendation</h2>",
        _cards(plans, cash),
        f"<p>{escape(recommendation)}</p>",
        "<h2>What the controlled trials found</h2>",
        _trials(kinds),
        "</section>",
        "<section>",
        "<h2>The plans compared</h2>",
        f"<p class='note'>{plans.candidates} plans fit the budget of "
        f"{escape(cash(plans.budget))}. Each was simulated in the same plausible worlds as no "
        "training; plans clearly worse than the leader were dropped early, the rest run in "
        f"every world ({len(plans.dropped)} dropped). Net benefit: conflict costs avoided "
        "(working time at the hourly cost of work, and replacing people who quit) less the "
        f"training's cost, over the period, in {escape(money_unit(currency))}.</p>",
        html_table(plans_table(plans, currency), text=list(plans_table(plans).columns)),
        _chart(figures.plan_net_benefit(plans.table, currency), "plans"),
        "<p class='note'>Dots: expected net benefit; bars: the middle 9 of 10 plausible "
        "worlds.</p>",
        _chart(figures.frontier(plans.frontier, plans.recommended, currency), "frontier"),
        f"<p class='note'>{escape(frontier_note(plans))}</p>",
        "</section>",
        "<section>",
        "<h2>What these figures rest on</h2>",
        f"<p>{escape(baseline)}</p>",
        "<ul>" + "".join(f"<li>{escape(c)}</li>" for c in changed) + "</ul>"
        if changed
        else "<p>Every other assumption is at its published default.</p>",
        "<h2>How to read them</h2>",
        "<ul>",
        "<li>A plausible world is one set of the uncertain quantities the organisation's "
        "records and the published rates allow, with one draw of what training does at "
        "work given the trials, and one simulated period. The ranges are over those "
        "worlds: what is not known, not only chance.</li>",
        "<li>Money in cash (fees, replacing people who quit) is shown apart from working "
        "time given back (hours at the hourly cost of work, paid in any case): time saved "
        "is not money in the bank.</li>",
        "<li>The break-even is the fewest conflicts a plan must avoid to pay for itself; "
        "the trials above say how far from it the evidence is.</li>",
        "<li>Regret: what choosing a plan would lose against the best plan of each world, "
        "in 9 of 10 worlds no more than this.</li>",
        "</ul>",
        "</section>",
    ]
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Training plan for {escape(organisation)}</title>"
        f"<style>{_STYLE}</style>{plotly_script()}</head><body>" + "".join(parts) + "</body></html>"
    )


def _cards(plans: Plans, cash) -> str:
    top = plans.table.iloc[0]
    if not plans.best:
        return "<p><b>No training.</b> No plan within the budget is expected to pay.</p>"
    cells = [
        ("Plan", top["plan"]),
        ("Cost", cash(top["cost"])),
        ("Expected net benefit", cash(top["net_benefit"], True)),
        ("In 9 of 10 plausible worlds", f"{cash(top['ui_low'], True)} to "
         f"{cash(top['ui_high'], True)}"),
        ("Pays for itself in", percent(top["p_pays"])),
        ("Break-even", f"{rounded(top['break_even'])} conflicts avoided "
         f"({percent(top['break_even_share'])}); expected {rounded(top['conflicts_avoided'])}"),
    ]  # fmt: skip
    return (
        "<table class='cards'>"
        + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in cells)
        + "</table>"
    )


def _trials(kinds: list[str]) -> str:
    if not kinds:
        return "<p>No programme is recommended, so no trial is quoted.</p>"
    t = trials()
    rows = []
    for kind in kinds:
        rows.append(f"<p>{escape(findings_text(kind, where='the table below'))}</p>")
        mine = t[t["programme"] == kind]
        if not mine.empty:
            table = mine.assign(
                Change=[
                    f"{'no change' if e == 0 else f'{e:+.0%}'} ({lo:+.0%} to {hi:+.0%})"
                    for e, lo, hi in zip(mine["estimate"], mine["low"], mine["high"], strict=True)
                ]
            )[["citation", "setting", "design", "Change"]].rename(
                columns={"citation": "Study", "setting": "Setting", "design": "Design"}
            )
            rows.append(
                f"<p class='note'>{escape(PROGRAMME_LABELS[kind])}: change in incidents, "
                "95% interval as published or derived</p>"
                + html_table(table, text=list(table.columns))
            )
    return "".join(rows)


def _chart(fig, name: str) -> str:
    fig.update_layout(template="plotly_white", font={"size": 12})
    return (
        "<div class='chart'>"
        + fig.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{name}",
            config={"displaylogo": False, "staticPlot": True},
        )
        + "</div>"
    )
