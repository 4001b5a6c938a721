"""The one-page summary of a plan's results: self-contained HTML, for printing or email."""

from __future__ import annotations

import html

from conflictsim.params import REGISTRY
from conflictsim.planner.results import PlanResults
from conflictsim.planner.words import (
    BASELINE,
    RIPPLE_LABELS,
    evidence_sentence,
    explain,
    value_sentences,
    value_text,
)
from conflictsim.words import in_worlds, percent, rounded


def summary_html(
    results: PlanResults,
    link: str = "",
    org_text: str = "",
    generated: str = "",
    baseline_text: str = "",
) -> str:
    """A one-page, self-contained HTML summary of a plan's results, for printing or email.

    Args:
        results: From ``evaluate``.
        link: The page address that reproduces the scenario (shown if given).
        org_text: How to describe the organisation (default: from the plan).
        generated: A date or time to print (the caller's clock, so tests stay exact).
        baseline_text: Which calibration the baseline rests on
            (``words.baseline_sentence``), shown after the scenario if given.
    """
    plan = results.plan
    esc = html.escape
    h = results.headlines
    rows = "".join(
        f"<tr><td><b>{esc(r.option)}</b></td><td>{esc(r.programme)}</td><td>{esc(r.who)}, "
        f"{esc(r.how_many)}<br><small>{esc(r.when)}</small></td>"
        f"<td>{rounded(r.trained)}</td><td>{rounded(r.cost_training)}</td>"
        f"<td>{rounded(r.conflicts_avoided)}<br><small>{rounded(r.conflicts_avoided_ui_low)}"
        f" to {rounded(r.conflicts_avoided_ui_high)}</small></td>"
        f"<td>{rounded(r.break_even)}<br><small>{percent(r.break_even_pct)}</small></td>"
        f"<td>{rounded(r.net_benefit)}<br><small>{rounded(r.net_benefit_ui_low)} to "
        f"{rounded(r.net_benefit_ui_high)}</small></td>"
        f"<td>{rounded(r.net_benefit_cash)}<br><small>{rounded(r.net_benefit_cash_ui_low)}"
        f" to {rounded(r.net_benefit_cash_ui_high)}</small></td>"
        f"<td>{in_worlds(r.p_pays)}</td><td>{in_worlds(r.p_best)}</td>"
        f"<td><small>{percent(r.roi_ui_low)} to {percent(r.roi_ui_high)}</small></td></tr>"
        for r in h.itertuples()
    )
    responders = "".join(
        f"<li>Option {esc(r.option)}: about {percent(r.responders_share)} of the conflicts "
        "it avoids rest on trained responders defusing colleagues' conflicts, which no study "
        f"has measured; without them about {rounded(r.avoided_without_responders)} "
        f"conflicts avoided and a net benefit of {rounded(r.net_benefit_without_responders)}."
        "</li>"
        for r in h.itertuples()
        if r.responders_share == r.responders_share  # not NaN
    )
    sentences = "".join(f"<li>{esc(s)}</li>" for s in h["sentence"])
    value = "".join(f"<li>{esc(s)}</li>" for s in value_sentences(results))
    rip = results.ripple[results.ripple["arm"] != BASELINE]
    ripple_rows = "".join(
        f"<tr><td>{esc(arm.split('.')[0])}</td>"
        + "".join(
            "<td>nobody this far</td>"
            if not r.baseline > 0
            else f"<td>{percent(r.fewer_pct / 100)} fewer<br><small>"
            f"{percent(r.fewer_pct_low / 100)} to {percent(r.fewer_pct_high / 100)}"
            "</small></td>"
            for r in g.itertuples()
        )
        + "</tr>"
        for arm, g in rip.groupby("arm", sort=False)
    )
    changed = (
        "".join(
            f"<li><code>{esc(k)}</code> = {v:g} ({esc(REGISTRY[k].meaning)}; default "
            f"{REGISTRY[k].default:g})</li>"
            for k, v in plan.overrides
        )
        or "<li>none: every parameter at its default or calibrated value</li>"
    )
    org_line = org_text or plan.describe()
    v = results.values
    unit = plan.currency or "the currency of the hourly cost of work"
    values_line = (
        f"an hour of work {value_text(v['wage'])}; replacing someone who quits "
        f"{value_text(v['replacement_cost'])}"
    )
    link_line = (
        f'<p class="small">Link to this scenario: <a href="{esc(link)}">{esc(link)}</a></p>'
        if link
        else ""
    )
    when = f" · {esc(generated)}" if generated else ""
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<title>conflictsim: training options compared</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60em; margin: 1.5em auto; color: #222;
       font-size: 11pt; line-height: 1.35; }}
h1 {{ font-size: 1.4em; margin-bottom: 0.2em; }} h2 {{ font-size: 1.1em; margin: 1em 0 0.3em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ccc; padding: 0.25em 0.4em; text-align: left;
          vertical-align: top; }}
small, .small {{ color: #555; font-size: 0.85em; }}
@media print {{ body {{ margin: 0; }} }}
</style></head><body>
<h1>Training options compared</h1>
<p class="small">conflictsim what-if summary{when}</p>
<p><b>Scenario.</b> {esc(org_line)} Each option is compared with no training in the same
{plan.replicates} plausible worlds. Money is in {esc(unit)} ({values_line}). Cash is what
leaves the bank (fees, replacing people who quit); the rest of the net benefit is working
time given back, valued at the wage.</p>
<p><b>Evidence.</b> {esc(evidence_sentence(plan, printed=True))}</p>
{f"<p><b>Baseline.</b> {esc(baseline_text)}</p>" if baseline_text else ""}
<h2>Headline figures (expected value; below it, the range of 9 in 10 plausible worlds)</h2>
<table><tr><th></th><th>Programme</th><th>Who, how many, when</th><th>People trained</th>
<th>Training cost</th><th>Conflicts avoided</th><th>Break-even (conflicts)</th>
<th>Net benefit</th><th>of it in cash</th><th>Pays for itself</th>
<th>Best choice</th><th>Return on investment</th></tr>{rows}</table>
<h2>In plain words</h2><ul>{sentences}</ul>
{f"<h2>Trained responders</h2><ul>{responders}</ul>" if responders else ""}
<h2>What would change the answer</h2><ul>{value}</ul>
<p class="small">{esc(explain("value", plan.days))}</p>
<h2>The ripple effect: fewer conflicts for colleagues who were not trained</h2>
<table><tr><th>Option</th>{"".join(f"<th>{esc(v)}</th>" for v in RIPPLE_LABELS.values())}</tr>
{ripple_rows}</table>
<h2>Assumptions</h2>
<p>Evidence setting: <b>{esc(plan.evidence)}</b>. Changed by the planner:</p><ul>{changed}</ul>
<h2>How to read this</h2>
<p class="small">{esc(explain("interval", plan.days))} {esc(explain("p_better", plan.days))}
{esc(explain("net_benefit", plan.days, results.values))}
These are what the model's assumptions imply, not forecasts: every assumption, its range and
its published source is listed on the dashboard's Assumptions page.</p>
{link_line}
</body></html>
"""
