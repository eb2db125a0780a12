"""Limits that protect a shared machine, with defaults from its memory.

Every limit can be set from the environment, for example on Streamlit Community Cloud
(about 1-2.7 GB of RAM shared by every viewer)::

    DLENV_MAX_MATMUL=4096        largest matmul / element-wise side
    DLENV_MAX_MODEL_MB=512       largest model memory estimate
    DLENV_QUEUE_PER_SESSION=3    jobs one browser session may have waiting
    DLENV_QUEUE_TOTAL=50         jobs waiting in all
    DLENV_WORKER_MAX_JOBS=200    jobs a worker serves before it is replaced
    DLENV_TIMEOUT_S=...          per-job timeout instead of the estimate
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import psutil

from dlenv.measure.workloads import Elementwise, Matmul, Refused
from dlenv.serve.plan import Plan, WorkerCall


def _default_max_side() -> int:
    # Three float32 matrices in a quarter of the RAM, rounded down to a power of two.
    side = math.sqrt(psutil.virtual_memory().total / 4 / (4 * 4))
    return 2 ** int(math.log2(side))


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}")
    return int(value)


@dataclass(frozen=True)
class Limits:
    max_matmul: int
    max_model_bytes: int
    queue_per_session: int = 3
    queue_total: int = 50
    max_jobs_per_worker: int = 200
    timeout_s: float | None = None      # None: estimated per job
    startup_timeout_s: float = 180.0

    @classmethod
    def from_env(cls) -> Limits:
        timeout = os.environ.get("DLENV_TIMEOUT_S")
        return cls(
            max_matmul=_env_int("DLENV_MAX_MATMUL", _default_max_side()),
            max_model_bytes=_env_int("DLENV_MAX_MODEL_MB", psutil.virtual_memory().total // 4 // 2**20) * 2**20,
            queue_per_session=_env_int("DLENV_QUEUE_PER_SESSION", 3),
            queue_total=_env_int("DLENV_QUEUE_TOTAL", 50),
            max_jobs_per_worker=_env_int("DLENV_WORKER_MAX_JOBS", 200),
            timeout_s=float(timeout) if timeout else None,
        )

    def check(self, plan: Plan) -> None:
        """Refuse (``Refused``) what this deployment does not allow, before anything is queued."""
        for spec in plan.specs:
            if isinstance(spec, Matmul) and max(spec.m, spec.n, spec.k) > self.max_matmul:
                raise Refused(f"matrix size {max(spec.m, spec.n, spec.k)} is over this machine's limit; "
                              f"the largest allowed is {self.max_matmul}", f"use a size up to {self.max_matmul}")
            if isinstance(spec, Elementwise) and spec.size > self.max_matmul:
                raise Refused(f"tensor size {spec.size} is over this machine's limit; the largest allowed is "
                              f"{self.max_matmul}", f"use a size up to {self.max_matmul}")
            if not isinstance(spec, (Matmul, Elementwise)) and spec.memory_bytes() > self.max_model_bytes:
                raise Refused(f"{spec.label()} needs about {spec.memory_bytes() / 2**20:.0f} MB, over this "
                              f"machine's limit of {self.max_model_bytes / 2**20:.0f} MB",
                              "use a smaller batch, width or depth")


# A slow CPU for the timeout estimate: under this the default timeout is too short.
_SLOW_FLOPS = 2e9


def default_timeout(call: WorkerCall, limits: Limits | None = None) -> float:
    """A generous timeout (seconds) for one worker call, from the work it asks for.

    Per task: the sampling budget, plus time for the first call, calibration and the
    minimum of three samples at a pessimistic speed, plus a fixed allowance for
    building models and compiling.
    """
    if limits and limits.timeout_s:
        return limits.timeout_s
    if call.op != "run":  # a device list, ceilings or the Learn example: seconds, minutes at worst
        return 300.0
    per_timing = sum(call.budget_s + 6 * spec.flops() / _SLOW_FLOPS + 20 for spec in call.specs)
    return 30 + per_timing * len(call.devices) * len(call.timings)
