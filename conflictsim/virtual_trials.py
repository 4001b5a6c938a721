"""Virtual trials: the published studies of training on incidents, run through the model.

Training clearly raises skills and confidence; controlled and before-after studies of
what it does to incidents find little or no change (EVIDENCE.md; the reviews of Price et
al. 2015, Heckemann et al. 2015, Leach et al. 2019 for RAND Europe, Banerjee & MacDougall
2021 for CADTH). ``TRIALS`` encodes the studies with an incident outcome that could be
read: the setting, who was trained, the follow-up, the outcome and how it was counted,
and the published estimate (the relative change in incidents) with its 95% interval, as
published, derived from what was published (said how) or marked a judgement.

Each study is also a *virtual trial*: its design run through the model, world by world
(``replicate_trial``): an organisation like the study's (a preset, its teams standing for
wards or units), trained as the study trained it, counted as it counted (records thinned
by the reporting rates of each severity, or every conflict for a staff survey), and
estimated as it estimated (post-only, before-after, controlled before-after, or person by
person), so that the simulated estimates carry the study's own chance: few units, few
incidents. The baseline of each world is a parameter set of the preset's stored
calibration; what training does at work comes from an evidence setting.

The evidence settings are updated by these trials (``posterior``): approximate Bayesian
computation (Pritchard et al. 1999; Beaumont, Zhang & Balding 2002, Genetics
162:2025-2035) with a Gaussian kernel on each study's log rate ratio. Draws from the
setting's prior each run every virtual trial once; a draw's weight is the product over
studies of the kernel at the distance between its simulated estimate and the published
one; the weighted draws, resampled, are the posterior, stored in
``conflictsim/data/evidence/`` (``main`` regenerates them). Where a study's counts are
not known its virtual trial is made larger than it, so that the virtual trial's own
chance (``chance_sd``) is below the study's standard error, and the kernel supplies the
rest (``kernel_width``: at least half a standard error, a small tolerance): each study
then weighs as much as its interval says, and no more.

What the model counts is conflict at work; most studies counted aggression toward staff
by patients or the public. The model's outside triggers stand for patients and the
public, and a study's relative change in incidents is read as evidence on the relative
change in the model's conflicts (docs/validation.md says what this assumes).
"""

from __future__ import annotations

import functools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from conflictsim.calibration.result import Calibration
from conflictsim.calibration.store import folder
from conflictsim.engine import simulate
from conflictsim.evidence import (
    EVIDENCE,
    POSTERIORS,
    TRAINING_EFFECTS,
    check_evidence,
    prior_draws,
    training_draws,
)
from conflictsim.organisation import PRESETS, Organisation
from conflictsim.params import Params
from conflictsim.scenario import DAYS_PER_MONTH, Scenario
from conflictsim.training import Training

#: Severity classes, in the order of the engine's counts.
_SEVERITY = {"minor": 0, "major": 1, "critical": 2}
#: Width of the kernel, as a share of each study's standard error.
BANDWIDTH = 0.5
#: Draws from each prior for the update, and sets kept in a stored posterior.
DRAWS = 3000
KEPT = 4000
#: Seed of the update and of the virtual trials' organisations and trainees.
SEED = 1
#: Added to every count before taking logs (a study with no incident in a period).
_HALF = 0.5


