"""Counter-based random numbers for the fast engine: Philox4x32-10.

Every uniform the engine uses is a pure function of
``(seed, replicate, day, stage, element)``, computed on demand by the Philox4x32-10 bijection
of Salmon, Moraes, Dror and Shaw (2011), "Parallel random numbers: as easy as 1, 2, 3",
Proceedings of SC11 (doi:10.1145/2063384.2063405), as implemented in their Random123
library. Philox passes the TestU01 BigCrush battery for every key and counter layout the
authors tried, so distinct counters give independent-looking numbers.

Why counter-based: a uniform keyed by what it decides, rather than taken from a sequential
stream, makes

- replicate ``k`` depend only on ``(seed, k)``, however replicates are batched or split
  between processes;
- arms of a comparison share their randomness exactly ("common random numbers"): the draw
  that decides whether tie ``e`` is active on day ``t`` of replicate ``k`` is the same
  number in every arm, whether or not an arm needed it, so arms stay aligned after their
  trajectories diverge;
- skipping draws free: the engine computes only the numbers it needs (for example
  encounter draws only on ties with an upset end) without shifting any other draw.

Layout (all 32-bit words): key ``(seed mod 2**32, seed // 2**32)``; counter
``(element, day * 256 + stage, replicate, 0)``. One call gives four uniforms ("lanes")
for one (replicate, day, stage, element); the stages below name what each lane decides.
The last counter word is 0 for the engine and is free for other purposes (for example
training targeting), which then get streams of their own.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

# Philox4x32 constants (Salmon et al. 2011; Random123 philox.h).
_M0 = np.uint64(0xD2511F53)
_M1 = np.uint64(0xCD9E8D57)
_W0 = np.uint64(0x9E3779B9)
_W1 = np.uint64(0xBB67AE85)
_MASK = np.uint64(0xFFFFFFFF)
_S32 = np.uint64(32)
_S8 = np.uint64(8)

#: 2**-32: maps a 32-bit word to a uniform in [0, 1).
TO_UNIT = 2.0**-32

# Stages: what each of the four lanes of a counter decides.
#: Per employee and day: presence, trigger, recovery, quit.
STAGE_EMPLOYEE = 0
#: Per tie and day: contact, encounter (transmission or clash), calming, escalation.
STAGE_TIE = 1
#: Per tie and day, only for a conflict: critical share, responder.
STAGE_CONFLICT = 2
#: Per post and day of a hire: two normals (regulation, listening) by Box-Muller.
STAGE_HIRE = 3
#: Day 0, per employee: two normals (regulation, listening) by Box-Muller.
STAGE_TRAITS = 4
#: Day 0, per employee: lanes 0 and 1 rank employees for the initial upset set.
STAGE_INITIAL_UPSET = 5

#: Largest seed (the key is 64 bits).
MAX_SEED = 2**64 - 1
#: Largest replicate id, element index and day the counter layout holds.
MAX_REPLICATE = 2**32 - 1
MAX_ELEMENT = 2**32 - 1
MAX_DAY = 2**24 - 1


def key_of(seed: int) -> tuple[np.uint64, np.uint64]:
    """The two 32-bit key words of a seed (an integer in [0, 2**64))."""
    seed = int(seed)
    if not 0 <= seed <= MAX_SEED:
        raise ValueError(f"seed must be a whole number in [0, 2**64), got {seed!r}")
    return np.uint64(seed & 0xFFFFFFFF), np.uint64(seed >> 32)


@njit(inline="always", cache=True)
def philox4x32(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10: four 32-bit words from a 128-bit counter and a 64-bit key.

    Arguments and results are ``np.uint64`` holding 32-bit values. Ten rounds of two
    32x32->64-bit multiplications, as recommended by Salmon et al. (2011); the key is
    bumped by the Weyl constants between rounds.
    """
    for _ in range(10):
        p0 = _M0 * c0
        p1 = _M1 * c2
        c0 = (p1 >> _S32) ^ c1 ^ k0
        c1 = p1 & _MASK
        c2 = (p0 >> _S32) ^ c3 ^ k1
        c3 = p0 & _MASK
        k0 = (k0 + _W0) & _MASK
        k1 = (k1 + _W1) & _MASK
    return c0, c1, c2, c3


