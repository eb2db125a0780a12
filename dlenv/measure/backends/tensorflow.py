"""The TensorFlow backend (Keras's default): see ``dlenv.measure.backends`` for the interface."""

from __future__ import annotations

import glob
import os
import subprocess
from collections.abc import Callable
from typing import Any

from dlenv import precision
from dlenv.measure import devices as devices_mod
from dlenv.measure.backends import logical_cpus, thread_variable, virtual_cpus
from dlenv.measure.devices import DeviceInfo
from dlenv.measure.peaks import TPU_PCI_DEVICES

NAME = "tensorflow"
PACKAGE = "tensorflow"
INSTALL_COMMAND = "pip install tensorflow"
INSTALL_ALTERNATIVE = None
INSTALL_HINT = INSTALL_COMMAND


def load() -> None:
    import tensorflow as tf

    # All of these must happen before TensorFlow initialises its runtime (the first op).
    # TensorFlow's own thread variables, applied through its API so that ``threads``,
    # which asks that API, sees them.
    if thread_variable("TF_NUM_INTRAOP_THREADS"):
        tf.config.threading.set_intra_op_parallelism_threads(thread_variable("TF_NUM_INTRAOP_THREADS"))
    if thread_variable("TF_NUM_INTEROP_THREADS"):
        tf.config.threading.set_inter_op_parallelism_threads(thread_variable("TF_NUM_INTEROP_THREADS"))
    for gpu in tf.config.list_physical_devices("GPU"):
        tf.config.experimental.set_memory_growth(gpu, True)
    count = virtual_cpus()
    if count > 1:
        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(
            cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(count)])
    if _tpu_likely():
        _connect_tpu(tf)
    import keras  # noqa: F401  (fixes Keras on this backend)


def _tpu_likely() -> bool:
    # Colab and Cloud TPU VMs expose the chips as /dev/accel* (older runtimes set
    # COLAB_TPU_ADDR or TPU_NAME); elsewhere skip the slow cluster probe.
    return any(os.environ.get(v) for v in ("COLAB_TPU_ADDR", "TPU_NAME")) or os.path.exists("/dev/accel0")


def _connect_tpu(tf: Any) -> None:
    """TensorFlow lists TPU cores only after the TPU system is initialised."""
    try:
        resolver = tf.distribute.cluster_resolver.TPUClusterResolver()
        tf.config.experimental_connect_to_cluster(resolver)
        tf.tpu.experimental.initialize_tpu_system(resolver)
    except (ValueError, RuntimeError, tf.errors.OpError):
        pass  # no usable TPU after all: devices() simply lists none


def versions() -> dict[str, str]:
    import keras
    import tensorflow as tf

    build = tf.sysconfig.get_build_info()
    out = {"tensorflow": tf.__version__, "keras": keras.__version__}
    for key in ("cuda_version", "cudnn_version"):
        if build.get(key):
            out[key.replace("_version", "")] = str(build[key])
    return out


def _gpu_memory_totals() -> list[int]:
    """Total memory per GPU in bytes from nvidia-smi; TensorFlow does not report it."""
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=memory.total", "--format=csv,noheader,nounits"],
                             capture_output=True, text=True, timeout=10, check=True).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    return [int(line) * 2**20 for line in out.split() if line.strip().isdigit()]


def devices() -> list[DeviceInfo]:
    import tensorflow as tf

    found = logical_cpus(devices_mod.cpu_info(), virtual_cpus())
    totals = _gpu_memory_totals()
    driver = devices_mod.nvidia_driver_version()
    for i, gpu in enumerate(tf.config.list_physical_devices("GPU")):
        details = tf.config.experimental.get_device_details(gpu)
        cc = details.get("compute_capability")
        found.append(DeviceInfo(
            id=f"gpu:{i}", kind="gpu", name=details.get("device_name", gpu.name),
            memory_bytes=totals[i] if i < len(totals) else None,
            compute_capability=f"{cc[0]}.{cc[1]}" if cc else None, driver=driver))
    for i, _ in enumerate(tf.config.list_logical_devices("TPU")):
        found.append(DeviceInfo(id=f"tpu:{i}", kind="tpu", name=tpu_name()))
    return found


