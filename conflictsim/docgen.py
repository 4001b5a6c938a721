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


def effects_table() -> str:
    """The measured programme effects per evidence setting, as a Markdown table."""
    doc = json.loads(EFFECTS.read_text(encoding="utf-8"))
    lines = [
        f"Measured on {doc['date']} with `{doc['command']}`: {doc['organisation']}, "
        f"{doc['calibration']}; {doc['coverage']:.0%} of the staff trained on day 0, "
        f"{doc['days']} working days, {doc['replicates']} plausible worlds (parameter sets "
        f"with their draws of the training effects, and chance), seed {doc['seed']}.",
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


#: Generated blocks: (file, block name, generator).
BLOCKS = [
    ("docs/ODD.md", "parameters", markdown_table),
    ("docs/programmes.md", "programmes", programmes_table),
    ("docs/programmes.md", "effects", effects_table),
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
