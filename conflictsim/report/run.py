"""The report of a batch run: one self-contained HTML file with interactive charts.

``write_report(DIR)`` reads a finished run (``conflictsim.batch``) and writes
``DIR/report.html``: the daily trajectories of every arm with uncertainty bands, a forest
plot of the paired differences, costs, the ripple of training to untrained colleagues by
distance, which option pays and how often (over plausible worlds when the run has a
calibration or an evidence setting), what would change the answer (the value of
information), the sweep or sensitivity analysis when there is one, the comparison table
and the run's manifest. Every chart has a download of its data beneath it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import numpy as np
import pandas as pd

from conflictsim import batch, figures
from conflictsim.calibration.targets import Targets
from conflictsim.comparison import ripple_table, wide_table
from conflictsim.outcomes import OUTCOMES, RIPPLE_OUTCOMES, Outcome
from conflictsim.report.html import (
    REPORT_FILE,
    download,
    escape,
    facts,
    html_table,
    page_html,
    section,
)
from conflictsim.sensitivity import indices
from conflictsim.uncertainty import ALL
from conflictsim.words import (
    AS_GIVEN,
    evidence_text,
    money_unit,
    number_text,
    parameter_label,
    pays_for_itself,
    place,
)

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
        f"<li><b>{escape(a.name)}</b>: {escape(_arm_words(a))}"
        + (f" <i>{escape(a.description)}</i>" if a.description else "")
        + "</li>"
        for a in exp.arms
    )
    desc = f"<p>{escape(exp.description)}</p>" if exp.description else ""
    return (
        f"<section id='overview'>{desc}{facts(rows)}<h3>Arms</h3><ul>{arms}</ul>"
        f"<p class='note'>Differences are each arm minus <b>{escape(exp.arm_names[0])}</b>, "
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
                        "low": q[0.05].to_numpy(),
                        "high": q[0.95].to_numpy(),
                    }
                )
            )
        del d, g
    # Means and percentiles of daily counts to 7 significant figures (float32): all the
    # chart and its download need, and the largest arrays of a report halved.
    data = pd.concat(frames, ignore_index=True).astype(
        {"mean": np.float32, "low": np.float32, "high": np.float32}
    )
    pooled = " pooled over every design point" if exp.n_points > 1 else ""
    return section(
        "trajectories",
        "Trajectories",
        f"Mean per day over replicates{pooled}; the band holds the middle 90% of replicates "
        "(5th to 95th percentile: low and high in the download), the spread of what a "
        "single year could look like.",
        figures.trajectory(
            data,
            figures.arm_colours(exp.arm_names),
            x="day",
            panels=SERIES,
            band_words="middle 90% of replicates",
            x_title="Working day",
            reference=exp.arm_names[0],
        ),
        data,
    )


def _forest(table: pd.DataFrame, exp) -> str:
    outcomes = [c for c in FOREST if c in set(table["outcome"])]
    data = table[table["outcome"].isin(outcomes)]
    return section(
        "forest",
        f"Differences from {exp.arm_names[0]}",
        "Mean paired difference from the reference arm with its 95% interval. Left of the "
        "dotted line: fewer conflicts, hours, absences or quits; right of it for net benefit: "
        "the conflict cost avoided exceeds the training cost.",
        figures.forest(table, outcomes),
        data,
    )


def _costs(table: pd.DataFrame, exp, decision: pd.DataFrame) -> str:
    names = ["cost_training", "cost_conflict", "net_benefit", "net_benefit_cash", "roi"]
    w = wide_table(table, [n for n in names if n in set(table["outcome"])])
    keep = [c for c in w.columns if not c.endswith(("_arm", "_baseline", "_p_better"))]
    data = w[keep].rename(columns={"cost_training_avoided": "training_cost"})
    data["training_cost"] = -data["training_cost"]  # what the arm spends more on training
    data = data.drop(columns=[c for c in data if c.startswith("cost_training_avoided")])
    return section(
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
        + html_table(pd.DataFrame(shown))
        + download(decision, "decision.csv")
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
    return section(
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
        extra=html_table(shown),
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
        "rests on them.</p>" + html_table(shown) + download(rest, "responders.csv") + "</section>"
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
        f"<p class='note'>{escape(note)}</p>"
        + html_table(shown)
        + download(data, "decision_by_point.csv")
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
        + html_table(shown)
        + download(data, "voi_by_point.csv")
        + "</section>"
    )


def _ripple(table: pd.DataFrame, exp) -> str:
    data = ripple_table(table, RIPPLE_OUTCOMES)
    data.insert(1, "distance", [OUTCOMES[o].short or OUTCOMES[o].label for o in data["outcome"]])
    cells = []
    for r in data.itertuples(index=False):
        o = OUTCOMES[r.outcome]
        pct = np.isfinite(r.fewer_pct_low) and np.isfinite(r.fewer_pct_high)
        cells.append(
            {
                "arm": r.arm,
                "ties to the nearest trainee": r.distance,
                # A class nobody is in has no change (not a change of 0): say why.
                "conflicts avoided": o.fmt(r.fewer, signed=True),
                "as % of the reference": f"{r.fewer_pct:+.1f}%" if np.isfinite(r.fewer_pct) else "",
                "95% interval": f"{r.fewer_pct_low:+.1f}% to {r.fewer_pct_high:+.1f}%"
                if pct
                else "",
            }
        )
    return section(
        "ripple",
        "The ripple: colleagues who were not trained",
        "Conflicts avoided among the people an arm leaves untrained, against the same "
        "people in the reference arm, by ties to the nearest trainee (as % of their "
        "conflicts in the reference arm, with 95% intervals). A fall one tie away is "
        "training's benefit spreading to colleagues. A distance no one untrained is at has "
        "nothing to draw; the table says so.",
        figures.ripple(data, figures.arm_colours(exp.arm_names)),
        data,
        extra=html_table(pd.DataFrame(cells), text=("arm", "ties to the nearest trainee")),
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
    return section(
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
    return section(
        "sensitivity",
        f"Sensitivity of the {df['outcome'].iloc[0]}",
        note,
        figures.sensitivity(df),
        df,
        extra=html_table(df, digits=4),
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
    body = html_table(cells, text=[c for c in ("point", "arm", "outcome") if c in cells])
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
        + f". Money is in {escape(money_unit(exp.currency))}.</p>"
        + body
        + download(table, "comparison.csv")
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
        + facts(rows)
        + "<h3>Sessions</h3>"
        + (html_table(sessions) if not sessions.empty else "<p>none</p>")
        + "<details><summary>Experiment file</summary><pre>"
        + escape(exp.get("text", ""))
        + "</pre></details>"
        + f"<p><a download='manifest.json' href='data:application/json;base64,{blob}'>"
        "Download the manifest (JSON)</a></p></section>"
    )


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
    return page_html(exp.name, "conflictsim batch report", _NAV, sections)
