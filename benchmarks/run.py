"""Benchmarks of the fast engine (``conflictsim.simulate``); not part of the test suite.

Run from the repository root:

    uv run --group bench python benchmarks/run.py            # everything, about 3 minutes
    uv run --group bench python benchmarks/run.py --quick    # smaller sizes, a smoke test
    uv run --group bench python benchmarks/run.py --only cores   # one to every core

Prints a Markdown report (the tables of docs/benchmarks.md) and writes the raw numbers to
``benchmarks/results.json``. Times are the best of several repeats (wall clock, one
process, one thread except in ``cores``); the JIT is compiled before timing except where
compile time itself is measured. Ratios are measured in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import conflictsim as cs  # noqa: E402
from conflictsim.engine import simulate  # noqa: E402


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def machine() -> dict:
    import llvmlite
    import mesa
    import numba

    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    from importlib.metadata import PackageNotFoundError, version

    try:
        ndlib_version = version("ndlib")
    except PackageNotFoundError:
        ndlib_version = "not installed"
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(mem, 1),
        "load_average_at_start": os.getloadavg(),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "llvmlite": llvmlite.__version__,
        "mesa": mesa.__version__,
        "ndlib": ndlib_version,
    }


def office(size: int, days: int) -> cs.Scenario:
    return cs.Scenario(cs.Organisation.generate(size, "office", seed=1), days=days)


# ---------------------------------------------------------------------------- parts
def compile_time() -> dict:
    """First call with an empty JIT cache, then the first call of a process with a warm one."""
    code = (
        "import time, conflictsim as cs\n"
        "from conflictsim.engine import simulate\n"
        "scn = cs.Scenario(cs.Organisation.generate(200, 'office', seed=1), days=5)\n"
        "t = time.perf_counter(); simulate(scn, 2); a = time.perf_counter() - t\n"
        "t = time.perf_counter(); simulate(scn, 2); b = time.perf_counter() - t\n"
        "print(a, b)\n"
    )
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True, cwd=ROOT).stdout.split()  # fmt: skip
        warm = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True, cwd=ROOT).stdout.split()  # fmt: skip
    return {
        "compile_s": float(cold[0]) - float(cold[1]),
        "cached_first_call_s": float(warm[0]) - float(warm[1]),
    }


def throughput(sizes, days_for) -> list[dict]:
    rows = []
    for size in sizes:
        days = days_for(size)
        scn = office(size, days)
        simulate(scn.with_(days=1), 1, threads=1)
        repeats = 5 if size <= 10_000 else (3 if size <= 100_000 else 1)
        t = best_of(lambda scn=scn: simulate(scn, 1, seed=1, threads=1), repeats)
        row = {"employees": size, "days": days, "replicates": 1, "seconds": t,
               "agent_days_per_s": size * days / t}  # fmt: skip
        if size <= 10_000:
            reps = max(1, 100_000 // size)
            tb = best_of(lambda scn=scn, reps=reps: simulate(scn, reps, seed=1, threads=1), 3)
            row["batched_replicates"] = reps
            row["batched_agent_days_per_s"] = size * days * reps / tb
        rows.append(row)
        print(f"  office {size:>9,} x {days} days: {row['agent_days_per_s'] / 1e6:6.1f} M/s",
              flush=True)  # fmt: skip
    return rows


def numpy_vs_numba(size: int, days: int) -> dict:
    from numpy_engine import simulate_numpy

    # Same numbers first: the numpy prototype and the engine agree exactly.
    check = cs.Scenario(cs.Organisation.generate(2000, "call_centre", seed=3),
                        cs.Params(quit_base=0.01, vacancy_days=3), days=60)  # fmt: skip
    a = simulate_numpy(check, seed=5, replicate=2)
    b = simulate(check, seed=5, replicate_ids=[2], threads=1).daily.drop(columns="replicate")
    scn = office(size, days)
    t_np = best_of(lambda: simulate_numpy(scn, seed=1), 1)
    t_nb = best_of(lambda: simulate(scn, 1, seed=1, threads=1), 3)
    return {
        "employees": size,
        "days": days,
        "identical_to_engine": bool(a.equals(b)),
        "numpy_s": t_np,
        "numba_s": t_nb,
        "numpy_agent_days_per_s": size * days / t_np,
        "numba_agent_days_per_s": size * days / t_nb,
        "speedup": t_np / t_nb,
    }


def mesa_vs_engine(size: int, days: int) -> dict:
    scn = office(size, days)

    def mesa_run():
        model = cs.ConflictModel(scn, rng=1)
        model.run_for(days)

    t_mesa = best_of(mesa_run, 1)
    t_eng = best_of(lambda: simulate(scn, 1, seed=1, threads=1), 5)
    return {"employees": size, "days": days, "mesa_s": t_mesa, "engine_s": t_eng,
            "ratio": t_mesa / t_eng}  # fmt: skip


def ndlib_sis(graph, beta: float, gamma: float, share: float, days: int) -> float | None:
    try:
        import ndlib.models.epidemics as ep
        import ndlib.models.ModelConfig as mc
    except ImportError:
        return None
    model = ep.SISModel(graph, seed=1)
    config = mc.Configuration()
    config.add_model_parameter("beta", beta)
    config.add_model_parameter("lambda", gamma)
    config.add_model_parameter("fraction_infected", share)
    model.set_initial_status(config)
    t = time.perf_counter()
    # The first iteration only reports the initial state; then `days` steps.
    model.iteration_bunch(days + 1, node_status=True, progress_bar=False)
    return time.perf_counter() - t


def sis(n: int, degree: float, days: int, beta: float, gamma: float) -> dict:
    graph = nx.fast_gnp_random_graph(n, degree / (n - 1), seed=1)
    org = cs.Organisation.from_graph(graph)
    share = 0.05
    scn = cs.Scenario(org, cs.Params.sis(transmission=beta, recovery=gamma), days=days,
                      initial_upset=share)  # fmt: skip
    simulate(scn.with_(days=1), 1, threads=1)
    t_eng = best_of(lambda: simulate(scn, 1, seed=1, threads=1), 5)
    t_batch = best_of(lambda: simulate(scn, 100, seed=1, threads=1), 1) / 100
    prevalence = simulate(scn, 20, seed=2, threads=1).daily.query("day > 50")["upset"].mean() / n
    t_ndlib = ndlib_sis(graph, beta, gamma, share, days)

    def mesa_run():
        model = cs.ConflictModel(scn, rng=1)
        model.run_for(days)

    t_mesa = best_of(mesa_run, 1)
    return {
        "nodes": n,
        "mean_degree": 2 * org.n_edges / n,
        "days": days,
        "transmission": beta,
        "recovery": gamma,
        "endemic_upset_share": prevalence,
        "engine_s": t_eng,
        "engine_per_replicate_in_batch_of_100_s": t_batch,
        "ndlib_s": t_ndlib,
        "mesa_s": t_mesa,
        "ndlib_ratio": None if t_ndlib is None else t_ndlib / t_eng,
        "ndlib_ratio_batched": None if t_ndlib is None else t_ndlib / t_batch,
        "mesa_ratio": t_mesa / t_eng,
    }


def memory(size: int, days: int) -> dict:
    """Peak resident memory of a fresh process simulating ``size`` employees."""
    code = f"""
