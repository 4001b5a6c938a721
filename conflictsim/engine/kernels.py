"""The fast engine's numba kernels: one day of every replicate, on arrays.

The daily process of MODEL.md section 3 with the Mesa model's expressions
(``conflictsim.model``), so probabilities agree to the last bit; the docking tests
(tests/test_docking.py) hold the two simulators together. The driver
(``conflictsim.engine.driver``) owns the arrays, groups them once per block of replicates
into the named structures below, and calls ``step_days`` for the days from one training
session to the next (all days when there is no training):

- ``Rules``: parameters (one vector per replicate), the random key and switches;
- ``Network``: the ties as neighbour lists, each post's team and customer contact;
- ``State``: upset, strain, vacancies, hires and grievance, day to day;
- ``Traits``: traits, the probabilities derived from them, responder strengths;
- ``Scratch``: a block's buffers for the day (flags, gathered ties);
- ``Counts``: the outcomes counted;
- ``TrainingTables``: the training in force (``Rollout.kernel_tables``).

State, traits and counts are shaped (replicates, ...): the rows of one block.

MODEL.md's steps and the kernel functions (the Mesa model's stages have the same names):

====================================  =====================================================
MODEL.md section 3                    kernel function
====================================  =====================================================
1. Presence                           ``presence``
2. Triggers                           ``triggers``
3. Contacts                           ``contacts`` (ties that can matter), ``screen``
4. Encounters                         ``screen`` (the draws), ``encounters``
5. Severity                           ``severity``
6. Responders                         ``respond`` (``strongest_responder`` for each party)
7. Recovery                           ``recovery`` (the draw; applied at the end of the day)
8. Strain, absence, turnover          ``quits`` (the draw), ``strain_and_turnover``, ``hire``
9. Training                           ``training_effects`` (in force from the next day;
                                      sessions are ``Rollout.train``'s, between calls)
====================================  =====================================================

Layout of a day (``step_day``), per replicate:

0. ``training_effects`` (with training): the traits of those trained and the responder
   strengths in force today;
1. ``employees``: one Philox block per employee and the decisions of steps 1, 2, 7 and
   the quit draw of 8, in one branch-free loop that LLVM vectorises (AVX2/AVX-512);
2. ``contacts``: the ties of upset, present employees (each tie once) with the thresholds
   their uniforms are compared with, into small buffers; for each buffer, ``screen``
   computes their Philox blocks and comparisons vectorised, and ``encounters`` processes
   the few that lead to a conflict or a calming (steps 4-6, grievance, counts);
3. ``strain_and_turnover``: the day's changes together (synchronous update), strain,
   quits, hires.

Grievance is kept per (replicate, tie) as float32 with the day it was last written, and
decayed lazily when read (``g * (1 - decay) ** days``), so no pass over all ties is made
each day; with ``grievance_weight = 0`` it is not stored at all.
"""

from __future__ import annotations

import math
from typing import NamedTuple

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

# ---------------------------------------------------------------------------- structures
# Named tuples of arrays: numba passes them to jitted functions as it passes the arrays
# themselves (one unboxing per call of ``step_days``, not per day). Field names are the
# short names the expressions below use.


class Rules(NamedTuple):
    """What the rules read, the same on every day of a call, for a block of replicates.

    Attributes:
        par: One parameter vector per replicate (``PARAM_NAMES``), (replicates, parameters).
        decay_pow: Grievance decay powers ``(1 - grievance_decay) ** t``, one row per
            replicate, (replicates, days + 1).
        replicate_ids: Each replicate's id, a word of its random numbers' counter.
        k0: The seed's first key word.
        k1: The seed's second key word.
        vacancy_days: Days a post stays empty after a quit.
        contact_certain: Every tie is a contact when both ends are present (SIS limit).
        use_grievance: Grievance is kept (some replicate's ``grievance_weight > 0``).
        use_responders: Responders may act in this call (``responder_success > 0`` and
            someone trained as one, or the tests' override).
        record_teams: Conflicts are counted by team and severity (``Counts``).
    """

    par: np.ndarray
    decay_pow: np.ndarray
    replicate_ids: np.ndarray
    k0: np.uint64
    k1: np.uint64
    vacancy_days: np.int64
    contact_certain: bool
    use_grievance: bool
    use_responders: bool
    record_teams: bool


