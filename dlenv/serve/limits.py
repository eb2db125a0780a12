"""Limits that protect a shared machine, with defaults from its memory.

Every limit can be set from the environment, for example on Streamlit Community Cloud
(about 1-2.7 GB of RAM shared by every viewer)::

    DLENV_MAX_MATMUL=4096        largest matmul / element-wise side
    DLENV_MAX_MODEL_MB=512       largest model memory estimate
    DLENV_QUEUE_PER_SESSION=3    jobs one browser session may have waiting
    DLENV_QUEUE_TOTAL=50         jobs waiting in all
    DLENV_WORKER_MAX_JOBS=200    calls a worker serves before it is replaced
    DLENV_TIMEOUT_S=...          per-call timeout instead of the estimate
    DLENV_WORKER_MEMORY_MB=800   memory one measuring process may hold: its framework's
                                 baseline (``BASELINE_MB``, or what a live one measured)
                                 plus the workload's estimate
    DLENV_MAX_WORKERS=1          measuring processes alive at once (one per backend at most)
    DLENV_WORKER_IDLE_S=600      an idle worker is stopped after this many seconds
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass

import psutil

from dlenv.measure.workloads import Elementwise, Matmul, Refused, Workload
from dlenv.serve.plan import Plan, WorkerCall


def _default_max_side() -> int:
    # Three float32 matrices in a quarter of the RAM, rounded down to a power of two.
    side = math.sqrt(psutil.virtual_memory().total / 4 / (4 * 4))
    return 2 ** int(math.log2(side))


# Resident memory of a worker once its framework has started, before any workload: the
# smallest a measuring process can be. Measured on the project's CI VM (2 vCPU AMD EPYC,
# Linux, Python 3.11; TensorFlow 2.21, JAX 0.10.2, PyTorch 2.13 CPU builds) by
# bench/memory.py; a live worker's own figure replaces these once it has started.
BASELINE_MB = {"tensorflow": 739, "jax": 296, "torch": 511}


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
    timeout_s: float | None = None      # None: estimated per call
    startup_timeout_s: float = 180.0
    worker_memory_bytes: int | None = None  # None: only the worker's free-memory check applies
    max_workers: int = 3
    worker_idle_s: float = 600.0

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
            worker_memory_bytes=_env_int("DLENV_WORKER_MEMORY_MB", 1) * 2**20
            if "DLENV_WORKER_MEMORY_MB" in os.environ else None,
            max_workers=_env_int("DLENV_MAX_WORKERS", 3),
            worker_idle_s=_env_int("DLENV_WORKER_IDLE_S", 600),
        )

    def check(self, plan: Plan, baseline_mb: dict[str, float] | None = None) -> None:
        """Refuse (``Refused``) what this deployment does not allow, before anything is queued.

        ``baseline_mb``: each backend's worker memory as measured on this machine, where known
        (``BASELINE_MB`` otherwise); with ``worker_memory_bytes`` set, a workload whose estimate
        (``Workload.memory_bytes``) on top of its backend's baseline is over it is refused.
        """
        self._check_sizes(plan)
        if self.worker_memory_bytes is None:
            return
        for backend in plan.backends:
            base = (baseline_mb or {}).get(backend) or BASELINE_MB.get(backend, 0)
            room = self.worker_memory_bytes - base * 2**20
            for spec in plan.specs:
                if spec.memory_bytes() > room:
                    raise Refused(
                        f"{spec.label()} needs about {spec.memory_bytes() / 2**20:.0f} MB on top of the {backend} "
                        f"process's {base:.0f} MB, over this deployment's {self.worker_memory_bytes / 2**20:.0f} MB "
                        "per measuring process", _smaller(spec, room, backend))

    def _check_sizes(self, plan: Plan) -> None:
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


def _smaller(spec: Workload, room: float, backend: str) -> str:
    """What to change so that ``spec`` fits in ``room`` bytes."""
    if isinstance(spec, (Matmul, Elementwise)) and room > 0:
        return f"use a size up to {spec.largest_square_fitting(int(room))}, or a backend with a smaller process"
    if room <= 0:
        return f"the {backend} process alone fills this deployment's memory: use another backend"
    return "use a smaller batch, width or depth, or a backend with a smaller process"


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
