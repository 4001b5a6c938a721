"""``calibrate``: parameter sets that reproduce the targets, by ABC-SMC (pyabc).

Approximate Bayesian computation with sequential Monte Carlo (Toni et al. 2009), as
implemented by pyabc (Klinger, Rickert & Hasenauer 2018; Schälte et al. 2022): parameter
sets are drawn from the priors (``conflictsim.params``), simulated with the fast engine,
and kept when every statistic lies within ``epsilon`` times its target's half-width of
the target's centre (a maximum norm of scaled distances, pyabc's ``PNormDistance`` with
``p = inf``); each generation lowers epsilon to the median distance of the last, until
it reaches 1 (never below), where every statistic is inside its target's interval. The
accepted sets are the posterior: what the targets leave plausible, not one best fit.
pyabc perturbs parameter sets on each parameter's normal score of its prior probability
(see ``to_parameter``), where no step leaves a prior's range, with the last population's
own covariance; a few sweeps of ABC-MCMC then spread the resampled final population over
the same posterior (``move``).

Candidates are evaluated by ``conflictsim.calibration.sampler.SeededSampler``, so the
answer depends on the seed alone, on one core, all cores or a Dask cluster.
"""

from __future__ import annotations

import gc
import logging
import math
import random
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyabc
from scipy import special

from conflictsim.calibration.result import Calibration, predictive_fit
from conflictsim.calibration.sampler import SeededSampler, candidate_seed, default_workers
from conflictsim.calibration.statistics import simulation_statistics
from conflictsim.calibration.targets import Targets
from conflictsim.engine.driver import simulate
from conflictsim.evidence import check_evidence
from conflictsim.organisation import Organisation
from conflictsim.params import REGISTRY, Params, Prior
from conflictsim.scenario import WARMUP_DAYS as SCENARIO_WARMUP
from conflictsim.scenario import Scenario

#: Days of start-up transient before statistics are counted (four weeks): the same
#: warm-up as every scenario's (``conflictsim.scenario.WARMUP_DAYS``).
WARMUP_DAYS = SCENARIO_WARMUP
#: Days over which published targets are measured after the warm-up (26 weeks): the
#: rates are steady after a few weeks, and half a year costs half a year's simulation;
#: absence and quits are scaled to a year.
PUBLISHED_DAYS = 130
#: Sweeps of ABC-MCMC moves over the final population before their acceptance rate is
#: measured, and the fewest made (see ``move``).
MOVE_STEPS = 4
#: The chance a set may keep of never having moved (``c`` of Drovandi & Pettitt 2011).
MOVE_UNMOVED = 0.01
#: Most sweeps of moves, whatever the acceptance rate.
MOVE_MOST_STEPS = 2000
# Generation index used for the posterior predictive simulations' seeds.
_FIT_STREAM = 2**31 - 1
# Generation indices of the moves' simulations (one per sweep, counting down).
_MOVE_STREAM = 2**31 - 3
_PYABC_LOGGERS = ("ABC", "Epsilon", "Distance", "Acceptor", "History", "Sampler", "pyabc")


class CalibrationModel:
    """One simulation of a candidate parameter set, reduced to the target statistics.

    A plain class (not a closure) so that pyabc and Dask can ship it to workers.
    """

    def __init__(
        self, org: Organisation, base: Params, names: list[str], days: int, record_days: int
    ) -> None:
        self.org = org
        self.base = base
        self.names = names
        self.days = days
        self.record_days = record_days

    def scenario(self, values: dict[str, float]) -> Scenario:
        """The scenario of a parameter set."""
        params = self.base.replace(**{k: float(v) for k, v in values.items()})
        # The statistics leave out WARMUP_DAYS themselves (simulation_statistics).
        return Scenario(self.org, params=params, days=self.days, warmup=0)

    def statistics(self, values: dict[str, float], seed: int) -> dict[str, float]:
        """The target statistics of one replicate at ``values``."""
        res = simulate(self.scenario(values), 1, seed=seed, record_teams=self.record_days > 0)
        return simulation_statistics(res, self.names, WARMUP_DAYS, self.record_days)

    def __call__(self, values: Any) -> dict[str, float]:
        """Pyabc's model call: the statistics of one simulation of a candidate.

        The sampler seeded this candidate's stream; the simulation's seed is its next
        number.
        """
        seed = int(np.random.randint(0, 2**62))
        values = {k: float(to_parameter(REGISTRY[k].prior, z)) for k, z in dict(values).items()}
        return self.statistics(values, seed)


