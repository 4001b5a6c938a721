"""Reports: one self-contained HTML file with interactive charts, of a run or a calibration.

``write_report(DIR)`` reads a finished run (``conflictsim.batch``) and writes
``DIR/report.html``: the daily trajectories of every arm with uncertainty bands, a forest
plot of the paired differences, costs and return on investment, the ripple of training to
untrained colleagues by distance, which option pays and how often (over plausible worlds
when the run has a calibration or an evidence setting), what would change the answer (the
value of information), the sweep or sensitivity analysis when there is one, the
comparison table and the run's manifest. plotly.js is embedded in the file, so it opens
offline and can be mailed as it is; every chart has a download of its data beneath it.

``write_calibration_report(DIR)`` does the same for a saved calibration (``conflictsim
calibrate``): each parameter's prior and posterior, each target against the simulations,
what was calibrated to with sources, and the generations of ABC-SMC, with words on how to
read them.
"""

from __future__ import annotations

import base64
import html
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from conflictsim import batch, figures, report_assets
from conflictsim.calibration.result import CALIBRATION_FILE, Calibration
from conflictsim.calibration.tables import (
    fit_frame,
    parameter_table,
    prior_posterior_table,
    priors_of,
)
from conflictsim.calibration.targets import Targets
from conflictsim.outcomes import OUTCOMES, RIPPLE_OUTCOMES, Outcome
from conflictsim.params import REGISTRY
from conflictsim.sensitivity import indices
from conflictsim.uncertainty import ALL
from conflictsim.words import (
    AS_GIVEN,
    converged_text,
    evidence_text,
    money_unit,
    number_text,
    parameter_label,
    pays_for_itself,
    place,
)

REPORT_FILE = "report.html"
#: Headline outcomes of the forest plot (labelled from ``OUTCOMES``).
FOREST = ("conflicts", "conflict_hours", "absent_days", "quits", "net_benefit")
#: Daily series of the trajectories: column, panel title.
SERIES = (("conflicts", "conflicts per day"), ("upset", "upset employees"))


def write_report(out: str | Path, path: str | Path | None = None) -> Path:
    """Write the HTML report of a finished run.

    Args:
        out: Results directory of ``conflictsim run``.
        path: Where to write the report (default: ``out/report.html``).

    Returns:
        The path written.

    Raises:
        ValueError: If ``out`` is not a finished run.
    """
    out = Path(out)
    exp = batch.load_experiment(out)
    manifest = batch.read_manifest(out)
    batch.read_summary(out, points=[0])  # refuses an unfinished run before any work
    sections: list[str] = [_overview(exp, manifest, out)]
    table, cmp = None, None
    if len(exp.arms) > 1 and exp.replicates > 1:
        cmps = batch.comparisons(out)
        table = batch.compare(out, cmps)
        cmp = cmps["all" if "all" in cmps else 0]  # pooled over the design points
    if exp.outputs["daily"]:
        sections.append(_trajectories(out, exp))
    if table is not None and exp.n_points == 1:
        worlds = WORLDS if cmp.worlds is not None else "replicates"
        sections.append(_forest(table, exp))
        sections.append(_costs(table, exp, decision_frame(table, cmp.best, worlds, cmp.break_even)))
        if cmp.worlds is not None:
            sections.append(_value_of_information(batch.value_of_information(out, cmps)))
        if exp.outputs["employees"]:
            sections.append(_ripple(table, exp))
        rest = batch.responders(out, table)
        if not rest.empty:
            sections.append(_responders(rest))
    elif table is not None:
        # Design points are values chosen to be explored, not beliefs: each is answered
        # on its own, never pooled into plausible worlds.
        sections.append(_points(exp, cmps, table))
        if cmps[0].worlds is not None:
            sections.append(_points_voi(batch.value_of_information(out, cmps)))
    if exp.n_points > 1:
        sections.append(_sweep(out, exp, table))
    if exp.sensitivity is not None:
        sections.append(_sensitivity(out))
    if table is not None:
        sections.append(_table_section(table, exp))
    sections.append(_manifest(manifest))
    target = Path(path) if path is not None else out / REPORT_FILE
    doc = _page(exp, sections)
    batch.atomic_write(target, doc.encode("utf-8"))
    return target


#: What each replicate is when the run holds parameter sets (a calibration or evidence).
WORLDS = "plausible worlds"


def settings_rows(exp, manifest: dict) -> list[tuple[str, str]]:
    """The evidence setting and the baseline of a run, as rows of the overview.

    Args:
        exp: The run's experiment (``batch.load_experiment``).
        manifest: Its manifest (the calibration's folder as the file named it).
    """
    cal = manifest.get("calibration")
    if cal:
        baseline = f"the calibration {cal['folder']} ({cal['draws']:,} parameter sets)"
    else:
        baseline = AS_GIVEN
    return [
        ("evidence on what training does", evidence_text(exp.evidence_used)),
        ("baseline", baseline),
    ]


