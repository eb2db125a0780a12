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

from dlenv.measure.peaks import (  # ACCELERATOR_*, match_accelerator: also imported from here
    ACCELERATOR_PEAKS,
    ACCELERATOR_SOURCES,
    CPU_CORES,
    DEVICES_PER_CHIP,
    match_accelerator,
    match_cpu_core,
)
from dlenv.precision import TPU_PASSES
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
    microarchitecture: str | None = None   # a dlenv.measure.peaks.CPU_CORES key, where the flags cannot tell (CPU)

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
    core = _cpu_core(info, proc)
    return DeviceInfo(
        id="cpu:0",
        kind="cpu",
        name=name,
        memory_bytes=psutil.virtual_memory().total,
        cores=psutil.cpu_count(logical=False) or psutil.cpu_count(logical=True),
        threads=threads,
        clock_ghz=_clock_ghz(info, proc, name),
        simd=tuple(f for f in SIMD_FLAGS if f in flags),
        microarchitecture=core.name if core else None,
    )


def _cpu_core(info: dict, proc: list[tuple[str, str]]):
    """The x86 core's CpuCore from /proc/cpuinfo (else py-cpuinfo) vendor, family and model."""
    fields = dict(reversed(proc))  # the first CPU's values
    vendor = fields.get("vendor_id") or info.get("vendor_id_raw", "")
    try:
        family = int(fields["cpu family"]) if "cpu family" in fields else info.get("family")
        model = int(fields["model"]) if "model" in fields else info.get("model")
    except ValueError:  # aarch64 writes other keys; anything odd means "unknown"
        return None
    return match_cpu_core(vendor, family, model)


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


def cpu_flops_per_cycle(simd: Iterable[str], dtype: str, microarchitecture: str | None = None) -> int:
    """Peak FLOP per cycle per core for ``dtype``, counting an FMA as 2 FLOP.

    From the flags: float32 = (vector bits / 32) lanes x 2 FLOP x FMA pipes, where the
    vector is AVX-512 (512 bits, needs avx512f), AVX/AVX2 (256) or SSE (128) on x86
    and NEON (128) on Arm; x86 with FMA and Arm count 2 pipes, x86 without FMA 1
    (Intel 64 and IA-32 Architectures Optimization Reference Manual: Haswell to
    Sapphire Rapids server cores have two FMA units as wide as their widest vector).
    Some cores take wide instructions but run them on narrower units: AMD Zen 4
    executes AVX-512 as two 256-bit halves (32, not 64), Zen/Zen+ AVX2 as two 128-bit
    halves (16, not 32). For a ``microarchitecture`` in ``peaks.CPU_CORES`` (found from
    CPUID family and model by ``cpu_info``) the lower of its figure and the flags' is
    used; each row there names its source. float64 is half of float32. float16/bfloat16
    double float32 only with native units (avx512_bf16/amx_bf16/bf16 for bfloat16,
    avx512_fp16/amx_fp16/asimdhp for float16); otherwise they are converted and run at
    the float32 rate. Still an upper bound for Xeons with one 512-bit FMA unit (some
    Skylake-SP Silver/Gold 5xxx, which CPUID cannot tell apart), a lower bound with AMX,
    whose tile units do many times more, and for Arm cores with four 128-bit pipes.
    """
    _check_dtype(dtype)
    simd = set(simd)
    _, width, pipes = _vector_unit(simd)
    fp32 = width // 32 * 2 * pipes
    core = CPU_CORES.get(microarchitecture or "")
    if core is not None:
        fp32 = min(fp32, core.float32_per_cycle)
    if dtype == "float64":
        return fp32 // 2
    if dtype in _NATIVE_HALF_FLAGS and simd & _NATIVE_HALF_FLAGS[dtype]:
        return fp32 * 2
    return fp32


def cpu_peak_estimate(device: DeviceInfo, dtype: str, threads: int | None = None) -> Peak | None:
    """cores x clock x FLOP/cycle; None when the core count or clock is unknown.

    ``threads``: the threads the framework computes with (its intra-op pool); fewer
    threads than cores can use only that many cores' units.
    """
    per_cycle = cpu_flops_per_cycle(device.simd, dtype, device.microarchitecture)
    # Hyper-threads share a core's FMA units, and affinity can leave fewer CPUs than cores.
    cores = min(filter(None, (device.cores, device.threads, threads)), default=None)
    if not cores or not device.clock_ghz:
        return None
    label, _, pipes = _vector_unit(device.simd)
    native = dtype in _NATIVE_HALF_FLAGS and set(device.simd) & _NATIVE_HALF_FLAGS[dtype]
    core = CPU_CORES.get(device.microarchitecture or "")
    units = (f"{label}, {core.name}: {core.why}" if core
             else f"{label}, {pipes} FMA unit{'s' if pipes > 1 else ''}") + (f", native {dtype}" if native else "")
    return Peak(
        gflops=cores * device.clock_ghz * per_cycle,
        source="estimate",
        note=(
            f"estimate: {cores} core{'s' if cores > 1 else ''} x {device.clock_ghz:g} GHz x {per_cycle} {dtype} "
            f"FLOP/cycle ({units}); a VM may hide the real clock"
        ),
    )


