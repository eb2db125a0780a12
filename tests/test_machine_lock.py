"""One measurement per machine across processes: two CLIs, a CLI and the dashboard's runner.

Real processes throughout: the lock is a file lock, and what it must stop is two
processes timing at once.
"""

import os
import subprocess
import sys
import time

from conftest import ROOT

from dlenv.data import results
from dlenv.measure.workloads import Matmul
from dlenv.serve.limits import Limits
from dlenv.serve.machine_lock import MachineLock
from dlenv.serve.plan import Plan
from dlenv.serve.runner import CANCELLED, DONE, Runner

ENV = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
HOLD = """
import sys, time
from dlenv.serve.machine_lock import MachineLock
lock = MachineLock()
lock.acquire("a test holding the machine", lambda: False, lambda holder: None)
print("held", flush=True)
sys.stdin.read()  # until the test closes stdin
lock.release()
"""


def cli(*args):
    return subprocess.Popen([sys.executable, "-m", "dlenv", *args], cwd=ROOT, env=ENV, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def intervals(doc):
    """Each result's timed region, as (start, end) UTC ISO 8601 strings (they sort by time)."""
    return [(r["started_at"], r["ended_at"]) for r in doc["results"]]


def overlap(a, b):
    return any(start_a < end_b and start_b < end_a for start_a, end_a in a for start_b, end_b in b)


def test_two_clis_started_together_take_turns_and_the_second_says_it_waited(tmp_path):
    outs = [tmp_path / "first.json", tmp_path / "second.json"]
    procs = [cli("run", "matmul", "--sizes", "1024", "--budget", "1", "--quiet", "--out", str(out)) for out in outs]
    done = [proc.communicate(timeout=600) for proc in procs]
    assert [proc.returncode for proc in procs] == [0, 0], [err[-2000:] for _, err in done]
    docs = [results.load(out) for out in outs]
    assert not overlap(intervals(docs[0]), intervals(docs[1]))
    (_, first_err), (_, second_err) = done
    one_waited_for_the_other = (f"waiting for another dlenv measurement, pid {procs[1].pid}" in first_err
                                or f"waiting for another dlenv measurement, pid {procs[0].pid}" in second_err)
    assert one_waited_for_the_other, [err for _, err in done]
    assert any("waited" in err and "s for another dlenv measurement to finish" in err for _, err in done)


def test_the_cli_waits_for_a_dashboard_job_and_their_timings_do_not_overlap(tmp_path):
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))  # what the dashboard holds
    try:
        # 40 sizes: still measuring when the CLI starts (each stops early once its spread is small).
        job = runner.submit(Plan(tuple(Matmul.square(n) for n in range(256, 896, 16)), budget_s=1), session="dashboard")
        while "task" not in job.progress:  # its worker is up and measuring
            assert not job.finished, job.error
            time.sleep(0.05)
        out = tmp_path / "cli.json"
        proc = cli("run", "matmul", "--sizes", "256", "--budget", "0.5", "--quiet", "--out", str(out))
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err[-2000:]
        assert job.wait(300) and job.state == DONE, job.error
        assert f"waiting for another dlenv measurement, pid {os.getpid()}" in err
        assert not overlap(intervals(job.result), intervals(results.load(out)))
    finally:
        runner.shutdown()


def test_a_job_waiting_for_another_process_says_whom_and_can_be_cancelled():
    holder = subprocess.Popen([sys.executable, "-c", HOLD], cwd=ROOT, env=ENV, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))
    try:
        assert holder.stdout.readline().strip() == "held"
        job = runner.submit(Plan((Matmul.square(64),), budget_s=0.1))
        deadline = time.monotonic() + 30
        while job.progress.get("waiting_for") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        who = job.progress["waiting_for"]
        assert who.pid == holder.pid and who.what == "a test holding the machine"
        assert runner.worker_count() == 0  # nothing starts while another process measures
        job.cancel()
        assert job.wait(5) and job.state == CANCELLED
    finally:
        holder.stdin.close()
        holder.wait(30)
        runner.shutdown()


def test_a_holder_that_dies_leaves_no_stale_lock(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD.replace("MachineLock()", f"MachineLock({str(tmp_path)!r})")],
                              cwd=ROOT, env=ENV, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert holder.stdout.readline().strip() == "held"
    lock = MachineLock(tmp_path)
    assert lock.holder().pid == holder.pid
    holder.kill()
    holder.wait(30)
    waited = lock.acquire("after a crash", lambda: False, lambda who: None)
    try:
        assert waited is not None and waited < 5
        assert lock.holder().pid == os.getpid()
    finally:
        lock.release()


def test_the_same_plan_gives_the_same_document_through_the_cli_and_the_dashboard(tmp_path):
    """The CLI's flags and the pages' widgets both become a Plan the runner runs: the documents have
    the same fields and values apart from the timings."""
    out = tmp_path / "cli.json"
    proc = cli("run", "matmul", "--sizes", "64,128", "--devices", "cpu", "--budget", "0.1", "--quiet",
               "--out", str(out))
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err[-2000:]
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))  # a runner like the one the dashboard shares
    try:
        job = runner.submit(Plan((Matmul.square(64), Matmul.square(128)), devices=("cpu",), budget_s=0.1),
                            session="page")
        assert job.wait(300) and job.state == DONE, job.error
    finally:
        runner.shutdown()
    from_cli, from_dashboard = _timing_free(results.load(out)), _timing_free(job.result)
    assert from_cli == from_dashboard
    assert [r["params"]["m"] for r in from_cli["results"]] == [64, 128]


TIMING_FIELDS = {"median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "samples_s", "first_call_s", "n_samples",
                 "calls_per_sample", "noisy", "gflops", "gbps", "pct_of_peak", "peak_exceeded", "note", "started_at",
                 "ended_at", "measured_at", "samples_per_s", "wall_s",
                 "other_cpu_share", "steal_share", "load_avg_1m", "busy"}  # what the machine's load was


def _timing_free(doc):
    """A document's fields and values with what a timing decides left out."""
    return {"schema": doc["schema"], "errors": doc["errors"],
            "environment_keys": [sorted(environment) for environment in doc["environments"].values()],
            "results": [{k: v for k, v in r.items() if k not in TIMING_FIELDS} | {"fields": sorted(r)}
                        for r in doc["results"]]}
