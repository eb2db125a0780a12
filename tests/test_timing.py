"""The timer: first call apart, calls per sample, sync placement, statistics.

The "device" here is real asynchronous work: a single worker thread that runs queued
jobs, the way a GPU runs queued kernels after the Python call has returned.
"""

import time
from concurrent.futures import Future, ThreadPoolExecutor

import pytest

from dlenv.measure.timing import Measurement, TimingSettings, measure

FAST = TimingSettings(budget_s=0.3, min_sample_s=0.005, min_samples=5, max_samples=50)


def busy(seconds: float) -> None:
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def test_first_call_is_reported_apart_from_the_steady_state():
    calls = []

    def step():
        busy(0.05 if not calls else 0.001)  # "compilation" on the first call only
        calls.append(1)

    m = measure(step, lambda _: None, FAST)
    assert m.first_call_s >= 0.05
    assert 0.0009 < m.median < 0.01


def test_each_sample_runs_enough_calls_to_hide_the_clock():
    # A sample of 0.1 s needs about 200 calls of 0.5 ms: only a single call preempted for
    # 100 ms (not the few ms a busy CI machine steals) could make the calibration stop at one.
    settings = TimingSettings(budget_s=0.8, min_sample_s=0.1, min_samples=5, max_samples=50)
    m = measure(lambda: busy(0.0005), lambda _: None, settings)
    assert m.calls_per_sample * m.median >= settings.min_sample_s * 0.9
    assert m.calls_per_sample > 100
    assert settings.hard_min_samples <= m.n <= settings.max_samples


def test_naive_timing_misses_queued_device_work_and_synced_timing_does_not():
    device = ThreadPoolExecutor(max_workers=1)
    try:
        def launch() -> Future:
            return device.submit(busy, 0.002)  # returns at once, like a kernel launch

        synced = measure(launch, lambda f: f.result(), FAST)
        naive = measure(launch, lambda f: f.result(), FAST, naive=True)
    finally:
        device.shutdown()
    assert synced.timing == "synced" and naive.timing == "naive"
    assert synced.median >= 0.0018
    # Without the sync only the launches are timed, except for the last sample's
    # backlog; the naive median is far below the true 2 ms.
    assert naive.median < synced.median / 2


def test_sampling_stops_at_the_budget():
    settings = TimingSettings(budget_s=0.2, min_sample_s=0.01, min_samples=5, max_samples=10_000,
                              target_rel_iqr=0.0)  # never "stable": only the budget stops it
    start = time.perf_counter()
    m = measure(lambda: busy(0.001), lambda _: None, settings)
    assert time.perf_counter() - start < 1.0
    assert m.n >= settings.hard_min_samples


def test_statistics_come_from_the_raw_samples():
    m = Measurement(samples=(1.0, 2.0, 3.0, 4.0, 100.0), calls_per_sample=10, first_call_s=5.0)
    assert m.median == 3.0
    assert m.quartiles == (2.0, 4.0)
    assert m.iqr == 2.0
    assert m.min == 1.0 and m.mean == 22.0 and m.n == 5
    assert m.noisy  # IQR/median = 67% > 10%
    record = m.to_dict()
    assert record["samples_s"] == [1.0, 2.0, 3.0, 4.0, 100.0]
    assert record["q1_s"] == 2.0 and record["q3_s"] == 4.0 and record["timing"] == "synced"


def test_a_tight_measurement_is_not_noisy():
    m = Measurement(samples=(1.00, 1.01, 1.02, 0.99, 1.00), calls_per_sample=1, first_call_s=1.0)
    assert m.rel_iqr < 0.10 and not m.noisy


def test_single_sample_has_zero_spread():
    m = Measurement(samples=(0.5,), calls_per_sample=1, first_call_s=0.5)
    assert m.iqr == 0 and m.quartiles == (0.5, 0.5)


@pytest.mark.parametrize("kwargs", [{"budget_s": 0}, {"min_sample_s": -1},
                                    {"min_samples": 2, "hard_min_samples": 3}, {"max_samples": 1}])
def test_inconsistent_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        TimingSettings(**kwargs)