@dataclass(frozen=True)
class Design:
    """How a study is run through the model.

    Attributes:
        preset: The preset whose organisation stands for the study's setting.
        teams: Teams in the virtual organisation (each a ward, unit or squad).
        trained_teams: How many teams are trained (the first ones), or, with
            ``select="hottest"``, how many of the teams with the most incidents before
            training are studied (and trained by the hotspot rule, whole teams up to
            ``trained_share`` of everyone).
        trained_share: Share of the staff of trained teams who are trained (of
            everyone, for ``person`` and ``hottest`` designs).
        estimator: ``post-only`` (trained teams against the others after training),
            ``before-after`` (trained teams, after against before),
            ``controlled before-after`` (that change against the others' change) or
            ``person`` (trained people against the others, after training).
        baseline_days: Days counted before training (0: none).
        gap_days: Days from training to the start of the follow-up.
        followup_days: Days counted after training.
        severities: Severities the study counted.
        counting: ``records`` (thinned by each severity's reporting rate) or ``all``
            (every conflict: staff reporting their own, or mandatory reports).
        select: ``fixed`` (the first teams) or ``hottest`` (the teams with the most
            recorded incidents before training; regression to the mean included).
    """

    preset: str
    teams: int
    trained_teams: int
    trained_share: float
    estimator: str
    baseline_days: int
    followup_days: int
    severities: tuple[str, ...] = ("major", "critical")
    counting: str = "records"
    gap_days: int = 0
    select: str = "fixed"

    @property
    def days(self) -> int:
        """Days simulated after the warm-up: the baseline, the gap and the follow-up."""
        return self.baseline_days + self.gap_days + self.followup_days


@dataclass(frozen=True)
class Trial:
    """A published study of training on incidents, and its virtual trial.

    Attributes:
        name: Short id (``cs.replicate_trial(name)``).
        programme: The model's programme closest to the training studied.
        citation: Authors, year, journal.
        setting: Where, in words.
        design_text: The study's design, in words.
        trained: Who was trained, in words.
        follow_up: The follow-up, in words.
        outcome: What was counted and how.
        estimate: The relative change in incidents (rate ratio - 1) as published.
        low: The 95% interval's low end.
        high: Its high end.
        how: Where the interval comes from: ``published``, ``derived: ...`` or
            ``judgement: ...``.
        source: Where the numbers were read.
        design: The virtual trial (assumptions where the study is silent: ``assumed``).
        assumed: What the virtual trial assumes that the study does not say.
        used: Whether the study updates the evidence settings.
    """

    name: str
    programme: str
    citation: str
    setting: str
    design_text: str
    trained: str
    follow_up: str
    outcome: str
    estimate: float
    low: float
    high: float
    how: str
    source: str
    design: Design
    assumed: str
    used: bool = True

    @property
    def log_estimate(self) -> float:
        """The published estimate as a log rate ratio."""
        return float(np.log1p(self.estimate))

    @property
    def log_se(self) -> float:
        """The standard error of the log rate ratio, from the 95% interval."""
        return float((np.log1p(self.high) - np.log1p(self.low)) / (2 * 1.959963984540054))


_M = DAYS_PER_MONTH