def tpu_name(environ: dict[str, str] | None = None, pci_root: str = "/sys/bus/pci/devices") -> str:
    """What TensorFlow's TPU devices are: TensorFlow does not say, so the Cloud TPU accelerator
    type (TPU_ACCELERATOR_TYPE, e.g. "v5litepod-8"), else the chip's PCI device id, else "TPU"."""
    accelerator_type = (os.environ if environ is None else environ).get("TPU_ACCELERATOR_TYPE", "").strip()
    if accelerator_type:
        return accelerator_type
    for vendor in sorted(glob.glob(os.path.join(pci_root, "*", "vendor"))):
        try:
            with open(vendor, encoding="ascii") as f:
                if f.read().strip() != "0x1ae0":  # Google
                    continue
            with open(os.path.join(os.path.dirname(vendor), "device"), encoding="ascii") as f:
                chip = TPU_PCI_DEVICES.get(f.read().strip())
        except (OSError, ValueError):
            continue
        if chip:
            return chip
    return "TPU"


def threads() -> int:
    import tensorflow as tf

    # 0 means TensorFlow's default: one thread per CPU this process may run on.
    return tf.config.threading.get_intra_op_parallelism_threads() or len(os.sched_getaffinity(0))


def keras_device(device_id: str) -> str:
    """The name to give ``keras.device`` for a device id."""
    return device_id


def sync(value: Any) -> None:
    import tensorflow as tf

    tf.test.experimental.sync_devices()


def free_memory(device_id: str) -> int | None:
    if device_id.startswith("cpu"):
        import psutil

        return psutil.virtual_memory().available
    import tensorflow as tf

    index = int(device_id.split(":")[1])
    totals = _gpu_memory_totals()
    if index >= len(totals):
        return None
    used = tf.config.experimental.get_memory_info(f"GPU:{index}")["current"]
    return totals[index] - used


def is_out_of_memory(exc: BaseException) -> bool:
    import tensorflow as tf

    return isinstance(exc, tf.errors.ResourceExhaustedError) or "OOM when allocating" in str(exc)


def matmul() -> Callable[[Any, Any], Any]:
    import tensorflow as tf

    return tf.linalg.matmul


def elementwise(op: str) -> Callable[[Any, Any], Any]:
    import tensorflow as tf

    return {"add": tf.math.add, "multiply": tf.math.multiply}[op]



_initial_tf32: list[bool] = []  # TF32 as the process started, before dlenv changed it


def matmul_precision(device: DeviceInfo, dtype: str) -> tuple[str, str]:
    """(what a ``dtype`` matmul on ``device`` runs as, the setting read) -- see ``dlenv.precision``.

    TensorFlow's one switch, ``tensor_float_32_execution_enabled``: on, float32 matmuls use
    TF32 on GPUs that have it and XLA's DEFAULT precision (one bfloat16 pass on a TPU); off,
    float32 (XLA's HIGHEST). A oneDNN fpmath mode asked for in the environment is added to
    the text for a CPU.
    """
    import tensorflow as tf

    enabled = tf.config.experimental.tensor_float_32_execution_enabled()
    text = f"tensor_float_32_execution_enabled={enabled}"
    if device.kind == "cpu" and os.environ.get("TF_SET_ONEDNN_FPMATH_MODE"):
        text += f", TF_SET_ONEDNN_FPMATH_MODE={os.environ['TF_SET_ONEDNN_FPMATH_MODE']}"
    return precision.from_level(device, dtype, "default" if enabled else "highest"), text


def set_strict_float32(strict: bool) -> None:
    """Full float32 matmuls (TF32 off) when ``strict``, else TF32 as the process started with it.

    Set on every call of a worker, both ways, so that one job's choice never reaches the next.
    """
    import tensorflow as tf

    if not _initial_tf32:
        _initial_tf32.append(tf.config.experimental.tensor_float_32_execution_enabled())
    tf.config.experimental.enable_tensor_float_32_execution(False if strict else _initial_tf32[0])
