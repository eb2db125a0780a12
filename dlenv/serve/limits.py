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
    DLENV_MAX_EPOCHS=50          epochs one training may run
    DLENV_MAX_TRAIN_SAMPLES=...  training images one training may use (default: no cap)
    DLENV_MAX_PARAMS=...         parameters of a trained model (default: no cap; its memory
                                 estimate is capped by DLENV_MAX_MODEL_MB in any case)

A training refused by a limit is told the largest setting that fits: epochs, training
images (``samples``), or the width (units or filters) whose parameters and memory estimate
fit.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from dataclasses import dataclass, replace

import psutil

from dlenv.measure.workloads import Elementwise, Matmul, Refused, Train, Workload, WorkloadError
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
    max_epochs: int = 1000                 # the CLI's (and a spec's) own range unless set
    max_train_samples: int = 1_000_000
    max_params: int | None = None          # None: only the memory estimate limits a trained model

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
            max_epochs=_env_int("DLENV_MAX_EPOCHS", DEFAULT_MAX_EPOCHS),
            max_train_samples=_env_int("DLENV_MAX_TRAIN_SAMPLES", 1_000_000),
            max_params=_env_int("DLENV_MAX_PARAMS", 1) if "DLENV_MAX_PARAMS" in os.environ else None,
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
            if isinstance(spec, Train):
                self._check_training(spec)
                continue
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


    def _check_training(self, spec: Train) -> None:
        """A training's epochs, training images, parameters and memory estimate against the limits."""
        if spec.epochs > self.max_epochs:
            raise Refused(f"{spec.epochs} epochs is over this deployment's limit of {self.max_epochs}",
                          f"use at most {self.max_epochs} epochs")
        if spec.train_samples > self.max_train_samples:
            raise Refused(f"training on {spec.train_samples:,} images of {spec.dataset} is over this deployment's "
                          f"limit of {self.max_train_samples:,}",
                          f"use at most {self.max_train_samples:,} training images (samples)")
        if self.max_params is not None and spec.parameter_count() > self.max_params:
            raise Refused(f"{spec.label()} has {spec.parameter_count():,} parameters, over this deployment's limit "
                          f"of {self.max_params:,}",
                          train_hint(spec, lambda s: s.parameter_count() <= self.max_params))
        if spec.memory_bytes() > self.max_model_bytes:
            raise Refused(f"{spec.label()} needs about {spec.memory_bytes() / 2**20:.0f} MB, over this "
                          f"machine's limit of {self.max_model_bytes / 2**20:.0f} MB",
                          train_hint(spec, lambda s: s.memory_bytes() <= self.max_model_bytes))


DEFAULT_MAX_EPOCHS = 50  # a deployment's cap unless DLENV_MAX_EPOCHS says otherwise


def largest_fitting(spec: Train, field: str, fits: Callable[[Train], bool]) -> int | None:
    """The largest value of ``field`` ("width" or "samples"), up to the spec's own, for which
    ``fits`` holds (the estimates grow with both), or None if even 1 does not fit."""
    def ok(value: int) -> bool:
        try:
            return fits(replace(spec, **{field: value}))
        except WorkloadError:  # e.g. fewer images than a batch
            return False

    low, high = 0, getattr(spec, field) or spec.train_samples
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if ok(middle) else (low, middle - 1)
    return low or None


def train_hint(spec: Train, fits: Callable[[Train], bool]) -> str:
    """The largest settings that make ``spec`` fit: its width, its training images, or both."""
    width = largest_fitting(spec, "width", fits)
    samples = largest_fitting(spec, "samples", fits)
    what = "units per layer" if spec.model == "mlp" else "filters"
    options = ([f"a width ({what}) of at most {width:,}"] if width else []) + (
        [f"at most {samples:,} training images (samples)"] if samples else [])
    if options:
        return "use " + " or ".join(options)
    both = largest_fitting(replace(spec, width=1), "samples", fits)
    if both:
        return f"use a width of 1 and at most {both:,} training images (samples), or the digits dataset"
    return "use the digits dataset, or a smaller model"


def _smaller(spec: Workload, room: float, backend: str) -> str:
    """What to change so that ``spec`` fits in ``room`` bytes."""
    if isinstance(spec, Train) and room > 0:
        return train_hint(spec, lambda s: s.memory_bytes() <= room)
    if isinstance(spec, (Matmul, Elementwise)) and room > 0:
        return f"use a size up to {spec.largest_square_fitting(int(room))}, or a backend with a smaller process"
    if room <= 0:
        return f"the {backend} process alone fills this deployment's memory: use another backend"
    return "use a smaller batch, width or depth, or a backend with a smaller process"


# A slow CPU for the timeout estimate: under this the default timeout is too short.
_SLOW_FLOPS = 2e9
_SLOW_STEP_S = 0.05  # a Keras training step's own overhead on a slow, busy CPU (a few ms measured here)
TRAIN_DOWNLOAD_S = 600.0  # a dataset download (MNIST: 11 MB) on a slow connection


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
    per_timing = sum(_spec_s(call.budget_s, spec) for spec in call.specs)
    return 30 + per_timing * len(call.devices) * len(call.timings)


def _spec_s(budget_s: float, spec: Workload) -> float:
    """One spec's allowance: a timed workload's sampling budget, or a training's every epoch
    (at a few ms per step of Keras overhead on top of its FLOPs) and a dataset download."""
    if isinstance(spec, Train):
        download = TRAIN_DOWNLOAD_S if spec.info.files else 0.0
        steps = spec.epochs * (spec.steps_per_epoch + spec.info.val // spec.batch + 1)
        return 6 * spec.total_flops() / _SLOW_FLOPS + steps * _SLOW_STEP_S + download + 60
    return budget_s + 6 * spec.flops() / _SLOW_FLOPS + 20