#: The encoded studies (EVIDENCE.md; docs/validation.md lists those read and not encoded).
TRIALS: tuple[Trial, ...] = (
    Trial(
        "khan2021",
        "deescalation",
        "Khan et al. 2021, BMJ Open 11:e044213",
        "emergency departments of two tertiary hospitals, Peshawar, Pakistan",
        "comparison after training of a hospital whose ED staff were trained with one "
        "whose staff were not (comparative cross-sectional)",
        "ED health care staff of the intervention hospital, half a day of de-escalation "
        "training (ICRC Health Care in Danger)",
        "violence in the five months before the survey",
        "violence staff experienced, by their own account (a staff survey)",
        0.0,
        -0.30,
        0.30,
        "judgement: the paper reports that training did not reduce violence; the copies "
        "read give no counts, so a relative change of 0 with a 95% interval of +-30%, "
        "what a two-site staff survey could tell apart, is a judgement",
        "https://bmjopen.bmj.com/content/11/6/e044213",
        Design(
            "hospital_ward", 64, 32, 0.7, "post-only", 0, int(round(5 * _M)), counting="all"
        ),  # fmt: skip
        "a ward team of the hospital_ward preset is a unit; 32 units trained and 32 not "
        "(so that the virtual trial's own chance is below the study's interval), 70% of a "
        "trained unit's staff trained; the model's de-escalation programme (a day) stands "
        "for half a day; violence is a major or critical conflict",
    ),
    Trial(
        "baig2018",
        "deescalation",
        "Baig et al. 2018, Pak J Med Sci 34(2):294-299",
        "emergency and obstetric departments of two public teaching hospitals, Karachi",
        "quasi-experimental: trained against untrained staff after training",
        "health care providers of the intervention group (APPNA de-escalation training)",
        "after training (length not given in the copies read)",
        "how often staff faced violence, by their own account (structured interviews)",
        0.0,
        -0.30,
        0.30,
        "judgement: no significant difference in how often staff faced violence; no "
        "counts in the copies read, so 0 with +-30% is a judgement",
        "Pak J Med Sci 2018;34(2):294-299 (IMEMR abstract)",
        Design(
            "hospital_ward", 96, 48, 0.5, "post-only", 0, int(round(3 * _M)), counting="all"
        ),  # fmt: skip
        "48 ward teams trained and 48 not, half of a trained team's staff trained; three "
        "months of follow-up; violence is a major or critical conflict",
    ),
    Trial(
        "whittington1996",
        "deescalation",
        "Whittington & Wykes 1996, J Clin Nurs 5(4):257-261 (in Price et al. 2015)",
        "the 13 wards with the most violence in two London psychiatric hospitals",
        "before and after training on the wards taking part (47 trained nurses, 108 not)",
        "47 of 155 nurses, one day (risk assessment, diffusion, after an assault)",
        "before and after training (periods not given in the copies read)",
        "assaults on staff in the wards' records",
        -0.31,
        -0.55,
        0.05,
        "judgement: the paper gives a 31% lower rate without an interval in the copies "
        "read, and a clearly significant fall only on wards that sent most of their "
        "staff; an interval from -55% to +5% is a judgement",
        "J Clin Nurs 1996;5(4):257-261 (abstract; Cochrane CD011860 characteristics table)",
        Design(
            "hospital_ward",
            26,
            13,
            0.15,
            "before-after",
            int(round(6 * _M)),
            int(round(6 * _M)),
            select="hottest",
        ),  # fmt: skip
        "26 wards of ten staff, the 13 with the most recorded major or critical conflicts "
        "in the six months before studied; whole wards trained, the hottest first, up to "
        "15% of everyone (about 30% of the studied wards' staff); six months before and "
        "after",
    ),
    Trial(
        "gates2005",
        "deescalation",
        "Gates, Fitzwater & Succop 2005, Nurs Res 54(2):119-127",
        "six nursing homes, nursing assistants",
        "cluster randomised: three homes trained, three not; before and six months after",
        "nursing assistants of the three intervention homes (138 in the study)",
        "80 working hours before training and again six months after",
        "assaults by residents, logged by the nursing assistants themselves",
        0.0,
        -0.40,
        0.40,
        "judgement: no significant effect of training on assaults; no counts in the "
        "copies read, so 0 with +-40% (three homes an arm) is a judgement",
        "https://www.cdc.gov/niosh/nioshtic-2/20024306.html",
        Design(
            "hospital_ward",
            96,
            48,
            0.6,
            "controlled before-after",
            10,
            10,
            severities=("minor", "major", "critical"),
            counting="all",
            gap_days=int(round(6 * _M)) - 10,
        ),  # fmt: skip
        "ward teams of the hospital_ward preset, 48 trained and 48 not; 60% of a trained "
        "team's staff trained; two working weeks counted before and six months after; "
        "every conflict a nursing assistant logs (residents' aggression is mostly minor)",
    ),
    Trial(
        "taheri2016",
        "deescalation",
        "Taheri 2016, Criminal Justice Policy Review 27(1):76-96",
        "police forces with crisis intervention teams (meta-analysis)",
        "CIT-trained officers against others (the studies pooled)",
        "crisis intervention team officers (a 40-hour course)",
        "as in the pooled studies",
        "officer safety (injuries)",
        0.0,
        -0.56,
        1.27,
        "derived: the abstract gives d = -0.30 (p = .191) for officer safety without an "
        "interval or the direction of d; the width is from the p value (SE 0.23 in d) "
        "as a log odds ratio (1.81 d, Chinn 2000), centred on no effect because the "
        "direction was not verified",
        "Crim Justice Policy Rev 2016;27(1):76-96 (abstract)",
        Design(
            "call_centre",
            10,
            0,
            0.25,
            "person",
            0,
            250,
            severities=("minor", "major", "critical"),
            counting="all",
        ),  # fmt: skip
        "officers are call_centre staff (nearly all meet the public all day); a quarter "
        "trained; a year; every conflict an officer is party to",
    ),
    Trial(
        "engel2022",
        "deescalation",
        "Engel, Corsaro, Isaza & McManus 2022, Criminology & Public Policy 21(2):199-233",
        "Louisville Metro Police Department (ICAT de-escalation training)",
        "stepped-wedge randomised roll-out over the department's patrol divisions",
        "every patrol officer of a division, when its step came",
        "about a year of department records",
        "use-of-force incidents in police records",
        -0.281,
        -0.45,
        -0.05,
        "judgement: the paper reports a 28.1% fall in use of force, significant; no "
        "interval in the copies read, so -45% to -5% is a judgement",
        "https://crimesolutions.ojp.gov/ratedprograms/integrating-communications-"
        "assessment-and-tactics-icat-de-escalation-training",
        Design(
            "call_centre",
            64,
            32,
            1.0,
            "controlled before-after",
            int(round(6 * _M)),
            int(round(6 * _M)),
            counting="all",
        ),  # fmt: skip
        "a squad is a team of the call_centre preset; 32 of 64 trained whole; six months "
        "before and after; use of force is a major or critical conflict, every one "
        "reported (use-of-force reports are mandatory)",
    ),
)