class Network(NamedTuple):
    """The organisation's ties as neighbour lists, and each post's fixed attributes.

    Attributes:
        indptr: The entries of post ``i`` are ``indptr[i]:indptr[i + 1]`` (int64).
        neighbour: The colleague at the other end of each entry (int32).
        tie: The tie of each entry, its index in ``org.edge_src`` (int32).
        contact: The tie's daily contact probability, per entry (float64).
        team: Each post's team (int32).
        customer_facing: Whether each post faces customers (bool).
    """

    indptr: np.ndarray
    neighbour: np.ndarray
    tie: np.ndarray
    contact: np.ndarray
    team: np.ndarray
    customer_facing: np.ndarray


class State(NamedTuple):
    """What the day changes, per replicate and post (or tie).

    Attributes:
        upset: Whether the post holder is upset (uint8).
        strain: Strain (float64).
        vacant_until: Day an empty post is filled; -1 when held (int32).
        hired_day: Day the post holder was hired, 0 for day-0 staff (int32).
        griev: Grievance of each tie when last written (float32), (replicates, ties);
            no ties when grievance is not kept.
        griev_day: Day each tie's grievance was last written (int32).
    """

    upset: np.ndarray
    strain: np.ndarray
    vacant_until: np.ndarray
    hired_day: np.ndarray
    griev: np.ndarray
    griev_day: np.ndarray


class Traits(NamedTuple):
    """Traits, the probabilities derived from them, and responder strengths, per post.

    Attributes:
        z_reg: Latent regulation, without training.
        z_lis: Latent listening, without training.
        reg: Regulation in force today, ``logistic(z_reg + training's shift)``.
        lis: Listening in force today.
        trig_p: Chance of a trigger from outside (step 2).
        rec_p: Chance of recovery (step 7).
        enc: As the composed party of an encounter: chance of being drawn in before
            grievance, chance of calming, side by side (float32, (replicates, posts, 2)).
        strength: Responder strength in force today, in [0, 1].
    """

    z_reg: np.ndarray
    z_lis: np.ndarray
    reg: np.ndarray
    lis: np.ndarray
    trig_p: np.ndarray
    rec_p: np.ndarray
    enc: np.ndarray
    strength: np.ndarray


class Scratch(NamedTuple):
    """A block of replicates' buffers for the day: one per thread.

    Attributes:
        flags: Each employee's decisions of the day (``_PRESENT``, ...; uint8).
        cand_tie: Tie of each gathered entry (int32).
        cand_upset: Its upset end (int32).
        cand_other: Its other end (int32).
        thr_met: Threshold of its contact uniform.
        thr_conflict: Threshold of its conflict uniform.
        thr_calm: Threshold of its calming uniform.
        hit: What it leads to today: 0 nothing, 1 a calming, 2 a conflict (uint8).
        u_escalate: Its escalation uniform.
        severities: Conflicts of the day so far by severity (int64, 3).
    """

    flags: np.ndarray
    cand_tie: np.ndarray
    cand_upset: np.ndarray
    cand_other: np.ndarray
    thr_met: np.ndarray
    thr_conflict: np.ndarray
    thr_calm: np.ndarray
    hit: np.ndarray
    u_escalate: np.ndarray
    severities: np.ndarray


