"""Refresh generated parts of the docs: ``uv run python -m conflictsim.docgen``.

The parameter table of docs/ODD.md comes from the parameter registry and the programme
table of docs/programmes.md from the programme kinds, so the docs cannot drift from the
code (tests/test_docs.py checks).
"""

from __future__ import annotations

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


#: Generated blocks: (file, block name, generator).
BLOCKS = [
    ("docs/ODD.md", "parameters", markdown_table),
    ("docs/programmes.md", "programmes", programmes_table),
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
