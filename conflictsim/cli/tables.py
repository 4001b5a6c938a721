"""Console tables: a run's summary, a programme's effect, a batch comparison, sensitivity indices.

Every outcome's words, decimals and direction come from ``conflictsim.outcomes.OUTCOMES``;
each table only chooses which outcomes it shows, and in which order.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import pandas as pd

from conflictsim.outcomes import OUTCOMES

#: Outcomes of ``conflictsim simulate``'s summary of one scenario.
SUMMARY_ROWS = (
    "conflicts",
    "conflicts_minor",
    "conflicts_major",
    "conflicts_critical",
    "conflict_hours",
    "hours_per_employee_week",
    "mean_upset",
    "absent_days",
    "quits",
    "cost_conflict",
    "cost_training",
)
#: Outcomes of ``conflictsim simulate``'s effect of a programme against no training.
EFFECT_ROWS = (
    "conflicts",
    "conflicts_major",
    "conflicts_critical",
    "conflict_hours",
    "quits",
    "cost_conflict",
    "cost_training",
    "net_benefit",
    "roi",
    "conflicts_with_trained",
    "conflicts_among_untrained",
)
#: Outcomes of ``conflictsim compare``'s table of a finished run.
COMPARISON_ROWS = (
    "conflicts",
    "conflicts_major",
    "conflicts_critical",
    "conflict_hours",
    "absent_days",
    "quits",
    "trained",
    "cost_conflict",
    "cost_training",
    "net_benefit",
    "roi",
    "conflicts_with_trained",
    "conflicts_among_untrained",
    "conflicts_among_untrained_d1",
    "conflicts_among_untrained_d2",
    "conflicts_among_untrained_d3plus",
    "conflicts_untrained",
)

#: ``conflictsim check-org``'s rows: label and key of ``Organisation.summary()``.
ORG_ROWS = (
    ("employees", "employees"),
    ("teams", "teams"),
    ("departments", "departments"),
    ("managers", "managers"),
    ("top-level managers", "top_level"),
    ("customer-facing", "customer_facing"),
    ("ties", "ties"),
    ("mean ties per employee", "mean_ties_per_employee"),
    ("mean contacts per day", "mean_daily_contacts"),
)


def _width(rows: Sequence[str]) -> int:
    return max(len(OUTCOMES[name].row_label) for name in rows)


def format_org_summary(summary: Mapping[str, object]) -> str:
    """An organisation's ``summary()`` as two aligned columns."""
    width = max(len(label) for label, _ in ORG_ROWS)
    return "\n".join(f"  {label.ljust(width)}  {summary[key]}" for label, key in ORG_ROWS)


def format_summary(summary: pd.DataFrame, scn, seed: int) -> str:
    """A readable table of per-run outcomes: mean and range over replicates."""
    n = len(summary)
    head = (
        f"{scn.org.name}: {scn.org.size} employees, {scn.days} days, "
        f"{n} replicate{'s' if n != 1 else ''}, seed {seed}"
    )
    width = _width(SUMMARY_ROWS)
    lines = [head, ""]
    if n > 1:
        lines.append(f"  {'outcome'.ljust(width)}  {'mean':>12}  {'min':>12}  {'max':>12}")
    for name in SUMMARY_ROWS:
        if name not in summary:
            continue
        o, values = OUTCOMES[name], summary[name]
        # One run is a count (with n = 1 the "mean" too); a mean over runs has decimals.
        mean = o.fmt(values.mean()) if n > 1 else o.fmt_run(values.mean())
        row = f"  {o.row_label.ljust(width)}  {mean:>12}"
        if n > 1:
            row += f"  {o.fmt_run(values.min()):>12}  {o.fmt_run(values.max()):>12}"
        lines.append(row)
    lines.append("")
    lines.append("Costs are in the currency of `wage`; hours count both parties of a conflict.")
    return "\n".join(lines)


