"""Tie clean-up shared by the generator, the org chart reader and from_graph."""

from conflictsim.ties import DEFAULT_CONTACT, TIE_KINDS, dedupe_edges


def test_ties_are_ordered_self_ties_dropped_and_the_first_kind_kept():
    src, dst, kind = dedupe_edges([3, 1, 2, 1, 4], [1, 3, 2, 5, 0], [0, 2, 1, 1, 3])
    assert list(zip(src.tolist(), dst.tolist(), kind.tolist(), strict=True)) == [
        (0, 4, 3),
        (1, 3, 0),  # 3-1 listed first as a team tie; the later 1-3 cross tie is dropped
        (1, 5, 1),
    ]


def test_every_kind_has_a_default_contact_chance():
    assert set(DEFAULT_CONTACT) == set(TIE_KINDS)