def decision_frame(
    table: pd.DataFrame,
    best: pd.DataFrame,
    worlds: str = WORLDS,
    break_even: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Which option to choose: each arm's expected net benefit, how often it pays, P(best).

    Args:
        table: The comparison table (pooled rows after a sweep).
        best: ``Comparison.best`` (every arm, the first included).
        worlds: What each replicate is ("plausible worlds", or "replicates").
        break_even: ``Comparison.break_even``; adds what each arm must avoid to pay.

    Returns:
        One row per arm: ``arm``, ``net_benefit`` (expected, against the first arm),
        ``ci_low``, ``ci_high`` (95% interval of that mean), ``ui_low``, ``ui_high`` (90%
        uncertainty interval), ``net_benefit_cash`` (the part of it in cash, expected),
        ``p_pays`` (share of the worlds where it pays for itself), ``pays`` (in words),
        ``p_best``; with ``break_even``, also ``break_even_share`` (the share of the
        reference's conflicts it must avoid to pay) and ``expected_share`` (the share it
        is expected to avoid). The first arm's own are 0 or empty and it pays nothing.
    """
    nb = table[table["outcome"] == "net_benefit"].set_index("arm")
    cash = table[table["outcome"] == "net_benefit_cash"].set_index("arm")
    even = break_even.set_index("arm") if break_even is not None else None
    rows = []
    for r in best.itertuples(index=False):
        has = r.arm in nb.index
        p = float(nb.loc[r.arm, "p_better"]) if has else np.nan
        row = {
            "arm": r.arm,
            "net_benefit": r.net_benefit,
            "ci_low": float(nb.loc[r.arm, "ci_low"]) if has else np.nan,
            "ci_high": float(nb.loc[r.arm, "ci_high"]) if has else np.nan,
            "ui_low": r.ui_low,
            "ui_high": r.ui_high,
            "net_benefit_cash": float(cash.loc[r.arm, "mean"]) if r.arm in cash.index else 0.0,
            "p_pays": p,
            "pays": pays_for_itself(p, worlds) if has else "the reference",
            "p_best": r.p_best,
        }
        if even is not None:
            there = r.arm in even.index
            row["break_even_share"] = float(even.loc[r.arm, "share"]) if there else np.nan
            row["expected_share"] = float(even.loc[r.arm, "expected_share"]) if there else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


# ----------------------------------------------------------------------------- sections
def _overview(exp, manifest: dict, out: Path | None = None) -> str:
    org = exp.org
    rows = [
        *settings_rows(exp, manifest),
        *_band_row(exp, out),
        ("organisation", f"{org.name}: {org.size:,} employees"),
        ("horizon", f"{exp.days:,} working days"),
        ("money", f"in {money_unit(exp.currency)}"),
        ("replicates", f"{exp.replicates:,} per arm" + _per_point(exp)),
        ("seed", str(exp.seed)),
        ("engine", exp.engine),
    ]
    if exp.design.kind != "none":
        rows.append(
            (
                "design",
                f"{exp.design.kind}, {exp.n_points:,} points over "
                + ", ".join(
                    f"{n} {lo:g}-{hi:g}"
                    for n, (lo, hi) in zip(exp.design.names, exp.design.bounds, strict=True)
                ),
            )
        )
    arms = "".join(
        f"<li><b>{_e(a.name)}</b>: {_e(_arm_words(a))}"
        + (f" <i>{_e(a.description)}</i>" if a.description else "")
        + "</li>"
        for a in exp.arms
    )
    desc = f"<p>{_e(exp.description)}</p>" if exp.description else ""
    return (
        f"<section id='overview'>{desc}{_dl(rows)}<h3>Arms</h3><ul>{arms}</ul>"
        f"<p class='note'>Differences are each arm minus <b>{_e(exp.arm_names[0])}</b>, "
        "replicate by replicate: replicate k of every arm runs with the same seed (common "
        "random numbers), so the comparison is paired.</p></section>"
    )


def _band_row(exp, out: Path | None) -> list[tuple[str, str]]:
    """The first arm's conflict hours against the published band (one row; none if unread)."""
    if out is None:
        return []
    s = batch.read_summary(out)
    s = s[s["arm"] == exp.arm_names[0]]
    if s.empty or "hours_per_employee_week" not in s:
        return []
    band = Targets.published()["hours_per_week"]
    hours = float(s["hours_per_employee_week"].mean())
    return [
        (
            "conflict hours without training",
            f"{hours:.2f} per employee per week, {place(hours, band.low, band.high)} the "
            f"published {band.low:g}-{band.high:g} (CPP 2008)",
        )
    ]


def _per_point(exp) -> str:
    return f" and design point ({exp.n_points:,} points)" if exp.n_points > 1 else ""


def _arm_words(arm) -> str:
    if not arm.programmes:
        words = "no training"
    else:
        parts = []
        for p in arm.programmes:
            how = (
                f"headcount {p.headcount}"
                if p.headcount is not None
                else f"budget {p.budget:,.0f}"
                if p.budget is not None
                else f"coverage {p.coverage if p.coverage is not None else 1:g}"
            )
            extra = f", refresher every {p.refresher_days} days" if p.refresher_days else ""
            start = f", from day {p.start_day}" if p.start_day else ""
            parts.append(f"{p.kind} for {p.target_label} ({how}{start}{extra})")
        words = "; ".join(parts)
    if arm.parameters:
        words += "; " + ", ".join(f"{k} = {v:g}" for k, v in arm.parameters.items())
    return words


def _trajectories(out: Path, exp) -> str:
    frames = []
    for arm in exp.arm_names:  # one arm at a time keeps memory to one arm's days
        d = batch.read_daily(out, arms=[arm], columns=["day", *(c for c, _ in SERIES)])
        d = d[d["day"] > 0]
        g = d.groupby("day")
        for col, _ in SERIES:
            q = g[col].quantile([0.05, 0.95]).unstack()
            frames.append(
                pd.DataFrame(
                    {
                        "arm": arm,
                        "series": col,
                        "day": q.index.to_numpy(),
                        "mean": g[col].mean().to_numpy(),
                        "p05": q[0.05].to_numpy(),
                        "p95": q[0.95].to_numpy(),
                    }
                )
            )
        del d, g
    # Means and percentiles of daily counts to 7 significant figures (float32): all the
    # chart and its download need, and the largest arrays of a report halved.
    data = pd.concat(frames, ignore_index=True).astype(
        {"mean": np.float32, "p05": np.float32, "p95": np.float32}
    )
    pooled = " pooled over every design point" if exp.n_points > 1 else ""
    return _section(
        "trajectories",
        "Trajectories",
        f"Mean per day over replicates{pooled}; the band holds the middle 90% of replicates "
        "(5th to 95th percentile), the spread of what a single year could look like.",
        figures.trajectories(data, SERIES),
        data,
    )


def _forest(table: pd.DataFrame, exp) -> str:
    outcomes = [c for c in FOREST if c in set(table["outcome"])]
    data = table[table["outcome"].isin(outcomes)]
    return _section(
        "forest",
        f"Differences from {exp.arm_names[0]}",
        "Mean paired difference from the reference arm with its 95% interval. Left of the "
        "dotted line: fewer conflicts, hours, absences or quits; right of it for net benefit: "
        "the conflict cost avoided exceeds the training cost.",
        figures.forest(table, outcomes),
        data,
    )


def _costs(table: pd.DataFrame, exp, decision: pd.DataFrame) -> str:
    arms = list(dict.fromkeys(table["arm"]))
    t = table.set_index(["arm", "outcome"])

    def get(arm, outcome, col):
        return float(t.loc[(arm, outcome), col]) if (arm, outcome) in t.index else np.nan

    rows = []
    for arm in arms:
        rows.append(
            {
                "arm": arm,
                "training_cost": get(arm, "cost_training", "mean"),
                "conflict_cost_avoided": -get(arm, "cost_conflict", "mean"),
                "avoided_ci_low": -get(arm, "cost_conflict", "ci_high"),
                "avoided_ci_high": -get(arm, "cost_conflict", "ci_low"),
                "net_benefit": get(arm, "net_benefit", "mean"),
                "net_ci_low": get(arm, "net_benefit", "ci_low"),
                "net_ci_high": get(arm, "net_benefit", "ci_high"),
                "net_benefit_cash": get(arm, "net_benefit_cash", "mean"),
                "cash_ci_low": get(arm, "net_benefit_cash", "ci_low"),
                "cash_ci_high": get(arm, "net_benefit_cash", "ci_high"),
                "roi": get(arm, "roi", "mean"),
                "roi_ci_low": get(arm, "roi", "ci_low"),
                "roi_ci_high": get(arm, "roi", "ci_high"),
            }
        )
    data = pd.DataFrame(rows)
    return _section(
        "costs",
        "Costs and return on investment",
        "Per arm against the reference, over the horizon: training cost, conflict cost "
        "avoided (hours at the wage plus replacement of those who quit), net benefit and the "
        "part of it in cash (fees and replacing people who quit: what leaves the bank; the "
        "rest is working time given back, valued at the wage), with 95% intervals of the "
        "means. The table gives the return on investment with its intervals.",
        figures.costs(data),
        data,
        extra=_decision(decision),
    )


def _decision(decision: pd.DataFrame) -> str:
    """The table of which option to choose, in words and numbers, with its download."""
    net = OUTCOMES["net_benefit"]

    def interval(low, high) -> str:
        if not (np.isfinite(low) and np.isfinite(high)):
            return ""
        return f"{net.fmt(low, signed=True)} to {net.fmt(high, signed=True)}"

    shown = {
        "option": decision["arm"],
        "expected net benefit": [net.fmt(v, signed=True) for v in decision["net_benefit"]],
        "95% interval of the mean": [
            interval(a, b) for a, b in zip(decision["ci_low"], decision["ci_high"], strict=True)
        ],
        "90% uncertainty interval": [
            interval(a, b) for a, b in zip(decision["ui_low"], decision["ui_high"], strict=True)
        ],
        "of it in cash": [net.fmt(v, signed=True) for v in decision["net_benefit_cash"]],
    }
    if "break_even_share" in decision:
        shown["must avoid to pay"] = [_share(v) for v in decision["break_even_share"]]
        shown["expected to avoid"] = [_share(v) for v in decision["expected_share"]]
    shown["how often it pays for itself"] = decision["pays"]
    shown["P(best)"] = [f"{p:.2f}" for p in decision["p_best"]]
    return (
        "<h3 id='decision'>Which option to choose</h3><p class='note'>Expected net benefit "
        "against the reference, the 95% interval of that mean, the 90% uncertainty interval "
        "(where the middle 90% of single outcomes fall: over a calibration or an evidence "
        "setting, of plausible worlds, each a parameter set and one draw of chance), the "
        "part of the expected net benefit in cash (fees and replacing people who quit; the "
        "rest is working time given back), the share of the reference's conflicts an option "
        "must avoid to pay for itself (its break-even) beside the share it is expected to "
        "avoid, how often each option pays for itself, and P(best): the share of them in "
        "which it has the highest net benefit of all options.</p>"
        + _html_table(pd.DataFrame(shown))
        + _download(decision, "decision.csv")
    )


def _share(v: float) -> str:
    """A share as a percentage with one decimal (empty where there is none)."""
    return f"{v:.1%}" if np.isfinite(v) else ""


def _value_of_information(voi: pd.DataFrame) -> str:
    data = voi.copy()
    data.insert(1, "label", [parameter_label(p) for p in data["parameter"]])
    # Knowing everything first, then each quantity, the most valuable first.
    parts = data[data["parameter"] != ALL].sort_values("evppi", ascending=False, kind="stable")
    rows = pd.concat([data[data["parameter"] == ALL], parts])
    net = OUTCOMES["net_benefit"]
    se = rows["se"] if "se" in rows else pd.Series(0.0, index=rows.index)
    relevant = rows["relevant"] if "relevant" in rows else pd.Series(True, index=rows.index)

    def worth(v: float, s: float, r: bool) -> str:
        if not r:
            return "0 (no option depends on it)"
        if 0 < v <= 2 * s:
            return f"{net.fmt(v)} (about 0: within the runs' chance)"
        return net.fmt(v)

    shown = pd.DataFrame(
        {
            "what is learnt": rows["label"],
            "worth (expected gain)": [
                worth(v, s, r) for v, s, r in zip(rows["evppi"], se, relevant, strict=True)
            ],
            "share of knowing everything": [
                f"{v:.0%}" if np.isfinite(v) else "" for v in rows["share"]
            ],
        }
    )
    total = rows[rows["parameter"] == ALL].iloc[0]
    if total["evppi"] <= 2 * float(total.get("se", 0.0) or 0.0):
        reading = (
            "Here knowing everything would hardly change the choice: its worth cannot be "
            "told from nothing with these worlds."
        )
    else:
        reading = (
            "The dashed line is the worth of knowing everything at once, the most any "
            "study, pilot or better records could be worth before choosing."
        )
    return _section(
        "voi",
        "What would change the answer",
        "What knowing each uncertain quantity for sure, before choosing, is worth on "
        "average (the expected value of perfect information, of a part or of everything), "
        "in money of the whole organisation over the horizon: from the expected net "
        "benefit given each quantity (regression, Strong, Oakley & Brennan 2014) with a "
        "choice rule fitted on other worlds than the one it is applied to, so the runs' "
        f"chance adds nothing. {reading}",
        figures.value_of_information(voi),
        data,
        extra=_html_table(shown),
    )


def _responders(rest: pd.DataFrame) -> str:
    """How much of each arm's effect rests on trained responders (``batch.responders``)."""
    net = OUTCOMES["net_benefit"]
    shown = pd.DataFrame(
        {
            "arm": rest["arm"],
            "conflicts avoided": [OUTCOMES["conflicts"].fmt(v) for v in rest["avoided"]],
            "without responders": [OUTCOMES["conflicts"].fmt(v) for v in rest["avoided_without"]],
            "share resting on responders": [
                f"{v:.0%}" if np.isfinite(v) else "" for v in rest["share"]
            ],
            "net benefit": [net.fmt(v, signed=True) for v in rest["net_benefit"]],
            "net benefit without responders": [
                net.fmt(v, signed=True) for v in rest["net_benefit_without"]
            ],
        }
    )
    return (
        "<section id='responders'><h2>What rests on trained responders</h2>"
        "<p class='note'>De-escalation trainees also act as responders, defusing "
        "colleagues' conflicts they witness, which no study has measured. Each such arm was "
        "also run with its trainees not acting as responders (the arm named "
        "&hellip;-no-responders, the same replicates and numbers): the difference is what "
        "rests on them.</p>" + _html_table(shown) + _download(rest, "responders.csv") + "</section>"
    )


def _points(exp, cmps: dict, table: pd.DataFrame) -> str:
    """Which option to choose at each design point (a sweep), in one table."""
    uncertain = cmps[0].worlds is not None
    worlds = WORLDS if uncertain else "replicates"
    frames = []
    for point in range(exp.n_points):
        rows = table[table["point"] == point]
        d = decision_frame(rows, cmps[point].best, worlds, cmps[point].break_even)
        d = d[d["arm"] != exp.arm_names[0]]
        for j, (name, value) in enumerate(exp.design.values(point).items()):
            d.insert(j, name, value)
        d.insert(0, "point", point)
        frames.append(d)
    data = pd.concat(frames, ignore_index=True)
    net = OUTCOMES["net_benefit"]
    shown = data[["point", *exp.design.names, "arm"]].copy()
    shown["expected net benefit"] = [net.fmt(v, signed=True) for v in data["net_benefit"]]
    shown["95% interval of the mean"] = [
        f"{net.fmt(a, signed=True)} to {net.fmt(b, signed=True)}"
        for a, b in zip(data["ci_low"], data["ci_high"], strict=True)
    ]
    shown["of it in cash"] = [net.fmt(v, signed=True) for v in data["net_benefit_cash"]]
    shown["must avoid to pay"] = [_share(v) for v in data["break_even_share"]]
    shown["expected to avoid"] = [_share(v) for v in data["expected_share"]]
    if uncertain:
        shown["90% uncertainty interval"] = [
            f"{net.fmt(a, signed=True)} to {net.fmt(b, signed=True)}"
            for a, b in zip(data["ui_low"], data["ui_high"], strict=True)
        ]
        shown["how often it pays for itself"] = data["pays"]
        shown["P(best)"] = [f"{p:.2f}" for p in data["p_best"]]
        note = (
            "Each design point on its own: the expected net benefit of each option against "
            f"{exp.arm_names[0]}, the 95% interval of that mean, the part of it in cash, the "
            "share of conflicts it must avoid to pay for itself beside the share it is "
            "expected to avoid, the 90% uncertainty interval over the plausible worlds of the "
            "calibration or evidence setting the run drew, how often it pays for itself and "
            "P(best) at that point. The points "
            "are values chosen to be explored, not beliefs, so they are not pooled."
        )
    else:
        note = (
            "Each design point on its own: the expected net benefit of each option against "
            f"{exp.arm_names[0]} with the 95% interval of that mean, the part of it in cash "
            "and the share of conflicts it must avoid to pay for itself beside the share it "
            "is expected to avoid. The replicates of a point differ by chance only (no "
            "calibration or evidence setting), and the "
            "points are values chosen to be explored, not beliefs: no share of plausible "
            "worlds, P(best) or value of information is given."
        )
    return (
        "<section id='points'><h2>Which option at each design point</h2>"
        f"<p class='note'>{_e(note)}</p>"
        + _html_table(shown)
        + _download(data, "decision_by_point.csv")
        + "</section>"
    )


def _points_voi(voi: pd.DataFrame) -> str:
    """What would change the answer at each design point (over a calibration)."""
    data = voi.copy()
    data.insert(1, "label", [parameter_label(p) for p in data["parameter"]])
    net = OUTCOMES["net_benefit"]
    shown = data[["point", "label"]].rename(columns={"label": "what is learnt"})
    shown["worth (expected gain)"] = [net.fmt(v) for v in data["evppi"]]
    return (
        "<section id='voi'><h2>What would change the answer, point by point</h2>"
        "<p class='note'>At each design point, what knowing each uncertain quantity for sure "
        "would be worth before choosing (expected net benefits given the parameters, the "
        "runs' chance taken out; Strong, Oakley &amp; Brennan 2014), in money of the whole "
        "organisation over the horizon.</p>"
        + _html_table(shown)
        + _download(data, "voi_by_point.csv")
        + "</section>"
    )


def _ripple(table: pd.DataFrame, exp) -> str:
    arms = list(dict.fromkeys(table["arm"]))
    rows, cells = [], []
    for arm in arms:
        for col in RIPPLE_OUTCOMES:  # overall, then by distance to the nearest trainee
            r = table[(table["arm"] == arm) & (table["outcome"] == col)]
            if r.empty:
                continue
            r = r.iloc[0]
            o = OUTCOMES[col]
            base = r["baseline_mean"]
            scale = 100.0 / base if base and np.isfinite(base) and base > 0 else np.nan
            row = {
                "arm": arm,
                "distance": o.short or o.label,
                "change": r["mean"],
                "ci_low": r["ci_low"],
                "ci_high": r["ci_high"],
                "reference_conflicts": base,
                "change_pct": r["mean"] * scale,
                "pct_ci_low": r["ci_low"] * scale,
                "pct_ci_high": r["ci_high"] * scale,
            }
            rows.append(row)
            pct, low, high = row["change_pct"], row["pct_ci_low"], row["pct_ci_high"]
            cells.append(
                {
                    "arm": arm,
                    "ties to the nearest trainee": row["distance"],
                    # A class nobody is in has no change (not a change of 0): say why.
                    "change in conflicts": o.fmt(r["mean"], signed=True),
                    "as % of the reference": f"{pct:+.1f}%" if np.isfinite(pct) else "",
                    "95% interval": f"{low:+.1f}% to {high:+.1f}%"
                    if np.isfinite(low) and np.isfinite(high)
                    else "",
                }
            )
    data = pd.DataFrame(rows)
    return _section(
        "ripple",
        "The ripple: colleagues who were not trained",
        "Change in conflicts among the people an arm leaves untrained, against the same "
        "people in the reference arm, by ties to the nearest trainee (as % of their "
        "conflicts in the reference arm, with 95% intervals). A fall one tie away is "
        "training's benefit spreading to colleagues. A distance no one untrained is at has "
        "nothing to draw; the table says so.",
        figures.ripple_change(data[data["change"].notna()]),
        data,
        extra=_html_table(pd.DataFrame(cells), text=("arm", "ties to the nearest trainee")),
    )


def _sweep(out: Path, exp, table: pd.DataFrame | None) -> str:
    names = list(exp.design.names)[:8]
    if table is not None:
        data = table[(table["point"] != "all") & (table["outcome"] == "conflicts")].copy()
        data["point"] = data["point"].astype(int)
        ylab = f"difference in conflicts from {exp.arm_names[0]}"
        groups = list(dict.fromkeys(data["arm"]))
    else:
        s = batch.read_summary(out)
        data = s.groupby(["point", "arm"], observed=True)["conflicts"].mean().reset_index()
        data = data.rename(columns={"conflicts": "mean"}).merge(exp.points_frame(), on="point")
        ylab = "mean conflicts"
        groups = exp.arm_names
    return _section(
        "sweep",
        "Sweep",
        f"Each dot is one design point ({exp.design.kind}, {exp.n_points:,} points) with "
        "its 95% interval, against the value of each swept parameter.",
        figures.sweep(data, groups, names, ylab, first_colour=1 if table is not None else 0),
        data,
    )


def _sensitivity(out: Path) -> str:
    df = indices(out)
    if df["method"].iloc[0] == "delta":
        note = (
            f"Delta indices (Borgonovo 2007) over {int(df['worlds'].iloc[0]):,} plausible "
            "worlds: the calibration's parameter sets, every one on target, each with its "
            "draw of what training does. delta is how much knowing a parameter shifts the "
            "outcome's whole distribution, S1 the share of its variance it explains alone; "
            "bars show 95% bootstrap intervals."
        )
    elif df["method"].iloc[0] == "sobol":
        note = (
            "Sobol' indices (Saltelli 2010): S1 is the share of the outcome's variance a "
            "parameter explains alone, ST alone and with the others; bars show 95% bootstrap "
            "intervals."
        )
    else:
        note = (
            "Morris elementary effects (Morris 1991): mu* is the mean absolute change in the "
            "outcome when a parameter moves across its range, sigma how much that change "
            "depends on the other parameters."
        )
    return _section(
        "sensitivity",
        f"Sensitivity of the {df['outcome'].iloc[0]}",
        note,
        figures.sensitivity(df),
        df,
        extra=_html_table(df, digits=4),
    )


def comparison_cells(table: pd.DataFrame) -> pd.DataFrame:
    """The comparison table as it is read: each number in its outcome's own format.

    Money and counts with thousands separators and the outcome's decimals
    (``OUTCOMES[name].fmt``), an interval in one cell, the outcome by its label; a value
    that does not exist says why ("no one at this distance" for a ripple class nobody is
    in). After a sweep, the point and the swept values come first.

    Args:
        table: ``batch.compare``'s table.
    """
    numbers = {"mean", "ci_low", "ci_high", "ui_low", "ui_high", "p_better"}
    numbers |= {"arm_mean", "baseline_mean"}
    first = [c for c in table.columns if c not in numbers | {"arm", "outcome"}]
    rows = []
    for r in table.to_dict("records"):
        o = OUTCOMES.get(r["outcome"]) or Outcome(r["outcome"], r["outcome"])
        row = {}
        for c in first:  # the design point and its swept values
            v = r[c]
            if c == "point" and v == "all":
                v = "average over the points"
            elif isinstance(v, float):
                v = number_text(v) if np.isfinite(v) else ""  # "all" has no swept values
            row[c] = v
        row["arm"] = r["arm"]
        row["outcome"] = o.label
        row["difference"] = o.fmt(r["mean"], signed=True)
        for name, (low, high) in (
            ("95% interval of the mean", ("ci_low", "ci_high")),
            ("90% uncertainty interval", ("ui_low", "ui_high")),
        ):
            lo, hi = r.get(low, np.nan), r.get(high, np.nan)
            row[name] = (
                "" if pd.isna(lo) or pd.isna(hi) else f"{o.fmt(lo, True)} to {o.fmt(hi, True)}"
            )
        row["P(better)"] = "" if pd.isna(r["p_better"]) else f"{r['p_better']:.2f}"
        # Net benefit and ROI exist only as differences; an empty class has no people.
        means = pd.notna(r["baseline_mean"]) and pd.notna(r["mean"])
        row["arm mean"] = o.fmt(r["arm_mean"]) if means else ""
        row["reference mean"] = o.fmt(r["baseline_mean"]) if means else ""
        rows.append(row)
    return pd.DataFrame(rows)


def _table_section(table: pd.DataFrame, exp) -> str:
    cells = comparison_cells(table)
    body = _html_table(cells, text=[c for c in ("point", "arm", "outcome") if c in cells])
    return (
        "<section id='table'><h2>Comparison table</h2><p class='note'>Mean paired difference "
        "from the reference arm with the 95% interval of that mean, the 90% uncertainty "
        "interval of the difference itself, the share of replicates in "
        "which the arm does better (P(better)), and both arms' means"
        + (
            ", design point by design point; the last rows average over the points (a "
            "design's average, not a belief)"
            if "point" in table.columns
            else ""
        )
        + f". Money is in {_e(money_unit(exp.currency))}.</p>"
        + body
        + _download(table, "comparison.csv")
        + "</section>"
    )


def _manifest(manifest: dict) -> str:
    exp = manifest["experiment"]
    rows = [
        ("experiment file", exp.get("file") or "(text)"),
        ("sha256", exp["sha256"]),
        ("conflictsim", manifest.get("conflictsim_version", "")),
        ("engine", manifest.get("engine", "")),
        ("seed", str(manifest.get("seed"))),
        ("units", f"{len(manifest.get('units', {})):,}"),
        ("created", manifest.get("created", "")),
        ("packages", ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items())),
    ]
    cal = manifest.get("calibration")
    if cal:
        rows.insert(
            4,
            (
                "calibration",
                f"{cal['folder']}: {cal['draws']:,} parameter sets of "
                f"{', '.join(cal['parameters'])} for {cal['org_name']} "
                f"(draws sha256 {cal['draws_sha256']})",
            ),
        )
    sessions = pd.DataFrame(
        [
            {
                "started": s.get("started"),
                "finished": s.get("finished"),
                "status": s.get("status"),
                "executor": s.get("executor"),
                "workers": s.get("workers"),
                "units run": s.get("units_run"),
                "replicates run": s.get("replicates_run"),
                "host": (s.get("machine") or {}).get("host"),
                "cores": (s.get("machine") or {}).get("cores"),
                "python": (s.get("machine") or {}).get("python"),
            }
            for s in manifest.get("sessions", [])
        ]
    )
    seconds = [u.get("seconds") for u in manifest.get("units", {}).values() if u.get("seconds")]
    if seconds:
        rows.append(
            (
                "unit timings",
                f"{len(seconds):,} timed, {sum(seconds):,.1f} s of work, "
                f"median {np.median(seconds):.2f} s per unit",
            )
        )
    blob = base64.b64encode(json.dumps(manifest, indent=1).encode()).decode()
    return (
        "<section id='manifest'><h2>Manifest</h2>"
        + _dl(rows)
        + "<h3>Sessions</h3>"
        + (_html_table(sessions) if not sessions.empty else "<p>none</p>")
        + "<details><summary>Experiment file</summary><pre>"
        + _e(exp.get("text", ""))
        + "</pre></details>"
        + f"<p><a download='manifest.json' href='data:application/json;base64,{blob}'>"
        "Download the manifest (JSON)</a></p></section>"
    )


