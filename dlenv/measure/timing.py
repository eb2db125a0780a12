"""How to time: first call apart, device sync, adaptive repeats, statistics.

Modelled on torch.utils.benchmark: ``measure`` only collects raw samples into a frozen
``Measurement``; the statistics are derived from the samples on demand.

Why each step:

* The first call pays for tracing, XLA compilation and kernel autotuning, so it is timed
  on its own (always synced) and never mixed into the steady-state samples.
* Accelerators run asynchronously: a call returns as soon as the work is queued. Each
  timed sample therefore ends with the backend's own sync (``synced`` timing). The
  ``naive`` timing leaves that sync out of the timed region, the classic mistake, and
  syncs outside the clock so queued work does not pile up into the next sample.
* A sample runs the call ``calls_per_sample`` times, chosen so that one sample lasts at
  least ``min_sample_s``: then the clock and the sync cost are a negligible share.
* Samples are taken until the spread (IQR / median) is small enough or the time budget
  is spent, keeping every raw sample.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

NOISY_REL_IQR = 0.10  # above this a measurement is flagged as noisy


@dataclass(frozen=True)
class TimingSettings:
    """Knobs of ``measure``; the defaults suit a laptop-to-GPU range of workloads."""

    budget_s: float = 3.0        # time spent taking samples, first call excluded
    min_sample_s: float = 0.02   # a sample lasts at least this long (sync cost < 1%)
    min_samples: int = 5         # never stop on spread alone before this many
    hard_min_samples: int = 3    # taken even past the budget, so an IQR exists
    max_samples: int = 200
    target_rel_iqr: float = 0.03  # stop early once IQR / median is this small

    def __post_init__(self) -> None:
        if not (self.budget_s > 0 and self.min_sample_s > 0):
            raise ValueError("budget_s and min_sample_s must be > 0")
        if not 1 <= self.hard_min_samples <= self.min_samples <= self.max_samples:
            raise ValueError("need 1 <= hard_min_samples <= min_samples <= max_samples")


@dataclass(frozen=True)
class Measurement:
    """Raw samples (seconds per call) and the statistics derived from them."""

    samples: tuple[float, ...]
    calls_per_sample: int
    first_call_s: float
    timing: str = "synced"  # or "naive": sync left out of the timed region
    wall_s: float | None = None  # the whole measurement, first call and calibration included

    @property
    def n(self) -> int:
        return len(self.samples)

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def quartiles(self) -> tuple[float, float]:
        if self.n < 2:
            return self.samples[0], self.samples[0]
        q1, _, q3 = statistics.quantiles(self.samples, n=4, method="inclusive")
        return q1, q3

    @property
    def iqr(self) -> float:
        q1, q3 = self.quartiles
        return q3 - q1

    @property
    def rel_iqr(self) -> float:
        return self.iqr / self.median

    @property
    def min(self) -> float:
        return min(self.samples)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples)

    @property
    def noisy(self) -> bool:
        return self.rel_iqr > NOISY_REL_IQR

    def to_dict(self) -> dict[str, Any]:
        """The timing fields of a result record (see ``dlenv.data.results``)."""
        q1, q3 = self.quartiles
        return {
            "timing": self.timing,
            "median_s": self.median, "iqr_s": self.iqr, "q1_s": q1, "q3_s": q3,
            "min_s": self.min, "mean_s": self.mean, "n_samples": self.n,
            "calls_per_sample": self.calls_per_sample, "samples_s": list(self.samples),
            "first_call_s": self.first_call_s, "noisy": self.noisy, "wall_s": self.wall_s,
        }


def _timed(fn: Callable[[], Any], sync: Callable[[Any], None], calls: int, naive: bool) -> float:
    """Seconds per call over ``calls`` back-to-back calls."""
    start = time.perf_counter()
    for _ in range(calls):
        out = fn()
    if not naive:
        sync(out)
    elapsed = time.perf_counter() - start
    if naive:
        sync(out)  # outside the clock: the next sample must not inherit queued work
    return elapsed / calls


def _calls_per_sample(fn: Callable[[], Any], sync: Callable[[Any], None],
                      min_sample_s: float) -> tuple[int, float]:
    """Grow the call count until one batch of calls lasts ``min_sample_s`` (synced).

    Returns the count and the seconds per call of that last batch, which is a valid
    synced sample in its own right (it saves one long call on big workloads).
    """
    calls = 1
    while True:
        per_call = _timed(fn, sync, calls, naive=False)
        if per_call * calls >= min_sample_s:
            return calls, per_call
        # Jump close to the target at once rather than doubling from 1 for tiny calls.
        calls = max(2 * calls, int(min_sample_s / max(per_call, 1e-9) * 1.2))


def _spread_ok(samples: list[float], target: float) -> bool:
    q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    return (q3 - q1) / statistics.median(samples) <= target


def measure(fn: Callable[[], Any], sync: Callable[[Any], None],
            settings: TimingSettings = TimingSettings(), naive: bool = False,
            on_sample: Callable[[int], None] | None = None) -> Measurement:
    """Time ``fn`` (no arguments, returns a value ``sync`` can wait on).

    ``on_sample(n)`` is called after each sample, for progress reporting.
    """
    start = time.perf_counter()
    sync(fn())
    first_call_s = time.perf_counter() - start

    calls, calibration = _calls_per_sample(fn, sync, settings.min_sample_s)
    samples: list[float] = [] if naive else [calibration]
    started = time.perf_counter()
    while len(samples) < settings.max_samples:
        samples.append(_timed(fn, sync, calls, naive))
        if on_sample:
            on_sample(len(samples))
        n = len(samples)
        if n >= settings.min_samples and _spread_ok(samples, settings.target_rel_iqr):
            break
        if n >= settings.hard_min_samples and time.perf_counter() - started >= settings.budget_s:
            break
    return Measurement(tuple(samples), calls, first_call_s, "naive" if naive else "synced",
                       wall_s=time.perf_counter() - start)
