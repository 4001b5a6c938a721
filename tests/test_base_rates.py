"""The default baseline meets the calibration targets of MODEL.md section 6."""

import numpy as np

import conflictsim as cs
from conflictsim.outcomes import summarise


class RudenessLog(cs.ConflictModel):
    """The Mesa model, noting each day who was on the receiving end of a conflict.

    In a conflict between an employee upset at the start of the day and a composed one,
    the composed one is treated rudely (drawn in, unless a responder stepped in); in a
    clash of two upset ones, both are. ``today["parties"]`` lists each conflict's (upset
    party, other party).
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rude = np.zeros(self.org.size, dtype=np.int64)  # days treated rudely

    def step(self):
        upset = np.array([a.upset for a in self.employees])  # at the start of the day
        super().step()
        rude = np.zeros(self.org.size, dtype=bool)
        for u, other in self.today["parties"]:
            assert upset[u]
            rude[other] = True
            rude[u] |= upset[other]  # a clash: both were treated rudely
        self.rude += rude


def test_baseline_office_meets_the_published_base_rates():
    org = cs.Organisation.generate(500, "office", seed=1)
    scn = cs.Scenario(org, days=100)
    hours, weekly, party = [], [], []
    for seed in range(3):
        model = RudenessLog(scn, rng=seed)
        rude_before = np.zeros(org.size)
        party_before = np.zeros(org.size)
        for week in range(20):
            model.run_for(5)
            if week >= 4:  # past the start-up transient
                weekly.append(np.mean(model.rude > rude_before))
                party.append(np.mean(model.employee_conflicts > party_before))
            rude_before = model.rude.copy()
            party_before = model.employee_conflicts
        hours.append(summarise(model.daily_frame(), scn)["hours_per_employee_week"])
    # CPP 2008: 2.8 hours per employee per week in the US, 2.1 globally.
    assert 2.1 <= np.mean(hours) <= 3.5, hours
    # Porath & Pearson 2013: about half treated rudely at least weekly. Counted here: the
    # share of employees who, in a week, were drawn into a conflict by an upset colleague
    # or clashed with one while upset themselves (not those who only drew others in).
    assert 0.35 <= np.mean(weekly) <= 0.65, np.mean(weekly)
    # Those who only drew others in are not counted: fewer than were party to a conflict.
    assert np.mean(weekly) < np.mean(party) - 0.02, (np.mean(weekly), np.mean(party))
