"""Console tables: a run's summary, a programme's effect, a batch comparison, sensitivity indices.

Every outcome's words, decimals and direction come from ``conflictsim.outcomes.OUTCOMES``;
each table only chooses which outcomes it shows, and in which order. Parameters, evidence
settings and how often an option pays come in plain words from ``conflictsim.words``, as
in the report.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from conflictsim.outcomes import OUTCOMES
from conflictsim.words import (
    AS_GIVEN,
    PROGRAMME_LABELS,
    converged_text,
    evidence_text,
    interval_in_worlds,
    money,
    money_unit,
    parameter_label,
    pays_for_itself,
    place,
)

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
    "cost_cash",
    "cost_time",
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
    "net_benefit_cash",
    "net_benefit_time",
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
    "net_benefit_cash",
    "net_benefit_time",
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


def format_baseline(
    baseline: str | None, summary: pd.DataFrame, fix: str = "leave out --as-given"
) -> str:
    """Which baseline the runs rest on, and its conflict hours against the published band.

    Args:
        baseline: The calibration in words, or None for the parameters as given.
        summary: The no-training runs' summary (``hours_per_employee_week``).
        fix: How to calibrate instead, for a baseline outside the band.
    """
    from conflictsim.calibration.targets import Targets

    band = Targets.published()["hours_per_week"]
    hours = float(summary["hours_per_employee_week"].mean())
    where = place(hours, band.low, band.high)
    check = (
        f"without training it loses {hours:.2f} conflict hours per employee per week, "
        f"{where} the published {band.low:g}-{band.high:g} (CPP 2008)"
    )
    if baseline is None:
        given = " (--as-given)" if "--as-given" in fix else ""
        text = f"Baseline: {AS_GIVEN}{given}: {check}."
        if where != "inside":
            text += (
                f" Calibrate it first ({fix}), or read every figure below as that of a more "
                "(or less) conflicted organisation than the published rates describe."
            )
    else:
        text = f"Baseline: calibrated to the published base rates: {baseline}; {check}."
    return textwrap.fill(text, width=88, break_on_hyphens=False)


def format_summary(summary: pd.DataFrame, scn, seed: int, currency: str = "") -> str:
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
    lines.append(
        textwrap.fill(
            f"Money is in {money_unit(currency)}; hours count both parties of a conflict. "
            "Cash leaves the bank (training fees, replacing people who quit); working time "
            "is hours at the wage, paid in any case.",
            width=88,
        )
    )
    return "\n".join(lines)


def format_comparison(cmp, prog, worlds: str = "plausible worlds", currency: str = "") -> str:
    """Plain-language effect of the programme: differences with their intervals.

    Each outcome's mean paired difference, the 95% interval of that mean, the 90%
    uncertainty interval of the difference itself (over plausible worlds, when the
    comparison ran over parameter sets) and P(better); then how often the programme pays
    for itself, P(best) and what would change the answer (``format_uncertainty``).

    Args:
        cmp: An ``Comparison`` of no training against the programme.
        prog: The ``Training`` compared.
        worlds: What each replicate is ("plausible worlds", or "replicates").
        currency: The currency's name, if any.
    """
    t = cmp.table.set_index("outcome")
    n = len(cmp.runs[cmp.arms[0]].summary)
    lines = [
        f"Effect of {prog.kind} training ({prog.target_label}) against no training, "
        f"{n} paired replicates:",
        "",
    ]
    width = _width(EFFECT_ROWS)
    lines.append(
        f"  {''.ljust(width)}  {'difference':>12}  {'95% interval of the mean':>26}  "
        f"{'90% uncertainty interval':>26}  {'P(better)':>9}"
    )
    for name in EFFECT_ROWS:
        o, r = OUTCOMES[name], t.loc[name]
        lines.append(
            f"  {o.row_label.ljust(width)}  {o.fmt(r['mean'], signed=True):>12}  "
            f"{_interval(o, r, 'ci'):>26}  {_interval(o, r, 'ui'):>26}  {_share(r):>9}"
        )
    lines.append("")
    lines.append(
        textwrap.fill(
            "Negative differences in conflicts and costs mean the programme helps; net benefit "
            "is the conflict cost avoided minus the training cost, in cash (fees, replacing "
            "people who quit) and in working time (hours at the wage: time given back, not "
            "money in the bank). The 95% interval says how well the mean is known; the 90% "
            f"uncertainty interval holds the middle 90% of the {worlds} (chance and what is "
            "not known); P(better): the share of them in which the programme does better. "
            f"Money is in {money_unit(currency)}.",
            width=88,
        )
    )
    lines += ["", format_break_even(cmp, prog, worlds, currency)]
    if not cmp.responders.empty:
        lines += ["", format_responders(cmp.responders.iloc[0], currency)]
    voi = cmp.value_of_information() if cmp.worlds is not None else None
    lines += ["", format_uncertainty(cmp.table, cmp.best, voi, worlds, currency=currency)]
    return "\n".join(lines)


def format_break_even(cmp, prog, worlds: str = "plausible worlds", currency: str = "") -> str:
    """What the programme must achieve to pay, what it is expected to, what trials found."""
    from conflictsim.virtual_trials import findings_text

    b = cmp.break_even.iloc[0]
    text = (
        f"Break-even: it pays for itself if it avoids at least {b['conflicts']:,.0f} "
        f"conflicts over the period ({b['share']:.1%} of those without training; a conflict "
        f"costs {money(b['value_per_conflict'], currency)} on average, its hours and "
        "a share of replacing people who quit). It is expected to avoid "
        f"{b['expected']:,.0f} ({b['expected_share']:.1%}; "
        f"{interval_in_worlds(b['ui_low'], b['ui_high'], '{:.1%}'.format, worlds)}). "
        f"{findings_text(prog.kind)}"
    )
    return textwrap.fill(text, width=88, break_on_hyphens=False)


def format_responders(r: pd.Series, currency: str = "") -> str:
    """How much of a de-escalation effect rests on responders (``Comparison.responders``)."""
    share = "" if pd.isna(r["share"]) else f"About {r['share']:.0%} of "
    text = (
        f"{share or 'Part of '}the conflicts avoided rest on trained responders defusing "
        "colleagues' conflicts, which no study has measured (responder_success is an "
        f"assumption). Without them it avoids {r['avoided_without']:,.0f} "
        f"({r['without_ui_low']:,.0f} to {r['without_ui_high']:,.0f}) instead of "
        f"{r['avoided']:,.0f}, and its expected net benefit is "
        f"{money(r['net_benefit_without'], currency, signed=True)} instead of "
        f"{money(r['net_benefit'], currency, signed=True)}."
    )
    return textwrap.fill(text, width=88, break_on_hyphens=False)


def _interval(o, r: pd.Series, kind: str) -> str:
    """``low to high`` of a table row's 95% interval (``ci``) or 90% one (``ui``)."""
    low, high = r.get(f"{kind}_low", np.nan), r.get(f"{kind}_high", np.nan)
    if pd.isna(low) or pd.isna(high):
        return ""
    return f"{o.fmt(low, signed=True)} to {o.fmt(high, signed=True)}"