def _normal_cdf(z: Any) -> Any:
    return 0.5 * special.erfc(-np.asarray(z, dtype=float) / math.sqrt(2.0))


def to_parameter(prior: Prior, z: Any) -> Any:
    """A parameter's value from its coordinate on the sampling scale.

    ABC-SMC runs on ``z = Phi^-1(F(x))``, where ``F`` is the prior's distribution
    function and ``Phi`` the standard normal one: every prior becomes the standard
    normal distribution on the whole real line. pyabc's Gaussian perturbation kernels
    then never step outside a prior's range and are not thinned out near its edges,
    where many misses of the coverage study lay on the parameters' own scale; and the
    prior's tails are no heavier than the kernels', so no candidate far out gets an
    outsized weight, as they did on a logistic scale (docs/verification.md).
    """
    return prior.ppf(_normal_cdf(z))


def to_scale(prior: Prior, x: Any) -> Any:
    """A parameter's coordinate on the sampling scale (inverse of ``to_parameter``)."""
    u = np.clip(np.asarray(prior.cdf(x), dtype=float), 1e-300, 1 - 1e-16)
    return special.ndtri(u)


class NormalRV(pyabc.RVBase):
    """The standard normal distribution, the prior of every parameter on the sampling scale.

    Written out rather than ``pyabc.RV("norm")``: scipy's frozen distributions cost
    about 0.2 ms a density, and pyabc evaluates one per parameter for every candidate.
    """

    def rvs(self, *args, **kwargs) -> float:
        """A draw, from numpy's global generator (seeded per candidate by the sampler)."""
        return float(np.random.standard_normal())

    def pdf(self, x, *args, **kwargs) -> float:
        """Density at ``x``."""
        return math.exp(-0.5 * float(x) ** 2) / math.sqrt(2.0 * math.pi)

    def pmf(self, x, *args, **kwargs) -> float:
        """Not a discrete distribution."""
        return 0.0

    def cdf(self, x, *args, **kwargs) -> float:
        """Cumulative probability at ``x``."""
        return float(_normal_cdf(x))

    def copy(self) -> NormalRV:
        """A copy (pyabc's interface)."""
        return NormalRV()


class SingleModelPrior(pyabc.RVBase):
    """The prior over models when there is one model: always model 0.

    pyabc's default, ``pyabc.RV("randint", 0, 1)``, gives the same numbers (and draws
    nothing from the generator) through scipy, at about 0.14 ms a call, once or twice
    for every candidate.
    """

    def rvs(self, *args, **kwargs) -> int:
        """Model 0 (nothing is drawn)."""
        return 0

    def pmf(self, x, *args, **kwargs) -> float:
        """1 for model 0, else 0."""
        return 1.0 if x == 0 else 0.0

    def pdf(self, x, *args, **kwargs) -> float:
        """Not a continuous distribution."""
        return 0.0

    def cdf(self, x, *args, **kwargs) -> float:
        """Cumulative probability at ``x``."""
        return 1.0 if x >= 0 else 0.0

    def copy(self) -> SingleModelPrior:
        """A copy (pyabc's interface)."""
        return SingleModelPrior()