class Counts(NamedTuple):
    """The outcomes counted, per replicate (``Results`` holds them after the run).

    Attributes:
        daily: ``COLUMNS`` per day, (replicates, days + 1, columns).
        team_daily: Conflicts per team and day, each party in their own team (int32).
        incident_daily: Conflicts per day, team and severity, at the team of the party
            on the receiving end (int32).
        employee_conflicts: Conflicts each post was party to (int32).
        edge_conflicts: Conflicts on each tie (int32).
        rude_week: The last week each employee was treated rudely, -1 for none (int32).
        rude_weekly: Employees treated rudely in each week (int32).
    """

    daily: np.ndarray
    team_daily: np.ndarray
    incident_daily: np.ndarray
    employee_conflicts: np.ndarray
    edge_conflicts: np.ndarray
    rude_week: np.ndarray
    rude_weekly: np.ndarray


class TrainingTables(NamedTuple):
    """The training in force, from ``Rollout.kernel_tables`` (no programmes: all empty).

    Programme ``k``'s share left in post ``i`` on ``day`` is
    ``remaining[k, day - ref[k]] * weight[r, k, i]``.

    Attributes:
        weight: Share of each holder's effect at the reference day, (replicates,
            programmes, posts); zeroed when the holder quits.
        ref: Reference day of each programme's weights.
        active: Whether anyone has been trained in each programme yet.
        responders: Whether each programme makes responders.
        remaining: Share of the effect left ``t`` days after a session, (programmes,
            days + 1).
        shift: Full latent shifts of regulation and listening, (replicates, programmes, 2).
        override: The tests' responder strengths, (replicates, posts), or unread.
        has_override: Whether ``override`` is given.
        in_use: Whether training or the override may act (``training_effects`` runs).
    """

    weight: np.ndarray
    ref: np.ndarray
    active: np.ndarray
    responders: np.ndarray
    remaining: np.ndarray
    shift: np.ndarray
    override: np.ndarray
    has_override: bool
    in_use: bool


# ---------------------------------------------------------------------------- kernels
# error_model="numpy": no ZeroDivisionError checks, whose branches stop LLVM from
# vectorising loops (no divisor here can be zero: strain_scale > 0).
#
# Reference counts: numba counts a reference to every array a function receives, also
# inside the structures, on entry and on return (atomic updates), and removes those
# updates only when nothing in between may drop a reference: no call of another compiled
# function and no helper that takes arrays inside a loop or branch. So only ``step_day``
# (once a day) and ``step_days`` call kernels; the stages run one after the other from
# ``step_day`` and take their arrays from the structures into local names; helpers
# inside their loops take numbers (the rare responder search excepted). Written the
# other way, an office of 500 with 50 replicates ran about 5% slower, the SIS limit 80%.
_JIT = {"cache": True, "error_model": "numpy", "nogil": True}


@njit(inline="always", **_JIT)
def _logistic(z):
    return 1.0 / (1.0 + math.exp(-z))


@njit(inline="always", **_JIT)
def _derive(par, cust, traits, r, i):
    """Post ``i``'s probabilities that depend only on traits, as model.py computes them."""
    reg, lis, enc = traits.reg, traits.lis, traits.enc
    rate = par[_TRIGGER] * (par[_CUST_MULT] if cust[i] else 1.0)
    traits.trig_p[r, i] = rate * (1 - par[_REG_SHIELD] * reg[r, i])
    traits.rec_p[r, i] = par[_RECOVERY] * (1 + par[_REG_RECOVERY] * reg[r, i])
    enc[r, i, 0] = (
        par[_TRANS] * (1 - par[_LIS_SHIELD] * lis[r, i]) * (1 - par[_REG_SHIELD] * reg[r, i])
    )
    enc[r, i, 1] = par[_CALM] * lis[r, i]


@njit(**_JIT)
def initial_traits(par, cust, traits):
    """Day 0's traits, ``logistic(z)``, and the probabilities derived from them.

    ``par`` holds one parameter vector per replicate, shape (replicates, parameters).
    """
    n_rep, n = traits.z_reg.shape
    for r in range(n_rep):
        for i in range(n):
            traits.reg[r, i] = _logistic(traits.z_reg[r, i])
            traits.lis[r, i] = _logistic(traits.z_lis[r, i])
            _derive(par[r], cust, traits, r, i)


