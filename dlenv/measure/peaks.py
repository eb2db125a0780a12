"""The tables behind the peaks: CPU FLOP per cycle by microarchitecture, accelerator datasheets.

``dlenv.measure.devices`` computes a device's peak from these; this module holds only
the figures, where each comes from, and how a reported name or CPUID finds its row.
Standard library only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------- CPU microarchitectures


@dataclass(frozen=True)
class CpuCore:
    """One CPU microarchitecture's float32 FLOP per cycle per core (an FMA counts 2)."""

    name: str
    float32_per_cycle: int
    why: str       # the execution units behind the figure
    source: str    # where the figure comes from


# Where the flags cannot tell: a core that accepts wide vector instructions but runs
# them on narrower units. The flag-based figure (vector bits / 32 x 2 x FMA pipes) is
# right for the others: Intel Haswell to Sapphire Rapids server parts, Zen 2 and Zen 3.
# The lower of the two figures is used, since flags also say what software may use
# (a VM can hide AVX-512 from a core that has it).
_ZEN1 = CpuCore(
    "AMD Zen/Zen+", 16, "AVX2 split into two 128-bit halves on two 128-bit FMA pipes",
    "AMD, Software Optimization Guide for AMD Family 17h Processors; Agner Fog, "
    "The microarchitecture of Intel, AMD and VIA CPUs (AMD Zen chapter)")
_ZEN4 = CpuCore(
    "AMD Zen 4", 32, "AVX-512 executed as two 256-bit halves on two 256-bit FMA pipes",
    "AMD, Software Optimization Guide for the AMD Zen4 Microarchitecture; Agner Fog, "
    "The microarchitecture of Intel, AMD and VIA CPUs (AMD Zen 4 chapter)")
_ZEN5 = CpuCore(
    "AMD Zen 5", 64, "two 512-bit FMA pipes (desktop and server parts)",
    "AMD, Software Optimization Guide for the AMD Zen5 Microarchitecture; checked on family 26 "
    "model 2 (EPYC): a 512-bit FMA loop runs twice the FLOP/s of a 256-bit one")
_ZEN5_MOBILE = CpuCore(
    "AMD Zen 5 (mobile)", 32, "AVX-512 executed on 256-bit FMA pipes in the mobile parts",
    "AMD's Zen 5 architecture disclosures (mobile cores keep a 256-bit FP datapath)")
_INTEL_ONE_FMA512 = CpuCore(
    "Intel Ice Lake/Tiger Lake/Rocket Lake client", 32, "one 512-bit FMA unit (ports 0 and 1 fused)",
    "Intel 64 and IA-32 Architectures Optimization Reference Manual (Ice Lake client chapter)")

# (vendor, family, first model, last model) -> core. Model ranges as Linux's
# arch/x86/kernel/cpu/amd.c and intel-family.h name them.
_CPU_CORES: tuple[tuple[str, int, int, int, CpuCore], ...] = (
    ("AuthenticAMD", 0x17, 0x00, 0x2F, _ZEN1),
    ("AuthenticAMD", 0x19, 0x10, 0x1F, _ZEN4),   # Genoa, Storm Peak
    ("AuthenticAMD", 0x19, 0x60, 0x7F, _ZEN4),   # Raphael, Phoenix, Hawk Point
    ("AuthenticAMD", 0x19, 0xA0, 0xAF, _ZEN4),   # Bergamo, Siena
    ("AuthenticAMD", 0x1A, 0x00, 0x1F, _ZEN5),   # Turin, Turin Dense
    ("AuthenticAMD", 0x1A, 0x40, 0x4F, _ZEN5),   # Granite Ridge
    ("AuthenticAMD", 0x1A, 0x20, 0x2F, _ZEN5_MOBILE),  # Strix Point
    ("GenuineIntel", 6, 0x7D, 0x7E, _INTEL_ONE_FMA512),  # Ice Lake client
    ("GenuineIntel", 6, 0x8C, 0x8D, _INTEL_ONE_FMA512),  # Tiger Lake
    ("GenuineIntel", 6, 0xA7, 0xA7, _INTEL_ONE_FMA512),  # Rocket Lake
)
CPU_CORES: dict[str, CpuCore] = {core.name: core for *_, core in _CPU_CORES}