# ----------------------------------------------------------------------------- calibration
def is_calibration(folder: str | Path) -> bool:
    """Whether a folder holds a saved calibration (``Calibration.save``)."""
    return (Path(folder) / CALIBRATION_FILE).is_file()


def write_calibration_report(folder: str | Path, path: str | Path | None = None) -> Path:
    """Write the fit report of a saved calibration.

    Args:
        folder: A calibration saved by ``Calibration.save`` (``conflictsim calibrate``).
        path: Where to write the report (default: ``folder/report.html``).

    Returns:
        The path written.

    Raises:
        ValueError: If ``folder`` is not a whole calibration.
    """
    folder = Path(folder)
    cal = Calibration.load(folder)
    target = Path(path) if path is not None else folder / REPORT_FILE
    batch.atomic_write(target, calibration_report(cal).encode("utf-8"))
    return target


def calibration_report(cal: Calibration) -> str:
    """The fit report of a calibration as one self-contained HTML page.

    Sections: an overview, how to read the report, each parameter's prior and posterior,
    each target against the simulations, what was calibrated to (with sources), and the
    generations of ABC-SMC.
    """
    sections = [
        _cal_overview(cal),
        _cal_reading(),
        _cal_parameters(cal),
        _cal_fit(cal),
        _cal_targets(cal),
        _cal_generations(cal),
    ]
    nav = (
        ("reading", "How to read it"),
        ("parameters", "Parameters"),
        ("fit", "Fit"),
        ("targets", "Targets"),
        ("generations", "Generations"),
    )
    return _html_page(
        f"Calibration of {cal.org_name}", "conflictsim calibration fit report", nav, sections
    )


