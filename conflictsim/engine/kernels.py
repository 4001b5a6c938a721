"""The fast engine's numba kernels: one day of every replicate, on arrays.

The daily process of MODEL.md section 3 with the Mesa model's expressions
(``conflictsim.model``), so probabilities agree to the last bit; the docking tests
(tests/test_docking.py) hold the two simulators together. The driver
(``conflictsim.engine.driver``) owns the state and calls ``step_days`` for the days from one
training session to the next (all days when there is no training).

Layout of a day (``step_day``), per replicate:

0. ``training_effects`` (with training): the traits of those trained and the responder
   strengths in force today;
1. ``_employees``: one Philox block per employee (presence, trigger, recovery, quit) and
   the decisions, in one branch-free loop that LLVM vectorises (AVX2/AVX-512);
2. ``_gather_row``: the ties of upset, present employees (each tie once) with the
   thresholds their uniforms are compared with, into small buffers; ``_screen`` computes
   their Philox blocks and comparisons vectorised, and ``_encounters`` processes the few
   that lead to a conflict or a calming (steps 4-6, grievance, counts);
3. ``_apply``: the day's changes together (synchronous update), strain, quits, hires.

Grievance is kept per (replicate, tie) as float32 with the day it was last written, and
decayed lazily when read (``g * (1 - decay) ** days``), so no pass over all ties is made
each day; with ``grievance_weight = 0`` it is not stored at all.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from conflictsim.engine.philox import (
    STAGE_CONFLICT,
    STAGE_EMPLOYEE,
    STAGE_HIRE,
    STAGE_TIE,
    box_muller,
    counter1,
    philox4x32,
    unit,
)
from conflictsim.outcomes import DAILY_COLUMNS

#: Columns of ``Results.daily`` after ``replicate`` and ``day``.
COLUMNS = (*DAILY_COLUMNS, "vacant")
_UPSET, _CONFLICTS, _MINOR, _MAJOR, _CRITICAL, _ABSENT, _QUITS, _HOURS, _VACANT = range(9)

# Indices into the kernel's parameter vector.
(
    _ABS_BASE,
    _ABS_STRAIN,
    _STRAIN_SCALE,
    _TRIGGER,
    _CUST_MULT,
    _REG_SHIELD,
    _TRANS,
    _LIS_SHIELD,
    _CALM,
    _CLASH,
    _ESC,
    _CRIT,
    _GW,
    _GDECAY,
    _RESP,
    _RECOVERY,
    _REG_RECOVERY,
    _STRAIN_DECAY,
    _QUIT_BASE,
    _QUIT_STRAIN,
    _H_MINOR,
    _H_MAJOR,
    _H_CRITICAL,
    _REG_MEAN,
    _REG_SD,
    _LIS_MEAN,
    _LIS_SD,
) = range(27)
#: Parameters the kernels read, in the order of the parameter vector.
PARAM_NAMES = (
    "absence_base",
    "absence_strain",
    "strain_scale",
    "trigger",
    "customer_multiplier",
    "regulation_shield",
    "transmission",
    "listening_shield",
    "listening_calm",
    "clash",
    "escalation",
    "critical_share",
    "grievance_weight",
    "grievance_decay",
    "responder_success",
    "recovery",
    "regulation_recovery",
    "strain_decay",
    "quit_base",
    "quit_strain",
    "hours_minor",
    "hours_major",
    "hours_critical",
    "regulation_mean",
    "regulation_sd",
    "listening_mean",
    "listening_sd",
)

# Per-employee flags of a day (one byte each).
_PRESENT, _TRIGGERED, _RECOVERED, _QUITS_F, _CALMED, _DRAWN_IN, _UPSET0 = 1, 2, 4, 8, 16, 32, 64

#: Ties gathered before they are screened and processed (buffers stay in L1/L2 cache).
BUFFER = 1024

# ---------------------------------------------------------------------------- kernels
# error_model="numpy": no ZeroDivisionError checks, whose branches stop LLVM from
# vectorising loops (no divisor here can be zero: strain_scale > 0).
_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


@njit(inline="always", **_JIT)
def _logistic(z):
    return 1.0 / (1.0 + math.exp(-z))


@njit(inline="always", **_JIT)
def _derive(par, cust, reg, lis, r, i, trig_p, rec_p, enc):
    """Per-employee probabilities that depend only on traits, as model.py computes them.

    ``enc[r, i]`` holds the two an encounter needs of the composed party (chance of being
    drawn in before grievance, chance of calming), side by side for one cache line.
    """
    rate = par[_TRIGGER] * (par[_CUST_MULT] if cust[i] else 1.0)
    trig_p[r, i] = rate * (1 - par[_REG_SHIELD] * reg[r, i])
    rec_p[r, i] = par[_RECOVERY] * (1 + par[_REG_RECOVERY] * reg[r, i])
    enc[r, i, 0] = (
        par[_TRANS] * (1 - par[_LIS_SHIELD] * lis[r, i]) * (1 - par[_REG_SHIELD] * reg[r, i])
    )
    enc[r, i, 1] = par[_CALM] * lis[r, i]


@njit(**_JIT)
def initial_traits(par, cust, z_reg, z_lis, reg, lis, trig_p, rec_p, enc):
    """Day 0's traits, ``logistic(z)``, and the probabilities derived from them.

    ``par`` holds one parameter vector per replicate, shape (replicates, parameters).
    """
    n_rep, n = z_reg.shape
    for r in range(n_rep):
        for i in range(n):
            reg[r, i] = _logistic(z_reg[r, i])
            lis[r, i] = _logistic(z_lis[r, i])
            _derive(par[r], cust, reg, lis, r, i, trig_p, rec_p, enc)


@njit(**_JIT)
def training_effects(
    r, day, par, cust, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength, t_weight, t_ref,
    t_active, t_resp, t_remaining, t_shift, override, has_override,
):  # fmt: skip
    """Training in force on ``day`` in replicate ``r``: shifted traits, responder strengths.

    From ``Rollout.kernel_tables``: the share left of programme ``k`` is
    ``remaining[k, day - ref[k]] * weight[r, k, i]``; the latent shifts add up over
    programmes and the strength is the largest share left of a responder programme (or
    the tests' ``override``). Only shifted posts are recomputed: the others'
    traits were set without a shift (day 0, or at hire) and training leaves with the
    person (``_apply`` zeroes a quitter's weights).
    """
    for i in range(z_reg.shape[1]):
        s_reg, s_lis, s = 0.0, 0.0, 0.0
        for k in range(t_ref.size):
            if not t_active[k]:
                continue  # nobody trained yet
            left = t_remaining[k, day - t_ref[k]] * t_weight[r, k, i]
            s_reg += t_shift[r, k, 0] * left
            s_lis += t_shift[r, k, 1] * left
            if t_resp[k]:
                s = max(s, left)
        if has_override:
            s = max(s, override[r, i])
        strength[r, i] = s
        if s_reg != 0.0 or s_lis != 0.0:
            reg[r, i] = _logistic(z_reg[r, i] + s_reg)
            lis[r, i] = _logistic(z_lis[r, i] + s_lis)
            _derive(par, cust, reg, lis, r, i, trig_p, rec_p, enc)


@njit(**_JIT)
def _employees(c1, c2, k0, k1, par, upset, strain, vacant_until, trig_p, rec_p, flags):
    """Steps 1, 2, 7 and the quit draw of 8 for every employee of one replicate.

    One Philox block per employee (presence, trigger, recovery, quit), in the same loop as
    the decisions, written without branches so that LLVM vectorises it. Returns the
    number absent.
    """
    zero = np.uint64(0)
    abs_base, abs_strain, scale = par[_ABS_BASE], par[_ABS_STRAIN], par[_STRAIN_SCALE]
    quit_base, quit_strain = par[_QUIT_BASE], par[_QUIT_STRAIN]
    absent = 0
    for i in range(upset.size):
        w0, w1, w2, w3 = philox4x32(np.uint64(i), c1, c2, zero, k0, k1)
        in_post = vacant_until[i] < 0
        up = upset[i] != 0
        s = strain[i]
        # The same expressions as model.py, so probabilities agree to the last bit.
        p_absent = abs_base + abs_strain * s / (s + scale)
        p_quit = quit_base + quit_strain * s / (s + scale)
        present = in_post & (unit(w0) >= p_absent)
        triggered = present & (not up) & (unit(w1) < trig_p[i])
        recovered = up & (unit(w2) < rec_p[i])
        quits = in_post & (unit(w3) < p_quit)
        flags[i] = (
            np.uint8(present) * np.uint8(_PRESENT)
            | np.uint8(triggered) * np.uint8(_TRIGGERED)
            | np.uint8(recovered) * np.uint8(_RECOVERED)
            | np.uint8(quits) * np.uint8(_QUITS_F)
            | np.uint8(up) * np.uint8(_UPSET0)
        )
        absent += np.int64(in_post & (not present))
    return absent


@njit(inline="always", **_JIT)
def _gather_row(
    i, m, day, certain, use_grievance, clash, gw, flags, indptr, nb, eid, padj, enc, griev,
    griev_day, decay_pow, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm,
):  # fmt: skip
    """Append the ties of upset, present employee ``i`` that can matter today.

    A tie counts if its other end is present; a tie between two upset employees is taken
    from its lower end only. For each: its index, its upset end ``i``, its other end ``j``
    and the thresholds its uniforms are compared with (contact, conflict, calming), so
    that ``_screen`` compares them vectorised. Compaction without branches (write, then
    advance by the condition): the conditions are unpredictable. Returns the new count.
    """
    for k in range(indptr[i], indptr[i + 1]):
        j = nb[k]
        e = eid[k]
        fj = flags[j]
        both_upset = (fj & _UPSET0) != 0
        g = 0.0
        if use_grievance:
            g = griev[e] * decay_pow[day - 1 - griev_day[e]]
        cand_e[m] = e
        cand_i[m] = i
        cand_j[m] = j
        thr_met[m] = 1.0 if certain else padj[k]
        # model.py's expressions: clash for two upset, else the composed one's chance.
        thr_conflict[m] = clash if both_upset else enc[j, 0] * (1 + gw * g)
        thr_calm[m] = 0.0 if both_upset else enc[j, 1]
        m += np.int64(((fj & _PRESENT) != 0) & ((not both_upset) | (j > i)))
    return m


@njit(**_JIT)
def _screen(m, c1, c2, k0, k1, cand_e, thr_met, thr_conflict, thr_calm, hit, u_escalate):
    """What each gathered tie leads to today: ``hit`` 0 nothing, 1 a calming, 2 a conflict.

    One Philox block per tie and three comparisons, contiguous and without branches, so
    LLVM vectorises it (about 2 ns a tie). Lanes: 0 contact, 1 encounter, 2 calming,
    3 escalation, kept in ``u_escalate`` so that no block is computed twice.
    """
    zero = np.uint64(0)
    for q in range(m):
        w0, w1, w2, w3 = philox4x32(np.uint64(cand_e[q]), c1, c2, zero, k0, k1)
        met = unit(w0) < thr_met[q]
        conflict = met & (unit(w1) < thr_conflict[q])
        calming = met & (not conflict) & (unit(w2) < thr_calm[q])
        hit[q] = np.uint8(conflict) * np.uint8(2) + np.uint8(calming)
        u_escalate[q] = unit(w3)


@njit(inline="always", **_JIT)
def _met(e, p, certain, c1_tie, c2, k0, k1):
    """Whether tie ``e`` was an active contact today (step 3; both ends present)."""
    if certain:
        return True
    w0, _w1, _w2, _w3 = philox4x32(np.uint64(e), c1_tie, c2, np.uint64(0), k0, k1)
    return unit(w0) < p


@njit(**_JIT)
def _encounters(
    r, m, day, c1_tie, c1_con, c2, k0, k1, par, use_grievance, use_responders,
    record_teams, indptr, nb, eid, padj, certain, team, reg, strength, griev, griev_day,
    decay_pow, flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit,
    u_escalate, n_sev, team_daily, emp_conf, edge_conf, record_incidents, incident_daily, rude_week,
    rude_weekly,
):  # fmt: skip
    """Steps 4-6 on ``m`` gathered ties: encounters, severity, responders, grievance.

    Besides the counts, each conflict is noted where a record of it would be kept: at the
    team of the party on the receiving end (``incident_daily``, by severity), and that
    party as treated rudely this week (both parties of a clash; ``rude_weekly`` counts
    each employee once a week), for the calibration targets (docs/calibration.md).
    """
    zero = np.uint64(0)
    esc, crit, gw, resp = par[_ESC], par[_CRIT], par[_GW], par[_RESP]
    g_keep = 1 - par[_GDECAY]
    _screen(m, c1_tie, c2, k0, k1, cand_e, thr_met, thr_conflict, thr_calm, hit, u_escalate)
    for q in range(m):
        outcome = hit[q]
        if outcome == 0:
            continue
        e, x, y = cand_e[q], cand_i[q], cand_j[q]  # x is upset
        # 4. Encounter, by start-of-day states: a conflict, or else a calming.
        if outcome == 1:
            flags[x] |= np.uint8(_CALMED)
            continue
        g = 0.0
        if use_grievance:
            g = griev[e] * decay_pow[day - 1 - griev_day[e]]
        newly = -1 if flags[y] & _UPSET0 else y
        # 5. Severity: the calmer party's regulation keeps it from escalating.
        severity = 0
        have_block = False
        v0, v1 = zero, zero
        p_escalate = esc * (1 - max(reg[x], reg[y])) * (1 + gw * g)
        if u_escalate[q] < p_escalate:
            v0, v1, _v2, _v3 = philox4x32(np.uint64(e), c1_con, c2, zero, k0, k1)
            have_block = True
            severity = 2 if unit(v0) < crit else 1
        # 6. Responders: the strongest one who met either party today (step 3's
        # contact draw of their tie, recomputed: a tie's block depends on the tie alone).
        # Strengths are at most 1, so a draw at or above responder_success fails whoever
        # met them: the search is made only when it can matter (the same numbers).
        u_respond = 1.0  # without responders none can succeed
        if use_responders:
            if not have_block:
                v0, v1, _v2, _v3 = philox4x32(np.uint64(e), c1_con, c2, zero, k0, k1)
            u_respond = unit(v1)
        if u_respond < resp:
            best = 0.0
            for k in range(indptr[x], indptr[x + 1]):
                j = nb[k]
                if (
                    strength[j] > best
                    and j != y
                    and (flags[j] & _PRESENT)
                    and _met(eid[k], padj[k], certain, c1_tie, c2, k0, k1)
                ):
                    best = strength[j]
            for k in range(indptr[y], indptr[y + 1]):
                j = nb[k]
                if (
                    strength[j] > best
                    and j != x
                    and (flags[j] & _PRESENT)
                    and _met(eid[k], padj[k], certain, c1_tie, c2, k0, k1)
                ):
                    best = strength[j]
            if best > 0 and u_respond < resp * best:
                severity = max(severity - 1, 0)
                newly = -1  # the drawn-in party stays composed
        if newly >= 0:
            flags[newly] |= np.uint8(_DRAWN_IN)
        n_sev[severity] += 1
        emp_conf[r, x] += 1
        emp_conf[r, y] += 1
        edge_conf[r, e] += 1
        if record_teams:
            team_daily[r, day, team[x]] += 1
            team_daily[r, day, team[y]] += 1
        if record_incidents:
            incident_daily[r, day, team[y], severity] += 1
        # Treated rudely: the composed party drawn in (responder or not), or both in a clash.
        week = (day - 1) // 5
        if rude_week[r, y] != week:
            rude_week[r, y] = week
            rude_weekly[r, week] += 1
        if (flags[y] & _UPSET0) and rude_week[r, x] != week:
            rude_week[r, x] = week
            rude_weekly[r, week] += 1
        if use_grievance:
            # End of day: decay, then this conflict adds 1 (a tie meets once a day).
            griev[e] = g * g_keep + 1
            griev_day[e] = day


@njit(**_JIT)
def step_day(
    day, k0, k1, rep_ids, par, vacancy_days, certain, use_grievance, use_responders,
    record_teams, indptr, nb, eid, padj, team, cust, decay_pow, upset, strain,
    vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength, griev,
    griev_day, flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, u_escalate,
    daily, team_daily, emp_conf, edge_conf,
    record_incidents, incident_daily, rude_week, rude_weekly,
    training, t_weight, t_ref, t_active, t_resp, t_remaining, t_shift, override, has_override,
):  # fmt: skip
    """One day of every replicate (MODEL.md section 3, docs/ODD.md section 3.3).

    ``par`` holds one parameter vector per replicate (replicates, parameters) and
    ``decay_pow`` one row of grievance decay powers per replicate, so replicates may run
    different parameter sets (a calibration's) in one call. With ``training``, the day
    starts with the training in force (``training_effects``, from ``Rollout``'s tables).
    """
    n_rep, n = upset.shape
    c1_emp = counter1(day, STAGE_EMPLOYEE)
    c1_tie = counter1(day, STAGE_TIE)
    c1_con = counter1(day, STAGE_CONFLICT)
    c1_hire = counter1(day, STAGE_HIRE)
    # Ties are gathered into small buffers (in cache), flushed once _BUFFER are held;
    # the buffers have room for one more employee's ties.
    flush_at = BUFFER
    both = np.uint8(_PRESENT | _UPSET0)
    n_sev = np.zeros(3, dtype=np.int64)
    for r in range(n_rep):
        c2 = np.uint64(rep_ids[r])
        par_r, dp_r = par[r], decay_pow[r]
        clash, gw = par_r[_CLASH], par_r[_GW]
        g_r, gd_r, reg_r, enc_r, strength_r = griev[r], griev_day[r], reg[r], enc[r], strength[r]
        if training:
            training_effects(
                r, day, par_r, cust, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength,
                t_weight, t_ref, t_active, t_resp, t_remaining, t_shift, override, has_override,
            )  # fmt: skip
        # 1, 2, 7 and the quit draw of 8.
        daily[r, day, _ABSENT] = _employees(
            c1_emp, c2, k0, k1, par_r, upset[r], strain[r], vacant_until[r], trig_p[r], rec_p[r],
            flags,
        )  # fmt: skip
        # 3-6. Ties that can matter today (an upset end, both ends present), screened
        # for a conflict or a calming; only those are processed one by one.
        n_sev[:] = 0
        m = 0
        for i in range(n):
            if (flags[i] & both) != both:
                continue
            m = _gather_row(
                i, m, day, certain, use_grievance, clash, gw, flags, indptr, nb, eid, padj,
                enc_r, g_r, gd_r, dp_r, cand_e, cand_i, cand_j, thr_met, thr_conflict,
                thr_calm,
            )  # fmt: skip
            if m >= flush_at:
                _encounters(
                    r, m, day, c1_tie, c1_con, c2, k0, k1, par_r, use_grievance, use_responders,
                    record_teams, indptr, nb, eid, padj, certain, team, reg_r, strength_r, g_r,
                    gd_r, dp_r,
                    flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit,
                    u_escalate, n_sev, team_daily, emp_conf, edge_conf,
                    record_incidents, incident_daily,
                    rude_week, rude_weekly,
                )  # fmt: skip
                m = 0
        _encounters(
            r, m, day, c1_tie, c1_con, c2, k0, k1, par_r, use_grievance, use_responders,
            record_teams, indptr, nb, eid, padj, certain, team, reg_r, strength_r, g_r, gd_r,
            dp_r, flags,
            cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, u_escalate, n_sev,
            team_daily, emp_conf, edge_conf,
            record_incidents, incident_daily, rude_week, rude_weekly,
        )  # fmt: skip
        daily[r, day, _CONFLICTS] = n_sev.sum()
        daily[r, day, _MINOR] = n_sev[0]
        daily[r, day, _MAJOR] = n_sev[1]
        daily[r, day, _CRITICAL] = n_sev[2]
        # From counts, so the total does not depend on the order conflicts were met.
        daily[r, day, _HOURS] = 2 * (
            n_sev[0] * par_r[_H_MINOR] + n_sev[1] * par_r[_H_MAJOR] + n_sev[2] * par_r[_H_CRITICAL]
        )  # fmt: skip

        # Apply the day's changes together; 8. strain, quits, hires.
        _apply(
            r, day, c1_hire, c2, k0, k1, par_r, vacancy_days, use_grievance, indptr, eid, cust,
            flags, upset, strain, vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p,
            rec_p, enc, strength, g_r, daily, t_weight, override, has_override,
        )  # fmt: skip


@njit(**_JIT)
def step_days(
    first, last, k0, k1, rep_ids, par, vacancy_days, certain, use_grievance, use_responders,
    record_teams, indptr, nb, eid, padj, team, cust, decay_pow, upset, strain,
    vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength, griev,
    griev_day, flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, u_escalate,
    daily, team_daily, emp_conf, edge_conf,
    record_incidents, incident_daily, rude_week, rude_weekly,
    training, t_weight, t_ref, t_active, t_resp, t_remaining, t_shift, override, has_override,
):  # fmt: skip
    """``step_day`` for days ``first..last``: one call when nothing acts between days.

    Between training sessions nothing outside the kernel acts (the kernel keeps the
    training in force itself), so those days run in one call; the numbers are those of
    calling ``step_day`` day by day.
    """
    for day in range(first, last + 1):
        step_day(
            day, k0, k1, rep_ids, par, vacancy_days, certain, use_grievance, use_responders,
            record_teams, indptr, nb, eid, padj, team, cust, decay_pow, upset, strain,
            vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength,
            griev, griev_day, flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm,
            hit, u_escalate, daily, team_daily, emp_conf, edge_conf,
            record_incidents, incident_daily,
            rude_week, rude_weekly, training, t_weight, t_ref, t_active, t_resp, t_remaining,
            t_shift, override, has_override,
        )  # fmt: skip


@njit(**_JIT)
def _apply(
    r, day, c1_hire, c2, k0, k1, par, vacancy_days, use_grievance, indptr, eid, cust, flags,
    upset, strain, vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc,
    strength, griev, daily, t_weight, override, has_override,
):  # fmt: skip
    """End of day for replicate ``r``: new states together, strain, quits and hires."""
    zero = np.uint64(0)
    keep = 1 - par[_STRAIN_DECAY]
    n_upset, n_vacant, n_quits = 0, 0, 0
    for i in range(upset.shape[1]):
        if vacant_until[r, i] < 0:
            f = flags[i]
            if f & _UPSET0:
                new = (f & (_RECOVERED | _CALMED)) == 0
                strain[r, i] += 1
            else:
                new = (f & (_TRIGGERED | _DRAWN_IN)) != 0
                strain[r, i] *= keep
            if not (f & _QUITS_F):
                upset[r, i] = new
                n_upset += new
                continue
            # The person leaves: the post is empty, their grievances forgotten.
            n_quits += 1
            vacant_until[r, i] = day + vacancy_days
            upset[r, i] = 0
            strain[r, i] = 0.0
            for k in range(t_weight.shape[1]):  # their training leaves with them
                t_weight[r, k, i] = 0.0
            if has_override:
                override[r, i] = 0.0
            if use_grievance:
                for k in range(indptr[i], indptr[i + 1]):
                    griev[eid[k]] = 0.0
        if vacant_until[r, i] <= day:
            # A new hire with population traits, untrained, composed.
            w0, w1, _w2, _w3 = philox4x32(np.uint64(i), c1_hire, c2, zero, k0, k1)
            n0, n1 = box_muller(w0, w1)
            z_reg[r, i] = par[_REG_MEAN] + par[_REG_SD] * n0
            z_lis[r, i] = par[_LIS_MEAN] + par[_LIS_SD] * n1
            reg[r, i] = _logistic(z_reg[r, i])
            lis[r, i] = _logistic(z_lis[r, i])
            _derive(par, cust, reg, lis, r, i, trig_p, rec_p, enc)
            upset[r, i] = 0
            strain[r, i] = 0.0
            vacant_until[r, i] = -1
            hired_day[r, i] = day
        else:
            n_vacant += 1
    daily[r, day, _UPSET] = n_upset
    daily[r, day, _QUITS] = n_quits
    daily[r, day, _VACANT] = n_vacant


@njit(**_JIT)
def neighbour_lists(n, esrc, edst, eprob):
    """Neighbour lists (int32) of an undirected edge list, and each entry's contact chance.

    Returns ``indptr, neighbour, edge, prob``: the neighbours of ``i`` are
    ``neighbour[indptr[i]:indptr[i + 1]]``. A counting sort, so a million employees need
    no more than the lists themselves.
    """
    indptr = np.zeros(n + 1, dtype=np.int64)
    for e in range(esrc.size):
        indptr[esrc[e] + 1] += 1
        indptr[edst[e] + 1] += 1
    for i in range(n):
        indptr[i + 1] += indptr[i]
    fill = indptr[:-1].copy()
    nb = np.empty(2 * esrc.size, dtype=np.int32)
    eid = np.empty(2 * esrc.size, dtype=np.int32)
    padj = np.empty(2 * esrc.size, dtype=np.float64)
    for e in range(esrc.size):
        a, b = esrc[e], edst[e]
        for u, v in ((a, b), (b, a)):
            nb[fill[u]] = v
            eid[fill[u]] = e
            padj[fill[u]] = eprob[e]
            fill[u] += 1
    return indptr, nb, eid, padj