def format_comparison(cmp, prog) -> str:
    """Plain-language effect of the programme: differences with 95% intervals."""
    t = cmp.table.set_index("outcome")
    n = len(cmp.runs[cmp.arms[0]].summary)
    lines = [
        f"Effect of {prog.kind} training ({prog.target_label}) against no training, "
        f"{n} paired replicates (mean difference and 95% interval):",
        "",
    ]
    width = _width(EFFECT_ROWS)
    for name in EFFECT_ROWS:
        o, r = OUTCOMES[name], t.loc[name]
        interval = (
            f"({o.fmt(r['ci_low'], signed=True)} to {o.fmt(r['ci_high'], signed=True)})"
            if pd.notna(r["ci_low"])
            else ""
        )
        lines.append(
            f"  {o.row_label.ljust(width)}  {o.fmt(r['mean'], signed=True):>12}  {interval}"
        )
    lines.append("")
    lines.append(
        "Negative differences in conflicts and costs mean the programme helps; net benefit is "
        "the conflict cost avoided minus the training cost."
    )
    return "\n".join(lines)


def format_table(table: pd.DataFrame, replicates: int | None = None, reference: str = "") -> str:
    """A comparison table as readable text: one block per arm against the reference."""
    lines = []
    t = table
    if "point" in t.columns:
        t = t[t["point"] == "all"]
    width = _width(COMPARISON_ROWS)
    for arm in dict.fromkeys(t["arm"]):
        rows = t[t["arm"] == arm].set_index("outcome")
        head = f"{arm} against {reference or 'the first arm'}"
        if replicates:
            head += f" ({replicates:,} paired replicates)"
        lines += [
            head,
            f"  {'outcome'.ljust(width)}  {'difference':>11}  {'95% interval':>25}  "
            f"{'P(better)':>9}  {'arm mean':>11}  {'reference':>11}",
        ]
        for name in COMPARISON_ROWS:
            if name not in rows.index:
                continue
            o, r = OUTCOMES[name], rows.loc[name]
            interval = (
                f"{o.fmt(r['ci_low'], signed=True)} to {o.fmt(r['ci_high'], signed=True)}"
                if pd.notna(r["ci_low"])
                else ""
            )
            pb = f"{r['p_better']:.2f}" if pd.notna(r["p_better"]) else ""
            # Net benefit and ROI exist only as differences: no means to show.
            has_means = pd.notna(r["baseline_mean"])
            am = o.fmt(r["arm_mean"]) if has_means else ""
            bm = o.fmt(r["baseline_mean"]) if has_means else ""
            lines.append(
                f"  {o.row_label.ljust(width)}  {o.fmt(r['mean'], signed=True):>11}  "
                f"{interval:>25}  {pb:>9}  {am:>11}  {bm:>11}"
            )
        lines.append("")
    lines.append(
        "Differences are arm minus reference, replicate by replicate (common random "
        "numbers); negative conflicts and costs mean the arm helps. P(better): share of "
        "replicates in which the arm does better. Conflicts with a trainee are the direct "
        "effect; conflicts among the untrained (two colleagues trained in neither arm, by "
        "the nearer one's ties to a trainee) are the ripple; both count each conflict once, "
        "on the same ties in the reference."
    )
    return "\n".join(lines)


def format_indices(df: pd.DataFrame) -> str:
    """Sensitivity indices as readable text."""
    if df.empty:
        return "(no indices)"
    method, label = df["method"].iloc[0], df["outcome"].iloc[0]
    width = max(9, *(len(p) for p in df["parameter"]))
    if method == "sobol":
        lines = [
            f"Sobol' indices (Saltelli 2010) of the {label}",
            f"  {'parameter'.ljust(width)}  {'range':>19}  {'first-order S1':>17}  "
            f"{'total ST':>17}",
        ]
        for _, r in df.iterrows():
            if "S2" in r and pd.notna(r.get("S2")):
                lines.append(
                    f"  {r['parameter'].ljust(width)}  {'':>19}  "
                    f"{'S2 ' + _pm(r['S2'], r['S2_conf']):>17}"
                )
                continue
            lines.append(
                f"  {r['parameter'].ljust(width)}  {_range(r):>19}  "
                f"{_pm(r['S1'], r['S1_conf']):>17}  {_pm(r['ST'], r['ST_conf']):>17}"
            )
        lines.append(
            "S1: share of the outcome's variance the parameter explains alone; ST: alone "
            "and with others (95% bootstrap intervals)."
        )
    else:
        lines = [
            f"Morris elementary effects (Morris 1991) on the {label}",
            f"  {'parameter'.ljust(width)}  {'range':>19}  {'mu*':>19}  {'sigma':>11}  {'mu':>11}",
        ]
        for _, r in df.iterrows():
            lines.append(
                f"  {r['parameter'].ljust(width)}  {_range(r):>19}  "
                f"{_pm(r['mu_star'], r['mu_star_conf'], '{:,.3g}'):>19}  "
                f"{r['sigma']:>11,.3g}  {r['mu']:>11,.3g}"
            )
        lines.append(
            "mu*: mean absolute effect of moving the parameter across its range; sigma: how "
            "much that effect depends on the others (interactions, non-linearity)."
        )
    return "\n".join(lines)


