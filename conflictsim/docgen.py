"""Refresh generated parts of the docs: ``uv run python -m conflictsim.docgen``."""

from conflictsim.params import update_odd

if __name__ == "__main__":
    print("docs/ODD.md updated" if update_odd() else "docs/ODD.md already up to date")
