"""Was the machine busy while we timed? CPU time other programs used during a timed region.

A CPU benchmark on a shared machine measures the machine as much as the code: on a
2-core VM with other work running, the same Keras MLP took 0.5 to 4.1 ms within four
minutes, and PyTorch's OpenMP threads collapsed 60x under contention. ``Probe`` puts a
number on that, for one timed region:

* ``other_cpu_share`` (0..1): CPU time every process used (user, nice, system, irq,
  softirq from ``/proc/stat`` through ``psutil.cpu_times()``) minus the CPU time of this
  process and its children over the same interval, as a share of the machine's CPU
  capacity over that interval (all CPUs' time, idle and steal included). 0.5 on a
  2-CPU machine means other programs used one whole CPU's worth.
* ``steal_share`` (0..1): time the hypervisor gave our vCPUs' turn to someone else
  (``steal`` in ``/proc/stat``), as a share of the same capacity; None where the
  kernel does not report it.
* ``load_avg_1m``: the 1-minute load average when the region started. Shown for
  context only: it is an average over a minute and counts dlenv's own threads, so it
  does not decide ``busy``.
* ``busy``: other programs plus steal above ``BUSY_CPUS`` of one CPU's worth on
  average over the region (``busy_share(cpus)`` of the machine: 10% on 2 CPUs). In CPUs,
  not in a share of the machine, because a measurement that uses every core is held up
  by one busy core whatever the core count. Why that value: docs/benchmarks.md, "Busy
  machine".

What it cannot see: a neighbour on the same physical core outside the VM that does not
show up as steal (docs/benchmarks.md, "Stability"), and memory-bandwidth contention.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import psutil

BUSY_CPUS = 0.2  # other programs (plus steal) using more than 0.2 of one CPU on average -> busy


def busy_share(cpus: int) -> float:
    """The ``other_cpu_share + steal_share`` above which a region on ``cpus`` CPUs is busy."""
    return BUSY_CPUS / max(cpus, 1)

_BUSY_FIELDS = ("user", "nice", "system", "irq", "softirq")  # /proc/stat's user already includes guest
_IDLE_FIELDS = ("idle", "iowait")


def _system_times() -> tuple[float, float, float | None]:
    """(busy, total, steal) CPU seconds of the whole machine since boot."""
    times = psutil.cpu_times()
    busy = sum(getattr(times, name, 0.0) for name in _BUSY_FIELDS)
    steal = getattr(times, "steal", None)
    total = busy + sum(getattr(times, name, 0.0) for name in _IDLE_FIELDS) + (steal or 0.0)
    return busy, total, steal


def _process_seconds(process: psutil.Process) -> float:
    t = process.cpu_times()
    return t.user + t.system


def _tree_seconds(root: psutil.Process) -> float:
    """CPU seconds of ``root``, its reaped children and its live descendants."""
    t = root.cpu_times()
    seconds = getattr(t, "children_user", 0.0) + getattr(t, "children_system", 0.0)
    # This process to the nanosecond (all its threads); psutil's are 10 ms clock ticks.
    seconds += time.process_time() if root.pid == os.getpid() else t.user + t.system
    try:
        children = root.children(recursive=True)
    except psutil.Error:
        return seconds
    for child in children:
        try:
            seconds += _process_seconds(child)
        except psutil.Error:  # it ended between listing and reading
            pass
    return seconds


@dataclass(frozen=True)
class Contention:
    """What other programs did to the machine during one timed region."""

    other_cpu_share: float
    steal_share: float | None
    load_avg_1m: float | None
    cpus: int
    seconds: float  # the interval's wall time
    own_cpu_share: float = 0.0  # what this process tree used, same scale (not recorded)

    @property
    def busy(self) -> bool:
        return self.other_cpu_share + (self.steal_share or 0.0) > busy_share(self.cpus)

    def to_dict(self) -> dict[str, Any]:
        """The fields a result record gets (extra scalar fields of the results format)."""
        return {"other_cpu_share": round(self.other_cpu_share, 4),
                "steal_share": None if self.steal_share is None else round(self.steal_share, 4),
                "load_avg_1m": None if self.load_avg_1m is None else round(self.load_avg_1m, 2),
                "busy": self.busy}


class Probe:
    """Started before a timed region, ``stop()``-ed after it: what others used in between.

    ``pid`` is the process whose tree counts as "us" (default: this process).
    """

    def __init__(self, pid: int | None = None) -> None:
        self._root = psutil.Process(pid or os.getpid())
        try:
            self._load = psutil.getloadavg()[0]
        except (OSError, AttributeError):
            self._load = None
        self._own = _tree_seconds(self._root)
        self._busy, self._total, self._steal = _system_times()
        self._wall = time.monotonic()

    def stop(self) -> Contention:
        busy, total, steal = _system_times()
        own = _tree_seconds(self._root)
        wall = time.monotonic() - self._wall
        cpus = psutil.cpu_count(logical=True) or 1
        capacity = total - self._total
        if capacity <= 0:  # an interval shorter than the kernel's accounting tick
            capacity = wall * cpus
        if capacity <= 0:
            return Contention(0.0, None if steal is None else 0.0, self._load, cpus, wall)
        other = max(0.0, (busy - self._busy) - (own - self._own)) / capacity
        stolen = None if steal is None or self._steal is None else max(0.0, steal - self._steal) / capacity
        return Contention(min(other, 1.0), None if stolen is None else min(stolen, 1.0), self._load, cpus, wall,
                          own_cpu_share=(own - self._own) / capacity)