def _pm(value: float, conf: float, fmt: str = "{:.3f}") -> str:
    return f"{fmt.format(value)} ± {fmt.format(conf)}"


def _range(r: pd.Series) -> str:
    return f"{r['low']:g} to {r['high']:g}" if pd.notna(r["low"]) else ""


def format_calibration(cal) -> str:
    """A calibration in plain words: each parameter's prior and posterior, each target's fit.

    Args:
        cal: A ``conflictsim.Calibration``.
    """
    from conflictsim.report import fit_words, parameter_table  # plotly: only when asked

    m = cal.meta
    gens, n = m.get("generations", []), len(cal.targets)
    size = m.get("org_size")
    head = (
        f"Calibration of {cal.org_name!r}"
        + (f" ({size:,} employees)" if size else "")
        + f" to {n} target{'s' * (n != 1)}: {len(cal):,} parameter sets after "
        f"{len(gens)} generation{'s' * (len(gens) != 1)}, {m.get('simulations', 0):,} "
        f"simulations, {m.get('seconds', 0):,.1f} s. "
    )
    eps = m.get("final_epsilon", float("nan"))
    if cal.converged:
        head += (
            f"Converged: every kept set reproduces every target within its interval "
            f"(epsilon {eps:.2f})."
        )
    else:
        head += (
            f"Not converged: the kept sets come within {eps:.2f} times each target's "
            "half-width of its centre (1 would be inside every interval); raise "
            "--max-generations, --max-simulations or --draws, or see which target is "
            "missed below."
        )
    lines = [textwrap.fill(head, width=88, break_on_hyphens=False)]
    table = parameter_table(cal)
    width = max(9, *(len(p) for p in table["parameter"]))
    pw = max(len(p) for p in table["prior"])
    lines += ["", "Parameters: prior -> posterior median (90% interval)"]
    for r in table.itertuples(index=False):
        lines.append(
            f"  {r.parameter.ljust(width)}  {r.prior.ljust(pw)}  ->  {r.median:.3g} "
            f"({r.low:.3g} to {r.high:.3g}), {r.width:.0%} of the prior's width"
        )
    fit = cal.fit
    lw = max(len(label) for label in fit["label"])
    lines += ["", "Targets: observed (target interval) against simulated mean (90% range)"]
    cells = [
        (
            r.label,
            f"{r.observed:.3g} ({r.target_low:.3g} to {r.target_high:.3g})",
            f"{r.simulated:.3g} ({r.low:.3g} to {r.high:.3g})",
            fit_words(r),
        )
        for r in fit.itertuples(index=False)
    ]
    ow, sw = (max(len(c[i]) for c in cells) for i in (1, 2))
    for label, observed, simulated, words in cells:
        lines.append(f"  {label.ljust(lw)}  {observed.ljust(ow)}  {simulated.ljust(sw)}  {words}")
    lines += [
        "",
        textwrap.fill(
            "A posterior interval near 100% of its prior's width means the targets say "
            "little about that parameter; the fit report draws each one.",
            width=88,
        ),
    ]
    return "\n".join(lines)