def _share(r: pd.Series) -> str:
    return f"{r['p_better']:.2f}" if pd.notna(r["p_better"]) else ""


def format_settings(
    evidence: str | None, calibration: str | None = None, sets: int | None = None
) -> str:
    """What a comparison assumes: the evidence setting (and a calibration's folder).

    Args:
        evidence: The evidence setting the training effects are drawn from (None: as given).
        calibration: A calibration's folder to name as the baseline, if any.
        sets: Its number of parameter sets.
    """
    lines = [textwrap.fill(f"Evidence on what training does: {evidence_text(evidence)}.", width=88)]
    if calibration is not None:
        count = f" ({sets:,} parameter sets)" if sets else ""
        lines.append(
            textwrap.fill(
                f"Baseline: the calibration {calibration}{count}.",
                width=88,
                break_long_words=False,
                break_on_hyphens=False,
            )
        )
    return "\n".join(lines)


def format_uncertainty(
    table: pd.DataFrame,
    best: pd.DataFrame,
    voi: pd.DataFrame | None,
    worlds: str = "plausible worlds",
    pays: bool = True,
    currency: str = "",
) -> str:
    """How often each option pays for itself, which is best, and what would change that.

    Args:
        table: A comparison table (its ``net_benefit`` rows; pooled rows after a sweep).
        best: ``Comparison.best``: ``arm``, ``net_benefit``, ``ui_low``, ``ui_high``,
            ``p_best``.
        voi: ``value_of_information()`` (``parameter``, ``evppi``; ``all`` the EVPI), or
            None when nothing but chance varied.
        worlds: What each replicate is ("plausible worlds", or "replicates").
        pays: Whether to say how often each option pays for itself (``format_table`` says
            it under each arm's block already).
        currency: The currency's name, if any.
    """
    net = OUTCOMES["net_benefit"]
    lines = []
    if pays:
        t = table[table["point"] == "all"] if "point" in table.columns else table
        nb = t[t["outcome"] == "net_benefit"].set_index("arm")
        lines.append(f"Over the {worlds}:")
        for arm, r in nb.iterrows():
            lines.append(f"  {arm} {pays_for_itself(r['p_better'], worlds)}.")
        lines.append("")
    width = max(len(str(a)) for a in best["arm"])
    lines += [
        f"Which option is best (highest net benefit), share of the {worlds}:",
        f"  {'option'.ljust(width)}  {'P(best)':>7}  {'net benefit':>12}  "
        f"{'90% uncertainty interval':>26}",
    ]
    for r in best.itertuples(index=False):
        interval = f"{net.fmt(r.ui_low, signed=True)} to {net.fmt(r.ui_high, signed=True)}"
        lines.append(
            f"  {str(r.arm).ljust(width)}  {r.p_best:>7.2f}  "
            f"{net.fmt(r.net_benefit, signed=True):>12}  {interval:>26}"
        )
    if voi is not None:
        lines += ["", format_value_of_information(voi, currency)]
    return "\n".join(lines)


