"""The job runner with real worker processes: queue, cancel, crashes, timeouts, limits."""

import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

from dlenv.serve.plan import JobRequest, Refused
from dlenv.serve.limits import Limits
from dlenv.serve.runner import CANCELLED, DONE, FAILED, RUNNING, Busy, Runner
from dlenv.serve.worker_handle import WorkerError, WorkerProcess
from dlenv.measure.workloads import MLP, Matmul

LIMITS = Limits(max_matmul=16384, max_model_bytes=2**30, queue_per_session=30, queue_total=30)


def small(n=64, **kw):
    return JobRequest("tensorflow", (Matmul.square(n),), budget_s=0.1, **kw)


def long_running(n=2048):
    return JobRequest("tensorflow", (Matmul.square(n),), budget_s=60)


def gone(pid, within):
    """Whether process ``pid`` has exited within ``within`` seconds."""
    end = time.monotonic() + within
    while time.monotonic() < end:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def wait_until_running(job, timeout=120):
    end = time.monotonic() + timeout
    while not (job.state == RUNNING and job.progress) and time.monotonic() < end:
        time.sleep(0.05)
    assert job.state == RUNNING, job.error


@pytest.fixture(scope="module")
def runner():
    runner = Runner(LIMITS)
    runner.environment("tensorflow")  # start the worker once for the module
    yield runner
    runner.shutdown()


def test_a_job_runs_on_a_warm_worker_and_returns_a_results_document(runner):
    job = runner.submit(small(), session="alice")
    assert job.wait(120) and job.state == DONE, job.error
    [result] = job.doc["results"]
    assert result["workload"] == "matmul" and result["backend"] == "tensorflow"
    assert job.started < job.ended and job.position == 0


def test_environment_data_is_cached_per_backend(runner):
    first = runner.environment("tensorflow")
    start = time.perf_counter()
    again = runner.environment("tensorflow")
    assert time.perf_counter() - start < 0.1 and again is first
    assert first["versions"]["tensorflow"] and first["devices"][0]["id"] == "cpu:0"
    assert first["devices"][0]["free_bytes"] > 0


def test_asking_for_a_known_environment_is_answered_from_the_cache_behind_the_queue(runner):
    before = runner.submit(small(256), session="alice")
    job = runner.ask("tensorflow", "environment", session="bob")  # a handle at once, not the answer
    assert not job.finished and job.position >= 1
    assert job.wait(120) and job.state == DONE and before.finished  # it waited its turn
    assert job.doc is runner.known_environment("tensorflow")
    assert runner.known_environment("torch-not-asked") is None


def test_an_environment_can_be_cancelled_while_its_worker_starts():
    fresh = Runner(LIMITS)
    try:
        job = fresh.ask("tensorflow", "environment", session="alice")
        while job.state != RUNNING:  # the worker is importing TensorFlow, seconds
            time.sleep(0.01)
        while (pid := fresh.running_worker_pid()) is None:
            time.sleep(0.01)
        job.cancel()
        assert job.wait(30) and job.state == CANCELLED, job.error
        assert gone(pid, 10) and fresh.known_environment("tensorflow") is None
        assert fresh.environment("tensorflow")["devices"]  # the next ask starts a new worker
    finally:
        fresh.shutdown()


def test_a_queued_job_can_be_cancelled_and_the_rest_still_run(runner):
    blocker = runner.submit(small(1024), session="alice")
    queued = runner.submit(small(), session="bob")
    after = runner.submit(small(), session="carol")
    assert queued.position >= 1
    queued.cancel()
    assert queued.state == CANCELLED and queued.finished
    assert blocker.wait(120) and after.wait(120)
    assert (blocker.state, after.state) == (DONE, DONE)


def test_a_running_job_can_be_cancelled_and_the_next_job_gets_a_fresh_worker(runner):
    job = runner.submit(long_running(), session="alice")
    wait_until_running(job)
    pid = runner.running_worker_pid()
    job.cancel()
    assert job.wait(10) and job.state == CANCELLED
    assert gone(pid, 5)
    nxt = runner.submit(small(), session="alice")
    assert nxt.wait(120) and nxt.state == DONE, nxt.error


def test_a_worker_killed_by_the_os_mid_job_becomes_an_error_and_the_next_job_succeeds(runner):
    job = runner.submit(long_running(), session="alice")
    wait_until_running(job)
    os.kill(runner.running_worker_pid(), signal.SIGKILL)
    assert job.wait(10) and job.state == FAILED
    assert job.error.kind == "killed" and "operating system stopped" in job.error.message
    assert "smaller size" in job.error.hint
    nxt = runner.submit(small(), session="alice")
    assert nxt.wait(120) and nxt.state == DONE, nxt.error


