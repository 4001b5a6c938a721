"""The best plan for a budget: every candidate plan raced over plausible worlds.

A plan is one or two training programmes (what, for whom, how many, from when, with or
without refreshers) whose planned cost fits the budget. Each is run over the same
plausible worlds (a calibration's parameter sets with the training effects drawn from an
evidence setting) with common random numbers: world ``k`` of every plan runs replicate
``k``, seed and parameter set alike, so the differences between plans are paired and far
less noisy than separate runs (Law 2015, Simulation Modeling and Analysis, ch. 11).

The search races the plans (successive halving of the candidates over doubling numbers
of worlds; Jamieson & Talwalkar 2016; racing as in Maron & Moore 1997): every plan is run
on the first worlds, a plan whose expected net benefit is clearly below the leader's
(the upper end of a one-sided 99.9% interval of the paired difference below zero) is
dropped, and the survivors are given more worlds until all worlds are run. What is kept
for each plan that reaches the end is the health-economics decision table: expected net
benefit with its 90% interval over worlds, how often it pays, how often it is best
(Briggs et al. 2006, Decision Modelling for Health Economic Evaluation, ch. 5), its regret
(the 90th percentile of the shortfall against the best plan of each world; Rhodium, after
Savage 1951) and its break-even.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.tree import DecisionTreeClassifier

from conflictsim.comparison import mean_ci, uncertainty_interval, worlds_of
from conflictsim.experiment.spec import evidence_sets
from conflictsim.runs import run_arm
from conflictsim.scenario import DAYS_PER_MONTH, Scenario
from conflictsim.training import KINDS, Training, eligible
from conflictsim.words import PROGRAMME_LABELS, listed, number_text, parameter_label, percent

#: The plan that trains nobody: every plan's reference, always in the table.
NO_TRAINING = "No training"

#: Who a plan trains, as the end of its name ("... for 24 managers").
WHO = {
    "random": "people drawn at random",
    "managers": "managers",
    "customer_facing": "customer-facing staff",
    "best_connected": "best-connected people",
    "hotspots": "people in the teams with the most conflict",
    "whole_teams": "people in whole teams",
}

#: Days between refresher sessions when a plan has them: six months, as the dashboard offers.
REFRESHER_DAYS = round(6 * DAYS_PER_MONTH)

#: Days before the first session over which ``hotspots`` finds the hot teams
#: (``Training.lead_in_days``'s default; the dashboard's ``HOTSPOT_LEAD_IN_DAYS``).
HOTSPOT_LEAD_IN = 20

#: A plan is dropped when its expected net benefit is below the leader's with this
#: one-sided confidence (Student's t on the paired differences of the worlds run so far):
#: clearly worse, not merely behind by chance.
DROP_CONFIDENCE = 0.999


@dataclass(frozen=True)
class Candidate:
    """A plan: its programmes, planned trainees and planned cost (nobody leaving)."""

    name: str
    programmes: tuple[Training, ...]
    trainees: int
    planned_cost: float


def plan_name(programmes: Sequence[Training], trainees: Sequence[int]) -> str:
    """A plan in words: ``De-escalation for 24 managers, refreshers every 125 days``."""
    if not programmes:
        return NO_TRAINING
    kinds = " and ".join(
        PROGRAMME_LABELS[p.kind] if i == 0 else PROGRAMME_LABELS[p.kind].lower()
        for i, p in enumerate(programmes)
    )
    first = programmes[0]
    who = WHO.get(first.target, "listed people") if isinstance(first.target, str) else "listed"
    count = " + ".join(f"{n:,}" for n in trainees)
    text = f"{kinds} for {count} {who}"
    if first.start_day > 0:
        text += f", from day {first.start_day}"
    if first.refresher_days is not None:
        text += f", refreshers every {first.refresher_days} days"
    return text


def candidates(
    scenario: Scenario,
    budget: float,
    *,
    kinds: Sequence[str] = tuple(KINDS),
    targets: Sequence[str] | None = None,
    shares: Sequence[float] = (1.0, 0.5),
    starts: Sequence[int] = (0,),
    refreshers: Sequence[int | None] = (None, REFRESHER_DAYS),
    pairs: bool = True,
    prices: dict[str, dict[str, float]] | None = None,
) -> list[Candidate]:
    """Every plan within the budget: programme x who x how many x start x refreshers.

    How many is a share of the budget (the most people it pays for, or the whole group
    when the group is smaller); pairs split the budget between two programmes for the
    same people. Plans that would train the same people alike appear once.

    Args:
        scenario: The organisation, parameters (the wage) and horizon.
        budget: The most to spend: fees plus working hours at the wage, refreshers
            included (``Training.budget``).
        kinds: Programmes to consider.
        targets: Targeting rules (default: every rule that reaches someone here).
        shares: Shares of the budget a plan may spend.
        starts: Days of the first session (``hotspots`` starts after its lead-in).
        refreshers: Days between refreshers, or None for none.
        pairs: Whether to add pairs of programmes (half the budget each).
        prices: Your prices per programme: ``{"deescalation": {"cost_per_trainee": 420,
            "hours_per_trainee": 6, "cost_per_session": 1500}}`` (any of the three;
            the rest the programme's defaults).

    Raises:
        ValueError: For a negative budget or an unknown programme or rule.
    """
    if not (isinstance(budget, int | float) and math.isfinite(budget) and budget >= 0):
        raise ValueError(f"budget must be a sum of at least 0, got {budget!r}")
    org, params, days = scenario.org, scenario.params, scenario.days
    if targets is None:
        targets = [
            t
            for t in WHO
            if eligible(Training("deescalation", target=t, start_day=HOTSPOT_LEAD_IN), org).size
        ]
    prices = prices or {}
    singles = [
        Training(
            kind,
            target=target,
            budget=budget * share,
            start_day=start,
            refresher_days=every,
            **prices.get(kind, {}),
        )
        for kind, target, start, every in _schedules(kinds, targets, starts, refreshers, days)
        for share in shares
    ]
    plans = [(p,) for p in singles] + (_pairs(singles, budget) if pairs else [])
    out, seen = [], set()
    for progs in plans:
        counts = [p.planned_headcount(org, params, days) for p in progs]
        # The same people trained alike: a larger share of the budget buys nobody more.
        key = tuple(
            (p.kind, p.target, n, p.start_day, p.refresher_days)
            for p, n in zip(progs, counts, strict=True)
        )
        if min(counts) == 0 or key in seen:
            continue
        seen.add(key)
        fixed = tuple(_with_headcount(p, n) for p, n in zip(progs, counts, strict=True))
        cost = sum(p.planned_cost(org, params, days) for p in fixed)
        out.append(Candidate(plan_name(fixed, counts), fixed, sum(counts), cost))
    return out


def _schedules(kinds, targets, starts, refreshers, days: int):
    """Programme, who, first day and refresher interval of each plan within the horizon."""
    for kind in kinds:
        for target in targets:
            for start in starts:
                start = max(start, HOTSPOT_LEAD_IN) if target == "hotspots" else start
                for every in refreshers:
                    # A refresher that would fall after the horizon is no plan of its own.
                    if start < days and (every is None or start + every < days):
                        yield kind, target, start, every


def _pairs(singles: Sequence[Training], budget: float) -> list[tuple[Training, Training]]:
    """Two programmes for the same people, on the same days, half the budget each."""
    whole = [p for p in singles if p.budget == budget]
    return [
        (_with_budget(a, budget / 2), _with_budget(b, budget / 2))
        for i, a in enumerate(whole)
        for b in whole[i + 1 :]
        if a.kind != b.kind
        and (a.target, a.start_day, a.refresher_days) == (b.target, b.start_day, b.refresher_days)
    ]


def _with_budget(prog: Training, budget: float) -> Training:
    return replace(prog, budget=budget)


def _with_headcount(prog: Training, n: int) -> Training:
    """The same programme for its planned number of people (what the table shows)."""
    return replace(prog, budget=None, headcount=n)


@dataclass
class Plans:
    """The plans that reached the end of the race, and what the race dropped.

    Attributes:
        table: One row per plan kept to the end, and ``No training``; best first:
            ``plan``, ``programmes`` (list of ``Training``), ``trainees``, ``cost``
            (training, mean over worlds), ``planned_cost``, ``net_benefit`` (expected),
            ``ci_low``, ``ci_high`` (its 95% interval: simulation noise in the mean),
            ``ui_low``, ``ui_high`` (90% of worlds), ``net_benefit_cash``,
            ``net_benefit_time``, ``conflicts_avoided``, ``conflicts_avoided_share``,
            ``p_pays`` (share of worlds where it pays), ``p_best`` (share of worlds where
            it has the highest net benefit of these plans), ``regret`` (90th percentile
            over worlds of its shortfall against the best plan of each world),
            ``break_even`` (the fewest conflicts avoided at which it pays),
            ``break_even_share``, ``worlds``.
        dropped: The plans dropped on the way: ``plan``, ``cost``, ``worlds`` (run
            before it was dropped), ``net_benefit`` (its mean over them), ``behind``
            (the leader's mean minus its own, on the same worlds), ``upper`` (the upper
            end of the interval of that difference, below 0).
        frontier: Cost against conflicts avoided: the plans no cheaper plan beats
            (``plan``, ``cost``, ``conflicts_avoided``, ``worlds``: each plan over the worlds
            it was run on, all of them for the plans of ``table``).
        worlds: One row per world: the values of the uncertain parameters it ran with.
        per_world: Net benefit of each plan of ``table`` in each world (worlds x plans).
        baseline: The runs without training, one row per world (``summary`` columns).
        budget: The budget.
        evidence: The evidence setting.
        candidates: How many plans were considered.
        runs: Simulated runs (plan-worlds), the baseline's included.
        first_worlds: Worlds every plan was run in before any was dropped.
    """

    table: pd.DataFrame
    dropped: pd.DataFrame
    frontier: pd.DataFrame
    worlds: pd.DataFrame
    per_world: pd.DataFrame
    baseline: pd.DataFrame
    budget: float
    evidence: str
    candidates: int
    runs: int
    first_worlds: int

    @property
    def best(self) -> list[Training]:
        """The recommended plan's programmes (empty: training does not pay here)."""
        return list(self.table.iloc[0]["programmes"])

    @property
    def recommended(self) -> str:
        """The recommended plan's name."""
        return str(self.table.iloc[0]["plan"])

    def when_it_fails(self, plan: str | None = None) -> Failure:
        """Where a plan fails to pay: scenario discovery over the worlds (CART).

        Args:
            plan: A plan of ``table`` (default: the recommended one).
        """
        plan = self.recommended if plan is None else plan
        if plan not in self.per_world or plan == NO_TRAINING:
            raise ValueError(f"no plan {plan!r} in the table; choose one of its plans")
        return failure_box(self.worlds, self.per_world[plan].to_numpy() <= 0)


@dataclass(frozen=True)
class Failure:
    """Where a plan fails to pay, as a box of the uncertain parameters.

    Attributes:
        share: Share of all worlds where it fails.
        conditions: The box: ``(parameter, "below" or "above", threshold)`` each.
        density: Share of the worlds in the box where it fails.
        coverage: Share of all its failures that fall in the box.
        text: The same in plain words.
    """

    share: float
    conditions: tuple[tuple[str, str, float], ...]
    density: float
    coverage: float
    text: str


def failure_box(worlds: pd.DataFrame, fails: np.ndarray, depth: int = 2) -> Failure:
    """The region of parameter space where failures gather (a CART tree's worst leaf).

    Scenario discovery (Bryant & Lempert 2010) by a classification tree (Breiman et al.
    1984; scikit-learn's ``DecisionTreeClassifier``), as EMA Workbench offers beside PRIM:
    the leaf with the highest share of failures among those holding at least a tenth of
    the worlds, read back as conditions on the parameters; its density (how often the
    plan fails there) and coverage (how many of its failures it holds), as PRIM reports.

    Args:
        worlds: One row per world, the uncertain parameters' values.
        fails: Whether the plan fails in each world.
        depth: The most conditions in the box.
    """
    fails = np.asarray(fails, bool)
    share = float(fails.mean())
    varying = [c for c in worlds.columns if worlds[c].nunique() > 1]
    if not fails.any() or fails.all() or not varying:
        return Failure(share, (), share, 1.0 if fails.any() else 0.0, _failure_text(share, ()))
    x = worlds[varying].to_numpy(float)
    tree = DecisionTreeClassifier(
        max_depth=depth, min_samples_leaf=max(2, len(fails) // 10), random_state=0
    ).fit(x, fails)
    leaves = tree.apply(x)
    rates = {leaf: fails[leaves == leaf].mean() for leaf in np.unique(leaves)}
    worst = max(rates, key=lambda leaf: (rates[leaf], (leaves == leaf).sum()))
    conditions = _path(tree.tree_, worst, varying)
    inside = leaves == worst
    density = float(fails[inside].mean())
    coverage = float(fails[inside].sum() / fails.sum())
    return Failure(
        share, conditions, density, coverage, _failure_text(share, conditions, density, coverage)
    )


def _path(tree, leaf: int, names: Sequence[str]) -> tuple[tuple[str, str, float], ...]:
    """The conditions from the root to ``leaf`` (tightest bound per parameter and side)."""
    parent = {}
    for node in range(tree.node_count):
        for child, side in (
            (tree.children_left[node], "below"),
            (tree.children_right[node], "above"),
        ):
            if child >= 0:
                parent[child] = (node, side)
    bounds: dict[tuple[str, str], float] = {}
    node = leaf
    while node in parent:
        node, side = parent[node]
        name, value = names[tree.feature[node]], float(tree.threshold[node])
        key = (name, side)
        if key not in bounds:  # nearest the leaf is the tightest
            bounds[key] = value
    return tuple((name, side, value) for (name, side), value in bounds.items())


def _failure_text(share: float, conditions, density: float = 0.0, coverage: float = 0.0) -> str:
    """``It fails to pay in 13% of plausible worlds, mainly where ...``."""
    if share == 0:
        return "It pays in every plausible world simulated."
    if share == 1:
        return "It fails to pay in every plausible world simulated."
    head = f"It fails to pay in {percent(share)} of plausible worlds"
    if not conditions:
        return head + "; no range of what is uncertain singles those worlds out."
    parts = [
        f"{parameter_label(name).lower()} is {'low' if side == 'below' else 'high'} "
        f"({side} {number_text(value, 2)})"
        for name, side, value in conditions
    ]
    return (
        f"{head}, mainly where {listed(parts)}: there it fails in {percent(density)} of "
        f"those worlds, and they hold {percent(coverage)} of its failures."
    )


def best_plans(
    scenario: Scenario,
    budget: float,
    *,
    calibration: Any = None,
    evidence: str = "central",
    worlds: int = 200,
    seed: int = 1,
    first_worlds: int = 25,
    racing: bool = True,
    **grid: Any,
) -> Plans:
    """Race every plan within ``budget`` over plausible worlds; the best first.

    Args:
        scenario: The organisation, parameters and horizon, without programmes.
        budget: The most to spend (fees plus working hours at the wage).
        calibration: The organisation's calibration (its parameter sets are the
            worlds), or None for the parameters as given with only the training effects
            uncertain.
        evidence: What training does at work: ``sceptical``, ``central`` or
            ``enthusiastic`` (``conflictsim.evidence``).
        worlds: Plausible worlds the plans that reach the end are run on.
        seed: The seed of every world (world ``k`` runs replicate ``k``).
        first_worlds: Worlds every plan is run on before any is dropped.
        racing: False runs every plan on every world (exhaustive; for checks).
        **grid: Options of ``candidates`` (kinds, targets, shares, starts, refreshers,
            pairs, prices).

    Raises:
        ValueError: For a scenario with programmes, a bad budget or evidence setting.
    """
    if scenario.programmes:
        raise ValueError("best_plans searches the programmes itself: give a scenario without")
    if not (isinstance(worlds, int) and worlds >= 2):
        raise ValueError(f"worlds must be a whole number of at least 2, got {worlds!r}")
    plans = candidates(scenario, budget, **grid)
    sets = evidence_sets(calibration, evidence, scenario.org, scenario.params, worlds, seed)
    schedule = _schedule(worlds, first_worlds if racing else worlds)
    base = _Runs()
    runs = {c.name: _Runs() for c in plans}
    alive = [c.name for c in plans]
    dropped, done = [], 0
    for target in schedule:
        n = target - done
        base.add(run_arm(scenario, n, seed, first=done, calibration=sets).summary)
        by_name = {c.name: c for c in plans}
        for name in alive:
            scn = scenario.with_(programmes=list(by_name[name].programmes))
            runs[name].add(run_arm(scn, n, seed, first=done, calibration=sets).summary)
        done = target
        if target < worlds:
            alive, out = _race(alive, runs, base, target)
            dropped += [{**d, "cost": by_name[d["plan"]].planned_cost} for d in out]
    table, per_world = _table(plans, alive, runs, base)
    return Plans(
        table=table,
        dropped=pd.DataFrame(
            dropped, columns=["plan", "cost", "worlds", "net_benefit", "behind", "upper"]
        ),
        frontier=_frontier(plans, runs, base),
        worlds=worlds_of(sets, worlds),
        per_world=per_world,
        baseline=pd.concat(base.parts, ignore_index=True),
        budget=float(budget),
        evidence=evidence,
        candidates=len(plans),
        runs=base.count + sum(r.count for r in runs.values()),
        first_worlds=schedule[0],
    )


def _schedule(worlds: int, first: int) -> list[int]:
    """Worlds run by the end of each round: ``first``, doubling, up to ``worlds``."""
    out = [min(max(first, 2), worlds)]
    while out[-1] < worlds:
        out.append(min(out[-1] * 2, worlds))
    return out


class _Runs:
    """The per-world summaries of one plan, round after round."""

    def __init__(self) -> None:
        self.parts: list[pd.DataFrame] = []

    def add(self, summary: pd.DataFrame) -> None:
        self.parts.append(summary)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self.parts)

    def column(self, name: str, n: int | None = None) -> np.ndarray:
        values = np.concatenate([p[name].to_numpy(float) for p in self.parts])
        return values if n is None else values[:n]


def _net_benefit(arm: _Runs, base: _Runs, n: int | None = None) -> np.ndarray:
    """Per world: conflict costs avoided less the training's cost (``Comparison``'s)."""
    return (base.column("cost_conflict", n) - arm.column("cost_conflict", n)) - (
        arm.column("cost_training", n) - base.column("cost_training", n)
    )


def _race(alive, runs, base, n) -> tuple[list[str], list[dict]]:
    """Keep the plans not clearly worse than the leader on the first ``n`` worlds."""
    nb = {name: _net_benefit(runs[name], base, n) for name in alive}
    # No training (0 in every world) may lead: then a plan must beat doing nothing.
    leader_values = max(nb.values(), key=np.mean)
    leader_values = leader_values if leader_values.mean() > 0 else np.zeros(n)
    keep, out = [], []
    for name in alive:
        diff = nb[name] - leader_values
        upper = diff.mean() + stats.t.ppf(DROP_CONFIDENCE, n - 1) * diff.std(ddof=1) / math.sqrt(n)
        if upper < 0:
            out.append(
                {
                    "plan": name,
                    "worlds": n,
                    "net_benefit": float(nb[name].mean()),
                    "behind": float(-diff.mean()),
                    "upper": float(upper),
                }
            )
        else:
            keep.append(name)
    return keep, out


def _table(plans, alive, runs, base) -> tuple[pd.DataFrame, pd.DataFrame]:
    by_name = {c.name: c for c in plans}
    n = base.count
    conflicts = base.column("conflicts")
    per_world = pd.DataFrame(
        {NO_TRAINING: np.zeros(n), **{name: _net_benefit(runs[name], base) for name in alive}}
    )
    best_each = per_world.to_numpy().max(axis=1)
    winner = per_world.to_numpy().argmax(axis=1)
    value = base.column("cost_conflict").mean() / conflicts.mean() if conflicts.mean() else 0
    rows = []
    for j, name in enumerate(per_world.columns):
        nb = per_world[name].to_numpy()
        if name == NO_TRAINING:
            cost = planned = cash = time = avoided = 0.0
            programmes, trainees = [], 0
        else:
            arm = runs[name]
            cost = float((arm.column("cost_training") - base.column("cost_training")).mean())
            planned = by_name[name].planned_cost
            cash = float((base.column("cost_cash") - arm.column("cost_cash")).mean())
            time = float((base.column("cost_time") - arm.column("cost_time")).mean())
            avoided = float((conflicts - arm.column("conflicts")).mean())
            programmes, trainees = list(by_name[name].programmes), by_name[name].trainees
        mean, ci_low, ci_high = mean_ci(nb)
        ui_low, ui_high = uncertainty_interval(nb)
        need = cost / value if value > 0 else np.nan
        rows.append(
            {
                "plan": name,
                "programmes": programmes,
                "trainees": trainees,
                "cost": cost,
                "planned_cost": planned,
                "net_benefit": mean,
                "ci_low": ci_low,
                "ci_high": ci_high,
                "ui_low": ui_low,
                "ui_high": ui_high,
                "net_benefit_cash": cash,
                "net_benefit_time": time,
                "conflicts_avoided": avoided,
                "conflicts_avoided_share": avoided / conflicts.mean() if conflicts.mean() else 0,
                "p_pays": float((nb > 0).mean()) if name != NO_TRAINING else np.nan,
                "p_best": float((winner == j).mean()),
                "regret": float(np.quantile(best_each - nb, 0.9)),
                "break_even": need,
                "break_even_share": need / conflicts.mean() if conflicts.mean() else np.nan,
                "worlds": n,
            }
        )
    table = pd.DataFrame(rows).sort_values("net_benefit", ascending=False, kind="stable")
    return table.reset_index(drop=True), per_world


def _frontier(plans, runs, base) -> pd.DataFrame:
    """Plans no cheaper plan beats in conflicts avoided, each over the worlds it was run on.

    A plan that reached the end has the table's figures (every world); one dropped early
    those of the worlds it had (``worlds``), paired with the same worlds without training.
    """
    rows = [{"plan": NO_TRAINING, "cost": 0.0, "conflicts_avoided": 0.0, "worlds": base.count}]
    for c in plans:
        arm = runs[c.name]
        n = arm.count
        rows.append(
            {
                "plan": c.name,
                "cost": float(arm.column("cost_training").mean()),
                "conflicts_avoided": float(
                    (base.column("conflicts", n) - arm.column("conflicts")).mean()
                ),
                "worlds": n,
            }
        )
    df = pd.DataFrame(rows).sort_values(["cost", "conflicts_avoided"], ascending=[True, False])
    keep, most = [], -np.inf
    for row in df.itertuples():
        if row.conflicts_avoided > most:
            keep.append(row.Index)
            most = row.conflicts_avoided
    return df.loc[keep].reset_index(drop=True)