TRIAL_NAMES = tuple(t.name for t in TRIALS)


def trial(name: str) -> Trial:
    """The encoded study called ``name``.

    Raises:
        ValueError: Naming the studies there are.
    """
    for t in TRIALS:
        if t.name == name:
            return t
    raise ValueError(f"unknown trial {name!r}; choose one of {', '.join(TRIAL_NAMES)}")


def trials() -> pd.DataFrame:
    """The encoded studies, one row each.

    Returns:
        ``name``, ``programme``, ``setting``, ``design``, ``trained``, ``follow_up``,
        ``outcome``, ``estimate``, ``low``, ``high`` (the relative change in incidents
        and its 95% interval), ``how`` (published, derived or a judgement), ``source``,
        ``citation``, ``virtual`` (what the virtual trial assumes) and ``used``
        (whether it updates the evidence settings).
    """
    return pd.DataFrame(
        [
            {
                "name": t.name,
                "programme": t.programme,
                "setting": t.setting,
                "design": t.design_text,
                "trained": t.trained,
                "follow_up": t.follow_up,
                "outcome": t.outcome,
                "estimate": t.estimate,
                "low": t.low,
                "high": t.high,
                "how": t.how,
                "source": t.source,
                "citation": t.citation,
                "virtual": t.assumed,
                "used": t.used,
            }
            for t in TRIALS
        ]
    )


#: Programmes in words, for sentences.
_PROGRAMME_WORDS = {
    "deescalation": "de-escalation",
    "active_listening": "active listening",
    "emotional_regulation": "emotional regulation",
}


def findings_text(programme: str, where: str = "cs.trials()") -> str:
    """What the encoded studies of a programme found about incidents, in a sentence.

    Args:
        programme: A programme kind.
        where: Where a reader finds the studies (``cs.trials()``, the Assumptions page).
    """
    found = [t for t in TRIALS if t.programme == programme]
    words = _PROGRAMME_WORDS.get(programme, programme)
    if not found:
        return (
            f"No controlled study of {words} training with an incident outcome could be "
            "encoded; what it does to conflict rests on the skill studies and the evidence "
            "setting."
        )
    low = min(t.estimate for t in found)
    high = max(t.estimate for t in found)
    clear = sum(t.high < 0 for t in found)

    def pct(v: float) -> str:
        return "no change" if round(v * 100) == 0 else f"{v:+.0%}"

    return (
        f"The {len(found)} studies of {words} training on incidents encoded here ({where}) "
        f"found changes from {pct(low)} to {pct(high)}, {clear} of them clearly below no "
        "change."
    )


