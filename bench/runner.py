"""Costs of the job runner (issue: job runner). Run by hand; figures go in docs/benchmarks.md.

1. Cold start of a TensorFlow worker (spawn to ready), three fresh workers.
2. Overhead of a job on a warm worker: submit-to-done time minus the measurement's own
   wall time (first call, calibration and samples), matmul N=256, median of 10.
3. Twenty callers submitting at once from threads: all finish, FIFO order, no overlap of
   timed regions, and memory (parent and workers' RSS) stays bounded.

Usage: python bench/runner.py
"""

import statistics
import threading
import time

import psutil

from dlenv.measure.workloads import Matmul
from dlenv.serve.limits import Limits
from dlenv.serve.plan import Plan
from dlenv.serve.runner import DONE, Runner
from dlenv.serve.worker_handle import WorkerProcess


def rss_mb(pids: list[int]) -> float:
    return sum(psutil.Process(pid).memory_info().rss for pid in pids) / 2**20


def cold_starts() -> None:
    times = []
    for _ in range(3):
        worker = WorkerProcess("tensorflow")
        worker.start()
        times.append(worker.started_in_s)
        worker.stop()
    print(f"cold start of a tensorflow worker: {', '.join(f'{t:.2f}' for t in times)} s "
          f"(median {statistics.median(times):.2f} s)")


def warm_overhead(runner: Runner) -> None:
    runner.submit(Plan((Matmul.square(256),))).wait()  # warm the worker
    overheads, measuring = [], []
    for _ in range(10):
        start = time.perf_counter()
        job = runner.submit(Plan((Matmul.square(256),)))
        job.wait()
        total = time.perf_counter() - start
        inside = job.result["results"][0]["wall_s"]
        overheads.append(total - inside)
        measuring.append(inside)
    print(f"warm job, matmul 256, 10 jobs: measurement {statistics.median(measuring):.3f} s median; "
          f"job overhead median {statistics.median(overheads) * 1e3:.1f} ms "
          f"(min {min(overheads) * 1e3:.1f}, max {max(overheads) * 1e3:.1f} ms)")


def twenty_callers(runner: Runner) -> None:
    barrier = threading.Barrier(20)
    jobs: list = [None] * 20
    peak = [0.0]
    stop = threading.Event()

    def caller(i: int) -> None:
        barrier.wait()
        jobs[i] = runner.submit(Plan((Matmul.square(256),), budget_s=0.2), session=f"s{i}")

    def sample_memory() -> None:
        me = psutil.Process()
        while not stop.is_set():
            pids = [me.pid] + [c.pid for c in me.children(recursive=True)]
            try:
                peak[0] = max(peak[0], rss_mb(pids))
            except psutil.NoSuchProcess:
                pass
            time.sleep(0.05)

    sampler = threading.Thread(target=sample_memory)
    sampler.start()
    start = time.perf_counter()
    threads = [threading.Thread(target=caller, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    finished = sum(job.wait(600) and job.state == DONE for job in jobs)
    elapsed = time.perf_counter() - start
    stop.set()
    sampler.join()
    ordered = sorted(jobs, key=lambda job: int(job.id))
    spans = [(min(r["started_at"] for r in j.result["results"]), max(r["ended_at"] for r in j.result["results"]))
             for j in ordered]
    fifo = spans == sorted(spans)
    overlaps = sum(a[1] > b[0] for a, b in zip(spans, spans[1:]))
    print(f"20 callers at once: {finished}/20 done in {elapsed:.1f} s, FIFO order: {fifo}, overlapping timed "
          f"regions: {overlaps}, workers alive: {runner.worker_count()}, peak RSS parent+workers: {peak[0]:.0f} MB")


def main() -> None:
    cold_starts()
    runner = Runner(Limits.from_env())
    try:
        warm_overhead(runner)
        twenty_callers(runner)
    finally:
        runner.shutdown()


if __name__ == "__main__":
    main()
