"""Refresh generated parts of the docs: ``uv run python -m conflictsim.docgen``.

The parameter table of docs/ODD.md comes from the parameter registry and the programme
table of docs/programmes.md from the programme kinds, so the docs cannot drift from the
code (tests/test_docs.py checks).
"""

from __future__ import annotations

import json
from pathlib import Path

from conflictsim.params import markdown_table
from conflictsim.training import HALF_LIFE_DAYS, KINDS
from conflictsim.virtual_trials import trials

ROOT = Path(__file__).resolve().parents[1]


def programmes_table() -> str:
    """The programme kinds as a Markdown table with their evidence."""
    lines = [
        "| programme | listening shift (SD) | regulation shift (SD) | responders | fee per "
        "trainee | hours per trainee | half-life (days) |",
        "|---|---|---|---|---|---|---|",
    ]
    for k in KINDS.values():
        lines.append(
            f"| `{k.name}` | {k.listening_d:+g} | {k.regulation_d:+g} | "
            f"{'yes' if k.responders else 'no'} | {k.cost_per_trainee:g} | "
            f"{k.hours_per_trainee:g} | {HALF_LIFE_DAYS:g} |"
        )
    lines.append("")
    for k in KINDS.values():
        lines.append(f"**`{k.name}`.** {k.evidence}")
        lines.append("")
    return "\n".join(lines).rstrip()


#: Measured effects of the programmes (``experiments/programme_effects.py`` writes it).
EFFECTS = ROOT / "experiments" / "results" / "programme_effects.json"


