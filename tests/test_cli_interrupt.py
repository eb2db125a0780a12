"""A run stopped by Ctrl-C or SIGTERM keeps what it finished; a console that is not UTF-8 loses nothing.

The CLI runs in a pseudo-terminal, as in a user's shell, so that its progress bar is drawn:
the signal is sent once the bar shows the slow last size, when the small sizes before it
have finished.
"""

import os
import pty
import select
import signal
import subprocess
import sys
import time

import pytest
from conftest import ROOT

from dlenv.data import results
from dlenv.data.store import Store

SIZES = "64,96,128,4096"  # three quick sizes, then one that takes many seconds in float64


def run_in_terminal(args, env, until: str, timeout_s: float = 300):
    """Start ``python -m dlenv ARGS`` on a pseudo-terminal; return it once ``until`` was printed."""
    controller, terminal = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "dlenv", *args], cwd=ROOT, env=env,
                            stdin=subprocess.DEVNULL, stdout=terminal, stderr=terminal, close_fds=True)
    os.close(terminal)
    seen, deadline = b"", time.monotonic() + timeout_s
    while until.encode() not in seen:
        assert time.monotonic() < deadline and proc.poll() is None, seen.decode(errors="replace")[-2000:]
        if select.select([controller], [], [], 0.5)[0]:
            seen += os.read(controller, 65536)
    return proc, controller, seen


def drain(proc, controller, seen: bytes, timeout_s: float = 120) -> str:
    """Everything the process prints until it exits."""
    deadline = time.monotonic() + timeout_s
    while proc.poll() is None or select.select([controller], [], [], 0)[0]:
        assert time.monotonic() < deadline, seen.decode(errors="replace")[-2000:]
        if select.select([controller], [], [], 0.2)[0]:
            try:
                seen += os.read(controller, 65536)
            except OSError:  # the terminal closed with the process
                break
    proc.wait(timeout_s)
    os.close(controller)
    return seen.decode(errors="replace")


@pytest.mark.parametrize("signum, code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_a_stopped_run_writes_and_saves_what_finished_and_exits_128_plus_the_signal(tmp_path, signum, code):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLENV_DATA_DIR": str(tmp_path), "COLUMNS": "200"}
    env.pop("DLENV_DATABASE_URL", None)
    out = tmp_path / "s.json"
    proc, controller, seen = run_in_terminal(
        ["run", "matmul", "--sizes", SIZES, "--dtype", "float64", "--budget", "0.2", "--out", str(out), "--save"],
        env, until="matmul 4096 float64")
    proc.send_signal(signum)
    text = drain(proc, controller, seen)
    assert proc.returncode == code, text[-2000:]
    assert "Traceback" not in text and "KeyboardInterrupt" not in text
    assert f"stopped by {signal.Signals(signum).name} after 3 of 4 measurements" in text
    assert "3/4" in text.splitlines()[-1] or "3/4" in text  # the bar shows what really finished
    doc = results.load(out)
    assert doc["interrupted"] is True
    assert [r["params"]["m"] for r in doc["results"]] == [64, 96, 128]
    with Store(f"sqlite:///{tmp_path / 'dlenv.sqlite'}") as db:  # the file --save used (DLENV_DATA_DIR)
        assert db.count() == 3


def test_a_console_that_cannot_show_the_machine_name_still_saves_and_prints_with_replacements(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DLENV_DATA_DIR": str(tmp_path), "DLENV_MACHINE": "연구실-PC",
           "PYTHONIOENCODING": "cp1252"}
    env.pop("DLENV_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "dlenv", "run", "matmul", "--sizes", "128", "--budget", "0.1",
                           "--save"], cwd=ROOT, env=env, capture_output=True, timeout=300, check=False)
    stdout, stderr = done.stdout.decode("cp1252"), done.stderr.decode("cp1252")
    assert done.returncode == 0, stderr[-2000:]
    assert "results from ???-PC" in stdout and "saved: added 1" in stdout
    with Store(f"sqlite:///{tmp_path / 'dlenv.sqlite'}") as db:
        assert db.count() == 1


def test_an_ascii_console_gets_replacements_in_errors_too(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "ascii"}
    done = subprocess.run([sys.executable, "-m", "dlenv", "import", str(tmp_path / "결과.json")], cwd=ROOT, env=env,
                          capture_output=True, timeout=60, check=False)
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    assert done.stderr.decode("ascii").startswith("dlenv: error: ") and "??.json" in done.stderr.decode("ascii")
