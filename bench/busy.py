"""Does dlenv see a busy machine? (issue: trust). Run by hand; figures go in docs/benchmarks.md.

A matmul N=256 (budget 0.3 s, TensorFlow, all CPU threads) is measured through a
``Runner`` (one warm worker, as the dashboard does) under five conditions, interleaved
round by round so that the host's slow phases fall on all of them alike:

* quiet: nothing else started by this script;
* 10% / 25% of a core: a competing process that spins that share of every 20 ms and
  sleeps the rest (an editor, a language server, a sync client);
* busy loop: ``python -c "while True: pass"``, free to run on any CPU;
* busy loop pinned: the same, pinned to the last CPU.

Each result records ``other_cpu_share``, ``steal_share`` and ``busy``
(``dlenv.measure.contention``). Before each trial the script waits (up to --wait seconds)
for a 1-second window in which other programs used under 3% of the machine, since other
people's work on a shared machine is not a condition this script controls; the share in
that window is printed with each trial, and a trial that found no quiet window is marked.

The target: busy loop (pinned or not) flagged in at least 9 of 10 trials, quiet in at
most 1 of 10.

Usage: python bench/busy.py [--trials 10] [--wait 20] [--conditions quiet,busy loop]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

import psutil

from dlenv.measure.contention import BUSY_CPUS, Probe, busy_share
from dlenv.measure.workloads import Matmul
from dlenv.serve.limits import Limits
from dlenv.serve.plan import Plan
from dlenv.serve.runner import Runner

COMPETITOR = """
import sys, time
duty = float(sys.argv[1])
while duty >= 1:
    pass
period = 0.02
while True:
    end = time.perf_counter() + duty * period
    while time.perf_counter() < end:
        pass
    time.sleep((1 - duty) * period)
"""

CONDITIONS = {  # name -> (share of one core the competitor spins, pinned)
    "quiet": (None, False),
    "10% of a core": (0.10, False),
    "25% of a core": (0.25, False),
    "busy loop": (1.0, False),
    "busy loop pinned": (1.0, True),
}
QUIET_BEFORE = 0.03


def start_competitor(duty: float | None, pinned: bool) -> subprocess.Popen | None:
    if duty is None:
        return None
    proc = subprocess.Popen([sys.executable, "-c", COMPETITOR, str(duty)])
    if pinned:
        os.sched_setaffinity(proc.pid, {max(os.sched_getaffinity(0))})  # the last CPU
    time.sleep(0.3)  # running before the measurement starts
    return proc


def wait_for_quiet(limit_s: float) -> tuple[float, float]:
    """(other programs' share in the last 1-second window, seconds waited)."""
    start = time.monotonic()
    while True:
        probe = Probe()
        time.sleep(1.0)
        share = probe.stop().other_cpu_share
        if share < QUIET_BEFORE or time.monotonic() - start >= limit_s:
            return share, time.monotonic() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=10)
    parser.add_argument("--wait", type=float, default=20.0, help="most seconds to wait for a quiet window")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="which, comma-separated")
    args = parser.parse_args()
    conditions = {name: CONDITIONS[name] for name in args.conditions.split(",")}
    print(f"{psutil.cpu_count()} CPUs, busy above {BUSY_CPUS} CPUs' worth = {busy_share(psutil.cpu_count()):.1%} "
          "of the machine's CPU time (other programs + steal)", flush=True)
    runner = Runner(Limits(max_matmul=2**16, max_model_bytes=2**62))
    plan = Plan((Matmul.square(256),), budget_s=0.3)
    rows: dict[str, list[dict]] = {name: [] for name in conditions}
    started = time.monotonic()
    try:
        runner.submit(plan).wait()  # the worker starts once, outside the trials
        for trial in range(1, args.trials + 1):
            for name, (duty, pinned) in conditions.items():
                before, waited = wait_for_quiet(args.wait)
                competitor = start_competitor(duty, pinned)
                try:
                    job = runner.submit(plan)
                    job.wait()
                finally:
                    if competitor is not None:
                        competitor.kill()
                        competitor.wait()
                if job.result is None:
                    print(f"trial {trial} {name}: failed: {[e.message for e in job.errors]}", flush=True)
                    continue
                r = job.result["results"][0]
                r = {**r, "before": before, "waited": waited}
                rows[name].append(r)
                print(f"trial {trial:2d} {name:17s} before {before:5.1%} (waited {waited:4.1f} s)"
                      f"{'' if before < QUIET_BEFORE else ' NOT QUIET'}: other {r['other_cpu_share']:5.1%}, "
                      f"steal {r['steal_share'] or 0:4.1%}, median {r['median_s'] * 1e6:6.0f} us, "
                      f"IQR/median {r['iqr_s'] / r['median_s']:5.1%}, busy={r['busy']}", flush=True)
    finally:
        runner.shutdown()
    print(f"\n{time.monotonic() - started:.0f} s in all\n")
    print("| condition | flagged busy | other_cpu_share min / median / max | median time min / median / max "
          "| trials without a quiet window before |")
    print("|---|---|---|---|---|")
    for name, rs in rows.items():
        if not rs:
            continue
        shares = sorted(r["other_cpu_share"] for r in rs)
        times = sorted(r["median_s"] * 1e6 for r in rs)
        print(f"| {name} | {sum(r['busy'] for r in rs)}/{len(rs)} "
              f"| {shares[0]:.1%} / {statistics.median(shares):.1%} / {shares[-1]:.1%} "
              f"| {times[0]:.0f} / {statistics.median(times):.0f} / {times[-1]:.0f} us "
              f"| {sum(r['before'] >= QUIET_BEFORE for r in rs)} |")


if __name__ == "__main__":
    main()
