"""The JAX backend: see ``dlenv.measure.backends`` for the interface."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from dlenv.measure import devices as devices_mod
from dlenv.measure.devices import DeviceInfo

NAME = "jax"
PACKAGE = "jax"
INSTALL_HINT = 'pip install "jax[cpu]"  (on an NVIDIA GPU: pip install "jax[cuda12]")'
PLATFORMS = ("cpu", "gpu", "tpu")


def load() -> None:
    import jax  # noqa: F401  (XLA_FLAGS from configure_process are read here)
    import keras  # noqa: F401


def versions() -> dict[str, str]:
    import jax
    import jaxlib
    import keras

    return {"jax": jax.__version__, "jaxlib": jaxlib.__version__, "keras": keras.__version__}


def _platform_devices(platform: str) -> list[Any]:
    import jax

    try:
        return jax.devices(platform)
    except RuntimeError:  # JAX raises when a platform has no backend here
        return []


def _jax_device(device_id: str) -> Any:
    platform, index = device_id.split(":")
    return _platform_devices(platform)[int(index)]


def devices() -> list[DeviceInfo]:
    cpu = devices_mod.cpu_info()
    driver = devices_mod.nvidia_driver_version()
    found = []
    for platform in PLATFORMS:
        for i, dev in enumerate(_platform_devices(platform)):
            if platform == "cpu":
                name = cpu.name if i == 0 and len(_platform_devices("cpu")) == 1 else f"{cpu.name} (logical {i})"
                found.append(DeviceInfo(**{**cpu.__dict__, "id": f"cpu:{i}", "name": name}))
                continue
            stats = dev.memory_stats() or {}
            cc = getattr(dev, "compute_capability", None)
            found.append(DeviceInfo(
                id=f"{platform}:{i}", kind=platform, name=dev.device_kind,
                memory_bytes=stats.get("bytes_limit"), compute_capability=str(cc) if cc else None,
                driver=driver if platform == "gpu" else None))
    return found


def threads() -> int:
    """XLA's CPU client runs an Eigen pool of one thread per CPU this process may run on
    (OpenMP and MKL variables do not apply), or one thread with
    XLA_FLAGS=--xla_cpu_multi_thread_eigen=false."""
    import os

    flags = os.environ.get("XLA_FLAGS", "").split()
    if any(f.lower() in ("--xla_cpu_multi_thread_eigen=false", "--xla_cpu_multi_thread_eigen=0") for f in flags):
        return 1
    return len(os.sched_getaffinity(0))


def keras_device(device_id: str) -> str:
    """The name to give ``keras.device`` for a device id."""
    return device_id


def sync(value: Any) -> None:
    import jax

    jax.block_until_ready(value)


def free_memory(device_id: str) -> int | None:
    if device_id.startswith("cpu"):
        import psutil

        return psutil.virtual_memory().available
    stats = _jax_device(device_id).memory_stats()
    if not stats or "bytes_limit" not in stats:
        return None
    return stats["bytes_limit"] - stats.get("bytes_in_use", 0)


def is_out_of_memory(exc: BaseException) -> bool:
    text = str(exc)
    return "RESOURCE_EXHAUSTED" in text or "Out of memory" in text


@cache
def _jitted(fn: Callable[..., Any]) -> Callable[..., Any]:
    import jax

    # One compiled function per kernel: a plain jnp call would re-dispatch through
    # JAX's op-by-op path and add Python overhead to every timed call.
    return jax.jit(fn)


def matmul() -> Callable[[Any, Any], Any]:
    import jax.numpy as jnp

    return _jitted(jnp.matmul)


def elementwise(op: str) -> Callable[[Any, Any], Any]:
    import jax.numpy as jnp

    return _jitted({"add": jnp.add, "multiply": jnp.multiply}[op])