@njit(**_JIT)
def training_effects(r, day, par, cust, traits, tables):
    """Step 9, training in force on ``day`` in replicate ``r``: traits, responder strengths.

    The latent shifts add up over programmes and the strength is the largest share left of
    a responder programme (or the tests' ``override``; ``TrainingTables``). Only shifted
    posts are recomputed: the others' traits were set without a shift (day 0, or at hire)
    and training leaves with the person (``strain_and_turnover`` zeroes a quitter's
    weights).
    """
    t_weight, t_ref, t_active = tables.weight, tables.ref, tables.active
    t_resp, t_remaining, t_shift = tables.responders, tables.remaining, tables.shift
    z_reg, z_lis, reg, lis, strength = (
        traits.z_reg, traits.z_lis, traits.reg, traits.lis, traits.strength,
    )  # fmt: skip
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
        if tables.has_override:
            s = max(s, tables.override[r, i])
        strength[r, i] = s
        if s_reg != 0.0 or s_lis != 0.0:
            reg[r, i] = _logistic(z_reg[r, i] + s_reg)
            lis[r, i] = _logistic(z_lis[r, i] + s_lis)
            _derive(par, cust, traits, r, i)


# The decisions of steps 1, 2, 7 and 8 from one employee's uniforms, with model.py's
# expressions so that probabilities agree to the last bit. Inlined into ``employees``'s
# loop: scalars in, a bool out, so the loop stays branch-free and vectorised.
@njit(inline="always", **_JIT)
def presence(in_post, u, s, abs_base, abs_strain, scale):
    """Step 1: in post and not absent today (absence grows with strain ``s``)."""
    p_absent = abs_base + abs_strain * s / (s + scale)
    return in_post & (u >= p_absent)


@njit(inline="always", **_JIT)
def triggers(present, up, u, p_trigger):
    """Step 2: a present, composed employee is upset from outside the team."""
    return present & (not up) & (u < p_trigger)


@njit(inline="always", **_JIT)
def recovery(up, u, p_recovery):
    """Step 7's draw: an upset employee is composed at the end of the day."""
    return up & (u < p_recovery)


@njit(inline="always", **_JIT)
def quits(in_post, u, s, quit_base, quit_strain, scale):
    """Step 8's draw: the post holder quits at the end of the day."""
    p_quit = quit_base + quit_strain * s / (s + scale)
    return in_post & (u < p_quit)


@njit(**_JIT)
def employees(r, day, rules, state, traits, flags):
    """Steps 1, 2, 7 and the quit draw of 8 for every employee of replicate ``r``.

    One Philox block per employee (lanes: presence, trigger, recovery, quit), in the same
    loop as the decisions, written without branches so that LLVM vectorises it. The
    decisions go to ``flags``; returns the number absent.
    """
    zero = np.uint64(0)
    c1, c2 = counter1(day, STAGE_EMPLOYEE), np.uint64(rules.replicate_ids[r])
    k0, k1 = rules.k0, rules.k1
    par = rules.par[r]
    abs_base, abs_strain, scale = par[_ABS_BASE], par[_ABS_STRAIN], par[_STRAIN_SCALE]
    quit_base, quit_strain = par[_QUIT_BASE], par[_QUIT_STRAIN]
    upset, strain, vacant_until = state.upset[r], state.strain[r], state.vacant_until[r]
    trig_p, rec_p = traits.trig_p[r], traits.rec_p[r]
    absent = 0
    for i in range(upset.size):
        w0, w1, w2, w3 = philox4x32(np.uint64(i), c1, c2, zero, k0, k1)
        in_post = vacant_until[i] < 0
        up = upset[i] != 0
        s = strain[i]
        present = presence(in_post, unit(w0), s, abs_base, abs_strain, scale)
        triggered = triggers(present, up, unit(w1), trig_p[i])
        recovered = recovery(up, unit(w2), rec_p[i])
        leaves = quits(in_post, unit(w3), s, quit_base, quit_strain, scale)
        flags[i] = (
            np.uint8(present) * np.uint8(_PRESENT)
            | np.uint8(triggered) * np.uint8(_TRIGGERED)
            | np.uint8(recovered) * np.uint8(_RECOVERED)
            | np.uint8(leaves) * np.uint8(_QUITS_F)
            | np.uint8(up) * np.uint8(_UPSET0)
        )
        absent += np.int64(in_post & (not present))
    return absent


