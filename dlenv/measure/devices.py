"""What the machine is made of, and how fast each device could be at best.

``cpu_info`` describes the host CPU; ``peak_for`` gives the peak FLOP/s a benchmark
result is compared with: a vendor datasheet figure for known accelerators, a
cores x clock x FLOP/cycle estimate for the CPU, or the best measured rate where
that beats both. Only the standard library, psutil and py-cpuinfo are used, so
this module imports in the light (Streamlit, command-line) process.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import platform
import re
from collections.abc import Iterable
from dataclasses import dataclass

import psutil

from dlenv.vocab import DTYPES

# CPU flags that change the FLOP rate or what a framework can use, in display order.
# x86 names as Linux writes them in /proc/cpuinfo; then aarch64 names.
SIMD_FLAGS = (
    "sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_bf16", "avx512_fp16",
    "amx_bf16", "amx_fp16", "neon", "asimd", "asimdhp", "bf16", "sve",
)
_NATIVE_HALF_FLAGS = {
    "bfloat16": {"avx512_bf16", "amx_bf16", "bf16"},
    "float16": {"avx512_fp16", "amx_fp16", "asimdhp"},
}


@dataclass(frozen=True)
class DeviceInfo:
    id: str                      # stable id: "cpu:0", "gpu:0", "gpu:1", "tpu:0"
    kind: str                    # "cpu" | "gpu" | "tpu"
    name: str                    # e.g. "AMD EPYC 7B13", "NVIDIA H100 80GB HBM3", "TPU v5 lite"
    memory_bytes: int | None = None        # device memory (RAM total for the CPU)
    compute_capability: str | None = None  # "8.0" for NVIDIA GPUs
    driver: str | None = None              # NVIDIA driver version where known
    cores: int | None = None               # physical cores (CPU)
    threads: int | None = None             # logical CPUs usable by this process (CPU)
    clock_ghz: float | None = None         # nominal/max clock the OS reports (CPU)
    simd: tuple[str, ...] = ()             # CPU flags from SIMD_FLAGS

    def to_dict(self) -> dict:
        d = dataclasses.asdict(self)
        d["simd"] = list(self.simd)  # JSON has no tuples
        return d

    @classmethod
    def from_dict(cls, d: dict) -> DeviceInfo:
        # Keys this version does not know (a file from a newer dlenv) are dropped.
        known = {f.name for f in dataclasses.fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in known}
        kwargs["simd"] = tuple(kwargs.get("simd") or ())
        return cls(**kwargs)


@dataclass(frozen=True)
class Peak:
    gflops: float        # peak in GFLOP/s for one dtype
    source: str          # "spec" (vendor datasheet table), "estimate" (CPU formula), "measured" (best large matmul seen)
    note: str            # one human sentence: where the number comes from


def _check_dtype(dtype: str) -> None:
    if dtype not in DTYPES:
        raise ValueError(f"unknown dtype {dtype!r}: use one of {', '.join(DTYPES)}")


# ---------------------------------------------------------------- host CPU


def _proc_cpuinfo() -> list[tuple[str, str]]:
    """(key, value) pairs of /proc/cpuinfo; empty where there is none (macOS, Windows)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            lines = f.read().splitlines()
    except OSError:
        return []
    return [(k.strip(), v.strip()) for k, _, v in (line.partition(":") for line in lines) if v]


def _py_cpuinfo() -> dict:
    import cpuinfo  # py-cpuinfo; imported here because get_cpu_info takes about a second

    try:
        return cpuinfo.get_cpu_info()
    except Exception:  # py-cpuinfo probes the CPU in odd ways and can fail on unusual hosts
        return {}


def _clock_ghz(info: dict, proc: list[tuple[str, str]], name: str) -> float | None:
    # Take the largest figure any source reports: VMs often show only the base clock.
    hz = [float(info["hz_advertised"][0])] if info.get("hz_advertised") else []
    rated = re.search(r"@\s*([\d.]+)\s*GHz", name)  # Intel names carry the rated clock
    if rated:
        hz.append(float(rated.group(1)) * 1e9)
    hz += [float(v) * 1e6 for k, v in proc if k == "cpu MHz"]
    freq = psutil.cpu_freq() if hasattr(psutil, "cpu_freq") else None
    if freq and freq.max:
        hz.append(freq.max * 1e6)
    best = max(hz, default=0.0)
    return round(best / 1e9, 3) if best > 0 else None


