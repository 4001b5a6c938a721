"""The report of a batch run: one self-contained HTML file with interactive charts.

``write_report(DIR)`` reads a finished run (``conflictsim.batch``) and writes
``DIR/report.html``: the daily trajectories of every arm with uncertainty bands, a forest
plot of the paired differences, costs and return on investment, the ripple of training to
untrained colleagues by distance, the sweep or sensitivity analysis when there is one, the
comparison table and the run's manifest. plotly.js is embedded in the file, so it opens
offline and can be mailed as it is; every chart has a download of its data beneath it.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

import numpy as np
import pandas as pd

from conflictsim import batch, figures
from conflictsim.outcomes import OUTCOMES, RIPPLE_OUTCOMES
from conflictsim.sensitivity import indices

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
    sections: list[str] = [_overview(exp)]
    table = None
    if len(exp.arms) > 1 and exp.replicates > 1:
        table = batch.compare(out)
    if exp.outputs["daily"]:
        sections.append(_trajectories(out, exp))
    if table is not None:
        pooled = table[table["point"] == "all"] if "point" in table else table
        sections.append(_forest(pooled, exp))
        sections.append(_costs(pooled, exp))
        if exp.outputs["employees"]:
            sections.append(_ripple(pooled, exp))
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


# ----------------------------------------------------------------------------- sections
def _overview(exp) -> str:
    org = exp.org
    rows = [
        ("organisation", f"{org.name}: {org.size:,} employees"),
        ("horizon", f"{exp.days:,} working days"),
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
    data = pd.concat(frames, ignore_index=True)
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


def _costs(table: pd.DataFrame, exp) -> str:
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
        "avoided (hours at the wage plus replacement of those who quit) and net benefit "
        "with 95% intervals. ROI: net benefit per unit spent on training (0 breaks even).",
        figures.costs(data),
        data,
    )


def _ripple(table: pd.DataFrame, exp) -> str:
    arms = list(dict.fromkeys(table["arm"]))
    rows = []
    for arm in arms:
        for col in RIPPLE_OUTCOMES:  # overall, then by distance to the nearest trainee
            r = table[(table["arm"] == arm) & (table["outcome"] == col)]
            if r.empty:
                continue
            r = r.iloc[0]
            base = r["baseline_mean"]
            scale = 100.0 / base if base and np.isfinite(base) and base > 0 else np.nan
            rows.append(
                {
                    "arm": arm,
                    "distance": OUTCOMES[col].short or OUTCOMES[col].label,
                    "change": r["mean"],
                    "ci_low": r["ci_low"],
                    "ci_high": r["ci_high"],
                    "reference_conflicts": base,
                    "change_pct": r["mean"] * scale,
                    "pct_ci_low": r["ci_low"] * scale,
                    "pct_ci_high": r["ci_high"] * scale,
                }
            )
    data = pd.DataFrame(rows)
    return _section(
        "ripple",
        "The ripple: colleagues who were not trained",
        "Change in conflicts among the people an arm leaves untrained, against the same "
        "people in the reference arm, by ties to the nearest trainee (as % of their "
        "conflicts in the reference arm, with 95% intervals). A fall one tie away is "
        "training's benefit spreading to colleagues.",
        figures.ripple_change(data),
        data,
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
    if df["method"].iloc[0] == "sobol":
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
        extra=_html_table(df, float_format="{:.4g}"),
    )


def _table_section(table: pd.DataFrame, exp) -> str:
    t = table
    if "point" in t.columns:
        t = t[t["point"] == "all"].drop(columns=["point", *exp.design.names])
    body = _html_table(t, float_format="{:,.4g}")
    return (
        "<section id='table'><h2>Comparison table</h2><p class='note'>Mean paired difference "
        "from the reference arm with its 95% interval, the share of replicates in which the "
        "arm does better (P(better)), and both arms' means"
        + (" pooled over the design points" if "point" in table.columns else "")
        + ".</p>"
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


def _html_table(df: pd.DataFrame, float_format: str = "{:,.4g}") -> str:
    def cell(v) -> str:
        if isinstance(v, (float, np.floating)):
            return "" if not np.isfinite(v) else float_format.format(v)
        return _e(v) if v is not None else ""

    head = "".join(f"<th>{_e(c)}</th>" for c in df.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{cell(v)}</td>" for v in row) + "</tr>"
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
table.data th, table.data td { border-bottom: 1px solid #eee; padding: 0.2rem 0.6rem;
       text-align: right; } table.data th { background: #f6f6f6; }
table.data td:first-child, table.data th:first-child { text-align: left; }
.scroll { overflow-x: auto; max-height: 32rem; } pre { background: #f6f6f6; padding: 1rem;
       overflow-x: auto; } .download { font-size: 0.85rem; }
"""


def _page(exp, sections: list[str]) -> str:
    from plotly.offline import get_plotlyjs

    nav = "".join(
        f"<a href='#{sid}'>{lab}</a>"
        for sid, lab in (
            ("trajectories", "Trajectories"),
            ("forest", "Differences"),
            ("costs", "Costs"),
            ("ripple", "Ripple"),
            ("sweep", "Sweep"),
            ("sensitivity", "Sensitivity"),
            ("table", "Table"),
            ("manifest", "Manifest"),
        )
        if any(s.startswith(f"<section id='{sid}'") for s in sections)
    )
    return (
        "<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(exp.name)}: conflictsim report</title><style>{_CSS}</style>"
        # plotly.js inline: the file opens offline and stays one file.
        f"<script type='text/javascript'>{get_plotlyjs()}</script></head><body>"
        f"<h1>{_e(exp.name)}</h1><p class='note'>conflictsim batch report</p><nav>{nav}</nav>"
        + "".join(sections)
        + "</body></html>\n"
    )
