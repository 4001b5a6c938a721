"""Planted errors: small slips in every mechanism of both simulators, and what catches each.

Every entry of ``ERRORS`` changes one expression of the library (a probability off by
5-10%, a wrong party, a missing condition, a day off) in a scratch copy of the project;
the test suite then runs against that copy and must fail. The golden record
(tests/test_golden.py) is left out: it would flag any change at all, and the question is
whether the tests of the mechanisms catch the error. The browser tests are left out too
(they test the page, not the model).

    uv run python tests/planted/planted_errors.py            # every error; writes the report
    uv run python tests/planted/planted_errors.py --only engine_recovery --keep  # updates it

Results go to tests/planted/results.json and the table in docs/verification.md. The run is
slow (each error recompiles the engine and runs the tests until the first failure; about
a minute an error on this machine), so it is not part of CI.
"""

from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = Path(__file__).with_name("results.json")
REPORT = ROOT / "docs" / "verification.md"
MARK_START, MARK_END = "<!-- planted:start -->", "<!-- planted:end -->"

#: Test files in the order they run: quick known-answer tests first, docking last.
TESTS = (
    "tests/test_outcomes.py",
    "tests/test_seeds.py",
    "tests/test_ties.py",
    "tests/test_graph.py",
    "tests/test_words.py",
    "tests/test_model.py",
    "tests/test_mesa_usability.py",
    "tests/engine",
    "tests/test_training.py",
    "tests/test_training_schedule.py",
    "tests/test_sis.py",
    "tests/test_warmup.py",
    "tests/test_comparison.py",
    "tests/test_base_rates.py",
    "tests/calibration",
    "tests/test_docking.py",
    "tests/docking",
    "tests/test_organisation.py",
    "tests/test_orgchart.py",
    "tests/test_incidents.py",
    "tests/test_params.py",
    "tests/test_evidence.py",
    "tests/test_uncertainty.py",
    "tests/test_interface.py",
    "tests/planner",
    "tests/experiment",
    "tests/batch",
    "tests/cli",
    "tests/test_sensitivity.py",
    "tests/test_plans.py",
    "tests/report",
    "tests/figures",
    # Last: they compare published tables with what the code measures, so they fail on
    # any change of behaviour and say little about which mechanism broke.
    "tests/test_programme_effects.py",
    "tests/test_virtual_trials.py",
)


@dataclass(frozen=True)
class Error:
    """One planted error.

    Attributes:
        name: Short id.
        mechanism: What it breaks (MODEL.md section and step).
        simulator: ``mesa``, ``engine`` or ``shared`` (code both simulators call).
        path: File changed, relative to the project.
        old: The exact text replaced (must occur once).
        new: Its replacement.
        what: The slip in words.
    """

    name: str
    mechanism: str
    simulator: str
    path: str
    old: str
    new: str
    what: str


MODEL, AGENTS = "conflictsim/model.py", "conflictsim/agents.py"
KERNELS, ROLLOUT = "conflictsim/engine/kernels.py", "conflictsim/engine/rollout.py"
DRIVER = "conflictsim/engine/driver.py"
TRAINING, OUTCOMES = "conflictsim/training.py", "conflictsim/outcomes.py"