def format_value_of_information(voi: pd.DataFrame, currency: str = "") -> str:
    """What would change the answer: the EVPI and each EVPPI in money, biggest first.

    A value within twice its standard error of 0 is written "about 0": the runs' chance
    cannot tell it from nothing. A quantity no option depends on is "0 (no option
    depends on it)".

    Args:
        voi: ``value_of_information()``: ``parameter``, ``evppi``, ``se``, ``relevant``,
            a row ``all`` (the EVPI).
        currency: The currency's name, if any.
    """
    from conflictsim.uncertainty import ALL

    evpi = voi[voi["parameter"] == ALL]
    parts = voi[voi["parameter"] != ALL].sort_values("evppi", ascending=False, kind="stable")
    shown = parts[parts["evppi"] > 0]
    rows = [*evpi.itertuples(index=False), *shown.itertuples(index=False)]
    labels = [parameter_label(r.parameter) for r in rows]
    width = max(len(label) for label in labels)
    worlds = voi.attrs.get("worlds")
    lines = [
        "What would change the answer: what knowing each uncertain quantity for sure, before",
        "choosing, is worth on average (the expected value of perfect information, over the",
        f"whole organisation and period, in {money_unit(currency)}):",
    ]
    for label, r in zip(labels, rows, strict=True):
        lines.append(f"  {label.ljust(width)}  {_value_words(r, currency)}")
    rest = parts[parts["evppi"] == 0]
    if len(rest):
        names = "; ".join(parameter_label(p).lower() for p in rest["parameter"])
        lines.append(textwrap.fill(f"Worth 0 to know: {names}.", width=88, initial_indent="  ",
                                   subsequent_indent="  "))  # fmt: skip
    total = evpi.iloc[0] if len(evpi) else None
    if total is None or _about_nothing(total):
        close = (
            "No uncertain quantity was found to change the choice"
            + (f" ({worlds} worlds)" if worlds else "")
            + ": the values come from expected net benefits, with the runs' chance taken "
            "out, and are low rather than high where the worlds are few."
        )
    else:
        close = (
            "The first line bounds every other: the most any study, pilot or better records "
            "could be worth before choosing. Values come from expected net benefits given "
            "each quantity, with the runs' chance taken out."
        )
    lines.append(textwrap.fill(close, width=88))
    return "\n".join(lines)


def _about_nothing(r) -> bool:
    value = r["evppi"] if isinstance(r, pd.Series) else r.evppi
    se = r.get("se", 0.0) if isinstance(r, pd.Series) else getattr(r, "se", 0.0)
    return bool(value <= 2 * (se or 0.0) or value == 0)