def test_a_job_past_its_timeout_is_stopped_and_its_worker_is_gone(runner):
    # One 8192 matmul takes far longer than 2 s on a CPU: the first call never returns.
    job = runner.submit(JobRequest("tensorflow", (Matmul.square(8192),), budget_s=60), session="alice",
                        timeout_s=2)
    start = time.monotonic()
    while runner.running_worker_pid() is None and not job.finished:
        time.sleep(0.01)
    pid = runner.running_worker_pid()
    assert job.wait(30) and job.state == FAILED and job.error.kind == "timeout"
    assert "longer than its 2 s limit" in job.error.message
    assert pid is not None and gone(pid, 0.5)
    assert time.monotonic() - start < 2 + 2


def test_a_size_over_the_limit_is_refused_before_it_is_queued():
    runner = Runner(Limits(max_matmul=1024, max_model_bytes=2**20))
    try:
        with pytest.raises(Refused, match="the largest allowed is 1024"):
            runner.submit(small(2048))
        with pytest.raises(Refused, match="over this machine's limit of 1 MB"):
            runner.submit(JobRequest("tensorflow", (MLP(depth=8, width=4096, batch=512),)))
        assert runner.queue_length() == 0
    finally:
        runner.shutdown()


def test_a_size_larger_than_free_memory_is_refused_by_the_worker_before_running(runner):
    big = Runner(Limits(max_matmul=65536, max_model_bytes=2**40))
    try:
        job = big.submit(JobRequest("tensorflow", (Matmul.square(65536),)))
        assert job.wait(120) and job.state == FAILED
        assert job.error.kind == "refused" and "the largest size that fits is" in job.error.message
    finally:
        big.shutdown()


def test_a_missing_device_is_a_clear_error(runner):
    job = runner.submit(small(devices=("gpu",)), session="alice")
    assert job.wait(60) and job.state == FAILED
    assert job.error.kind == "missing_device" and "available: cpu:0" in job.error.message


def test_a_backend_that_is_not_installed_is_a_clear_error(runner):
    job = runner.submit(JobRequest("mxnet", (Matmul.square(64),)), session="alice")
    assert job.wait(30) and job.state == FAILED
    assert job.error.kind == "missing_backend" and "tensorflow, jax, torch" in job.error.message
    assert runner.submit(small(), session="alice").wait(120)  # the runner keeps working


def test_a_full_queue_answers_busy(runner):
    tight = Runner(Limits(max_matmul=4096, max_model_bytes=2**30, queue_per_session=1, queue_total=2))
    try:
        tight.submit(small(1024), session="alice")
        with pytest.raises(Busy, match="already have 1 measurements waiting"):
            tight.submit(small(), session="alice")
        tight.submit(small(), session="bob")
        with pytest.raises(Busy, match="busy with other people's measurements"):
            tight.submit(small(), session="carol")
    finally:
        tight.shutdown()


def test_garbage_sent_to_a_worker_gets_an_error_reply_and_the_worker_keeps_serving():
    worker = WorkerProcess("tensorflow")
    worker.start()
    try:
        assert worker.send_raw("this is not json")["kind"] == "bad_request"
        assert worker.send_raw(json.dumps({"id": "1", "op": "fly"}))["message"] == "unknown op 'fly'"
        reply = worker.send_raw(json.dumps({"id": "2", "op": "run", "job": {"backend": "tensorflow"}}))
        assert reply["event"] == "error" and reply["kind"] == "bad_request"
        assert worker.run("3", small().to_message(), 60)["event"] == "result"
    finally:
        worker.stop()