import json, os, time
def status():
    out = {{}}
    for line in open('/proc/self/status'):
        if line.startswith(('VmRSS', 'VmHWM')):
            key, value = line.split(':')
            out[key] = int(value.split()[0]) * 1024
    return out
import conflictsim as cs
from conflictsim.engine import simulate
simulate(cs.Scenario(cs.Organisation.generate(100, 'office', seed=1), days=2), 1)
base = status()
org = cs.Organisation.generate({size}, 'office', seed=1)
built = status()
with open('/proc/self/clear_refs', 'w') as f:
    f.write('5')  # reset the peak, to see the engine's own
t = time.perf_counter()
res = simulate(cs.Scenario(org, days={days}), 1, seed=1, threads=1)
elapsed = time.perf_counter() - t
after = status()
print(json.dumps(dict(base=base, built=built, after=after, edges=org.n_edges, s=elapsed)))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)  # fmt: skip
    m = json.loads(out.stdout.strip().splitlines()[-1])
    return {
        "employees": size,
        "days": days,
        "ties": m["edges"],
        "seconds": m["s"],
        "rss_after_import_mb": m["base"]["VmRSS"] / 2**20,
        "rss_with_organisation_mb": m["built"]["VmRSS"] / 2**20,
        "peak_rss_while_building_organisation_mb": m["built"]["VmHWM"] / 2**20,
        "peak_rss_during_simulate_mb": m["after"]["VmHWM"] / 2**20,
        "engine_bytes_per_employee": (m["after"]["VmHWM"] - m["built"]["VmRSS"]) / size,
    }


