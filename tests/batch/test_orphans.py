"""A run killed with ``kill -9`` leaves no process behind: no worker, fork server or tracker."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_files import write_experiment

from conflictsim import batch

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="lists processes from /proc")


def session(sid: int) -> dict[int, str]:
    """The live processes of session ``sid``: pid to a line saying what each is."""
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmd = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended while being read
            continue
        # The fields after the command name, which is in parentheses and may hold spaces.
        state, ppid, _, sid_of = stat[stat.rindex(")") + 2 :].split()[:4]
        if int(sid_of) == sid and state != "Z":  # a zombie has ended: only its entry is left
            found[int(entry.name)] = f"{entry.name} (parent {ppid}): {cmd.strip()[:110]}"
    return found


def finished(out: Path) -> int:
    """Units finished on disk (none before the manifest is written)."""
    if not (out / batch.MANIFEST).is_file():
        return 0
    return int(batch.units_frame(out)["done"].sum())


def wait_for(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"waited {seconds} s for {what}"
        time.sleep(0.05)


def test_kill_9_of_a_run_leaves_no_process(tmp_path_factory, tmp_path):
    experiment = write_experiment(tmp_path_factory)
    out = tmp_path / "out"
    log = open(tmp_path / "run.log", "w")  # noqa: SIM115 - closed below
    # A session of its own: every process the run starts belongs to it unless it leaves.
    proc = subprocess.Popen(
        [sys.executable, "-m", "conflictsim.cli", "run", str(experiment), "--out", str(out)]
        + ["--workers", "2", "--quiet"],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    sid = proc.pid
    try:
        # Mid-run: a unit on disk, and besides the run its helpers (the resource tracker,
        # the fork server) and two workers.
        wait_for(
            lambda: finished(out) >= 1 and len(session(sid)) >= 5,
            180,
            "a finished unit and two workers",
        )
        before = session(sid)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        try:
            wait_for(lambda: not session(sid), 60, "the run's processes to end")
        except AssertionError:
            survivors = "\n".join(session(sid).values())
            raise AssertionError(
                f"alive 60 s after kill -9 of the run:\n{survivors}\n(before:\n"
                + "\n".join(before.values())
                + ")"
            ) from None
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(sid, signal.SIGKILL)  # whatever the test found left over
        log.close()
    # The finished units were kept, whole: a resumed run starts from them.
    assert finished(out) >= 1
    assert len(batch.read_summary(out, complete=False)) >= 2
