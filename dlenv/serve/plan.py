"""What the runner is asked to do, as frozen data: the three request kinds and their worker calls.

* ``Plan``: measure specs x devices x timings on every backend x CPU thread count given.
  A sweep over backends or thread counts is one plan, one job, one merged results document.
* ``DeviceQuery``: versions and devices (with peaks, optionally a measured ceiling) per backend.
* ``LearnExample``: a Learn page example on TensorFlow: the traced ``tf.function`` timed eager /
  graph / XLA (``"graph"``), or the same computation the TensorFlow 1.x and 2.x ways (``"tf_versions"``).

Each request splits into ``WorkerCall`` s, one per worker process it needs (Keras fixes its
backend, and a framework its thread pools, when the process starts). A call travels to the
worker as JSON (``to_message``) and is rebuilt there (``WorkerCall.from_message``), where it
is checked again: the worker trusts no message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from dlenv.measure.workloads import WORKLOADS, Workload, WorkloadError
from dlenv.vocab import BACKENDS, PEAKS, TIMINGS

OPS = ("run", "devices", "learn")
LEARN_EXAMPLES = ("graph", "tf_versions")  # dlenv.measure.graphdemo, dlenv.measure.tfversions


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
class WorkerCall:
    """One request to one worker process: ``op`` on the worker of ``backend`` with ``threads``.

    ``specs`` and the fields after it matter for ``op="run"``; ``measure`` for ``op="devices"``
    (also time each device's ceiling, which uses the CPU). ``strict_float32``: run float32
    matmuls in full float32 (no TF32, no bfloat16 passes); the worker sets its framework's
    setting on every call, so a warm worker carries nothing from one call to the next.
    """

    backend: str
    op: str = "run"
    threads: int | None = None  # the worker's CPU thread count; None = all usable CPUs
    specs: tuple[Workload, ...] = ()
    devices: tuple[str, ...] = ("cpu",)
    timings: tuple[str, ...] = ("synced",)
    budget_s: float = 3.0
    peak: str = "table"
    measure: bool = False
    strict_float32: bool = False
    example: str = "graph"  # op="learn": which of LEARN_EXAMPLES

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise WorkloadError(f"op must be one of {', '.join(OPS)}, got {self.op!r}")
        if self.example not in LEARN_EXAMPLES:
            raise WorkloadError(f"example must be one of {', '.join(LEARN_EXAMPLES)}, got {self.example!r}")
        if not isinstance(self.strict_float32, bool):  # "false" in a message is a true string
            raise WorkloadError(f"strict_float32 must be true or false, got {self.strict_float32!r}")
        if self.op == "run":
            _check_measurement(self.specs, self.devices, self.timings, self.peak, self.budget_s)

    @property
    def task_count(self) -> int:
        """Tasks as requested (a device token such as ``all`` may stand for several devices)."""
        return len(self.specs) * len(self.devices) * len(self.timings)

    def to_message(self) -> dict[str, Any]:
        return {"backend": self.backend, "op": self.op, "threads": self.threads,
                "specs": [spec_to_message(s) for s in self.specs], "devices": list(self.devices),
                "timings": list(self.timings), "budget_s": self.budget_s, "peak": self.peak,
                "measure": self.measure, "strict_float32": self.strict_float32, "example": self.example}

    @classmethod
    def from_message(cls, message: Any) -> WorkerCall:
        """Rebuild a call from JSON; ``WorkloadError`` names what is wrong."""
        if not isinstance(message, Mapping):
            raise WorkloadError("a call must be a JSON object")
        try:
            return cls(backend=str(message["backend"]), op=str(message.get("op", "run")),
                       threads=message.get("threads"),
                       specs=tuple(spec_from_message(s) for s in message.get("specs", ())),
                       devices=tuple(str(d) for d in message.get("devices", ("cpu",))),
                       timings=tuple(message.get("timings", ("synced",))),
                       budget_s=float(message.get("budget_s", 3.0)), peak=str(message.get("peak", "table")),
                       measure=bool(message.get("measure", False)),
                       strict_float32=message.get("strict_float32", False),
                       example=str(message.get("example", "graph")))
        except (KeyError, TypeError) as exc:
            raise WorkloadError(f"the call is missing or has a bad field: {exc}") from exc


def _check_measurement(specs: tuple, devices: tuple, timings: tuple, peak: str, budget_s: float) -> None:
    if not specs:
        raise WorkloadError("a measurement needs at least one workload")
    if not devices or not timings or not set(timings) <= set(TIMINGS):
        raise WorkloadError(f"devices must be given and timings chosen from {', '.join(TIMINGS)}")
    if peak not in PEAKS:
        raise WorkloadError(f"peak must be one of {', '.join(PEAKS)}")
    if not 0.05 <= budget_s <= 600:
        raise WorkloadError(f"budget_s must be from 0.05 to 600, got {budget_s}")


@dataclass(frozen=True)
class Plan:
    """A measurement: every spec on every device, timing, backend and CPU thread count.

    The runner runs one ``WorkerCall`` per (backend, thread count), in that order, and
    merges their results documents into one.
    """

    specs: tuple[Workload, ...]
    devices: tuple[str, ...] = ("cpu",)
    timings: tuple[str, ...] = ("synced",)
    backends: tuple[str, ...] = ("tensorflow",)
    threads: tuple[int | None, ...] = (None,)
    budget_s: float = 3.0
    peak: str = "table"
    strict_float32: bool = False  # full float32 matmuls: TF32 and bfloat16 passes off (WorkerCall)
    label: str = field(default="", compare=False)  # what progress shows, e.g. "matmul sweep"

    def __post_init__(self) -> None:
        _check_measurement(self.specs, self.devices, self.timings, self.peak, self.budget_s)
        if not self.backends or not self.threads:
            raise WorkloadError("a plan needs at least one backend and one thread count")
        if any(n is not None and (isinstance(n, bool) or not isinstance(n, int) or n < 1) for n in self.threads):
            raise WorkloadError(f"thread counts must be whole numbers >= 1, got {self.threads}")
        if not isinstance(self.strict_float32, bool):
            raise WorkloadError(f"strict_float32 must be true or false, got {self.strict_float32!r}")

    def calls(self) -> list[WorkerCall]:
        return [WorkerCall(backend, "run", threads, self.specs, self.devices, self.timings, self.budget_s, self.peak,
                           strict_float32=self.strict_float32)
                for backend in self.backends for threads in self.threads]

    @property
    def task_count(self) -> int:
        return sum(call.task_count for call in self.calls())


@dataclass(frozen=True)
class DeviceQuery:
    """Versions and devices as each backend's worker sees them; ``measure`` also times ceilings."""

    backends: tuple[str, ...] = BACKENDS
    measure: bool = False
    label: str = field(default="devices", compare=False)

    def calls(self) -> list[WorkerCall]:
        return [WorkerCall(backend, "devices", measure=self.measure) for backend in self.backends]


@dataclass(frozen=True)
class LearnExample:
    """A Learn page example run on TensorFlow: ``"graph"`` (``dlenv.measure.graphdemo``, traced and
    timed) or ``"tf_versions"`` (``dlenv.measure.tfversions``, TensorFlow 1.x vs 2.x)."""

    example: str = "graph"
    label: str = field(default="graph example", compare=False)

    def __post_init__(self) -> None:
        if self.example not in LEARN_EXAMPLES:
            raise WorkloadError(f"example must be one of {', '.join(LEARN_EXAMPLES)}, got {self.example!r}")

    def calls(self) -> list[WorkerCall]:
        return [WorkerCall("tensorflow", "learn", example=self.example)]


Request = Plan | DeviceQuery | LearnExample


def thread_counts(cores: int) -> tuple[int, ...]:
    """The CPU thread counts a scaling sweep measures: 1, 2, 4, ... below ``cores``, then ``cores``.

    Each count needs a worker process of its own (a framework fixes its thread pools when it
    starts), so doubling keeps a many-core sweep to a few cold starts.
    """
    return tuple([1 << p for p in range(cores.bit_length()) if 1 << p < cores] + [cores])