class FlooredQuantileEpsilon(pyabc.QuantileEpsilon):
    """pyabc's median schedule, never below ``floor``.

    The posterior is the ABC posterior at epsilon 1 exactly (every statistic inside its
    target's interval), not at whatever smaller epsilon the median of the last
    generation happens to give: that would demand more precision than the targets'
    own intervals state, and narrow the posterior with it.
    """

    def __init__(self, floor: float, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.floor = float(floor)

    def _update(self, t: int, *args: Any, **kwargs: Any) -> None:
        # pyabc sets every epsilon, the first included, through this method.
        super()._update(t, *args, **kwargs)
        self._look_up[t] = max(self._look_up[t], self.floor)


def population_covariance(effective_size: float, dimension: int) -> float:
    """Perturb with the last population's own covariance (Filippi et al. 2013).

    pyabc's default narrows it by Silverman's rule (to about 0.4 of it here), a rule for
    density estimation that leaves the posterior's tails to few, heavily weighted
    candidates: the intervals came out narrower than rejection ABC's on the same case.
    """
    return 1.0


class PopulationTransition(pyabc.MultivariateNormalTransition):
    """pyabc's multivariate normal perturbation kernel, with a faster draw.

    The same kernel and density as ``pyabc.MultivariateNormalTransition``: pick a set of
    the last population by weight and add a normal step with its covariance. pyabc's own
    draw goes through pandas and a fresh decomposition of the covariance for every
    candidate (about 1 ms, a fifth of a candidate's cost for 500 employees); this one
    factors the covariance once per generation and draws from numpy's global generator,
    which the sampler seeds for every candidate.
    """

    def fit(self, X: pd.DataFrame, w: np.ndarray) -> None:
        """Fit to a population (pyabc's interface)."""
        super().fit(X, w)
        self._keys = list(X.columns)
        self._cumulative = np.cumsum(np.asarray(self.w, float))
        d = self.cov.shape[0]
        self._factor = np.linalg.cholesky(self.cov + 1e-12 * np.eye(d))

    def rvs_single(self) -> pyabc.Parameter:
        """One perturbed set (pyabc's interface)."""
        u = np.random.random() * self._cumulative[-1]
        i = min(int(np.searchsorted(self._cumulative, u, side="right")), len(self._cumulative) - 1)
        step = self._factor @ np.random.standard_normal(len(self._keys))
        return pyabc.Parameter(dict(zip(self._keys, self._X_arr[i] + step, strict=True)))


def _prior(names: list[str]) -> pyabc.Distribution:
    rvs = {}
    for name in names:
        prior = REGISTRY[name].prior
        if prior is None:
            raise ValueError(f"parameter {name!r} has no prior and cannot be calibrated")
        rvs[name] = NormalRV()
    return pyabc.Distribution(**rvs)


def calibrate(
    org: Organisation,
    targets: Targets | None = None,
    seed: int = 1,
    *,
    draws: int = 200,
    params: Params | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    client: Any = None,
    progress: bool | Callable[[dict], None] = True,
    max_generations: int = 30,
    max_simulations: int | None = None,
    evidence: str = "central",
) -> Calibration:
    """Calibrate an organisation's baseline to targets by ABC-SMC.

    Args:
        org: The organisation.
        targets: What to reproduce (default ``Targets.published()``).
        seed: Seed; the same seed gives the same draws on any number of workers.
        draws: Parameter sets to keep (pyabc's population size).
        params: Values of the parameters that are not calibrated (default: defaults).
        workers: Local processes (default: all cores).
        scheduler: Address of a Dask scheduler (``tcp://host:port``) to run on instead.
        client: A ``dask.distributed.Client`` to run on instead.
        progress: Show a progress bar per generation; or a function called as work
            finishes with ``{"generation", "accepted", "draws"}`` (generation 0 samples
            the priors).
        max_generations: Most generations of ABC-SMC.
        max_simulations: Most simulations in all (default ``300 * draws``: the
            steps of the population's covariance are kept less often near the end).
        evidence: What training does: ``sceptical``, ``central`` (the default) or
            ``enthusiastic`` priors on the training-effect parameters
            (``conflictsim.evidence``). They act only through training, so the baseline
            is calibrated the same way in each; every set gets a draw of them.

    Returns:
        The calibration (``Calibration``); ``converged`` tells whether every kept set
        reached every target's interval.

    Raises:
        ValueError: For bad arguments or records of another organisation.
    """
    if not isinstance(org, Organisation):
        raise ValueError(f"org must be an Organisation, got {type(org).__name__}")
    targets = Targets.published() if targets is None else targets
    if not isinstance(targets, Targets):
        raise ValueError(f"targets must be Targets, got {type(targets).__name__}")
    targets.check_org(org)
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed!r}")
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 10:
        raise ValueError(f"draws must be a whole number of at least 10, got {draws!r}")
    check_evidence(evidence)
    base = Params() if params is None else params
    if not isinstance(base, Params):
        raise ValueError(f"params must be a Params, got {type(base).__name__}")
    names = targets.parameters
    record_days = targets.record_days
    days = WARMUP_DAYS + (record_days or PUBLISHED_DAYS)
    model = CalibrationModel(org, base, targets.names, days, record_days)

    own_client = None
    if scheduler is not None and client is None:
        from distributed import Client  # only with a cluster: it is slow to import

        own_client = client = Client(scheduler, set_as_default=False)
    sampler = SeededSampler(
        int(seed), workers=default_workers() if workers is None else workers, client=client,
        progress=progress, warm_up=_warm_up,
    )  # fmt: skip
    sampler.start()
    levels = {name: logging.getLogger(name).level for name in _PYABC_LOGGERS}
    state = np.random.get_state(), random.getstate()
    start = time.perf_counter()
    try:
        for name in _PYABC_LOGGERS:
            logging.getLogger(name).setLevel(logging.WARNING)
        # Compile (or load) the engine here, before any worker is forked from this process.
        model.statistics({}, 0)
        np_seed, py_seed = candidate_seed(int(seed), 2**31 - 2, 0)
        np.random.seed(np_seed)  # pyabc's own draws between generations
        random.seed(py_seed)
        abc = pyabc.ABCSMC(
            model,
            _prior(names),
            pyabc.PNormDistance(
                p=np.inf, fixed_weights={t.name: 1 / t.half_width for t in targets}
            ),
            population_size=int(draws),
            model_prior=SingleModelPrior(),
            transitions=PopulationTransition(bandwidth_selector=population_covariance),
            sampler=sampler,
            eps=FlooredQuantileEpsilon(1.0, alpha=0.5),
        )
        # pyabc's history in memory, not in a file: the targets' centres may be statistics
        # of an organisation's incident records, which must not reach the disk.
        abc.new("sqlite://", {t.name: t.centre for t in targets})
        # Nothing reads the accepted sets' statistics back from the history, and storing
        # them took half of the 0.6 s the main process spends on each generation.
        abc.history.stores_sum_stats = False
        budget = int(max_simulations or 300 * draws)
        history = abc.run(
            minimum_epsilon=1.0,
            max_nr_populations=int(max_generations),
            max_total_nr_simulations=budget,
        )
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        pops = history.get_all_populations()
        final_eps = float(pops["epsilon"].iloc[-1])
        particles = _resample(frame[names], np.asarray(weights), int(draws), int(seed))
        particles, moves = move(
            model, particles, np.asarray(weights), frame[names], targets, final_eps,
            int(seed), sampler, budget=_move_budget(pops, budget, int(draws)),
        )  # fmt: skip
        posterior = pd.DataFrame(
            {n: to_parameter(REGISTRY[n].prior, particles[n].to_numpy()) for n in names}
        )
        fit = posterior_fit(model, posterior, targets, int(seed), sampler)
    finally:
        # SQLite connections may only be closed by the thread that opened them (the
        # dashboard calibrates in a script thread): let go of the history here and now.
        abc = history = None
        gc.collect()
        np.random.set_state(state[0])
        random.setstate(state[1])
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)
        sampler.stop()
        if own_client is not None:
            own_client.close()
    seconds = time.perf_counter() - start
    generations = [
        {
            "generation": int(row.t),
            "epsilon": float(row.epsilon),
            "evaluations": int(row.samples),
            "accepted": int(row.particles),
        }
        for row in pops.itertuples()
        if row.t >= 0
    ]
    meta = {
        "library": f"pyabc {pyabc.__version__}",
        "method": "ABC-SMC (Toni et al. 2009), maximum norm of scaled distances, "
        "median epsilon schedule floored at 1, perturbations on each parameter's normal "
        "score of its prior probability with the population's covariance (Filippi et al. "
        f"2013), then ABC-MCMC moves (Marjoram et al. 2003) until each set has moved "
        f"with probability {1 - MOVE_UNMOVED:.0%} (Drovandi & Pettitt 2011) within the budget",
        "generations": generations,
        "moves": moves,
        "simulations": int(sum(g["evaluations"] for g in generations) + moves["evaluations"]),
        "seconds": round(seconds, 2),
        "converged": bool(final_eps <= 1.0),
        "final_epsilon": final_eps,
        "days": days,
        "warmup_days": WARMUP_DAYS,
        "record_days": record_days,
        "org_size": org.size,
        "priors": {
            n: {
                "kind": REGISTRY[n].prior.kind,
                "low": REGISTRY[n].prior.low,
                "high": REGISTRY[n].prior.high,
                "source": REGISTRY[n].prior.source,
            }
            for n in names
        },
    }
    return Calibration(
        draws=posterior,
        fit=fit,
        targets=tuple(targets),
        org_fingerprint=org.fingerprint(),
        org_name=org.name,
        base={k: float(v) for k, v in base.items() if k not in names},
        seed=int(seed),
        meta=meta,
    ).with_evidence(evidence)


