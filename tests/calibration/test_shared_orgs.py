"""Every real workplace network of ../shared/data/orgs, calibrated to the published targets,
simulates within the target band (CPP 2008: 2.1-2.8 conflict hours per employee per week).

With the uncalibrated defaults these networks give 4.7 to 9.4 hours (data/orgs/README.md):
the calibration, not the defaults, anchors each organisation.
"""

from pathlib import Path

import numpy as np
import pytest

import conflictsim as cs

ORGS = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "orgs"
BAND = (2.1, 2.8)


def shared_org(name: str) -> cs.Organisation:
    folder = ORGS / name
    if not folder.is_dir():
        pytest.skip(f"{folder} is not here (CI has ../shared beside the project)")
    return cs.Organisation.from_csv(folder / "org.csv", edges=folder / "edges.csv")


@pytest.mark.parametrize("name", ["krackhardt_hightech", "lazega_lawfirm", "sociopatterns_InVS15"])
def test_a_real_network_calibrated_to_published_targets_lands_in_the_band(name):
    org = shared_org(name)
    default = cs.simulate(cs.Scenario(org), 20, seed=1, record_teams=False)
    before = default.summary.hours_per_employee_week.mean()
    cal = cs.calibrate(org, seed=1, draws=60, progress=False)
    after = cs.simulate(cs.Scenario(org), len(cal), seed=2, calibration=cal, record_teams=False)
    hours = after.summary.hours_per_employee_week.to_numpy()
    assert cal.converged
    # The schedule never went below epsilon 1, and stopped at 1 exactly.
    schedule = [g["epsilon"] for g in cal.meta["generations"]]
    assert min(schedule) == schedule[-1] == 1.0
    # Fresh simulations of the sets, over the whole year (day 0 included): the mean is in
    # the band, within the 10% the issue allows for a year's start-up and chance.
    assert BAND[0] * 0.9 <= hours.mean() <= BAND[1] * 1.1, (before, hours.mean())
    assert not BAND[0] * 0.9 <= before <= BAND[1] * 1.1  # the defaults were off
    # One year of 21 people is noisy, so single sets scatter widely; their median, too,
    # lies in the band.
    assert BAND[0] * 0.9 <= np.median(hours) <= BAND[1] * 1.1, np.median(hours)