def _value_words(r, currency: str = "") -> str:
    """One value of information in words: the sum, "about 0", or why it is 0."""
    if not getattr(r, "relevant", True):
        return "0 (no option depends on it)"
    if r.evppi == 0:
        return "0"
    text = money(r.evppi, currency)
    if r.evppi <= 2 * (getattr(r, "se", 0.0) or 0.0):
        return f"{text} (about 0: within the runs' chance)"
    return text


def format_table(
    table: pd.DataFrame,
    replicates: int | None = None,
    reference: str = "",
    worlds: str = "replicates",
) -> str:
    """A comparison table as readable text: one block per arm against the reference.

    Each outcome's mean paired difference, the 95% interval of that mean, the 90%
    uncertainty interval of the difference (where ``ui_low``, ``ui_high`` are given),
    P(better) and both arms' means; after each arm's block, how often it pays for itself.

    Args:
        table: ``conflictsim.compare``'s or ``batch.compare``'s table (after a sweep, the
            pooled rows are shown).
        replicates: Paired replicates, for the heading.
        reference: The first arm's name.
        worlds: What each replicate is ("plausible worlds" over parameter sets).
    """
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
            f"{'90% uncertainty interval':>25}  {'P(better)':>9}  {'arm mean':>11}  "
            f"{'reference':>11}",
        ]
        for name in COMPARISON_ROWS:
            if name not in rows.index:
                continue
            o, r = OUTCOMES[name], rows.loc[name]
            if pd.isna(r["mean"]):  # no value at all: why, in words (a class nobody is in)
                lines.append(f"  {o.row_label.ljust(width)}  {o.fmt(r['mean'])}")
                continue
            # Net benefit and ROI exist only as differences: no means to show.
            has_means = pd.notna(r["baseline_mean"])
            am = o.fmt(r["arm_mean"]) if has_means else ""
            bm = o.fmt(r["baseline_mean"]) if has_means else ""
            lines.append(
                f"  {o.row_label.ljust(width)}  {o.fmt(r['mean'], signed=True):>11}  "
                f"{_interval(o, r, 'ci'):>25}  {_interval(o, r, 'ui'):>25}  {_share(r):>9}  "
                f"{am:>11}  {bm:>11}"
            )
        if "net_benefit" in rows.index and worlds == "plausible worlds":
            lines.append(f"  It {pays_for_itself(rows.loc['net_benefit', 'p_better'], worlds)}.")
        lines.append("")
    lines.append(
        textwrap.fill(
            "Differences are arm minus reference, replicate by replicate (common random "
            "numbers); negative conflicts and costs mean the arm helps. The 95% interval is "
            "of the mean difference; the 90% uncertainty interval holds the middle 90% of "
            f"the {worlds}. P(better): share of them in which the arm does better. "
            "Conflicts with a trainee are the direct effect; conflicts among the untrained "
            "(two colleagues trained in neither arm, by the nearer one's ties to a trainee) "
            "are the ripple; both count each conflict once, on the same ties in the "
            "reference.",
            width=88,
        )
    )
    return "\n".join(lines)


