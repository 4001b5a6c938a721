"""A numpy-only prototype of the engine's day, to measure whether numba pays.

The same rules and the same counter-based random numbers as ``conflictsim.engine`` (one
replicate, no responders), written with whole-array numpy operations: every day scans
every tie. It gives the very same numbers as the engine (``benchmarks/run.py`` checks
this), so the comparison is like for like. Not used by the package.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from conflictsim.engine.driver import _initial_state
from conflictsim.engine.philox import (
    STAGE_CONFLICT,
    STAGE_EMPLOYEE,
    STAGE_HIRE,
    STAGE_TIE,
    key_of,
)
from conflictsim.scenario import Scenario

M0, M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)
W0, W1 = np.uint64(0x9E3779B9), np.uint64(0xBB67AE85)
MASK, S32 = np.uint64(0xFFFFFFFF), np.uint64(32)


def philox(c0, c1, c2, c3, k0, k1):
    """Philox4x32-10 on uint64 arrays (values below 2**32)."""
    c0 = np.asarray(c0, dtype=np.uint64)
    c1, c2, c3 = (np.broadcast_to(np.uint64(c), c0.shape) for c in (c1, c2, c3))
    for _ in range(10):
        p0 = M0 * c0
        p1 = M1 * c2
        c0, c1, c2, c3 = (p1 >> S32) ^ c1 ^ k0, p1 & MASK, (p0 >> S32) ^ c3 ^ k1, p0 & MASK
        k0 = (k0 + W0) & MASK
        k1 = (k1 + W1) & MASK
    return c0, c1, c2, c3


def unit(w):
    return w.astype(np.int64) * 2.0**-32


def counter1(day, stage):
    return (day << 8) | stage


def simulate_numpy(scn: Scenario, seed: int = 1, replicate: int = 0) -> pd.DataFrame:
    """One replicate's daily table (``upset, conflicts, ..., vacant``), numpy only."""
    org, p, days = scn.org, scn.params, scn.days
    if scn.programmes:
        raise NotImplementedError("programmes")
    k0, k1 = key_of(seed)
    st = _initial_state(scn, seed, np.array([replicate]), None)
    n = org.size
    src, dst = org.edge_src.astype(np.int64), org.edge_dst.astype(np.int64)
    prob = org.edge_prob.astype(float)
    up = st.upset[0].astype(bool)
    strain = st.strain[0].copy()
    vacant_until = st.vacant_until[0].astype(np.int64)
    z_reg, z_lis = st.z_reg[0].copy(), st.z_lis[0].copy()
    reg, lis = st.reg[0].copy(), st.lis[0].copy()
    cust = org.customer_facing.astype(bool)
    griev = np.zeros(org.n_edges)
    gday = np.zeros(org.n_edges, dtype=np.int64)
    decay_pow = (1 - p.grievance_decay) ** np.arange(days + 1)
    rep = np.uint64(replicate)
    ids = np.arange(n, dtype=np.uint64)
    zero = dict.fromkeys(("conflicts", "conflicts_minor", "conflicts_major",
                          "conflicts_critical", "absent", "quits", "vacant"), 0)  # fmt: skip
    rows = [dict(upset=int(up.sum()), conflict_hours=0.0, **zero)]

    def derived():
        rate = p.trigger * np.where(cust, p.customer_multiplier, 1.0)
        trig_p = rate * (1 - p.regulation_shield * reg)
        rec_p = p.recovery * (1 + p.regulation_recovery * reg)
        sus = p.transmission * (1 - p.listening_shield * lis) * (1 - p.regulation_shield * reg)
        return trig_p, rec_p, sus, p.listening_calm * lis

    trig_p, rec_p, sus, calm_p = derived()
    for day in range(1, days + 1):
        w = philox(ids, counter1(day, STAGE_EMPLOYEE), rep, 0, k0, k1)
        in_post = vacant_until < 0
        s = strain
        present = in_post & (
            unit(w[0]) >= p.absence_base + p.absence_strain * s / (s + p.strain_scale)
        )
        triggered = present & ~up & (unit(w[1]) < trig_p)
        recovered = up & (unit(w[2]) < rec_p)
        quits = in_post & (unit(w[3]) < p.quit_base + p.quit_strain * s / (s + p.strain_scale))

        # Every tie: those with an upset end and both ends present.
        ua, ub = up[src], up[dst]
        e = np.flatnonzero((ua | ub) & present[src] & present[dst])
        ua, ub = ua[e], ub[e]
        a, b = src[e], dst[e]
        x, y = np.where(ua, a, b), np.where(ua, b, a)
        uu = ua & ub
        w = philox(e.astype(np.uint64), counter1(day, STAGE_TIE), rep, 0, k0, k1)
        met = np.ones(e.size, bool) if p.contact_certain else unit(w[0]) < prob[e]
        g = griev[e] * decay_pow[day - 1 - gday[e]] if p.grievance_weight > 0 else np.zeros(e.size)
        thr = np.where(uu, p.clash, sus[y] * (1 + p.grievance_weight * g))
        conflict = met & (unit(w[1]) < thr)
        calmed = met & ~uu & ~conflict & (unit(w[2]) < calm_p[y])
        c = np.flatnonzero(conflict)
        xc, yc, ec, gc = x[c], y[c], e[c], g[c]
        p_esc = p.escalation * (1 - np.maximum(reg[xc], reg[yc])) * (1 + p.grievance_weight * gc)
        severity = np.zeros(c.size, dtype=np.int64)
        esc = np.flatnonzero(unit(w[3][c]) < p_esc)
        v = philox(ec[esc].astype(np.uint64), counter1(day, STAGE_CONFLICT), rep, 0, k0, k1)
        severity[esc] = np.where(unit(v[0]) < p.critical_share, 2, 1)
        drawn = np.zeros(n, bool)
        drawn[yc[~uu[c]]] = True
        calm_x = np.zeros(n, bool)
        calm_x[x[calmed]] = True
        if p.grievance_weight > 0:
            griev[ec] = gc * (1 - p.grievance_decay) + 1
            gday[ec] = day
        n_sev = np.bincount(severity, minlength=3)

        # Apply together; strain, quits, hires.
        new = np.where(up, ~(recovered | calm_x), triggered | drawn)
        strain = np.where(in_post, np.where(up, s + 1, s * (1 - p.strain_decay)), s)
        up = np.where(in_post, new, up)
        q = np.flatnonzero(quits)
        vacant_until[q] = day + p.vacancy_days
        up[q] = False
        strain[q] = 0.0
        if p.grievance_weight > 0 and q.size:
            gone = np.isin(src, q) | np.isin(dst, q)
            griev[gone] = 0.0
        hire = np.flatnonzero((vacant_until >= 0) & (vacant_until <= day))
        if hire.size:
            h = philox(hire.astype(np.uint64), counter1(day, STAGE_HIRE), rep, 0, k0, k1)
            r = np.sqrt(-2.0 * np.log((h[0].astype(np.int64) + 0.5) * 2.0**-32))
            theta = 2.0 * np.pi * unit(h[1])
            z_reg[hire] = p.regulation_mean + p.regulation_sd * (r * np.cos(theta))
            z_lis[hire] = p.listening_mean + p.listening_sd * (r * np.sin(theta))
            reg[hire] = 1.0 / (1.0 + np.exp(-z_reg[hire]))
            lis[hire] = 1.0 / (1.0 + np.exp(-z_lis[hire]))
            up[hire] = False
            strain[hire] = 0.0
            vacant_until[hire] = -1
            trig_p, rec_p, sus, calm_p = derived()
        rows.append(
            dict(
                upset=int(up.sum()),
                conflicts=int(n_sev.sum()),
                conflicts_minor=int(n_sev[0]),
                conflicts_major=int(n_sev[1]),
                conflicts_critical=int(n_sev[2]),
                absent=int((in_post & ~present).sum()),
                quits=int(q.size),
                conflict_hours=2
                * (
                    n_sev[0] * p.hours_minor
                    + n_sev[1] * p.hours_major
                    + n_sev[2] * p.hours_critical
                ),  # fmt: skip
                vacant=int((vacant_until >= 0).sum()),
            )
        )
    columns = ["upset", "conflicts", "conflicts_minor", "conflicts_major", "conflicts_critical",
               "absent", "quits", "conflict_hours", "vacant"]  # fmt: skip
    df = pd.DataFrame(rows)[columns]
    df.insert(0, "day", range(len(df)))
    return df