# ---------------------------------------------------------------- accelerator datasheets


def _spec_peak(name: str, column: str) -> Peak | None:
    """The datasheet peak of one ACCELERATOR_PEAKS column for one device."""
    key = match_accelerator(name)
    if key is None or column not in ACCELERATOR_PEAKS[key]:
        return None
    tflops = ACCELERATOR_PEAKS[key][column]
    per_chip = DEVICES_PER_CHIP.get(key, 1)
    if key.startswith("TPU"):
        what = f"dense {column} per chip"
        if per_chip > 1:
            what += f", divided by {per_chip} because each chip shows as {per_chip} devices"
    elif column == "float32":
        what = "float32 on CUDA cores, without tensor cores"
    else:
        what = f"dense {column} tensor cores"
    return Peak(gflops=tflops * 1000 / per_chip, source="spec", note=f"{ACCELERATOR_SOURCES[key]}: {what}")


def _precision_peak(device: DeviceInfo, dtype: str, precision: str) -> Peak | None:
    """The datasheet peak of a float32 matmul that ran as ``precision`` on an accelerator, or None
    when the precision changes nothing here (see ``dlenv.precision``).

    TF32 on a GPU: the table's "tf32" column (tensor cores). On a TPU: its bfloat16 peak
    divided by the bfloat16 passes each float32 multiply takes (1, 3 or 6: JAX's
    ``jax.lax.Precision`` docstring, jax-ml/jax jax/_src/lax/lax.py, release 0.10.2).
    """
    if dtype != "float32":
        return None
    if device.kind == "gpu" and precision == "tf32":
        return _spec_peak(device.name, "tf32")
    passes = TPU_PASSES.get(precision)
    if device.kind != "tpu" or passes is None:
        return None
    bf16 = _spec_peak(device.name, "bfloat16")
    if bf16 is None or passes == 1:
        return bf16
    return Peak(gflops=bf16.gflops / passes, source="spec",
                note=f"{bf16.note}; float32 as {passes} bfloat16 passes (JAX's lax.Precision), so 1/{passes} of it")


def peak_for(device: DeviceInfo, dtype: str, measured_gflops: float | None = None,
             threads: int | None = None, precision: str | None = None) -> Peak | None:
    """The peak ``device`` is compared with for ``dtype``.

    With ``measured_gflops`` (``--peak measured``: the best rate of a large matmul
    measured on this device), that rate is the peak, whatever the table says; its note
    compares it with the table's figure. Otherwise a datasheet figure for accelerators,
    and for the CPU the estimate for ``threads`` (the framework's thread count).
    ``precision``: what a matmul really ran as (``matmul_precision``, ``dlenv.precision``);
    a float32 matmul that ran as TF32 or as bfloat16 passes is compared with that peak.
    """
    _check_dtype(dtype)
    table = _precision_peak(device, dtype, precision) if precision and device.kind != "cpu" else None
    if table is None:
        table = cpu_peak_estimate(device, dtype, threads) if device.kind == "cpu" else _spec_peak(device.name, dtype)
    if measured_gflops is None:
        return table
    note = f"the best rate measured on {device.id} with a large {dtype} matmul"
    if table is None:
        note += f"; there is no datasheet figure or estimate for {device.name} in {dtype}"
    else:
        note += f"; the {table.source} is {table.gflops:,.0f} GFLOP/s ({table.note})"
        tf32 = _spec_peak(device.name, "tf32") if dtype == "float32" and device.kind == "gpu" else None
        if tf32 is not None and table.gflops < measured_gflops <= tf32.gflops:
            note += "; float32 ran faster than CUDA cores can, so TF32 tensor cores were used"
    return Peak(gflops=measured_gflops, source="measured", note=note)


def percent_of_peak(gflops: float, peak: Peak | None) -> tuple[float | None, bool]:
    """(percent of peak, exceeded); exceeded means the peak is too low, not >100% speed."""
    if peak is None or peak.gflops <= 0:
        return None, False
    percent = 100.0 * gflops / peak.gflops
    return percent, percent > 100.0
