"""The PyTorch backend: see ``dlenv.measure.backends`` for the interface."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from dlenv import precision
from dlenv.measure import devices as devices_mod
from dlenv.measure.backends import logical_cpus, virtual_cpus
from dlenv.measure.devices import DeviceInfo

NAME = "torch"
PACKAGE = "torch"
INSTALL_COMMAND = "pip install torch"
# Another command and when to use it (the i18n key that says when: the pages say it in their language).
INSTALL_ALTERNATIVE = ("install_cpu_only", "pip install torch --index-url https://download.pytorch.org/whl/cpu")
INSTALL_HINT = f"{INSTALL_COMMAND}  (CPU only: {INSTALL_ALTERNATIVE[1]})"


def load() -> None:
    # torch sizes its pool itself from OMP_NUM_THREADS, else MKL_NUM_THREADS, else the
    # physical cores (a list like OMP_NUM_THREADS=2,1 gives its first number; a bad value
    # a warning and the default): ``threads`` asks it what it chose.
    import keras  # noqa: F401
    import torch  # noqa: F401


def threads() -> int:
    import torch

    return torch.get_num_threads()


def versions() -> dict[str, str]:
    import keras
    import torch

    out = {"torch": torch.__version__, "keras": keras.__version__}
    if torch.version.cuda:
        out["cuda"] = torch.version.cuda
    return out


def devices() -> list[DeviceInfo]:
    import torch

    # torch has no logical CPU devices, but accepts "cpu:1": the split shares the cores.
    found = logical_cpus(devices_mod.cpu_info(), virtual_cpus())
    driver = devices_mod.nvidia_driver_version()
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)
        found.append(DeviceInfo(
            id=f"gpu:{i}", kind="gpu", name=props.name, memory_bytes=props.total_memory,
            compute_capability=f"{props.major}.{props.minor}", driver=driver))
    return found


def keras_device(device_id: str) -> str:
    """The name to give ``keras.device`` for a device id."""
    # Keras moves each new torch variable with .to(device); .to("cpu:0") copies a
    # tensor whose device is "cpu", leaving a non-leaf copy that gets no gradient
    # ("No gradients provided for any variable"). Plain "cpu" avoids the copy.
    return "cpu" if device_id.startswith("cpu") else device_id


def sync(value: Any) -> None:
    import torch

    if isinstance(value, torch.Tensor) and value.device.type == "cuda":
        torch.cuda.synchronize(value.device)
    # CPU tensors are computed synchronously; host values (numpy) are already done.


def free_memory(device_id: str) -> int | None:
    if device_id.startswith("cpu"):
        import psutil

        return psutil.virtual_memory().available
    import torch

    free, _total = torch.cuda.mem_get_info(int(device_id.split(":")[1]))
    return free


def is_out_of_memory(exc: BaseException) -> bool:
    import torch

    return isinstance(exc, torch.OutOfMemoryError) or "out of memory" in str(exc).lower()


def matmul() -> Callable[[Any, Any], Any]:
    import torch

    return torch.matmul


def elementwise(op: str) -> Callable[[Any, Any], Any]:
    import torch

    return {"add": torch.add, "multiply": torch.mul}[op]



_initial: list[tuple[str, bool]] = []  # (float32 matmul precision, cuDNN TF32) as the process started


def matmul_precision(device: DeviceInfo, dtype: str) -> tuple[str, str]:
    """(what a ``dtype`` matmul on ``device`` runs as, the setting read) -- see ``dlenv.precision``.

    ``torch.get_float32_matmul_precision()`` ("highest", the default; "high"; "medium") and
    the switch cuBLAS follows, ``torch.backends.cuda.matmul.allow_tf32``: on, a CUDA float32
    matmul uses TF32 on GPUs that have it. For a CPU the text adds oneDNN's own setting.
    """
    import torch

    try:
        setting = torch.get_float32_matmul_precision()
    except RuntimeError:  # set through both the legacy and the per-backend API: torch gives no one name
        setting = "mixed"
    allow_tf32 = torch.backends.cuda.matmul.allow_tf32
    text = f"float32_matmul_precision={setting}, cuda.matmul.allow_tf32={allow_tf32}"
    if device.kind == "cpu":
        text += f", mkldnn.matmul.fp32_precision={torch.backends.mkldnn.matmul.fp32_precision}"
    return precision.from_level(device, dtype, "high" if allow_tf32 else "highest"), text


def set_strict_float32(strict: bool) -> None:
    """Full float32 when ``strict`` ("highest", and cuDNN convolutions without TF32), else the
    settings the process started with. Set on every call of a worker, both ways."""
    import torch

    if not _initial:
        try:
            _initial.append((torch.get_float32_matmul_precision(), torch.backends.cudnn.allow_tf32))
        except RuntimeError:  # mixed APIs at start: "highest" is torch's default
            _initial.append(("highest", torch.backends.cudnn.allow_tf32))
    matmul, convolution = ("highest", False) if strict else _initial[0]
    torch.set_float32_matmul_precision(matmul)
    torch.backends.cudnn.allow_tf32 = convolution