@njit(inline="always", cache=True)
def counter1(day, stage):
    """Second counter word: day and stage."""
    return (np.uint64(day) << _S8) | np.uint64(stage)


@njit(inline="always", cache=True)
def unit(word):
    """A 32-bit word as a uniform in [0, 1)."""
    # Through int64: LLVM converts signed integers to floats faster than unsigned ones.
    return np.int64(word) * TO_UNIT


@njit(inline="always", cache=True)
def unit_open(word):
    """A 32-bit word as a uniform in (0, 1), safe for a logarithm."""
    return (np.int64(word) + 0.5) * TO_UNIT


@njit(inline="always", cache=True)
def box_muller(w0, w1):
    """Two independent standard normals from two 32-bit words (Box and Muller 1958)."""
    r = math.sqrt(-2.0 * math.log(unit_open(w0)))
    theta = 2.0 * math.pi * unit(w1)
    return r * math.cos(theta), r * math.sin(theta)


@njit(cache=True)
def _uniforms(k0, k1, replicate, day, stage, elements, out):
    c1 = counter1(day, stage)
    c2 = np.uint64(replicate)
    for n in range(elements.size):
        a, b, c, d = philox4x32(np.uint64(elements[n]), c1, c2, np.uint64(0), k0, k1)
        out[n, 0] = unit(a)
        out[n, 1] = unit(b)
        out[n, 2] = unit(c)
        out[n, 3] = unit(d)


def uniforms(seed: int, replicate: int, day: int, stage: int, elements) -> np.ndarray:
    """The four lanes of uniforms of some elements, shape ``(len(elements), 4)``.

    The same numbers the engine uses for these (seed, replicate, day, stage, element).
    """
    k0, k1 = key_of(seed)
    elements = np.ascontiguousarray(elements, dtype=np.int64)
    out = np.empty((elements.size, 4))
    _uniforms(k0, k1, np.int64(replicate), np.int64(day), np.int64(stage), elements, out)
    return out


@njit(cache=True)
def _normals(k0, k1, replicate, day, stage, n, out):
    c1 = counter1(day, stage)
    c2 = np.uint64(replicate)
    for i in range(n):
        a, b, _c, _d = philox4x32(np.uint64(i), c1, c2, np.uint64(0), k0, k1)
        out[i, 0], out[i, 1] = box_muller(a, b)


def normal_pairs(seed: int, replicate: int, day: int, stage: int, n: int) -> np.ndarray:
    """Two standard normals for each element ``0..n-1``, shape ``(n, 2)`` (Box-Muller)."""
    k0, k1 = key_of(seed)
    out = np.empty((int(n), 2))
    _normals(k0, k1, np.int64(replicate), np.int64(day), np.int64(stage), np.int64(n), out)
    return out


@njit(cache=True)
def _rank_keys(k0, k1, replicate, n, out):
    c1 = counter1(0, STAGE_INITIAL_UPSET)
    c2 = np.uint64(replicate)
    for i in range(n):
        a, b, _c, _d = philox4x32(np.uint64(i), c1, c2, np.uint64(0), k0, k1)
        out[i] = (a << _S32) | b


def choose(seed: int, replicate: int, n: int, k: int) -> np.ndarray:
    """``k`` of ``n`` elements uniformly at random without replacement, sorted.

    The ``k`` elements with the smallest 64-bit keyed numbers (stage
    ``STAGE_INITIAL_UPSET``): every k-subset is equally likely, and the choice depends only
    on (seed, replicate).
    """
    k0, k1 = key_of(seed)
    ranks = np.empty(int(n), dtype=np.uint64)
    _rank_keys(k0, k1, np.int64(replicate), np.int64(n), ranks)
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    if k >= n:
        return np.arange(n, dtype=np.int64)
    return np.sort(np.argpartition(ranks, k - 1)[:k]).astype(np.int64)
