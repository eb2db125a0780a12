"""One small module per Keras backend, all with the same interface (as Keras does).

Each of ``tensorflow``, ``jax`` and ``torch`` here provides:

    NAME, PACKAGE, INSTALL_HINT
    INSTALL_COMMAND            the command alone; INSTALL_ALTERNATIVE: None or (i18n key of when,
                               command), e.g. JAX on an NVIDIA GPU; INSTALL_HINT: both in English
    load(virtual_cpus)         import the framework and Keras, apply runtime settings
    versions() -> dict         framework, Keras and related versions
    devices() -> [DeviceInfo]  every device the framework sees, with stable ids
    keras_device(device_id)    the name ``keras.device`` needs for that device
    sync(value)                wait until the work that produced ``value`` is done
    threads() -> int           CPU threads the framework computes with (its intra-op pool), asked of it
    free_memory(device_id)     bytes free on a device, or None when unknown
    is_out_of_memory(exc)      whether an exception is this framework's OOM error
    matmul(), elementwise(op)  the framework's own kernels, as callables (see dlenv.measure.programs)
    matmul_precision(device, dtype) -> (precision, setting)  what a matmul runs as, read from the
                               framework's setting (see dlenv.precision), and that setting as text
    set_strict_float32(strict) full float32 matmuls, or the framework's setting as the process started

Importing these modules is cheap: the framework is imported inside ``load`` and the
functions after it, never at module import, so the light processes (Streamlit, the
CLI's argument checks) can ask about backends without paying for a framework.

Keras fixes its backend when it is first imported, so a process measures with one
backend only: ``configure_process`` must run before ``load``. It also points Keras at a
configuration dlenv owns (``KERAS_HOME``), so a user's ``keras.json`` (``channels_first``,
``floatx``, ``epsilon``, ...) cannot change the model a spec describes; ``pin_keras``
sets the same values again after the import.
"""

from __future__ import annotations

import importlib
import importlib.util
import json
import os
import re
import tempfile
from pathlib import Path
from types import ModuleType

from dlenv.measure.devices import DeviceInfo
from dlenv.vocab import BACKENDS

_XLA_HOST_DEVICES = "--xla_force_host_platform_device_count"

# What dlenv's specs assume of Keras; keras.json and the environment cannot change it.
KERAS_SETTINGS = {"floatx": "float32", "epsilon": 1e-07, "image_data_format": "channels_last"}
# Keras reads these at import and int()s them (a bad value stops the import); they only
# shorten fit(), which dlenv does not call.
_KERAS_TEST_VARIABLES = ("KERAS_MAX_EPOCHS", "KERAS_MAX_STEPS_PER_EPOCH")

# Variables that set a framework's CPU thread pools: OpenMP's (torch, and a list like
# "2,1" sets nested levels, the first is the outer one), MKL's (torch reads it too) and
# TensorFlow's own. 0 means "the default" for TensorFlow's.
THREAD_VARIABLES = ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS")
_COUNT = re.compile(r"\s*[0-9]{1,6}\s*")


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
    os.environ["KERAS_HOME"] = str(_own_keras_home(backend))
    for var in _KERAS_TEST_VARIABLES:
        os.environ.pop(var, None)
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


def thread_variable(name: str, environ: dict[str, str] | None = None) -> int | None:
    """The thread count ``name`` sets in the environment; None when unset, empty, "the default"
    (0 for TensorFlow's) or a value dlenv cannot use (``thread_variable_problem`` says why)."""
    value = (os.environ if environ is None else environ).get(name, "")
    first = value.split(",")[0] if name == "OMP_NUM_THREADS" else value
    return int(first) if _COUNT.fullmatch(first) and int(first) >= 1 else None


def thread_variable_problem(name: str, usable_cpus: int, environ: dict[str, str] | None = None) -> str | None:
    """Why the value of thread variable ``name`` is one dlenv cannot use (a sentence), or None."""
    value = (os.environ if environ is None else environ).get(name, "")
    if not value.strip():
        return None
    items = value.split(",") if name == "OMP_NUM_THREADS" else [value]
    lowest = 0 if name.startswith("TF_") else 1
    counts = [int(item) for item in items if _COUNT.fullmatch(item)]
    top = counts[0] if counts else None
    bounded = name != "TF_NUM_INTEROP_THREADS"  # inter-op threads wait more than they compute
    if len(counts) == len(items) and min(counts) >= lowest and (not bounded or top <= usable_cpus):
        return None
    if not bounded:  # and not one --threads sets
        return (f"{name}={value!r} in the environment is not a thread count; "
                "set it to a whole number (0: the default) or unset it")
    allowed = f"from {lowest} to {usable_cpus}, the CPUs this process may use"
    allowed += " (0: the default)" if lowest == 0 else ""
    if name == "OMP_NUM_THREADS":
        allowed += " (or a list like 2,1 for nested levels, the first at most that)"
    return (f"{name}={value!r} in the environment is not a thread count dlenv can use; set it to a whole number "
            f"{allowed}, unset it, or pass --threads N, which overrides it")


def _own_keras_home(backend: str) -> Path:
    """A Keras home holding dlenv's keras.json (KERAS_SETTINGS), not the user's ~/.keras."""
    text = json.dumps({**KERAS_SETTINGS, "backend": backend}, indent=4)
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlenv" / f"keras-{backend}"
    try:
        base.mkdir(parents=True, exist_ok=True)
        config = base / "keras.json"
        if not config.is_file() or config.read_text(encoding="utf-8") != text:
            with tempfile.NamedTemporaryFile("w", dir=base, delete=False, encoding="utf-8") as f:
                f.write(text)
            os.replace(f.name, config)  # whole or not at all: another worker may be reading it
    except (OSError, RuntimeError):  # no (writable) home, as in a locked-down deployment: a private folder
        base = Path(tempfile.mkdtemp(prefix="dlenv-keras-"))
        (base / "keras.json").write_text(text, encoding="utf-8")
    return base


def pin_keras(backend: str) -> None:
    """Set KERAS_SETTINGS after Keras is imported, and check Keras runs ``backend``."""
    import keras

    keras.config.set_floatx(KERAS_SETTINGS["floatx"])
    keras.config.set_epsilon(KERAS_SETTINGS["epsilon"])
    keras.config.set_image_data_format(KERAS_SETTINGS["image_data_format"])
    keras.config.set_dtype_policy(KERAS_SETTINGS["floatx"])
    if keras.config.backend() != backend:
        raise BackendError(f"Keras was already imported with the {keras.config.backend()} backend, not {backend}; "
                           "measure in a fresh process (python -m dlenv.serve.worker)")


def keras_settings() -> dict[str, object]:
    """What Keras measures with in this process, for the environment record."""
    import keras

    return {"backend": keras.config.backend(), "floatx": keras.config.floatx(), "epsilon": keras.config.epsilon(),
            "image_data_format": keras.config.image_data_format(), "dtype_policy": keras.config.dtype_policy().name,
            "home": os.environ.get("KERAS_HOME")}


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
