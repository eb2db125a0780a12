"""The job runner with real worker processes: queue, cancel, crashes, timeouts, limits."""

import itertools
import json
import os
import signal
import stat
import subprocess
import sys
import threading
import time

import psutil
import pytest
from conftest import ROOT

from dlenv.data import results
from dlenv.measure.workloads import MLP, Matmul, Refused
from dlenv.serve.limits import Limits
from dlenv.serve.plan import DeviceQuery, LearnExample, Plan, WorkerCall
from dlenv.serve.runner import CANCELLED, DONE, FAILED, RUNNING, Busy, Runner
from dlenv.serve.worker_handle import WorkerError, WorkerProcess

LIMITS = Limits(max_matmul=16384, max_model_bytes=2**30, queue_per_session=30, queue_total=30)


def small(n=64, **kw):
    return Plan((Matmul.square(n),), budget_s=0.1, **kw)


def long_running(n=2048):
    return Plan((Matmul.square(n),), budget_s=60)


def worker_pids():
    """The measuring processes this test process started and that are still running, as the OS lists them."""
    pids = []
    for child in psutil.Process().children(recursive=True):
        try:
            if child.status() != psutil.STATUS_ZOMBIE and "dlenv.serve.worker" in " ".join(child.cmdline()):
                pids.append(child.pid)
        except psutil.Error:  # exited while being listed
            pass
    return pids


def timed_interval(job):
    """When the job's timed regions began and ended (UTC ISO 8601 strings sort by time)."""
    results = job.result["results"]
    return min(r["started_at"] for r in results), max(r["ended_at"] for r in results)


def environment(runner, backend="tensorflow"):
    job = runner.submit(DeviceQuery((backend,)))
    assert job.wait(300) and job.state == DONE, job.error
    return job.result[backend]


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
    environment(runner)  # start the worker once for the module
    yield runner
    runner.shutdown()


def test_a_job_runs_on_a_warm_worker_and_returns_a_results_document(runner):
    job = runner.submit(small(), session="alice")
    assert job.wait(120) and job.state == DONE, job.error
    [result] = job.result["results"]
    assert result["workload"] == "matmul" and result["backend"] == "tensorflow"
    assert result["started_at"] < result["ended_at"] and job.position == 0


def test_environment_data_is_cached_per_backend(runner):
    first = environment(runner)
    start = time.perf_counter()
    again = environment(runner)
    assert time.perf_counter() - start < 0.5 and again is first
    assert first["versions"]["tensorflow"] and first["devices"][0]["id"] == "cpu:0"
    assert first["devices"][0]["free_bytes"] > 0


def test_asking_for_a_known_environment_is_answered_from_the_cache_behind_the_queue(runner):
    before = runner.submit(small(256), session="alice")
    job = runner.submit(DeviceQuery(("tensorflow",)), session="bob")  # a handle at once, not the answer
    assert not job.finished and job.position >= 1
    assert job.wait(120) and job.state == DONE and before.finished  # it waited its turn
    assert job.result["tensorflow"] is environment(runner)  # the same cached answer


def test_an_environment_can_be_cancelled_while_its_worker_starts():
    fresh = Runner(LIMITS)
    try:
        before = set(worker_pids())
        job = fresh.submit(DeviceQuery(("tensorflow",)), session="alice")
        while not (new := set(worker_pids()) - before):  # the worker is importing TensorFlow, seconds
            time.sleep(0.01)
        job.cancel()
        assert job.wait(30) and job.state == CANCELLED, job.error
        assert gone(new.pop(), 10)
        assert environment(fresh)["devices"]  # nothing was cached: the next query starts a new worker
        assert len(set(worker_pids()) - before) == 1
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
    [pid] = worker_pids()
    job.cancel()
    assert job.wait(10) and job.state == CANCELLED
    assert gone(pid, 5)
    nxt = runner.submit(small(), session="alice")
    assert nxt.wait(120) and nxt.state == DONE, nxt.error


def test_a_worker_killed_by_the_os_mid_job_becomes_an_error_and_the_next_job_succeeds(runner):
    job = runner.submit(long_running(), session="alice")
    wait_until_running(job)
    [pid] = worker_pids()
    os.kill(pid, signal.SIGKILL)
    assert job.wait(10) and job.state == FAILED
    assert job.error.kind == "killed" and "operating system stopped" in job.error.message
    assert "smaller size" in job.error.hint
    nxt = runner.submit(small(), session="alice")
    assert nxt.wait(120) and nxt.state == DONE, nxt.error


def test_a_job_past_its_timeout_is_stopped_and_its_worker_is_gone(runner):
    # One 8192 matmul takes far longer than 2 s on a CPU: the first call never returns.
    [pid] = worker_pids()  # warm from the tests before
    job = runner.submit(Plan((Matmul.square(8192),), budget_s=60), session="alice", timeout_s=2)
    start = time.monotonic()
    assert job.wait(30) and job.state == FAILED and job.error.kind == "timeout"
    assert "longer than its 2 s limit" in job.error.message
    assert gone(pid, 0.5)
    assert time.monotonic() - start < 2 + 2