@njit(**_JIT)
def contacts(r, first, day, rules, network, state, traits, scratch):
    """Step 3 in replicate ``r``: the ties that can matter today, gathered for ``encounters``.

    A tie can matter if one end is upset and both are present; a tie between two upset
    employees is taken from its lower end only. Each is gathered with its upset end, its
    other end and the thresholds its uniforms are compared with (contact, conflict,
    calming) into the scratch buffers, from employee ``first`` on until ``BUFFER`` are held
    (the buffers have room for one more employee's ties). Returns how many were gathered
    and the employee to go on from.
    """
    flags, cand_tie, cand_upset, cand_other = (
        scratch.flags, scratch.cand_tie, scratch.cand_upset, scratch.cand_other,
    )  # fmt: skip
    thr_met, thr_conflict, thr_calm = scratch.thr_met, scratch.thr_conflict, scratch.thr_calm
    indptr, neighbour, tie, contact = (
        network.indptr, network.neighbour, network.tie, network.contact,
    )  # fmt: skip
    certain, use_grievance = rules.contact_certain, rules.use_grievance
    clash, gw = rules.par[r, _CLASH], rules.par[r, _GW]
    enc = traits.enc[r]
    griev, griev_day, decay_pow = state.griev[r], state.griev_day[r], rules.decay_pow[r]
    both = np.uint8(_PRESENT | _UPSET0)
    m = 0
    i = first
    while i < flags.size and m < BUFFER:
        if (flags[i] & both) == both:
            # Compaction without branches (write, then advance by the condition): the
            # conditions are unpredictable.
            for k in range(indptr[i], indptr[i + 1]):
                j = neighbour[k]
                e = tie[k]
                fj = flags[j]
                both_upset = (fj & _UPSET0) != 0
                g = 0.0
                if use_grievance:
                    g = griev[e] * decay_pow[day - 1 - griev_day[e]]
                cand_tie[m] = e
                cand_upset[m] = i
                cand_other[m] = j
                thr_met[m] = 1.0 if certain else contact[k]
                # model.py's expressions: clash for two upset, else the composed one's.
                thr_conflict[m] = clash if both_upset else enc[j, 0] * (1 + gw * g)
                thr_calm[m] = 0.0 if both_upset else enc[j, 1]
                m += np.int64(((fj & _PRESENT) != 0) & ((not both_upset) | (j > i)))
        i += 1
    return m, i


@njit(**_JIT)
def screen(r, m, day, rules, scratch):
    """Steps 3-4's draws: what each of the ``m`` gathered ties leads to (``Scratch.hit``).

    One Philox block per tie and three comparisons, contiguous and without branches, so
    LLVM vectorises it (about 2 ns a tie). Lanes: 0 contact, 1 encounter, 2 calming,
    3 escalation, kept in ``u_escalate`` so that no block is computed twice.
    """
    cand_tie, hit, u_escalate = scratch.cand_tie, scratch.hit, scratch.u_escalate
    thr_met, thr_conflict, thr_calm = scratch.thr_met, scratch.thr_conflict, scratch.thr_calm
    c1, c2 = counter1(day, STAGE_TIE), np.uint64(rules.replicate_ids[r])
    k0, k1 = rules.k0, rules.k1
    zero = np.uint64(0)
    for q in range(m):
        w0, w1, w2, w3 = philox4x32(np.uint64(cand_tie[q]), c1, c2, zero, k0, k1)
        met = unit(w0) < thr_met[q]
        conflict = met & (unit(w1) < thr_conflict[q])
        calming = met & (not conflict) & (unit(w2) < thr_calm[q])
        hit[q] = np.uint8(conflict) * np.uint8(2) + np.uint8(calming)
        u_escalate[q] = unit(w3)


