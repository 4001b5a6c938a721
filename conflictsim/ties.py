"""Ties of the contact graph: their kinds, default contact chances, and a clean edge list.

The lowest module of the model layer: the generator, the org chart reader and
``Organisation.from_graph`` all build their edge lists with these rules.
"""

from __future__ import annotations

import numpy as np

#: Tie kinds, in the order of ``Organisation.edge_kind`` codes.
TIE_KINDS = ("team", "manager", "cross", "other")

#: Daily contact probability of each tie kind in an office (assumption, docs/ODD.md); also
#: the contact probabilities of a CSV org chart without an edges file.
DEFAULT_CONTACT = {"team": 0.5, "manager": 0.6, "cross": 0.1, "other": 0.2}


def dedupe_edges(
    src: np.ndarray, dst: np.ndarray, kind: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Order each tie (src < dst), drop self-ties and duplicates (the first kind wins)."""
    src = np.asarray(src, dtype=np.int64)
    dst = np.asarray(dst, dtype=np.int64)
    lo, hi = np.minimum(src, dst), np.maximum(src, dst)
    ok = lo != hi
    lo, hi, kind = lo[ok], hi[ok], np.asarray(kind)[ok]
    key = lo * (int(hi.max(initial=0)) + 1) + hi
    # np.unique sorts by key, which orders ties by (lo, hi); return_index keeps the first kind.
    _, keep = np.unique(key, return_index=True)
    return lo[keep].astype(np.int32), hi[keep].astype(np.int32), kind[keep].astype(np.int8)
