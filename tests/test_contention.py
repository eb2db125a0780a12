"""Other programs' CPU time during a timed region (dlenv.measure.contention), with real processes.

The machine these tests run on is shared: other people's work comes and goes on it
(50-100% of its CPU for minutes at a time while this file was written), and no test can
make it quiet. So the busy side is asserted strictly against what the test itself knows
(its busy child's own CPU time must be counted as another program's), and the quiet side
is asserted as the property that matters whatever else runs: this process tree's own
work is never counted as another program's.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import psutil
import pytest
from conftest import run_dlenv

from dlenv.cli import table
from dlenv.data import results
from dlenv.measure import contention

SPIN = "while True: pass"


@pytest.fixture
def other_program():
    """A busy loop that is not this process's child (started through a shell that exits), as
    another user's program would be. Killed by its pid afterwards."""
    shell = subprocess.run(["sh", "-c", f'"{sys.executable}" -c "{SPIN}" >/dev/null 2>&1 & echo $!'],
                           capture_output=True, text=True, check=True)
    pid = int(shell.stdout)
    process = psutil.Process(pid)
    assert pid not in {p.pid for p in psutil.Process().children(recursive=True)}
    time.sleep(0.3)  # running before the interval starts
    yield process
    os.kill(pid, signal.SIGKILL)


def test_another_programs_busy_loop_is_counted(other_program):
    child_before = sum(other_program.cpu_times()[:2])
    probe = contention.Probe()
    time.sleep(0.8)
    seen = probe.stop()
    child_used = sum(other_program.cpu_times()[:2]) - child_before
    capacity = seen.seconds * seen.cpus
    assert child_used >= 0.1 * seen.seconds  # it did run (on a loaded machine, less than a whole CPU)
    # Everything the child used is in the other programs' share (10 ms accounting ticks).
    assert seen.other_cpu_share * capacity >= child_used - 0.05
    assert seen.other_cpu_share > contention.busy_share(seen.cpus) and seen.busy
    record = seen.to_dict()
    assert record["busy"] is True and 0 < record["other_cpu_share"] <= 1
    assert record["load_avg_1m"] is not None and record["load_avg_1m"] >= 0


def test_our_own_work_is_not_counted():
    """This thread spinning and a spinning child of ours are our tree, not other programs."""
    child = subprocess.Popen([sys.executable, "-c", SPIN])
    try:
        time.sleep(0.3)
        probe = contention.Probe()
        stop = threading.Event()
        spinner = threading.Thread(target=lambda: [None for _ in iter(lambda: stop.is_set(), True)])
        spinner.start()
        time.sleep(0.8)
        stop.set()
        spinner.join()
        seen = probe.stop()
    finally:
        child.kill()
        child.wait()
    # Our two spinners got a real share, even when others' work squeezes them.
    assert seen.own_cpu_share >= 0.1
    # What every process used (at most the whole machine) = ours + others'. Were ours counted
    # as others', the sum would exceed the machine by our share (10 ms accounting ticks allowed).
    assert seen.own_cpu_share + seen.other_cpu_share <= 1.05


def test_a_result_measured_beside_a_busy_loop_is_flagged_and_the_table_says_so(tmp_path):
    busy_loop = subprocess.Popen([sys.executable, "-c", SPIN])  # pytest's child, not the CLI's
    try:
        time.sleep(0.3)
        out = tmp_path / "r.json"
        done = run_dlenv("run", "matmul", "--sizes", "256", "--backend", "tensorflow", "--budget", "0.3",
                         "--out", str(out))
    finally:
        busy_loop.kill()
        busy_loop.wait()
    assert done.returncode == 0, done.stderr[-2000:]
    [result] = results.load(out)["results"]
    assert result["busy"] is True
    assert result["other_cpu_share"] > contention.busy_share(psutil.cpu_count())
    assert result["steal_share"] is None or 0 <= result["steal_share"] <= 1
    assert result["load_avg_1m"] >= 0
    row = next(line for line in done.stdout.splitlines() if "matmul 256" in line)
    assert " busy" in row  # next to the IQR
    assert "measured while other programs used up to" in done.stdout
    assert "measure again when the machine is quiet" in done.stdout


def test_the_busy_line_names_the_share_and_how_many():
    quiet = {"busy": False, "other_cpu_share": 0.01, "steal_share": 0.0}
    assert table.busy_line([quiet, {"workload": "matmul"}]) is None  # old files have no busy field
    line = table.busy_line([quiet, {"busy": True, "other_cpu_share": 0.42, "steal_share": 0.03}])
    assert "up to 45% of the CPU" in line and "1 of 2 results" in line


def test_the_banner_shows_above_busy_results_only():
    from streamlit.testing.v1 import AppTest

    def page(busy: list, lang: str) -> None:
        import pandas as pd

        from dlenv.ui import show

        show.busy_warning(pd.DataFrame({"busy": busy, "other_cpu_share": [0.02, 0.37][:len(busy)],
                                        "steal_share": [0.0, 0.01][:len(busy)]}), lang)

    at = AppTest.from_function(page, args=([False, True], "en")).run()
    assert len(at.warning) == 1
    assert "1 of 2 results" in at.warning[0].value and "up to 38%" in at.warning[0].value
    at = AppTest.from_function(page, args=([False, True], "ko")).run()
    assert "최대 38%" in at.warning[0].value
    assert not AppTest.from_function(page, args=([False, False], "en")).run().warning
    assert not AppTest.from_function(page, args=([None, None], "en")).run().warning  # files without the field