@functools.cache
def cpu_info() -> DeviceInfo:
    """The host CPU as device "cpu:0" (cached).

    Linux's /proc/cpuinfo answers in a millisecond; py-cpuinfo (about a second, since it
    starts a subprocess) is asked only where that file lacks the name or the flags.
    """
    proc = _proc_cpuinfo()
    keys = {k for k, _ in proc}
    has_name = keys & {"model name", "Model name"}
    info = {} if has_name and keys & {"flags", "Features"} else _py_cpuinfo()
    # x86 Linux writes "flags", aarch64 Linux "Features"; py-cpuinfo may lack the newest ones.
    flags = set(info.get("flags", []))
    flags.update(w for k, v in proc if k in ("flags", "Features") for w in v.split())
    name = (
        info.get("brand_raw")
        or next((v for k, v in proc if k in ("model name", "Model name")), "")
        or platform.processor()
        or platform.machine()
    )
    threads = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return DeviceInfo(
        id="cpu:0",
        kind="cpu",
        name=name,
        memory_bytes=psutil.virtual_memory().total,
        cores=psutil.cpu_count(logical=False) or psutil.cpu_count(logical=True),
        threads=threads,
        clock_ghz=_clock_ghz(info, proc, name),
        simd=tuple(f for f in SIMD_FLAGS if f in flags),
    )


def nvidia_driver_version(path: str = "/proc/driver/nvidia/version") -> str | None:
    """The loaded NVIDIA kernel driver's version, e.g. "535.104.05"; None without one.

    Reading the file the driver exposes avoids starting nvidia-smi.
    """
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return None
    # "NVRM version: NVIDIA UNIX x86_64 Kernel Module  535.104.05  Sat Aug 19 ..."
    m = re.search(r"^NVRM version:.*?\b(\d+\.\d+(?:\.\d+)?)\b", text, re.MULTILINE)
    return m.group(1) if m else None


# ---------------------------------------------------------------- CPU peak estimate


def _vector_unit(simd: Iterable[str]) -> tuple[str, int, int]:
    """(label, vector width in bits, FMA-equivalent pipes per core) of the widest unit."""
    flags = set(simd)
    if flags & {"asimd", "neon", "sve"}:
        # SVE vector length varies by chip (128 to 512 bits); 128 never overstates it.
        return "NEON", 128, 2
    width, label = 128, "SSE"
    if "avx512f" in flags:
        width, label = 512, "AVX-512"
    elif "avx2" in flags or "avx" in flags:
        width, label = 256, "AVX2" if "avx2" in flags else "AVX"
    # Without FMA a core still issues one multiply and one add a cycle: one FMA's worth.
    return label, width, 2 if "fma" in flags else 1


def cpu_flops_per_cycle(simd: Iterable[str], dtype: str) -> int:
    """Peak FLOP per cycle per core for ``dtype``, counting an FMA as 2 FLOP.

    Convention: float32 = (vector bits / 32) lanes x 2 FLOP x FMA pipes, where the
    vector is AVX-512 (512 bits, needs avx512f), AVX/AVX2 (256) or SSE (128) on x86
    and NEON (128) on Arm; x86 with FMA and Arm count 2 pipes, x86 without FMA 1.
    float64 is half of float32. float16/bfloat16 double float32 only with native
    units (avx512_bf16/amx_bf16/bf16 for bfloat16, avx512_fp16/amx_fp16/asimdhp for
    float16); otherwise they are converted and run at the float32 rate. This is an
    upper bound for AVX-512 parts with one 512-bit FMA unit (AMD Zen 4, some Xeons),
    and a lower bound with AMX, whose tile units do many times more.
    """
    _check_dtype(dtype)
    simd = set(simd)
    _, width, pipes = _vector_unit(simd)
    fp32 = width // 32 * 2 * pipes
    if dtype == "float64":
        return fp32 // 2
    if dtype in _NATIVE_HALF_FLAGS and simd & _NATIVE_HALF_FLAGS[dtype]:
        return fp32 * 2
    return fp32