# ---------------------------------------------------------------------------- virtual trials
@dataclass(frozen=True)
class VirtualTrial:
    """A study's design as a scenario, and how its estimate is read off the runs."""

    trial: Trial
    org: Organisation
    scenario: Scenario
    trained_teams: np.ndarray = field(repr=False)
    staff_of_team: np.ndarray = field(repr=False)

    @classmethod
    def of(cls, t: Trial, seed: int = SEED) -> VirtualTrial:
        """The virtual trial of a study, its organisation and trainees fixed by ``seed``."""
        d = t.design
        team_size = _team_size(d.preset)
        org = Organisation.generate(d.teams * team_size, d.preset, seed=seed)
        staff = np.bincount(org.team, minlength=len(org.team_names))
        rng = np.random.default_rng([int(seed), 0x7A1])
        if d.select == "hottest":
            prog = Training(t.programme, target="hotspots", coverage=d.trained_share,
                            start_day=d.baseline_days, lead_in_days=d.baseline_days)  # fmt: skip
            teams = np.arange(0)  # chosen by each run
        else:
            if d.estimator == "person":
                pool = np.arange(org.size)
                teams = np.arange(0)
            else:  # trained teams at random, so that no part of the structure favours them
                teams = np.sort(rng.choice(len(org.team_names), d.trained_teams, replace=False))
                pool = np.flatnonzero(np.isin(org.team, teams))
            n = int(round(d.trained_share * pool.size))
            chosen = np.sort(rng.choice(pool, size=n, replace=False))
            prog = Training(t.programme, target=[str(i) for i in org.ids[chosen]],
                            start_day=d.baseline_days)  # fmt: skip
        scn = Scenario(org, Params(), programmes=[prog], days=d.days)
        return cls(t, org, scn, teams, staff)

    def run(self, params: list[Params], seed: int, first: int = 0) -> np.ndarray:
        """The estimate the study would have reported in each world (log rate ratios).

        Args:
            params: One parameter set per world (the baseline and the training effects).
            seed: Seed of the runs (replicate ``first + k`` is world ``k``).
            first: The first replicate's id.
        """
        d = self.trial.design
        res = simulate(
            self.scenario,
            len(params),
            seed,
            first_replicate=first,
            replicate_params=params,
            record_teams=True,
        )
        sev = [_SEVERITY[s] for s in d.severities]
        if d.estimator == "person":
            trained = res.trained
            own = res.employee_conflicts.astype(float)
            a = (own * trained).sum(axis=1) + _HALF
            b = (own * ~trained).sum(axis=1) + _HALF
            return np.log(a / trained.sum(axis=1)) - np.log(b / (~trained).sum(axis=1))
        out = np.empty(len(params))
        pre = slice(1, d.baseline_days + 1)
        start = d.baseline_days + d.gap_days + 1
        post = slice(start, start + d.followup_days)
        for k, rep in enumerate(res.replicate_ids):
            if d.counting == "records":
                reported = res.reported(int(rep))  # (days, teams, 3), day 1 first
                counts = np.concatenate([np.zeros_like(reported[:1]), reported])
            else:
                counts = res.incident_daily[k]
            per_team = counts[:, :, sev].sum(axis=2)  # (days + 1, teams)
            before, after = per_team[pre].sum(axis=0), per_team[post].sum(axis=0)
            if d.select == "hottest":
                order = np.argsort(-before, kind="stable")
                studied = np.zeros(len(before), dtype=bool)
                studied[order[: d.trained_teams]] = True
            else:
                studied = np.isin(np.arange(len(before)), self.trained_teams)
            out[k] = _estimate(d, before, after, studied, self.staff_of_team)
        return out