def match_cpu_core(vendor: str, family: int | None, model: int | None) -> CpuCore | None:
    """The CpuCore of an x86 CPUID vendor, family and model; None where the flags suffice."""
    for row_vendor, row_family, first, last, core in _CPU_CORES:
        if vendor == row_vendor and family == row_family and model is not None and first <= model <= last:
            return core
    return None


# ---------------------------------------------------------------- accelerator datasheets

# Dense peak TFLOP/s (no 2:4 sparsity). GPUs: "float32" = FP32 on CUDA cores,
# "tf32"/"float16"/"bfloat16" = tensor cores. TPUs: bfloat16 per chip only; their
# float32 goes through several bfloat16 passes and they have no float16 unit.
ACCELERATOR_PEAKS: dict[str, dict[str, float]] = {
    "T4": {"float32": 8.1, "float16": 65.0},
    "V100 SXM2": {"float32": 15.7, "float16": 125.0},
    "V100 PCIe": {"float32": 14.0, "float16": 112.0},
    "V100S PCIe": {"float32": 16.4, "float16": 130.0},
    "A100 SXM4 40GB": {"float32": 19.5, "tf32": 156.0, "float16": 312.0, "bfloat16": 312.0},
    "A100 SXM4 80GB": {"float32": 19.5, "tf32": 156.0, "float16": 312.0, "bfloat16": 312.0},
    "A100 PCIe 40GB": {"float32": 19.5, "tf32": 156.0, "float16": 312.0, "bfloat16": 312.0},
    "A100 PCIe 80GB": {"float32": 19.5, "tf32": 156.0, "float16": 312.0, "bfloat16": 312.0},
    "A10": {"float32": 31.2, "tf32": 62.5, "float16": 125.0, "bfloat16": 125.0},
    "A10G": {"float32": 35.0, "tf32": 35.0, "float16": 70.0, "bfloat16": 70.0},
    "L4": {"float32": 30.3, "tf32": 60.0, "float16": 121.0, "bfloat16": 121.0},
    "H100 SXM": {"float32": 67.0, "tf32": 494.7, "float16": 989.4, "bfloat16": 989.4},
    "H100 PCIe": {"float32": 51.0, "tf32": 378.0, "float16": 756.0, "bfloat16": 756.0},
    "H100 NVL": {"float32": 60.0, "tf32": 417.5, "float16": 835.5, "bfloat16": 835.5},
    "H200 SXM": {"float32": 67.0, "tf32": 494.7, "float16": 989.4, "bfloat16": 989.4},
    "H200 NVL": {"float32": 60.0, "tf32": 417.5, "float16": 835.5, "bfloat16": 835.5},
    "TPU v2": {"bfloat16": 45.0},
    "TPU v3": {"bfloat16": 123.0},
    "TPU v4": {"bfloat16": 275.0},
    "TPU v5e": {"bfloat16": 197.0},
    "TPU v5p": {"bfloat16": 459.0},
    "TPU v6e": {"bfloat16": 918.0},
}

