"""The fast engine: the daily process of MODEL.md on arrays, many replicates in one pass.

``simulate(scenario, replicates, seed)`` runs the same rules as the Mesa model
(``conflictsim.model.ConflictModel``; docs/ODD.md section 3.3) and gives the same
distributions (tests/test_docking.py), but on arrays: one numba kernel per day steps every
replicate, with state shaped ``(replicates, employees)``.

Randomness is counter-based (``conflictsim.rng``): every uniform is a pure function of
``(seed, replicate, day, stage, employee or tie)``. So replicate ``k`` is the same however
replicates are batched or split between processes (``first_replicate``), and two arms of
a comparison that differ only in some employees' traits use the very same number for the
same decision: common random numbers that stay aligned after the arms' trajectories part.
The engine draws only the numbers it needs (encounter draws only on ties with an upset
end), which shifts no other draw.

Layout of a day (``_day``), per replicate:

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
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from conflictsim import rng as crng
from conflictsim.outcomes import DAILY_COLUMNS, DAYS_PER_WEEK
from conflictsim.rng import (
    STAGE_CONFLICT,
    STAGE_EMPLOYEE,
    STAGE_HIRE,
    STAGE_TIE,
    STAGE_TRAITS,
    box_muller,
    counter1,
    philox4x32,
    unit,
)
from conflictsim.rollout import Rollout
from conflictsim.scenario import Scenario
from conflictsim.traits import logit

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
_PARAM_NAMES = (
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
_BUFFER = 1024

# ---------------------------------------------------------------------------- kernels
# error_model="numpy": no ZeroDivisionError checks, whose branches stop LLVM from
# vectorising loops (no divisor here can be zero: strain_scale > 0).
_JIT = {"cache": True, "error_model": "numpy"}


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
def _refresh_traits(
    par, cust, z_reg, z_lis, shift_reg, shift_lis, reg, lis, trig_p, rec_p, enc, only_shifted
):
    """Today's traits, ``logistic(z + shift)``, and the probabilities derived from them.

    With ``only_shifted``, posts with no shift are left as they are: their traits were set
    without one (on day 0 or at hire) and training is only lost by leaving the post.
    """
    n_rep, n = z_reg.shape
    for r in range(n_rep):
        for i in range(n):
            if only_shifted and shift_reg[r, i] == 0.0 and shift_lis[r, i] == 0.0:
                continue
            reg[r, i] = _logistic(z_reg[r, i] + shift_reg[r, i])
            lis[r, i] = _logistic(z_lis[r, i] + shift_lis[r, i])
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
def _screen(m, c1, c2, k0, k1, cand_e, thr_met, thr_conflict, thr_calm, hit):
    """Which gathered ties lead to anything today (a conflict or a calming): ``hit``.

    One Philox block per tie and three comparisons, contiguous and without branches, so
    LLVM vectorises it (about 2 ns a tie). Lanes: 0 contact, 1 encounter, 2 calming.
    """
    zero = np.uint64(0)
    for q in range(m):
        w0, w1, w2, _w3 = philox4x32(np.uint64(cand_e[q]), c1, c2, zero, k0, k1)
        met = unit(w0) < thr_met[q]
        hit[q] = np.uint8(met & ((unit(w1) < thr_conflict[q]) | (unit(w2) < thr_calm[q])))


@njit(**_JIT)
def _encounters(
    r, m, day, c1_tie, c1_con, c2, k0, k1, par, use_grievance, use_responders,
    record_teams, indptr, nb, team, reg, strength, griev, griev_day, decay_pow, flags,
    cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, n_sev, team_daily,
    emp_conf,
):  # fmt: skip
    """Steps 4-6 on ``m`` gathered ties: encounters, severity, responders, grievance."""
    zero = np.uint64(0)
    esc, crit, gw, resp = par[_ESC], par[_CRIT], par[_GW], par[_RESP]
    g_keep = 1 - par[_GDECAY]
    _screen(m, c1_tie, c2, k0, k1, cand_e, thr_met, thr_conflict, thr_calm, hit)
    for q in range(m):
        if not hit[q]:
            continue
        e, x, y = cand_e[q], cand_i[q], cand_j[q]  # x is upset
        _u0, u1, _u2, u3 = philox4x32(np.uint64(e), c1_tie, c2, zero, k0, k1)
        g = 0.0
        if use_grievance:
            g = griev[e] * decay_pow[day - 1 - griev_day[e]]
        # 4. Encounter, by start-of-day states: a conflict, or else a calming.
        if not (unit(u1) < thr_conflict[q]):
            flags[x] |= np.uint8(_CALMED)
            continue
        newly = -1 if flags[y] & _UPSET0 else y
        # 5. Severity: the calmer party's regulation keeps it from escalating.
        severity = 0
        have_block = False
        v0, v1 = zero, zero
        p_escalate = esc * (1 - max(reg[x], reg[y])) * (1 + gw * g)
        if unit(u3) < p_escalate:
            v0, v1, _v2, _v3 = philox4x32(np.uint64(e), c1_con, c2, zero, k0, k1)
            have_block = True
            severity = 2 if unit(v0) < crit else 1
        # 6. Responders: the strongest present one next to either party.
        if use_responders:
            best = 0.0
            for k in range(indptr[x], indptr[x + 1]):
                j = nb[k]
                if j != y and (flags[j] & _PRESENT) and strength[j] > best:
                    best = strength[j]
            for k in range(indptr[y], indptr[y + 1]):
                j = nb[k]
                if j != x and (flags[j] & _PRESENT) and strength[j] > best:
                    best = strength[j]
            if best > 0:
                if not have_block:
                    v0, v1, _v2, _v3 = philox4x32(np.uint64(e), c1_con, c2, zero, k0, k1)
                if unit(v1) < resp * best:
                    severity = max(severity - 1, 0)
                    newly = -1  # the drawn-in party stays composed
        if newly >= 0:
            flags[newly] |= np.uint8(_DRAWN_IN)
        n_sev[severity] += 1
        emp_conf[r, x] += 1
        emp_conf[r, y] += 1
        if record_teams:
            team_daily[r, day, team[x]] += 1
            team_daily[r, day, team[y]] += 1
        if use_grievance:
            # End of day: decay, then this conflict adds 1 (a tie meets once a day).
            griev[e] = g * g_keep + 1
            griev_day[e] = day


@njit(**_JIT)
def _day(
    day, k0, k1, rep_ids, par, vacancy_days, certain, use_grievance, use_responders,
    record_teams, indptr, nb, eid, padj, team, cust, decay_pow, upset, strain,
    vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc, strength, griev,
    griev_day, flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, daily,
    team_daily, emp_conf,
):  # fmt: skip
    """One day of every replicate (MODEL.md section 3, docs/ODD.md section 3.3)."""
    n_rep, n = upset.shape
    c1_emp = counter1(day, STAGE_EMPLOYEE)
    c1_tie = counter1(day, STAGE_TIE)
    c1_con = counter1(day, STAGE_CONFLICT)
    c1_hire = counter1(day, STAGE_HIRE)
    clash, gw = par[_CLASH], par[_GW]
    # Ties are gathered into small buffers (in cache), flushed once _BUFFER are held;
    # the buffers have room for one more employee's ties.
    flush_at = _BUFFER
    both = np.uint8(_PRESENT | _UPSET0)
    n_sev = np.zeros(3, dtype=np.int64)
    for r in range(n_rep):
        c2 = np.uint64(rep_ids[r])
        g_r, gd_r, reg_r, enc_r, strength_r = griev[r], griev_day[r], reg[r], enc[r], strength[r]
        # 1, 2, 7 and the quit draw of 8.
        daily[r, day, _ABSENT] = _employees(
            c1_emp, c2, k0, k1, par, upset[r], strain[r], vacant_until[r], trig_p[r], rec_p[r],
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
                enc_r, g_r, gd_r, decay_pow, cand_e, cand_i, cand_j, thr_met, thr_conflict,
                thr_calm,
            )  # fmt: skip
            if m >= flush_at:
                _encounters(
                    r, m, day, c1_tie, c1_con, c2, k0, k1, par, use_grievance, use_responders,
                    record_teams, indptr, nb, team, reg_r, strength_r, g_r, gd_r, decay_pow,
                    flags, cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, n_sev,
                    team_daily, emp_conf,
                )  # fmt: skip
                m = 0
        _encounters(
            r, m, day, c1_tie, c1_con, c2, k0, k1, par, use_grievance, use_responders,
            record_teams, indptr, nb, team, reg_r, strength_r, g_r, gd_r, decay_pow, flags,
            cand_e, cand_i, cand_j, thr_met, thr_conflict, thr_calm, hit, n_sev, team_daily,
            emp_conf,
        )  # fmt: skip
        daily[r, day, _CONFLICTS] = n_sev.sum()
        daily[r, day, _MINOR] = n_sev[0]
        daily[r, day, _MAJOR] = n_sev[1]
        daily[r, day, _CRITICAL] = n_sev[2]
        # From counts, so the total does not depend on the order conflicts were met.
        daily[r, day, _HOURS] = 2 * (
            n_sev[0] * par[_H_MINOR] + n_sev[1] * par[_H_MAJOR] + n_sev[2] * par[_H_CRITICAL]
        )  # fmt: skip

        # Apply the day's changes together; 8. strain, quits, hires.
        _apply(
            r, day, c1_hire, c2, k0, k1, par, vacancy_days, use_grievance, indptr, eid, cust,
            flags, upset, strain, vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p,
            rec_p, enc, strength, g_r, daily,
        )  # fmt: skip


@njit(**_JIT)
def _apply(
    r, day, c1_hire, c2, k0, k1, par, vacancy_days, use_grievance, indptr, eid, cust, flags,
    upset, strain, vacant_until, hired_day, z_reg, z_lis, reg, lis, trig_p, rec_p, enc,
    strength, griev, daily,
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
            strength[r, i] = 0.0
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
def _csr(n, esrc, edst, eprob):
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


# ---------------------------------------------------------------------------- state
@dataclass(eq=False)
class _State:
    """Everything the kernel reads and writes, shaped (replicates, employees) or (R, ties).

    ``_programme_effects`` reads it to compute today's training effects: ``hired_day``
    tells when the person now in a post was hired (0 for day-0 staff), so training
    records of an earlier holder can be dropped.
    """

    scenario: Scenario
    seed: int
    replicate_ids: np.ndarray
    key: tuple[np.uint64, np.uint64]
    par: np.ndarray
    upset: np.ndarray
    strain: np.ndarray
    vacant_until: np.ndarray
    hired_day: np.ndarray
    z_reg: np.ndarray
    z_lis: np.ndarray
    reg: np.ndarray
    lis: np.ndarray
    trig_p: np.ndarray
    rec_p: np.ndarray
    enc: np.ndarray
    trained: np.ndarray
    shifted: bool = False
    responder_override: np.ndarray | None = field(default=None, repr=False)
    rollout: Rollout | None = field(default=None, repr=False)


def _programme_effects(
    state: _State, day: int
) -> tuple[np.ndarray | None, np.ndarray | None, np.ndarray | None]:
    """Training effects in force on ``day``: trait shifts and responder strengths.

    Latent shifts decay with each programme's half-life (``traits = logistic(z +
    shift)``); a post's responder strength in [0, 1] is the share of its holder's
    de-escalation training left (0 for non-responders). Records of people who quit were
    dropped by ``Rollout.train``. ``None`` stands for all zero, which lets the engine skip
    the work. Tests may set responder strengths by hand (``simulate(...,
    _responder_strength=)``); they add to any from training (the stronger counts).

    Args:
        state: The engine's state at the start of ``day``.
        day: The day about to be simulated (1-based).

    Returns:
        ``(shift_regulation, shift_listening, responder_strength)``, each ``(replicates,
        employees)`` or ``None`` for all zero.
    """
    shift_reg = shift_lis = strength = None
    if state.rollout is not None:
        shift_reg, shift_lis, strength = state.rollout.effects(day)
    override = state.responder_override
    if override is not None:
        strength = override if strength is None else np.maximum(strength, override)
    return shift_reg, shift_lis, strength


# ---------------------------------------------------------------------------- results
@dataclass(eq=False)
class Results:
    """Replicates of one scenario from ``simulate``.

    Attributes:
        scenario: The scenario simulated.
        seed: The seed.
        replicates: Number of replicates.
        replicate_ids: Id of each replicate (its key in the random streams).
        daily: Tidy daily outcomes: ``replicate, day`` and ``COLUMNS``; day 0 is the state
            before the first step.
        summary: One row per replicate: ``replicate`` and the columns of
            ``conflictsim.outcomes.summarise``.
        employee_conflicts: Conflicts each post was party to, shape (replicates, size).
        team_daily: Conflicts per team per day, each party counted in their own team,
            shape (replicates, days + 1, teams).
        trained: Whether each post was trained during the run, shape (replicates, size).
    """

    scenario: Scenario
    seed: int
    replicates: int
    replicate_ids: np.ndarray
    daily: pd.DataFrame
    summary: pd.DataFrame
    employee_conflicts: np.ndarray
    team_daily: np.ndarray | None
    trained: np.ndarray

    def team_frame(self) -> pd.DataFrame:
        """Conflicts per team and day as a tidy frame: replicate, day, team, conflicts."""
        if self.team_daily is None:
            raise ValueError("teams were not recorded (simulate(..., record_teams=False))")
        n_rep, n_days, n_teams = self.team_daily.shape
        names = np.asarray(self.scenario.org.team_names, dtype=object)
        return pd.DataFrame(
            {
                "replicate": np.repeat(self.replicate_ids, n_days * n_teams),
                "day": np.tile(np.repeat(np.arange(n_days), n_teams), n_rep),
                "team": np.tile(names, n_rep * n_days),
                "conflicts": self.team_daily.ravel(),
            }
        )

    def __repr__(self) -> str:
        return (
            f"Results({self.replicates} replicates of {self.scenario.org.size} employees "
            f"x {self.scenario.days} days, seed {self.seed})"
        )


# ---------------------------------------------------------------------------- driver
def simulate(
    scenario: Scenario,
    replicates: int = 100,
    seed: int = 1,
    *,
    first_replicate: int = 0,
    replicate_ids: Sequence[int] | None = None,
    record_teams: bool = True,
    _responder_strength: Any = None,
) -> Results:
    """Simulate replicates of a scenario with the fast engine.

    The rules are those of the Mesa model (``ConflictModel``) and docs/ODD.md; the
    random numbers differ, the distributions do not (tests/test_docking.py). Replicate
    ``k`` depends only on ``(seed, k)``: running replicates 50..99 in another process
    (``first_replicate=50``) gives the same rows as running 0..99 at once.

    Args:
        scenario: What to simulate.
        replicates: Number of replicates (at least 1).
        seed: Seed, a whole number in [0, 2**64).
        first_replicate: Id of the first replicate; replicates are
            ``first_replicate .. first_replicate + replicates - 1``.
        replicate_ids: Explicit replicate ids instead (overrides ``replicates`` and
            ``first_replicate``).
        record_teams: Keep conflicts per team per day (``Results.team_daily``).
        _responder_strength: For tests only: responder strength in [0, 1] of each
            day-0 post holder, shape (size,) or (replicates, size); lost when they quit.

    Returns:
        The replicates' outcomes (``Results``).

    Raises:
        ValueError: If the scenario is not a ``Scenario`` or the counts are invalid.
    """
    if not isinstance(scenario, Scenario):
        raise ValueError(f"scenario must be a Scenario, got {type(scenario).__name__}")
    if replicate_ids is None:
        if isinstance(replicates, bool) or not isinstance(replicates, (int, np.integer)):
            raise ValueError(f"replicates must be a whole number, got {replicates!r}")
        if replicates < 1:
            raise ValueError(f"replicates must be at least 1, got {replicates!r}")
        if (
            isinstance(first_replicate, bool)
            or not isinstance(first_replicate, (int, np.integer))
            or first_replicate < 0
        ):
            raise ValueError(
                f"first_replicate must be a whole number >= 0, got {first_replicate!r}"
            )
        ids = np.arange(first_replicate, first_replicate + replicates, dtype=np.int64)
    else:
        ids = np.asarray(list(replicate_ids), dtype=np.int64)
        if ids.size < 1:
            raise ValueError("replicate_ids must name at least one replicate")
    if ids.min() < 0 or ids.max() > crng.MAX_REPLICATE:
        raise ValueError(f"replicate ids must lie in [0, 2**32), got {ids.min()}..{ids.max()}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)):
        raise ValueError(f"seed must be a whole number, got {seed!r}")
    key = crng.key_of(int(seed))
    org = scenario.org
    if 2 * org.n_edges >= 2**31:  # int32 neighbour lists
        raise ValueError("the organisation has too many ties for the engine (2**30 at most)")
    if scenario.days > crng.MAX_DAY:
        raise ValueError(f"days must be at most {crng.MAX_DAY}, got {scenario.days}")

    state = _initial_state(scenario, int(seed), ids, key)
    if scenario.programmes:
        state.rollout = Rollout(scenario, int(seed), ids)
        # Hotspot targeting reads each team's conflicts before the start day.
        record_teams = record_teams or state.rollout.needs_teams
    if _responder_strength is not None:
        s = np.broadcast_to(np.asarray(_responder_strength, dtype=np.float64), state.upset.shape)
        if np.any((s < 0) | (s > 1)):
            raise ValueError("responder strengths must lie in [0, 1]")
        state.responder_override = s.copy()
    return _run(state, record_teams)


def _initial_state(scenario: Scenario, seed: int, ids: np.ndarray, key) -> _State:
    """Day 0: latent traits and the initial upset set of every replicate, keyed draws."""
    org, p = scenario.org, scenario.params
    n_rep, n = ids.size, org.size
    par = np.array([float(p[name]) for name in _PARAM_NAMES])
    z_reg = np.empty((n_rep, n))
    z_lis = np.empty((n_rep, n))
    upset = np.zeros((n_rep, n), dtype=np.uint8)
    given_reg, given_lis = ~np.isnan(org.regulation), ~np.isnan(org.listening)
    logit_reg, logit_lis = logit(org.regulation[given_reg]), logit(org.listening[given_lis])
    iu = scenario.initial_upset
    listed = None if isinstance(iu, (int, float, np.floating)) else org.index_of(list(iu))
    for r, rep in enumerate(ids):
        # A normal per employee whether or not the org chart gives the trait (as
        # traits.draw_latent does), so the draws do not depend on which traits are given.
        normals = crng.normal_pairs(seed, int(rep), 0, STAGE_TRAITS, n)
        z_reg[r] = p.regulation_mean + p.regulation_sd * normals[:, 0]
        z_lis[r] = p.listening_mean + p.listening_sd * normals[:, 1]
        z_reg[r, given_reg] = logit_reg
        z_lis[r, given_lis] = logit_lis
        if listed is None:
            k = int(round(float(iu) * n))  # as Scenario.initial_upset_mask
            upset[r, crng.choose(seed, int(rep), n, k)] = 1
        else:
            upset[r, listed] = 1
    shape = (n_rep, n)
    state = _State(
        scenario=scenario,
        seed=seed,
        replicate_ids=ids,
        key=key,
        par=par,
        upset=upset,
        strain=np.zeros(shape),
        vacant_until=np.full(shape, -1, dtype=np.int32),
        hired_day=np.zeros(shape, dtype=np.int32),
        z_reg=z_reg,
        z_lis=z_lis,
        reg=np.empty(shape),
        lis=np.empty(shape),
        trig_p=np.empty(shape),
        rec_p=np.empty(shape),
        enc=np.empty((*shape, 2), dtype=np.float32),
        trained=np.zeros(shape, dtype=bool),
    )
    zeros = np.zeros(shape)
    _refresh(state, zeros, zeros)
    return state


def _refresh(
    state: _State, shift_reg: np.ndarray, shift_lis: np.ndarray, only_shifted: bool = False
) -> None:
    cust = np.ascontiguousarray(state.scenario.org.customer_facing, dtype=np.bool_)
    _refresh_traits(
        state.par,
        cust,
        state.z_reg,
        state.z_lis,
        np.ascontiguousarray(shift_reg, dtype=np.float64),
        np.ascontiguousarray(shift_lis, dtype=np.float64),
        state.reg,
        state.lis,
        state.trig_p,
        state.rec_p,
        state.enc,
        only_shifted,
    )


def _run(state: _State, record_teams: bool) -> Results:
    scn = state.scenario
    org, p, days = scn.org, scn.params, scn.days
    n_rep, n = state.upset.shape
    indptr, nb, eid, padj = _csr(
        np.int64(n),
        np.ascontiguousarray(org.edge_src, dtype=np.int32),
        np.ascontiguousarray(org.edge_dst, dtype=np.int32),
        np.ascontiguousarray(org.edge_prob, dtype=np.float64),
    )
    team = np.ascontiguousarray(org.team, dtype=np.int32)
    cust = np.ascontiguousarray(org.customer_facing, dtype=np.bool_)
    n_teams = max(len(org.team_names), 1)
    use_grievance = p.grievance_weight > 0
    # Grievance matters only through grievance_weight; without it nothing is stored.
    g_shape = (n_rep, org.n_edges) if use_grievance else (n_rep, 0)
    griev = np.zeros(g_shape, dtype=np.float32)
    griev_day = np.zeros(g_shape, dtype=np.int32)
    decay_pow = (1 - p.grievance_decay) ** np.arange(days + 1, dtype=np.float64)
    flags = np.zeros(n, dtype=np.uint8)
    # Gather buffers: a chunk that stays in cache, plus room for one employee's ties.
    degree = np.diff(indptr)
    n_cand = _BUFFER + (int(degree.max()) if n > 0 else 0)
    cand_e = np.empty(n_cand, dtype=np.int32)
    cand_i = np.empty(n_cand, dtype=np.int32)
    cand_j = np.empty(n_cand, dtype=np.int32)
    thr_met = np.empty(n_cand)
    thr_conflict = np.empty(n_cand)
    thr_calm = np.empty(n_cand)
    hit = np.empty(n_cand, dtype=np.uint8)
    daily = np.zeros((n_rep, days + 1, len(COLUMNS)))
    daily[:, 0, _UPSET] = state.upset.sum(axis=1)
    team_daily = np.zeros((n_rep, days + 1, n_teams) if record_teams else (n_rep, 1, 1), np.int32)
    emp_conf = np.zeros((n_rep, n), dtype=np.int32)
    no_strength = np.zeros((n_rep, n))
    k0, k1 = state.key
    rollout = state.rollout
    if rollout is not None:  # sessions of day 0, before the first step
        rollout.train(0, state.hired_day, state.vacant_until, team_daily)
    for day in range(1, days + 1):
        shift_reg, shift_lis, strength = _programme_effects(state, day)
        if shift_reg is not None or shift_lis is not None:
            zeros = np.zeros_like(state.z_reg)
            _refresh(
                state,
                zeros if shift_reg is None else shift_reg,
                zeros if shift_lis is None else shift_lis,
                only_shifted=True,
            )
            state.shifted = True
        elif state.shifted:  # yesterday's shifts are gone
            zeros = np.zeros_like(state.z_reg)
            _refresh(state, zeros, zeros)
            state.shifted = False
        use_responders = strength is not None and p.responder_success > 0
        _day(
            np.int64(day),
            k0,
            k1,
            state.replicate_ids,
            state.par,
            np.int64(p.vacancy_days),
            bool(p.contact_certain),
            bool(use_grievance),
            bool(use_responders),
            bool(record_teams),
            indptr,
            nb,
            eid,
            padj,
            team,
            cust,
            decay_pow,
            state.upset,
            state.strain,
            state.vacant_until,
            state.hired_day,
            state.z_reg,
            state.z_lis,
            state.reg,
            state.lis,
            state.trig_p,
            state.rec_p,
            state.enc,
            strength if use_responders else no_strength,
            griev,
            griev_day,
            flags,
            cand_e,
            cand_i,
            cand_j,
            thr_met,
            thr_conflict,
            thr_calm,
            hit,
            daily,
            team_daily,
            emp_conf,
        )
        if rollout is not None:
            rollout.train(day, state.hired_day, state.vacant_until, team_daily)
    if rollout is not None:
        state.trained = rollout.ever
    return Results(
        scenario=scn,
        seed=state.seed,
        replicates=n_rep,
        replicate_ids=state.replicate_ids,
        daily=_daily_frame(daily, state.replicate_ids),
        summary=_summary(daily, scn, state.replicate_ids, rollout),
        employee_conflicts=emp_conf.astype(np.int64),
        team_daily=team_daily if record_teams else None,
        trained=state.trained,
    )


def _daily_frame(daily: np.ndarray, ids: np.ndarray) -> pd.DataFrame:
    n_rep, n_days, _ = daily.shape
    data: dict[str, np.ndarray] = {
        "replicate": np.repeat(ids, n_days),
        "day": np.tile(np.arange(n_days, dtype=np.int64), n_rep),
    }
    for c, name in enumerate(COLUMNS):
        col = daily[:, :, c].ravel()
        data[name] = col if name == "conflict_hours" else col.astype(np.int64)
    return pd.DataFrame(data)


def _summary(
    daily: np.ndarray, scn: Scenario, ids: np.ndarray, rollout: Rollout | None
) -> pd.DataFrame:
    """``conflictsim.outcomes.summarise`` of every replicate at once (same columns)."""
    p = scn.params
    run = daily[:, 1:, :]
    hours = run[:, :, _HOURS].sum(axis=1)
    quits = run[:, :, _QUITS].sum(axis=1).astype(np.int64)
    weeks = max(scn.days, 1) / DAYS_PER_WEEK
    with np.errstate(invalid="ignore"):
        mean_upset = run[:, :, _UPSET].mean(axis=1) if scn.days > 0 else np.full(ids.size, np.nan)
    return pd.DataFrame(
        {
            "replicate": ids,
            "conflicts": run[:, :, _CONFLICTS].sum(axis=1).astype(np.int64),
            "conflicts_minor": run[:, :, _MINOR].sum(axis=1).astype(np.int64),
            "conflicts_major": run[:, :, _MAJOR].sum(axis=1).astype(np.int64),
            "conflicts_critical": run[:, :, _CRITICAL].sum(axis=1).astype(np.int64),
            "conflict_hours": hours,
            "hours_per_employee_week": hours / scn.org.size / weeks,
            "absent_days": run[:, :, _ABSENT].sum(axis=1).astype(np.int64),
            "quits": quits,
            "mean_upset": mean_upset,
            "trained": rollout.people if rollout is not None else np.zeros(ids.size, np.int64),
            "cost_conflict": hours * p.wage + quits * p.replacement_cost,
            "cost_training": rollout.cost() if rollout is not None else np.zeros(ids.size),
        }
    )