def _estimate(d: Design, before, after, studied, staff) -> float:
    """One run's estimate: a log rate ratio by the study's estimator."""
    t_pre, t_post = before[studied].sum() + _HALF, after[studied].sum() + _HALF
    c_pre, c_post = before[~studied].sum() + _HALF, after[~studied].sum() + _HALF
    if d.estimator == "post-only":
        return float(np.log(t_post / staff[studied].sum()) - np.log(c_post / staff[~studied].sum()))
    change = np.log(t_post / d.followup_days) - np.log(t_pre / d.baseline_days)
    if d.estimator == "before-after":
        return float(change)
    control = np.log(c_post / d.followup_days) - np.log(c_pre / d.baseline_days)
    return float(change - control)


def _team_size(preset: str) -> int:
    return PRESETS[preset].team_size


@functools.cache
def baseline_sets(preset: str) -> Calibration:
    """The stored calibration of a preset: the baselines of the worlds of its trials."""
    return Calibration.load(folder(preset))


def world_params(preset: str, effects: pd.DataFrame) -> list[Params]:
    """One parameter set per world: the preset's baseline set ``k`` (cycling), effects ``k``."""
    cal = baseline_sets(preset)
    base = {k: v for k, v in cal.base.items() if k not in TRAINING_EFFECTS}
    rows = cal.draws.drop(columns=list(TRAINING_EFFECTS), errors="ignore")
    out = []
    for k in range(len(effects)):
        values = {**base, **rows.iloc[k % len(rows)].to_dict(), **effects.iloc[k].to_dict()}
        out.append(Params(**{name: float(v) for name, v in values.items()}))
    return out


#: Worlds of the pilot that measures a virtual trial's own chance.
PILOT_WORLDS = 200


@functools.cache
def chance_sd(name: str, seed: int = SEED) -> float:
    """The spread of a virtual trial's estimate where training does nothing.

    Every training effect 0, so what is left is the virtual trial's own chance (and
    where its baseline worlds differ): the standard deviation of the log estimate over
    ``PILOT_WORLDS`` worlds, run on a replicate stream of its own.
    """
    t = trial(name)
    none = pd.DataFrame({e: np.zeros(PILOT_WORLDS) for e in TRAINING_EFFECTS})
    y = VirtualTrial.of(t, seed).run(world_params(t.design.preset, none), seed, first=10**6)
    return float(y.std(ddof=1))


def missing_chance(t: Trial, seed: int = SEED) -> float:
    """The study's chance the virtual trial does not carry (SD on the log scale).

    A virtual trial is at least as large as the study it stands for, so that its own
    chance is no more than the study's (``chance_sd``); the rest of the study's
    standard error (its sites, the counts the copies read do not give) is this.
    """
    return float(np.sqrt(max(t.log_se**2 - chance_sd(t.name, seed) ** 2, 0.0)))


def kernel_width(t: Trial, seed: int = SEED) -> float:
    """The ABC kernel's width for a study: its missing chance, at least ``BANDWIDTH`` SEs.

    With a virtual trial as precise as the study, the kernel is a small tolerance; with
    one more precise, it supplies the chance the study had and the virtual trial has
    not, so each study weighs as much as its interval says.
    """
    return float(max(missing_chance(t, seed), BANDWIDTH * t.log_se))


@dataclass
class TrialReplication:
    """A study replicated through the model, world by world.

    Attributes:
        trial: The study.
        evidence: The evidence setting the worlds' training effects came from.
        given_trials: Whether they came from its posterior given the trials.
        estimates: One row per world: ``world``, the training effects, ``log_estimate``
            and ``estimate`` (the relative change in incidents the study would have
            reported).
        summary: ``estimate``, ``low``, ``high`` (as published); ``simulated_median``,
            ``simulated_low``, ``simulated_high`` (the middle 90% of the estimates);
            ``covers`` (the published estimate lies in that range).
    """

    trial: Trial
    evidence: str
    given_trials: bool
    estimates: pd.DataFrame
    summary: dict[str, Any]


