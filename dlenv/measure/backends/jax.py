"""The JAX backend: see ``dlenv.measure.backends`` for the interface."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from dlenv import precision
from dlenv.measure import devices as devices_mod
from dlenv.measure.devices import DeviceInfo

NAME = "jax"
PACKAGE = "jax"
INSTALL_COMMAND = 'pip install "jax[cpu]"'
# Another command and when to use it (the i18n key that says when: the pages say it in their language).
INSTALL_ALTERNATIVE = ("install_on_nvidia", 'pip install "jax[cuda12]"')
INSTALL_HINT = f"{INSTALL_COMMAND}  (on an NVIDIA GPU: {INSTALL_ALTERNATIVE[1]})"
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



# JAX's dot algorithm presets (jax.lax.DotAlgorithmPreset names, which the setting may also
# hold) name the computation itself, on any accelerator. Several passes that together keep
# float32's accuracy count as float32; the float8 presets do not apply to float32 inputs.
_PRESETS = {"F32_F32_F32": "float32", "TF32_TF32_F32": "tf32", "TF32_TF32_F32_X3": "float32",
            "BF16_BF16_BF16": "bfloat16", "BF16_BF16_F32": "bfloat16", "BF16_BF16_F32_X3": "bfloat16_3x",
            "BF16_BF16_F32_X6": "float32", "BF16_BF16_F32_X9": "float32",
            "F16_F16_F16": "float16", "F16_F16_F32": "float16", "F64_F64_F64": "float64"}
_initial_setting: list[str | None] = []  # the setting as the process started (None: JAX's default)


def matmul_precision(device: DeviceInfo, dtype: str) -> tuple[str, str]:
    """(what a ``dtype`` matmul on ``device`` runs as, the setting read) -- see ``dlenv.precision``.

    ``jax.config.jax_default_matmul_precision``: None is JAX's default, precision DEFAULT
    (TF32 on GPUs that have it, one bfloat16 pass on a TPU); a legacy name ("bfloat16",
    "tensorfloat32", "highest", ...) is resolved to its level by ``jax.lax.Precision`` itself.
    dlenv's kernels and Keras's matmul pass no precision of their own, so this one applies.
    """
    import jax

    setting = jax.config.jax_default_matmul_precision
    text = f"jax_default_matmul_precision={setting}"
    if dtype != "float32" or device.kind == "cpu":
        return dtype, text
    if setting in _PRESETS:
        return _PRESETS[setting], text
    return precision.from_level(device, dtype, jax.lax.Precision(setting).name.lower()), text


def set_strict_float32(strict: bool) -> None:
    """Full float32 matmuls ("highest") when ``strict``, else the setting the process started with.

    Set on every call of a worker, both ways. A changed setting is part of jax.jit's cache key,
    so the cached kernels (``_jitted``) are compiled again, not reused.
    """
    import jax

    if not _initial_setting:
        _initial_setting.append(jax.config.jax_default_matmul_precision)
    jax.config.update("jax_default_matmul_precision", "highest" if strict else _initial_setting[0])
