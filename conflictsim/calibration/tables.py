"""A calibration's own tables: priors, how far the targets narrowed them, and the fit.

The report, the console and the planner all read a calibration through these tables, so
each number about a fit is computed once: ``parameter_table`` (prior, posterior and how
much the targets narrowed it), ``prior_posterior_table`` (both on bins of equal prior
probability, for the figures) and ``fit_frame`` (each target against the simulations).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration, targets_met
from conflictsim.calibration.statistics import RECORD_STATISTICS
from conflictsim.calibration.targets import Target
from conflictsim.params import REGISTRY, Prior
from conflictsim.words import capitalised, narrowing_words

#: Statistics that are shares, written as percentages.
SHARE_STATISTICS = ("weekly_rude_share", "quits_per_year", "share_severe")
#: Bins of each parameter's prior and posterior in ``prior_posterior_table``.
POSTERIOR_BINS = 20
#: Where a target of the organisation's own incident records comes from, in words.
RECORDS_SOURCE = "your incident records"


def priors_of(cal: Calibration) -> dict[str, Prior]:
    """The prior of each calibrated parameter, as recorded with the calibration.

    A calibration that recorded no prior for a parameter gets the registry's.
    """
    recorded = cal.meta.get("priors", {})
    out = {}
    for name in cal.parameters:
        p = recorded.get(name)
        out[name] = (
            Prior(str(p["kind"]), float(p["low"]), float(p["high"]), str(p.get("source", "")))
            if p
            else REGISTRY[name].prior
        )
    return out


def parameter_table(cal: Calibration) -> pd.DataFrame:
    """Per calibrated parameter: prior, posterior median and 90% interval, and narrowing.

    ``width`` is the posterior's 90% interval as a share of the prior's, measured on the
    prior's own scale (the prior probability it holds, over 0.9): about 1 when the targets
    say nothing about the parameter, near 0 when they pin it down; ``verdict`` says so in
    words.
    """
    priors = priors_of(cal)
    table = cal.summary()
    table["prior"] = [priors[n].describe() for n in table["parameter"]]
    table["width"] = [
        float(priors[n].cdf(hi) - priors[n].cdf(lo)) / 0.9
        for n, lo, hi in zip(table["parameter"], table["low"], table["high"], strict=True)
    ]
    table["verdict"] = [narrowing_words(w) for w in table["width"]]
    return table


def prior_posterior_table(cal: Calibration) -> pd.DataFrame:
    """Prior and posterior of each parameter on bins of equal prior probability.

    The bins are evenly spaced on the prior's own scale (linear for a uniform prior, log
    for a log-uniform one), so both priors draw flat and a posterior that learned nothing
    draws flat too.
    """
    priors = priors_of(cal)
    frames = []
    for name in cal.parameters:
        prior = priors[name]
        edges = np.asarray(prior.ppf(np.linspace(0.0, 1.0, POSTERIOR_BINS + 1)), dtype=float)
        values = np.clip(cal.draws[name].to_numpy(float), edges[0], edges[-1])
        counts, _ = np.histogram(values, bins=edges)
        frames.append(
            pd.DataFrame(
                {
                    "parameter": name,
                    "scale": "log" if prior.kind == "loguniform" else "linear",
                    "left": edges[:-1],
                    "right": edges[1:],
                    "prior": np.diff(np.asarray(prior.cdf(edges), dtype=float)),
                    "posterior": counts / max(len(values), 1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def source_text(target: Target | Mapping[str, Any]) -> str:
    """A target's source in a few words: ``CPP 2008`` or ``your incident records``."""
    name = target["target"] if isinstance(target, Mapping) else target.name
    if name in RECORD_STATISTICS:
        return RECORDS_SOURCE
    source = target["source"] if isinstance(target, Mapping) else target.source
    return source.split(":")[0]


def fit_frame(cal: Calibration) -> pd.DataFrame:
    """The fit, one row per target, in words and numbers.

    Columns: ``target``, ``label`` (capitalised), ``source``, ``observed``,
    ``target_low``, ``target_high`` (the published or observed interval), ``simulated``
    (mean of the simulations), ``low``, ``high`` (their 90% range), ``met``, ``percent``
    (whether the statistic is a share, written as a percentage).
    """
    fit = cal.fit.reset_index(drop=True)
    sources = {t.name: source_text(t) for t in cal.targets}
    return pd.DataFrame(
        {
            "target": fit["target"],
            "label": [capitalised(str(x)) for x in fit["label"]],
            "source": [sources.get(t, "") for t in fit["target"]],
            "observed": fit["observed"].astype(float),
            "target_low": fit["target_low"].astype(float),
            "target_high": fit["target_high"].astype(float),
            "simulated": fit["simulated"].astype(float),
            "low": fit["low"].astype(float),
            "high": fit["high"].astype(float),
            "met": targets_met(fit).to_numpy(),
            "percent": [t in SHARE_STATISTICS for t in fit["target"]],
        }
    )


def missed_labels(cal: Calibration) -> list[str]:
    """The targets whose simulated mean lies outside their interval."""
    fit = cal.fit
    return [str(x) for x in fit.loc[~targets_met(fit), "label"]]