@njit(**_JIT)
def encounters(r, m, day, rules, network, state, traits, scratch, counts):
    """Steps 4-6 on the ``m`` gathered ties: encounters, severity, responders, grievance.

    The ties with a calming or a conflict (``screen``'s draws) are processed one by one,
    by the states at the start of the day, and counted.

    One loop with the counting written out: a helper that takes arrays (or structures of
    them) costs a pair of atomic reference-count updates per array and conflict (see the
    note on reference counts above), so the helpers called for every conflict take
    numbers only.
    """
    c1_tie, c1_con = counter1(day, STAGE_TIE), counter1(day, STAGE_CONFLICT)
    c2 = np.uint64(rules.replicate_ids[r])
    k0, k1, use_responders = rules.k0, rules.k1, rules.use_responders
    use_grievance, record_teams = rules.use_grievance, rules.record_teams
    par = rules.par[r]
    esc, crit, gw, resp = par[_ESC], par[_CRIT], par[_GW], par[_RESP]
    g_keep = 1 - par[_GDECAY]
    flags, hit, u_escalate, severities = (
        scratch.flags, scratch.hit, scratch.u_escalate, scratch.severities,
    )  # fmt: skip
    cand_tie, cand_upset, cand_other = scratch.cand_tie, scratch.cand_upset, scratch.cand_other
    reg, strength, team = traits.reg[r], traits.strength[r], network.team
    griev, griev_day, decay_pow = state.griev[r], state.griev_day[r], rules.decay_pow[r]
    employee_conflicts, edge_conflicts = counts.employee_conflicts, counts.edge_conflicts
    team_daily, incident_daily = counts.team_daily, counts.incident_daily
    rude_week, rude_weekly = counts.rude_week, counts.rude_weekly
    for q in range(m):
        outcome = hit[q]
        if outcome == 0:
            continue
        e, x, y = cand_tie[q], cand_upset[q], cand_other[q]  # x is upset
        # 4. Encounter, by start-of-day states: a conflict, or else a calming.
        if outcome == 1:
            flags[x] |= np.uint8(_CALMED)
            continue
        g = 0.0
        if use_grievance:
            g = griev[e] * decay_pow[day - 1 - griev_day[e]]
        newly = -1 if flags[y] & _UPSET0 else y
        # 5. Severity: the calmer party's regulation keeps it from escalating.
        p_escalate = esc * (1 - max(reg[x], reg[y])) * (1 + gw * g)
        level, u_respond = severity(
            e, u_escalate[q] < p_escalate, crit, use_responders, c1_con, c2, k0, k1
        )
        # 6. Responders. Strengths are at most 1, so a draw at or above
        # responder_success fails whoever met them: the search is made only when it can
        # matter (the same numbers).
        if u_respond < resp and respond(
            u_respond, resp, x, y, c1_tie, c2, rules, network, strength, flags
        ):
            level = max(level - 1, 0)
            newly = -1  # the drawn-in party stays composed
        if newly >= 0:
            flags[newly] |= np.uint8(_DRAWN_IN)
        # Counted, and noted where a record of it would be kept: at the team of the party
        # on the receiving end (incident_daily, by severity), and that party as treated
        # rudely this week (both parties of a clash; rude_weekly counts each employee once
        # a week), for the calibration targets (docs/calibration.md).
        severities[level] += 1
        employee_conflicts[r, x] += 1
        employee_conflicts[r, y] += 1
        edge_conflicts[r, e] += 1
        if record_teams:
            team_daily[r, day, team[x]] += 1
            team_daily[r, day, team[y]] += 1
            incident_daily[r, day, team[y], level] += 1
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