# Where each row of ACCELERATOR_PEAKS comes from; shown in Peak.note.
ACCELERATOR_SOURCES: dict[str, str] = {
    "T4": "NVIDIA T4 datasheet",
    "V100 SXM2": "NVIDIA V100 datasheet (SXM2)",
    "V100 PCIe": "NVIDIA V100 datasheet (PCIe)",
    "V100S PCIe": "NVIDIA V100 datasheet (V100S PCIe)",
    "A100 SXM4 40GB": "NVIDIA A100 datasheet (SXM, 40GB)",
    "A100 SXM4 80GB": "NVIDIA A100 datasheet (SXM, 80GB)",
    "A100 PCIe 40GB": "NVIDIA A100 datasheet (PCIe, 40GB)",
    "A100 PCIe 80GB": "NVIDIA A100 datasheet (PCIe, 80GB)",
    "A10": "NVIDIA A10 datasheet",
    "A10G": "AWS A10G (G5 instances; NVIDIA publishes no datasheet, GeForce-rate tensor cores)",
    "L4": "NVIDIA L4 datasheet (its 242 TFLOPS is with sparsity)",
    "H100 SXM": "NVIDIA H100 datasheet and Hopper whitepaper (SXM5)",
    "H100 PCIe": "NVIDIA H100 datasheet and Hopper whitepaper (PCIe)",
    "H100 NVL": "NVIDIA H100 datasheet (NVL, per GPU)",
    "H200 SXM": "NVIDIA H200 datasheet (SXM, same compute as H100 SXM)",
    "H200 NVL": "NVIDIA H200 datasheet (NVL, per GPU)",
    "TPU v2": "Google Cloud TPU v2 documentation",
    "TPU v3": "Google Cloud TPU v3 documentation",
    "TPU v4": "Google Cloud TPU v4 documentation",
    "TPU v5e": "Google Cloud TPU v5e documentation",
    "TPU v5p": "Google Cloud TPU v5p documentation",
    "TPU v6e": "Google Cloud TPU v6e (Trillium) documentation",
}

# TPU v2 and v3 chips have two TensorCores, and JAX and TensorFlow show each as its
# own device; later chips show one device per chip.
DEVICES_PER_CHIP = {"TPU v2": 2, "TPU v3": 2}

# First match wins, so the specific forms (PCIe, NVL, 80GB, V100S, A10G) come before
# the plain name they contain. Names as CUDA and JAX report them: "Tesla T4",
# "NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3", "TPU v5 lite" (v5e), "TPU v5" (v5p);
# and Cloud TPU accelerator types, which name TensorFlow's TPU devices: "v2-8",
# "v5litepod-8" (v5e), "v5p-8", "v6e-8".
_NAME_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bT4\b", "T4"),
    (r"\bV100S\b", "V100S PCIe"),
    (r"\bV100\b.*\bPCIE\b", "V100 PCIe"),
    (r"\bV100\b.*\bSXM", "V100 SXM2"),
    (r"\bV100\b", "V100 SXM2"),  # a plain "V100" (DGX Station's V100-DGXS too): the SXM2 figures
    (r"\bA100\b(?=.*\bPCIE\b)(?=.*\b80GB\b)", "A100 PCIe 80GB"),
    (r"\bA100\b.*\bPCIE\b", "A100 PCIe 40GB"),
    (r"\bA100\b.*\b80GB\b", "A100 SXM4 80GB"),
    (r"\bA100\b", "A100 SXM4 40GB"),
    (r"\bA10G\b", "A10G"),
    (r"\bA10\b", "A10"),
    (r"\bL4\b", "L4"),
    (r"\bH100\b.*\bNVL\b", "H100 NVL"),
    # The PCIe card is the H100 with HBM2e; the SXM5 module has HBM3.
    (r"\bH100\b.*\b(PCIE|HBM2E)\b", "H100 PCIe"),
    (r"\bH100\b", "H100 SXM"),
    (r"\bH200\b.*\bNVL\b", "H200 NVL"),
    (r"\bH200\b", "H200 SXM"),
    (r"\bTPU v2\b", "TPU v2"),
    (r"\bTPU v3\b", "TPU v3"),
    (r"\bTPU v4\b(?! lite)", "TPU v4"),  # "TPU v4 lite" is the v4i inference chip
    (r"\bTPU v5 ?(lite|e)\b", "TPU v5e"),
    (r"\bTPU v5p?\b", "TPU v5p"),
    (r"\bTPU v6 ?(lite|e)\b", "TPU v6e"),
    (r"^v2-\d+$", "TPU v2"),
    (r"^v3-\d+$", "TPU v3"),
    (r"^v4-\d+$", "TPU v4"),
    (r"^v5(litepod|e)-\d+$", "TPU v5e"),
    (r"^v5p-\d+$", "TPU v5p"),
    (r"^v6e-\d+$", "TPU v6e"),
)

