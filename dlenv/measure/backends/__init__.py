"""One small module per Keras backend, all with the same interface (as Keras does).

Each of ``tensorflow``, ``jax`` and ``torch`` here provides:

    NAME, PACKAGE, INSTALL_HINT
    load(virtual_cpus)         import the framework and Keras, apply runtime settings
    versions() -> dict         framework, Keras and related versions
    devices() -> [DeviceInfo]  every device the framework sees, with stable ids
    keras_device(device_id)    the name ``keras.device`` needs for that device
    sync(value)                wait until the work that produced ``value`` is done
    free_memory(device_id)     bytes free on a device, or None when unknown
    is_out_of_memory(exc)      whether an exception is this framework's OOM error
    matmul(), elementwise(op)  the framework's own kernels, as callables (see dlenv.measure.programs)

Importing these modules is cheap: the framework is imported inside ``load`` and the
functions after it, never at module import, so the light processes (Streamlit, the
CLI's argument checks) can ask about backends without paying for a framework.

Keras fixes its backend when it is first imported, so a process measures with one
backend only: ``configure_process`` must run before ``load``.
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from types import ModuleType

from dlenv.measure.devices import DeviceInfo
from dlenv.vocab import BACKENDS

_XLA_HOST_DEVICES = "--xla_force_host_platform_device_count"


class BackendError(ValueError):
    """A backend that is unknown or not installed; the message says what to do."""


def is_installed(name: str) -> bool:
    """Whether the framework can be imported, without importing it."""
    return importlib.util.find_spec(get(name).PACKAGE) is not None


def installed() -> list[str]:
    return [name for name in BACKENDS if is_installed(name)]


def get(name: str) -> ModuleType:
    """The backend module for ``name`` (the framework itself is not imported)."""
    if name not in BACKENDS:
        raise BackendError(f"unknown backend {name!r}; choose from {', '.join(BACKENDS)} or all")
    return importlib.import_module(f"dlenv.measure.backends.{name}")


def require(name: str) -> ModuleType:
    """Like ``get``, but refuses a backend that is not installed, with the install command."""
    module = get(name)
    if not is_installed(name):
        raise BackendError(f"backend {name} is not installed here; install it with: {module.INSTALL_HINT}")
    return module


def configure_process(backend: str, threads: int | None = None, virtual_cpus: int | None = None) -> None:
    """Set what a framework reads at start-up. Call before anything imports Keras.

    ``threads`` pins the process to that many CPUs (every framework honours the
    affinity mask) and sets the thread pools to match; ``virtual_cpus`` splits the CPU
    into that many logical devices (cpu:0, cpu:1, ...) so multi-device code can be
    exercised without a second chip.
    """
    os.environ["KERAS_BACKEND"] = backend
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")  # keep TF's C++ start-up chatter out
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # JAX: no 75% grab
    os.environ.setdefault("TF_FORCE_GPU_ALLOW_GROWTH", "true")
    if threads:
        cpus = sorted(os.sched_getaffinity(0))
        if not 1 <= threads <= len(cpus):
            raise BackendError(f"threads must be from 1 to {len(cpus)} on this machine, got {threads}")
        os.sched_setaffinity(0, cpus[:threads])
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS"):
            os.environ[var] = str(threads)
    # Set or clear: a child process must not inherit its parent's split by accident.
    xla_flags = [f for f in os.environ.get("XLA_FLAGS", "").split() if not f.startswith(_XLA_HOST_DEVICES)]
    os.environ.pop("DLENV_VIRTUAL_CPUS", None)
    if virtual_cpus and virtual_cpus > 1:
        xla_flags.append(f"{_XLA_HOST_DEVICES}={virtual_cpus}")
        os.environ["DLENV_VIRTUAL_CPUS"] = str(virtual_cpus)
    os.environ["XLA_FLAGS"] = " ".join(xla_flags)


def virtual_cpus() -> int:
    """The logical CPU device count asked for by ``configure_process`` (1 if none)."""
    return max(1, int(os.environ.get("DLENV_VIRTUAL_CPUS", "1")))


def logical_cpus(cpu: DeviceInfo, count: int) -> list[DeviceInfo]:
    """The CPU as ``count`` logical devices cpu:0..cpu:count-1 sharing its cores."""
    if count <= 1:
        return [cpu]
    return [DeviceInfo(**{**cpu.__dict__, "id": f"cpu:{i}", "name": f"{cpu.name} (logical {i})"})
            for i in range(count)]


def dtype_problem(device: DeviceInfo, dtype: str) -> str | None:
    """Why ``device`` cannot run ``dtype`` (a sentence), or None when it can."""
    if device.kind == "tpu" and dtype == "float16":
        return f"{device.id} ({device.name}) has no float16 units; use bfloat16 on a TPU"
    if device.kind == "gpu" and dtype == "bfloat16" and device.compute_capability:
        major = int(device.compute_capability.split(".")[0])
        if major < 8:
            return (f"{device.id} ({device.name}, compute capability {device.compute_capability}) "
                    "has no bfloat16 units (they came with compute capability 8.0); use float16")
    return None