def _cal_overview(cal: Calibration) -> str:
    m = cal.meta
    gens = m.get("generations", [])
    eps = m.get("final_epsilon")
    size = m.get("org_size")
    record = m.get("record_days") or 0
    counted = (m.get("days") or 0) - (m.get("warmup_days") or 0)
    rows = [
        ("organisation", f"{cal.org_name}" + (f": {size:,} employees" if size else "")),
        ("calibrated to", "; ".join(t.label for t in cal.targets)),
        ("parameters", ", ".join(cal.parameters)),
        ("parameter sets kept", f"{len(cal):,}, equally weighted"),
        ("generations", f"{len(gens)}, {m.get('simulations', 0):,} simulations"),
        ("time", f"{m.get('seconds', 0):,.1f} s"),
        (
            "simulated",
            f"{m.get('days', 0):,} working days a run, the first {m.get('warmup_days', 0)} "
            f"left out (start-up); {counted:,} counted"
            + (f", matching {record:,} days of records" if record else ""),
        ),
        ("seed", str(cal.seed)),
        ("method", f"{m.get('method', '')} ({m.get('library', '')})"),
    ]
    verdict = converged_text(
        cal.converged,
        eps,
        "run longer (more generations or simulations, more draws), or read the fit below "
        "for a target the model cannot reach with these priors",
    )
    head, rest = verdict.split(":", 1)
    verdict = f"<p><b>{_e(head)}</b>:{_e(rest)}</p>"
    return (
        "<section id='overview'><p class='note'>A calibration keeps every parameter set "
        "that reproduces the targets, not one best fit: the spread of the kept sets is "
        "what the targets leave uncertain.</p>" + verdict + _dl(rows) + "</section>"
    )