def test_a_worker_that_prints_garbage_is_reported_and_replaced(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho 'Segmentation fault? (core dumped)'\nsleep 5\n")
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    worker = WorkerProcess("tensorflow", python=str(fake))
    with pytest.raises(Exception) as failed:
        worker.start()
    assert failed.value.kind == "protocol" and "not a dlenv message" in str(failed.value)
    assert not worker.alive


def test_twenty_callers_at_once_finish_in_fifo_order_without_overlap(runner):
    barrier = threading.Barrier(20)
    jobs = [None] * 20

    def caller(i):
        barrier.wait()
        jobs[i] = runner.submit(small(128), session=f"student-{i}")

    threads = [threading.Thread(target=caller, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(job.wait(300) for job in jobs)
    assert [job.state for job in jobs] == [DONE] * 20
    by_submission = sorted(jobs, key=lambda job: int(job.id))
    starts = [job.started for job in by_submission]
    assert starts == sorted(starts)  # FIFO: served in the order they were queued
    for earlier, later in zip(by_submission, by_submission[1:]):
        assert earlier.ended <= later.started  # no two timed regions overlap
    assert runner.worker_count() == 1  # one worker per backend, however many callers


def test_tensorflow_and_jax_compared_in_one_request():
    runner = Runner(LIMITS)
    try:
        jobs = runner.compare(JobRequest("tensorflow", (Matmul.square(128),), budget_s=0.1),
                              ["tensorflow", "jax"], session="alice")
        assert all(job.wait(180) for job in jobs)
        assert [job.state for job in jobs] == [DONE, DONE], [job.error for job in jobs]
        merged = runner.merged(jobs)
        assert [r["backend"] for r in merged["results"]] == ["tensorflow", "jax"]
        assert {"tensorflow", "jax"} <= set(merged["environment"]["frameworks"])
    finally:
        runner.shutdown()


def test_a_worker_is_replaced_after_its_job_quota():
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30, max_jobs_per_worker=2))
    try:
        jobs = [runner.submit(small(), session=str(i)) for i in range(3)]
        assert all(job.wait(180) and job.state == DONE for job in jobs)
        pids = [job.worker_pid for job in jobs]
        assert pids[0] == pids[1] != pids[2]
    finally:
        runner.shutdown()


def test_a_job_can_ask_for_fewer_cpu_threads_without_a_second_worker(runner):
    job = runner.submit(small(threads=1), session="alice")
    assert job.wait(180) and job.state == DONE, job.error
    assert job.doc["environment"]["threads"]["usable_cpus"] == 1
    assert job.doc["results"][0]["threads"] == 1  # each CPU result says how many threads it had
    assert runner.worker_count() == 1


def test_learn_traces_the_graph_and_times_it_eager_graph_and_xla_after_the_queued_jobs(runner):
    before = runner.submit(small(256), session="alice")
    job = runner.ask("tensorflow", "learn", session="bob")
    assert job.wait(300) and job.state == DONE, job.error
    assert before.finished  # it waited its turn: its timings never overlap a measurement
    demo = job.doc
    types = [op["type"] for op in demo["operations"]]
    assert types.count("MatMul") == 2 and {"Placeholder", "AddV2", "Mul", "Tanh", "Identity"} <= set(types)
    assert [row["mode"] for row in demo["timings"]] == ["eager", "graph", "xla"]
    for row in demo["timings"]:
        assert row["q1_s"] <= row["median_s"] <= row["q3_s"] and row["n_samples"] >= 3, row
    by_mode = {row["mode"]: row for row in demo["timings"]}
    # Tracing (graph) and compiling (XLA) happen in the first call, which is timed apart.
    assert by_mode["graph"]["first_call_s"] > by_mode["graph"]["median_s"]
    assert by_mode["xla"]["first_call_s"] > by_mode["xla"]["median_s"]
    assert demo["source"].startswith("def dense_gelu_dense(x, w1, b1, w2, b2):") and runner.worker_count() == 1


def test_learn_is_refused_by_a_worker_of_another_backend():
    worker = WorkerProcess("jax")
    worker.start()
    try:
        with pytest.raises(WorkerError) as refused:
            worker.learn(60)
        assert refused.value.kind == "refused" and "tensorflow" in str(refused.value)
    finally:
        worker.stop()


PARENT_CHECK = """
import json, sys
from dlenv.serve.plan import JobRequest
from dlenv.serve.runner import Runner
from dlenv.measure.workloads import Matmul
runner = Runner()
jobs = runner.compare(JobRequest("tensorflow", (Matmul.square(64),), budget_s=0.1), ["tensorflow", "jax"])
ok = all(job.wait(180) and job.state == "done" for job in jobs)
runner.shutdown()
print(json.dumps({"ok": ok, "loaded": sorted(m for m in ("tensorflow", "jax", "torch", "keras") if m in sys.modules)}))
"""


def test_the_parent_process_never_imports_a_framework():
    done = subprocess.run([sys.executable, "-c", PARENT_CHECK], capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"ok": True, "loaded": []}
