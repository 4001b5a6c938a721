"""Seeds shared by both simulators: one per replicate, and the targeting streams.

Replicate ``k`` of a run with seed ``s`` is seeded by ``replicate_seed(s, k)`` in every
arm, process and machine, which makes arms of a comparison paired (common random numbers)
and a batch run independent of how its replicates are split.

Who is trained is drawn from streams of their own, one per programme, spawned from the
replicate's seed: arms that differ only in a programme's kind train the same people and
share every other draw.
"""

from __future__ import annotations

import random

import numpy as np

#: Spawn-key branch of the targeting streams (branch 0 is left to the simulation).
_TARGETING = 1
#: Spawn-key branch of the Mesa model's space (``ConflictModel.space``).
_SPACE = 2


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


def space_random(replicate_seed: int) -> random.Random:
    """The random stream of a replicate's Mesa space, apart from the simulation's.

    The model's rules never draw from it; a user's random choices in the space (Mesa's
    ``select_random_...``) draw from it and leave the simulation's draws as they are.
    """
    seq = np.random.SeedSequence(int(replicate_seed), spawn_key=(_SPACE,))
    return random.Random(int(seq.generate_state(1, np.uint64)[0]))