def _move_budget(pops: pd.DataFrame, budget: int, draws: int) -> int:
    """Simulations the moves may use.

    What is left of the budget after ABC-SMC and the fit, and at most as many as
    ABC-SMC's last generation took.
    The other way to more distinct sets is a larger last generation, which would cost as
    much again; moves that cost more would double a calibration's time on published
    targets (where sets already move easily) for little.
    """
    used = int(pops["samples"].sum())  # the priors' samples included, as pyabc counts
    last = int(pops["samples"].iloc[-1])
    return max(min(budget - used - draws, last), 0)


def _warm_up() -> None:
    """Load the compiled engine in a new worker before its first candidate."""
    simulate(Scenario(Organisation.generate(12, "office", seed=1), days=5, warmup=0), 1, seed=1)


def _resample(frame: pd.DataFrame, weights: np.ndarray, n: int, seed: int) -> pd.DataFrame:
    """``n`` equally weighted sets from a weighted population (systematic resampling)."""
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, 7])))
    cum = np.cumsum(weights / weights.sum())
    positions = (rng.random() + np.arange(n)) / n
    picks = np.minimum(np.searchsorted(cum, positions), len(cum) - 1)
    return pd.DataFrame({name: frame[name].to_numpy(float)[picks] for name in frame.columns})