def cpu_peak_estimate(device: DeviceInfo, dtype: str) -> Peak | None:
    """cores x clock x FLOP/cycle; None when the core count or clock is unknown."""
    per_cycle = cpu_flops_per_cycle(device.simd, dtype)
    # Hyper-threads share a core's FMA units, and affinity can leave fewer CPUs than cores.
    cores = min(filter(None, (device.cores, device.threads)), default=None)
    if not cores or not device.clock_ghz:
        return None
    label, _, pipes = _vector_unit(device.simd)
    native = dtype in _NATIVE_HALF_FLAGS and set(device.simd) & _NATIVE_HALF_FLAGS[dtype]
    units = f"{label}, {pipes} FMA unit{'s' if pipes > 1 else ''}" + (f", native {dtype}" if native else "")
    return Peak(
        gflops=cores * device.clock_ghz * per_cycle,
        source="estimate",
        note=(
            f"estimate: {cores} cores x {device.clock_ghz:g} GHz x {per_cycle} {dtype} "
            f"FLOP/cycle ({units}); a VM may hide the real clock"
        ),
    )


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
_DEVICES_PER_CHIP = {"TPU v2": 2, "TPU v3": 2}

# First match wins, so the specific forms (PCIe, NVL, 80GB, V100S, A10G) come before
# the plain name they contain. Names as CUDA and JAX report them: "Tesla T4",
# "NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3", "TPU v5 lite" (v5e), "TPU v5" (v5p).
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
)


def match_accelerator(name: str) -> str | None:
    """The ACCELERATOR_PEAKS key for a reported device name; None when unknown."""
    for pattern, key in _NAME_PATTERNS:
        if re.search(pattern, name, re.IGNORECASE):
            return key
    return None


def _spec_peak(name: str, column: str) -> Peak | None:
    """The datasheet peak of one ACCELERATOR_PEAKS column for one device."""
    key = match_accelerator(name)
    if key is None or column not in ACCELERATOR_PEAKS[key]:
        return None
    tflops = ACCELERATOR_PEAKS[key][column]
    per_chip = _DEVICES_PER_CHIP.get(key, 1)
    if key.startswith("TPU"):
        what = f"dense {column} per chip"
        if per_chip > 1:
            what += f", divided by {per_chip} because each chip shows as {per_chip} devices"
    elif column == "float32":
        what = "float32 on CUDA cores, without tensor cores"
    else:
        what = f"dense {column} tensor cores"
    return Peak(gflops=tflops * 1000 / per_chip, source="spec", note=f"{ACCELERATOR_SOURCES[key]}: {what}")


def peak_for(device: DeviceInfo, dtype: str, measured_gflops: float | None = None) -> Peak | None:
    """The peak ``device`` is compared with for ``dtype``.

    A datasheet figure for accelerators, the estimate for the CPU. A measured rate
    above it proves that figure too low, and becomes the peak itself, except for
    float32 on GPUs, where it means the framework used TF32 tensor cores (on by
    default in TensorFlow and JAX since Ampere): then the TF32 figure is the peak.
    """
    _check_dtype(dtype)
    peak = cpu_peak_estimate(device, dtype) if device.kind == "cpu" else _spec_peak(device.name, dtype)
    if measured_gflops is None or (peak is not None and measured_gflops <= peak.gflops):
        return peak
    if peak is None:
        return Peak(
            gflops=measured_gflops,
            source="measured",
            note=f"no datasheet figure or estimate for {device.name} in {dtype}: the best measured rate stands in",
        )
    if dtype == "float32" and device.kind == "gpu":
        tf32 = _spec_peak(device.name, "tf32")
        if tf32 is not None and measured_gflops <= tf32.gflops:
            return dataclasses.replace(
                tf32, note=f"{tf32.note}, as float32 ran faster than CUDA cores can, so TF32 was used"
            )
    return Peak(
        gflops=measured_gflops,
        source="measured",
        note=(
            f"{measured_gflops:,.0f} GFLOP/s was measured, above the {peak.source} of "
            f"{peak.gflops:,.0f} GFLOP/s, so that {peak.source} is too low ({peak.note})"
        ),
    )


def percent_of_peak(gflops: float, peak: Peak | None) -> tuple[float | None, bool]:
    """(percent of peak, exceeded); exceeded means the peak is too low, not >100% speed."""
    if peak is None or peak.gflops <= 0:
        return None, False
    percent = 100.0 * gflops / peak.gflops
    return percent, percent > 100.0