def _cal_reading() -> str:
    items = (
        "<b>Parameters.</b> The dashed line is the prior, what was believed before "
        "calibration; the blue area is the posterior, the share of kept sets in each bin. "
        "The bins hold equal prior probability, so a flat prior draws flat. A posterior as "
        "wide as its prior means the targets say nothing about that parameter; a narrow "
        "peak, that they pin it down. A posterior piled against one end of its prior means "
        "the targets want values beyond the range believed plausible.",
        "<b>Fit.</b> For each target the green band is the interval a calibrated "
        "simulation should reach, with the observed value as a diamond; the blue dot is the "
        "mean of fresh simulations of the kept sets, its bar the range of 90% of them (the "
        "posterior predictive). A blue dot off the green band is a target the model does "
        "not reproduce; a bar much wider than the band is the chance of a single year.",
        "<b>Targets.</b> What was calibrated to and where each figure comes from. A "
        "parameter informed by no target keeps its prior.",
        "<b>Generations.</b> ABC-SMC tightens its tolerance (epsilon) generation by "
        "generation; at 1 or less every kept set is inside every target's interval. "
        "Acceptance is the share of candidates kept: when it falls to a few percent, more "
        "generations cost much and change little.",
        "Simulations with these parameter sets: <code>conflictsim simulate ... "
        "--calibration DIR</code> runs replicate k with set k, so the results carry both "
        "chance and what the targets leave uncertain.",
    )
    return (
        "<section id='reading'><h2>How to read this report</h2><ul>"
        + "".join(f"<li>{i}</li>" for i in items)
        + "</ul></section>"
    )