ERRORS = (
    # 3.1 Presence.
    Error("mesa_absence", "3.1 presence", "mesa", AGENTS,
          "p_absent = p.absence_base + p.absence_strain",
          "p_absent = 1.1 * p.absence_base + p.absence_strain",
          "base absence probability 10% too high"),
    Error("engine_absence", "3.1 presence", "engine", KERNELS,
          "p_absent = abs_base + abs_strain * s / (s + scale)",
          "p_absent = abs_base + abs_strain * s / (s + 1.1 * scale)",
          "strain saturates 10% too slowly"),
    # 3.2 Triggers.
    Error("mesa_trigger_customers", "3.2 triggers", "mesa", AGENTS,
          "rate = p.trigger * (p.customer_multiplier if self.customer_facing else 1.0)",
          "rate = p.trigger * (p.customer_multiplier if not self.customer_facing else 1.0)",
          "customer multiplier applied to the wrong staff"),
    Error("engine_trigger", "3.2 triggers", "engine", KERNELS,
          "trig_p[r, i] = rate * (1 - par[_REG_SHIELD] * reg[r, i])",
          "trig_p[r, i] = 1.07 * rate * (1 - par[_REG_SHIELD] * reg[r, i])",
          "trigger probability 7% too high"),
    # 3.3 Contacts.
    Error("mesa_contact_absent", "3.3 contacts", "mesa", MODEL,
          "(a, b) for a, b, q in self._ties if a.present and b.present and",
          "(a, b) for a, b, q in self._ties if a.present and",
          "a tie is active with its second end absent"),
    Error("engine_contact", "3.3 contacts", "engine", KERNELS,
          "thr_met[m] = 1.0 if certain else contact[k]",
          "thr_met[m] = 1.0 if certain else 1.1 * contact[k]",
          "contact probability 10% too high"),
    # 3.4 Encounters.
    Error("mesa_listening_party", "3.4 encounters", "mesa", MODEL,
          "* (1 - p.listening_shield * c.listening)",
          "* (1 - p.listening_shield * u.listening)",
          "listening shield read from the upset party, not the composed one"),
    Error("engine_transmission", "3.4 encounters", "engine", KERNELS,
          "par[_TRANS] * (1 - par[_LIS_SHIELD] * lis[r, i])",
          "0.93 * par[_TRANS] * (1 - par[_LIS_SHIELD] * lis[r, i])",
          "transmission 7% too low"),
    Error("mesa_calm_party", "3.4 calming", "mesa", MODEL,
          "rnd() < p.listening_calm * c.listening",
          "rnd() < p.listening_calm * u.listening",
          "calming read from the upset party's listening"),
    Error("engine_calm", "3.4 calming", "engine", KERNELS,
          "enc[r, i, 1] = par[_CALM] * lis[r, i]",
          "enc[r, i, 1] = 1.1 * par[_CALM] * lis[r, i]",
          "calming 10% too likely"),
    Error("mesa_clash", "3.4 clash", "mesa", MODEL,
          "if rnd() < p.clash:",
          "if rnd() < 1.1 * p.clash:",
          "clash 10% too likely"),
    Error("engine_clash", "3.4 clash", "engine", KERNELS,
          "thr_conflict[m] = clash if both_upset else",
          "thr_conflict[m] = 0.92 * clash if both_upset else",
          "clash 8% too unlikely"),
    # 3.5 Severity and grievance.
    Error("mesa_calmer_party", "3.5 severity", "mesa", MODEL,
          "p.escalation * (1 - max(a.regulation, b.regulation))",
          "p.escalation * (1 - min(a.regulation, b.regulation))",
          "escalation set by the less calm party"),
    Error("engine_escalation_grievance", "3.5 severity", "engine", KERNELS,
          "p_escalate = esc * (1 - max(reg[x], reg[y])) * (1 + gw * g)",
          "p_escalate = esc * (1 - max(reg[x], reg[y]))",
          "grievance does not raise escalation"),
    Error("mesa_critical", "3.5 severity", "mesa", MODEL,
          "conflict.severity = CRITICAL if rnd() < p.critical_share else MAJOR",
          "conflict.severity = CRITICAL if rnd() < 1.1 * p.critical_share else MAJOR",
          "critical share 10% too high"),
    Error("engine_grievance_decay", "3.5 grievance", "engine", KERNELS,
          "griev[e] = g * g_keep + 1",
          "griev[e] = g * g_keep * g_keep + 1",
          "an extra grievance decay on conflict days"),
    Error("mesa_grievance_one_side", "3.5 grievance", "mesa", MODEL,
          "b.grievance[a.index] = b.grievance.get(a.index, 0.0) + 1",
          "pass",
          "a conflict adds grievance to one party only"),
    # 3.6 Responders.
    Error("engine_responder_absent", "3.6 responders", "engine", KERNELS,
          "and j != other\n            and (flags[j] & _PRESENT)\n",
          "and j != other\n",
          "responders counted while absent"),
    Error("engine_responder_unmet", "3.6 responders", "engine", KERNELS,
          "and j != other\n            and (flags[j] & _PRESENT)\n            and _met(tie[k], "
          "contact[k], rules.contact_certain, c1_tie, c2, rules.k0, rules.k1)\n",
          "and j != other\n            and (flags[j] & _PRESENT)\n",
          "responders act on a conflict of a colleague they did not meet (MODEL.md v1)"),
    # All cores (issue 12, point 7).
    Error("engine_shared_scratch", "threads", "engine", DRIVER,
          "scratch = [_scratch(network) for _ in rows]",
          "scratch = [_scratch(network)] * len(rows)",
          "replicates on different threads share one day's flags"),
    Error("mesa_responder_party", "3.6 responders", "mesa", MODEL,
          "if r is not a and r is not b and r.trainings",
          "if r is not a and r.trainings",
          "a party of the conflict responds to it"),
    Error("mesa_responder_unmet", "3.6 responders", "mesa", MODEL,
          "for r in met_by.get(a, []) + met_by.get(b, [])",
          "for r in (c for c in a.contacts + b.contacts if c.present)",
          "responders act on a conflict of a colleague they did not meet (MODEL.md v1)"),
    Error("mesa_responder_success", "3.6 responders", "mesa", MODEL,
          "if strength > 0 and rnd() < p.responder_success * strength:",
          "if strength > 0 and rnd() < 1.1 * p.responder_success * strength:",
          "responders succeed 10% too often"),
    # 3.7 Recovery.
    Error("mesa_recovery", "3.7 recovery", "mesa", AGENTS,
          "< p.recovery * (1 + p.regulation_recovery * self.regulation)",
          "< 0.93 * p.recovery * (1 + p.regulation_recovery * self.regulation)",
          "recovery 7% too slow"),
    Error("engine_recovery", "3.7 recovery", "engine", KERNELS,
          "rec_p[r, i] = par[_RECOVERY] * (1 + par[_REG_RECOVERY] * reg[r, i])",
          "rec_p[r, i] = par[_RECOVERY] * (1 + 1.1 * par[_REG_RECOVERY] * reg[r, i])",
          "regulation speeds recovery 10% too much"),
    # 3.8 Strain and turnover.
    Error("mesa_strain_day", "3.8 strain", "mesa", MODEL,
          "a.carry_strain(upset_today)",
          "a.carry_strain(a.upset)",
          "strain grows on the end-of-day state, a day late"),
    Error("engine_strain_decay", "3.8 strain", "engine", KERNELS,
          "keep = 1 - rules.par[r, _STRAIN_DECAY]",
          "keep = 1 - 1.1 * rules.par[r, _STRAIN_DECAY]",
          "strain decays 10% too fast"),
    Error("mesa_quit_strain", "3.8 turnover", "mesa", MODEL,
          "quits = a.quits()\n            a.carry_strain(upset_today)\n",
          "a.carry_strain(upset_today)\n            quits = a.quits()\n",
          "quits read today's new strain instead of the start of the day's"),
    Error("engine_vacancy", "3.8 turnover", "engine", KERNELS,
          "vacant_until[r, i] = day + rules.vacancy_days",
          "vacant_until[r, i] = day + rules.vacancy_days + 1",
          "posts stay empty a day too long"),
    Error("mesa_hire_keeps_training", "3.8 turnover", "mesa", AGENTS,
          "        self.strain = 0.0\n        self.trainings = []\n        for other",
          "        self.strain = 0.0\n        for other",
          "someone who quits leaves their training to the post"),
    # 4 Training.
    Error("shared_half_life", "4 decay", "shared", TRAINING,
          "return 0.5 ** (days_since / self.half_life_days)",
          "return 0.5 ** ((days_since + 1) / self.half_life_days)",
          "the training effect decays a day early"),
    Error("shared_lead_in", "4 hotspots", "shared", TRAINING,
          "lo = max(0, self.start_day - self.lead_in_days + 1)",
          "lo = max(0, self.start_day - self.lead_in_days + 2)",
          "the hotspot lead-in is a day short"),
    Error("shared_coverage_rounding", "4 coverage", "shared", TRAINING,
          "return min(group, int(round(share * group)))",
          "return min(group, int(share * group))",
          "a coverage share rounded down instead of to the nearest"),
    Error("shared_refresher_day", "4 refreshers", "shared", TRAINING,
          "return (day - last) == self.refresher_days",
          "return (day - last) == self.refresher_days + 1",
          "refreshers a day late"),
    Error("engine_listening_70", "4 effects", "engine", ROLLOUT,
          "self.shifts[:, k, 1] = prog.shift_listening(p, self.transfer)[:, 0]",
          "self.shifts[:, k, 1] = 0.7 * prog.shift_listening(p, self.transfer)[:, 0]",
          "listening training applied at 70% in the engine"),
    Error("engine_fade_day", "4 effects", "engine", KERNELS,
          "left = t_remaining[k, day - t_ref[k]] * t_weight[r, k, i]",
          "left = t_remaining[k, max(day - 1 - t_ref[k], 0)] * t_weight[r, k, i]",
          "the engine's training fades a day late"),
    Error("engine_quitter_keeps_training", "4 effects", "engine", KERNELS,
          "                t_weight[r, k, i] = 0.0",
          "                t_weight[r, k, i] = t_weight[r, k, i]",
          "a new hire inherits the training of the person who quit until the next session"),
    Error("mesa_training_day", "4 effects", "mesa", MODEL,
          "                a.update_traits(day, self.programmes)",
          "                a.update_traits(day - 1, self.programmes)",
          "the Mesa model reads yesterday's training effect"),
    # 5 Outcomes.
    Error("mesa_hours_one_party", "5 hours", "mesa", MODEL,
          'today["conflict_hours"] += 2 * hours[severity]',
          'today["conflict_hours"] += hours[severity]',
          "conflict hours count one party only"),
    Error("engine_hours_minor", "5 hours", "engine", KERNELS,
          "n_sev[0] * par[_H_MINOR] + n_sev[1] * par[_H_MAJOR]",
          "n_sev[0] * 1.1 * par[_H_MINOR] + n_sev[1] * par[_H_MAJOR]",
          "minor conflicts cost 10% more hours"),
    Error("shared_cost_quits", "5 cost", "shared", OUTCOMES,
          '"cost_conflict": hours * p.wage + quits * p.replacement_cost,',
          '"cost_conflict": hours * p.wage,',
          "the cost of conflict leaves out replacing those who quit"),
    Error("engine_team_party", "5 by team", "engine", KERNELS,
          "team_daily[r, day, team[y]] += 1",
          "team_daily[r, day, team[x]] += 1",
          "a conflict counted twice in one party's team"),
    Error("shared_ripple_class", "5 ripple", "shared", "conflictsim/comparison.py",
          "in_class = (nearer >= lo) & ((nearer <= hi) if hi is not None else True)",
          "in_class = (nearer >= lo) & ((nearer < hi) if hi is not None else True)",
          "a ripple distance class misses its upper boundary"),
    # Value of information (conflictsim.uncertainty).
    Error("shared_voi_in_sample", "value of information", "shared", "conflictsim/uncertainty.py",
          "dev = self.regression.predict(self.gain[~test], ~test, test, members)",
          "dev = self.regression.predict(self.gain, np.ones(n, bool), test, members)",
          "each world's choice learnt from its own run's chance"),
    # 2 Warm-up (ODD 1.3, 3.1).
    Error("engine_warmup_ties", "warm-up", "engine", DRIVER,
          "                counts.edge_conflicts[:] = 0",
          "                pass",
          "conflicts per tie keep the warm-up's"),
    Error("mesa_warmup_day", "warm-up", "mesa", MODEL,
          "        self.simulate_day(self.steps + self._warmup)",
          "        self.simulate_day(self.steps + self._warmup - 1)",
          "the Mesa model counts the warm-up's last day again"),
)  # fmt: skip