@njit(inline="always", **_JIT)
def severity(e, escalates, critical_share, use_responders, c1_con, c2, k0, k1):
    """Step 5: a conflict's severity (0 minor, 1 major, 2 critical), and step 6's uniform.

    Lanes 0 (critical) and 1 (responder) of the conflict's Philox block on tie ``e``, which
    is computed once, and only when either lane is read. The responder's uniform is 1 when
    no responder may act: then none can succeed.
    """
    level, u_respond = 0, 1.0
    if escalates or use_responders:
        v0, v1, _v2, _v3 = philox4x32(np.uint64(e), c1_con, c2, np.uint64(0), k0, k1)
        if escalates:
            level = 2 if unit(v0) < critical_share else 1
        if use_responders:
            u_respond = unit(v1)
    return level, u_respond


@njit(inline="always", **_JIT)
def _met(e, p, certain, c1_tie, c2, k0, k1):
    """Whether tie ``e`` was an active contact today (step 3; both ends present)."""
    if certain:
        return True
    w0, _w1, _w2, _w3 = philox4x32(np.uint64(e), c1_tie, c2, np.uint64(0), k0, k1)
    return unit(w0) < p


@njit(inline="always", **_JIT)
def strongest_responder(party, other, best, c1_tie, c2, rules, network, strength, flags):
    """The strongest responder above ``best`` who met ``party`` today (else ``best``).

    A responder is a present colleague other than the conflict's ``other`` party, whose
    tie with ``party`` was an active contact today: step 3's contact draw of that tie,
    recomputed (a tie's block depends on the tie alone).
    """
    indptr, neighbour, tie, contact = (
        network.indptr, network.neighbour, network.tie, network.contact,
    )  # fmt: skip
    for k in range(indptr[party], indptr[party + 1]):
        j = neighbour[k]
        if (
            strength[j] > best
            and j != other
            and (flags[j] & _PRESENT)
            and _met(tie[k], contact[k], rules.contact_certain, c1_tie, c2, rules.k0, rules.k1)
        ):
            best = strength[j]
    return best


@njit(inline="always", **_JIT)
def respond(u, success, x, y, c1_tie, c2, rules, network, strength, flags):
    """Step 6: whether the strongest responder who met either party de-escalates.

    Success has chance ``responder_success * strength`` (``success * best``) for the
    uniform ``u``.
    """
    best = strongest_responder(x, y, 0.0, c1_tie, c2, rules, network, strength, flags)
    best = strongest_responder(y, x, best, c1_tie, c2, rules, network, strength, flags)
    return best > 0 and u < success * best


@njit(**_JIT)
def strain_and_turnover(r, day, rules, network, state, traits, flags, counts, tables):
    """Step 8 and the end of the day in replicate ``r``: new states, strain, quits, hires.

    The day's changes apply together (synchronous update); counts the upset, the quits and
    the empty posts into ``Counts.daily``.
    """
    keep = 1 - rules.par[r, _STRAIN_DECAY]
    upset, strain, vacant_until = state.upset, state.strain, state.vacant_until
    t_weight = tables.weight
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
            vacant_until[r, i] = day + rules.vacancy_days
            upset[r, i] = 0
            strain[r, i] = 0.0
            for k in range(t_weight.shape[1]):  # their training leaves with them
                t_weight[r, k, i] = 0.0
            if tables.has_override:
                tables.override[r, i] = 0.0
            if rules.use_grievance:
                for k in range(network.indptr[i], network.indptr[i + 1]):
                    state.griev[r, network.tie[k]] = 0.0
        if vacant_until[r, i] <= day:
            hire(r, i, day, rules, network.customer_facing, state, traits)
        else:
            n_vacant += 1
    counts.daily[r, day, _UPSET] = n_upset
    counts.daily[r, day, _QUITS] = n_quits
    counts.daily[r, day, _VACANT] = n_vacant


