"""Seeds shared by both simulators: one per replicate, and the targeting streams.

Replicate ``k`` of a run with seed ``s`` is seeded by ``replicate_seed(s, k)`` in every
arm, process and machine, which makes arms of a comparison paired (common random numbers)
and a batch run independent of how its replicates are split.

Who is trained is drawn from streams of their own, one per programme, spawned from the
replicate's seed: arms that differ only in a programme's kind train the same people and
share every other draw.
"""

from __future__ import annotations

import numpy as np

#: Spawn-key branch of the targeting streams (branch 0 is left to the simulation).
_TARGETING = 1


def replicate_seed(seed: int, replicate: int) -> int:
    """The seed of replicate ``replicate``: the same in every arm, process and machine."""
    return int(np.random.SeedSequence([int(seed), int(replicate)]).generate_state(1)[0])


def targeting_rngs(replicate_seed: int, programmes: int) -> list[np.random.Generator]:
    """One targeting stream per programme of a replicate, from the replicate's seed."""
    return [
        np.random.default_rng(
            np.random.SeedSequence(int(replicate_seed), spawn_key=(_TARGETING, k))
        )
        for k in range(programmes)
    ]