def replicate_trial(
    name: str,
    evidence: str = "central",
    worlds: int = 200,
    seed: int = 1,
    *,
    given_trials: bool = True,
) -> TrialReplication:
    """Simulate a study's design through the model and give what it would have reported.

    Args:
        name: A study of ``trials()``.
        evidence: ``sceptical``, ``central`` or ``enthusiastic``: what training does at
            work, drawn world by world.
        worlds: Plausible worlds (each a baseline parameter set of the study's preset's
            stored calibration, a draw of the training effects and one run).
        seed: Seed of the draws and runs.
        given_trials: Draw the training effects from the setting's posterior given the
            trials (the default), or from its prior (to see what the trials changed).

    Returns:
        The replication: one estimate per world and a summary against the published
        estimate.

    Raises:
        ValueError: For an unknown study or setting, or fewer than 2 worlds.
    """
    t = trial(name)
    check_evidence(evidence)
    if isinstance(worlds, bool) or not isinstance(worlds, (int, np.integer)) or worlds < 2:
        raise ValueError(f"worlds must be a whole number of at least 2, got {worlds!r}")
    draw = training_draws if given_trials else prior_draws
    effects = draw(evidence, int(worlds), int(seed))
    log_est = VirtualTrial.of(t).run(world_params(t.design.preset, effects), int(seed))
    # The study's chance the virtual trial does not carry, world by world.
    noise = np.random.default_rng([int(seed), 0x7A2]).standard_normal(int(worlds))
    log_est = log_est + missing_chance(t) * noise
    est = np.expm1(log_est)
    frame = pd.DataFrame({"world": np.arange(int(worlds)), **effects.to_dict("list"),
                          "log_estimate": log_est, "estimate": est})  # fmt: skip
    low, mid, high = np.quantile(est, [0.05, 0.5, 0.95])
    summary = {
        "estimate": t.estimate,
        "low": t.low,
        "high": t.high,
        "simulated_median": float(mid),
        "simulated_low": float(low),
        "simulated_high": float(high),
        "covers": bool(low <= t.estimate <= high),
    }
    return TrialReplication(t, evidence, bool(given_trials), frame, summary)


# ---------------------------------------------------------------------------- the update
def posterior(
    setting: str,
    draws: int = DRAWS,
    kept: int = KEPT,
    seed: int = SEED,
    studies: tuple[Trial, ...] | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """An evidence setting's prior updated by the trials (ABC with a Gaussian kernel).

    Args:
        setting: ``sceptical``, ``central`` or ``enthusiastic``.
        draws: Draws from the prior, each running every virtual trial once.
        kept: Equally weighted sets resampled from the weighted draws.
        seed: Seed of the draws, the runs and the resampling.
        studies: The studies to update by (default: those of ``TRIALS`` marked used).

    Returns:
        The posterior's sets (a column per training effect) and how it was made: the
        draws, the effective sample size of the weights, the share of the belief on no
        effect before and after, and each study's estimate against the prior's and the
        posterior's simulated middle 90%.
    """
    check_evidence(setting)
    studies = tuple(t for t in TRIALS if t.used) if studies is None else tuple(studies)
    effects = prior_draws(setting, draws, seed)
    log_w = np.zeros(draws)
    simulated = {}
    widths = {}
    for t in studies:
        y = VirtualTrial.of(t).run(world_params(t.design.preset, effects), seed)
        simulated[t.name] = y
        mean, spread = expected_estimate(effects, y)
        # The published estimate's own chance, and how much the expected estimate
        # differs between the baseline worlds at the same training effects (what is
        # left of the runs' spread around the regression once their chance is out).
        between = max(spread**2 - chance_sd(t.name) ** 2, 0.0)
        widths[t.name] = width = float(np.sqrt(t.log_se**2 + between))
        log_w += -0.5 * ((mean - t.log_estimate) / width) ** 2
    w = np.exp(log_w - log_w.max())
    w /= w.sum()
    ess = float(1.0 / (w**2).sum())
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([int(seed), 0xAB5])))
    picks = np.searchsorted(np.cumsum(w), (rng.random() + np.arange(kept)) / kept)
    picks = np.minimum(picks, draws - 1)
    sets = effects.iloc[picks].reset_index(drop=True)
    nothing = (effects == 0).all(axis=1).to_numpy()
    about = {
        "setting": setting,
        "method": "ABC with a Gaussian kernel on each study's log rate ratio (Beaumont, "
        "Zhang & Balding 2002) as wide as the study's chance that its virtual trial does "
        "not carry, at least half its standard error; every virtual trial run once per "
        "draw of the prior; systematic resampling",
        "draws": int(draws),
        "kept": int(kept),
        "seed": int(seed),
        "bandwidth": BANDWIDTH,
        "effective_draws": round(ess, 1),
        "no_effect_prior": round(float(nothing.mean()), 4),
        "no_effect_posterior": round(float(w[nothing].sum()), 4),
        "studies": {
            t.name: {
                "estimate": t.estimate,
                "log_se": round(t.log_se, 4),
                "chance_sd": round(chance_sd(t.name), 4),
                "kernel": round(widths[t.name], 4),
                "prior_90": [
                    round(float(v), 4)
                    for v in np.expm1(np.quantile(simulated[t.name], [0.05, 0.95]))
                ],
                "posterior_90": [
                    round(float(v), 4)
                    for v in np.expm1(_weighted_quantiles(simulated[t.name], w, [0.05, 0.95]))
                ],
            }  # fmt: skip
            for t in studies
        },
        "means": {
            name: {
                "prior": round(float(effects[name].mean()), 4),
                "posterior": round(float((effects[name] * w).sum()), 4),
            }
            for name in TRAINING_EFFECTS
        },
    }
    return sets, about