def test_a_size_over_the_limit_is_refused_before_it_is_queued():
    runner = Runner(Limits(max_matmul=1024, max_model_bytes=2**20))
    try:
        with pytest.raises(Refused, match="the largest allowed is 1024"):
            runner.submit(small(2048))
        with pytest.raises(Refused, match="over this machine's limit of 1 MB"):
            runner.submit(Plan((MLP(depth=8, width=4096, batch=512),)))
    finally:
        runner.shutdown()


def test_a_size_larger_than_free_memory_is_refused_by_the_worker_before_running(runner):
    big = Runner(Limits(max_matmul=65536, max_model_bytes=2**40))
    try:
        job = big.submit(Plan((Matmul.square(65536),)))
        assert job.wait(120) and job.state == FAILED
        assert job.error.kind == "refused" and "the largest size that fits is" in job.error.message
    finally:
        big.shutdown()


def test_a_missing_device_is_a_clear_error(runner):
    job = runner.submit(small(devices=("gpu",)), session="alice")
    assert job.wait(60) and job.state == FAILED
    assert job.error.kind == "missing_device" and "available: cpu:0" in job.error.message


def test_a_missing_device_beside_one_that_is_here_keeps_what_was_measured(runner):
    job = runner.submit(small(devices=("cpu", "gpu")), session="alice")
    assert job.wait(120) and job.state == DONE, job.errors
    assert [result["device"] for result in job.result["results"]] == ["cpu:0"]
    [error] = job.result["errors"]
    assert "no gpu device found by the tensorflow backend here; available: cpu:0" in error["error"]
    assert "Colab" in error["hint"]


def test_a_backend_that_is_not_installed_is_a_clear_error(runner):
    job = runner.submit(Plan((Matmul.square(64),), backends=("mxnet",)), session="alice")
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
    worker = subprocess.Popen([sys.executable, "-m", "dlenv.serve.worker", "--backend", "tensorflow"], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})

    def ask(line):
        worker.stdin.write(line + "\n")
        worker.stdin.flush()
        return json.loads(worker.stdout.readline())

    try:
        assert json.loads(worker.stdout.readline())["event"] == "ready"
        assert ask("this is not json")["kind"] == "bad_request"
        assert "op must be one of run, devices, learn" in ask(json.dumps({"id": "1", "call": {"backend": "tensorflow",
                                                                                            "op": "fly"}}))["message"]
        reply = ask(json.dumps({"id": "2", "call": {"backend": "tensorflow", "specs": [{"workload": "matmul"}]}}))
        assert reply["event"] == "error" and reply["kind"] == "bad_request"
        call = small().calls()[0].to_message()
        while (reply := ask(json.dumps({"id": "3", "call": call})))["event"] == "progress":
            pass
        assert reply["event"] == "done" and reply["result"]["results"][0]["workload"] == "matmul"
    finally:
        worker.stdin.close()
        worker.wait(30)


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
    by_submission = [timed_interval(job) for job in sorted(jobs, key=lambda job: int(job.id))]
    assert by_submission == sorted(by_submission)  # FIFO: served in the order they were queued
    for (_, ended), (started, _) in itertools.pairwise(by_submission):
        assert ended <= started  # no two timed regions overlap
    assert runner.worker_count() == 1  # one worker per backend, however many callers


def test_tensorflow_and_jax_compared_in_one_request():
    runner = Runner(LIMITS)
    try:
        job = runner.submit(Plan((Matmul.square(128),), backends=("tensorflow", "jax"), budget_s=0.1), session="alice")
        assert job.wait(180) and job.state == DONE, job.errors
        merged = job.result
        assert [r["backend"] for r in merged["results"]] == ["tensorflow", "jax"]
        # Each result keeps the environment of the worker that measured it.
        tf, jax = (results.environment_of(merged, r)["frameworks"] for r in merged["results"])
        assert "tensorflow" in tf and "jax" not in tf and "jax" in jax
    finally:
        runner.shutdown()


def test_one_plan_sweeps_thread_counts_in_one_job_and_one_document(runner):
    job = runner.submit(small(128, threads=(1, None)), session="alice")
    assert job.wait(300) and job.state == DONE, job.error
    assert [r["threads"] for r in job.result["results"]] == [1, psutil.Process().cpu_affinity().__len__()]
    first, second = job.result["results"]
    assert first["ended_at"] <= second["started_at"]