# Google's PCI device ids of TPU chips (vendor 0x1ae0), as jax._src.hardware_utils lists
# them; 0x0027 is left out since both v2 and v3 chips are said to report it.
TPU_PCI_DEVICES = {"0x005e": "TPU v4", "0x0062": "TPU v5p", "0x0063": "TPU v5e", "0x006f": "TPU v6e"}


def match_accelerator(name: str) -> str | None:
    """The ACCELERATOR_PEAKS key for a reported device name; None when unknown."""
    name = name.strip()
    for pattern, key in _NAME_PATTERNS:
        if re.search(pattern, name, re.IGNORECASE):
            return key
    return None


# ---------------------------------------------------------------- memory bandwidth, SMs, per-call overhead
# What dlenv.measure.predict needs besides the FLOP/s above: how fast memory is, how many
# units a small matmul can fill, and the fixed cost of one call.

# Peak DRAM (HBM or GDDR) bandwidth in GB/s (10^9 bytes/s) per chip, from the same
# datasheets as ACCELERATOR_SOURCES unless ACCELERATOR_BANDWIDTH_SOURCES says otherwise.
ACCELERATOR_BANDWIDTH_GBPS: dict[str, float] = {
    "T4": 320.0,
    "V100 SXM2": 900.0,
    "V100 PCIe": 900.0,
    "V100S PCIe": 1134.0,
    "A100 SXM4 40GB": 1555.0,
    "A100 SXM4 80GB": 2039.0,
    "A100 PCIe 40GB": 1555.0,
    "A100 PCIe 80GB": 1935.0,
    "A10": 600.0,
    "A10G": 600.0,
    "L4": 300.0,
    "H100 SXM": 3350.0,
    "H100 PCIe": 2000.0,
    "H100 NVL": 3900.0,
    "H200 SXM": 4800.0,
    "H200 NVL": 4800.0,
    "TPU v2": 700.0,
    "TPU v3": 900.0,
    "TPU v4": 1200.0,
    "TPU v5e": 819.0,
    "TPU v5p": 2765.0,
    "TPU v6e": 1638.0,
}
ACCELERATOR_BANDWIDTH_SOURCES: dict[str, str] = {
    "A10G": "NVIDIA A10 datasheet (600 GB/s GDDR6; the A10G is the same GA102 board with 24 GB GDDR6, "
            "AWS G5 instance page)",
    "TPU v2": "Jouppi et al., A Domain-Specific Supercomputer for Training Deep Neural Networks, CACM 63(7), "
              "2020, table 3 (700 GB/s per chip)",
    "TPU v3": "Jouppi et al., CACM 63(7), 2020, table 3 (900 GB/s per chip)",
    "TPU v5e": "Google Cloud TPU v5e documentation (docs.cloud.google.com/tpu/docs/v5e: 16 GB, 819 GBps)",
    "TPU v6e": "Google Cloud TPU v6e documentation (docs.cloud.google.com/tpu/docs/v6e: 1638 GBps per chip)",
}

