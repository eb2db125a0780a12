"""What bench/store.py and bench/leaderboard.py share: a synthetic result's timing fields, and the
timing loop (median of repeats, optionally after one warm-up call).

Imported by those scripts as ``synthetic`` (``python bench/X.py`` puts bench/ on the path).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

SPREAD = (0.98, 0.99, 1.0, 1.01, 1.02)  # five samples around the median, 2% apart end to end


def timed(median_s: float, flops: float, moved: float, measured_at: datetime, **fields: Any) -> dict[str, Any]:
    """A valid result record's timing part: five samples around ``median_s``, their statistics,
    the rates of ``flops`` and ``moved`` bytes over it, and ``measured_at``; ``fields`` add the
    workload, device and the rest, or replace any of these (``first_call_s``, ``peak_gflops``)."""
    samples = [median_s * factor for factor in SPREAD]
    return {
        "timing": "synced", "median_s": median_s, "iqr_s": median_s * 0.02, "q1_s": median_s * 0.99,
        "q3_s": median_s * 1.01, "min_s": samples[0], "mean_s": median_s, "n_samples": len(samples),
        "calls_per_sample": 3, "samples_s": samples, "first_call_s": 0.3, "noisy": False,
        "flops": flops, "bytes": moved, "gflops": flops / median_s / 1e9, "gbps": moved / median_s / 1e9,
        "peak_gflops": 156.0, "peak_source": "estimate", "pct_of_peak": 50.0,
        "measured_at": measured_at.strftime("%Y-%m-%dT%H:%M:%SZ"), **fields,
    }


def median_time(call: Callable[[], object], repeats: int, *, warm_up: bool = False) -> tuple[float, list[float]]:
    """(median, every time) in seconds of ``repeats`` calls; ``warm_up`` first makes one untimed
    call (imports, caches, the database's pages)."""
    if warm_up:
        call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times), times
