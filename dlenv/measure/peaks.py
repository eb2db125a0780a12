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
