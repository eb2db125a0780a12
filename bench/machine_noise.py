"""How steady is this machine itself? A fixed piece of pure-Python work, timed back to back.

The work never changes and touches no memory to speak of, so on a steady machine every
repetition takes the same time. On a shared VM it does not: when a neighbour uses the
same physical core the same work takes longer, for stretches of a fraction of a second
to seconds. Any benchmark on the machine, dlenv's included, inherits that spread; this
script measures it without dlenv, TensorFlow or JAX in the way.

One probe process runs on each CPU at once (pinned), because a matmul uses them all.

Usage: python bench/machine_noise.py [SECONDS]
"""

from __future__ import annotations

import multiprocessing
import os
import statistics
import sys
import time


def _work(n: int = 60_000) -> int:
    total = 0
    for i in range(n):
        total += i * i
    return total


def _probe_on(cpu: int, seconds: float) -> list[float]:
    os.sched_setaffinity(0, {cpu})
    _work()
    times: list[float] = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        _work()
        times.append(time.perf_counter() - start)
    return times


def probe(seconds: float = 2.0) -> dict[str, float]:
    """Time the fixed work on every CPU at once; summary over all repetitions."""
    cpus = sorted(os.sched_getaffinity(0))
    with multiprocessing.get_context("spawn").Pool(len(cpus)) as pool:
        per_cpu = pool.starmap(_probe_on, [(cpu, seconds) for cpu in cpus])
    times = [t for cpu_times in per_cpu for t in cpu_times]
    q1, median, q3 = statistics.quantiles(times, n=4, method="inclusive")
    fastest = min(times)
    return {
        "median_ms": median * 1e3,
        "rel_iqr": (q3 - q1) / median,
        "fastest_ms": fastest * 1e3,
        "slowest_over_fastest": max(times) / fastest,
    }


def describe(p: dict[str, float]) -> str:
    """One line; compare the median with the fastest, which is the machine when nobody interferes."""
    return (f"median {p['median_ms']:.2f} ms (fastest {p['fastest_ms']:.2f}), IQR/median {100 * p['rel_iqr']:.1f}%, "
            f"slowest/fastest {p['slowest_over_fastest']:.2f}x")


if __name__ == "__main__":
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 3.0
    result = probe(seconds)
    print(f"{len(os.sched_getaffinity(0))} CPUs, {seconds:g} s each, per repetition: {describe(result)}")