def default_question_table() -> str:
    """The dashboard's default question before and after the trials, as a Markdown table."""
    doc = json.loads(EFFECTS.read_text(encoding="utf-8"))
    lines = [
        f"Measured on {doc['date']} with `{doc['command']}`: an office of 200 (seed 1) with "
        f"its stored calibration, half of the managers trained on day 0, a year, "
        f"{doc['replicates']} plausible worlds; *before*: the setting's prior alone, "
        "*after*: given the trials. Money in the currency of the hourly cost of work, "
        'over the year; "no change": the share of worlds whose conflicts move by at '
        f"most {doc['no_change']:.1%}.",
        "",
        "| evidence | option | | conflicts avoided (90% interval) | break-even | net benefit "
        "(90% interval) | in cash | in working time | pays for itself | no change | on "
        "responders |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for setting, whens in doc["default_question"].items():
        for when, options in whens.items():
            for arm, f in options.items():
                lo, hi = f["avoided_ui"]
                nlo, nhi = f["net_benefit_ui"]
                share = f["responders_share"]
                lines.append(
                    f"| {setting} | {arm.split('. ', 1)[1]} | {when} | {f['avoided']:,.0f} "
                    f"({f['avoided_pct']:.1f}%; {lo:,.0f} to {hi:,.0f}) | {f['break_even']:,.0f} "
                    f"({f['break_even_pct']:.1f}%) | {f['net_benefit']:+,} ({nlo:+,} to "
                    f"{nhi:+,}) | {f['net_benefit_cash']:+,} | {f['net_benefit_time']:+,} | "
                    f"{f['p_pays']:.0%} (cash {f['p_pays_cash']:.0%}) | {f['no_change']:.0%} | "
                    f"{'' if share is None else f'{share:.0%}'} |"
                )
    return "\n".join(lines)


def effects_table() -> str:
    """The measured programme effects per evidence setting, as a Markdown table."""
    doc = json.loads(EFFECTS.read_text(encoding="utf-8"))
    lines = [
        f"Measured on {doc['date']} with `{doc['command']}`: {doc['organisation']}, "
        f"{doc['calibration']}; {doc['coverage']:.0%} of the staff trained on day 0, "
        f"{doc['days']} working days, {doc['replicates']} plausible worlds (parameter sets "
        f"with their draws of the training effects given the trials, and chance), seed "
        f"{doc['seed']}.",
        "",
        "| evidence | programme | change in conflicts: median | 90% uncertainty interval "
        "| pays for itself | best of the four choices |",
        "|---|---|---|---|---|---|",
    ]
    for setting, rows in doc["effects"].items():
        for kind, r in rows.items():
            lines.append(
                f"| {setting} | `{kind}` | {r['median_pct']:+.1f}% | {r['ui_low_pct']:+.1f}% "
                f"to {r['ui_high_pct']:+.1f}% | {r['p_pays']:.0%} of worlds | "
                f"{r['p_best']:.0%} of worlds |"
            )
    return "\n".join(lines)


#: The evidence settings given the trials (``conflictsim.virtual_trials`` writes them).
POSTERIORS = ROOT / "conflictsim" / "data" / "evidence"


def trials_table() -> str:
    """The encoded studies and what their update did to each evidence setting."""
    t = trials()
    lines = [
        "| study | programme | setting | design | outcome | estimate (95% interval) | how |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in t.itertuples():
        how = r.how.split(":")[0]
        lines.append(
            f"| `{r.name}` ({r.citation}) | `{r.programme}` | {r.setting} | {r.design} | "
            f"{r.outcome} | {r.estimate:+.0%} ({r.low:+.0%} to {r.high:+.0%}) | {how} |"
        )
    lines += [
        "",
        "| evidence | mean `skill_transfer`: prior, given the trials | mean "
        "`responder_success` | training changes nothing at work | effective draws |",
        "|---|---|---|---|---|",
    ]
    for setting in ("sceptical", "central", "enthusiastic"):
        about = json.loads((POSTERIORS / f"{setting}.json").read_text(encoding="utf-8"))
        m = about["means"]
        lines.append(
            f"| {setting} | {m['skill_transfer']['prior']:.2f} -> "
            f"{m['skill_transfer']['posterior']:.2f} | {m['responder_success']['prior']:.3f} -> "
            f"{m['responder_success']['posterior']:.3f} | {about['no_effect_prior']:.0%} -> "
            f"{about['no_effect_posterior']:.0%} | {about['effective_draws']:,.0f} of "
            f"{about['draws']:,} |"
        )
    return "\n".join(lines)


#: The studies replicated through the model (``experiments/virtual_trials.py`` writes it).
REPLICATED = ROOT / "experiments" / "results" / "virtual_trials.json"


def replicated_table() -> str:
    """Each study against its virtual trial, before and after the trials, as Markdown."""
    doc = json.loads(REPLICATED.read_text(encoding="utf-8"))
    published = trials().set_index("name")
    lines = [
        f"Measured on {doc['date']} with `{doc['command']}`: {doc['worlds']} plausible worlds "
        f"per study and setting, seed {doc['seed']}; the middle 90% of the estimates the "
        "study would have reported (its own chance included), and the median.",
        "",
        "| study | published (95% interval) | evidence | prior alone: median, 90% | covers | "
        "given the trials: median, 90% | covers |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, rows in doc["results"].items():
        t = published.loc[name]
        for setting in ("sceptical", "central", "enthusiastic"):
            a, b = rows[f"{setting}_prior"], rows[f"{setting}_given_trials"]
            lines.append(
                f"| `{name}` | {t['estimate']:+.0%} ({t['low']:+.0%} to {t['high']:+.0%}) | "
                f"{setting} | {a['median']:+.0%}, {a['low']:+.0%} to {a['high']:+.0%} | "
                f"{'yes' if a['covers'] else '**no**'} | {b['median']:+.0%}, {b['low']:+.0%} "
                f"to {b['high']:+.0%} | {'yes' if b['covers'] else '**no**'} |"
            )
    return "\n".join(lines)


#: Generated blocks: (file, block name, generator).
BLOCKS = [
    ("docs/ODD.md", "parameters", markdown_table),
    ("docs/programmes.md", "programmes", programmes_table),
    ("docs/programmes.md", "effects", effects_table),
    ("docs/programmes.md", "default_question", default_question_table),
    ("docs/programmes.md", "trials", trials_table),
    ("docs/validation.md", "replicated", replicated_table),
]


def block(text: str, name: str) -> str:
    """The generated block ``name`` inside ``text``."""
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    return text.split(start, 1)[1].split(end, 1)[0].strip()


def refresh() -> list[str]:
    """Rewrite every generated block; returns the files that changed."""
    changed = []
    for rel, name, make in BLOCKS:
        path = ROOT / rel
        text = path.read_text(encoding="utf-8")
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        head, _, rest = text.partition(start)
        _, _, tail = rest.partition(end)
        new = f"{head}{start}\n{make()}\n{end}{tail}"
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(rel)
    return changed


if __name__ == "__main__":
    changed = refresh()
    print("updated: " + ", ".join(changed) if changed else "docs already up to date")