def _cal_parameters(cal: Calibration) -> str:
    priors = priors_of(cal)
    table = parameter_table(cal)
    densities = prior_posterior_table(cal)
    shown = pd.DataFrame(
        {
            "parameter": table["parameter"],
            "meaning": [REGISTRY[n].meaning for n in table["parameter"]],
            "prior": table["prior"],
            "posterior median": table["median"],
            "90% interval": [
                f"{lo:.3g} to {hi:.3g}" for lo, hi in zip(table["low"], table["high"], strict=True)
            ],
            "width of the prior's": [f"{w:.0%}" for w in table["width"]],
            "reading": table["verdict"],
            "prior's source": [priors[n].source for n in table["parameter"]],
        }
    )
    return _section(
        "parameters",
        "Parameters: prior and posterior",
        "Each calibrated parameter before (prior, dashed) and after calibration (posterior, "
        "blue: the share of kept sets per bin), with the posterior median and 90% interval "
        "on top. Log-uniform priors are drawn on a log axis. 'Width of the prior's' is the "
        "posterior's 90% interval as a share of the prior's, on the prior's scale.",
        figures.prior_posterior(densities, table),
        densities,
        extra=_html_table(shown, digits=3),
    )


def _cal_fit(cal: Calibration) -> str:
    fit = cal.fit
    shown = pd.DataFrame(
        {
            "target": fit["label"],
            "observed": fit["observed"],
            "target interval": [
                f"{lo:.3g} to {hi:.3g}"
                for lo, hi in zip(fit["target_low"], fit["target_high"], strict=True)
            ],
            "simulated mean": fit["simulated"],
            "90% of simulations": [
                f"{lo:.3g} to {hi:.3g}" for lo, hi in zip(fit["low"], fit["high"], strict=True)
            ],
            "simulated mean is": [
                f"{place(r.simulated, r.target_low, r.target_high)} the interval"
                for r in fit.itertuples(index=False)
            ],
        }
    )
    return _section(
        "fit",
        "Fit: each target against the simulations",
        "Grey: the target's interval, with a diamond at the observed or published value. "
        "Dot and line: the mean of one fresh simulation of each kept parameter set, and the "
        "range of 90% of those simulations; blue where the mean is inside the interval, "
        "orange where it is not.",
        figures.calibration_fit(fit_frame(cal)),
        fit,
        extra=_html_table(shown, digits=3),
    )