def _distance(stats: dict[str, float], targets: Targets) -> float:
    """The distance pyabc uses: the largest of the statistics' scaled distances to the targets."""
    return max(abs(stats[t.name] - t.centre) / t.half_width for t in targets)


def move(
    model: CalibrationModel,
    particles: pd.DataFrame,
    weights: np.ndarray,
    population: pd.DataFrame,
    targets: Targets,
    epsilon: float,
    seed: int,
    sampler: SeededSampler,
    steps: int = MOVE_STEPS,
    unmoved: float | None = MOVE_UNMOVED,
    budget: int | None = None,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Sweeps of ABC-MCMC (Marjoram et al. 2003) over the resampled final population.

    The last generation of ABC-SMC holds only as many distinct sets as its effective
    sample size (10-45% of the population in the coverage study), so resampling it
    repeats sets. Each sweep proposes for every set a random-walk step on the
    sampling scale (covariance: the population's, times ``2.38**2 / d``, Roberts,
    Gelman & Gilks 1997) and keeps it with the prior's ratio if its simulation is within
    ``epsilon``: a move that leaves the ABC posterior at ``epsilon`` unchanged (the
    resample-move step of Del Moral, Doucet & Jasra 2012), so the sets spread out over it
    instead of repeating. A step the prior's ratio already refuses is not simulated.

    How many sweeps follows the acceptance rate, as in Drovandi & Pettitt (2011): after
    ``steps`` sweeps the share ``p`` of steps kept is measured, and the sweeps go on to
    ``R = ceil(log(unmoved) / log(1 - p))`` in all, so that each set has moved at least
    once with probability ``1 - unmoved``. Targets as precise as a year of incident
    records keep about one step in a hundred (most simulations miss them even at the
    truth), where four sweeps leave most repeated sets where they were. ``budget`` caps
    the simulations the sweeps may use; the moves record how many sets moved.

    Args:
        model: The calibration's model.
        particles: Equally weighted sets on the sampling scale (one column a parameter).
        weights: The final population's weights (for the proposal's covariance).
        population: The final population on the sampling scale.
        targets: The targets, whose distance decides.
        epsilon: The final epsilon (1 when the calibration converged).
        seed: The calibration's seed.
        sampler: Where to simulate.
        steps: Sweeps before the acceptance rate is measured (and the fewest made).
        unmoved: The chance a set may keep of never moving; ``None``: ``steps`` sweeps.
        budget: Most simulations for the sweeps after the first ``steps``, which always
            run (default: no limit but ``MOVE_MOST_STEPS`` sweeps).

    Returns:
        The moved sets, and ``{"steps", "planned_steps", "unmoved", "evaluations", "accepted",
        "moved", "distinct", "resampled_distinct", "pilot_steps", "pilot_evaluations",
        "pilot_accepted"}``: sweeps made and asked for by the acceptance rate,
        simulations, steps kept, the share of sets that moved at least once, the
        distinct sets after and before the moves, and the first ``steps`` sweeps' own
        counts.
    """
    names = list(particles.columns)
    z = particles.to_numpy(float).copy()
    n, d = z.shape
    w = weights / weights.sum()
    cov = np.atleast_2d(np.cov(population.to_numpy(float).T, aweights=w)) * 2.38**2 / d
    chol = np.linalg.cholesky(cov + 1e-12 * np.eye(d))
    rng = np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, 11])))
    moved = np.zeros(n, dtype=bool)
    resampled_distinct = len(np.unique(z, axis=0))
    evaluations = accepted = 0
    planned = wanted = steps = max(int(steps), 1)
    pilot: dict[str, int] = {}
    step = 0
    while step < planned:
        proposal = z + rng.standard_normal((n, d)) @ chol.T
        # Metropolis-Hastings with the standard normal prior of the sampling scale.
        log_ratio = -0.5 * ((proposal**2).sum(axis=1) - (z**2).sum(axis=1))
        tried = np.flatnonzero(np.log(rng.random(n)) < log_ratio)
        # Back to the parameters' own scale once per column, not once per value.
        values = {
            k: to_parameter(REGISTRY[k].prior, proposal[tried, j]) for j, k in enumerate(names)
        }
        calls = [
            (
                {k: float(values[k][row]) for k in names},
                candidate_seed(seed, _MOVE_STREAM - step, int(i))[0],
            )
            for row, i in enumerate(tried)
        ]
        sims = _map_batched(sampler, calls, model)
        keep = [
            i for i, stats in zip(tried, sims, strict=True) if _distance(stats, targets) <= epsilon
        ]
        z[keep] = proposal[keep]
        moved[keep] = True
        evaluations += len(calls)
        accepted += len(keep)
        step += 1
        if step == steps:
            pilot = {"pilot_steps": steps, "pilot_evaluations": evaluations}
            pilot["pilot_accepted"] = accepted
            if unmoved is not None:
                planned = wanted = _planned_steps(accepted / (n * steps), unmoved, steps)
                if budget is not None and evaluations:
                    per_step = evaluations / steps
                    planned = min(wanted, steps + int(max(budget, 0) // per_step))
    return pd.DataFrame(z, columns=names), {
        "steps": int(step),
        "planned_steps": int(wanted),
        "unmoved": unmoved,
        "evaluations": int(evaluations),
        "accepted": int(accepted),
        "moved": float(moved.mean()),
        "distinct": len(np.unique(z, axis=0)),
        "resampled_distinct": int(resampled_distinct),
        **pilot,
    }


def _planned_steps(acceptance: float, unmoved: float, steps: int) -> int:
    """Sweeps after which a set has moved with probability ``1 - unmoved``.

    Drovandi & Pettitt (2011); at least ``steps`` and at most ``MOVE_MOST_STEPS``.
    """
    if acceptance <= 0:
        return MOVE_MOST_STEPS
    if acceptance >= 1:
        return steps
    need = math.ceil(math.log(unmoved) / math.log1p(-acceptance))
    return int(min(max(need, steps), MOVE_MOST_STEPS))


def _statistics_batch(model: CalibrationModel, batch: list[tuple[dict, int]]) -> list[dict]:
    return [model.statistics(values, seed) for values, seed in batch]


def _map_batched(sampler: SeededSampler, calls: list[tuple], model: CalibrationModel) -> list:
    """``model.statistics`` of every call, a few batches per worker.

    Each call is one short simulation: sending them one by one costs more than they do.
    """
    if not calls:
        return []
    size = max(1, math.ceil(len(calls) / (4 * sampler.slots())))
    batches = [(calls[i : i + size],) for i in range(0, len(calls), size)]
    return [s for batch in sampler.map(_statistics_batch, batches, (model,)) for s in batch]


def posterior_fit(
    model: CalibrationModel,
    posterior: pd.DataFrame,
    targets: Targets,
    seed: int,
    sampler: SeededSampler | None = None,
) -> pd.DataFrame:
    """Each target against fresh simulations of the parameter sets (posterior predictive).

    Returns:
        One row per target: target, label, observed, simulated (mean), low and high
        (5% and 95% of the simulations), target_low, target_high.
    """
    calls = [
        (dict(zip(posterior.columns, row, strict=True)), candidate_seed(seed, _FIT_STREAM, i)[0])
        for i, row in enumerate(posterior.itertuples(index=False))
    ]
    sims = _map_batched(sampler or SeededSampler(seed), calls, model)
    return predictive_fit(tuple(targets), sims)
