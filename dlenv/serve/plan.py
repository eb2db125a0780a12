"""A measurement job as data: what the runner queues and a worker executes.

``JobRequest`` is frozen and travels as JSON between the parent (runner) and the
worker process. It names the backend (which worker runs it), the workload specs, the
device ids, the timings and the time budget.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import WORKLOADS, Workload, WorkloadError
from dlenv.vocab import PEAKS, TIMINGS



class Refused(ValueError):
    """A job refused before it runs (a limit, no such device, unsupported dtype, no memory).

    ``kind`` tells callers apart ("refused", "missing_device"); ``hint`` says what to change.
    """

    def __init__(self, message: str, hint: str, kind: str = "refused") -> None:
        super().__init__(message)
        self.hint, self.kind = hint, kind


def spec_to_message(spec: Workload) -> dict[str, Any]:
    return {"workload": spec.name, "params": spec.params(), "dtype": spec.dtype}


def spec_from_message(message: Any) -> Workload:
    """The spec a message describes; ``WorkloadError`` names what is wrong."""
    if not isinstance(message, dict) or message.get("workload") not in WORKLOADS:
        raise WorkloadError(f"workload must be one of {', '.join(WORKLOADS)}")
    params = message.get("params")
    if not isinstance(params, dict):
        raise WorkloadError("params must be an object")
    try:
        return WORKLOADS[message["workload"]](**params, dtype=message.get("dtype", "float32"))
    except TypeError as exc:  # an unknown or missing parameter name
        raise WorkloadError(f"bad parameters for {message['workload']}: {exc}") from exc


@dataclass(frozen=True)
class JobRequest:
    backend: str
    specs: tuple[Workload, ...]
    devices: tuple[str, ...] = ("cpu",)
    timings: tuple[str, ...] = ("synced",)
    budget_s: float = 3.0
    peak: str = "table"
    threads: int | None = None  # the worker's CPU thread count; None = all cores
    label: str = field(default="", compare=False)  # what progress shows, e.g. "matmul sweep"

    def __post_init__(self) -> None:
        if not self.specs:
            raise WorkloadError("a job needs at least one workload")
        if not self.devices or not set(self.timings) <= set(TIMINGS) or not self.timings:
            raise WorkloadError(f"devices must be given and timings chosen from {', '.join(TIMINGS)}")
        if self.peak not in PEAKS:
            raise WorkloadError(f"peak must be one of {', '.join(PEAKS)}")
        if not 0.05 <= self.budget_s <= 600:
            raise WorkloadError(f"budget_s must be from 0.05 to 600, got {self.budget_s}")

    def settings(self) -> TimingSettings:
        return TimingSettings(budget_s=self.budget_s)

    @property
    def task_count(self) -> int:
        return len(self.specs) * len(self.devices) * len(self.timings)

    def to_message(self) -> dict[str, Any]:
        return {"backend": self.backend, "specs": [spec_to_message(s) for s in self.specs],
                "devices": list(self.devices), "timings": list(self.timings), "budget_s": self.budget_s,
                "peak": self.peak, "threads": self.threads, "label": self.label}

    @classmethod
    def from_message(cls, message: Any) -> JobRequest:
        if not isinstance(message, dict):
            raise WorkloadError("job must be an object")
        try:
            return cls(backend=str(message["backend"]),
                       specs=tuple(spec_from_message(s) for s in message["specs"]),
                       devices=tuple(str(d) for d in message["devices"]),
                       timings=tuple(message.get("timings", ("synced",))),
                       budget_s=float(message.get("budget_s", 3.0)), peak=str(message.get("peak", "table")),
                       threads=message.get("threads"), label=str(message.get("label", "")))
        except (KeyError, TypeError) as exc:
            raise WorkloadError(f"job is missing or has a bad field: {exc}") from exc


def thread_counts(cores: int) -> tuple[int, ...]:
    """The CPU thread counts a scaling sweep measures: 1, 2, 4, ... below ``cores``, then ``cores``.

    Each count needs a worker process of its own (a framework fixes its thread pools when it
    starts), so doubling keeps a many-core sweep to a few cold starts.
    """
    return tuple([1 << p for p in range(cores.bit_length()) if 1 << p < cores] + [cores])