def test_a_failed_part_of_a_plan_keeps_what_the_other_parts_measured(runner):
    job = runner.submit(Plan((Matmul.square(64),), backends=("tensorflow", "mxnet"), budget_s=0.1), session="alice")
    assert job.wait(180) and job.state == FAILED
    assert [r["backend"] for r in job.result["results"]] == ["tensorflow"]
    [error] = job.result["errors"]
    assert "mxnet" in error["error"] and error["workload"] == "matmul" and job.error.kind == "missing_backend"


def test_a_worker_is_replaced_after_its_job_quota():
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30, max_jobs_per_worker=2))
    try:
        others = set(worker_pids())  # the module's warm worker
        alive = []
        for i in range(3):
            job = runner.submit(small(), session=str(i))
            assert job.wait(180) and job.state == DONE, job.error
            alive.append(set(worker_pids()) - others)
        # Warm after its first call, replaced after its second, a fresh one for the third.
        assert len(alive[0]) == 1 and alive[1] == set() and len(alive[2]) == 1 and alive[0] != alive[2]
    finally:
        runner.shutdown()


def test_a_job_can_ask_for_fewer_cpu_threads_without_a_second_worker(runner):
    job = runner.submit(small(threads=(1,)), session="alice")
    assert job.wait(180) and job.state == DONE, job.error
    assert results.environment_of(job.result, job.result["results"][0])["threads"]["usable_cpus"] == 1
    assert job.result["results"][0]["threads"] == 1  # each CPU result says how many threads it had
    assert runner.worker_count() == 1


def test_learn_traces_the_graph_and_times_it_eager_graph_and_xla_after_the_queued_jobs(runner):
    before = runner.submit(small(256), session="alice")
    job = runner.submit(LearnExample(), session="bob")
    assert job.wait(300) and job.state == DONE, job.error
    assert before.finished  # it waited its turn: its timings never overlap a measurement
    demo = job.result
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
            worker.call("1", WorkerCall("jax", "learn"), 60)
        assert refused.value.kind == "refused" and "tensorflow" in str(refused.value)
    finally:
        worker.stop()


PARENT_CHECK = """
import json, sys
from dlenv.serve.plan import Plan
from dlenv.serve.runner import Runner
from dlenv.measure.workloads import Matmul
runner = Runner()
job = runner.submit(Plan((Matmul.square(64),), backends=("tensorflow", "jax"), budget_s=0.1))
ok = job.wait(180) and job.state == "done"
runner.shutdown()
print(json.dumps({"ok": ok, "loaded": sorted(m for m in ("tensorflow", "jax", "torch", "keras") if m in sys.modules)}))
"""


def test_the_parent_process_never_imports_a_framework():
    done = subprocess.run([sys.executable, "-c", PARENT_CHECK], check=False, capture_output=True, text=True, timeout=300,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == {"ok": True, "loaded": []}


def test_a_workload_that_would_not_fit_on_top_of_its_backends_process_is_refused_before_it_is_queued():
    limits = Limits(max_matmul=16384, max_model_bytes=2**30, worker_memory_bytes=800 * 2**20)
    tight = Runner(limits)
    try:
        with pytest.raises(Refused) as refused:
            tight.submit(Plan((Matmul.square(4096),)))  # 256 MB on top of TensorFlow's 739 MB
        assert "on top of the tensorflow process's 739 MB" in str(refused.value)
        assert "over this deployment's 800 MB per measuring process" in str(refused.value)
        assert refused.value.hint.startswith("use a size up to ")
        job = tight.submit(Plan((Matmul.square(4096),), backends=("jax",), budget_s=0.1))  # JAX's process is smaller
        assert job.wait(300) and job.state == DONE, job.error
    finally:
        tight.shutdown()


def test_one_live_worker_at_most_when_the_deployment_allows_one(runner):
    others = set(worker_pids())  # the module's warm worker
    capped = Runner(Limits(max_matmul=4096, max_model_bytes=2**30, max_workers=1))
    try:
        job = capped.submit(Plan((Matmul.square(64),), backends=("tensorflow", "jax", "torch"), budget_s=0.1))
        most = 0
        while not job.wait(0.05):
            most = max(most, len(set(worker_pids()) - others))
        assert job.state == DONE, job.errors
        assert [r["backend"] for r in job.result["results"]] == ["tensorflow", "jax", "torch"]
        assert most == 1 and capped.worker_count() == 1
    finally:
        capped.shutdown()


def test_an_idle_worker_is_stopped_after_the_idle_time():
    idle = Runner(Limits(max_matmul=4096, max_model_bytes=2**30, worker_idle_s=1))
    try:
        job = idle.submit(small())
        assert job.wait(180) and job.state == DONE, job.error
        assert idle.worker_count() == 1
        deadline = time.monotonic() + 30
        while idle.worker_count() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert idle.worker_count() == 0
        assert idle.submit(small()).wait(180)  # and the next job starts a new one
    finally:
        idle.shutdown()