@njit(inline="always", **_JIT)
def hire(r, i, day, rules, cust, state, traits):
    """Step 8: a new hire in post ``i`` with population traits, untrained, composed."""
    par = rules.par[r]
    c1, c2 = counter1(day, STAGE_HIRE), np.uint64(rules.replicate_ids[r])
    w0, w1, _w2, _w3 = philox4x32(np.uint64(i), c1, c2, np.uint64(0), rules.k0, rules.k1)
    n0, n1 = box_muller(w0, w1)
    z_reg, z_lis = traits.z_reg, traits.z_lis
    z_reg[r, i] = par[_REG_MEAN] + par[_REG_SD] * n0
    z_lis[r, i] = par[_LIS_MEAN] + par[_LIS_SD] * n1
    traits.reg[r, i] = _logistic(z_reg[r, i])
    traits.lis[r, i] = _logistic(z_lis[r, i])
    _derive(par, cust, traits, r, i)
    state.upset[r, i] = 0
    state.strain[r, i] = 0.0
    state.vacant_until[r, i] = -1
    state.hired_day[r, i] = day


@njit(inline="always", **_JIT)
def _count_day(r, day, par, n_sev, daily):
    """The day's conflicts by severity and their hours into ``daily``."""
    daily[r, day, _CONFLICTS] = n_sev.sum()
    daily[r, day, _MINOR] = n_sev[0]
    daily[r, day, _MAJOR] = n_sev[1]
    daily[r, day, _CRITICAL] = n_sev[2]
    # From counts, so the total does not depend on the order conflicts were met.
    daily[r, day, _HOURS] = 2 * (
        n_sev[0] * par[_H_MINOR] + n_sev[1] * par[_H_MAJOR] + n_sev[2] * par[_H_CRITICAL]
    )


@njit(**_JIT)
def step_day(day, rules, network, state, traits, scratch, counts, tables):
    """One day of every replicate of a block (MODEL.md section 3, docs/ODD.md 3.3).

    ``rules`` holds one parameter vector per replicate, so replicates may run different
    parameter sets (a calibration's) in one call. With training, the day starts with the
    training in force (``training_effects``, from ``Rollout``'s tables).
    """
    cust, daily, n = network.customer_facing, counts.daily, scratch.flags.size
    for r in range(rules.replicate_ids.size):
        if tables.in_use:
            training_effects(r, day, rules.par[r], cust, traits, tables)
        # 1, 2, 7 and the quit draw of 8.
        daily[r, day, _ABSENT] = employees(r, day, rules, state, traits, scratch.flags)
        # 3-6. Ties that can matter today (an upset end, both ends present), screened
        # for a conflict or a calming; only those are processed one by one.
        scratch.severities[:] = 0
        first = 0
        while first < n:
            m, first = contacts(r, first, day, rules, network, state, traits, scratch)
            screen(r, m, day, rules, scratch)
            encounters(r, m, day, rules, network, state, traits, scratch, counts)
        _count_day(r, day, rules.par[r], scratch.severities, daily)
        # Apply the day's changes together; 8. strain, quits, hires.
        strain_and_turnover(r, day, rules, network, state, traits, scratch.flags, counts, tables)


@njit(**_JIT)
def step_days(first, last, rules, network, state, traits, scratch, counts, tables):
    """``step_day`` for days ``first..last``: one call when nothing acts between days.

    Between training sessions nothing outside the kernel acts (the kernel keeps the
    training in force itself), so those days run in one call; the numbers are those of
    calling ``step_day`` day by day.
    """
    for day in range(first, last + 1):
        step_day(day, rules, network, state, traits, scratch, counts, tables)


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
