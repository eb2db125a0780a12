"""What a "float32" matmul really ran as: the framework's setting, the device, the rule between them.

A float32 matmul is not one computation. On an NVIDIA GPU of compute capability 8.0 or
later, TensorFlow and JAX run it on tensor cores in TF32 (10 stored mantissa bits) by
default, PyTorch in float32 unless told otherwise; on a TPU, JAX's and TensorFlow's
default is one bfloat16 pass. The effective precision decides which datasheet peak a
result is compared with (``dlenv.measure.devices.peak_for``), so every matmul result
records it (``matmul_precision``) next to the raw setting it came from
(``matmul_precision_setting``, as the framework reported it).

Each backend module reads its framework's setting and reduces it to one of XLA's
precision levels (``LEVELS``); ``from_level`` is the rule from there to a precision:

===========  ========  ======================  ===========  ===========
level        CPU       GPU, cc >= 8.0          GPU, older   TPU
===========  ========  ======================  ===========  ===========
default      float32   tf32                    float32      bfloat16
high         float32   tf32                    float32      bfloat16_3x
highest      float32   float32                 float32      float32
===========  ========  ======================  ===========  ===========

Sources: JAX's ``jax.lax.Precision`` docstring (jax-ml/jax, jax/_src/lax/lax.py, release
0.10.2: DEFAULT is one bfloat16 pass on TPU and TF32 on GPUs that have it, HIGH three
bfloat16 passes on TPU and TF32 on GPU, HIGHEST float32 on GPU and six bfloat16 passes
on TPU, none of them changes a CPU); https://docs.jax.dev/en/latest/201/precision.html
(read 2026-11-30: JAX's default leans to speed, bfloat16 on TPU and TF32 on recent GPUs);
TensorFlow's ``tf.config.experimental.enable_tensor_float_32_execution`` page (TF32 is
on by default and used from the Ampere generation, compute capability 8.0, on) and its
XLA lowering, tensorflow/tensorflow tensorflow/compiler/tf2xla/kernels/batch_matmul_op.cc
(commit 08df8c40: TF32 on -> precision DEFAULT, off -> HIGHEST); PyTorch's
``torch.set_float32_matmul_precision`` docstring (torch 2.13: "high" and "medium" mean
TF32 for CUDA float32 matmuls, the default "highest" means float32).

The CPU: TF32 is a tensor-core format, and none of the three frameworks' default CPU
paths narrows a float32 matmul. oneDNN can be told to (its "fpmath mode"): TensorFlow
reads ``TF_SET_ONEDNN_FPMATH_MODE=BF16`` (the string is in TensorFlow 2.21's library),
PyTorch has ``torch.backends.mkldnn.matmul.fp32_precision = "bf16"``, which
``torch.set_float32_matmul_precision("medium")`` also sets in torch 2.13, and PyTorch's
MKLDNN notes (https://docs.pytorch.org/docs/stable/notes/mkldnn.html, read 2026-11-30)
show bfloat16 speed-ups from it on a Sapphire Rapids (AMX) CPU. On the AMD EPYC with
avx512_bf16 but no AMX this was written on, neither setting moved a 512 x 512 matmul's
error off float32's level (max relative error 5.1e-7 TensorFlow with and without it,
8.1e-7 torch "medium" against 3.5e-7 "highest"), nor did JAX's precision="BF16_BF16_F32"
(1.1e-6, as its default). So a CPU's precision is recorded as the dtype, and the backends
add such a oneDNN setting to the setting text, so that a result says it was asked for.

Only the standard library: any layer (pages, the CLI, the data layer) may import this.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dlenv.measure.devices import DeviceInfo

# The effective precisions a matmul can run as (``matmul_precision`` in a result) are
# dlenv.vocab.MATMUL_PRECISIONS.
# Workloads whose FLOPs are matmuls that follow the float32 matmul setting (an MLP's Dense
# layers). A CNN's convolutions are left out: PyTorch sets them apart
# (torch.backends.cudnn.allow_tf32, on by default).
MATMUL_WORKLOADS = ("matmul", "mlp")
# XLA's precision levels, as JAX names them (jax.lax.Precision DEFAULT, HIGH, HIGHEST).
LEVELS = ("default", "high", "highest")
TF32_COMPUTE_CAPABILITY = (8, 0)  # NVIDIA Ampere: the first tensor cores with TF32

_ON_TPU = {"default": "bfloat16", "high": "bfloat16_3x", "highest": "float32"}
# bfloat16 passes per float32 multiply on a TPU at each of those (jax.lax.Precision's docstring),
# which divide the chip's bfloat16 peak.
TPU_PASSES = {"bfloat16": 1, "bfloat16_3x": 3, "float32": 6}
# How a label names a precision that differs from the dtype ("float32 (TF32)").
_SHOWN = {"tf32": "TF32", "bfloat16": "bfloat16, 1 pass", "bfloat16_3x": "bfloat16, 3 passes"}


def has_tf32(device: DeviceInfo) -> bool:
    """Whether ``device`` is an NVIDIA GPU with TF32 tensor cores (compute capability >= 8.0).

    A GPU whose compute capability is unknown (or not NVIDIA's "major.minor") counts as without.
    """
    if device.kind != "gpu" or not device.compute_capability:
        return False
    try:
        major, minor = (int(part) for part in str(device.compute_capability).split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= TF32_COMPUTE_CAPABILITY


def from_level(device: DeviceInfo, dtype: str, level: str) -> str:
    """The precision a ``dtype`` matmul runs as on ``device`` at XLA precision ``level``.

    Only float32 is narrowed: any other dtype runs as itself, and a CPU always runs the
    dtype (see the module docstring for the table and its sources). Raises ValueError for
    a level not in ``LEVELS``.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown precision level {level!r}: use one of {', '.join(LEVELS)}")
    if dtype != "float32" or device.kind == "cpu":
        return dtype
    if device.kind == "tpu":
        return _ON_TPU[level]
    if device.kind == "gpu" and level != "highest" and has_tf32(device):
        return "tf32"
    return dtype


def train_policy(dtype: str) -> str:
    """The Keras dtype policy of a training whose layers compute in ``dtype`` ("float16" ->
    "mixed_float16"; ``dlenv.vocab.TRAIN_PRECISIONS``); a policy name is returned as it is, and
    so is a dtype no policy computes in."""
    from dlenv.vocab import TRAIN_PRECISIONS

    if dtype in TRAIN_PRECISIONS:
        return dtype
    return next((policy for policy, compute in TRAIN_PRECISIONS.items() if compute == dtype), dtype)


def dtype_label(row: Mapping[str, Any]) -> str:
    """A result's dtype as tables and charts show it: "float32 (TF32)" when the matmul ran
    narrower than its dtype, the Keras policy ("mixed_float16") for a training in float16 or
    bfloat16, else the dtype ("float32").

    ``row``: a result record or a DataFrame row (anything with ``get``); a missing or empty
    ``matmul_precision`` (an elementwise result, a file from before it was recorded, a
    pandas NaN) means the dtype.
    """
    dtype = str(row.get("dtype"))
    if row.get("workload") == "train":  # float16 there is Keras mixed precision: float32 weights
        return train_policy(dtype)
    ran = row.get("matmul_precision")
    if not isinstance(ran, str) or not ran or ran == dtype:
        return dtype
    return f"{dtype} ({_SHOWN.get(ran, ran)})"
