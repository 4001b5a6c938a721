"""The fast engine's counter-based random numbers (``conflictsim.engine.philox``)."""

import numpy as np
import pytest
from numba import njit
from scipy import stats

from conflictsim.engine import philox as crng

# ---------------------------------------------------------------------------- the RNG
# Random123's known-answer vectors for Philox4x32-10 (counter, key, result).
KAT = [
    ((0, 0, 0, 0), (0, 0), (0x6627E8D5, 0xE169C58D, 0xBC57AC4C, 0x9B00DBD8)),
    ((2**32 - 1,) * 4, (2**32 - 1,) * 2, (0x408F276D, 0x41C83B0E, 0xA20BC7C6, 0x6D5451FD)),
    (
        (0x243F6A88, 0x85A308D3, 0x13198A2E, 0x03707344),
        (0xA4093822, 0x299F31D0),
        (0xD16CFE09, 0x94FDCCEB, 0x5001E420, 0x24126EA1),
    ),
]


@njit
def _philox(c0, c1, c2, c3, k0, k1):
    return crng.philox4x32(c0, c1, c2, c3, k0, k1)


@pytest.mark.parametrize("ctr, key, expected", KAT)
def test_philox_known_answers(ctr, key, expected):
    out = _philox(*(np.uint64(x) for x in ctr), *(np.uint64(x) for x in key))
    assert tuple(int(x) for x in out) == expected


@pytest.fixture(scope="module")
def uniforms():
    return crng.uniforms(12345, 0, 1, crng.STAGE_TIE, np.arange(250_000))


def test_uniforms_have_the_moments_of_a_uniform(uniforms):
    u = uniforms.ravel()
    assert ((u >= 0) & (u < 1)).all()
    n = u.size
    assert abs(u.mean() - 0.5) < 4.5 * np.sqrt(1 / 12 / n)
    assert abs(u.var() - 1 / 12) < 4.5 * np.sqrt(1 / 180 / n)  # var of (u-1/2)^2 is 1/180


def test_uniforms_pass_a_chi_square_over_bins(uniforms):
    for lane in range(4):
        counts = np.bincount((uniforms[:, lane] * 100).astype(int), minlength=100)
        _, pvalue = stats.chisquare(counts)
        assert pvalue > 1e-4, lane


def test_consecutive_counters_and_lanes_are_uncorrelated(uniforms):
    n = uniforms.shape[0]
    limit = 4.5 / np.sqrt(n)
    for lane in range(4):
        x = uniforms[:, lane]
        assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < limit
    for a in range(4):
        for b in range(a + 1, 4):
            assert abs(np.corrcoef(uniforms[:, a], uniforms[:, b])[0, 1]) < limit


@pytest.mark.parametrize(
    "other",
    [(12345, 1, 1, crng.STAGE_TIE), (12345, 0, 2, crng.STAGE_TIE), (12346, 0, 1, crng.STAGE_TIE),
     (12345, 0, 1, crng.STAGE_EMPLOYEE)],
    ids=["replicate", "day", "seed", "stage"],
)  # fmt: skip
def test_streams_are_independent(uniforms, other):
    v = crng.uniforms(*other, np.arange(uniforms.shape[0]))
    limit = 4.5 / np.sqrt(uniforms.shape[0])
    for lane in range(4):
        assert abs(np.corrcoef(uniforms[:, lane], v[:, lane])[0, 1]) < limit
    # Jointly uniform: a chi-square over a 10 x 10 grid of pairs.
    grid = np.histogram2d(uniforms[:, 0], v[:, 0], bins=10, range=[[0, 1], [0, 1]])[0]
    _, pvalue = stats.chisquare(grid.ravel())
    assert pvalue > 1e-4


def test_box_muller_gives_standard_normals():
    z = crng.normal_pairs(7, 3, 0, crng.STAGE_TRAITS, 100_000)
    for col in range(2):
        assert stats.kstest(z[:, col], "norm").pvalue > 1e-4
    assert abs(np.corrcoef(z[:, 0], z[:, 1])[0, 1]) < 4.5 / np.sqrt(z.shape[0])


def test_seeds_outside_64_bits_are_refused():
    with pytest.raises(ValueError, match="seed"):
        crng.key_of(-1)
    with pytest.raises(ValueError, match="seed"):
        crng.key_of(2**64)