def _cal_targets(cal: Calibration) -> str:
    shown = pd.DataFrame(
        {
            "target": [t.label for t in cal.targets],
            "statistic": [t.name for t in cal.targets],
            "observed": [t.observed for t in cal.targets],
            "interval": [f"{t.low:.3g} to {t.high:.3g}" for t in cal.targets],
            "source": [t.source for t in cal.targets],
            "parameters it informs": [", ".join(t.informs) for t in cal.targets],
        }
    )
    return (
        "<section id='targets'><h2>What was calibrated to</h2><p class='note'>Each target "
        "is a statistic of a simulation with the interval it should fall in: a published "
        "rate with its uncertainty, or a summary of the organisation's own incident records "
        "with its sampling uncertainty (see docs/calibration.md).</p>"
        + _html_table(shown, digits=3)
        + "</section>"
    )


def _cal_generations(cal: Calibration) -> str:
    gens = pd.DataFrame(cal.meta.get("generations", []))
    if gens.empty:
        body = "<p>none recorded</p>"
    else:
        gens = gens.assign(
            acceptance=[
                f"{a / e:.0%}" if e else ""
                for a, e in zip(gens["accepted"], gens["evaluations"], strict=True)
            ]
        )
        body = _html_table(gens, digits=3)
    moves = cal.meta.get("moves")
    if moves:
        body += (
            f"<p>Then {moves['steps']} sweeps of ABC-MCMC moves over the final sets: "
            f"{moves['accepted']} of {moves['evaluations']} simulated steps kept (each keeps "
            "the posterior as it is and spreads its sets out)."
        )
        if moves.get("unmoved"):  # saved before the moves followed their rate: not known
            body += (
                f" {moves['moved']:.0%} of the sets moved at least once (the acceptance "
                f"rate asked for {moves['planned_steps']} sweeps, so that each would with "
                f"a chance of {1 - moves['unmoved']:.0%}); {moves['resampled_distinct']} "
                f"distinct sets became {moves['distinct']}."
            )
        body += "</p>"
    return (
        "<section id='generations'><h2>Generations of ABC-SMC</h2><p class='note'>Epsilon: "
        "the tolerance of each generation, in target half-widths (at 1 or less every "
        "kept set is inside every target's interval). Evaluations: candidates simulated; "
        "accepted: those kept; acceptance: their share.</p>" + body + "</section>"
    )


