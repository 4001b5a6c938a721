"""The training schedule both simulators call: waves, refreshers and the hotspot window."""

import numpy as np
import pytest

import conflictsim as cs


def test_lead_in_window_is_the_days_up_to_and_including_the_start():
    prog = cs.Training("deescalation", target="hotspots", start_day=5, lead_in_days=3)
    history = np.arange(8 * 2).reshape(8, 2) ** 2  # day d, team t: distinct numbers
    # Days 3, 4 and 5 (the start day's conflicts come before its sessions).
    assert prog.lead_in_conflicts(history).tolist() == history[3:6].sum(axis=0).tolist()
    # A lead-in longer than the days so far starts at day 0.
    long = cs.Training("deescalation", target="hotspots", start_day=2, lead_in_days=10)
    assert long.lead_in_conflicts(history).tolist() == history[:3].sum(axis=0).tolist()
    assert cs.Training("deescalation", start_day=5).lead_in_conflicts(history) is None


def test_waves_and_refreshers_fall_on_their_days():
    prog = cs.Training("active_listening", start_day=3, waves=3, wave_interval=4,
                       refresher_days=10)  # fmt: skip
    assert [prog.wave_on(d, 20) for d in range(13)] == [
        None, None, None, 0, None, None, None, 1, None, None, None, 2, None
    ]  # fmt: skip
    assert prog.wave_on(11, 11) is None  # a wave on or after the horizon is not held
    last = np.array([np.nan, 3.0, 7.0, 5.0])
    assert prog.refresher_due(13, last, 20).tolist() == [False, True, False, False]
    assert prog.refresher_due(17, last, 20).tolist() == [False, False, True, False]
    assert not prog.refresher_due(17, last, 17).any()  # none on the horizon's last day
    assert not cs.Training("active_listening").refresher_due(13, last, 20).any()


@pytest.mark.parametrize("share, group, expected", [(0.5, 9, 4), (0.55, 9, 5), (0.3, 10, 3),
                                                    (0.25, 10, 2), (0.35, 10, 4)])  # fmt: skip
def test_coverage_is_rounded_to_the_nearest_person(share, group, expected):
    import networkx as nx

    org = cs.Organisation.from_graph(nx.empty_graph(group))
    prog = cs.Training("deescalation", coverage=share)
    assert prog.planned_headcount(org, cs.Params(), 250) == expected