def copy_project(into: Path) -> None:
    """Copy what the tests read into ``into`` (no caches)."""
    for folder in ("conflictsim", "tests", "experiments", "dashboard", "docs"):
        shutil.copytree(ROOT / folder, into / folder, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, into / name)


def plant(error: Error, into: Path) -> None:
    """Copy the project into ``into`` with ``error`` planted."""
    copy_project(into)
    target = into / error.path
    text = target.read_text()
    count = text.count(error.old)
    if count != 1:
        raise SystemExit(f"{error.name}: the text to replace occurs {count} times in {error.path}")
    target.write_text(text.replace(error.old, error.new))


#: Scratch folders, one per job. The same path each time lets numba reuse its compiled
#: kernels (its cache is keyed by the source file's path and time stamp) whenever an error
#: leaves the engine's files as they are.
SCRATCH = Path(tempfile.gettempdir()) / "conflictsim-planted"


def slot(job: int) -> Path:
    """An empty scratch copy folder for job ``job``."""
    where = SCRATCH / f"copy{job}"
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    return where


def run_tests(where: Path, timeout: float, job: int = 0) -> tuple[str | None, str, float]:
    """Run the tests in ``where`` until the first failure: (failing test, last lines, seconds)."""
    env = {
        **os.environ,
        "PYTHONPATH": str(where),
        "PYTHONDONTWRITEBYTECODE": "1",
        "NUMBA_CACHE_DIR": str(SCRATCH / f"numba{job}"),
    }
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        "-x",
        "-q",
        "-n",
        "0",
        "-p",
        "no:cacheprovider",
        "-rf",
        *TESTS,
    ]
    start = time.monotonic()
    try:
        r = subprocess.run(cmd, cwd=where, env=env, capture_output=True, text=True, timeout=timeout)
        out = r.stdout + r.stderr
    except subprocess.TimeoutExpired as exc:
        out = f"timed out after {timeout:.0f} s\n{exc.stdout or ''}"
    seconds = time.monotonic() - start
    failed = re.findall(r"^(?:FAILED|ERROR) (\S+)", out, flags=re.M)
    return (failed[0] if failed else None), "\n".join(out.splitlines()[-3:]), seconds