# ----------------------------------------------------------------------------- helpers
def _section(sid: str, title: str, note: str, fig, data: pd.DataFrame, extra: str = "") -> str:
    fig.update_layout(template="plotly_white", font={"size": 13})
    div = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=f"chart-{sid}",
        config={"displaylogo": False, "responsive": True},
    )
    return (
        f"<section id='{sid}'><h2>{_e(title)}</h2><p class='note'>{_e(note)}</p>"
        f"<div class='chart'>{div}</div>{_download(data, f'{sid}.csv')}{extra}</section>"
    )


def _download(data: pd.DataFrame, name: str) -> str:
    blob = base64.b64encode(data.to_csv(index=False).encode()).decode()
    return (
        f"<p class='download'><a download='{name}' href='data:text/csv;base64,{blob}'>"
        f"Download the data ({name})</a></p>"
    )


def _e(text) -> str:
    return html.escape(str(text))


def _dl(rows) -> str:
    return (
        "<table class='facts'>"
        + "".join(f"<tr><th>{_e(k)}</th><td>{_e(v)}</td></tr>" for k, v in rows)
        + "</table>"
    )


def _html_table(df: pd.DataFrame, digits: int = 4, text: Sequence[str] | None = None) -> str:
    """A table in a box of its own that scrolls when wider than the page.

    Numbers without an outcome of their own get ``digits`` significant figures, never in
    scientific notation; a missing one is an empty cell. Outcomes are formatted before
    (``OUTCOMES[name].fmt``).

    Args:
        df: The table as shown.
        digits: Significant figures of numbers without a format of their own.
        text: Columns of words, left-aligned and wrapped; every other column then keeps
            each value on one line ("-20,535 to +31,079" is not split). None: the first
            column is left-aligned and any cell may wrap.
    """

    def cell(v) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if not np.isfinite(v) else number_text(float(v), digits)
        return _e(v) if v is not None else ""

    kinds = [""] * len(df.columns)
    if text is not None:
        kinds = [" class='words'" if c in text else " class='number'" for c in df.columns]
    head = "".join(f"<th{k}>{_e(c)}</th>" for c, k in zip(df.columns, kinds, strict=True))
    body = "".join(
        "<tr>"
        + "".join(f"<td{k}>{cell(v)}</td>" for v, k in zip(row, kinds, strict=True))
        + "</tr>"
        for row in df.itertuples(index=False)
    )
    return (
        f"<div class='scroll'><table class='data'><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody></table></div>"
    )


_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2rem auto;
       max-width: 1150px; padding: 0 1rem; color: #222; line-height: 1.45; }
h1 { margin-bottom: 0.2rem; } h2 { margin-top: 2.5rem; border-bottom: 1px solid #ddd; }
nav a { margin-right: 1rem; } .note { color: #555; max-width: 60rem; }
table { border-collapse: collapse; font-size: 0.9rem; }
table.facts th { text-align: left; padding-right: 1.5rem; font-weight: 600; }
table.facts td { overflow-wrap: anywhere; }
table.data th, table.data td { border-bottom: 1px solid #eee; padding: 0.2rem 0.6rem;
       text-align: right; } table.data th { background: #f6f6f6; }
table.data td:first-child, table.data th:first-child { text-align: left; }
table.data td.words, table.data th.words { text-align: left; min-width: 6rem; }
table.data td.number { white-space: nowrap; }
.scroll { overflow: auto; max-width: 100%; max-height: 32rem; }
table.data thead th { position: sticky; top: 0; }
pre { background: #f6f6f6; padding: 1rem;
       overflow-x: auto; } .download { font-size: 0.85rem; }
"""


#: The batch report's sections, in order: id, link text.
_NAV = (
    ("trajectories", "Trajectories"),
    ("forest", "Differences"),
    ("costs", "Costs"),
    ("voi", "What would change the answer"),
    ("ripple", "Ripple"),
    ("sweep", "Sweep"),
    ("sensitivity", "Sensitivity"),
    ("table", "Table"),
    ("manifest", "Manifest"),
)


def _page(exp, sections: list[str]) -> str:
    return _html_page(exp.name, "conflictsim batch report", _NAV, sections)


def _html_page(title: str, kind: str, nav_items, sections: list[str]) -> str:
    """The whole page: plotly.js once, a link to each section present, the sections."""
    nav = "".join(
        f"<a href='#{sid}'>{lab}</a>"
        for sid, lab in nav_items
        if any(s.startswith(f"<section id='{sid}'") for s in sections)
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)}: conflictsim report</title><style>{_CSS}</style>"
        # plotly.js inline (its basic bundle, compressed): the file opens offline and
        # stays one file.
        f"{report_assets.plotly_script()}</head><body>"
        f"<h1>{_e(title)}</h1><p class='note'>{_e(kind)}</p><nav>{nav}</nav>"
        + "".join(sections)
        + "</body></html>\n"
    )
