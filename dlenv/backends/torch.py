"""The PyTorch backend: see ``dlenv.backends`` for the interface."""

from __future__ import annotations

from typing import Any, Callable

from dlenv import devices as devices_mod
from dlenv.devices import DeviceInfo

NAME = "torch"
PACKAGE = "torch"
INSTALL_HINT = "pip install torch  (CPU only: pip install torch --index-url https://download.pytorch.org/whl/cpu)"


def load() -> None:
    import os

    import torch

    if os.environ.get("OMP_NUM_THREADS"):
        torch.set_num_threads(int(os.environ["OMP_NUM_THREADS"]))
    import keras  # noqa: F401


def versions() -> dict[str, str]:
    import keras
    import torch

    out = {"torch": torch.__version__, "keras": keras.__version__}
    if torch.version.cuda:
        out["cuda"] = torch.version.cuda
    return out


def devices() -> list[DeviceInfo]:
    import torch

    found = [devices_mod.cpu_info()]
    driver = devices_mod.nvidia_driver_version()
    for i in range(torch.cuda.device_count()):
        props = torch.cuda.get_device_properties(i)
        found.append(DeviceInfo(
            id=f"gpu:{i}", kind="gpu", name=props.name, memory_bytes=props.total_memory,
            compute_capability=f"{props.major}.{props.minor}", driver=driver))
    return found


def sync(value: Any) -> None:
    import torch

    device = getattr(value, "device", None)
    if device is not None and device.type == "cuda":
        torch.cuda.synchronize(device)
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


def matmul(a: Any, b: Any) -> Any:
    import torch

    return torch.matmul(a, b)


def elementwise(op: str) -> Callable[[Any, Any], Any]:
    import torch

    return {"add": torch.add, "multiply": torch.mul}[op]