# What a small matmul can fill. GPUs: streaming multiprocessors (SMs), each running one
# output tile (GEMM_TILE_*) at a time; from NVIDIA's architecture whitepapers
# (Turing: T4 40; Volta: V100 80; Ampere: A100 108, A10 72, A10G 80; Ada: L4 58; Hopper:
# H100 SXM5 132, H100 PCIe 114, H100 NVL and H200 132). TPUs: the MXU's edge, to which
# XLA pads each matmul dimension (Google Cloud TPU system architecture pages: 128x128
# MXUs up to v5p, 256x256 on v6e).
GPU_SMS: dict[str, int] = {
    "T4": 40, "V100 SXM2": 80, "V100 PCIe": 80, "V100S PCIe": 80,
    "A100 SXM4 40GB": 108, "A100 SXM4 80GB": 108, "A100 PCIe 40GB": 108, "A100 PCIe 80GB": 108,
    "A10": 72, "A10G": 80, "L4": 58,
    "H100 SXM": 132, "H100 PCIe": 114, "H100 NVL": 132, "H200 SXM": 132, "H200 NVL": 132,
}
# A GEMM kernel computes C in thread-block tiles (rows x columns of C), one tile per SM at a
# time. CUTLASS's default shapes (include/cutlass/gemm/device/default_gemm_configuration.h,
# NVIDIA/cutlass commit 044405ce): 128 x 256 for tensor cores on SM70, SM75 and SM80;
# 128 x 128 for float32 on CUDA cores (OpClassSimt). cuBLAS picks among several shapes,
# so this is the large-matmul case, not every kernel.
GEMM_TILE_TENSOR = (128, 256)
GEMM_TILE_CUDA_CORES = (128, 128)
TPU_MXU_EDGE: dict[str, int] = {"TPU v2": 128, "TPU v3": 128, "TPU v4": 128, "TPU v5e": 128, "TPU v5p": 128,
                                "TPU v6e": 256}


@dataclass(frozen=True)
class CallOverhead:
    """The fixed cost of one call from Python on a kind of device, in seconds.

    ``op_s``: one framework op (a matmul, an add) called eagerly, as dlenv's kernels are.
    ``step_s``: one compiled Keras step (``predict_on_batch`` / ``train_on_batch``) of a
    one-layer model, by mode. ``launch_s``: what each further layer's kernel adds on the
    device (a GPU kernel launch; 0 where one compiled program runs the whole step).
    """

    op_s: float
    step_s: dict[str, float]
    launch_s: float
    source: str


# dlenv's own measurements (TensorFlow 2.21, Keras 3.15.1, synced timing, 2026-11-27, on this
# project's 2-vCPU AMD EPYC (Zen 5) VM): `python -m dlenv run elementwise --sizes 1` 11.6 us
# per call (JAX 3.3 us, torch 0.87 us); `python -m dlenv run mlp --depth 1 --width 1 --input 1
# --batch 1 --mode inference,train` 0.204 ms and 0.457 ms (JAX 0.032 / 0.231 ms, torch
# 0.278 / 0.861 ms). The step cost is host-side Keras and framework work, so the GPU and TPU
# rows reuse it.
_STEP_S = {"inference": 204e-6, "train": 457e-6}
CALL_OVERHEAD: dict[str, CallOverhead] = {
    "cpu": CallOverhead(
        11.6e-6, _STEP_S, 0.0,
        "dlenv's own measurement on its 2-vCPU EPYC VM (TensorFlow eager add of 1 element: 11.6 us; "
        "one-layer Keras step: 0.204 ms inference, 0.457 ms train)"),
    "gpu": CallOverhead(
        12e-6, _STEP_S, 2.6e-6,
        "a CUDA kernel launch costs at least ~2.6 us (github.com/makslevental/persistent_kernel README, "
        "driver 510); a framework's eager op costs 8 us to submit and 17 us with a sync per op on an A100 "
        "(PyTorch add 512x512, github.com/flagos-ai/Torch-FL pull request 27); dlenv measured 11.6 us for a "
        "TensorFlow eager op on its own CPU, host work a GPU op pays too: 12 us is used"),
    "tpu": CallOverhead(
        30e-6, _STEP_S, 0.0,
        "JAX's dispatch benchmarks (github.com/jax-ml/jax pull request 4128: a trivial jitted call 28.9 us "
        "to return, 31.5 us with its result); no TPU-specific figure was found, so 30 us is used"),
}