def format_indices(df: pd.DataFrame) -> str:
    """Sensitivity indices as readable text."""
    if df.empty:
        return "(no indices)"
    method, label = df["method"].iloc[0], df["outcome"].iloc[0]
    width = max(9, *(len(p) for p in df["parameter"]))
    if method == "delta":
        lines = [
            textwrap.fill(
                f"Delta indices (Borgonovo 2007) of the {label}, over "
                f"{int(df['worlds'].iloc[0]):,} plausible worlds (the calibration's parameter "
                "sets: every one on target)",
                width=88,
            ),
            f"  {'parameter'.ljust(width)}  {'range in the worlds':>21}  {'delta':>17}  "
            f"{'first-order S1':>17}",
        ]
        for _, r in df.iterrows():
            lines.append(
                f"  {r['parameter'].ljust(width)}  {f'{r.low:.3g} to {r.high:.3g}':>21}  "
                f"{_pm(r['delta'], r['delta_conf']):>17}  {_pm(r['S1'], r['S1_conf']):>17}"
            )
        lines.append(
            textwrap.fill(
                "delta: how much knowing the parameter shifts the outcome's whole "
                "distribution (0 nothing, 1 everything); S1: the share of its variance the "
                "parameter explains alone (95% bootstrap intervals). Each world is one run, "
                "so chance is part of the outcome: the dummy shows what chance alone gives. "
                "Parameters the calibration ties together (as it ties outside triggers to "
                "the hours a conflict costs) share their indices.",
                width=88,
            )
        )
        return "\n".join(lines)
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
    from conflictsim.calibration.tables import parameter_table  # numba: only when asked

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
    head += converged_text(
        cal.converged,
        m.get("final_epsilon"),
        "raise --max-generations, --max-simulations or --draws, or see which target is "
        "missed below",
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
            f"{place(r.simulated, r.target_low, r.target_high)} the interval",
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


def format_plans(plans, scenario, currency: str = "", seconds: float | None = None) -> str:
    """The best plan for a budget: the recommendation, runners-up, frontier, the search.

    Args:
        plans: ``conflictsim.plans.best_plans``'s result.
        scenario: The scenario searched (for its organisation and horizon).
        currency: The currency's name, if any.
        seconds: How long the search took, to say so.
    """
    from conflictsim.planner.words import frontier_note, recommendation_text
    from conflictsim.plans import NO_TRAINING

    def cash(value: float, signed: bool = True) -> str:
        return money(value, currency, signed=signed)

    t = plans.table
    top = t.iloc[0]
    worlds = int(top["worlds"])
    head = (
        f"Best plan for a budget of {cash(plans.budget, signed=False)}: "
        f"{scenario.org.size:,} employees, {scenario.days} days, {worlds} plausible worlds."
    )
    lines = [head, ""]
    lines.append(
        textwrap.fill(
            recommendation_text(plans, currency, exact=True), width=88, break_on_hyphens=False
        )
    )
    lines += ["", "Plans that reached the end of the search, best first:", ""]
    width = max(len(p) for p in t["plan"])
    lines.append(
        f"  {'plan':<{width}}  {'cost':>8}  {'net benefit':>12}  {'90% of worlds':>21}"
        f"  {'pays':>5}  {'best':>5}  {'regret':>9}"
    )
    for r in t.itertuples():
        interval = f"{cash(r.ui_low)} to {cash(r.ui_high)}"
        pays = "" if r.plan == NO_TRAINING else f"{r.p_pays:.0%}"
        lines.append(
            f"  {r.plan:<{width}}  {cash(r.cost, signed=False):>8}  {cash(r.net_benefit):>12}"
            f"  {interval:>21}  {pays:>5}  {r.p_best:>5.0%}  {cash(r.regret, signed=False):>9}"
        )
    f = plans.frontier
    lines += [
        "",
        textwrap.fill(f"{frontier_note(plans)} The frontier:", width=88, break_on_hyphens=False),
        "",
    ]
    width = max(len(p) for p in f["plan"])
    lines.append(f"  {'plan':<{width}}  {'cost':>8}  {'conflicts avoided':>17}")
    for r in f.itertuples():
        lines.append(
            f"  {r.plan:<{width}}  {cash(r.cost, signed=False):>8}  {r.conflicts_avoided:>17,.0f}"
        )
    took = f" in {seconds:.1f} s" if seconds is not None else ""
    search = (
        f"{plans.candidates} plans within the budget were raced over the same worlds "
        f"(common random numbers); {len(plans.dropped)} were dropped on the way as clearly "
        f"worse than the leader; {plans.runs:,} runs{took}. Money is in "
        f"{money_unit(currency)}; net benefit counts working time at the wage and cash "
        "(fees, replacing people who quit)."
    )
    lines += ["", textwrap.fill(search, width=88, break_on_hyphens=False)]
    return "\n".join(lines)


def format_prices(prices: dict[str, dict[str, float]], currency: str = "") -> str:
    """Each programme's prices as used: yours where given, the defaults otherwise."""
    from conflictsim.training import KINDS

    parts = []
    for kind, spec in KINDS.items():
        mine = prices.get(kind, {})
        fee = mine.get("cost_per_trainee", spec.cost_per_trainee)
        hours = mine.get("hours_per_trainee", spec.hours_per_trainee)
        fixed = mine.get("cost_per_session", 0.0)
        whose = "yours" if mine else "defaults"
        parts.append(
            f"{PROGRAMME_LABELS[kind]} {money(fee, currency)} a trainee, {hours:g} hours, "
            f"{money(fixed, currency)} a session day ({whose})"
        )
    return textwrap.fill("Prices: " + "; ".join(parts) + ".", width=88, break_on_hyphens=False)