def expected_estimate(effects: pd.DataFrame, y: np.ndarray) -> tuple[np.ndarray, float]:
    """A virtual trial's expected estimate at each draw's training effects, and the spread.

    A ridge regression of the runs' estimates on cubic splines of each training effect
    and their product (penalty by generalised cross-validation, scikit-learn): the mean
    of the synthetic likelihood (Wood 2010) as a smooth function of the effects, so
    that each run's chance does not decide its draw's weight.

    Returns:
        The fitted expected estimate of each draw, and the SD of the runs around it.
    """
    from sklearn.linear_model import RidgeCV
    from sklearn.preprocessing import SplineTransformer

    x = effects[list(TRAINING_EFFECTS)].to_numpy(float)
    parts = [x, (x[:, 0] * x[:, 1])[:, None]]
    for j in range(x.shape[1]):
        if np.ptp(x[:, j]) > 0:
            parts.append(SplineTransformer(n_knots=6, degree=3).fit_transform(x[:, [j]]))
    basis = np.hstack(parts)
    model = RidgeCV(alphas=np.logspace(-4, 3, 15)).fit(basis, y)
    fitted = model.predict(basis)
    return fitted, float(np.std(y - fitted, ddof=1))


def _weighted_quantiles(values: np.ndarray, weights: np.ndarray, qs: list[float]) -> np.ndarray:
    order = np.argsort(values)
    cum = np.cumsum(weights[order])
    return values[order][np.minimum(np.searchsorted(cum, qs), len(values) - 1)]


def write_posteriors(settings: tuple[str, ...] = EVIDENCE, draws: int = DRAWS) -> None:
    """Update every setting by the trials and store the posteriors (CSV and JSON)."""
    POSTERIORS.mkdir(parents=True, exist_ok=True)
    for s in settings:
        start = time.perf_counter()
        sets, about = posterior(s, draws=draws)
        about["seconds"] = round(time.perf_counter() - start, 1)
        about["command"] = "uv run python experiments/store_evidence.py"
        sets.to_csv(POSTERIORS / f"{s}.csv", index=False, float_format="%.6g")
        (POSTERIORS / f"{s}.json").write_text(json.dumps(about, indent=2) + "\n", "utf-8")
        print(
            f"{s}: effective draws {about['effective_draws']:.0f} of {draws}; no effect "
            f"{about['no_effect_prior']:.0%} -> {about['no_effect_posterior']:.0%}; "
            f"{about['seconds']:.0f} s"
        )
