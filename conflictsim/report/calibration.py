"""The calibration report: a saved calibration's priors, posteriors, fit and generations.

``write_calibration_report(DIR)`` writes ``DIR/report.html`` for a folder of ``conflictsim
calibrate``: each parameter's prior and posterior, each target against the simulations,
what was calibrated to with sources, and the generations of ABC-SMC, with words on how to
read them. The tables come from ``conflictsim.calibration.tables``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from conflictsim import batch, figures
from conflictsim.calibration.result import CALIBRATION_FILE, Calibration
from conflictsim.calibration.tables import (
    fit_frame,
    parameter_table,
    prior_posterior_table,
    priors_of,
)
from conflictsim.params import REGISTRY
from conflictsim.report.html import REPORT_FILE, escape, facts, html_table, page_html, section
from conflictsim.words import converged_text, place


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
    return page_html(
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
    verdict = f"<p><b>{escape(head)}</b>:{escape(rest)}</p>"
    return (
        "<section id='overview'><p class='note'>A calibration keeps every parameter set "
        "that reproduces the targets, not one best fit: the spread of the kept sets is "
        "what the targets leave uncertain.</p>" + verdict + facts(rows) + "</section>"
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
    return section(
        "parameters",
        "Parameters: prior and posterior",
        "Each calibrated parameter before (prior, dashed) and after calibration (posterior, "
        "blue: the share of kept sets per bin), with the posterior median and 90% interval "
        "on top. Log-uniform priors are drawn on a log axis. 'Width of the prior's' is the "
        "posterior's 90% interval as a share of the prior's, on the prior's scale.",
        figures.prior_posterior(densities, table),
        densities,
        extra=html_table(shown, digits=3),
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
    return section(
        "fit",
        "Fit: each target against the simulations",
        "Grey: the target's interval, with a diamond at the observed or published value. "
        "Dot and line: the mean of one fresh simulation of each kept parameter set, and the "
        "range of 90% of those simulations; blue where the mean is inside the interval, "
        "orange where it is not.",
        figures.calibration_fit(fit_frame(cal)),
        fit,
        extra=html_table(shown, digits=3),
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
        + html_table(shown, digits=3)
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
        body = html_table(gens, digits=3)
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