def compare_like(arms: int, replicates: int, size: int, days: int) -> dict:
    """Arms that differ in some employees' traits (what programmes do), same seed."""
    org = cs.Organisation.generate(size, "office", seed=1)
    rng = np.random.default_rng(0)
    scenarios = [cs.Scenario(org, days=days)]
    for k in range(1, arms):
        listening = np.full(size, np.nan)
        listening[rng.choice(size, size // 5, replace=False)] = 0.6 + 0.1 * k
        scenarios.append(cs.Scenario(_with_listening(org, listening), days=days))
    simulate(scenarios[0].with_(days=1), 1, threads=1)

    def run_all():
        for scn in scenarios:
            simulate(scn, replicates, seed=1, threads=1)

    t = best_of(run_all, 3)
    return {"arms": arms, "replicates": replicates, "employees": size, "days": days,
            "seconds": t}  # fmt: skip


def cores(size: int, days: int, replicates: int) -> dict:
    """The ensemble workload on one thread and on every core: speed-up, same numbers."""
    from conflictsim.engine.threads import cores as n_cores

    base = office(size, days)
    trained = base.with_(programmes=[cs.Training("deescalation", target="managers")])
    out = {"employees": size, "days": days, "replicates": replicates, "cores": n_cores()}
    for name, scn in (("no_training", base), ("deescalation_managers", trained)):
        simulate(scn.with_(days=2), 4, threads=n_cores())  # load the kernels
        one = best_of(lambda scn=scn: simulate(scn, replicates, seed=1, threads=1), 3)
        every = best_of(lambda scn=scn: simulate(scn, replicates, seed=1, threads=n_cores()), 3)
        a = simulate(scn, replicates, seed=1, threads=1).summary
        b = simulate(scn, replicates, seed=1, threads=n_cores()).summary
        out[name] = {"one_thread_s": one, "every_core_s": every, "speedup": one / every,
                     "identical": bool(a.equals(b))}  # fmt: skip
        print(f"  {name}: {one:.2f} s on 1 thread, {every:.2f} s on {n_cores()}: "
              f"{one / every:.2f}x", flush=True)  # fmt: skip
    return out


def _with_listening(org, listening):
    import dataclasses

    return dataclasses.replace(org, listening=listening)


# ---------------------------------------------------------------------------- report
def report(r: dict) -> str:
    m = r["machine"]
    lines = [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; load average at "
        f"start {', '.join(f'{x:.2f}' for x in m['load_average_at_start'])}. Python "
        f"{m['python']}, numpy {m['numpy']}, numba {m['numba']}, Mesa {m['mesa']}, NDlib "
        f"{m['ndlib']}.",
        "",
        "| measure | result | target |",
        "|---|---|---|",
    ]
    co = r.get("cores")
    for name, label in (
        ("no_training", "no training"),
        ("deescalation_managers", "de-escalation for half the managers"),
    ):
        if co is None:
            break
        c = co[name]
        lines.append(
            f"| all cores: office {co['employees']:,} x {co['days']} days x "
            f"{co['replicates']} replicates, {label} | {c['speedup']:.2f}x on {co['cores']} "
            f"cores ({c['one_thread_s']:.2f} s on one thread, {c['every_core_s']:.2f} s); "
            f"same numbers: {c['identical']} | >= 1.8x |"
        )  # fmt: skip
    for row in r.get("throughput", ()):
        extra = ""
        if "batched_agent_days_per_s" in row:
            extra = (f" ({row['batched_agent_days_per_s'] / 1e6:.1f} M with "
                     f"{row['batched_replicates']} replicates in one call)")  # fmt: skip
        target = ">= 20 M/s" if row["employees"] == 100_000 else ""
        lines.append(
            f"| office, {row['employees']:,} employees x {row['days']} days, 1 replicate "
            f"| {row['agent_days_per_s'] / 1e6:.1f} M agent-days/s ({row['seconds']:.2f} s)"
            f"{extra} | {target} |"
        )
    if "sis" in r:
        s = r["sis"]
        if s["ndlib_s"] is not None:
            lines.append(
                f"| SIS limit, G(n={s['nodes']:,}, mean degree {s['mean_degree']:.1f}), "
                f"{s['days']} days: NDlib SISModel / simulate | {s['ndlib_ratio']:.0f}x "
                f"(NDlib {s['ndlib_s']:.2f} s, simulate {s['engine_s'] * 1000:.1f} ms); "
                f"{s['ndlib_ratio_batched']:.0f}x per replicate in a batch of 100 | >= 100x |"
            )
        lines.append(
            f"| SIS limit, same graph: Mesa ConflictModel / simulate | {s['mesa_ratio']:.0f}x "
            f"(Mesa {s['mesa_s']:.1f} s) | >= 100x |"
        )
    if "compare" in r:
        c = r["compare"]
        lines.append(
            f"| compare-like: {c['arms']} arms x {c['replicates']} replicates x "
            f"{c['employees']} employees x {c['days']} days | {c['seconds']:.2f} s | <= 1 s |"
        )
    if "memory" in r:
        mem = r["memory"]
        lines.append(
            f"| memory, {mem['employees']:,} employees ({mem['ties']:,} ties), {mem['days']} "
            f"days | peak RSS {mem['peak_rss_during_simulate_mb']:.0f} MB whole process "
            f"(organisation {mem['rss_with_organisation_mb']:.0f} MB; engine "
            f"{mem['engine_bytes_per_employee']:.0f} bytes/employee on top) | <= 2 GB |"
        )
    if "mesa_small" in r:
        mv = r["mesa_small"]
        lines.append(
            f"| Mesa / simulate, office {mv['employees']:,} x {mv['days']} days | "
            f"{mv['ratio']:.0f}x (Mesa {mv['mesa_s']:.2f} s, simulate "
            f"{mv['engine_s'] * 1000:.1f} ms) | |"
        )
    if "numpy_vs_numba" in r:
        nv = r["numpy_vs_numba"]
        lines.append(
            f"| numpy prototype vs numba, office {nv['employees']:,} x {nv['days']} days | "
            f"numpy {nv['numpy_agent_days_per_s'] / 1e6:.2f} M/s, numba "
            f"{nv['numba_agent_days_per_s'] / 1e6:.1f} M/s ({nv['speedup']:.0f}x); same numbers: "
            f"{nv['identical_to_engine']} | |"
        )
    if "compile" in r:
        ct = r["compile"]
        lines.append(
            f"| JIT compile (empty cache) / first call with the cache | "
            f"{ct['compile_s']:.1f} s / {ct['cached_first_call_s']:.2f} s | |"
        )
    return "\n".join(lines)


PARTS = ("cores", "compile", "throughput", "numpy_vs_numba", "mesa_small", "sis", "compare",
         "memory")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")
    parser.add_argument("--only", nargs="+", choices=PARTS, help="only these parts")
    args = parser.parse_args()
    q = args.quick
    only = set(args.only or PARTS)
    r: dict = {"machine": machine()}
    steps = {
        "cores": lambda: cores(1_000, 250, 20 if q else 100),
        "compile": compile_time,
        "throughput": lambda: throughput(
            [1_000, 10_000] if q else [1_000, 10_000, 100_000, 1_000_000],
            lambda n: 100 if n >= 1_000_000 else 250,
        ),
        "numpy_vs_numba": lambda: numpy_vs_numba(10_000 if q else 100_000, 20),
        "mesa_small": lambda: mesa_vs_engine(1_000, 50),
        "sis": lambda: sis(2_000 if q else 10_000, 8.0, 100, beta=0.05, gamma=0.2),
        "compare": lambda: compare_like(4, 50, 500, 250),
        "memory": lambda: memory(100_000 if q else 1_000_000, 100),
    }
    for part in PARTS:
        if part in only:
            print(f"{part} ...", flush=True)
            r[part] = steps[part]()
    path = HERE / "results.json"
    if args.only and path.is_file():  # keep the other parts of the last full run
        r = {**json.loads(path.read_text()), **r}
    path.write_text(json.dumps(r, indent=2, default=float))
    print()
    print(report(r))


if __name__ == "__main__":
    main()