def check_copy_is_clean(timeout: float) -> None:
    """The unplanted copy passes (else every "catch" would mean nothing)."""
    where = slot(0)
    copy_project(where)
    failed, tail, seconds = run_tests(where, timeout)
    if failed is not None or "passed" not in tail:
        raise SystemExit(f"the project without a planted error fails: {failed}\n{tail}")
    print(f"no planted error: every test passes ({seconds:.0f} s)", flush=True)


def try_error(error: Error, job: int, timeout: float) -> tuple[dict, str]:
    """Plant ``error`` in job ``job``'s scratch copy and run the tests."""
    where = slot(job)
    plant(error, where)
    failed, tail, seconds = run_tests(where, timeout, job)
    return {**error.__dict__, "caught_by": failed, "seconds": round(seconds, 1)}, tail


def report(results: list[dict]) -> str:
    """The results as a Markdown table."""
    caught = sum(r["caught_by"] is not None for r in results)
    lines = [
        f"{caught} of {len(results)} planted errors caught.",
        "",
        "| error | mechanism | simulator | the slip | caught by | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for r in results:
        by = f"`{r['caught_by']}`" if r["caught_by"] else "**not caught**"
        lines.append(
            f"| `{r['name']}` | {r['mechanism']} | {r['simulator']} | {r['what']} | {by} | "
            f"{r['seconds']:.0f} |"
        )
    return "\n".join(lines)


def write_report(results: list[dict]) -> None:
    """Store the results and refresh the table in docs/verification.md."""
    RESULTS.write_text(json.dumps(results, indent=1) + "\n")
    if REPORT.is_file():
        text = REPORT.read_text()
        if MARK_START in text and MARK_END in text:
            head, rest = text.split(MARK_START, 1)
            _, tail = rest.split(MARK_END, 1)
            REPORT.write_text(f"{head}{MARK_START}\n{report(results)}\n{MARK_END}{tail}")


def _show(result: dict, tail: str, keep: bool) -> dict:
    print(f"{result['name']:32} {result['caught_by'] or 'NOT CAUGHT'}  ({result['seconds']:.0f} s)",
          flush=True)  # fmt: skip
    if keep:
        print(tail, flush=True)
    return result


def main(argv: list[str] | None = None) -> int:
    """Plant each error in turn and run the tests; 1 if any error was not caught."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", nargs="+", metavar="NAME", help="only these errors")
    ap.add_argument("--keep", action="store_true", help="print the tests' last lines")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per error")
    ap.add_argument("--no-clean-check", action="store_true", help="skip the unplanted run")
    ap.add_argument("--jobs", type=int, default=1, help="errors tried at once (one per core)")
    args = ap.parse_args(argv)
    chosen = [e for e in ERRORS if not args.only or e.name in args.only]
    if args.only and len(chosen) != len(args.only):
        known = {e.name for e in ERRORS}
        raise SystemExit(f"unknown errors: {sorted(set(args.only) - known)}")
    if not args.no_clean_check:
        check_copy_is_clean(args.timeout)
    results = []
    with cf.ThreadPoolExecutor(args.jobs) as pool:
        jobs = list(range(args.jobs))
        futures = {}
        for error in chosen:
            if not jobs:  # wait for a free scratch folder
                done = next(cf.as_completed(futures))
                jobs.append(futures.pop(done))
                results.append(_show(*done.result(), args.keep))
            job = jobs.pop()
            futures[pool.submit(try_error, error, job, args.timeout)] = job
        for done in cf.as_completed(futures):
            results.append(_show(*done.result(), args.keep))
    order = {e.name: k for k, e in enumerate(ERRORS)}
    if args.only and RESULTS.is_file():  # update or add those entries of the last full run
        kept = {r["name"]: r for r in json.loads(RESULTS.read_text()) if r["name"] in order}
        results = list((kept | {r["name"]: r for r in results}).values())
    results.sort(key=lambda r: order[r["name"]])
    if not args.only or RESULTS.is_file():
        write_report(results)
    missed = [r["name"] for r in results if r["caught_by"] is None]
    print(
        f"{len(results) - len(missed)} of {len(results)} caught"
        + (f"; missed: {missed}" if missed else "")
    )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
